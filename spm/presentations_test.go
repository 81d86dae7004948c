package spm_test

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// pres is a presentation of the sample catalog by initiator number.
func pres(vol string, init int, host string, lun int) spm.Presentation {
	return spm.Presentation{VolumeID: vol, Initiator: spmtest.SampleWWN("initiator", init), Host: host, LUN: lun}
}

// presentationsOf returns one volume's presentations, sorted by initiator.
func presentationsOf(s *spm.Snapshot, vol string) []spm.Presentation {
	var out []spm.Presentation
	for _, p := range s.Presentations {
		if p.VolumeID == vol {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b spm.Presentation) int { return cmp.Compare(a.Initiator, b.Initiator) })
	return out
}

func TestApplySetPresentations(t *testing.T) {
	tests := []struct {
		name   string
		change spm.SetPresentations
		want   []spm.Presentation // vol7's presentations after the change
	}{
		{"replace with one new initiator",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 30, "LSM_new", 4)}},
			[]spm.Presentation{pres("vol7", 30, "LSM_new", 4)}},
		{"keep one, change the other's LUN",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 8, "LSM_S2", 6), pres("vol7", 7, "LSM_S2", 2)}},
			[]spm.Presentation{pres("vol7", 7, "LSM_S2", 2), pres("vol7", 8, "LSM_S2", 6)}},
		{"empty list: presented to nothing",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{}}, nil},
		{"nil list: presented to nothing",
			spm.SetPresentations{VolumeID: "vol7"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := spmtest.Sample()
			others := len(s.Presentations) - len(presentationsOf(s, "vol7"))
			require.NoError(t, spm.Apply(s, tc.change))
			require.NoError(t, s.Validate())
			assert.Equal(t, tc.want, presentationsOf(s, "vol7"))
			assert.Len(t, s.Presentations, others+len(tc.want), "other volumes' presentations are kept")
			assert.Equal(t, presentationsOf(spmtest.Sample(), "vol3"), presentationsOf(s, "vol3"))

			// Idempotent: the same change again changes nothing, not even the order.
			before := slices.Clone(s.Presentations)
			require.NoError(t, spm.Apply(s, tc.change))
			assert.Equal(t, before, s.Presentations)
		})
	}
}

func TestApplySetPresentationsSameSetIsNoOp(t *testing.T) {
	s := spmtest.Sample()
	current := presentationsOf(s, "vol7")
	require.Len(t, current, 2)
	slices.Reverse(current)
	before := slices.Clone(s.Presentations)
	require.NoError(t, spm.Apply(s, spm.SetPresentations{VolumeID: "vol7", Presentations: current}))
	assert.Equal(t, before, s.Presentations, "same presentations in another order: slice untouched")
}

func TestApplySetPresentationsErrors(t *testing.T) {
	tests := []struct {
		name     string
		change   spm.SetPresentations
		sentinel error
		msg      string
	}{
		{"unknown volume", spm.SetPresentations{VolumeID: "ghost"}, spm.ErrNotFound, `volume "ghost" not found`},
		{"presentation of another volume",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 7, "h", 1), pres("vol3", 3, "h", 1)}},
			spm.ErrInvalid, `presentations[1] names volume "vol3"`},
		{"negative LUN",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 7, "h", -1)}},
			spm.ErrInvalid, "negative LUN -1"},
		{"initiator twice",
			spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 7, "h", 1), pres("vol7", 7, "h", 2)}},
			spm.ErrInvalid, "presentations[1] repeats initiator " + spmtest.SampleWWN("initiator", 7).String()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := spmtest.Sample()
			fp := fingerprint(t, s)
			before := slices.Clone(s.Presentations)
			err := spm.Apply(s, tc.change)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), spm.KindSetPresentations)
			assertOneSentinel(t, err, tc.sentinel)
			assert.Equal(t, fp, fingerprint(t, s), "a failed change leaves the snapshot untouched")
			assert.Equal(t, before, s.Presentations)
		})
	}
}

