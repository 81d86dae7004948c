package spm_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// oneOfEachKind holds one change of every kind; TestEveryKindIsCovered
// keeps it complete.
func oneOfEachKind() []spm.Change {
	return []spm.Change{
		spm.Quarantine{VolumeID: "vol3"},
		spm.MarkServiceNonConformant{ServiceID: "svc-s2"},
		spm.SetSignatureState{VolumeID: "vol5", State: spm.SignatureOwningCatalogMismatch},
		spm.RemoveVolume{VolumeID: "spm1"},
		spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{pres("vol7", 30, "LSM_new", 4)}},
	}
}

func TestEveryKindIsCovered(t *testing.T) {
	kinds := map[string]bool{}
	for _, c := range oneOfEachKind() {
		kinds[c.Kind()] = true
	}
	assert.Equal(t, map[string]bool{
		spm.KindQuarantine: true, spm.KindMarkServiceNonConformant: true, spm.KindSetSignatureState: true,
		spm.KindRemoveVolume: true, spm.KindSetPresentations: true,
	}, kinds)
}

func TestApply(t *testing.T) {
	tests := []struct {
		name   string
		change spm.Change
		check  func(t *testing.T, s *spm.Snapshot)
	}{
		{"quarantine", spm.Quarantine{VolumeID: "vol3"}, func(t *testing.T, s *spm.Snapshot) {
			assert.True(t, s.Volumes["vol3"].Quarantined)
		}},
		{"mark non-conformant", spm.MarkServiceNonConformant{ServiceID: "svc-s2"}, func(t *testing.T, s *spm.Snapshot) {
			assert.False(t, s.Services["svc-s2"].Conformant)
			assert.True(t, s.Services["svc-ls3"].Conformant)
		}},
		{"set signature state", spm.SetSignatureState{VolumeID: "vol5", State: spm.SignatureServiceMismatch}, func(t *testing.T, s *spm.Snapshot) {
			assert.Equal(t, spm.SignatureServiceMismatch, s.Volumes["vol5"].Signature)
		}},
		{"set Not present on XP", spm.SetSignatureState{VolumeID: "volxp", State: spm.SignatureNotPresent}, func(t *testing.T, s *spm.Snapshot) {
			assert.Equal(t, spm.SignatureNotPresent, s.Volumes["volxp"].Signature)
		}},
		{"remove volume and its presentations", spm.RemoveVolume{VolumeID: "vol7"}, func(t *testing.T, s *spm.Snapshot) {
			assert.NotContains(t, s.Volumes, "vol7")
			for _, p := range s.Presentations {
				assert.NotEqual(t, "vol7", p.VolumeID)
			}
			assert.Len(t, s.Presentations, 3)
			assert.NoError(t, s.Validate())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := spmtest.Sample()
			s := orig.Clone()
			require.NoError(t, spm.Apply(s, tt.change))
			tt.check(t, s)
			assert.True(t, spmtest.Sample().Equal(orig), "the clone's source is untouched")
			assert.False(t, orig.Equal(s))
		})
	}
}

// Re-applying a change whose effect is present is nil and changes nothing,
// except RemoveVolume, whose second application is ErrNotFound (the table
// in the package doc).
func TestApplyTwice(t *testing.T) {
	for _, c := range oneOfEachKind() {
		t.Run(c.Kind(), func(t *testing.T) {
			s := spmtest.Sample()
			require.NoError(t, spm.Apply(s, c))
			once := s.Clone()
			err := spm.Apply(s, c)
			if c.Kind() == spm.KindRemoveVolume {
				assertOneSentinel(t, err, spm.ErrNotFound)
			} else {
				assert.NoError(t, err)
			}
			assert.True(t, once.Equal(s))
		})
	}
}

