package spm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestAnalyzeCleanEstate(t *testing.T) {
	s, a := estate(t)
	fs := analyze(t, s, a)
	assert.Empty(t, allChanges(fs), "nothing to change when the arrays match the catalog")
	for _, id := range []string{"vol3", "vol5", "vol7", "spm1"} {
		got := forVolume(fs, id)
		require.Len(t, got, 1, id)
		assert.Equal(t, spm.CodeSignatureValid, got[0].Code, id)
		assert.Equal(t, spm.SeverityWarning, got[0].Severity, id)
		assert.Contains(t, got[0].Message, "predicted")
	}
	xp := forVolume(fs, "volxp")
	require.Len(t, xp, 1)
	assert.Equal(t, spm.CodeSignatureNotPresent, xp[0].Code)
	assert.Contains(t, xp[0].Manual, "XP arrays hold no signatures")
	require.Len(t, withCode(fs, spm.CodeManualReentry), 1)
	assert.Equal(t, spm.CodeManualReentry, fs[len(fs)-1].Code, "checklist comes last")
}

func TestAnalyzePresentationMismatch(t *testing.T) {
	tests := []struct {
		name    string
		script  func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays)
		volume  string
		code    spm.Code
		changes []spm.Change
	}{
		{
			name: "unpresented after backup, bound service marked non-conformant (Table 15, Volume7)",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 8)))
			},
			volume: "vol7", code: spm.CodeUnpresentedAfterBackup,
			changes: []spm.Change{spm.Quarantine{VolumeID: "vol7"}, spm.MarkServiceNonConformant{ServiceID: "svc-s2"}},
		},
		{
			name: "unpresented, service already non-conformant",
			script: func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) {
				sv := s.Services["svc-s2"]
				sv.Conformant = false
				s.Services["svc-s2"] = sv
				require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 7)))
			},
			volume: "vol7", code: spm.CodeUnpresentedAfterBackup,
			changes: []spm.Change{spm.Quarantine{VolumeID: "vol7"}},
		},
		{
			name: "unpresented, unbound volume on XP",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				require.NoError(t, a.Unpresent(spmtest.ArrayXP, spmtest.SampleWWN("volume", 9), spmtest.SampleWWN("initiator", 9)))
			},
			volume: "volxp", code: spm.CodeUnpresentedAfterBackup,
			changes: []spm.Change{spm.Quarantine{VolumeID: "volxp"}},
		},
		{
			name: "presented after backup (Table 15, Volume4/8: catalog thinks it available)",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: spmtest.SampleWWN("volume", 11), Initiator: spmtest.SampleWWN("initiator", 40), Host: "LSM_LS4", LUN: 3}))
			},
			volume: "spm1", code: spm.CodePresentedAfterBackup,
			changes: []spm.Change{spm.Quarantine{VolumeID: "spm1"}},
		},
		{
			name: "presented to a further initiator",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				require.NoError(t, a.Present(spmtest.ArrayEVA, spm.LivePresentation{VolumeWWN: spmtest.SampleWWN("volume", 5), Initiator: spmtest.SampleWWN("initiator", 41), Host: "LSM_LS5", LUN: 1}))
			},
			volume: "vol5", code: spm.CodePresentedAfterBackup,
			changes: []spm.Change{spm.Quarantine{VolumeID: "vol5"}},
		},
		{
			name: "same initiator, other LUN",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				w, in := spmtest.SampleWWN("volume", 5), spmtest.SampleWWN("initiator", 5)
				require.NoError(t, a.Unpresent(spmtest.ArrayEVA, w, in))
				require.NoError(t, a.Present(spmtest.ArrayEVA, spm.LivePresentation{VolumeWWN: w, Initiator: in, Host: "LSM_LS5", LUN: 7}))
			},
			volume: "vol5", code: spm.CodePresentationChanged,
			changes: []spm.Change{spm.Quarantine{VolumeID: "vol5"}},
		},
		{
			name: "same initiator, other host group",
			script: func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
				w, in := spmtest.SampleWWN("volume", 3), spmtest.SampleWWN("initiator", 3)
				require.NoError(t, a.Unpresent(spmtest.Array3PAR, w, in))
				require.NoError(t, a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: w, Initiator: in, Host: "SPM_1385129999999", LUN: 1}))
			},
			volume: "vol3", code: spm.CodePresentationChanged,
			changes: []spm.Change{spm.Quarantine{VolumeID: "vol3"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := estate(t)
			tt.script(t, s, a)
			fs := analyze(t, s, a)
			got := withCode(fs, tt.code)
			require.Len(t, got, 1)
			assert.Equal(t, tt.volume, got[0].Subject.VolumeID)
			assert.Equal(t, spm.SeverityWarning, got[0].Severity)
			assert.Equal(t, tt.changes, []spm.Change(got[0].Changes))
			assert.Contains(t, got[0].Message, tt.volume)

			// Applying the findings' changes leaves nothing to change: the
			// phase is clean on re-analysis.
			next := applied(t, s, allChanges(fs)...)
			assert.True(t, next.Volumes[tt.volume].Quarantined)
			assert.Empty(t, allChanges(analyze(t, next, a)))
		})
	}
}

