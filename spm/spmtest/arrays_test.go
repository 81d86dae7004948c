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

func TestArraysScriptingKeepsStateValid(t *testing.T) {
	a, err := spmtest.NewArrays(liveOf(t, spmtest.Sample()))
	require.NoError(t, err)
	vol3 := spmtest.SampleWWN("volume", 3)
	tests := []struct {
		name string
		do   func() error
		msg  string
	}{
		{"unknown array", func() error { return a.ImportVolume("msa", spm.LiveVolume{WWN: 1}) }, `no array "msa"`},
		{"duplicate volume", func() error { return a.ImportVolume(spmtest.Array3PAR, spm.LiveVolume{WWN: vol3}) }, "listed twice"},
		{"present unknown volume", func() error {
			return a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: 99, Initiator: 1})
		}, "does not hold"},
		{"duplicate presentation", func() error {
			return a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: vol3, Initiator: spmtest.SampleWWN("initiator", 3)})
		}, "presented twice"},
		{"unpresent missing", func() error { return a.Unpresent(spmtest.Array3PAR, vol3, 12345) }, "does not present"},
		{"delete missing", func() error { return a.DeleteVolume(spmtest.Array3PAR, 12345) }, "holds no volume"},
		{"change WWN", func() error {
			return a.UpdateVolume(spmtest.Array3PAR, vol3, func(v *spm.LiveVolume) { v.WWN++ })
		}, "may not change the WWN"},
		{"duplicate array", func() error { return a.AddArray(spm.LiveArray{ID: spmtest.ArrayXP, Type: spm.ArrayXP}) }, "exists"},
	}
	ctx := context.Background()
	before, err := a.Live(ctx)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			after, err := a.Live(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused script step changes nothing")
		})
	}
}

func TestArraysNilInputs(t *testing.T) {
	_, err := spmtest.LiveFromSnapshot(nil)
	assert.ErrorIs(t, err, spm.ErrInvalid)
	a, err := spmtest.NewArrays(nil)
	require.NoError(t, err)
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	assert.Empty(t, live.Arrays)
	b, err := spmtest.NewArrays(liveOf(t, spmtest.Sample()))
	require.NoError(t, err)
	assert.ErrorIs(t, b.UpdateVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 3), nil), spm.ErrInvalid)
}

func TestArraysDataRoundTrip(t *testing.T) {
	a, err := spmtest.NewArrays(liveOf(t, spmtest.Sample()))
	require.NoError(t, err)
	require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 11)))
	d := a.Data()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back spmtest.ArraysData
	require.NoError(t, strictjson.Unmarshal(b, &back))
	again, err := spmtest.NewArraysFromData(back)
	require.NoError(t, err)
	assert.Equal(t, d, again.Data())
	fa, err := spm.FingerprintLive(d.Live)
	require.NoError(t, err)
	fb, err := spm.FingerprintLive(again.Data().Live)
	require.NoError(t, err)
	assert.Equal(t, fa, fb)

	d.Live.Arrays[spmtest.Array3PAR] = spm.LiveArray{ID: "other", Type: spm.Array3PAR}
	_, err = spmtest.NewArraysFromData(d)
	assert.ErrorIs(t, err, spm.ErrInvalidSnapshot)
}
