package spm_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Nil and empty collections are the same content: Equal must agree with
// Diff, or a plan computed on one form is refused on the other.
func TestFingerprintNilAndEmptyCollectionsAgreeWithDiff(t *testing.T) {
	var decoded spm.Snapshot
	require.NoError(t, json.Unmarshal([]byte(`{"catalogId":"c"}`), &decoded))
	noPres := spmtest.Sample()
	noPres.Presentations = nil
	emptyPres := noPres.Clone()
	emptyPres.Presentations = []spm.Presentation{}

	tests := []struct {
		name string
		a, b *spm.Snapshot
	}{
		{"NewSnapshot vs literal", spm.NewSnapshot("c"), &spm.Snapshot{CatalogID: "c"}},
		{"NewSnapshot vs JSON without members", spm.NewSnapshot("c"), &decoded},
		{"nil vs empty presentations", noPres, emptyPres},
		{"nil snapshot vs empty one", nil, &spm.Snapshot{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Empty(t, spm.Diff(tt.a, tt.b))
			assert.Equal(t, tt.a.Fingerprint(), tt.b.Fingerprint())
		})
	}
	t.Run("a real difference still shows", func(t *testing.T) {
		a, b := spm.NewSnapshot("c"), spm.NewSnapshot("d")
		assert.NotEqual(t, a.Fingerprint(), b.Fingerprint())
		assert.Len(t, spm.Diff(a, b), 1)
	})
}

// Removing the last presented volume leaves an empty (non-nil) slice; the
// result must equal a catalog that never had presentations.
func TestRemoveLastPresentedVolumeEqualsFreshCatalog(t *testing.T) {
	s := spm.NewSnapshot("c")
	s.Arrays["A"] = spm.Array{ID: "A", Type: spm.Array3PAR}
	s.Volumes["V"] = spm.Volume{ID: "V", ArrayID: "A", Name: "SPM_1", WWN: 1}
	s.Presentations = []spm.Presentation{{VolumeID: "V", Initiator: 2, Host: "h", LUN: 1}}
	require.NoError(t, s.Validate())

	got, err := spm.ApplyAll(s, []spm.Change{spm.RemoveVolume{VolumeID: "V"}})
	require.NoError(t, err)
	fresh := spm.NewSnapshot("c")
	fresh.Arrays["A"] = s.Arrays["A"]
	assert.True(t, got.Equal(fresh), "diff: %v", spm.Diff(got, fresh))
}

func TestNilInputsGiveErrorsNotPanics(t *testing.T) {
	var nilSnap *spm.Snapshot
	var nilLive *spm.Live
	tests := []struct {
		name string
		call func() error
	}{
		{"Apply", func() error { return spm.Apply(nil, spm.Quarantine{VolumeID: "V"}) }},
		{"ApplyAll", func() error { _, err := spm.ApplyAll(nil, nil); return err }},
		{"Snapshot.Validate", func() error { return nilSnap.Validate() }},
		{"Live.Validate", func() error { return nilLive.Validate() }},
		{"Analyze", func() error { _, err := spm.Analyze(nil, nil); return err }},
		{"PredictInternalRecovery", func() error {
			_, err := spm.PredictInternalRecovery(nil, nil, spm.DefaultSignatureRules())
			return err
		}},
		{"StartServices", func() error { return spm.StartServices(context.Background(), nil, []string{"S"}) }},
		{"StopService", func() error { return spm.StopService(context.Background(), nil, "S") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tt.call() })
			assert.Error(t, err)
		})
	}
	t.Run("ServiceError names the service", func(t *testing.T) {
		err := spm.StartServices(context.Background(), nil, []string{"HP X"})
		var se *spm.ServiceError
		require.True(t, errors.As(err, &se))
		assert.Equal(t, "HP X", se.Service)
	})
	t.Run("Clone and Volume of nil", func(t *testing.T) {
		assert.Nil(t, nilSnap.Clone())
		assert.Nil(t, nilLive.Clone())
		_, ok := nilLive.Volume("A", 1)
		assert.False(t, ok)
	})
}

// Every record kind refuses an empty ID, templates included.
func TestValidateEmptyIDs(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *spm.Snapshot)
		want  string
	}{
		{"array", func(s *spm.Snapshot) { s.Arrays[""] = spm.Array{Type: spm.ArrayEVA} }, "array with empty ID"},
		{"volume", func(s *spm.Snapshot) { s.Volumes[""] = spm.Volume{ArrayID: spmtest.ArrayEVA, WWN: 99} }, "volume with empty ID"},
		{"service", func(s *spm.Snapshot) { s.Services[""] = spm.Service{} }, "service with empty ID"},
		{"template", func(s *spm.Snapshot) { s.Templates[""] = spm.Template{Name: "nameless"} }, "template with empty ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spmtest.Sample()
			require.NoError(t, s.Validate())
			tt.build(s)
			err := s.Validate()
			var ve *spm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, ve.Problems, tt.want)
		})
	}
}
