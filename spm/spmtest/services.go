package spmtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// ErrDependency is wrapped when a service is started before a service it
// depends on runs, or stopped while a service that depends on it runs. It
// wraps [spm.ErrConflict].
var ErrDependency = fmt.Errorf("dependency order violated: %w", spm.ErrConflict)

// exitProcessAborted is ERROR_PROCESS_ABORTED, the exit code of a service
// that stopped while starting.
const exitProcessAborted = 1067

// Services is an in-memory Service Control Manager. Each service has a state
// and the services it depends on; Start refuses a service whose
// dependencies do not run (as Windows would start them implicitly, the fake
// is stricter on purpose: it proves the caller's order). Start and Stop take
// effect at once. With [WithInternalRecovery], starting the SPM service
// plays SPM's Internal Recovery on a fake catalog.
//
// Fault rules are checked with ops [OpStatus], [OpStart] (Start fails),
// [OpCrash] (Start succeeds but the service stops again, as a service that
// fails during start-up: WaitFor(Running) then fails; like any rule it needs
// an Err to fire as a crash, a rule without Err only delays), [OpStop] and
// [OpWait]; the target is the service name.
type Services struct {
	mu       sync.Mutex
	svcs     map[string]*fakeService
	events   []string
	changed  chan struct{}
	faults   *Faults
	recovery *InternalRecovery
}

type fakeService struct {
	state    spm.ServiceState
	deps     []string
	exitCode int
	failure  error // why it stopped while starting, when the fake knows
	// recovering is set while the SPM service plays Internal Recovery
	// (StartPending); another Start then returns at once.
	recovering bool
}

var _ spm.ServiceControl = (*Services)(nil)

// InternalRecovery wires the fake SPM service to the rest of a fake estate,
// so that starting it does what SPM does when ApplicationConfig.xml says
// RecoveryMode=InternalRecovery (FOUND [BR70 p41; SPM22 p19; SPM21 p50]):
// when the service named Service starts and Mode holds
// [spm.RecoveryModeInternal], the service is StartPending while
// Catalog.RunInternalRecovery applies spm.PredictInternalRecovery's changes
// (against Arrays, with Rules) to the catalog; then it runs, the event
// "recover <name>" is logged, and UI (if set) shows Manual Recovery Mode.
// With another RecoveryMode the service just starts. When the recovery
// fails, or the wiring is incomplete, the service stops again with exit
// code 1067 and WaitFor(Running) reports why. Recovery runs once per start,
// synchronously inside Start (SPM runs it in the background; the fake is
// deterministic instead).
type InternalRecovery struct {
	Service string                // the SPM service; "" means spm.DefaultServiceNames().SPM
	Mode    spm.RecoveryModeStore // read when the service starts
	Catalog *Catalog              // the restored catalog SPM recovers
	Arrays  spm.LiveArrays        // what the arrays hold
	UI      *UI                   // optional: switched to Manual Recovery Mode once recovery is done
	Rules   *spm.SignatureRules   // nil means spm.DefaultSignatureRules()
}

// NewServices returns an SCM with no services.
func NewServices(opts ...Option) *Services {
	o := buildOptions(opts)
	return &Services{svcs: map[string]*fakeService{}, changed: make(chan struct{}), faults: o.faults, recovery: o.recovery}
}

// NewPhase1Services returns an SCM holding the services of names, stopped,
// where SPM depends on every prerequisite (FOUND [BR70 p41]: they "need to
// be running prior to starting" it) and each prerequisite on the one before
// it (INFER: the seed's order; use Define for another shape).
func NewPhase1Services(names spm.ServiceNames, opts ...Option) (*Services, error) {
	if err := names.Validate(); err != nil {
		return nil, err
	}
	s := NewServices(opts...)
	for i, n := range names.Prerequisites {
		var deps []string
		if i > 0 {
			deps = []string{names.Prerequisites[i-1]}
		}
		if err := s.Define(n, spm.ServiceStopped, deps...); err != nil {
			return nil, err
		}
	}
	if err := s.Define(names.SPM, spm.ServiceStopped, names.Prerequisites...); err != nil {
		return nil, err
	}
	return s, nil
}

// ServiceData is one fake service as plain data.
type ServiceData struct {
	State    spm.ServiceState `json:"state"`
	Deps     []string         `json:"deps"`
	ExitCode int              `json:"exitCode,omitempty"`
}

// ServicesData is the whole state of a [Services] as plain, JSON-able
// data: the services by name and the events so far. Options (faults, the
// Internal Recovery wiring) are not state: give them again to
// [NewServicesFromData].
type ServicesData struct {
	Services map[string]ServiceData `json:"services"`
	Events   []string               `json:"events"`
}

