package spmtest

import (
	"context"
	"fmt"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// RecoveryMode is an in-memory spm.RecoveryModeStore: the RecoveryMode
// value without the file. Faults are checked with op [OpRecoveryMode] and
// target "get", "set" or "restore".
type RecoveryMode struct {
	mu     sync.Mutex
	value  string
	writes int
	faults *Faults
}

var _ spm.RecoveryModeStore = (*RecoveryMode)(nil)

// memoryPath is the Path of the fake's ModeChanges.
const memoryPath = "memory"

// NewRecoveryMode returns a store holding initial.
func NewRecoveryMode(initial string, opts ...Option) *RecoveryMode {
	return &RecoveryMode{value: initial, faults: buildOptions(opts).faults}
}

// RecoveryModeData is the whole state of a [RecoveryMode] as plain,
// JSON-able data.
type RecoveryModeData struct {
	Value  string `json:"value"`
	Writes int    `json:"writes"`
}

// Data returns the store's state.
func (r *RecoveryMode) Data() RecoveryModeData {
	r.mu.Lock()
	defer r.mu.Unlock()
	return RecoveryModeData{Value: r.value, Writes: r.writes}
}

// NewRecoveryModeFromData rebuilds a store from [RecoveryMode.Data]; a
// negative write count is refused.
func NewRecoveryModeFromData(d RecoveryModeData, opts ...Option) (*RecoveryMode, error) {
	if d.Writes < 0 {
		return nil, fmt.Errorf("spmtest: recovery mode data: negative write count %d: %w", d.Writes, spm.ErrInvalid)
	}
	r := NewRecoveryMode(d.Value, opts...)
	r.writes = d.Writes
	return r, nil
}

// Faults returns the rule set the store consults (see [WithFaults]).
func (r *RecoveryMode) Faults() *Faults { return r.faults }

// RecoveryMode implements spm.RecoveryModeStore.
func (r *RecoveryMode) RecoveryMode(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := r.faults.Check(ctx, OpRecoveryMode, "get"); err != nil {
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
	if err := r.faults.Check(ctx, OpRecoveryMode, "set"); err != nil {
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

// Set puts value in the store as something outside the SDK writes
// ApplicationConfig.xml — a CMS restore putting the backup's file back,
// an administrator's editor — for a composed estate that scripts it. It is
// not a port call: no fault applies. A change of value counts as a write.
func (r *RecoveryMode) Set(value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.value != value {
		r.value = value
		r.writes++
	}
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
	if err := r.faults.Check(ctx, OpRecoveryMode, "restore"); err != nil {
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
