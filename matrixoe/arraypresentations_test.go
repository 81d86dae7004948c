package matrixoe_test

import (
	"context"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithArrayPresentations(t *testing.T) {
	tests := []struct {
		name   string
		script func(t *testing.T, restored *spm.Snapshot, a *spmtest.Arrays)
		// want: volume ID -> initiators (by SampleWWN number) after the call
		want map[string][]int
	}{
		{"arrays as the catalog: same presentations", func(*testing.T, *spm.Snapshot, *spmtest.Arrays) {},
			map[string][]int{"vol3": {3}, "vol5": {5}, "vol7": {7, 8}, "volxp": {9}}},
		{"unpresented after the backup", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Unpresent(spmtest.Array3PAR, s.Volumes["vol7"].WWN, spmtest.SampleWWN("initiator", 8)))
		}, map[string][]int{"vol3": {3}, "vol5": {5}, "vol7": {7}, "volxp": {9}}},
		{"presented after the backup", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: s.Volumes["spm1"].WWN, Initiator: spmtest.SampleWWN("initiator", 30), Host: "LSM_new", LUN: 4}))
		}, map[string][]int{"vol3": {3}, "vol5": {5}, "vol7": {7, 8}, "volxp": {9}, "spm1": {30}}},
		{"volume deleted on the array: no presentation", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, s.Volumes["vol3"].WWN))
		}, map[string][]int{"vol5": {5}, "vol7": {7, 8}, "volxp": {9}}},
		{"unreachable array: catalog presentations kept", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Unpresent(spmtest.ArrayEVA, s.Volumes["vol5"].WWN, spmtest.SampleWWN("initiator", 5)))
			require.NoError(t, a.RemoveArray(spmtest.ArrayEVA))
		}, map[string][]int{"vol3": {3}, "vol5": {5}, "vol7": {7, 8}, "volxp": {9}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			restored := spmtest.Sample()
			a, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(restored))
			require.NoError(t, err)
			tc.script(t, restored, a)
			live, err := a.Live(context.Background())
			require.NoError(t, err)
			fp := restored.Fingerprint()

			got, err := matrixoe.WithArrayPresentations(restored, live)
			require.NoError(t, err)
			require.NoError(t, got.Validate())
			assert.Equal(t, fp, restored.Fingerprint(), "the input is not modified")
			have := map[string][]int{}
			for _, p := range got.Presentations {
				for n := range 64 {
					if spmtest.SampleWWN("initiator", n) == p.Initiator {
						have[p.VolumeID] = append(have[p.VolumeID], n)
					}
				}
			}
			assert.Equal(t, tc.want, have)
		})
	}
}

func TestWithArrayPresentationsErrors(t *testing.T) {
	restored := spmtest.Sample()
	live := spmtest.LiveFromSnapshot(restored)
	_, err := matrixoe.WithArrayPresentations(nil, live)
	assert.ErrorContains(t, err, "nil input")
	_, err = matrixoe.WithArrayPresentations(restored, nil)
	assert.ErrorContains(t, err, "nil input")
	bad := live.Clone()
	arr := bad.Arrays[spmtest.Array3PAR]
	arr.Presentations = append(arr.Presentations, spm.LivePresentation{VolumeWWN: spmtest.SampleWWN("volume", 99), Initiator: spmtest.SampleWWN("initiator", 1)})
	bad.Arrays[spmtest.Array3PAR] = arr
	_, err = matrixoe.WithArrayPresentations(restored, bad)
	assert.ErrorContains(t, err, "WithArrayPresentations")
}
