package spm_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

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
			assert.Equal(t, spmtest.Sample().Fingerprint(), orig.Fingerprint(), "the clone's source is untouched")
			assert.NotEqual(t, orig.Fingerprint(), s.Fingerprint())
		})
	}
}

func TestApplyErrorsChangeNothing(t *testing.T) {
	tests := []struct {
		name     string
		change   spm.Change
		notFound bool
		msg      string
	}{
		{"quarantine unknown", spm.Quarantine{VolumeID: "nope"}, true, `"nope"`},
		{"service unknown", spm.MarkServiceNonConformant{ServiceID: "nope"}, true, `"nope"`},
		{"signature on unknown volume", spm.SetSignatureState{VolumeID: "nope", State: spm.SignatureValid}, true, `"nope"`},
		{"remove unknown", spm.RemoveVolume{VolumeID: "nope"}, true, `"nope"`},
		{"invalid state", spm.SetSignatureState{VolumeID: "vol3", State: "Shiny"}, false, `"Shiny"`},
		{"empty state", spm.SetSignatureState{VolumeID: "vol3"}, false, "invalid signature state"},
		{"Valid on XP", spm.SetSignatureState{VolumeID: "volxp", State: spm.SignatureValid}, false, "holds no signatures"},
		{"nil", nil, false, "nil change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spmtest.Sample()
			before := s.Fingerprint()
			err := spm.Apply(s, tt.change)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			if tt.notFound {
				assert.ErrorIs(t, err, spm.ErrNotFound)
			}
			assert.Equal(t, before, s.Fingerprint())
		})
	}
}

func TestApplyAllStopsAtFirstError(t *testing.T) {
	s := spmtest.Sample()
	before := s.Fingerprint()
	_, err := spm.ApplyAll(s, []spm.Change{spm.Quarantine{VolumeID: "vol3"}, spm.RemoveVolume{VolumeID: "x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "change 1")
	assert.Equal(t, before, s.Fingerprint(), "ApplyAll works on a copy")
}

func TestChangeJSONRoundTrip(t *testing.T) {
	changes := []spm.Change{
		spm.Quarantine{VolumeID: "vol3"},
		spm.MarkServiceNonConformant{ServiceID: "svc-s2"},
		spm.SetSignatureState{VolumeID: "vol5", State: spm.SignatureOwningCatalogMismatch},
		spm.RemoveVolume{VolumeID: "spm1"},
	}
	kinds := map[string]bool{}
	for _, c := range changes {
		t.Run(c.Kind(), func(t *testing.T) {
			b, err := spm.MarshalChange(c)
			require.NoError(t, err)
			var head map[string]any
			require.NoError(t, json.Unmarshal(b, &head))
			assert.Equal(t, c.Kind(), head["kind"])
			back, err := spm.UnmarshalChange(b)
			require.NoError(t, err)
			assert.Equal(t, c, back)
			assert.NotEmpty(t, c.String())
		})
		kinds[c.Kind()] = true
	}
	assert.Len(t, kinds, len(changes), "kinds are distinct")

	b, err := json.Marshal(spm.Changes(changes))
	require.NoError(t, err)
	var back spm.Changes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, spm.Changes(changes), back)
}

func TestUnmarshalChangeErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"unknown kind", `{"kind":"spm.Explode","volumeId":"v"}`, `"spm.Explode"`},
		{"missing kind", `{"volumeId":"v"}`, `missing "kind"`},
		{"unknown field", `{"kind":"spm.Quarantine","volumeID":"v","extra":1}`, `unknown field`},
		{"not JSON", `{`, "decode change"},
		{"wrong type", `{"kind":"spm.Quarantine","volumeId":3}`, "spm.Quarantine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spm.UnmarshalChange([]byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	var cs spm.Changes
	err := json.Unmarshal([]byte(`[{"kind":"spm.Quarantine","volumeId":"a"},{"kind":"x"}]`), &cs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "change 1")
}

func TestFindingJSONRoundTrip(t *testing.T) {
	s, a := estate(t)
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 7)))
	require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 11)))
	fs := analyze(t, s, a)
	require.NotEmpty(t, allChanges(fs))
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"spm.RemoveVolume"`)
	var back []spm.Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fs, back)
}