func TestApplyErrors(t *testing.T) {
	var nilPointer *spm.Quarantine
	tests := []struct {
		name     string
		change   spm.Change
		sentinel error
		msg      string
	}{
		{"quarantine unknown", spm.Quarantine{VolumeID: "nope"}, spm.ErrNotFound, `volume "nope" not found`},
		{"service unknown", spm.MarkServiceNonConformant{ServiceID: "nope"}, spm.ErrNotFound, `storage service "nope" not found`},
		{"signature on unknown volume", spm.SetSignatureState{VolumeID: "nope", State: spm.SignatureValid}, spm.ErrNotFound, `"nope"`},
		{"remove unknown", spm.RemoveVolume{VolumeID: "nope"}, spm.ErrNotFound, `"nope"`},
		{"invalid state", spm.SetSignatureState{VolumeID: "vol3", State: "Shiny"}, spm.ErrInvalid, `"Shiny" is not one of the nine states`},
		{"empty state", spm.SetSignatureState{VolumeID: "vol3"}, spm.ErrInvalid, `"" is not one of the nine states`},
		{"huge state is quoted short", spm.SetSignatureState{VolumeID: "vol3", State: spm.SignatureState(strings.Repeat("x", 1<<20))}, spm.ErrInvalid, "(1048576 bytes)"},
		{"Valid on XP", spm.SetSignatureState{VolumeID: "volxp", State: spm.SignatureValid}, spm.ErrConflict, "holds no signatures"},
		{"huge volume ID is quoted short", spm.RemoveVolume{VolumeID: strings.Repeat("v", 1<<20)}, spm.ErrNotFound, "(1048576 bytes)"},
		{"huge presentation volume is quoted short", spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{{VolumeID: strings.Repeat("w", 1<<20)}}}, spm.ErrInvalid, "(1048576 bytes)"},
		{"nil", nil, spm.ErrUnknownChange, "nil change"},
		{"nil pointer to a change", nilPointer, spm.ErrUnknownChange, "*spm.Quarantine is not an spm change"},
		{"pointer to a change", &spm.Quarantine{VolumeID: "vol3"}, spm.ErrUnknownChange, "*spm.Quarantine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spmtest.Sample()
			before := fingerprint(t, s)
			var err error
			require.NotPanics(t, func() { err = spm.Apply(s, tt.change) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Less(t, len(err.Error()), 512, "errors are bounded")
			assertOneSentinel(t, err, tt.sentinel)
			assert.Equal(t, before, fingerprint(t, s))
			assert.True(t, spmtest.Sample().Equal(s))
		})
	}
	t.Run("nil snapshot", func(t *testing.T) {
		assertOneSentinel(t, spm.Apply(nil, spm.Quarantine{VolumeID: "V"}), spm.ErrInvalid)
		assertOneSentinel(t, spm.ApplyAll(nil, spm.Quarantine{VolumeID: "V"}), spm.ErrInvalid)
		assertOneSentinel(t, spm.ApplyAll(nil), spm.ErrInvalid)
	})
}

// ApplyAll is all or nothing: a failing change at any position leaves the
// snapshot exactly as it was, and the error says which change failed.
func TestApplyAllAtomicAtEveryIndex(t *testing.T) {
	restored := spmtest.Sample()
	live := scramble(t, restored, 3)
	good, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
	require.NoError(t, err)
	require.Greater(t, len(good), 5)
	bad := []spm.Change{spm.RemoveVolume{VolumeID: "ghost"}, spm.SetSignatureState{VolumeID: "volxp", State: spm.SignatureValid}, nil}
	for i := 0; i <= len(good); i++ {
		for _, b := range bad {
			cs := append(append(append(spm.Changes{}, good[:i]...), b), good[i:]...)
			s := restored.Clone()
			before, fp := s.Clone(), fingerprint(t, s)
			err := spm.ApplyAll(s, cs...)
			var ce *spm.ChangeError
			require.ErrorAs(t, err, &ce, "index %d", i)
			assert.Equal(t, i, ce.Index)
			if b != nil {
				assert.Equal(t, b.Kind(), ce.Kind)
				assert.Equal(t, b.Target(), ce.Target)
				assert.Contains(t, err.Error(), "change "+strconv.Itoa(i)+" ("+b.Kind()+", "+b.Target()+")")
			}
			assert.Equal(t, before, s, "exactly as before")
			assert.Equal(t, fp, fingerprint(t, s))
		}
	}
	s := restored.Clone()
	require.NoError(t, spm.ApplyAll(s, good...))
	assert.False(t, s.Equal(restored), "in place")

	err = spm.ApplyAll(s, spm.Quarantine{VolumeID: strings.Repeat("q", 1<<20)})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 512, "the change's target is bounded too")
	assert.NoError(t, s.Validate())
}

// ApplyAll's batch leaves exactly what Apply, change by change, leaves
// (presentation order included), and fails where it fails.
func TestApplyAllMatchesApplyInSequence(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		base := spmtest.Sample()
		cs := make([]spm.Change, 1+r.IntN(12))
		for i := range cs {
			cs[i] = randomChange(r, base)
		}
		seq := base.Clone()
		failed := -1
		for i, c := range cs {
			if spm.Apply(seq, c) != nil {
				failed = i
				break
			}
		}
		batch := base.Clone()
		err := spm.ApplyAll(batch, cs...)
		if failed >= 0 {
			var ce *spm.ChangeError
			require.ErrorAs(t, err, &ce, "seed %d", seed)
			assert.Equal(t, failed, ce.Index, "seed %d", seed)
			assert.Equal(t, base, batch, "seed %d", seed)
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		assert.Equal(t, seq.Presentations, batch.Presentations, "seed %d: same order", seed)
		assert.True(t, seq.Equal(batch), "seed %d", seed)
	}
}

