package spmtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Update is how a composed estate scripts SPM's own writes: fn edits the
// catalog in place, faults do not apply, Applied stays the SDK's.
func TestCatalogUpdateWritesWhatSPMWrites(t *testing.T) {
	ctx := context.Background()
	cat, err := spmtest.NewCatalog(spmtest.Sample())
	require.NoError(t, err)
	require.NoError(t, cat.Faults().Add(spmtest.Fault{Err: spmtest.ErrInjected}))

	imported := spm.Volume{ID: "vol-new", ArrayID: spmtest.Array3PAR, Name: "New", WWN: spmtest.SampleWWN("volume", 40),
		SizeBytes: 1 << 30, OwningCatalog: spmtest.SampleCatalogID}
	tests := []struct {
		name    string
		fn      func(s *spm.Snapshot) error
		wantErr error
		want    func(t *testing.T, s *spm.Snapshot)
	}{
		{
			name: "SPM imports a volume",
			fn: func(s *spm.Snapshot) error {
				s.Volumes[imported.ID] = imported
				return nil
			},
			want: func(t *testing.T, s *spm.Snapshot) {
				assert.Equal(t, imported, s.Volumes[imported.ID])
				assert.NoError(t, s.Validate())
			},
		},
		{
			name:    "an error from fn comes back",
			fn:      func(*spm.Snapshot) error { return spm.ErrConflict },
			wantErr: spm.ErrConflict,
			want:    func(t *testing.T, s *spm.Snapshot) { assert.Contains(t, s.Volumes, imported.ID) },
		},
		{
			name:    "a nil fn is invalid",
			wantErr: spm.ErrInvalid,
			want:    func(t *testing.T, s *spm.Snapshot) { assert.Len(t, s.Volumes, len(spmtest.Sample().Volumes)+1) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cat.Update(tt.fn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Empty(t, cat.Faults().Hits(), "no fault applies to Update")
			d := cat.Data()
			tt.want(t, d.Snapshot)
		})
	}
	assert.Empty(t, cat.Applied(), "SPM's own writes are not the SDK's changes")
	_, err = cat.Snapshot(ctx)
	assert.ErrorIs(t, err, spmtest.ErrInjected, "the port still consults the faults")
}

// Set is a write from outside the SDK (a CMS restore of the file): no fault
// applies, and only a change of value counts as a write.
func TestRecoveryModeSetIsAnOutsideWrite(t *testing.T) {
	ctx := context.Background()
	r := spmtest.NewRecoveryMode("Normal")
	require.NoError(t, r.Faults().Add(spmtest.Fault{Op: spmtest.OpRecoveryMode, Err: spmtest.ErrInjected}))
	tests := []struct {
		value      string
		wantWrites int
	}{
		{spm.RecoveryModeInternal, 1},
		{spm.RecoveryModeInternal, 1},
		{"Normal", 2},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			r.Set(tt.value)
			assert.Equal(t, tt.value, r.Data().Value)
			assert.Equal(t, tt.wantWrites, r.Writes())
		})
	}
	assert.Empty(t, r.Faults().Hits())
	_, err := r.RecoveryMode(ctx)
	assert.ErrorIs(t, err, spmtest.ErrInjected, "the port still consults the faults")
}
