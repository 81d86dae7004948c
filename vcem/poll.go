package vcem

import (
	"context"
	"fmt"
	"time"
)

// JobReader reads a job's state; [Manager] is one.
type JobReader interface {
	Job(ctx context.Context, jobID string) (Job, error)
}

// PollJob implements WaitJob for adapters whose VCEM surface can only be
// polled (VCEMCLI -show job): it reads the job every interval until its state
// is terminal, a read fails, or ctx ends. An unknown state string is an error
// (see [JobState]).
func PollJob(ctx context.Context, r JobReader, jobID string, interval time.Duration) (Job, error) {
	if interval <= 0 {
		return Job{}, fmt.Errorf("vcem: poll job %q: interval %v, want > 0", jobID, interval)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		j, err := r.Job(ctx, jobID)
		if err != nil {
			return Job{}, fmt.Errorf("vcem: poll job %q: %w", jobID, err)
		}
		if !j.State.Valid() {
			return j, fmt.Errorf("vcem: poll job %q: unknown state %q", jobID, j.State)
		}
		if j.State.Terminal() {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-t.C:
		}
	}
}
