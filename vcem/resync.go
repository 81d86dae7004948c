package vcem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Outcome is how a domain's resync ended, as far as maintenance goes.
type Outcome string

// Outcomes of [ResyncDomain].
const (
	// OutcomeCompleted: checked (and resynced if needed); maintenance completed.
	OutcomeCompleted Outcome = "completed"
	// OutcomeCancelled: something failed; maintenance was cancelled (or was
	// confirmed not to be active).
	OutcomeCancelled Outcome = "cancelled"
	// OutcomeNotStarted: the context ended before maintenance was requested,
	// or the request failed and left the domain out of maintenance, or the
	// domain was already in maintenance (the error wraps [ErrInMaintenance]):
	// that maintenance is someone else's and is left alone.
	OutcomeNotStarted Outcome = "not-started"
	// OutcomeLeftInMaintenance: something failed AND cancelling maintenance
	// failed too; the domain MAY still be in maintenance (see CleanupErr).
	// A human must check it.
	OutcomeLeftInMaintenance Outcome = "left-in-maintenance"
)

// DomainResult is what [ResyncDomain] did to one domain.
type DomainResult struct {
	DomainID   string  `json:"domainId"`
	Outcome    Outcome `json:"outcome"`
	Checked    bool    `json:"checked"`  // CheckInSync answered
	InSync     bool    `json:"inSync"`   // its answer
	Resynced   bool    `json:"resynced"` // a resync job completed
	Job        *Job    `json:"job,omitempty"`
	Err        error   `json:"-"` // why it did not complete; nil when Outcome is completed
	CleanupErr error   `json:"-"` // why maintenance could not be cancelled
}

// MarshalJSON writes the result with its errors as text ("error",
// "cleanupError"), so a saved report or journal keeps the reason. The texts
// are what Error returns; vcem errors never carry credentials.
func (r DomainResult) MarshalJSON() ([]byte, error) {
	type plain DomainResult
	out := struct {
		plain
		Error        string `json:"error,omitempty"`
		CleanupError string `json:"cleanupError,omitempty"`
	}{plain: plain(r)}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	if r.CleanupErr != nil {
		out.CleanupError = r.CleanupErr.Error()
	}
	return json.Marshal(out)
}

// PanicError is a panic raised while resyncing a domain (by the Manager or
// code it calls). [ResyncDomain] recovers it, ends maintenance, and returns
// it as the result's Err instead of re-panicking: resyncs run on worker
// goroutines, where a re-panic would end the program without the caller being
// able to recover it, and possibly with other domains still in maintenance.
type PanicError struct {
	DomainID string
	Value    any
	Stack    []byte
}

// Error names the domain and the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("vcem: resync domain %q: panic: %v", e.DomainID, e.Value)
}

// JobError is a resync job that ended in a state other than completed.
type JobError struct {
	Job Job
}

// Error names the job, its domain, its state and message.
func (e *JobError) Error() string {
	return fmt.Sprintf("vcem: resync job %q of domain %q ended %s: %s", e.Job.ID, e.Job.DomainID, e.Job.State, e.Job.Message)
}

type resyncConfig struct {
	concurrency    int
	cleanupTimeout time.Duration
	cancelAttempts int
	resyncInSync   bool
	observer       func(ResyncEvent)
}

// ResyncOption configures [ResyncDomains] and [ResyncDomain].
type ResyncOption func(*resyncConfig)

// WithConcurrency resyncs up to n domains at a time (default 1: one domain
// in maintenance at a time, as mxsync does). n must be at least 1.
func WithConcurrency(n int) ResyncOption { return func(c *resyncConfig) { c.concurrency = n } }

// WithCleanupTimeout bounds the fresh context used to cancel maintenance
// after a failure or a cancelled context (default [DefaultCleanupTimeout]).
// d must be positive.
func WithCleanupTimeout(d time.Duration) ResyncOption {
	return func(c *resyncConfig) { c.cleanupTimeout = d }
}