// A quarantined volume needs no second Quarantine; its service may still
// need marking, and once both are done nothing is left.
func TestAnalyzePresentationMismatchAlreadyQuarantined(t *testing.T) {
	s, a := estate(t)
	v := s.Volumes["vol3"]
	v.Quarantined = true
	s.Volumes["vol3"] = v
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 3), spmtest.SampleWWN("initiator", 3)))
	got := withCode(analyze(t, s, a), spm.CodeUnpresentedAfterBackup)
	require.Len(t, got, 1)
	assert.Equal(t, []spm.Change{spm.MarkServiceNonConformant{ServiceID: "svc-ls3"}}, []spm.Change(got[0].Changes))

	sv := s.Services["svc-ls3"]
	sv.Conformant = false
	s.Services["svc-ls3"] = sv
	fs := analyze(t, s, a)
	assert.Empty(t, withCode(fs, spm.CodeUnpresentedAfterBackup))
	assert.NotEmpty(t, forVolume(fs, "vol3"), "its signature finding remains")
}

func TestAnalyzeSignatureStates(t *testing.T) {
	vol3 := spmtest.SampleWWN("volume", 3)
	sig := func(a *spmtest.Arrays, f func(*spm.LiveVolume)) error {
		return a.UpdateVolume(spmtest.Array3PAR, vol3, f)
	}
	tests := []struct {
		state    spm.SignatureState
		code     spm.Code
		severity spm.Severity
		script   func(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays)
	}{
		{spm.SignatureValid, spm.CodeSignatureValid, spm.SeverityWarning, func(*testing.T, *spm.Snapshot, *spmtest.Arrays) {}},
		{spm.SignatureUnsupportedVersion, spm.CodeSignatureUnsupportedVersion, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.Version = 2 }))
		}},
		{spm.SignatureCorrupt, spm.CodeSignatureCorrupt, spm.SeverityError, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.Corrupt = true }))
		}},
		{spm.SignatureNotPresent, spm.CodeSignatureNotPresent, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature = spm.Signature{} }))
		}},
		{spm.SignatureNotPresentChanged, spm.CodeSignatureNotPresentChanged, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature = spm.Signature{}; v.SizeBytes *= 2 }))
		}},
		{spm.SignatureOwningCatalogMismatch, spm.CodeSignatureOwningCatalogMismatch, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.OwningCatalog = "spm-other" }))
		}},
		{spm.SignatureUnexpectedServiceBinding, spm.CodeSignatureUnexpectedServiceBinding, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.ServiceID = "" }))
		}},
		{spm.SignatureActivationLevelMismatch, spm.CodeSignatureActivationLevelMismatch, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.Activation = "inactive" }))
		}},
		{spm.SignatureServiceMismatch, spm.CodeSignatureServiceMismatch, spm.SeverityWarning, func(t *testing.T, _ *spm.Snapshot, a *spmtest.Arrays) {
			require.NoError(t, sig(a, func(v *spm.LiveVolume) { v.Signature.ServiceID = "svc-ls5" }))
		}},
	}
	require.Len(t, tests, len(spm.SignatureStates()), "one case per state")
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			s, a := estate(t)
			tt.script(t, s, a)
			live, err := a.Live(context.Background())
			require.NoError(t, err)
			lv, ok := live.Volume(spmtest.Array3PAR, vol3)
			require.True(t, ok)
			assert.Equal(t, tt.state, spm.DeriveSignatureState(spm.Array3PAR, s.CatalogID, s.Volumes["vol3"], lv, spm.DefaultSignatureRules()))

			code, ok := spm.SignatureCode(tt.state)
			require.True(t, ok)
			assert.Equal(t, tt.code, code)

			got := forVolume(analyze(t, s, a), "vol3")
			require.Len(t, got, 1)
			assert.Equal(t, tt.code, got[0].Code)
			assert.Equal(t, tt.severity, got[0].Severity)
			assert.NotEmpty(t, got[0].Manual, "every state says what to do")
			assert.Empty(t, got[0].Changes, "the SDK never releases quarantine itself")
			assert.Contains(t, got[0].Message, string(tt.state))

			// The same state set by SPM in the catalog gives the same code,
			// and is reported as SPM's, not predicted.
			s2, a2 := estate(t)
			v := s2.Volumes["vol3"]
			v.Signature = tt.state
			s2.Volumes["vol3"] = v
			set := forVolume(analyze(t, s2, a2), "vol3")
			require.Len(t, set, 1)
			assert.Equal(t, tt.code, set[0].Code)
			assert.Contains(t, set[0].Message, "SPM set")
		})
	}
	_, ok := spm.SignatureCode("")
	assert.False(t, ok)
}

