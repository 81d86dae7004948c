package spmtest

import (
	"context"
	"fmt"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// RecoveryMode is an in-memory spm.RecoveryModeStore: the RecoveryMode
// value without the file. Faults are checked with op [OpRecoveryMode] and
// target "get" or "set".
type RecoveryMode struct {
	mu     sync.Mutex
	value  string
	writes int
	Faults *Faults
}

var _ spm.RecoveryModeStore = (*RecoveryMode)(nil)

// memoryPath is the Path of the fake's ModeChanges.
const memoryPath = "memory"

// NewRecoveryMode returns a store holding initial.
func NewRecoveryMode(initial string) *RecoveryMode {
	return &RecoveryMode{value: initial, Faults: NewFaults(5)}
}

// RecoveryMode implements spm.RecoveryModeStore.
func (r *RecoveryMode) RecoveryMode(ctx context.Context) (string, error) {
	if err := r.Faults.Check(ctx, OpRecoveryMode, "get"); err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.value, nil
}

// SetRecoveryMode implements spm.RecoveryModeStore; Backup stays empty.
func (r *RecoveryMode) SetRecoveryMode(ctx context.Context, value string) (*spm.ModeChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.Faults.Check(ctx, OpRecoveryMode, "set"); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	mc := &spm.ModeChange{Path: memoryPath, Previous: r.value, Value: value, Changed: r.value != value}
	if mc.Changed {
		r.value = value
		r.writes++
	}
	return mc, nil
}

// Writes returns how many times the value changed.
func (r *RecoveryMode) Writes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writes
}

// RestoreRecoveryMode implements spm.RecoveryModeStore with the meaning of
// spm.RestoreRecoveryMode: the value mc wrote is replaced by the one it
// found; a value that already is the one found is left (nil); any other
// value is refused with an error wrapping spm.ErrModeChanged. Faults are
// checked with target "restore".
func (r *RecoveryMode) RestoreRecoveryMode(ctx context.Context, mc *spm.ModeChange) (*spm.ModeChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.Faults.Check(ctx, OpRecoveryMode, "restore"); err != nil {
		return nil, err
	}
	if mc == nil {
		return &spm.ModeChange{}, nil
	}
	if !mc.Changed {
		return &spm.ModeChange{Path: mc.Path, Previous: mc.Value, Value: mc.Value}, nil
	}
	if mc.Path != memoryPath {
		return nil, fmt.Errorf("spmtest: restore RecoveryMode: the change is of %q, not of this store (%q): %w", mc.Path, memoryPath, spm.ErrInvalid)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	back := &spm.ModeChange{Path: memoryPath, Previous: r.value, Value: mc.Previous}
	switch r.value {
	case mc.Previous:
		return back, nil
	case mc.Value:
		r.value = mc.Previous
		r.writes++
		back.Changed = true
		return back, nil
	}
	return nil, fmt.Errorf("spmtest: restore RecoveryMode: %w: it holds %q, not the %q that was written", spm.ErrModeChanged, r.value, mc.Value)
}