// WithCancelAttempts sets how many times cleanup tries CancelMaintenance
// before reporting a domain as possibly left in maintenance (default
// [DefaultCancelAttempts]). n must be at least 1.
func WithCancelAttempts(n int) ResyncOption { return func(c *resyncConfig) { c.cancelAttempts = n } }

// WithResyncInSync also resyncs domains whose check says they are in sync
// (default [DefaultResyncInSync]: they are completed without a job).
// mxsync's exact behaviour here is not published; see assumptions.go.
func WithResyncInSync(b bool) ResyncOption { return func(c *resyncConfig) { c.resyncInSync = b } }

// WithObserver makes the resync report each domain's progress to fn as it
// happens, so a journal can record it: [EventMaintenanceStarted] when
// StartMaintenance succeeded, [EventMaintenanceEnded] when CompleteMaintenance
// or CancelMaintenance succeeded (Outcome completed or cancelled), and
// [EventDomainDone] with the domain's final result. Calls are serialized,
// never concurrent, even with [WithConcurrency] above 1, and a domain's
// events come in that order; fn runs on the resync's goroutines, so it
// should be quick (a slow fn holds the other domains' events back). A panic
// in fn does not stop the resync or leave a domain in maintenance: during a
// domain it is recovered like a Manager panic (the domain's maintenance is
// cancelled), and in every case it is reported in ResyncDomains' error.
func WithObserver(fn func(ResyncEvent)) ResyncOption {
	return func(c *resyncConfig) { c.observer = fn }
}

func newResyncConfig(opts []ResyncOption) (resyncConfig, error) {
	c := resyncConfig{concurrency: 1, cleanupTimeout: DefaultCleanupTimeout, cancelAttempts: DefaultCancelAttempts, resyncInSync: DefaultResyncInSync}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.concurrency < 1 {
		return c, fmt.Errorf("vcem: resync: concurrency %d, want at least 1: %w", c.concurrency, ErrInvalid)
	}
	if c.cleanupTimeout <= 0 {
		return c, fmt.Errorf("vcem: resync: cleanup timeout %v, want > 0: %w", c.cleanupTimeout, ErrInvalid)
	}
	if c.cancelAttempts < 1 {
		return c, fmt.Errorf("vcem: resync: cancel attempts %d, want at least 1: %w", c.cancelAttempts, ErrInvalid)
	}
	return c, nil
}

// ResyncEventKind says what a [ResyncEvent] reports.
type ResyncEventKind string

// The events [WithObserver] reports.
const (
	// EventMaintenanceStarted: StartMaintenance of the domain succeeded.
	EventMaintenanceStarted ResyncEventKind = "maintenance-started"
	// EventMaintenanceEnded: CompleteMaintenance (Outcome completed) or
	// CancelMaintenance (Outcome cancelled) of the domain succeeded.
	EventMaintenanceEnded ResyncEventKind = "maintenance-ended"
	// EventDomainDone: the domain's resync is over; Result is final.
	EventDomainDone ResyncEventKind = "domain-done"
)

// ResyncEvent is one step of a domain's resync, as [WithObserver] reports
// it.
type ResyncEvent struct {
	Kind     ResyncEventKind `json:"kind"`
	DomainID string          `json:"domainId"`
	// Outcome is OutcomeCompleted or OutcomeCancelled for
	// EventMaintenanceEnded, the result's outcome for EventDomainDone, and
	// "" for EventMaintenanceStarted.
	Outcome Outcome `json:"outcome,omitempty"`
	// Result is the domain's final result, for EventDomainDone only.
	Result *DomainResult `json:"result,omitempty"`
}

// notifier serializes the observer's calls and collects its panics.
type notifier struct {
	mu     sync.Mutex
	fn     func(ResyncEvent)
	panics []error
}

