package spmtest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// estateData is what a composed estate (resynctest's, say) saves of the
// storage section: every fake's data.
type estateData struct {
	Catalog  spmtest.CatalogData      `json:"catalog"`
	Arrays   spmtest.ArraysData       `json:"arrays"`
	Services spmtest.ServicesData     `json:"services"`
	Mode     spmtest.RecoveryModeData `json:"mode"`
	UI       spmtest.UIData           `json:"ui"`
}

type estate struct {
	cat    *spmtest.Catalog
	arrays *spmtest.Arrays
	sc     *spmtest.Services
	mode   *spmtest.RecoveryMode
	ui     *spmtest.UI
}

func (e *estate) data() estateData {
	return estateData{e.cat.Data(), e.arrays.Data(), e.sc.Data(), e.mode.Data(), e.ui.Data()}
}

// build wires the fakes as SPM is wired: the SPM service recovers the
// catalog from the arrays and switches the UI.
func build(t *testing.T, d estateData, faults *spmtest.Faults) *estate {
	t.Helper()
	with := spmtest.WithFaults(faults)
	e := &estate{}
	var err error
	e.cat, err = spmtest.NewCatalogFromData(d.Catalog, with)
	require.NoError(t, err)
	e.arrays, err = spmtest.NewArraysFromData(d.Arrays, with)
	require.NoError(t, err)
	e.mode, err = spmtest.NewRecoveryModeFromData(d.Mode, with)
	require.NoError(t, err)
	e.ui, err = spmtest.NewUIFromData(d.UI, with)
	require.NoError(t, err)
	t.Cleanup(e.ui.Close)
	e.sc, err = spmtest.NewServicesFromData(d.Services, with,
		spmtest.WithInternalRecovery(spmtest.InternalRecovery{Mode: e.mode, Catalog: e.cat, Arrays: e.arrays, UI: e.ui}))
	require.NoError(t, err)
	return e
}

// An estate saved as JSON and rebuilt holds the same state, and storage
// phase 1 runs on the rebuilt one end to end: services in order,
// RecoveryMode journaled before SPM starts, Internal Recovery on the
// catalog, Manual Recovery Mode on the UI.
func TestEstateBackUpAndRestore(t *testing.T) {
	ctx := context.Background()
	restored := spmtest.Sample()
	sc := phase1Services(t)
	start := estateData{
		Catalog:  spmtest.CatalogData{Snapshot: restored, Applied: spm.Changes{}},
		Arrays:   spmtest.ArraysData{Live: liveOf(t, restored)},
		Services: sc.Data(),
		Mode:     spmtest.RecoveryModeData{Value: "Normal"},
		UI:       spmtest.UIData{BasicAuthUser: "admin", BasicAuthSHA256: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}, // "password"
	}
	first := build(t, start, spmtest.NewFaults(1))
	require.NoError(t, first.arrays.DeleteVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 11)))

	saved, err := json.Marshal(first.data())
	require.NoError(t, err)
	var loaded estateData
	require.NoError(t, strictjson.Unmarshal(saved, &loaded))
	e := build(t, loaded, spmtest.NewFaults(1))
	assert.Equal(t, first.data(), e.data())

	ready, err := spm.NewReadiness(e.ui.URL(), spm.WithPinSHA256(e.ui.Pin()), spm.WithBasicAuth("admin", "password"),
		spm.WithPollInterval(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	var journal []byte
	res, err := spm.Phase1{Services: e.sc, Config: e.mode, Ready: ready, OnRecoveryModeSet: func(_ context.Context, mc *spm.ModeChange) error {
		journal, err = json.Marshal(mc)
		return err
	}}.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Ready.Polls, "Manual Recovery Mode at the first poll: recovery ran inside the start")

	live, err := e.arrays.Live(ctx)
	require.NoError(t, err)
	want, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
	require.NoError(t, err)
	recovered, err := e.cat.Snapshot(ctx)
	require.NoError(t, err)
	expected := restored.Clone()
	require.NoError(t, spm.ApplyAll(expected, want...))
	assert.True(t, expected.Equal(recovered))

	var mc spm.ModeChange
	require.NoError(t, json.Unmarshal(journal, &mc))
	_, err = e.mode.RestoreRecoveryMode(ctx, &mc)
	require.NoError(t, err)
	v, err := e.mode.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Normal", v, "the end of the section puts the value back from the journal")
}
