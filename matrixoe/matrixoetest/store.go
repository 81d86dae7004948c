package matrixoetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
)

// Store is an in-memory [matrixoe.RestoredStore]: the restored Matrix OE
// databases. Apply uses [matrixoe.Apply], the same code as a dry run, so the
// fake behaves exactly like the prediction, and it keeps a journal of the
// changes applied ([Store.Applied]). Safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	snap    *matrixoe.Snapshot
	applied matrixoe.Changes
	faults  *Faults
}

var _ matrixoe.RestoredStore = (*Store)(nil)

// Option configures a fake. Every constructor of the package takes the
// same options.
type Option func(*options)

type options struct {
	seed   uint64
	faults *Faults
	shared bool // WithFaults was given
	adopt  bool
}

// WithSeed seeds the random generator of the fake's own fault rules, so a
// run can be replayed. The default seed is 1. It has no effect together
// with [WithFaults], whose set has its own seed.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = seed } }

// WithFaults makes the fake consult f — which other fakes, of this package
// or of vcemtest and spmtest, may share — instead of a rule set of its own.
// A nil f means no faults. Every constructor of the package accepts it.
func WithFaults(f *Faults) Option {
	return func(o *options) { o.faults, o.shared = f, true }
}

// Adopt makes a constructor keep the snapshot or data it is given instead
// of a copy: the caller hands it over and must not use it, nor anything it
// points to, afterwards. It is for loaders that build data only to give it
// to a fake (resynctest builds and loads estates of a million records this
// way, without a second copy of each); a test that keeps using its data
// must not give it.
func Adopt() Option { return func(o *options) { o.adopt = true } }

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

// NewStore returns a store holding a copy of s, which must be valid. A nil
// s is an error (an empty store is [matrixoe.NewSnapshot]).
func NewStore(s *matrixoe.Snapshot, opts ...Option) (*Store, error) {
	if s == nil {
		return nil, fmt.Errorf("matrixoetest: NewStore: nil snapshot: %w", matrixoe.ErrInvalid)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("matrixoetest: NewStore: %w", err)
	}
	o := buildOptions(opts)
	if !o.adopt {
		s = s.Clone()
	}
	return &Store{snap: s, faults: o.faults}, nil
}

// Snapshot returns a copy of the current content. A fault rule on
// OpSnapshot (no target) fails it.
func (st *Store) Snapshot(ctx context.Context) (*matrixoe.Snapshot, error) {
	if err := st.faults.Check(ctx, OpSnapshot); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.snap.Clone(), nil
}

// Apply applies one change with [matrixoe.Apply] and journals it. A fault
// rule on OpApply matching the change's Kind or Target fails the call
// before anything is applied. A nil change is matrixoe.Apply's error, never
// a panic.
func (st *Store) Apply(ctx context.Context, c matrixoe.Change) error {
	var targets []string
	if !isNilChange(c) {
		targets = []string{c.Kind(), c.Target()}
	}
	if err := st.faults.Check(ctx, OpApply, targets...); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := matrixoe.Apply(st.snap, c); err != nil {
		return err
	}
	st.applied = append(st.applied, c)
	return nil
}

// Update runs fn on the store's snapshot itself, under the store's lock:
// for what Matrix OE writes to its databases besides the changes the SDK
// applies (a logical server created, a request scheduled, an IP allocated,
// a recovery group edited, the databases put back by a CMS restore), which a
// composed estate scripts.
//
// fn must leave the snapshot valid, and unchanged when it returns an
// error: check before changing, or use [matrixoe.ApplyAll], which is all or
// nothing. Update neither copies nor validates the snapshot, so that a write
// to a large estate costs what fn does. No fault applies, nothing is added
// to [Store.Applied], and fn must not call the store. A nil fn is an error
// wrapping matrixoe.ErrInvalid.
func (st *Store) Update(fn func(s *matrixoe.Snapshot) error) error {
	if fn == nil {
		return fmt.Errorf("matrixoetest: store: update: nil func: %w", matrixoe.ErrInvalid)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return fn(st.snap)
}

// isNilChange reports a nil change, including a typed nil pointer such as
// (*matrixoe.DropLS)(nil), whose Kind would panic; matrixoe.Apply rejects
// both with an error.
func isNilChange(c matrixoe.Change) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Applied returns every change applied so far, in order (a journal).
func (st *Store) Applied() matrixoe.Changes {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append(matrixoe.Changes(nil), st.applied...)
}

// StoreData is the whole state of a [Store] as plain, JSON-serialisable
// data — its content and its journal — so a composed estate can save and
// load it. Its JSON is decoded strictly (unknown, repeated or missing keys
// are errors naming the path).
type StoreData struct {
	Snapshot *matrixoe.Snapshot `json:"snapshot"`
	Applied  matrixoe.Changes   `json:"applied"`
}

type storeDataJSON StoreData

// JSONShape lets a strict decoder of an enclosing type check StoreData
// without decoding it twice.
func (*StoreData) JSONShape() any { return (*storeDataJSON)(nil) }

// UnmarshalJSON decodes strictly; on error d is unchanged.
func (d *StoreData) UnmarshalJSON(b []byte) error {
	shape, err := decodeData[storeDataJSON](b, "store data")
	if err != nil {
		return err
	}
	*d = StoreData(shape)
	return nil
}

// decodeData decodes the data of a fake strictly into its methodless shape
// S; the error wraps matrixoe.ErrInvalid and names what.
func decodeData[S any](b []byte, what string) (S, error) {
	var shape S
	if err := strictjson.Unmarshal(b, &shape); err != nil {
		return shape, fmt.Errorf("matrixoetest: decode %s: %w: %w", what, matrixoe.ErrInvalid, err)
	}
	return shape, nil
}

// Data returns a copy of the store's state.
func (st *Store) Data() StoreData {
	st.mu.Lock()
	defer st.mu.Unlock()
	return StoreData{Snapshot: st.snap.Clone(), Applied: append(matrixoe.Changes(nil), st.applied...)}
}

// NewStoreFromData returns a store holding a copy of d. A nil or invalid
// snapshot is an error, as for [NewStore].
func NewStoreFromData(d StoreData, opts ...Option) (*Store, error) {
	st, err := NewStore(d.Snapshot, opts...)
	if err != nil {
		return nil, err
	}
	st.applied = append(matrixoe.Changes(nil), d.Applied...)
	return st, nil
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
