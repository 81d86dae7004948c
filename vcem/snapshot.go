package vcem

import (
	"maps"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Snapshot is the content of a VCEM database (restored, or predicted after
// changes): groups, domains, profiles and the MAC and WWN pools with each
// address's state. Maps are keyed by ID.
//
// A Snapshot is a value owned by one goroutine; [Snapshot.Clone] gives an
// independent copy (profiles are shared, as they are never edited in place).
type Snapshot struct {
	Groups   map[string]DomainGroup       `json:"groups"`
	Domains  map[string]Domain            `json:"domains"`
	Profiles map[string]Profile           `json:"profiles"`
	MACs     *addrpool.Pool[addrpool.MAC] `json:"macs"`
	WWNs     *addrpool.Pool[addrpool.WWN] `json:"wwns"`
}

// Clone returns an independent copy of s.
func (s *Snapshot) Clone() *Snapshot {
	c := &Snapshot{
		Groups:   maps.Clone(s.Groups),
		Domains:  maps.Clone(s.Domains),
		Profiles: maps.Clone(s.Profiles),
	}
	if s.MACs != nil {
		c.MACs = s.MACs.Clone()
	}
	if s.WWNs != nil {
		c.WWNs = s.WWNs.Clone()
	}
	return c
}