func TestDeriveSignatureStateXPAlwaysNotPresent(t *testing.T) {
	v := spm.Volume{ID: "x", Name: "n", SizeBytes: 1}
	for _, sig := range []spm.Signature{{}, {Present: true, Version: 1, OwningCatalog: "c"}, {Present: true, Corrupt: true}} {
		assert.Equal(t, spm.SignatureNotPresent, spm.DeriveSignatureState(spm.ArrayXP, "c", v, spm.LiveVolume{Name: "other", Signature: sig}, spm.DefaultSignatureRules()))
	}
}

func TestAnalyzeMissingVolumes(t *testing.T) {
	tests := []struct {
		name     string
		array    string
		n        int
		volume   string
		code     spm.Code
		severity spm.Severity
		changes  []spm.Change
	}{
		{"offline SPM_ volume deleted after backup", spmtest.Array3PAR, 11, "spm1", spm.CodeOfflineVolume, spm.SeverityWarning, []spm.Change{spm.RemoveVolume{VolumeID: "spm1"}}},
		{"ordinary volume deleted", spmtest.Array3PAR, 3, "vol3", spm.CodeVolumeMissing, spm.SeverityError, nil},
		{"XP volume deleted", spmtest.ArrayXP, 9, "volxp", spm.CodeVolumeMissing, spm.SeverityError, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := estate(t)
			require.NoError(t, a.DeleteVolume(tt.array, spmtest.SampleWWN("volume", tt.n)))
			fs := analyze(t, s, a)
			got := forVolume(fs, tt.volume)
			require.Len(t, got, 1, "no signature or presentation finding for a volume the array lost")
			assert.Equal(t, tt.code, got[0].Code)
			assert.Equal(t, tt.severity, got[0].Severity)
			assert.NotEmpty(t, got[0].Manual)
			assert.Equal(t, tt.changes, []spm.Change(got[0].Changes))
			if tt.changes != nil {
				next := applied(t, s, tt.changes...)
				assert.Empty(t, forVolume(analyze(t, next, a), tt.volume))
			}
		})
	}
}

