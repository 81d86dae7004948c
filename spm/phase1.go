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
// report the change (OnRecoveryModeSet), start the SPM service, and wait
// until the UI shows Manual Recovery Mode. All of it goes through ports, so
// fakes can drive it.
type Phase1 struct {
	Services ServiceControl
	// Names are the services; the zero value means DefaultServiceNames().
	Names  ServiceNames
	Config RecoveryModeStore
	// RecoveryMode is the value written; "" means [RecoveryModeInternal].
	RecoveryMode string
	// OnRecoveryModeSet, when set, is called with the ModeChange as soon as
	// RecoveryMode is written, before SPM is started and waited on: the
	// resync engine journals it there, so that a crash during the (long)
	// wait can still put the value back, from the journal, with
	// [RestoreRecoveryMode]. It is also called when the file already held
	// the value (mc.Changed false; keep an earlier record then). If it
	// returns an error (or panics), Run puts the value back through Config
	// and stops with that error: SPM is never started on a change nobody
	// recorded.
	OnRecoveryModeSet func(ctx context.Context, mc *ModeChange) error
	// Ready is waited on after SPM starts; nil skips the wait (the caller
	// then checks https://<cms>:8000 itself).
	Ready ReadinessWaiter
	// StopSPMIfRunning stops a running SPM service before editing the
	// file, instead of failing with ErrSPMRunning.
	StopSPMIfRunning bool
}

// Phase1Result is what Run did. Mode is set as soon as RecoveryMode was
// written, also when a later step failed, so the caller can put the value
// back (see [RestoreRecoveryMode]); it is nil again when OnRecoveryModeSet
// failed and Run put the value back itself.
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
		return res, fmt.Errorf("spm: phase 1: Services and Config are required: %w", ErrInvalid)
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
	value := p.RecoveryMode
	if value == "" {
		value = RecoveryModeInternal
	}
	mc, err := p.Config.SetRecoveryMode(ctx, value)
	if err != nil {
		return res, fmt.Errorf("spm: phase 1: set RecoveryMode: %w", err)
	}
	if mc == nil {
		return res, fmt.Errorf("spm: phase 1: set RecoveryMode: the store reported no change record: %w", ErrInvalid)
	}
	res.Mode = mc
	if err := p.report(ctx, mc); err != nil {
		if mc.Changed {
			if _, rerr := p.Config.RestoreRecoveryMode(context.WithoutCancel(ctx), mc); rerr != nil {
				return res, errors.Join(err, fmt.Errorf("spm: phase 1: putting RecoveryMode back: %w", rerr))
			}
		}
		res.Mode = nil
		return res, err
	}
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

// report calls OnRecoveryModeSet; a panic in it puts the value back
// before it goes on.
func (p Phase1) report(ctx context.Context, mc *ModeChange) error {
	if p.OnRecoveryModeSet == nil {
		return nil
	}
	done := false
	defer func() {
		if !done && mc.Changed {
			_, _ = p.Config.RestoreRecoveryMode(context.WithoutCancel(ctx), mc)
		}
	}()
	err := p.OnRecoveryModeSet(ctx, mc)
	done = true
	if err != nil {
		return fmt.Errorf("spm: phase 1: recording the RecoveryMode change: %w", err)
	}
	return nil
}
