package spmtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// ErrDependency is wrapped when a service is started before a service it
// depends on runs, or stopped while a service that depends on it runs. It
// wraps [spm.ErrConflict].
var ErrDependency = fmt.Errorf("dependency order violated: %w", spm.ErrConflict)

// Services is an in-memory Service Control Manager. Each service has a state
// and the services it depends on; Start refuses a service whose
// dependencies do not run (as Windows would start them implicitly, the fake
// is stricter on purpose: it proves the caller's order). Start and Stop take
// effect at once.
//
// Fault rules are checked with ops [OpStatus], [OpStart] (Start fails),
// [OpCrash] (Start succeeds but the service stops again, as a service that
// fails during start-up: WaitFor(Running) then fails; like any rule it needs
// an Err to fire as a crash, a rule without Err only delays), [OpStop] and
// [OpWait]; the target is the service name.
type Services struct {
	mu      sync.Mutex
	svcs    map[string]*fakeService
	events  []string
	changed chan struct{}
	Faults  *Faults
}

type fakeService struct {
	state    spm.ServiceState
	deps     []string
	exitCode int
}

var _ spm.ServiceControl = (*Services)(nil)

// NewServices returns an SCM with no services.
func NewServices() *Services {
	return &Services{svcs: map[string]*fakeService{}, changed: make(chan struct{}), Faults: NewFaults(3)}
}

// NewPhase1Services returns an SCM holding the services of names, stopped,
// where SPM depends on every prerequisite (FOUND [BR70 p41]: they "need to
// be running prior to starting" it) and each prerequisite on the one before
// it (INFER: the seed's order).
func NewPhase1Services(names spm.ServiceNames) (*Services, error) {
	if err := names.Validate(); err != nil {
		return nil, err
	}
	s := NewServices()
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

// Define adds a service in a state with its dependencies (which must be
// defined already).
func (s *Services) Define(name string, state spm.ServiceState, deps ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		return errors.New("spmtest: empty service name")
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
// "crash <name>").
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
	if err := s.Faults.Check(ctx, OpStatus, name); err != nil {
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
	if err := s.Faults.Check(ctx, OpStart, name); err != nil {
		return err
	}
	crash := false
	if err := s.Faults.Check(ctx, OpCrash, name); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		crash = true // the rule's error is the reason; the service reports exit code 1067
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.get(name)
	if err != nil {
		return err
	}
	if f.state == spm.ServiceRunning {
		return nil
	}
	for _, d := range f.deps {
		if s.svcs[d].state != spm.ServiceRunning {
			return fmt.Errorf("spmtest: start %q: dependency %q is %s: %w", name, d, s.svcs[d].state, ErrDependency)
		}
	}
	if crash {
		f.exitCode = 1067 // ERROR_PROCESS_ABORTED
		s.events = append(s.events, "crash "+name)
		s.setLocked(f, spm.ServiceStopped)
		return nil
	}
	f.exitCode = 0
	s.events = append(s.events, "start "+name)
	s.setLocked(f, spm.ServiceRunning)
	return nil
}

// Stop implements spm.ServiceControl.
func (s *Services) Stop(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.Faults.Check(ctx, OpStop, name); err != nil {
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
	for other, o := range s.svcs {
		if o.state == spm.ServiceRunning && slices.Contains(o.deps, name) {
			return fmt.Errorf("spmtest: stop %q: %q depends on it and runs: %w", name, other, ErrDependency)
		}
	}
	s.events = append(s.events, "stop "+name)
	s.setLocked(f, spm.ServiceStopped)
	return nil
}

// WaitFor implements spm.ServiceControl. Waiting for Running fails at once
// when the service crashed while starting.
func (s *Services) WaitFor(ctx context.Context, name string, want spm.ServiceState) error {
	if err := s.Faults.Check(ctx, OpWait, name); err != nil {
		return err
	}
	for {
		s.mu.Lock()
		f, err := s.get(name)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		st, code, changed := f.state, f.exitCode, s.changed
		s.mu.Unlock()
		if st == want {
			return nil
		}
		if want == spm.ServiceRunning && st == spm.ServiceStopped && code != 0 {
			return fmt.Errorf("spmtest: %q stopped while starting (exit code %d)", name, code)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("spmtest: waiting for %q to be %s (is %s): %w", name, want, st, ctx.Err())
		case <-changed:
		}
	}
}
