package vcemtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/internal/strictjson"
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
	resyncHook ResyncHook
	adopt      bool
}

// WithFaults makes the fake consult f on every call. Every constructor of
// the package takes it; one set may be shared by any number of fakes, of
// this package and of spmtest and matrixoetest.
func WithFaults(f *Faults) Option { return func(o *options) { o.faults = f } }

// Adopt makes a constructor keep the snapshot or data it is given instead
// of a copy: the caller hands it over and must not use it, nor anything it
// points to, afterwards. It is for loaders that build data only to give it
// to a fake (resynctest builds and loads estates of a million records this
// way, without a second copy of each); a test that keeps using its data
// must not give it.
func Adopt() Option { return func(o *options) { o.adopt = true } }

// enter is what every port call of a fake does first: a nil context is an
// error (not a panic), then the fault rules of op and targets apply, then a
// context that is done ends the call.
func enter(ctx context.Context, f *Faults, op string, targets ...string) error {
	if ctx == nil {
		return fmt.Errorf("vcemtest: %s: nil context: %w", op, vcem.ErrInvalid)
	}
	if err := f.Check(ctx, op, targets...); err != nil {
		return err
	}
	return ctx.Err()
}

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
	if !o.adopt {
		s = s.Clone()
	}
	return &Store{snap: s, faults: o.faults}, nil
}

// Snapshot implements [vcem.RestoredStore]; it returns a copy.
func (st *Store) Snapshot(ctx context.Context) (*vcem.Snapshot, error) {
	if err := enter(ctx, st.faults, OpSnapshot, ""); err != nil {
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
	if err := enter(ctx, st.faults, OpApply, changeTargets(c)...); err != nil {
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

// Update runs fn on the store's snapshot itself, under the store's lock:
// for what VCEM writes to its database besides the changes the SDK applies
// (a profile created or deleted, a domain added to a group, a resync, the
// database put back by a CMS restore), which a composed estate scripts.
//
// fn must leave the snapshot valid, and unchanged when it returns an error:
// check before changing, or use [vcem.ApplyAll], which is all or nothing.
// Update neither copies nor validates the snapshot, so that a write to a
// large estate costs what fn does, not the estate's size. No fault applies,
// nothing is added to [Store.Applied] (the SDK's changes), and fn must not
// call the store. A nil fn is an error wrapping vcem.ErrInvalid.
func (st *Store) Update(fn func(s *vcem.Snapshot) error) error {
	if fn == nil {
		return fmt.Errorf("vcemtest: store: update: nil func: %w", vcem.ErrInvalid)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return fn(st.snap)
}

// changeTargets returns the fault targets of a change: its Kind and its
// Target; none for a nil change (a nil pointer included, whose methods
// would panic).
func changeTargets(c vcem.Change) []string {
	if c == nil {
		return nil
	}
	if v := reflect.ValueOf(c); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return []string{c.Kind(), c.Target()}
}

// Applied returns the changes applied so far, in order.
func (st *Store) Applied() []vcem.Change {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]vcem.Change(nil), st.applied...)
}

// StoreData is a Store's whole state as plain, JSON-able data: the
// snapshot it holds and the changes applied so far. A composed estate saves
// it to back the store up and rebuilds the store with [StoreFromData].
type StoreData struct {
	Snapshot *vcem.Snapshot `json:"snapshot"`
	Applied  vcem.Changes   `json:"applied"`
}

// storeDataJSON is StoreData without its methods.
type storeDataJSON StoreData

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*StoreData) JSONShape() any { return (*storeDataJSON)(nil) }

// UnmarshalJSON reads store data strictly at every level (unknown,
// repeated or case-folded keys, missing fields and bad values are errors
// naming their path).
func (d *StoreData) UnmarshalJSON(b []byte) error {
	return decodeStrict("store data", b, (*storeDataJSON)(d))
}

// decodeStrict decodes b into v strictly (internal/strictjson) and names
// what it decoded in the error; on error v is unchanged.
func decodeStrict[T any](what string, b []byte, v *T) error {
	if err := strictjson.Unmarshal(b, v); err != nil {
		return fmt.Errorf("vcemtest: %s JSON: %w", what, err)
	}
	return nil
}

// Data returns a copy of the store's state.
func (st *Store) Data() StoreData {
	st.mu.Lock()
	defer st.mu.Unlock()
	return StoreData{Snapshot: st.snap.Clone(), Applied: slices.Clone(vcem.Changes(st.applied))}
}

// StoreFromData rebuilds a store from [Store.Data]; the snapshot must pass
// [vcem.Snapshot.Validate].
func StoreFromData(d StoreData, opts ...Option) (*Store, error) {
	st, err := NewStore(d.Snapshot, opts...)
	if err != nil {
		return nil, err
	}
	st.applied = slices.Clone([]vcem.Change(d.Applied))
	return st, nil
}
