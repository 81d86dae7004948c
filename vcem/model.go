package vcem

import (
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
)

// AddressType says where a connection's address came from.
type AddressType string

// Address types of a profile connection. Only VCEM-pool addresses are
// managed by VCEM's pools; factory-default addresses belong to the hardware
// and user-defined ones to the operator.
const (
	AddressFactoryDefault AddressType = "factory-default"
	AddressUserDefined    AddressType = "user-defined"
	AddressVCEMPool       AddressType = "vcem-pool"
)

// EthernetConnection is a profile's Ethernet (or Flex-10) port.
type EthernetConnection struct {
	Port        int          `json:"port"`
	Network     string       `json:"network,omitempty"`
	MAC         addrpool.MAC `json:"mac"`
	AddressType AddressType  `json:"addressType"`
}

// ISCSIConnection is a profile's iSCSI port; it carries its own MAC.
type ISCSIConnection struct {
	Port        int          `json:"port"`
	Network     string       `json:"network,omitempty"`
	MAC         addrpool.MAC `json:"mac"`
	AddressType AddressType  `json:"addressType"`
}

// FCConnection is a profile's Fibre Channel HBA port. Virtual Connect sets
// NodeWWN = PortWWN + 1 on the WWNs it assigns (VCEM-pool connections); see
// [CheckNodeWWN].
type FCConnection struct {
	Port        int          `json:"port"`
	Fabric      string       `json:"fabric,omitempty"`
	PortWWN     addrpool.WWN `json:"portWWN"`
	NodeWWN     addrpool.WWN `json:"nodeWWN"`
	AddressType AddressType  `json:"addressType"`
}

// FCoEConnection is a profile's FCoE port: a MAC and a WWN pair.
type FCoEConnection struct {
	Port        int          `json:"port"`
	Fabric      string       `json:"fabric,omitempty"`
	MAC         addrpool.MAC `json:"mac"`
	PortWWN     addrpool.WWN `json:"portWWN"`
	NodeWWN     addrpool.WWN `json:"nodeWWN"`
	AddressType AddressType  `json:"addressType"`
}

// Profile is a VC server profile as VCEM records it. Bay is empty when the
// profile is unassigned.
//
// Profiles are values: code that changes one stores a new value instead of
// editing a connection slice in place, so that snapshot copies can share them.
type Profile struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	DomainID     string               `json:"domainId"`
	Bay          string               `json:"bay,omitempty"`
	SerialNumber string               `json:"serialNumber,omitempty"`
	Ethernet     []EthernetConnection `json:"ethernet,omitempty"`
	ISCSI        []ISCSIConnection    `json:"iscsi,omitempty"`
	FCoE         []FCoEConnection     `json:"fcoe,omitempty"`
	FC           []FCConnection       `json:"fc,omitempty"`
}

// Clone returns a copy of p that shares no connection slice with it, for
// code that must edit a profile's connections in place (test fakes do), or
// hand a profile to such code.
func (p Profile) Clone() Profile {
	p.Ethernet = slices.Clone(p.Ethernet)
	p.ISCSI = slices.Clone(p.ISCSI)
	p.FCoE = slices.Clone(p.FCoE)
	p.FC = slices.Clone(p.FC)
	return p
}

// Assigned reports whether the profile is assigned to a server bay.
func (p Profile) Assigned() bool { return p.Bay != "" }

// Module is a VC interconnect module in an enclosure bay.
type Module struct {
	Enclosure string `json:"enclosure"`
	Bay       int    `json:"bay"`
	Type      string `json:"type"` // e.g. VC-ENET, VC-FC, FlexFabric
	Serial    string `json:"serial,omitempty"`
}

// Domain is a VC domain: the enclosures one VC Manager runs.
type Domain struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Manager    string   `json:"manager"` // VC Manager address (host or IP)
	GroupID    string   `json:"groupId,omitempty"`
	Enclosures []string `json:"enclosures,omitempty"`
	Modules    []Module `json:"modules,omitempty"`
}

// DomainGroup is a VC Domain Group: domains sharing one network and fabric
// configuration.
type DomainGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
