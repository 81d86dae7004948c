package spmtest

import (
	"context"
	"fmt"
	"sync"

	"github.com/mxsync-go/mxsync/spm"
)

// Catalog is an in-memory restored SPM catalog. It applies changes with
// spm.Apply, the same function as a dry run, and records each applied change.
type Catalog struct {
	mu      sync.Mutex
	snap    *spm.Snapshot
	applied []spm.Change
	// Faults are checked with op [OpSnapshot] (target: the catalog ID) and
	// [OpApply] (targets: the change's Kind and its Target).
	Faults *Faults
}

var _ spm.RestoredStore = (*Catalog)(nil)

// NewCatalog returns a catalog holding a copy of s, which must validate.
func NewCatalog(s *spm.Snapshot) (*Catalog, error) {
	if s == nil {
		return nil, fmt.Errorf("spmtest: nil snapshot")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("spmtest: catalog: %w", err)
	}
	return &Catalog{snap: s.Clone(), Faults: NewFaults(1)}, nil
}

// Snapshot implements spm.RestoredStore.
func (c *Catalog) Snapshot(ctx context.Context) (*spm.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.Faults.Check(ctx, OpSnapshot, c.catalogID()); err != nil {
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

// Apply implements spm.RestoredStore with spm.Apply. A fault rule on
// OpApply matches the change's Kind ("spm.Quarantine") or Target
// ("volume V1").
func (c *Catalog) Apply(ctx context.Context, ch spm.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var targets []string
	if ch != nil {
		targets = []string{ch.Kind(), ch.Target()}
	}
	if err := c.Faults.Check(ctx, OpApply, targets...); err != nil {
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

// Applied returns the changes applied so far, in order.
func (c *Catalog) Applied() []spm.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]spm.Change(nil), c.applied...)
}

// RunInternalRecovery plays SPM's Internal Recovery against the live
// arrays: it applies spm.PredictInternalRecovery's changes (every volume
// quarantined and given a Signature State, services that lost a
// presentation marked non-conformant, presentations resynchronised from the
// arrays). It is all or nothing.
func (c *Catalog) RunInternalRecovery(ctx context.Context, arrays spm.LiveArrays) error {
	live, err := arrays.Live(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	changes, err := spm.PredictInternalRecovery(c.snap, live, spm.DefaultSignatureRules())
	if err != nil {
		return err
	}
	if err := spm.ApplyAll(c.snap, changes...); err != nil {
		return err
	}
	c.applied = append(c.applied, changes...)
	return nil
}