func TestAnalyzeArrayUnreachable(t *testing.T) {
	s, a := estate(t)
	require.NoError(t, a.RemoveArray(spmtest.ArrayEVA))
	fs := analyze(t, s, a)
	got := withCode(fs, spm.CodeArrayUnreachable)
	require.Len(t, got, 1)
	assert.Equal(t, spmtest.ArrayEVA, got[0].Subject.ArrayID)
	assert.Equal(t, spm.SeverityError, got[0].Severity)
	assert.Empty(t, forVolume(fs, "vol5"), "volumes of an unreachable array are not judged")
}

func TestAnalyzeVolumeNotInCatalog(t *testing.T) {
	tests := []struct {
		name  string
		owner string
		want  int
	}{
		{"imported after backup by this SPM", spmtest.SampleCatalogID, 1},
		{"owned by another SPM", "spm-other", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := estate(t)
			require.NoError(t, a.ImportVolume(spmtest.Array3PAR, spm.LiveVolume{WWN: spmtest.SampleWWN("volume", 2), Name: "Volume2", SizeBytes: 1 << 30,
				Signature: spm.Signature{Present: true, Version: 1, OwningCatalog: tt.owner}}))
			got := withCode(analyze(t, s, a), spm.CodeVolumeNotInCatalog)
			require.Len(t, got, tt.want)
			if tt.want > 0 {
				assert.Equal(t, spmtest.SampleWWN("volume", 2), got[0].Subject.VolumeWWN)
				assert.Contains(t, got[0].Message, "Volume2")
			}
		})
	}
}

func TestAnalyzeManualChecklist(t *testing.T) {
	s, a := estate(t)
	got := withCode(analyze(t, s, a), spm.CodeManualReentry)
	require.Len(t, got, 1)
	for _, item := range spm.ManualReentryChecklist() {
		assert.Contains(t, got[0].Manual, item)
	}
	assert.Len(t, spm.ManualReentryChecklist(), 5)
}

func TestAnalyzeIsPureAndDeterministic(t *testing.T) {
	s, a := estate(t)
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 7)))
	require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 11)))
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	before, liveBefore := fingerprint(t, s), live.Clone()
	first, err := spm.Analyze(s, live)
	require.NoError(t, err)
	for range 5 {
		again, err := spm.Analyze(s, live)
		require.NoError(t, err)
		assert.Equal(t, first, again)
	}
	assert.Equal(t, before, fingerprint(t, s), "restored snapshot unchanged")
	assert.Equal(t, liveBefore, live, "live snapshot unchanged")
}

func TestAnalyzeRejectsInvalidInput(t *testing.T) {
	s, a := estate(t)
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	bad := s.Clone()
	bad.Presentations = append(bad.Presentations, spm.Presentation{VolumeID: "ghost"})
	_, err = spm.Analyze(bad, live)
	var ve *spm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), `"ghost"`)

	_, err = spm.Analyze(nil, live)
	assert.Error(t, err)

	badLive := live.Clone()
	la := badLive.Arrays[spmtest.ArrayEVA]
	la.Presentations = append(la.Presentations, spm.LivePresentation{VolumeWWN: 42})
	badLive.Arrays[spmtest.ArrayEVA] = la
	_, err = spm.Analyze(s, badLive)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "live arrays", ve.What)
}