func TestSetPresentationsJSON(t *testing.T) {
	tests := []struct {
		name   string
		change spm.SetPresentations
		member string // how the presentations appear in the JSON
	}{
		{"two presentations", spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 7, "LSM_S2", 2), pres("vol7", 8, "LSM_S2", 2)}},
			`"presentations":[{"volumeId":"vol7","initiator":"` + spmtest.SampleWWN("initiator", 7).String()},
		{"none", spm.SetPresentations{VolumeID: "vol3", Presentations: []spm.Presentation{}}, `"presentations":[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.change)
			require.NoError(t, err)
			assert.Contains(t, string(b), `{"kind":"spm.SetPresentations","volumeId":"`+tc.change.VolumeID+`"`)
			assert.Contains(t, string(b), tc.member)
			back, err := spm.DecodeChange(b)
			require.NoError(t, err)
			assert.Equal(t, tc.change, back)

			list, err := json.Marshal(spm.Changes{spm.Quarantine{VolumeID: tc.change.VolumeID}, tc.change})
			require.NoError(t, err)
			var cs spm.Changes
			require.NoError(t, json.Unmarshal(list, &cs))
			assert.Equal(t, spm.Changes{spm.Quarantine{VolumeID: tc.change.VolumeID}, tc.change}, cs)
		})
	}
}

func TestSetPresentationsJSONErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"presentations missing", `{"kind":"spm.SetPresentations","volumeId":"vol7"}`, `missing field "presentations"`},
		{"unknown field in a presentation", `{"kind":"spm.SetPresentations","volumeId":"vol7","presentations":[{"volumeId":"vol7","port":1}]}`, `unknown field "port"`},
		{"not a list", `{"kind":"spm.SetPresentations","volumeId":"vol7","presentations":{}}`, "presentations: want an array"},
		{"bad initiator", `{"kind":"spm.SetPresentations","volumeId":"vol7","presentations":[{"volumeId":"vol7","initiator":"zz","host":"h","lun":1}]}`, "presentations[0].initiator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := spm.DecodeChange([]byte(tc.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, spm.ErrInvalid)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestPredictInternalRecoveryPresentations: after Internal Recovery the
// catalog holds the arrays' presentations (SPM21 p50), volume by volume,
// and predicting again on the result changes nothing.
func TestPredictInternalRecoveryPresentations(t *testing.T) {
	tests := []struct {
		name    string
		script  func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays)
		changed []string                      // volumes that get a SetPresentations
		want    map[string][]spm.Presentation // volumes whose presentations differ from Sample's afterwards
	}{
		{"arrays as the catalog", func(*testing.T, *spm.Snapshot, *spmtest.Arrays) {}, nil, nil},
		{"catalog lists them in another order", func(_ *testing.T, s *spm.Snapshot, _ *spmtest.Arrays) {
			slices.Reverse(s.Presentations)
		}, nil, nil},
		{"unpresented after the backup", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Unpresent(spmtest.Array3PAR, s.Volumes["vol7"].WWN, spmtest.SampleWWN("initiator", 8)))
		}, []string{"vol7"}, map[string][]spm.Presentation{"vol7": {pres("vol7", 7, "LSM_S2", 2)}}},
		{"presented after the backup", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: s.Volumes["spm1"].WWN, Initiator: spmtest.SampleWWN("initiator", 30), Host: "LSM_new", LUN: 4}))
		}, []string{"spm1"}, map[string][]spm.Presentation{"spm1": {pres("spm1", 30, "LSM_new", 4)}}},
		{"LUN and host changed", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			w := s.Volumes["vol3"].WWN
			require.NoError(t, a.Unpresent(spmtest.Array3PAR, w, spmtest.SampleWWN("initiator", 3)))
			require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: w, Initiator: spmtest.SampleWWN("initiator", 3), Host: "LSM_LS3b", LUN: 9}))
		}, []string{"vol3"}, map[string][]spm.Presentation{"vol3": {pres("vol3", 3, "LSM_LS3b", 9)}}},
		{"volume deleted on the array: no presentations", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, s.Volumes["vol3"].WWN))
		}, []string{"vol3"}, map[string][]spm.Presentation{"vol3": nil}},
		{"unreachable array: catalog presentations kept", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Unpresent(spmtest.ArrayEVA, s.Volumes["vol5"].WWN, spmtest.SampleWWN("initiator", 5)))
			require.NoError(t, a.RemoveArray(spmtest.ArrayEVA))
		}, nil, nil},
		{"several volumes at once, in volume order", func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, a.Unpresent(spmtest.Array3PAR, s.Volumes["vol7"].WWN, spmtest.SampleWWN("initiator", 7)))
			require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: s.Volumes["vol3"].WWN, Initiator: spmtest.SampleWWN("initiator", 31), Host: "LSM_LS3", LUN: 1}))
		}, []string{"vol3", "vol7"}, map[string][]spm.Presentation{
			"vol3": {pres("vol3", 3, "LSM_LS3", 1), pres("vol3", 31, "LSM_LS3", 1)},
			"vol7": {pres("vol7", 8, "LSM_S2", 2)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			restored, arrays := estate(t)
			tc.script(t, restored, arrays)
			require.NoError(t, restored.Validate())
			live, err := arrays.Live(context.Background())
			require.NoError(t, err)
			fp := fingerprint(t, restored)

			changes, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
			require.NoError(t, err)
			assert.Equal(t, fp, fingerprint(t, restored), "prediction is pure")
			var changed []string
			for _, c := range changes {
				sp, ok := c.(spm.SetPresentations)
				if !ok {
					continue
				}
				changed = append(changed, sp.VolumeID)
				for k, p := range sp.Presentations {
					assert.Equal(t, sp.VolumeID, p.VolumeID)
					if k > 0 {
						assert.Less(t, sp.Presentations[k-1].Initiator, p.Initiator, "sorted by initiator")
					}
				}
			}
			assert.Equal(t, tc.changed, changed)

			next := applied(t, restored, changes...)
			require.NoError(t, next.Validate())
			sample := spmtest.Sample()
			for _, vid := range slices.Sorted(maps.Keys(next.Volumes)) {
				want, differs := tc.want[vid]
				if !differs {
					want = presentationsOf(sample, vid)
				}
				assert.Equal(t, want, presentationsOf(next, vid), "volume %s", vid)
			}

			again, err := spm.PredictInternalRecovery(next, live, spm.DefaultSignatureRules())
			require.NoError(t, err)
			assert.Empty(t, again, "Internal Recovery is a fixed point")
			fs, err := spm.Analyze(next, live)
			require.NoError(t, err)
			for _, code := range []spm.Code{spm.CodePresentedAfterBackup, spm.CodeUnpresentedAfterBackup, spm.CodePresentationChanged} {
				assert.Empty(t, withCode(fs, code), "no presentation finding after Internal Recovery: %s", code)
			}
		})
	}
}

// TestRunInternalRecoveryPresentations: the fake catalog plays Internal
// Recovery with PredictInternalRecovery, so it resynchronises presentations
// too, and running it again changes nothing.
func TestRunInternalRecoveryPresentations(t *testing.T) {
	s, a := estate(t)
	w7 := s.Volumes["vol7"].WWN
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, w7, spmtest.SampleWWN("initiator", 7)))
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, w7, spmtest.SampleWWN("initiator", 8)))
	cat, err := spmtest.NewCatalog(s)
	require.NoError(t, err)
	require.NoError(t, cat.RunInternalRecovery(context.Background(), a, spm.DefaultSignatureRules()))
	after, err := cat.Snapshot(context.Background())
	require.NoError(t, err)
	assert.Empty(t, presentationsOf(after, "vol7"), "vol7 is presented to nothing on its array")
	assert.Equal(t, presentationsOf(s, "vol3"), presentationsOf(after, "vol3"))
	assert.Contains(t, cat.Applied(), spm.Change(spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{}}))

	n := len(cat.Applied())
	require.NoError(t, cat.RunInternalRecovery(context.Background(), a, spm.DefaultSignatureRules()))
	assert.Len(t, cat.Applied(), n, "a second Internal Recovery has nothing to change")
	again, err := cat.Snapshot(context.Background())
	require.NoError(t, err)
	assert.True(t, after.Equal(again))
}
