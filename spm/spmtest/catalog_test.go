package spmtest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestCatalogFaultsAndApply(t *testing.T) {
	ctx := context.Background()
	cat, err := spmtest.NewCatalog(spmtest.Sample())
	require.NoError(t, err)
	require.NoError(t, cat.Faults().Add(spmtest.Fault{Op: spmtest.OpApply, Target: spm.KindRemoveVolume, Err: spmtest.ErrInjected, Count: 1}))
	err = cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"})
	assert.ErrorIs(t, err, spmtest.ErrInjected)
	require.NoError(t, cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"}))
	err = cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"})
	assert.ErrorIs(t, err, spm.ErrNotFound, "the fake applies with spm.Apply")
	assert.Equal(t, []spm.Change{spm.RemoveVolume{VolumeID: "vol3"}}, cat.Applied())

	s, err := cat.Snapshot(ctx)
	require.NoError(t, err)
	s.Volumes["x"] = spm.Volume{ID: "x"}
	again, err := cat.Snapshot(ctx)
	require.NoError(t, err)
	assert.NotContains(t, again.Volumes, "x", "snapshots are copies")

	bad := spmtest.Sample()
	bad.Presentations = append(bad.Presentations, spm.Presentation{VolumeID: "ghost"})
	_, err = spmtest.NewCatalog(bad)
	assert.ErrorContains(t, err, "ghost")
}

// A nil change, even a nil pointer to a change, is an error, never a panic.
func TestCatalogNilInputs(t *testing.T) {
	ctx := context.Background()
	_, err := spmtest.NewCatalog(nil)
	assert.ErrorIs(t, err, spm.ErrInvalid)
	cat, err := spmtest.NewCatalog(spmtest.Sample())
	require.NoError(t, err)
	var nilPointer *spm.Quarantine
	for _, ch := range []spm.Change{nil, nilPointer} {
		require.NotPanics(t, func() { err = cat.Apply(ctx, ch) })
		assert.ErrorIs(t, err, spm.ErrUnknownChange)
	}
	assert.Empty(t, cat.Applied())
	assert.Error(t, cat.RunInternalRecovery(ctx, nil, spm.DefaultSignatureRules()))
	_, err = spmtest.NewCatalogFromData(spmtest.CatalogData{Snapshot: spmtest.Sample(), Applied: spm.Changes{nil}})
	assert.ErrorIs(t, err, spm.ErrInvalid)
}

// A catalog's state survives JSON: the rebuilt catalog holds the same
// snapshot and history, and goes on from there.
func TestCatalogDataRoundTrip(t *testing.T) {
	ctx := context.Background()
	cat, err := spmtest.NewCatalog(spmtest.Sample())
	require.NoError(t, err)
	require.NoError(t, cat.Apply(ctx, spm.Quarantine{VolumeID: "vol3"}))
	require.NoError(t, cat.Apply(ctx, spm.RemoveVolume{VolumeID: "spm1"}))
	d := cat.Data()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back spmtest.CatalogData
	require.NoError(t, strictjson.Unmarshal(b, &back))
	again, err := spmtest.NewCatalogFromData(back)
	require.NoError(t, err)
	assert.Equal(t, d, again.Data())
	assert.True(t, d.Snapshot.Equal(again.Data().Snapshot))
	assert.ErrorIs(t, again.Apply(ctx, spm.RemoveVolume{VolumeID: "spm1"}), spm.ErrNotFound, "the removal is part of the state")

	fresh, err := spmtest.NewCatalog(spm.NewSnapshot("c"))
	require.NoError(t, err)
	b, err = json.Marshal(fresh.Data())
	require.NoError(t, err)
	assert.JSONEq(t, `{"snapshot":{"catalogId":"c","arrays":{},"volumes":{},"presentations":null,"services":{},"templates":{}},"applied":[]}`, string(b))

	bad := d
	bad.Snapshot = spmtest.Sample()
	bad.Snapshot.Presentations = append(bad.Snapshot.Presentations, spm.Presentation{VolumeID: "ghost"})
	_, err = spmtest.NewCatalogFromData(bad)
	assert.ErrorIs(t, err, spm.ErrInvalidSnapshot)
}
