package spmtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// Catalog is an in-memory restored SPM catalog, an spm.RestoredStore. It
// applies changes with spm.Apply, the same function as a dry run, and
// records each applied change. Fault rules are checked with op [OpSnapshot]
// (target: the catalog ID) and [OpApply] (targets: the change's Kind and
// its Target).
type Catalog struct {
	mu      sync.Mutex
	snap    *spm.Snapshot
	applied []spm.Change
	faults  *Faults
}

var _ spm.RestoredStore = (*Catalog)(nil)

// NewCatalog returns a catalog holding a copy of s, which must validate.
func NewCatalog(s *spm.Snapshot, opts ...Option) (*Catalog, error) {
	return NewCatalogFromData(CatalogData{Snapshot: s}, opts...)
}

// CatalogData is the whole state of a [Catalog] as plain, JSON-able data:
// the catalog and the changes applied so far, in order.
type CatalogData struct {
	Snapshot *spm.Snapshot `json:"snapshot"`
	Applied  spm.Changes   `json:"applied"`
}

// Data returns a copy of the catalog's state.
func (c *Catalog) Data() CatalogData {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CatalogData{Snapshot: c.snap.Clone(), Applied: append(spm.Changes{}, c.applied...)}
}

// NewCatalogFromData rebuilds a catalog from [Catalog.Data] (e.g. decoded
// from JSON, to restore a saved estate). The snapshot must validate.
func NewCatalogFromData(d CatalogData, opts ...Option) (*Catalog, error) {
	if d.Snapshot == nil {
		return nil, fmt.Errorf("spmtest: catalog: nil snapshot: %w", spm.ErrInvalid)
	}
	if err := d.Snapshot.Validate(); err != nil {
		return nil, fmt.Errorf("spmtest: catalog: %w", err)
	}
	if i := slices.IndexFunc(d.Applied, isNilChange); i >= 0 {
		return nil, fmt.Errorf("spmtest: catalog: applied change %d is nil: %w", i, spm.ErrInvalid)
	}
	o := buildOptions(opts)
	snap := d.Snapshot
	if !o.adopt {
		snap = snap.Clone()
	}
	return &Catalog{snap: snap, applied: slices.Clone(d.Applied), faults: o.faults}, nil
}

// Faults returns the rule set the catalog consults (see [WithFaults]).
func (c *Catalog) Faults() *Faults { return c.faults }

// Snapshot implements spm.RestoredStore.
func (c *Catalog) Snapshot(ctx context.Context) (*spm.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.faults.Check(ctx, OpSnapshot, c.catalogID()); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap.Clone(), nil
}

func (c *Catalog) catalogID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap.CatalogID
}

// isNilChange reports a nil change, or a nil pointer in a Change, whose
// methods would panic.
func isNilChange(ch spm.Change) bool {
	v := reflect.ValueOf(ch)
	return !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil()
}

// Apply implements spm.RestoredStore with spm.Apply. A fault rule on
// OpApply matches the change's Kind ("spm.Quarantine") or Target
// ("volume V1"). A nil change is spm.Apply's error, never a panic.
func (c *Catalog) Apply(ctx context.Context, ch spm.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var targets []string
	if !isNilChange(ch) {
		targets = []string{ch.Kind(), ch.Target()}
	}
	if err := c.faults.Check(ctx, OpApply, targets...); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := spm.Apply(c.snap, ch); err != nil {
		return err
	}
	c.applied = append(c.applied, ch)
	return nil
}

// Update runs fn on the catalog's snapshot itself, under the catalog's
// lock: for what SPM writes to its catalog besides the changes the SDK
// applies (a volume imported, presented or bound by an administrator,
// an array evicted, the catalog put back by a CMS restore), which a composed
// estate scripts.
//
// fn must leave the snapshot valid, and unchanged when it returns an
// error: check before changing, or use [spm.ApplyAll], which is all or
// nothing. Update neither copies nor validates the snapshot, so that a write
// to a large catalog costs what fn does. No fault applies, nothing is added
// to [Catalog.Applied], and fn must not call the catalog. A nil fn is an
// error wrapping spm.ErrInvalid.
func (c *Catalog) Update(fn func(s *spm.Snapshot) error) error {
	if fn == nil {
		return fmt.Errorf("spmtest: catalog: update: nil func: %w", spm.ErrInvalid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return fn(c.snap)
}

// Applied returns the changes applied so far, in order.
func (c *Catalog) Applied() []spm.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.applied)
}

// RunInternalRecovery plays SPM's Internal Recovery against the live
// arrays, as SPM does when it starts in Internal Recovery: it applies
// spm.PredictInternalRecovery's changes (every volume quarantined and given
// a Signature State, services that lost a presentation marked
// non-conformant, presentations resynchronised from the arrays), all or
// nothing, and records them as applied. [InternalRecovery] wires it to the
// start of the fake SPM service.
func (c *Catalog) RunInternalRecovery(ctx context.Context, arrays spm.LiveArrays, rules spm.SignatureRules) error {
	if arrays == nil {
		return errors.New("spmtest: internal recovery: nil live arrays")
	}
	live, err := arrays.Live(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	changes, err := spm.PredictInternalRecovery(c.snap, live, rules)
	if err != nil {
		return err
	}
	if err := spm.ApplyAll(c.snap, changes...); err != nil {
		return err
	}
	c.applied = append(c.applied, changes...)
	return nil
}
