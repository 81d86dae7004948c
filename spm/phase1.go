package spm

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrSPMRunning is returned by [Phase1.Run] when the SPM service already
// runs: it reads RecoveryMode only when it starts, so editing the file under
// it would have no effect. It wraps [ErrConflict].
var ErrSPMRunning error = &kindError{"the SPM service is running; stop it before setting RecoveryMode", ErrConflict}

// Phase1 is the start-up part of storage phase 1 (FOUND [BR70 p41]): start
// the prerequisite services in order, set RecoveryMode to InternalRecovery,
// start the SPM service, and wait until the UI shows Manual Recovery Mode.
// All of it goes through ports, so fakes can drive it.
type Phase1 struct {
	Services ServiceControl
	// Names are the services; the zero value means DefaultServiceNames().
	Names  ServiceNames
	Config RecoveryModeStore
	// Ready is waited on after SPM starts; nil skips the wait (the caller
	// then checks https://<cms>:8000 itself).
	Ready ReadinessWaiter
	// StopSPMIfRunning stops a running SPM service before editing the
	// file, instead of failing with ErrSPMRunning.
	StopSPMIfRunning bool
}

// Phase1Result is what Run did. Mode is set as soon as RecoveryMode was
// written, also when a later step failed, so the caller can put the value
// back (see [RestoreRecoveryMode]).
type Phase1Result struct {
	Started []string    `json:"started"` // services this run started or found running, in order
	Mode    *ModeChange `json:"mode,omitempty"`
	Ready   ReadyResult `json:"ready"`
}

// Run executes the sequence. The first failure stops it: a service that does
// not start is a *ServiceError naming it, and nothing after it runs.
func (p Phase1) Run(ctx context.Context) (Phase1Result, error) {
	var res Phase1Result
	if p.Services == nil || p.Config == nil {
		return res, errors.New("spm: phase 1: Services and Config are required")
	}
	names := p.Names
	if names.SPM == "" && len(names.Prerequisites) == 0 {
		names = DefaultServiceNames()
	}
	if err := names.Validate(); err != nil {
		return res, err
	}
	st, err := p.Services.Status(ctx, names.SPM)
	if err != nil {
		return res, &ServiceError{Service: names.SPM, Op: "status", Err: err}
	}
	if st != ServiceStopped {
		if !p.StopSPMIfRunning {
			return res, &ServiceError{Service: names.SPM, Op: "status", Err: fmt.Errorf("state %s: %w", st, ErrSPMRunning)}
		}
		if err := StopService(ctx, p.Services, names.SPM); err != nil {
			return res, err
		}
	}
	for _, n := range names.Prerequisites {
		if err := StartService(ctx, p.Services, n); err != nil {
			return res, fmt.Errorf("spm: phase 1: %w", err)
		}
		res.Started = append(res.Started, n)
	}
	mc, err := p.Config.SetRecoveryMode(ctx, RecoveryModeInternal)
	if err != nil {
		return res, fmt.Errorf("spm: phase 1: set RecoveryMode: %w", err)
	}
	res.Mode = mc
	if err := StartService(ctx, p.Services, names.SPM); err != nil {
		return res, fmt.Errorf("spm: phase 1: %w", err)
	}
	res.Started = append(slices.Clip(res.Started), names.SPM)
	if p.Ready != nil {
		r, err := p.Ready.Wait(ctx)
		if err != nil {
			return res, fmt.Errorf("spm: phase 1: waiting for Manual Recovery Mode: %w", err)
		}
		res.Ready = r
	}
	return res, nil
}
