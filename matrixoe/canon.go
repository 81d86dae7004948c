package matrixoe

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/keyorder"
)

// The canonical encoding behind Fingerprint, Equal and Diff.
//
// One encoding decides all three, so they cannot disagree: two records are
// equal exactly when their encodings are, two snapshots exactly when every
// section holds the same keys with equal records. The encoding is injective
// (every string and list is length-prefixed, strings are kept byte for
// byte, addresses in their binary form with the zone), treats a nil list
// like an empty one and a nil snapshot like an empty one, and is headed by a
// version tag so that a future encoding cannot collide with this one.
// Lists keep their stored order: Apply and the analyses keep them in a
// deterministic order, and an order change is a change of the record.
//
// The live side has its own tag and encodes lists whose order has no meaning
// (an export's groups and their members) sorted, since two reads of an
// unchanged estate may list them in another order.

const (
	canonSnapshotTag = "mxsync-go/matrixoe.Snapshot/1"
	canonLiveTag     = "mxsync-go/matrixoe.LiveState/1"
)

// enc appends the canonical encoding of values to b.
type enc struct{ b []byte }

func (e *enc) reset() *enc { e.b = e.b[:0]; return e }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *enc) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *enc) wwns(ws []addrpool.WWN) {
	e.uint(uint64(len(ws)))
	for _, w := range ws {
		e.b = binary.BigEndian.AppendUint64(e.b, uint64(w))
	}
}

func (e *enc) addr(a netip.Addr) {
	b, _ := a.MarshalBinary() // never fails: 0, 4 or 16 bytes and the zone
	e.str(string(b))
}

func (e *enc) time(t time.Time) {
	e.bool(t.IsZero())
	if !t.IsZero() {
		e.int(t.Unix())
		e.uint(uint64(t.Nanosecond()))
	}
}

func (e *enc) logicalServer(v LogicalServer) {
	e.str(v.ID)
	e.str(v.Name)
	e.str(string(v.Kind))
	e.bool(v.Activated)
	e.str(string(v.Power))
	e.str(v.ProfileID)
	e.str(v.VMID)
	e.strs(v.SPEIDs)
	e.bool(v.Inoperable)
	e.bool(v.Managed)
}

func (e *enc) storagePoolEntry(v StoragePoolEntry) {
	e.str(v.ID)
	e.str(v.Name)
	e.str(string(v.Kind))
	e.strs(v.VolumeIDs)
	e.wwns(v.WWPNs)
	e.str(v.LogicalServerID)
	e.str(v.ServiceID)
	e.bool(v.Inoperable)
}

func (e *enc) service(v Service) {
	e.str(v.ID)
	e.str(v.Name)
	e.strs(v.LogicalServerIDs)
}

func (e *enc) request(v Request) {
	e.str(v.ID)
	e.str(v.Name)
	e.str(v.ServiceID)
	e.str(string(v.State))
}

func (e *enc) ipAllocation(v IPAllocation) {
	e.addr(v.Address)
	e.str(v.Network)
	e.bool(v.Allocated)
	e.str(v.ServiceID)
	e.str(v.Owner)
}

func (e *enc) recoveryGroup(v RecoveryGroup) {
	e.str(v.Name)
	e.str(v.Set)
	e.strs(v.ProtectedLS)
	e.strs(v.ReplicationGroups)
	e.bool(v.Enabled)
}

// liveGroup encodes an export's group with its lists as sets (sorted).
func (e *enc) liveGroup(v RecoveryGroup) {
	v.ProtectedLS = sortedCopy(v.ProtectedLS)
	v.ReplicationGroups = sortedCopy(v.ReplicationGroups)
	e.recoveryGroup(v)
}

// section is one keyed collection of a snapshot or a live reading, as the
// canonical encoding, Equal and Diff see it.
type section[K comparable, V any] struct {
	record string            // the Difference.Record name, also the section's tag
	keys   func([]K) []K     // sorts keys in place and returns them
	id     func(K) string    // the Difference.ID of a key
	key    func(*enc, K)     // encodes a key
	rec    func(*enc, V)     // encodes a record
	detail func(V, V) string // old -> new of a changed record, for people
}

func (sec section[K, V]) sorted(m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return sec.keys(ks)
}

