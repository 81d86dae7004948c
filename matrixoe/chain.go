package matrixoe

import (
	"cmp"
	"hash"
	"net/netip"
	"sync"

	"github.com/mxsync-go/mxsync/internal/canoncache"
)

// Chain is a snapshot that changes only through [Chain.Apply], so that its
// [Chain.Fingerprint] costs the records changed since the last one instead
// of the whole snapshot: a plan's predicted state is fingerprinted after
// every phase, and a phase changes a few records of a hundred thousand.
// The fingerprints are [Snapshot.Fingerprint]'s, byte for byte.
//
// The chain keeps the canonical encoding of every record (about the size
// of the snapshot's JSON) between fingerprints.
//
// Snapshot and Fingerprint may be called from several goroutines at once;
// Apply must not run beside any other call.
type Chain struct {
	s *Snapshot

	mu    sync.Mutex // guards what follows: Fingerprint runs beside readers
	dirty touched    // what Apply wrote since the last Fingerprint
	ls    sectionCache[string, LogicalServer]
	spe   sectionCache[string, StoragePoolEntry]
	svc   sectionCache[string, Service]
	req   sectionCache[string, Request]
	ips   sectionCache[netip.Addr, IPAllocation]
	rg    sectionCache[string, RecoveryGroup]
}

// NewChain returns a chain starting at a clone of s (nil: an empty
// snapshot); s itself is not changed by the chain.
func NewChain(s *Snapshot) *Chain {
	c := orEmpty(s).Clone()
	return &Chain{s: c}
}

// Snapshot is the chain's state. It must be read only: a change made to it
// other than through Apply would not be seen by the next Fingerprint.
func (c *Chain) Snapshot() *Snapshot { return c.s }

// Apply is [ApplyAll] on the chain's state, all or nothing, noting which
// records it wrote.
func (c *Chain) Apply(cs ...Change) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return applyAll(c.s, &c.dirty, cs...)
}

// Fingerprint returns c.Snapshot().Fingerprint(), re-encoding only the
// records Apply wrote since the last call. The error is always nil.
func (c *Chain) Fingerprint() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, d := c.s, &c.dirty
	c.ls.update(secLogicalServers, s.LogicalServers, d.ls, d.all, cmp.Compare[string])
	c.spe.update(secSPEs, s.SPEs, d.spe, d.all, cmp.Compare[string])
	c.svc.update(secServices, s.Services, d.svc, d.all, cmp.Compare[string])
	c.req.update(secRequests, s.Requests, d.req, d.all, cmp.Compare[string])
	c.ips.update(secIPs, s.IPs, d.ips, d.all, netip.Addr.Compare)
	c.rg.update(secGroups, s.RecoveryGroups, d.rg, d.all || d.allRG, cmp.Compare[string])
	*d = touched{}
	fp, _ := digest(canonSnapshotTag, func(h hash.Hash, e *enc) bool {
		c.ls.hash(h, e, secLogicalServers.record)
		c.spe.hash(h, e, secSPEs.record)
		c.svc.hash(h, e, secServices.record)
		c.req.hash(h, e, secRequests.record)
		c.ips.hash(h, e, secIPs.record)
		c.rg.hash(h, e, secGroups.record)
		return true
	})
	return fp, nil
}

// touched is what a batch of changes wrote, by section: the keys it put
// or deleted, or a whole section replaced.
type touched struct {
	all          bool // everything (nothing is cached yet)
	allRG        bool // the recovery groups (an RM export was imported)
	ls, spe      map[string]struct{}
	svc, req, rg map[string]struct{}
	ips          map[netip.Addr]struct{}
}

// note records that m[k] was written, m being one of the snapshot's maps
// (told apart by their types, which are all different).
func note[K comparable, V any](t *touched, m map[K]V, k K) {
	if t == nil {
		return
	}
	add := func(set *map[string]struct{}) {
		if *set == nil {
			*set = map[string]struct{}{}
		}
		(*set)[any(k).(string)] = struct{}{}
	}
	switch any(m).(type) {
	case map[string]LogicalServer:
		add(&t.ls)
	case map[string]StoragePoolEntry:
		add(&t.spe)
	case map[string]Service:
		add(&t.svc)
	case map[string]Request:
		add(&t.req)
	case map[string]RecoveryGroup:
		add(&t.rg)
	case map[netip.Addr]IPAllocation:
		if t.ips == nil {
			t.ips = map[netip.Addr]struct{}{}
		}
		t.ips[any(k).(netip.Addr)] = struct{}{}
	default:
		t.all = true // a map this list does not know: encode everything again
	}
}

// sectionCache is one section's canonical encoding as of the last
// fingerprint, each record as section.hash writes it (key, then record).
type sectionCache[K comparable, V any] struct{ canoncache.Section[K] }

// update brings the cache in step with m, given the keys written since it
// last was (dirty) or that everything may have changed (all).
func (sc *sectionCache[K, V]) update(sec section[K, V], m map[K]V, dirty map[K]struct{}, all bool, compare func(K, K) int) {
	if all {
		sc.Reset()
	}
	e := &enc{}
	canoncache.RefreshMap(&sc.Section, m, dirty, compare, func(b []byte, k K, v V) []byte {
		e.b = b
		sec.key(e, k)
		sec.rec(e, v)
		return e.b
	})
}

// hash writes the section as section.hash does.
func (sc *sectionCache[K, V]) hash(h hash.Hash, e *enc, record string) {
	e.reset().str(record)
	e.uint(uint64(sc.Len()))
	h.Write(e.b)
	h.Write(sc.Bytes())
}
