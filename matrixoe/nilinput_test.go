package matrixoe

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil pointer where a snapshot, change, export or port is
// expected is an error naming what was nil, never a panic.
func TestNilInputsAreErrorsNotPanics(t *testing.T) {
	var nilSnap *Snapshot
	tests := []struct {
		name string
		call func() error
	}{
		{"Apply to a nil snapshot", func() error { return Apply(nilSnap, DropLS{LogicalServerID: "LS1"}) }},
		{"ApplyAll to a nil snapshot", func() error { return ApplyAll(nilSnap, DropLS{LogicalServerID: "LS1"}) }},
		{"Apply a typed nil change", func() error { return Apply(NewSnapshot(), (*DropLS)(nil)) }},
		{"ApplyAll with a typed nil change", func() error { return ApplyAll(NewSnapshot(), (*TerminateRequest)(nil)) }},
		{"marshal a typed nil change in a list", func() error { _, err := json.Marshal(Changes{(*ApplyRMExport)(nil)}); return err }},
		{"AnalyzeIORequests of a nil snapshot", func() error { _, err := AnalyzeIORequests(nil); return err }},
		{"AnalyzeIOIPs of a nil snapshot", func() error { _, err := AnalyzeIOIPs(nil, nil); return err }},
		{"AnalyzeIOServices without a file", func() error { _, err := AnalyzeIOServices(NewSnapshot(), nil, nil); return err }},
		{"FormatServicesFile of a nil snapshot", func() error { _, err := FormatServicesFile(nil); return err }},
		{"ParseServicesFile against a nil snapshot", func() error { _, err := ParseServicesFile([]byte("web\r\n"), nil); return err }},
		{"WriteServicesFile of a nil snapshot", func() error {
			return WriteServicesFile(t.Context(), ServicesFilePath(t.TempDir()), nil)
		}},
		{"ReadLive without a Live", func() error { _, err := ReadLive(t.Context(), nil, nil); return err }},
		{"Validate a nil RM export", func() error { var e *RMExport; return e.Validate() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "nil")
		})
	}
}

// Nil snapshots where a neutral answer exists.
func TestNilSnapshotNeutralAnswers(t *testing.T) {
	var nilSnap *Snapshot
	assert.Nil(t, nilSnap.Clone())
	s := newMS().vm("VM1", "vm-1", PowerOn).build(t)
	assert.Equal(t, []Difference{{Record: "logicalServer", ID: "VM1", Op: DiffAdded}}, Diff(nil, s))
	assert.Equal(t, []Difference{{Record: "logicalServer", ID: "VM1", Op: DiffRemoved}}, Diff(s, nil))
	assert.NoError(t, nilSnap.Validate(), "a nil snapshot is an empty one")
	assert.True(t, nilSnap.Equal(NewSnapshot()))
	assert.True(t, NewSnapshot().Equal(nil))
	assert.True(t, nilSnap.Equal(&Snapshot{}))
	nilFP, err := nilSnap.Fingerprint()
	require.NoError(t, err)
	emptyFP, err := NewSnapshot().Fingerprint()
	require.NoError(t, err)
	zeroFP, err := (&Snapshot{}).Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, emptyFP, nilFP)
	assert.Equal(t, emptyFP, zeroFP)
	var f *ServicesFile
	assert.Empty(t, f.Deleted())
}
