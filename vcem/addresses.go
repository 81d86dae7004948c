package vcem

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Family names an address family: the MAC pool or the WWN pool.
type Family string

// The two address families VCEM keeps pools for.
const (
	FamilyMAC Family = "mac"
	FamilyWWN Family = "wwn"
)

// AddressRef is one MAC or WWN in its canonical text form, typed by family.
// Findings and validation issues use it to name addresses.
type AddressRef struct {
	Family Family `json:"family"`
	Value  string `json:"value"`
}

func refOf(f Family, v uint64) AddressRef {
	if f == FamilyMAC {
		return AddressRef{f, addrpool.MAC(v).String()}
	}
	return AddressRef{f, addrpool.WWN(v).String()}
}

// String returns "mac 00-17-A4-77-00-00" or "wwn 50:06:…".
func (r AddressRef) String() string { return string(r.Family) + " " + r.Value }

// ProfileKey identifies "the same profile" across the restored VCEM database
// and the live domains: the VCEM domain ID plus the profile name. See the
// package documentation for why it is not the VCEM profile ID.
type ProfileKey struct {
	DomainID string `json:"domainId"`
	Name     string `json:"name"`
}

// String returns "domainID/name".
func (k ProfileKey) String() string { return k.DomainID + "/" + k.Name }

func (k ProfileKey) compare(o ProfileKey) int {
	if c := strings.Compare(k.DomainID, o.DomainID); c != 0 {
		return c
	}
	return strings.Compare(k.Name, o.Name)
}

// Key returns the profile's identity across restored and live data.
func (p Profile) Key() ProfileKey { return ProfileKey{p.DomainID, p.Name} }

// slot names where in a profile an address sits, e.g. fc[1].nodeWWN; it is
// formatted only when an error or finding needs it.
type slot struct {
	conn  string
	index int
	part  string
}

// String formats the slot as conn[index].part.
func (s slot) String() string { return fmt.Sprintf("%s[%d].%s", s.conn, s.index, s.part) }

// profileAddr is one address of a profile.
type profileAddr struct {
	fam  Family
	v    uint64
	typ  AddressType
	slot slot
}

// eachAddr calls fn for every address of p, MACs and WWNs, in connection
// order. It does not allocate.
func (p *Profile) eachAddr(fn func(profileAddr)) {
	for i, c := range p.Ethernet {
		fn(profileAddr{FamilyMAC, uint64(c.MAC), c.AddressType, slot{"ethernet", i, "mac"}})
	}
	for i, c := range p.ISCSI {
		fn(profileAddr{FamilyMAC, uint64(c.MAC), c.AddressType, slot{"iscsi", i, "mac"}})
	}
	for i, c := range p.FCoE {
		fn(profileAddr{FamilyMAC, uint64(c.MAC), c.AddressType, slot{"fcoe", i, "mac"}})
		fn(profileAddr{FamilyWWN, uint64(c.PortWWN), c.AddressType, slot{"fcoe", i, "portWWN"}})
		fn(profileAddr{FamilyWWN, uint64(c.NodeWWN), c.AddressType, slot{"fcoe", i, "nodeWWN"}})
	}
	for i, c := range p.FC {
		fn(profileAddr{FamilyWWN, uint64(c.PortWWN), c.AddressType, slot{"fc", i, "portWWN"}})
		fn(profileAddr{FamilyWWN, uint64(c.NodeWWN), c.AddressType, slot{"fc", i, "nodeWWN"}})
	}
}

// checkNodeWWNs applies [CheckNodeWWN] to every FC and FCoE connection of p
// whose address type VC pairs that way ([nodeWWNRuleApplies]): a
// factory-default or user-defined pair is the HBA's or the operator's.
func (p *Profile) checkNodeWWNs(fn func(s slot, err error)) {
	for i, c := range p.FCoE {
		if !nodeWWNRuleApplies(c.AddressType) {
			continue
		}
		if err := CheckNodeWWN(c.PortWWN, c.NodeWWN); err != nil {
			fn(slot{"fcoe", i, "nodeWWN"}, err)
		}
	}
	for i, c := range p.FC {
		if !nodeWWNRuleApplies(c.AddressType) {
			continue
		}
		if err := CheckNodeWWN(c.PortWWN, c.NodeWWN); err != nil {
			fn(slot{"fc", i, "nodeWWN"}, err)
		}
	}
}

// checkPorts calls fn for every connection of p whose port number is
// negative (fn gets the slot of the connection's port).
func (p *Profile) checkPorts(fn func(s slot, port int)) {
	negativePorts("ethernet", p.Ethernet, func(c EthernetConnection) int { return c.Port }, fn)
	negativePorts("iscsi", p.ISCSI, func(c ISCSIConnection) int { return c.Port }, fn)
	negativePorts("fcoe", p.FCoE, func(c FCoEConnection) int { return c.Port }, fn)
	negativePorts("fc", p.FC, func(c FCConnection) int { return c.Port }, fn)
}

// negativePorts calls fn for every connection of cs whose port is negative.
func negativePorts[C any](conn string, cs []C, port func(C) int, fn func(s slot, port int)) {
	for i, c := range cs {
		if n := port(c); n < 0 {
			fn(slot{conn, i, "port"}, n)
		}
	}
}

// Addresses returns every MAC and WWN the profile holds, in connection
// order, with the address type of its connection.
func (p Profile) Addresses() []ProfileAddress {
	var out []ProfileAddress
	p.eachAddr(func(a profileAddr) {
		out = append(out, ProfileAddress{Address: refOf(a.fam, a.v), Type: a.typ, Field: a.slot.String()})
	})
	return out
}

// ProfileAddress is one address of a profile: its value, its connection's
// address type and the field holding it (e.g. "fc[1].nodeWWN").
type ProfileAddress struct {
	Address AddressRef  `json:"address"`
	Type    AddressType `json:"type"`
	Field   string      `json:"field"`
}

// Valid reports whether t is one of the three known address types.
func (t AddressType) Valid() bool {
	return slices.Contains([]AddressType{AddressFactoryDefault, AddressUserDefined, AddressVCEMPool}, t)
}
