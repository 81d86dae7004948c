package spmtest

import (
	"context"
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
	mc := &spm.ModeChange{Path: "memory", Previous: r.value, Value: value, Changed: r.value != value}
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