// send calls the observer with ev; a panic is recovered and kept. It
// reports whether the observer panicked.
func (n *notifier) send(ev ResyncEvent) (panicked bool) {
	if n == nil || n.fn == nil {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			n.panics = append(n.panics, fmt.Errorf("vcem: resync observer panicked on %s of domain %q: %v", ev.Kind, ev.DomainID, r))
			panicked = true
		}
	}()
	n.fn(ev)
	return false
}

func (n *notifier) err() error {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return errors.Join(n.panics...)
}

// ResyncDomains runs [ResyncDomain] for every domain, up to the configured
// concurrency at once, and returns one result per domain in input order plus
// the errors of the failed domains joined (nil when all completed). Domains
// not yet started when ctx ends are reported not-started. No domain is left
// in maintenance unless cancelling it failed too, which its result reports.
// With [WithObserver] each domain's progress is reported as it happens.
//
// An empty or repeated domain ID, or an invalid option, is an error before
// any request is made.
func ResyncDomains(ctx context.Context, m Manager, domainIDs []string, opts ...ResyncOption) ([]DomainResult, error) {
	cfg, err := newResyncConfig(opts)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("vcem: resync: manager is nil: %w", ErrInvalid)
	}
	seen := make(map[string]bool, len(domainIDs))
	for i, id := range domainIDs {
		if id == "" {
			return nil, fmt.Errorf("vcem: resync: domain ID [%d] is empty: %w", i, ErrInvalid)
		}
		if seen[id] {
			return nil, fmt.Errorf("vcem: resync: domain %q listed twice: %w", id, ErrInvalid)
		}
		seen[id] = true
	}
	n := &notifier{fn: cfg.observer}
	results := make([]DomainResult, len(domainIDs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.concurrency, len(domainIDs)) {
		wg.Go(func() {
			for i := range next {
				results[i] = resyncOne(ctx, m, domainIDs[i], cfg, n)
			}
		})
	}
	for i := range domainIDs {
		next <- i
	}
	close(next)
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("domain %q: %s: %w", r.DomainID, r.Outcome, r.Err))
		}
		if r.CleanupErr != nil {
			errs = append(errs, fmt.Errorf("domain %q MAY still be in maintenance: %w", r.DomainID, r.CleanupErr))
		}
	}
	errs = append(errs, n.err())
	return results, errors.Join(errs...)
}

// ResyncDomain runs mxsync's phase-2 execution for one domain: start VCEM
// maintenance, check whether the domain is in sync, resync it and wait for
// the job when it is not, then complete maintenance. On any failure — an
// error, a failed job, a cancelled ctx or a panic — it cancels maintenance
// with a fresh context (context.WithoutCancel(ctx) bounded by the cleanup
// timeout, retried a few times), so the domain is not left in maintenance.
// A domain already in maintenance when asked (StartMaintenance wraps
// [ErrInMaintenance]) is not touched: that maintenance belongs to someone
// else (another run, an operator), and cancelling it would discard their
// work; the result is not-started.
// An invalid option, a nil manager or an empty domain ID is reported
// not-started before any request is made.
func ResyncDomain(ctx context.Context, m Manager, domainID string, opts ...ResyncOption) DomainResult {
	cfg, err := newResyncConfig(opts)
	if err != nil {
		return DomainResult{DomainID: domainID, Outcome: OutcomeNotStarted, Err: err}
	}
	if m == nil {
		return DomainResult{DomainID: domainID, Outcome: OutcomeNotStarted, Err: fmt.Errorf("vcem: resync: manager is nil: %w", ErrInvalid)}
	}
	if domainID == "" {
		return DomainResult{Outcome: OutcomeNotStarted, Err: fmt.Errorf("vcem: resync: domain ID is empty: %w", ErrInvalid)}
	}
	n := &notifier{fn: cfg.observer}
	res := resyncOne(ctx, m, domainID, cfg, n)
	if err := n.err(); err != nil && res.Err == nil {
		res.Err = err
	}
	return res
}

