package vcem

import (
	"maps"
	"slices"
)

// Equal reports whether s and o hold the same groups, domains, profiles
// (every field, connections in order) and pools (ranges, exclusions, every
// address's state and owner). A nil snapshot equals an empty one, and a nil
// map or slice an empty one. Strings compare byte for byte (the JSON form
// would map invalid UTF-8 to U+FFFD). It compares exactly what
// [Snapshot.Fingerprint] encodes, field by field and without allocating:
// Equal(a, b) holds exactly when the canonical encodings, and so the
// fingerprints, are equal, and exactly when [Diff] is empty.
func (s *Snapshot) Equal(o *Snapshot) bool {
	if s == nil {
		s = &Snapshot{}
	}
	if o == nil {
		o = &Snapshot{}
	}
	return maps.Equal(s.Groups, o.Groups) &&
		maps.EqualFunc(s.Domains, o.Domains, Domain.equal) &&
		maps.EqualFunc(s.Profiles, o.Profiles, Profile.equal) &&
		s.MACs.Equal(o.MACs) &&
		s.WWNs.Equal(o.WWNs)
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
