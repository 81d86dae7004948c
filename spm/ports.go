package spm

import (
	"context"
	"fmt"
)

// RestoredStore is the port to the restored SPM catalog (the same name in
// vcem, spm and matrixoe): one change per Apply call, so that the resync
// engine writes one journal record per change. Apply has the semantics of
// [Apply] on the store's snapshot, atomic per change. Implementations are
// safe for concurrent use.
type RestoredStore interface {
	// Snapshot returns an independent copy of the catalog's content.
	Snapshot(ctx context.Context) (*Snapshot, error)
	// Apply applies one change; on error nothing was changed.
	Apply(ctx context.Context, c Change) error
}

// LiveArrays is the port to the managed arrays as they are now: what each
// presents and which signatures it holds. Implementations are safe for
// concurrent use.
type LiveArrays interface {
	// Live returns an independent copy of what the arrays hold now.
	Live(ctx context.Context) (*Live, error)
}

// RecoveryModeStore is where SPM's RecoveryMode lives: [ConfigFile] for the
// real ApplicationConfig.xml. Implementations are safe for concurrent use.
type RecoveryModeStore interface {
	// RecoveryMode returns the current value.
	RecoveryMode(ctx context.Context) (string, error)
	// SetRecoveryMode writes value and reports what it found.
	SetRecoveryMode(ctx context.Context, value string) (*ModeChange, error)
	// RestoreRecoveryMode puts back what mc found, with the meaning of
	// [RestoreRecoveryMode]: nil when already put back, an error wrapping
	// [ErrModeChanged] when the value changed since, and nothing written
	// then. mc may come from a journal (decoded JSON).
	RestoreRecoveryMode(ctx context.Context, mc *ModeChange) (*ModeChange, error)
}

// ReadinessWaiter waits until SPM shows Manual Recovery Mode; [*Readiness]
// is the HTTPS implementation.
type ReadinessWaiter interface {
	Wait(ctx context.Context) (ReadyResult, error)
}

// ConfigFile is the RecoveryModeStore of one ApplicationConfig.xml (see
// [ConfigPath]). It holds only the path, so it is safe for concurrent use
// as far as the file system is; do not edit one file from two goroutines.
type ConfigFile struct {
	Path string
}

var (
	_ RecoveryModeStore = ConfigFile{}
	_ ReadinessWaiter   = (*Readiness)(nil)
)

// RecoveryMode implements RecoveryModeStore with [ReadConfig].
func (f ConfigFile) RecoveryMode(ctx context.Context) (string, error) {
	c, err := ReadConfig(ctx, f.Path)
	if err != nil {
		return "", err
	}
	return c.RecoveryMode, nil
}

// SetRecoveryMode implements RecoveryModeStore with [SetRecoveryMode].
func (f ConfigFile) SetRecoveryMode(ctx context.Context, value string) (*ModeChange, error) {
	return SetRecoveryMode(ctx, f.Path, value)
}

// RestoreRecoveryMode implements RecoveryModeStore with
// [RestoreRecoveryMode]; a ModeChange of another file is refused
// ([ErrInvalid]).
func (f ConfigFile) RestoreRecoveryMode(ctx context.Context, mc *ModeChange) (*ModeChange, error) {
	if mc != nil && mc.Changed && mc.Path != f.Path {
		return nil, &ConfigError{Path: f.Path, Err: fmt.Errorf("the RecoveryMode change is of %s, not of this file: %w", mc.Path, ErrInvalid)}
	}
	return RestoreRecoveryMode(ctx, mc)
}