// Every change kind round-trips through plain json.Marshal and DecodeChange.
func TestChangeJSONRoundTrip(t *testing.T) {
	for _, c := range oneOfEachKind() {
		t.Run(c.Kind(), func(t *testing.T) {
			b, err := json.Marshal(c)
			require.NoError(t, err)
			var head map[string]any
			require.NoError(t, json.Unmarshal(b, &head))
			assert.Equal(t, c.Kind(), head["kind"], "plain json.Marshal writes the kind")
			back, err := spm.DecodeChange(b)
			require.NoError(t, err)
			assert.Equal(t, c, back)
		})
	}
	b, err := json.Marshal(spm.Changes(oneOfEachKind()))
	require.NoError(t, err)
	var back spm.Changes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, spm.Changes(oneOfEachKind()), back)

	b, err = json.Marshal(spm.Changes(nil))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b))
}

func TestDecodeChangeErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		sentinel error
		msg      string
	}{
		{"unknown kind", `{"kind":"spm.Explode","volumeId":"v"}`, spm.ErrUnknownChange, `unknown kind "spm.Explode"`},
		{"missing kind", `{"volumeId":"v"}`, spm.ErrInvalid, `missing field "kind"`},
		{"kind twice", `{"kind":"spm.Quarantine","kind":"spm.RemoveVolume","volumeId":"v"}`, spm.ErrInvalid, `key "kind" repeated`},
		{"unknown field", `{"kind":"spm.Quarantine","volumeId":"v","extra":1}`, spm.ErrInvalid, `extra: unknown field "extra"`},
		{"case-folded field", `{"kind":"spm.Quarantine","volumeID":"v"}`, spm.ErrInvalid, `did you mean "volumeId"?`},
		{"missing field", `{"kind":"spm.SetSignatureState","volumeId":"v"}`, spm.ErrInvalid, `missing field "state"`},
		{"field twice", `{"kind":"spm.Quarantine","volumeId":"a","volumeId":"b"}`, spm.ErrInvalid, `volumeId: key "volumeId" repeated`},
		{"ill-typed", `{"kind":"spm.Quarantine","volumeId":3}`, spm.ErrInvalid, `volumeId: want a string`},
		{"nested bad WWN", `{"kind":"spm.SetPresentations","volumeId":"v","presentations":[{"volumeId":"v","initiator":"50:01:43:80:00:00:00:0Z","host":"h","lun":0}]}`,
			spm.ErrInvalid, `presentations[0].initiator`},
		{"trailing data", `{"kind":"spm.Quarantine","volumeId":"v"} {}`, spm.ErrInvalid, "unexpected data after the JSON value"},
		{"not JSON", `{`, spm.ErrInvalid, "spm: change"},
		{"huge bad value", `{"kind":"spm.Quarantine","volumeId":"` + strings.Repeat("x", 1<<20) + `","x":1}`, spm.ErrInvalid, `unknown field "x"`},
		{"huge unknown kind", `{"kind":"` + strings.Repeat("k", 1<<20) + `"}`, spm.ErrUnknownChange, "(1048576 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spm.DecodeChange([]byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Less(t, len(err.Error()), 1024, "errors are bounded")
			assertOneSentinel(t, err, tt.sentinel)
		})
	}
	t.Run("list names the element", func(t *testing.T) {
		var cs spm.Changes
		err := json.Unmarshal([]byte(`[{"kind":"spm.Quarantine","volumeId":"a"},{"kind":"spm.Quarantine","volumeid":"b"}]`), &cs)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `[1].volumeid: spm change spm.Quarantine: unknown field "volumeid"`)
		assert.True(t, errors.Is(err, spm.ErrInvalid))
		assert.Nil(t, cs, "nothing decoded on error")
	})
}

func TestChangeTargetAndString(t *testing.T) {
	for _, tc := range []struct {
		c              spm.Change
		target, string string
	}{
		{spm.Quarantine{VolumeID: "V1"}, "volume V1", `quarantine volume "V1"`},
		{spm.MarkServiceNonConformant{ServiceID: "S7"}, "storage service S7", `mark storage service "S7" non-conformant`},
		{spm.SetSignatureState{VolumeID: "V2", State: spm.SignatureValid}, "volume V2", `set signature state of volume "V2" to "Valid"`},
		{spm.RemoveVolume{VolumeID: "V3"}, "volume V3", `remove volume "V3" and its presentations from the catalog`},
		{spm.SetPresentations{VolumeID: "V4"}, "volume V4", `set volume "V4" presented to no initiator`},
		{spm.SetPresentations{VolumeID: "V5", Presentations: []spm.Presentation{{VolumeID: "V5", Initiator: 1, Host: "h", LUN: 2}}},
			"volume V5", `set presentations of volume "V5" to 00:00:00:00:00:00:00:01 (host "h", LUN 2)`},
	} {
		t.Run(tc.c.Kind(), func(t *testing.T) {
			assert.Equal(t, tc.target, tc.c.Target())
			assert.Equal(t, tc.string, tc.c.String())
		})
	}
}
