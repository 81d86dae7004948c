package vcemtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/vcem"
)

// Store is an in-memory [vcem.RestoredStore]: a snapshot changed by
// [vcem.Apply], the same function dry runs use. It is safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	snap    *vcem.Snapshot
	applied []vcem.Change
	faults  *Faults
}

var _ vcem.RestoredStore = (*Store)(nil)

// Option configures a fake.
type Option func(*options)

type options struct {
	faults     *Faults
	jobLatency time.Duration
}

// WithFaults makes the fake consult f on every call.
func WithFaults(f *Faults) Option { return func(o *options) { o.faults = f } }

func collect(opts []Option) options {
	var o options
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	return o
}

// NewStore returns a store holding a copy of s, which must pass
// [vcem.Snapshot.Validate].
func NewStore(s *vcem.Snapshot, opts ...Option) (*Store, error) {
	if s == nil {
		return nil, fmt.Errorf("vcemtest: store: snapshot is nil")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("vcemtest: store: %w", err)
	}
	o := collect(opts)
	return &Store{snap: s.Clone(), faults: o.faults}, nil
}

// Snapshot implements [vcem.RestoredStore]; it returns a copy.
func (st *Store) Snapshot(ctx context.Context) (*vcem.Snapshot, error) {
	if err := st.faults.Check(ctx, OpSnapshot, ""); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.snap.Clone(), nil
}

// Apply implements [vcem.RestoredStore] with [vcem.Apply]. A fault rule on
// OpApply matches the change's Kind ("vcem.DeleteProfile") or Target
// ("profile P1", "MAC 00-17-A4-77-00-00").
func (st *Store) Apply(ctx context.Context, c vcem.Change) error {
	var targets []string
	if c != nil {
		targets = []string{c.Kind(), c.Target()}
	}
	if err := st.faults.Check(ctx, OpApply, targets...); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := vcem.Apply(st.snap, c); err != nil {
		return err
	}
	st.applied = append(st.applied, c)
	return nil
}

// Applied returns the changes applied so far, in order.
func (st *Store) Applied() []vcem.Change {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]vcem.Change(nil), st.applied...)
}
