package vcem

import (
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
)

// IDDiff lists the IDs added, removed and changed between two snapshots, each
// sorted.
type IDDiff struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Changed []string `json:"changed,omitempty"`
}

// Empty reports whether nothing differs.
func (d IDDiff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// AddressState is one address's state and, when In use, its owner; Present
// is false when the address lies outside the pool.
type AddressState struct {
	Present bool           `json:"present"`
	State   addrpool.State `json:"state"`
	Owner   string         `json:"owner,omitempty"`
}

// AddressDiff is one address whose state differs.
type AddressDiff struct {
	Address AddressRef   `json:"address"`
	From    AddressState `json:"from"`
	To      AddressState `json:"to"`
}

// SnapshotDiff is what changed from one snapshot to another: for reviewing a
// plan's predicted effect and explaining a fingerprint mismatch.
type SnapshotDiff struct {
	Groups        IDDiff        `json:"groups"`
	Domains       IDDiff        `json:"domains"`
	Profiles      IDDiff        `json:"profiles"`
	PoolsReshaped []Family      `json:"poolsReshaped,omitempty"` // ranges or exclusions differ
	Addresses     []AddressDiff `json:"addresses,omitempty"`     // MACs first, then WWNs, ascending
}

// Empty reports whether the two snapshots were equal.
func (d SnapshotDiff) Empty() bool {
	return d.Groups.Empty() && d.Domains.Empty() && d.Profiles.Empty() && len(d.PoolsReshaped) == 0 && len(d.Addresses) == 0
}

// Diff compares from and to, field by field as [Snapshot.Equal] does: the
// diff is empty exactly when the two are Equal. Addresses are compared where either side has
// them In use or External, so the cost follows the addresses in use, not the
// size of the ranges.
func Diff(from, to *Snapshot) SnapshotDiff {
	if from == nil {
		from = &Snapshot{}
	}
	if to == nil {
		to = &Snapshot{}
	}
	d := SnapshotDiff{
		Groups:   diffMaps(from.Groups, to.Groups, func(a, b DomainGroup) bool { return a == b }),
		Domains:  diffMaps(from.Domains, to.Domains, Domain.equal),
		Profiles: diffMaps(from.Profiles, to.Profiles, Profile.equal),
	}
	if diffPool(&d, FamilyMAC, from.MACs, to.MACs) {
		d.PoolsReshaped = append(d.PoolsReshaped, FamilyMAC)
	}
	if diffPool(&d, FamilyWWN, from.WWNs, to.WWNs) {
		d.PoolsReshaped = append(d.PoolsReshaped, FamilyWWN)
	}
	return d
}

// diffMaps compares with the same field-wise equality as [Snapshot.Equal]
// (a nil slice equals an empty one), so Diff is empty exactly when Equal
// holds.
func diffMaps[T any](a, b map[string]T, equal func(T, T) bool) IDDiff {
	var d IDDiff
	for _, k := range slices.Sorted(maps.Keys(a)) {
		bv, ok := b[k]
		switch {
		case !ok:
			d.Removed = append(d.Removed, k)
		case !equal(a[k], bv):
			d.Changed = append(d.Changed, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[k]; !ok {
			d.Added = append(d.Added, k)
		}
	}
	return d
}

func poolState[A addrpool.Address](p *addrpool.Pool[A], a A) AddressState {
	if p == nil {
		return AddressState{}
	}
	st, owner, ok := p.Lookup(a)
	return AddressState{Present: ok, State: st, Owner: owner}
}

// diffPool appends the address differences of one family and reports
// whether the ranges or exclusions differ.
func diffPool[A addrpool.Address](d *SnapshotDiff, fam Family, a, b *addrpool.Pool[A]) bool {
	seen := map[A]struct{}{}
	collect := func(p *addrpool.Pool[A]) {
		if p == nil {
			return
		}
		for x := range p.InUse() {
			seen[x] = struct{}{}
		}
		for x := range p.External() {
			seen[x] = struct{}{}
		}
	}
	collect(a)
	collect(b)
	for _, x := range slices.Sorted(maps.Keys(seen)) {
		fs, ts := poolState(a, x), poolState(b, x)
		if fs != ts {
			d.Addresses = append(d.Addresses, AddressDiff{refOf(fam, uint64(x)), fs, ts})
		}
	}
	switch {
	case a == nil || b == nil:
		return (a == nil) != (b == nil)
	default:
		return !slices.Equal(a.Ranges(), b.Ranges()) || !slices.Equal(a.Exclusions(), b.Exclusions())
	}
}
