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
	hook    ResyncHook
}

type mgrDomain struct {
	inMaintenance bool
	inSync        bool
	resynced      bool // a resync job completed in the current maintenance
}

type job struct {
	vcem.Job
	done  chan struct{}
	timer *time.Timer
}

// Call is one recorded call to the fake manager.
type Call struct {
	Op       string `json:"op"`
	DomainID string `json:"domainId,omitempty"`
	JobID    string `json:"jobId,omitempty"`
	Err      string `json:"err,omitempty"` // "" on success
}

// ResyncHook is what a finished resync does to the VCEM database beyond the
// fake manager's own state (see [WithResyncHook]).
type ResyncHook func(ctx context.Context, domainID string) error

// WithResyncHook makes the manager call fn when a domain whose resync job
// completed during its maintenance has that maintenance completed — the
// moment VCEM keeps the resync's result — before maintenance ends. A
// composed estate passes a func that applies [vcem.PredictResync]'s changes
// for that domain to its restored [Store], so that the store holds what
// VCEM's resync wrote. An error from fn fails CompleteMaintenance (the
// domain stays in maintenance, and [vcem.ResyncDomain] then cancels it);
// a cancelled maintenance never calls fn. fn runs without the manager's
// lock held, so it may call the manager.
func WithResyncHook(fn ResyncHook) Option { return func(o *options) { o.resyncHook = fn } }

var _ vcem.Manager = (*Manager)(nil)

// WithJobLatency makes resync jobs finish d after they are requested
// (default 0: as soon as a timer can fire).
func WithJobLatency(d time.Duration) Option { return func(o *options) { o.jobLatency = d } }