func resyncOne(ctx context.Context, m Manager, id string, cfg resyncConfig, n *notifier) (res DomainResult) {
	res.DomainID = id
	mayBeInMaintenance := false
	started := false
	defer func() {
		if r := recover(); r != nil {
			res.Err = &PanicError{DomainID: id, Value: r, Stack: debug.Stack()}
		}
		defer func() {
			final := res
			n.send(ResyncEvent{Kind: EventDomainDone, DomainID: id, Outcome: res.Outcome, Result: &final})
		}()
		if res.Err == nil {
			return
		}
		if !mayBeInMaintenance {
			res.Outcome = OutcomeNotStarted
			return
		}
		res.CleanupErr = cancelMaintenance(ctx, m, id, cfg, n)
		switch {
		case res.CleanupErr != nil:
			res.Outcome = OutcomeLeftInMaintenance
		case started:
			res.Outcome = OutcomeCancelled
		default:
			res.Outcome = OutcomeNotStarted
		}
	}()
	if err := ctx.Err(); err != nil {
		res.Err = err
		return res
	}
	// From the request on, the domain may be in maintenance even if the call
	// reports an error (the answer may be what failed).
	mayBeInMaintenance = true
	if err := m.StartMaintenance(ctx, id); err != nil {
		if errors.Is(err, ErrInMaintenance) {
			// In maintenance before this request: someone else's (another
			// run, an operator). Cancelling it would discard their work.
			mayBeInMaintenance = false
		}
		res.Err = fmt.Errorf("vcem: start maintenance of %q: %w", id, err)
		return res
	}
	started = true
	if n.send(ResyncEvent{Kind: EventMaintenanceStarted, DomainID: id}) {
		res.Err = fmt.Errorf("vcem: resync %q: the observer panicked", id)
		return res
	}
	inSync, err := m.CheckInSync(ctx, id)
	if err != nil {
		res.Err = fmt.Errorf("vcem: check sync of %q: %w", id, err)
		return res
	}
	res.Checked, res.InSync = true, inSync
	if !inSync || cfg.resyncInSync {
		jobID, err := m.Resync(ctx, id)
		if err != nil {
			res.Err = fmt.Errorf("vcem: resync %q: %w", id, err)
			return res
		}
		res.Job = &Job{ID: jobID, DomainID: id, State: JobPending}
		job, err := m.WaitJob(ctx, jobID)
		if err != nil {
			res.Err = fmt.Errorf("vcem: wait for resync job %q of %q: %w", jobID, id, err)
			return res
		}
		res.Job = &job
		if job.State != JobCompleted {
			res.Err = &JobError{Job: job}
			return res
		}
		res.Resynced = true
	}
	if err := m.CompleteMaintenance(ctx, id); err != nil {
		res.Err = fmt.Errorf("vcem: complete maintenance of %q: %w", id, err)
		return res
	}
	mayBeInMaintenance = false
	res.Outcome = OutcomeCompleted
	n.send(ResyncEvent{Kind: EventMaintenanceEnded, DomainID: id, Outcome: OutcomeCompleted})
	return res
}

// cancelMaintenance ends maintenance after a failure, on a context that the
// caller's cancellation does not reach but the cleanup timeout bounds. A
// domain reported not in maintenance counts as cleaned up.
func cancelMaintenance(ctx context.Context, m Manager, id string, cfg resyncConfig, n *notifier) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.cleanupTimeout)
	defer cancel()
	var errs []error
	for attempt := 1; attempt <= cfg.cancelAttempts; attempt++ {
		err := safeCancel(cctx, m, id)
		if err == nil {
			n.send(ResyncEvent{Kind: EventMaintenanceEnded, DomainID: id, Outcome: OutcomeCancelled})
			return nil
		}
		if errors.Is(err, ErrNotInMaintenance) {
			return nil
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempt, err))
		if cctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("vcem: cancel maintenance of %q: %w: %w", id, ErrLeftInMaintenance, errors.Join(errs...))
}

func safeCancel(ctx context.Context, m Manager, id string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{DomainID: id, Value: r, Stack: debug.Stack()}
		}
	}()
	return m.CancelMaintenance(ctx, id)
}
