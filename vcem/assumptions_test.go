package vcem_test

import (
	"context"
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJobStates(t *testing.T) {
	tests := []struct {
		s               vcem.JobState
		valid, terminal bool
	}{
		{vcem.JobPending, true, false},
		{vcem.JobRunning, true, false},
		{vcem.JobCompleted, true, true},
		{vcem.JobFailed, true, true},
		{"Done", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			assert.Equal(t, tt.valid, tt.s.Valid())
			assert.Equal(t, tt.terminal, tt.s.Terminal())
		})
	}
}

// Each guess of assumptions.go has a default a caller can override.
func TestAssumptionsAreOverridable(t *testing.T) {
	t.Run("resync model", func(t *testing.T) {
		restored := baseSnapshot(t)
		live, err := vcemtest.NewLive(restored)
		require.NoError(t, err)
		require.NoError(t, live.UnassignProfile("d1", "db"))
		lds := restoreAndGather(t, restored, live, nil)

		def, err := vcem.PredictResync(restored, lds)
		require.NoError(t, err)
		assert.Equal(t, vcem.Changes{vcem.SetProfileBay{ProfileID: "d1:db", Bay: ""}}, def)

		none, err := vcem.PredictResync(restored, lds, vcem.WithResyncModel(vcem.ResyncModel{
			Resynced: func(*vcem.Snapshot, vcem.LiveDomain) bool { return false },
		}))
		require.NoError(t, err)
		assert.Empty(t, none, "a model where no domain is resynced predicts nothing")

		deletes, err := vcem.PredictResync(restored, lds, vcem.WithResyncModel(vcem.ResyncModel{
			Profile: func(r, l vcem.Profile) vcem.Changes {
				if l.Bay == "" && r.Bay != "" {
					return vcem.Changes{vcem.DeleteProfile{ProfileID: r.ID}}
				}
				return nil
			},
		}))
		require.NoError(t, err)
		assert.Equal(t, vcem.Changes{vcem.DeleteProfile{ProfileID: "d1:db"}}, deletes)
		assert.NotNil(t, vcem.DefaultResyncModel().Resynced)
	})
	t.Run("cancel attempts", func(t *testing.T) {
		f := vcemtest.NewFaults(1)
		require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCheckInSync, Err: errBoom}))
		require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCancelMaintenance, Err: errBoom}))
		for _, n := range []int{1, vcem.DefaultCancelAttempts, 5} {
			m := newManager(t, f, nil)
			var opts []vcem.ResyncOption
			if n != vcem.DefaultCancelAttempts {
				opts = append(opts, vcem.WithCancelAttempts(n))
			}
			r := vcem.ResyncDomain(context.Background(), m, "d1", opts...)
			assert.Equal(t, vcem.OutcomeLeftInMaintenance, r.Outcome)
			cancels := 0
			for _, c := range m.Calls() {
				if c.Op == vcemtest.OpCancelMaintenance {
					cancels++
				}
			}
			assert.Equal(t, n, cancels)
		}
		r := vcem.ResyncDomain(context.Background(), newManager(t, nil, nil), "d1", vcem.WithCancelAttempts(0))
		assert.ErrorIs(t, r.Err, vcem.ErrInvalid)
	})
	t.Run("resync in sync", func(t *testing.T) {
		assert.False(t, vcem.DefaultResyncInSync)
		m := newManager(t, nil, map[string]bool{"d1": true})
		r := vcem.ResyncDomain(context.Background(), m, "d1", vcem.WithResyncInSync(true))
		assert.True(t, r.Resynced)
		assert.Positive(t, vcem.DefaultCleanupTimeout)
	})
}

// Prevalidated skips validation (the costliest step) for a caller that
// validated already; AnalyzePhase2 never validates, since phase 1's changes
// keep a valid snapshot valid.
func TestPrevalidatedSkipsValidation(t *testing.T) {
	s := baseSnapshot(t)
	p := s.Profiles["d1:web"]
	p.Name = "" // invalid: a profile without a name
	s.Profiles["d1:web"] = p
	require.Error(t, s.Validate())
	_, err := vcem.AnalyzePhase1(s, nil)
	assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
	_, err = vcem.AnalyzePhase1(s, nil, vcem.Prevalidated())
	assert.NoError(t, err)
	_, err = vcem.PredictResync(s, nil)
	assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
	_, err = vcem.PredictResync(s, nil, vcem.Prevalidated())
	assert.NoError(t, err)
	fs, err := vcem.AnalyzePhase2(s)
	require.NoError(t, err)
	assert.Len(t, fs, 3)
	_, err = vcem.AnalyzePhase2(nil)
	assert.ErrorIs(t, err, vcem.ErrInvalid)
}