// hash streams the section into h, with its keys sorted through c (nil:
// sorted afresh). It reports false when c's order turned out stale part
// way (see keyorder.Each): what it wrote is wrong, and the caller must
// hash again, with c now sorting afresh.
func (sec section[K, V]) hash(h hash.Hash, e *enc, m map[K]V, c *keyorder.Cache[K]) bool {
	e.reset().str(sec.record)
	e.uint(uint64(len(m)))
	ok := keyorder.Each(c, m, func(ks []K) { sec.keys(ks) }, func(k K, v V) {
		sec.key(e, k)
		sec.rec(e, v)
		if len(e.b) >= hashBatch { // one Write per batch of records, not per record
			h.Write(e.b)
			e.reset()
		}
	})
	h.Write(e.b)
	return ok
}

// hashBatch is how many encoded bytes hash hands the hash at a time.
const hashBatch = 32 << 10

// equalRecords compares two records by their encodings, with scratch
// buffers a and b.
func (sec section[K, V]) equalRecords(a, b *enc, x, y V) bool {
	sec.rec(a.reset(), x)
	sec.rec(b.reset(), y)
	return string(a.b) == string(b.b)
}

func (sec section[K, V]) equal(a, b *enc, x, y map[K]V) bool {
	if len(x) != len(y) {
		return false
	}
	for k, vx := range x {
		vy, ok := y[k]
		if !ok || !sec.equalRecords(a, b, vx, vy) {
			return false
		}
	}
	return true
}

// diff appends the records that differ from x to y, by key order.
func (sec section[K, V]) diff(out []Difference, a, b *enc, x, y map[K]V) []Difference {
	union := make(map[K]V, max(len(x), len(y)))
	for k, v := range x {
		union[k] = v
	}
	for k, v := range y {
		union[k] = v
	}
	for _, k := range sec.sorted(union) {
		vx, inX := x[k]
		vy, inY := y[k]
		switch {
		case !inX:
			out = append(out, Difference{Record: sec.record, ID: sec.id(k), Op: DiffAdded})
		case !inY:
			out = append(out, Difference{Record: sec.record, ID: sec.id(k), Op: DiffRemoved})
		case !sec.equalRecords(a, b, vx, vy):
			out = append(out, Difference{Record: sec.record, ID: sec.id(k), Op: DiffChanged, Detail: sec.detail(vx, vy)})
		}
	}
	return out
}

func sortStrings(ks []string) []string { slices.Sort(ks); return ks }

func sortAddrs(ks []netip.Addr) []netip.Addr {
	slices.SortFunc(ks, func(a, b netip.Addr) int { return a.Compare(b) })
	return ks
}

func keyString(e *enc, k string) { e.str(k) }

func identity(s string) string { return s }

// The snapshot's sections, in Difference record order.
var (
	secLogicalServers = section[string, LogicalServer]{"logicalServer", sortStrings, identity, keyString, (*enc).logicalServer, fieldDetail[LogicalServer]}
	secSPEs           = section[string, StoragePoolEntry]{"storagePoolEntry", sortStrings, identity, keyString, (*enc).storagePoolEntry, fieldDetail[StoragePoolEntry]}
	secServices       = section[string, Service]{"service", sortStrings, identity, keyString, (*enc).service, fieldDetail[Service]}
	secRequests       = section[string, Request]{"request", sortStrings, identity, keyString, (*enc).request, fieldDetail[Request]}
	secIPs            = section[netip.Addr, IPAllocation]{"ipAllocation", sortAddrs, netip.Addr.String, (*enc).addr, (*enc).ipAllocation, fieldDetail[IPAllocation]}
	secGroups         = section[string, RecoveryGroup]{"recoveryGroup", sortStrings, identity, keyString, (*enc).recoveryGroup, fieldDetail[RecoveryGroup]}
)

// orEmpty is s, or an empty snapshot for nil: nil ≡ empty everywhere.
func orEmpty(s *Snapshot) *Snapshot {
	if s == nil {
		return &Snapshot{}
	}
	return s
}

// Fingerprint returns "sha256:" and the hex SHA-256 of the snapshot's
// versioned canonical encoding (see canon.go): equal snapshots, and only
// those, give equal fingerprints, whatever their maps' iteration order, and
// a nil snapshot, one with nil maps and one with empty maps give the same.
// A saved plan carries it to detect that the state it was computed from has
// moved. The error is always nil; it is there for the contract vcem and spm
// share.
func (s *Snapshot) Fingerprint() (string, error) {
	return (*Fingerprinter)(nil).Fingerprint(s)
}

