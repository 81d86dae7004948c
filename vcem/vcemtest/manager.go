package vcemtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/vcem"
)

// Manager is an in-memory [vcem.Manager]: per-domain maintenance state and
// sync state, and resync jobs that finish after a configurable latency (real
// timers; WaitJob honours its context). Completing a job brings the domain in
// sync; cancelling maintenance fails the domain's running job. It records
// every call for inspection and is safe for concurrent use.
type Manager struct {
	mu      sync.Mutex
	domains map[string]*mgrDomain
	jobs    map[string]*job
	order   []string
	calls   []Call
	latency time.Duration
	faults  *Faults
}

type mgrDomain struct {
	inMaintenance bool
	inSync        bool
}

type job struct {
	vcem.Job
	done  chan struct{}
	timer *time.Timer
}

// Call is one recorded call to the fake manager.
type Call struct {
	Op       string
	DomainID string
	JobID    string
	Err      string // "" on success
}

var _ vcem.Manager = (*Manager)(nil)

// WithJobLatency makes resync jobs finish d after they are requested
// (default 0: as soon as a timer can fire).
func WithJobLatency(d time.Duration) Option { return func(o *options) { o.jobLatency = d } }

// NewManager returns a manager with no domains.
func NewManager(opts ...Option) *Manager {
	o := collect(opts)
	return &Manager{domains: map[string]*mgrDomain{}, jobs: map[string]*job{}, latency: o.jobLatency, faults: o.faults}
}

// AddDomain registers a managed domain and whether it is in sync with VCEM.
func (m *Manager) AddDomain(domainID string, inSync bool) error {
	if domainID == "" {
		return fmt.Errorf("vcemtest: manager: add domain: empty ID")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.domains[domainID]; dup {
		return fmt.Errorf("vcemtest: manager: add domain %q: already exists", domainID)
	}
	m.domains[domainID] = &mgrDomain{inSync: inSync}
	return nil
}

// SetInSync scripts whether a domain agrees with VCEM.
func (m *Manager) SetInSync(domainID string, inSync bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.domain(domainID)
	if err != nil {
		return err
	}
	d.inSync = inSync
	return nil
}

// InMaintenance returns the domains in maintenance now, sorted.
func (m *Manager) InMaintenance() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, id := range slices.Sorted(maps.Keys(m.domains)) {
		if m.domains[id].inMaintenance {
			out = append(out, id)
		}
	}
	return out
}

// InSync reports a domain's sync state.
func (m *Manager) InSync(domainID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.domain(domainID)
	if err != nil {
		return false, err
	}
	return d.inSync, nil
}

// Jobs returns every job requested so far, in request order, in its current
// state.
func (m *Manager) Jobs() []vcem.Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]vcem.Job, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.jobs[id].Job)
	}
	return out
}

// Calls returns every call made so far, in order.
func (m *Manager) Calls() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

func (m *Manager) domain(id string) (*mgrDomain, error) {
	d, ok := m.domains[id]
	if !ok {
		return nil, fmt.Errorf("vcemtest: manager: domain %q: %w", id, vcem.ErrUnknownDomain)
	}
	return d, nil
}

// record appends a call; it must be called with m.mu held.
func (m *Manager) record(op, domainID, jobID string, err error) {
	c := Call{Op: op, DomainID: domainID, JobID: jobID}
	if err != nil {
		c.Err = err.Error()
	}
	m.calls = append(m.calls, c)
}

// enter applies faults and ctx for a call and records a failure.
func (m *Manager) enter(ctx context.Context, op, domainID, jobID string) error {
	err := m.faults.Check(ctx, op, domainID)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		m.mu.Lock()
		m.record(op, domainID, jobID, err)
		m.mu.Unlock()
	}
	return err
}

// StartMaintenance implements [vcem.Manager].
func (m *Manager) StartMaintenance(ctx context.Context, domainID string) error {
	if err := m.enter(ctx, OpStartMaintenance, domainID, ""); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	err := func() error {
		d, err := m.domain(domainID)
		if err != nil {
			return err
		}
		if d.inMaintenance {
			return fmt.Errorf("vcemtest: start maintenance of %q: %w", domainID, vcem.ErrInMaintenance)
		}
		d.inMaintenance = true
		return nil
	}()
	m.record(OpStartMaintenance, domainID, "", err)
	return err
}

// CheckInSync implements [vcem.Manager]; the domain must be in maintenance.
func (m *Manager) CheckInSync(ctx context.Context, domainID string) (bool, error) {
	if err := m.enter(ctx, OpCheckInSync, domainID, ""); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.domain(domainID)
	if err == nil && !d.inMaintenance {
		err = fmt.Errorf("vcemtest: check sync of %q: %w", domainID, vcem.ErrNotInMaintenance)
	}
	m.record(OpCheckInSync, domainID, "", err)
	if err != nil {
		return false, err
	}
	return d.inSync, nil
}

