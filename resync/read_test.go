package resync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
)

// The restored VCEM database is validated while the other sections are
// read; its problem is still the one reported, before a later read's
// error, as when it was validated first. Without it, the later error is.
func TestReadReportsVCEMValidationFirst(t *testing.T) {
	errArrays := errors.New("arrays unreachable")
	tests := []struct {
		name        string
		breakVCEM   bool
		failArrays  bool
		want        string
		notContains string
	}{
		{"invalid VCEM database and a failing read", true, true, "the restored VCEM database", "arrays unreachable"},
		{"invalid VCEM database", true, false, "the restored VCEM database", ""},
		{"a failing read", false, true, "arrays unreachable", "the restored VCEM database"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := resynctest.Small(1)
			require.NoError(t, err)
			defer e.Close()
			if tc.breakVCEM {
				require.NoError(t, e.Fakes().VCEMStore.Update(func(s *vcem.Snapshot) error {
					for k, p := range s.Profiles {
						p.ID = "not-" + k // the key and the ID disagree
						s.Profiles[k] = p
						break
					}
					return nil
				}))
			}
			if tc.failArrays {
				require.NoError(t, e.Faults().Add(resynctest.Fault{Op: spmtest.OpLive, Err: errArrays}))
			}
			_, err = resync.Analyze(context.Background(), e.Env(), resync.WithDeletedServices())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			if tc.notContains != "" {
				assert.NotContains(t, err.Error(), tc.notContains)
			}
			if !tc.breakVCEM {
				assert.ErrorIs(t, err, errArrays)
			}
		})
	}
}

// Only a read a plan is computed from starts the predicted chains (each a
// clone of a restored database); a freshness check or a manifest only
// fingerprints, and gets the same fingerprints.
func TestOnlyAPlannedReadStartsTheChains(t *testing.T) {
	e, err := resynctest.Small(1)
	require.NoError(t, err)
	defer e.Close()
	ctx := context.Background()
	chains, planned, err := resync.ReadChains(ctx, e.Env(), true)
	require.NoError(t, err)
	assert.Equal(t, []string{"matrixoe", "spm", "vcem"}, chains)
	chains, checked, err := resync.ReadChains(ctx, e.Env(), false)
	require.NoError(t, err)
	assert.Empty(t, chains)
	for _, in := range []string{resync.InputVCEMRestored, resync.InputSPMRestored, resync.InputMatrixOERestored} {
		require.Contains(t, planned, in)
	}
	assert.Equal(t, planned, checked)
}