// Fingerprinter gives the same fingerprints as [Snapshot.Fingerprint],
// faster for a sequence of snapshots that differ in a few records (a
// plan's predicted states after each phase): it remembers each section's
// sorted IDs and does not sort them again while they stay the same. The
// zero value is ready; a nil *Fingerprinter remembers nothing. It is safe
// for concurrent use.
type Fingerprinter struct {
	ls, spe, svc, req, groups keyorder.Cache[string]
	ips                       keyorder.Cache[netip.Addr]
}

// Fingerprint returns s.Fingerprint().
func (f *Fingerprinter) Fingerprint(s *Snapshot) (string, error) {
	s = orEmpty(s)
	if f == nil {
		f = &Fingerprinter{}
	}
	for {
		// A section whose remembered order is stale makes the digest be
		// taken again: its cache then sorts afresh, so this loops twice
		// at most per section that changed its IDs.
		fp, ok := digest(canonSnapshotTag, func(h hash.Hash, e *enc) bool {
			return secLogicalServers.hash(h, e, s.LogicalServers, &f.ls) &&
				secSPEs.hash(h, e, s.SPEs, &f.spe) &&
				secServices.hash(h, e, s.Services, &f.svc) &&
				secRequests.hash(h, e, s.Requests, &f.req) &&
				secIPs.hash(h, e, s.IPs, &f.ips) &&
				secGroups.hash(h, e, s.RecoveryGroups, &f.groups)
		})
		if ok {
			return fp, nil
		}
	}
}

// digest is "sha256:" and the hex SHA-256 of the tag and what sections
// write, and whether they all report it right (see section.hash).
func digest(tag string, sections func(h hash.Hash, e *enc) bool) (string, bool) {
	h := sha256.New()
	e := &enc{}
	e.str(tag)
	h.Write(e.b)
	if !sections(h, e) {
		return "", false
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), true
}

// Equal reports whether s and o hold the same records, field for field (a
// nil list equals an empty one; a nil snapshot equals an empty one). It
// gives the same answer as comparing Fingerprints and as an empty [Diff],
// without hashing.
func (s *Snapshot) Equal(o *Snapshot) bool {
	s, o = orEmpty(s), orEmpty(o)
	a, b := &enc{}, &enc{}
	return secLogicalServers.equal(a, b, s.LogicalServers, o.LogicalServers) &&
		secSPEs.equal(a, b, s.SPEs, o.SPEs) &&
		secServices.equal(a, b, s.Services, o.Services) &&
		secRequests.equal(a, b, s.Requests, o.Requests) &&
		secIPs.equal(a, b, s.IPs, o.IPs) &&
		secGroups.equal(a, b, s.RecoveryGroups, o.RecoveryGroups)
}

// Diff lists the records that differ from from to to: record type in the
// order logicalServer, storagePoolEntry, service, request, ipAllocation,
// recoveryGroup, then ID (addresses in address order), each with a bounded
// "field old -> new" detail when changed. It is empty exactly when
// from.Equal(to); a nil snapshot is an empty one. A dry run shows with it
// what a plan will change, and a stale-plan refusal what moved.
func Diff(from, to *Snapshot) []Difference {
	from, to = orEmpty(from), orEmpty(to)
	a, b := &enc{}, &enc{}
	var out []Difference
	out = secLogicalServers.diff(out, a, b, from.LogicalServers, to.LogicalServers)
	out = secSPEs.diff(out, a, b, from.SPEs, to.SPEs)
	out = secServices.diff(out, a, b, from.Services, to.Services)
	out = secRequests.diff(out, a, b, from.Requests, to.Requests)
	out = secIPs.diff(out, a, b, from.IPs, to.IPs)
	out = secGroups.diff(out, a, b, from.RecoveryGroups, to.RecoveryGroups)
	return out
}

// joinBounded joins parts with sep, cut to about limit bytes.
func joinBounded(parts []string, sep string, limit int) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep)
		}
		if b.Len()+len(p) > limit {
			b.WriteString("…")
			break
		}
		b.WriteString(p)
	}
	return b.String()
}