// CompleteMaintenance implements [vcem.Manager]; it refuses while a job of
// the domain runs.
func (m *Manager) CompleteMaintenance(ctx context.Context, domainID string) error {
	if err := m.enter(ctx, OpCompleteMaintenance, domainID, ""); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	err := func() error {
		d, err := m.domain(domainID)
		if err != nil {
			return err
		}
		if !d.inMaintenance {
			return fmt.Errorf("vcemtest: complete maintenance of %q: %w", domainID, vcem.ErrNotInMaintenance)
		}
		for _, j := range m.jobs {
			if j.DomainID == domainID && !j.State.Terminal() {
				return fmt.Errorf("vcemtest: complete maintenance of %q: job %q: %w", domainID, j.ID, vcem.ErrJobRunning)
			}
		}
		d.inMaintenance = false
		return nil
	}()
	m.record(OpCompleteMaintenance, domainID, "", err)
	return err
}

// CancelMaintenance implements [vcem.Manager]; a running job of the domain
// fails.
func (m *Manager) CancelMaintenance(ctx context.Context, domainID string) error {
	if err := m.enter(ctx, OpCancelMaintenance, domainID, ""); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	err := func() error {
		d, err := m.domain(domainID)
		if err != nil {
			return err
		}
		if !d.inMaintenance {
			return fmt.Errorf("vcemtest: cancel maintenance of %q: %w", domainID, vcem.ErrNotInMaintenance)
		}
		d.inMaintenance = false
		for _, j := range m.jobs {
			if j.DomainID == domainID && !j.State.Terminal() {
				m.finishLocked(j, vcem.JobFailed, "maintenance cancelled")
			}
		}
		return nil
	}()
	m.record(OpCancelMaintenance, domainID, "", err)
	return err
}

// Resync implements [vcem.Manager]: the domain must be in maintenance; the
// job runs for the configured latency.
func (m *Manager) Resync(ctx context.Context, domainID string) (string, error) {
	if err := m.enter(ctx, OpResync, domainID, ""); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.domain(domainID)
	if err == nil && !d.inMaintenance {
		err = fmt.Errorf("vcemtest: resync %q: %w", domainID, vcem.ErrNotInMaintenance)
	}
	if err != nil {
		m.record(OpResync, domainID, "", err)
		return "", err
	}
	id := "job-" + strconv.Itoa(len(m.order)+1)
	j := &job{Job: vcem.Job{ID: id, DomainID: domainID, State: vcem.JobRunning}, done: make(chan struct{})}
	m.jobs[id] = j
	m.order = append(m.order, id)
	j.timer = time.AfterFunc(m.latency, func() { m.runJob(id) })
	m.record(OpResync, domainID, id, nil)
	return id, nil
}

// runJob ends a job when its latency has passed.
func (m *Manager) runJob(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.jobs[id]
	if j.State.Terminal() {
		return
	}
	d := m.domains[j.DomainID]
	switch err := jobFault(m.faults, j.DomainID); {
	case err != nil:
		m.finishLocked(j, vcem.JobFailed, err.Error())
	case !d.inMaintenance:
		m.finishLocked(j, vcem.JobFailed, "domain left maintenance before the job ended")
	default:
		d.inSync = true
		m.finishLocked(j, vcem.JobCompleted, "")
	}
}

func (m *Manager) finishLocked(j *job, st vcem.JobState, msg string) {
	j.State, j.Message = st, msg
	if j.timer != nil {
		j.timer.Stop()
	}
	close(j.done)
}

// Job implements [vcem.Manager].
func (m *Manager) Job(ctx context.Context, jobID string) (vcem.Job, error) {
	if err := m.enter(ctx, OpJob, "", jobID); err != nil {
		return vcem.Job{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[jobID]
	if !ok {
		err := fmt.Errorf("vcemtest: job %q: %w", jobID, vcem.ErrUnknownJob)
		m.record(OpJob, "", jobID, err)
		return vcem.Job{}, err
	}
	return j.Job, nil
}

// WaitJob implements [vcem.Manager]: it blocks until the job ends or ctx
// ends. Fault rules match the job's domain.
func (m *Manager) WaitJob(ctx context.Context, jobID string) (vcem.Job, error) {
	m.mu.Lock()
	j, ok := m.jobs[jobID]
	m.mu.Unlock()
	if !ok {
		return vcem.Job{}, fmt.Errorf("vcemtest: wait job %q: %w", jobID, vcem.ErrUnknownJob)
	}
	if err := m.enter(ctx, OpWaitJob, j.DomainID, jobID); err != nil {
		return vcem.Job{}, err
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		m.mu.Lock()
		m.record(OpWaitJob, j.DomainID, jobID, ctx.Err())
		m.mu.Unlock()
		return vcem.Job{}, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.record(OpWaitJob, j.DomainID, jobID, nil)
	return j.Job, nil
}