// Data returns a copy of the SCM's state.
func (s *Services) Data() ServicesData {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := ServicesData{Services: make(map[string]ServiceData, len(s.svcs)), Events: append([]string{}, s.events...)}
	for name, f := range s.svcs {
		d.Services[name] = ServiceData{State: f.state, Deps: append([]string{}, f.deps...), ExitCode: f.exitCode}
	}
	return d
}

// NewServicesFromData rebuilds an SCM from [Services.Data]. It refuses
// what no SCM could hold: an empty name, an unknown state, a dependency
// that is not defined or that loops back, a running service whose
// dependency does not run.
func NewServicesFromData(d ServicesData, opts ...Option) (*Services, error) {
	s := NewServices(opts...)
	names := slices.Sorted(maps.Keys(d.Services))
	for _, name := range names {
		sd := d.Services[name]
		switch {
		case name == "":
			return nil, fmt.Errorf("spmtest: services data: empty service name: %w", spm.ErrInvalid)
		case !validState(sd.State):
			return nil, fmt.Errorf("spmtest: services data: %q: unknown state %q: %w", name, sd.State, spm.ErrInvalid)
		}
		for _, dep := range sd.Deps {
			dd, ok := d.Services[dep]
			if !ok {
				return nil, fmt.Errorf("spmtest: services data: %q depends on undefined %q: %w", name, dep, spm.ErrInvalid)
			}
			if sd.State == spm.ServiceRunning && dd.State != spm.ServiceRunning {
				return nil, fmt.Errorf("spmtest: services data: %q runs but its dependency %q is %s: %w", name, dep, dd.State, spm.ErrInvalid)
			}
		}
		s.svcs[name] = &fakeService{state: sd.State, deps: slices.Clone(sd.Deps), exitCode: sd.ExitCode}
	}
	for _, name := range names {
		if loopsBack(d.Services, name) {
			return nil, fmt.Errorf("spmtest: services data: the dependencies of %q loop back to it: %w", name, spm.ErrInvalid)
		}
	}
	s.events = slices.Clone(d.Events)
	return s, nil
}

func validState(st spm.ServiceState) bool {
	switch st {
	case spm.ServiceStopped, spm.ServiceStartPending, spm.ServiceStopPending, spm.ServiceRunning,
		spm.ServiceContinuePending, spm.ServicePausePending, spm.ServicePaused:
		return true
	}
	return false
}

// loopsBack reports whether name is reachable from its own dependencies.
func loopsBack(svcs map[string]ServiceData, name string) bool {
	seen := map[string]bool{}
	stack := slices.Clone(svcs[name].Deps)
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cur == name {
			return true
		}
		if !seen[cur] {
			seen[cur] = true
			stack = append(stack, svcs[cur].Deps...)
		}
	}
	return false
}

// Faults returns the rule set the SCM consults (see [WithFaults]).
func (s *Services) Faults() *Faults { return s.faults }

// Define adds a service in a state with its dependencies (which must be
// defined already).
func (s *Services) Define(name string, state spm.ServiceState, deps ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		return errors.New("spmtest: empty service name")
	}
	if !validState(state) {
		return fmt.Errorf("spmtest: service %q: unknown state %q: %w", name, state, spm.ErrInvalid)
	}
	if _, dup := s.svcs[name]; dup {
		return fmt.Errorf("spmtest: service %q defined twice", name)
	}
	for _, d := range deps {
		if _, ok := s.svcs[d]; !ok {
			return fmt.Errorf("spmtest: service %q depends on undefined %q", name, d)
		}
	}
	s.svcs[name] = &fakeService{state: state, deps: slices.Clone(deps)}
	return nil
}

// Events returns what happened, in order ("start <name>", "stop <name>",
// "crash <name>", "recover <name>").
func (s *Services) Events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

func (s *Services) get(name string) (*fakeService, error) {
	f, ok := s.svcs[name]
	if !ok {
		return nil, fmt.Errorf("spmtest: %q: %w", name, spm.ErrServiceNotFound)
	}
	return f, nil
}

// setLocked changes a state and wakes waiters; s.mu is held.
func (s *Services) setLocked(f *fakeService, st spm.ServiceState) {
	f.state = st
	close(s.changed)
	s.changed = make(chan struct{})
}

// Status implements spm.ServiceControl.
func (s *Services) Status(ctx context.Context, name string) (spm.ServiceState, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := s.faults.Check(ctx, OpStatus, name); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.get(name)
	if err != nil {
		return "", err
	}
	return f.state, nil
}