func TestPredictInternalRecovery(t *testing.T) {
	s, a := estate(t)
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 7)))
	require.NoError(t, a.SetSignature(spmtest.Array3PAR, spmtest.SampleWWN("volume", 3), spm.Signature{Present: true, Corrupt: true}))
	cat, err := spmtest.NewCatalog(s)
	require.NoError(t, err)
	require.NoError(t, cat.RunInternalRecovery(context.Background(), a, spm.DefaultSignatureRules()))
	after, err := cat.Snapshot(context.Background())
	require.NoError(t, err)
	for id, v := range after.Volumes {
		assert.True(t, v.Quarantined, "SPM 2.2 quarantines every volume: %s", id)
		assert.NotEmpty(t, v.Signature, id)
	}
	assert.Equal(t, spm.SignatureCorrupt, after.Volumes["vol3"].Signature)
	assert.Equal(t, spm.SignatureNotPresent, after.Volumes["volxp"].Signature)
	assert.False(t, after.Services["svc-s2"].Conformant, "Table 15: service of Volume7 marked non-conformant")
	assert.True(t, after.Services["svc-ls3"].Conformant)

	// After SPM's own recovery the analysis proposes no further change and
	// reports SPM's states.
	fs := analyze(t, after, a)
	assert.Empty(t, allChanges(fs))
	got := forVolume(fs, "vol3")
	require.Len(t, got, 1)
	assert.Equal(t, spm.CodeSignatureCorrupt, got[0].Code)
	assert.True(t, strings.Contains(got[0].Message, "SPM set"))
	// Per volume Quarantine and SetSignatureState, svc-s2 marked, and vol7's
	// presentations resynchronised from the array (SPM21 p50).
	assert.Len(t, cat.Applied(), len(after.Volumes)*2+2)
}

// Applying every change Analyze proposes and analysing again proposes
// nothing more; Internal Recovery predicted on its own result changes
// nothing; every proposed change survives a JSON round trip. Checked on 200
// seeded random post-backup histories the hand-written tests do not cover.
func TestFixedPointsOnRandomHistories(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			restored := spmtest.Sample()
			live := scramble(t, restored, seed)

			fs, err := spm.Analyze(restored, live)
			require.NoError(t, err)
			checkFindings(t, fs)
			cs := spm.ChangesOf(fs)
			b, err := json.Marshal(cs)
			require.NoError(t, err)
			var back spm.Changes
			require.NoError(t, json.Unmarshal(b, &back))
			require.Len(t, back, len(cs))
			for i := range cs {
				assert.Equal(t, cs[i], back[i])
			}

			after := applied(t, restored, back...)
			require.NoError(t, after.Validate())
			again, err := spm.Analyze(after, live)
			require.NoError(t, err)
			for _, f := range again {
				assert.Empty(t, f.Changes, "still proposed after applying: %s", f)
			}

			pred, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
			require.NoError(t, err)
			// One analysis for both: the same findings and prediction.
			both, bothPred, err := spm.AnalyzeRecovery(restored, live, spm.DefaultSignatureRules())
			require.NoError(t, err)
			assert.Equal(t, fs, both)
			assert.Equal(t, pred, bothPred)
			recovered := applied(t, restored, pred...)
			require.NoError(t, recovered.Validate())
			more, err := spm.PredictInternalRecovery(recovered, live, spm.DefaultSignatureRules())
			require.NoError(t, err)
			assert.Empty(t, more)
			for _, v := range recovered.Volumes {
				assert.True(t, v.Quarantined, "Internal Recovery quarantines every volume (%s)", v.ID)
			}
		})
	}
}

func TestAnalyzeNilInputs(t *testing.T) {
	s := spmtest.Sample()
	live := liveOf(t, s)
	for _, tc := range []struct {
		name     string
		restored *spm.Snapshot
		live     *spm.Live
	}{{"both", nil, nil}, {"restored", nil, live}, {"live", s, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotPanics(t, func() {
				_, err := spm.Analyze(tc.restored, tc.live)
				assert.ErrorIs(t, err, spm.ErrInvalid)
				_, err = spm.PredictInternalRecovery(tc.restored, tc.live, spm.DefaultSignatureRules())
				assert.ErrorIs(t, err, spm.ErrInvalid)
				_, _, err = spm.AnalyzeRecovery(tc.restored, tc.live, spm.DefaultSignatureRules())
				assert.ErrorIs(t, err, spm.ErrInvalid)
			})
		})
	}
}

