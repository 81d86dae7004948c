package spm

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ServiceState is the state of a Windows service, as the Service Control
// Manager reports it.
type ServiceState string

// Service states (the SCM's SERVICE_* states).
const (
	ServiceStopped         ServiceState = "Stopped"
	ServiceStartPending    ServiceState = "StartPending"
	ServiceStopPending     ServiceState = "StopPending"
	ServiceRunning         ServiceState = "Running"
	ServiceContinuePending ServiceState = "ContinuePending"
	ServicePausePending    ServiceState = "PausePending"
	ServicePaused          ServiceState = "Paused"
)

// ErrServiceNotFound is wrapped when no service has the given name. It
// wraps [ErrNotFound].
var ErrServiceNotFound error = &kindError{"service not found", ErrNotFound}

var errNilServiceControl = errors.New("nil ServiceControl")

// ServiceControl is the port to the CMS's Windows services. Names are
// service key names or display names (see [DefaultServiceNames]).
// Implementations are safe for concurrent use.
type ServiceControl interface {
	// Status returns the current state of the service.
	Status(ctx context.Context, name string) (ServiceState, error)
	// Start asks the service to start and returns without waiting.
	// Starting a running service is not an error.
	Start(ctx context.Context, name string) error
	// Stop asks the service to stop and returns without waiting.
	// Stopping a stopped service is not an error.
	Stop(ctx context.Context, name string) error
	// WaitFor returns once the service is in state want, or with an error
	// when ctx ends or the service settles in another state (e.g. it
	// stopped while starting).
	WaitFor(ctx context.Context, name string, want ServiceState) error
}

// ServiceNames are the Windows services of storage phase 1: the ones that
// must run before SPM, in start order, and SPM itself.
type ServiceNames struct {
	Prerequisites []string `json:"prerequisites"`
	SPM           string   `json:"spm"`
}

// Validate reports empty or repeated names.
func (n ServiceNames) Validate() error {
	all := append(slices.Clone(n.Prerequisites), n.SPM)
	seen := map[string]bool{}
	for i, s := range all {
		if s == "" {
			if i == len(all)-1 {
				return errors.New("spm: service names: SPM service name is empty")
			}
			return fmt.Errorf("spm: service names: prerequisite %d is empty", i)
		}
		if seen[s] {
			return fmt.Errorf("spm: service names: %q listed twice", s)
		}
		seen[s] = true
	}
	return nil
}

// ServiceError reports a service operation that failed; the sequence that
// ran it stopped there.
type ServiceError struct {
	Service string // the name as given
	Op      string // "status", "start", "stop" or "wait"
	Err     error
}

// Error implements error.
func (e *ServiceError) Error() string {
	return fmt.Sprintf("spm: service %q: %s: %v", e.Service, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *ServiceError) Unwrap() error { return e.Err }

// ErrServicePaused is wrapped when a service to start is paused: the SDK
// does not resume services, and starting a paused service does nothing.
// It wraps [ErrConflict].
var ErrServicePaused error = &kindError{"service is paused; continue it (or stop it) first", ErrConflict}

// StartService starts one service unless it already runs and waits until it
// runs. A service that is stopping is first waited on until it is stopped,
// since the SCM refuses to start it meanwhile; one that is continuing is
// waited on; a paused (or pausing) one is an error wrapping
// [ErrServicePaused]. Errors are *ServiceError naming the service.
func StartService(ctx context.Context, sc ServiceControl, name string) error {
	if sc == nil {
		return &ServiceError{Service: name, Op: "start", Err: errNilServiceControl}
	}
	st, err := sc.Status(ctx, name)
	if err != nil {
		return &ServiceError{Service: name, Op: "status", Err: err}
	}
	switch st {
	case ServiceRunning:
		return nil
	case ServicePaused, ServicePausePending:
		return &ServiceError{Service: name, Op: "start", Err: fmt.Errorf("state %s: %w", st, ErrServicePaused)}
	case ServiceStopPending:
		if err := sc.WaitFor(ctx, name, ServiceStopped); err != nil {
			return &ServiceError{Service: name, Op: "wait", Err: err}
		}
		st = ServiceStopped
	}
	if st != ServiceStartPending && st != ServiceContinuePending {
		if err := sc.Start(ctx, name); err != nil {
			return &ServiceError{Service: name, Op: "start", Err: err}
		}
	}
	if err := sc.WaitFor(ctx, name, ServiceRunning); err != nil {
		return &ServiceError{Service: name, Op: "wait", Err: err}
	}
	return nil
}

// StartServices starts the services in order, each one running before the
// next is started; the first failure stops the sequence with a
// *ServiceError naming that service.
func StartServices(ctx context.Context, sc ServiceControl, names []string) error {
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("spm: before starting service %q: %w", n, err)
		}
		if err := StartService(ctx, sc, n); err != nil {
			return err
		}
	}
	return nil
}

// StopService stops one service unless it is already stopped and waits
// until it is. Errors are *ServiceError naming the service.
func StopService(ctx context.Context, sc ServiceControl, name string) error {
	if sc == nil {
		return &ServiceError{Service: name, Op: "stop", Err: errNilServiceControl}
	}
	st, err := sc.Status(ctx, name)
	if err != nil {
		return &ServiceError{Service: name, Op: "status", Err: err}
	}
	if st == ServiceStopped {
		return nil
	}
	if st != ServiceStopPending {
		if err := sc.Stop(ctx, name); err != nil {
			return &ServiceError{Service: name, Op: "stop", Err: err}
		}
	}
	if err := sc.WaitFor(ctx, name, ServiceStopped); err != nil {
		return &ServiceError{Service: name, Op: "wait", Err: err}
	}
	return nil
}