// NewManager returns a manager with no domains.
func NewManager(opts ...Option) *Manager {
	o := collect(opts)
	return &Manager{domains: map[string]*mgrDomain{}, jobs: map[string]*job{}, latency: o.jobLatency, faults: o.faults, hook: o.resyncHook}
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
	err := enter(ctx, m.faults, op, domainID)
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
		d.inMaintenance, d.resynced = true, false
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
// the domain runs. A domain resynced in this maintenance runs the
// [WithResyncHook] hook first.
func (m *Manager) CompleteMaintenance(ctx context.Context, domainID string) error {
	if err := m.enter(ctx, OpCompleteMaintenance, domainID, ""); err != nil {
		return err
	}
	m.mu.Lock()
	err := m.canComplete(domainID)
	hook := err == nil && m.hook != nil && m.domains[domainID].resynced
	m.mu.Unlock()
	if hook {
		if herr := m.hook(ctx, domainID); herr != nil {
			err = fmt.Errorf("vcemtest: complete maintenance of %q: resync hook: %w", domainID, herr)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		err = m.canComplete(domainID) // again: the hook ran unlocked
	}
	if err == nil {
		d := m.domains[domainID]
		d.inMaintenance, d.resynced = false, false
	}
	m.record(OpCompleteMaintenance, domainID, "", err)
	return err
}

// canComplete reports why a domain's maintenance cannot be completed now;
// the caller holds m.mu.
func (m *Manager) canComplete(domainID string) error {
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
	return nil
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
		if d.resynced {
			// The resync's writes are discarded with the maintenance (the
			// hook runs only on complete): the domain is out of sync again.
			d.inSync = false
		}
		d.inMaintenance, d.resynced = false, false
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
	id := m.nextJobID()
	m.startJob(&job{Job: vcem.Job{ID: id, DomainID: domainID, State: vcem.JobRunning}})
	m.record(OpResync, domainID, id, nil)
	return id, nil
}

// nextJobID returns an unused job ID; the caller holds m.mu.
func (m *Manager) nextJobID() string {
	for n := len(m.order) + 1; ; n++ {
		if id := "job-" + strconv.Itoa(n); m.jobs[id] == nil {
			return id
		}
	}
}

// startJob registers j and, unless it has ended, lets it run for the
// configured latency; the caller holds m.mu.
func (m *Manager) startJob(j *job) {
	j.done = make(chan struct{})
	m.jobs[j.ID] = j
	m.order = append(m.order, j.ID)
	if j.State.Terminal() {
		close(j.done)
		return
	}
	id := j.ID
	j.timer = time.AfterFunc(m.latency, func() { m.runJob(id) })
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
		d.inSync, d.resynced = true, true
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
	if ctx == nil {
		return vcem.Job{}, fmt.Errorf("vcemtest: wait job %q: nil context: %w", jobID, vcem.ErrInvalid)
	}
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

// ManagerData is a Manager's whole state as plain, JSON-able data: its
// domains, its jobs in request order and the calls made so far. A composed
// estate saves it and rebuilds the manager with [ManagerFromData].
type ManagerData struct {
	Domains []ManagerDomain `json:"domains"`
	Jobs    []vcem.Job      `json:"jobs"`
	Calls   []Call          `json:"calls"`
}

// ManagerDomain is one domain of [ManagerData].
type ManagerDomain struct {
	ID            string `json:"id"`
	InMaintenance bool   `json:"inMaintenance"`
	InSync        bool   `json:"inSync"`
	Resynced      bool   `json:"resynced"` // a resync job completed in the current maintenance
}

// managerDataJSON is ManagerData without its methods.
type managerDataJSON ManagerData

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*ManagerData) JSONShape() any { return (*managerDataJSON)(nil) }

// UnmarshalJSON reads manager data strictly (unknown, repeated or
// case-folded keys and missing fields are errors naming their path).
func (d *ManagerData) UnmarshalJSON(b []byte) error {
	return decodeStrict("manager data", b, (*managerDataJSON)(d))
}

// Data returns a copy of the manager's state, domains sorted by ID.
func (m *Manager) Data() ManagerData {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := ManagerData{Jobs: make([]vcem.Job, 0, len(m.order)), Calls: slices.Clone(m.calls)}
	for _, id := range slices.Sorted(maps.Keys(m.domains)) {
		x := m.domains[id]
		d.Domains = append(d.Domains, ManagerDomain{ID: id, InMaintenance: x.inMaintenance, InSync: x.inSync, Resynced: x.resynced})
	}
	for _, id := range m.order {
		d.Jobs = append(d.Jobs, m.jobs[id].Job)
	}
	return d
}

// ManagerFromData rebuilds a manager from [Manager.Data]. Jobs that had not
// ended run again for the configured latency. Empty or repeated domain or
// job IDs, a job of an unknown domain or an unknown job state are errors.
func ManagerFromData(d ManagerData, opts ...Option) (*Manager, error) {
	m := NewManager(opts...)
	for i, x := range d.Domains {
		if x.ID == "" {
			return nil, fmt.Errorf("vcemtest: manager data: domains[%d]: empty ID: %w", i, vcem.ErrInvalid)
		}
		if _, dup := m.domains[x.ID]; dup {
			return nil, fmt.Errorf("vcemtest: manager data: domains[%d]: domain %q listed twice: %w", i, x.ID, vcem.ErrInvalid)
		}
		m.domains[x.ID] = &mgrDomain{inMaintenance: x.InMaintenance, inSync: x.InSync, resynced: x.Resynced}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, j := range d.Jobs {
		switch {
		case j.ID == "" || m.jobs[j.ID] != nil:
			return nil, fmt.Errorf("vcemtest: manager data: jobs[%d]: job ID %q empty or listed twice: %w", i, j.ID, vcem.ErrInvalid)
		case m.domains[j.DomainID] == nil:
			return nil, fmt.Errorf("vcemtest: manager data: jobs[%d]: domain %q: %w", i, j.DomainID, vcem.ErrUnknownDomain)
		case !j.State.Valid():
			return nil, fmt.Errorf("vcemtest: manager data: jobs[%d]: unknown state %q: %w", i, j.State, vcem.ErrInvalid)
		}
		m.startJob(&job{Job: j})
	}
	m.calls = slices.Clone(d.Calls)
	return m, nil
}
