//go:build windows

package spm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// WindowsServices is the [ServiceControl] of the local (or a remote)
// Service Control Manager, through golang.org/x/sys/windows/svc/mgr. Each
// call opens and closes its own SCM handle, so a WindowsServices is safe for
// concurrent use. Names may be service key names or display names: a name
// that is not a key is looked up among the display names (the key names of
// the HP services are a GAP, see [DefaultServiceNames]). That lookup opens
// every service once; its result is remembered by this WindowsServices, so
// WaitFor's polls open only the one service.
type WindowsServices struct {
	host string        // "" = local computer
	poll time.Duration // WaitFor's polling interval

	mu   sync.Mutex
	keys map[string]string // display name -> key name, as resolved
}

var _ ServiceControl = (*WindowsServices)(nil)

// NewWindowsServices returns the ServiceControl of the computer host ("" for
// the local one), polling every poll in WaitFor (250ms when 0).
func NewWindowsServices(host string, poll time.Duration) (*WindowsServices, error) {
	if poll < 0 {
		return nil, fmt.Errorf("spm: windows services: negative poll interval %s", poll)
	}
	if poll == 0 {
		poll = 250 * time.Millisecond
	}
	return &WindowsServices{host: host, poll: poll}, nil
}

func (w *WindowsServices) connect() (*mgr.Mgr, error) {
	if w.host == "" {
		return mgr.Connect()
	}
	return mgr.ConnectRemote(w.host)
}

// open opens the service by key name, else by display name.
func (w *WindowsServices) open(ctx context.Context, name string) (*mgr.Mgr, *mgr.Service, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	m, err := w.connect()
	if err != nil {
		return nil, nil, fmt.Errorf("connect to the service manager: %w", err)
	}
	s, err := m.OpenService(name)
	if err == nil {
		return m, s, nil
	}
	if !errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
		m.Disconnect()
		return nil, nil, err
	}
	if key, ok := w.cachedKey(name); ok {
		if s, err := m.OpenService(key); err == nil {
			return m, s, nil
		}
		w.forgetKey(name) // removed or renamed since: look it up again
	}
	keys, lerr := m.ListServices()
	if lerr != nil {
		m.Disconnect()
		return nil, nil, fmt.Errorf("list services: %w", lerr)
	}
	for _, k := range keys {
		if ctx.Err() != nil {
			m.Disconnect()
			return nil, nil, ctx.Err()
		}
		cand, oerr := m.OpenService(k)
		if oerr != nil {
			continue
		}
		cfg, cerr := cand.Config()
		if cerr == nil && cfg.DisplayName == name {
			w.rememberKey(name, k)
			return m, cand, nil
		}
		cand.Close()
	}
	m.Disconnect()
	return nil, nil, fmt.Errorf("no service with key or display name %q: %w", name, ErrServiceNotFound)
}

func (w *WindowsServices) cachedKey(display string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k, ok := w.keys[display]
	return k, ok
}

func (w *WindowsServices) rememberKey(display, key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.keys == nil {
		w.keys = map[string]string{}
	}
	w.keys[display] = key
}

func (w *WindowsServices) forgetKey(display string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.keys, display)
}

func stateOf(s svc.State) ServiceState {
	switch s {
	case svc.Stopped:
		return ServiceStopped
	case svc.StartPending:
		return ServiceStartPending
	case svc.StopPending:
		return ServiceStopPending
	case svc.Running:
		return ServiceRunning
	case svc.ContinuePending:
		return ServiceContinuePending
	case svc.PausePending:
		return ServicePausePending
	case svc.Paused:
		return ServicePaused
	}
	return ServiceState(fmt.Sprintf("Unknown(%d)", s))
}

// Status implements ServiceControl.
func (w *WindowsServices) Status(ctx context.Context, name string) (ServiceState, error) {
	st, err := w.query(ctx, name)
	if err != nil {
		return "", err
	}
	return stateOf(st.State), nil
}

func (w *WindowsServices) query(ctx context.Context, name string) (svc.Status, error) {
	m, s, err := w.open(ctx, name)
	if err != nil {
		return svc.Status{}, err
	}
	defer m.Disconnect()
	defer s.Close()
	return s.Query()
}

// Start implements ServiceControl.
func (w *WindowsServices) Start(ctx context.Context, name string) error {
	m, s, err := w.open(ctx, name)
	if err != nil {
		return err
	}
	defer m.Disconnect()
	defer s.Close()
	if err := s.Start(); err != nil && !errors.Is(err, windows.ERROR_SERVICE_ALREADY_RUNNING) {
		return err
	}
	return nil
}

// Stop implements ServiceControl.
func (w *WindowsServices) Stop(ctx context.Context, name string) error {
	m, s, err := w.open(ctx, name)
	if err != nil {
		return err
	}
	defer m.Disconnect()
	defer s.Close()
	if _, err := s.Control(svc.Stop); err != nil && !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
		return err
	}
	return nil
}

// WaitFor implements ServiceControl. Waiting for Running fails as soon as
// the service is Stopped again (it failed to start), with its exit code.
func (w *WindowsServices) WaitFor(ctx context.Context, name string, want ServiceState) error {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	for {
		st, err := w.query(ctx, name)
		if err != nil {
			return err
		}
		got := stateOf(st.State)
		if got == want {
			return nil
		}
		if want == ServiceRunning && got == ServiceStopped {
			return fmt.Errorf("service stopped while starting (exit code %d, service exit code %d)", st.Win32ExitCode, st.ServiceSpecificExitCode)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (last state %s): %w", want, got, ctx.Err())
		case <-t.C:
		}
	}
}
