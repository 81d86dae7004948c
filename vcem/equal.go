package vcem

import (
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Equal reports whether s and o hold the same groups, domains, profiles
// (every field, connections in order) and pools (ranges, exclusions, every
// address's state and owner). A nil map or slice equals an empty one.
// Strings compare byte for byte (the JSON form would map invalid UTF-8 to
// U+FFFD). It compares exactly what [Snapshot.Fingerprint] encodes, field by
// field and without allocating per entry: Equal(a, b) holds exactly when the
// canonical encodings, and so the fingerprints, are equal.
func (s *Snapshot) Equal(o *Snapshot) bool {
	if s == nil || o == nil {
		return s == o
	}
	return maps.Equal(s.Groups, o.Groups) &&
		maps.EqualFunc(s.Domains, o.Domains, Domain.equal) &&
		maps.EqualFunc(s.Profiles, o.Profiles, Profile.equal) &&
		poolsEqual(s.MACs, o.MACs) &&
		poolsEqual(s.WWNs, o.WWNs)
}

// equal compares every field of two domains; nil and empty slices are equal.
func (d Domain) equal(o Domain) bool {
	return d.ID == o.ID && d.Name == o.Name && d.Manager == o.Manager && d.GroupID == o.GroupID &&
		slices.Equal(d.Enclosures, o.Enclosures) && slices.Equal(d.Modules, o.Modules)
}

// equal compares every field of two profiles; nil and empty slices are equal.
func (p Profile) equal(o Profile) bool {
	return p.ID == o.ID && p.Name == o.Name && p.DomainID == o.DomainID && p.Bay == o.Bay &&
		p.SerialNumber == o.SerialNumber &&
		slices.Equal(p.Ethernet, o.Ethernet) && slices.Equal(p.ISCSI, o.ISCSI) &&
		slices.Equal(p.FCoE, o.FCoE) && slices.Equal(p.FC, o.FC)
}

// poolsEqual compares ranges, exclusions and every In use and External
// address. With equal counts, "every In use address of a is In use by the
// same owner in b" (and the same for External) means the sets are equal.
func poolsEqual[A addrpool.Address](a, b *addrpool.Pool[A]) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Counts() != b.Counts() || !slices.Equal(a.Ranges(), b.Ranges()) || !slices.Equal(a.Exclusions(), b.Exclusions()) {
		return false
	}
	for addr, owner := range a.InUse() {
		if st, o, ok := b.Lookup(addr); !ok || st != addrpool.InUse || o != owner {
			return false
		}
	}
	for addr := range a.External() {
		if st, _, ok := b.Lookup(addr); !ok || st != addrpool.External {
			return false
		}
	}
	return true
}
