package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
)

// executeFigures are the -execute figures.
type executeFigures struct {
	// ExecuteSeconds is the whole execute of the Large drill's plan
	// (every section, the journal on disk, no simulated latency).
	ExecuteSeconds float64 `json:"execute_seconds"`
	// LatencySeconds is the simulated latency of each VCEM manager call.
	LatencySeconds float64 `json:"latency_seconds"`
	// ResyncDomains is how many domains VCEM phase 2 resynced in each run.
	ResyncDomains int `json:"resync_domains"`
	// ManagerCalls is the manager calls of each run (the same in both).
	ManagerCalls int64 `json:"manager_calls"`
	Concurrency  int   `json:"concurrency"`
	// SerialSeconds and ParallelSeconds are vcem.ResyncDomains over every
	// domain at concurrency 1 and Concurrency.
	SerialSeconds   float64 `json:"serial_seconds"`
	ParallelSeconds float64 `json:"parallel_seconds"`
	Speedup         float64 `json:"speedup"`
}

func measureExecute(ctx context.Context, c config, e *resynctest.Estate, d resynctest.Drill, opts []resync.Option, log io.Writer) (*executeFigures, error) {
	f := &executeFigures{LatencySeconds: c.latency.Seconds(), Concurrency: c.concurrent}
	env := e.Env()
	// The operator's steps between the first analysis and the execute, as
	// in the restore drill; then the plan the execute runs.
	if err := e.Play(ctx, d.Operator); err != nil {
		return nil, err
	}
	plan, err := resync.Analyze(ctx, env, opts...)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mxsync-scale-journal-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	yes := true
	answers := &resync.Answers{Services: &yes, Proceed: &yes, AcknowledgeAll: true, Deleted: []string{}}
	t := time.Now()
	res, err := resync.Execute(ctx, env, plan, append(opts, resync.WithPrompter(answers), resync.WithJournal(dir))...)
	if err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	f.ExecuteSeconds = time.Since(t).Seconds()
	if !res.Complete {
		return nil, fmt.Errorf("execute: the plan was not executed to the end")
	}
	fmt.Fprintf(log, "execute of the drill's plan (%d changes): %.2fs\n", len(plan.Changes()), f.ExecuteSeconds)

	refs, err := env.VCEM.Live.ListDomains(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	f.ResyncDomains = len(ids)
	for _, conc := range []int{1, c.concurrent} {
		m := &slowManager{Manager: env.VCEM.Manager, latency: c.latency}
		t := time.Now()
		// Every domain is resynced (not only those found out of sync), so
		// both runs make the same calls.
		results, err := vcem.ResyncDomains(ctx, m, ids, vcem.WithConcurrency(conc), vcem.WithResyncInSync(true))
		if err != nil {
			return nil, fmt.Errorf("VCEM phase 2 at concurrency %d: %w", conc, err)
		}
		s := time.Since(t).Seconds()
		for _, r := range results {
			if r.Outcome != vcem.OutcomeCompleted {
				return nil, fmt.Errorf("VCEM phase 2 at concurrency %d: domain %s: %s: %v", conc, r.DomainID, r.Outcome, r.Err)
			}
		}
		if conc == 1 {
			f.SerialSeconds, f.ManagerCalls = s, m.calls.Load()
		} else {
			f.ParallelSeconds = s
			if n := m.calls.Load(); n != f.ManagerCalls {
				return nil, fmt.Errorf("VCEM phase 2: %d manager calls at concurrency %d, %d at 1", n, conc, f.ManagerCalls)
			}
		}
		fmt.Fprintf(log, "VCEM phase 2, %d domains, %s per call, concurrency %d: %.2fs (%d calls)\n", len(ids), c.latency, conc, s, m.calls.Load())
	}
	if f.ParallelSeconds > 0 {
		f.Speedup = f.SerialSeconds / f.ParallelSeconds
	}
	return f, nil
}

// slowManager adds a fixed latency to every call of a VCEM manager, as a
// remote VCEM CLI would, and counts the calls. It is safe for concurrent
// use when the manager it wraps is.
type slowManager struct {
	vcem.Manager
	latency time.Duration
	calls   atomic.Int64
}

func (m *slowManager) wait(ctx context.Context) error {
	m.calls.Add(1)
	t := time.NewTimer(m.latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (m *slowManager) StartMaintenance(ctx context.Context, id string) error {
	if err := m.wait(ctx); err != nil {
		return err
	}
	return m.Manager.StartMaintenance(ctx, id)
}

func (m *slowManager) CheckInSync(ctx context.Context, id string) (bool, error) {
	if err := m.wait(ctx); err != nil {
		return false, err
	}
	return m.Manager.CheckInSync(ctx, id)
}

func (m *slowManager) CompleteMaintenance(ctx context.Context, id string) error {
	if err := m.wait(ctx); err != nil {
		return err
	}
	return m.Manager.CompleteMaintenance(ctx, id)
}

func (m *slowManager) CancelMaintenance(ctx context.Context, id string) error {
	if err := m.wait(ctx); err != nil {
		return err
	}
	return m.Manager.CancelMaintenance(ctx, id)
}

func (m *slowManager) Resync(ctx context.Context, id string) (string, error) {
	if err := m.wait(ctx); err != nil {
		return "", err
	}
	return m.Manager.Resync(ctx, id)
}

func (m *slowManager) Job(ctx context.Context, id string) (vcem.Job, error) {
	if err := m.wait(ctx); err != nil {
		return vcem.Job{}, err
	}
	return m.Manager.Job(ctx, id)
}

func (m *slowManager) WaitJob(ctx context.Context, id string) (vcem.Job, error) {
	if err := m.wait(ctx); err != nil {
		return vcem.Job{}, err
	}
	return m.Manager.WaitJob(ctx, id)
}
