package matrixoetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// Store is an in-memory [matrixoe.Store]: the restored Matrix OE databases.
// Apply uses [matrixoe.ApplyAll], the same code as a dry run, so the fake
// behaves exactly like the prediction. Safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	snap    *matrixoe.Snapshot
	applied []matrixoe.Change
	faults  *Faults
}

var _ matrixoe.Store = (*Store)(nil)

// Option configures a fake.
type Option func(*options)

type options struct {
	seed   uint64
	faults *Faults
	shared bool // WithFaults was given
}

// WithSeed seeds the random generator of the fake's own fault rules, so a
// run can be replayed. The default seed is 1. It has no effect together
// with [WithFaults], whose set has its own seed.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = seed } }

// WithFaults makes the fake consult f — which other fakes, of this package
// or of vcemtest and spmtest, may share — instead of a rule set of its own.
// A nil f means no faults.
func WithFaults(f *Faults) Option {
	return func(o *options) { o.faults, o.shared = f, true }
}

func buildOptions(opts []Option) options {
	o := options{seed: 1}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if !o.shared {
		o.faults = NewFaults(o.seed)
	}
	return o
}

// NewStore returns a store holding a copy of s, which must be valid.
func NewStore(s *matrixoe.Snapshot, opts ...Option) (*Store, error) {
	if s == nil {
		return nil, fmt.Errorf("matrixoetest: NewStore: nil snapshot")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("matrixoetest: NewStore: %w", err)
	}
	o := buildOptions(opts)
	return &Store{snap: s.Clone(), faults: o.faults}, nil
}

// Snapshot returns a copy of the current content.
func (st *Store) Snapshot(ctx context.Context) (*matrixoe.Snapshot, error) {
	if err := st.faults.Check(ctx, OpSnapshot); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.snap.Clone(), nil
}

// Apply applies changes in order, all or nothing. A fault rule on OpApply
// matching any change's Kind or Target fails the whole call before any
// change is applied.
func (st *Store) Apply(ctx context.Context, changes ...matrixoe.Change) error {
	targets := make([]string, 0, 2*len(changes))
	for _, c := range changes {
		if !isNilChange(c) {
			targets = append(targets, c.Kind(), c.Target())
		}
	}
	if err := st.faults.Check(ctx, OpApply, targets...); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := matrixoe.ApplyAll(st.snap, changes...); err != nil {
		return err
	}
	st.applied = append(st.applied, changes...)
	return nil
}

// isNilChange reports a nil change, including a typed nil pointer such as
// (*matrixoe.DropLS)(nil), whose Kind would panic; matrixoe.ApplyAll
// rejects both with an error.
func isNilChange(c matrixoe.Change) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Applied returns every change applied so far, in order (a journal).
func (st *Store) Applied() []matrixoe.Change {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]matrixoe.Change(nil), st.applied...)
}

// AddFault adds a fault rule (see [Fault]) to the store's rule set —
// shared with other fakes when [WithFaults] gave it. An invalid rule is an
// error and is not added.
func (st *Store) AddFault(f Fault) error { return st.faults.Add(f) }

// ClearFaults removes every fault rule of the store's rule set (shared
// with other fakes when [WithFaults] gave it).
func (st *Store) ClearFaults() { st.faults.Clear() }

// Faults returns the store's rule set (nil when [WithFaults] gave nil), to
// share it with other fakes or read its [Faults.Hits].
func (st *Store) Faults() *Faults { return st.faults }
