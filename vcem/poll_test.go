package vcem_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// scriptedJobs answers Job with a sequence of states, one per read.
type scriptedJobs struct {
	states []vcem.JobState
	reads  int
}

func (s *scriptedJobs) Job(_ context.Context, id string) (vcem.Job, error) {
	st := s.states[min(s.reads, len(s.states)-1)]
	s.reads++
	return vcem.Job{ID: id, State: st}, nil
}

func TestPollJob(t *testing.T) {
	tests := []struct {
		name   string
		states []vcem.JobState
		want   vcem.JobState
		reads  int
		errHas string
	}{
		{"completes after running", []vcem.JobState{vcem.JobPending, vcem.JobRunning, vcem.JobCompleted}, vcem.JobCompleted, 3, ""},
		{"fails", []vcem.JobState{vcem.JobRunning, vcem.JobFailed}, vcem.JobFailed, 2, ""},
		{"unknown state", []vcem.JobState{"Exploded"}, "Exploded", 1, `unknown state "Exploded"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &scriptedJobs{states: tt.states}
			j, err := vcem.PollJob(context.Background(), r, "job-1", time.Microsecond)
			if tt.errHas != "" {
				assert.ErrorContains(t, err, tt.errHas)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, j.State)
			assert.Equal(t, tt.reads, r.reads)
		})
	}
}

func TestPollJobStopsOnContextAndErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := vcem.PollJob(ctx, &scriptedJobs{states: []vcem.JobState{vcem.JobRunning}}, "j", time.Hour)
	assert.ErrorIs(t, err, context.Canceled)

	m := vcemtest.NewManager()
	_, err = vcem.PollJob(context.Background(), m, "job-9", time.Millisecond)
	assert.ErrorIs(t, err, vcem.ErrUnknownJob)
	_, err = vcem.PollJob(context.Background(), m, "job-9", 0)
	assert.ErrorContains(t, err, "interval")

	// Against the fake manager's real job.
	require.NoError(t, m.AddDomain("d1", false))
	require.NoError(t, m.StartMaintenance(context.Background(), "d1"))
	id, err := m.Resync(context.Background(), "d1")
	require.NoError(t, err)
	j, err := vcem.PollJob(context.Background(), m, id, time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, vcem.JobCompleted, j.State)
}