// The signature inference is the caller's to replace.
func TestSignatureRulesDeriveOverrides(t *testing.T) {
	s, a := estate(t)
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	rules := spm.SignatureRules{Derive: func(t spm.ArrayType, _ string, v spm.Volume, _ spm.LiveVolume) spm.SignatureState {
		if !t.SupportsSignatures() {
			return spm.SignatureNotPresent
		}
		if v.ID == "vol5" {
			return spm.SignatureCorrupt
		}
		return spm.SignatureValid
	}}
	fs, err := spm.AnalyzeWith(s, live, rules)
	require.NoError(t, err)
	checkFindings(t, fs)
	got := withCode(fs, spm.CodeSignatureCorrupt)
	require.Len(t, got, 1)
	assert.Equal(t, "vol5", got[0].Subject.VolumeID)
	cs, err := spm.PredictInternalRecovery(s, live, rules)
	require.NoError(t, err)
	assert.Contains(t, cs, spm.Change(spm.SetSignatureState{VolumeID: "vol5", State: spm.SignatureCorrupt}))

	for _, bad := range []spm.SignatureState{"", "Shiny", spm.SignatureValid} {
		rules.Derive = func(spm.ArrayType, string, spm.Volume, spm.LiveVolume) spm.SignatureState { return bad }
		_, err := spm.AnalyzeWith(s, live, rules)
		assert.ErrorIs(t, err, spm.ErrInvalid, "state %q (Valid is impossible on XP)", bad)
	}
}

// Each of the nine Signature States carries the action of the SPM 2.2 user
// guide's table (p20, domain notes §6.3), not only some action: the words
// that distinguish it must be in the finding's Manual text.
func TestSignatureStateActionsFollowTheGuide(t *testing.T) {
	want := map[spm.SignatureState][]string{
		spm.SignatureValid:                    {"safe to take out of quarantine"},
		spm.SignatureUnsupportedVersion:       {"newer SPM", "remove the volume from the catalog", "rewrite the signature"},
		spm.SignatureCorrupt:                  {"troubleshoot before taking"},
		spm.SignatureNotPresent:               {"usable", "cannot prove"},
		spm.SignatureNotPresentChanged:        {"usable", "cannot prove", "changed"},
		spm.SignatureOwningCatalogMismatch:    {"another SPM", "normally do not import", "forced import"},
		spm.SignatureUnexpectedServiceBinding: {"deactivate the bound service"},
		spm.SignatureActivationLevelMismatch:  {"lsmanalyser", "rewrite the signature", "out of quarantine"},
		spm.SignatureServiceMismatch:          {"another service", "deactivate the current service"},
	}
	require.Len(t, want, len(spm.SignatureStates()))
	for _, state := range spm.SignatureStates() {
		t.Run(string(state), func(t *testing.T) {
			s, a := estate(t)
			v := s.Volumes["vol3"] // on the 3PAR array
			v.Signature = state
			s.Volumes["vol3"] = v
			got := forVolume(analyze(t, s, a), "vol3")
			require.Len(t, got, 1)
			for _, w := range want[state] {
				assert.Contains(t, got[0].Manual, w)
			}
		})
	}
	t.Run("XP volumes are restored by hand", func(t *testing.T) {
		s, a := estate(t)
		got := forVolume(analyze(t, s, a), "volxp")
		require.Len(t, got, 1)
		assert.Equal(t, spm.CodeSignatureNotPresent, got[0].Code)
		assert.Contains(t, got[0].Manual, "by hand")
		assert.Equal(t, spmtest.ArrayXP, got[0].Subject.ArrayID)
	})
}