// Start implements spm.ServiceControl.
func (s *Services) Start(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.faults.Check(ctx, OpStart, name); err != nil {
		return err
	}
	crash := false
	if err := s.faults.Check(ctx, OpCrash, name); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		crash = true // the rule's error is the reason; the service reports exit code 1067
	}
	recovering := s.recovery != nil && name == s.recovery.service()
	s.mu.Lock()
	f, err := s.get(name)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	if f.state == spm.ServiceRunning || f.recovering {
		s.mu.Unlock()
		return nil
	}
	for _, d := range f.deps {
		if s.svcs[d].state != spm.ServiceRunning {
			s.mu.Unlock()
			return fmt.Errorf("spmtest: start %q: dependency %q is %s: %w", name, d, s.svcs[d].state, ErrDependency)
		}
	}
	f.exitCode, f.failure = 0, nil
	if crash {
		s.stoppedWhileStartingLocked(name, f, nil)
		s.mu.Unlock()
		return nil
	}
	s.events = append(s.events, "start "+name)
	if !recovering {
		s.setLocked(f, spm.ServiceRunning)
		s.mu.Unlock()
		return nil
	}
	f.recovering = true
	s.setLocked(f, spm.ServiceStartPending)
	s.mu.Unlock()

	defer func() {
		// A panic in the recovery (a port it reads) is SPM's process
		// dying while it starts: the service stops, and the panic goes on.
		if r := recover(); r != nil {
			s.mu.Lock()
			f.recovering = false
			s.stoppedWhileStartingLocked(name, f, fmt.Errorf("spmtest: internal recovery panicked: %v", r))
			s.mu.Unlock()
			panic(r)
		}
	}()
	ran, rerr := s.recovery.run(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	f.recovering = false
	if rerr != nil {
		s.stoppedWhileStartingLocked(name, f, rerr)
		return nil
	}
	if ran {
		s.events = append(s.events, "recover "+name)
	}
	s.setLocked(f, spm.ServiceRunning)
	if ran && s.recovery.UI != nil {
		s.recovery.UI.SetManualRecovery(true)
	}
	return nil
}

// stoppedWhileStartingLocked records a service that stopped during its
// start; s.mu is held.
func (s *Services) stoppedWhileStartingLocked(name string, f *fakeService, why error) {
	f.exitCode, f.failure = exitProcessAborted, why
	s.events = append(s.events, "crash "+name)
	s.setLocked(f, spm.ServiceStopped)
}

func (r *InternalRecovery) service() string {
	if r.Service == "" {
		return spm.DefaultServiceNames().SPM
	}
	return r.Service
}

// run plays Internal Recovery if the RecoveryMode asks for it; ran says
// whether it did.
func (r *InternalRecovery) run(ctx context.Context) (ran bool, err error) {
	if r.Mode == nil || r.Catalog == nil || r.Arrays == nil {
		return false, fmt.Errorf("spmtest: internal recovery: Mode, Catalog and Arrays are required: %w", spm.ErrInvalid)
	}
	mode, err := r.Mode.RecoveryMode(ctx)
	if err != nil {
		return false, fmt.Errorf("spmtest: internal recovery: read RecoveryMode: %w", err)
	}
	if mode != spm.RecoveryModeInternal {
		return false, nil
	}
	rules := spm.DefaultSignatureRules()
	if r.Rules != nil {
		rules = *r.Rules
	}
	if err := r.Catalog.RunInternalRecovery(ctx, r.Arrays, rules); err != nil {
		return false, fmt.Errorf("spmtest: internal recovery: %w", err)
	}
	return true, nil
}

// Stop implements spm.ServiceControl.
func (s *Services) Stop(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.faults.Check(ctx, OpStop, name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.get(name)
	if err != nil {
		return err
	}
	if f.state == spm.ServiceStopped {
		return nil
	}
	for _, other := range slices.Sorted(maps.Keys(s.svcs)) {
		if o := s.svcs[other]; o.state == spm.ServiceRunning && slices.Contains(o.deps, name) {
			return fmt.Errorf("spmtest: stop %q: %q depends on it and runs: %w", name, other, ErrDependency)
		}
	}
	s.events = append(s.events, "stop "+name)
	s.setLocked(f, spm.ServiceStopped)
	return nil
}

// WaitFor implements spm.ServiceControl. Waiting for Running fails at once
// when the service stopped while starting, with the reason when the fake
// knows it (a failed Internal Recovery).
func (s *Services) WaitFor(ctx context.Context, name string, want spm.ServiceState) error {
	if err := s.faults.Check(ctx, OpWait, name); err != nil {
		return err
	}
	for {
		s.mu.Lock()
		f, err := s.get(name)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		st, code, failure, changed := f.state, f.exitCode, f.failure, s.changed
		s.mu.Unlock()
		if st == want {
			return nil
		}
		if want == spm.ServiceRunning && st == spm.ServiceStopped && code != 0 {
			if failure != nil {
				return fmt.Errorf("spmtest: %q stopped while starting (exit code %d): %w", name, code, failure)
			}
			return fmt.Errorf("spmtest: %q stopped while starting (exit code %d)", name, code)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("spmtest: waiting for %q to be %s (is %s): %w", name, want, st, ctx.Err())
		case <-changed:
		}
	}
}
