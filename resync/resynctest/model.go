package resynctest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// Model is a whole estate as counts, in the spirit of govmomi's
// simulator.Model: each field says how many of a thing the estate holds and
// the names they get. A zero count means none. Seed drives every choice the
// counts leave open — which bay a profile takes, which array a volume lives
// on, VM power states, request states, volume sizes — so one Model always
// builds the same estate; names never depend on the seed.
//
// Numbers in names are zero-padded to the width of their count ("d001" of
// 250 domains, "d1" of 3).
//
// At build time the estate is quiet: every database agrees with the
// hardware, no request is in flight, no server is inoperable, every
// presented volume is presented to its storage pool entry's WWPNs. So an
// estate restored from a backup taken just after New yields only what a
// restore always yields: VCEM phase 2's per-domain resync, and storage
// phase 1's per-volume Signature State and the manual re-entry checklist
// (SPM quarantines every volume on Internal Recovery). The activities make
// the rest.
type Model struct {
	Seed uint64 `json:"seed"`

	// Groups are the VC Domain Groups "g1".."gN".
	Groups int `json:"groups"`
	// Domains are the VC domains VCEM manages, "d1".."dN", in the groups in
	// turn (d1 in g1, d2 in g2, …). Each has one enclosure per 16 profiles
	// ("d1-enc1", …) holding two FlexFabric modules, in bays 1 and 2.
	Domains int `json:"domains"`
	// UngroupedDomains are VC domains in no group, which VCEM does not
	// manage, "u1".."uN": their profiles have factory-default addresses
	// only, and the activity add-to-group brings one under VCEM.
	UngroupedDomains int `json:"ungroupedDomains"`
	// Profiles is the number of server profiles per domain, "p1".."pN"
	// (VCEM ID "d1:p1"), each assigned to bay "<enclosure>:<slot>".
	Profiles int `json:"profiles"`
	// Ethernet and FC are every profile's Ethernet and Fibre Channel
	// connections, with VCEM-pool addresses (an FC connection holds a port
	// WWN and its node WWN).
	Ethernet int `json:"ethernet"`
	FC       int `json:"fc"`
	// ISCSIEvery and FCoEEvery give every n-th profile one iSCSI (a MAC) or
	// FCoE (a MAC and a WWN pair) connection too.
	ISCSIEvery int `json:"iscsiEvery"`
	FCoEEvery  int `json:"fcoeEvery"`
	// FactoryDefaultEvery and UserDefinedEvery give every n-th profile's
	// first Ethernet connection a factory-default or a user-defined MAC,
	// outside the VCEM ranges, instead of a VCEM-pool one.
	FactoryDefaultEvery int `json:"factoryDefaultEvery"`
	UserDefinedEvery    int `json:"userDefinedEvery"`
	// UnassignedEvery leaves every n-th profile unassigned (no bay).
	UnassignedEvery int `json:"unassignedEvery"`

	// Arrays are the storage arrays, their families in turn 3PAR, EVA, XP:
	// "3par-1", "eva-1", "xp-1", "3par-2", …
	Arrays int `json:"arrays"`
	// AvailableVolumes per array are signed catalog volumes in no storage
	// pool entry and presented to nothing, "avail-<array>-<n>".
	AvailableVolumes int `json:"availableVolumes"`
	// UnsignedVolumes per 3PAR or EVA array are catalog volumes whose array
	// holds no SPM signature, "legacy-<array>-<n>".
	UnsignedVolumes int `json:"unsignedVolumes"`

	// PlainEvery makes every n-th profile of a managed domain a plain
	// profile; every other one is a VC-based logical server
	// "LS-<domain>-<profile>" (activated when its profile is assigned) with a
	// storage pool entry "SPE-<domain>-<profile>" presented to the profile's
	// FC port WWNs. 0: every profile is a logical server.
	PlainEvery int `json:"plainEvery"`
	// CarvedEvery makes every n-th storage pool entry carved (IO's own
	// storage, volumes "carved-<n>" outside the catalog); the others are
	// catalog-based, each with one volume "vol-<server>" bound to the SPM
	// storage service "svc-<server>" and presented to the entry's WWPNs.
	CarvedEvery int `json:"carvedEvery"`
	// AutoVolumeEvery names every n-th catalog-based entry's volume
	// "SPM_<n>": one that SPM's auto-provisioning created.
	AutoVolumeEvery int `json:"autoVolumeEvery"`
	// VMServers are VM-based logical servers "LS-vm<n>" on VMs "vm<n>",
	// powered on or off.
	VMServers int `json:"vmServers"`
	// ServiceSize groups the logical servers, VC-based first, into IO
	// services "S1".. (named "service-1"..) of that many each; every server
	// of a service has an IP address of the IO pool (10.20.0.0/16)
	// allocated. 0: no services.
	ServiceSize int `json:"serviceSize"`
	// RequestsPerService are finished IO requests per service
	// ("R1"..; completed, failed or cancelled).
	RequestsPerService int `json:"requestsPerService"`
	// FreeIPs are addresses of the IO pool allocated to nothing.
	FreeIPs int `json:"freeIps"`
	// RecoveryGroups are RM recovery groups "RG1".., in sets "SET-A" and
	// "SET-B" in turn, each protecting two VC-based logical servers and
	// referencing storage replication group "SRG<n>". The RM export of the
	// live side lists the same groups.
	RecoveryGroups int `json:"recoveryGroups"`

	// The fake logins: every domain's VC Manager ("" user: "Administrator";
	// "" password: "vc-fake-password") and the SPM UI's ("" user:
	// "spm-admin"; "" password: "spm-fake-password"). Tests that prove
	// secrets never leak set recognisable ones. No fmt verb, slog handler
	// or JSON encoding of a Model shows the passwords.
	DomainUser     string `json:"domainUser,omitempty"`
	DomainPassword string `json:"-"`
	UIUser         string `json:"uiUser,omitempty"`
	UIPassword     string `json:"-"`
}

// String describes the model without its passwords.
func (m Model) String() string {
	return fmt.Sprintf("Model{seed %d: %d groups, %d+%d domains × %d profiles, %d arrays, %d VM servers, services of %d}",
		m.Seed, m.Groups, m.Domains, m.UngroupedDomains, m.Profiles, m.Arrays, m.VMServers, m.ServiceSize)
}

// GoString is String, so %#v does not print the passwords either.
func (m Model) GoString() string { return m.String() }

// Format prints String for every verb.
func (m Model) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// LogValue logs String.
func (m Model) LogValue() slog.Value { return slog.StringValue(m.String()) }

// SmallModel is the Small preset's model: 3 domains in 2 groups and 1
// outside any group, 8 profiles each (Ethernet and FC, some FCoE and iSCSI,
// factory-default and user-defined addresses, two unassigned per domain),
// 4 arrays (3PAR, EVA, XP, 3PAR) with available and unsigned volumes, VC and
// VM logical servers in IO services with finished requests and allocated
// IPs, and recovery groups: every kind of object, so that an activity can
// cause every finding code of every section (see Drills).
func SmallModel() Model {
	return Model{
		Seed:   1,
		Groups: 2, Domains: 3, UngroupedDomains: 1, Profiles: 8,
		Ethernet: 2, FC: 2, ISCSIEvery: 3, FCoEEvery: 4, FactoryDefaultEvery: 5, UserDefinedEvery: 7, UnassignedEvery: 4,
		Arrays: 4, AvailableVolumes: 3, UnsignedVolumes: 1,
		PlainEvery: 4, CarvedEvery: 6, AutoVolumeEvery: 5, VMServers: 4,
		ServiceSize: 3, RequestsPerService: 2, FreeIPs: 8, RecoveryGroups: 3,
	}
}

// LargeModel is the Large preset's model: 250 domains × 256 profiles in 10
// groups (4 Ethernet and 2 FC connections each, some iSCSI and FCoE: about
// 516,000 addresses in use live, MACs and port and node WWNs counted), with
// storage and logical servers in the proportion of Small: 32,000 VC-based
// and 4,000 VM-based logical servers, 28,000 catalog volumes on 12 arrays,
// 4,500 IO services, 500 recovery groups.
func LargeModel() Model {
	return Model{
		Seed:   1,
		Groups: 10, Domains: 250, UngroupedDomains: 2, Profiles: 256,
		Ethernet: 4, FC: 2, ISCSIEvery: 64, FCoEEvery: 64, FactoryDefaultEvery: 128, UserDefinedEvery: 96, UnassignedEvery: 16,
		Arrays: 12, AvailableVolumes: 64, UnsignedVolumes: 8,
		PlainEvery: 2, CarvedEvery: 8, AutoVolumeEvery: 4, VMServers: 4000,
		ServiceSize: 8, RequestsPerService: 1, FreeIPs: 1024, RecoveryGroups: 500,
	}
}

// maxCount bounds every count of a model, so that a wrong number is an
// error rather than an estate that exhausts memory.
const maxCount = 1 << 20

func (m Model) validate() error {
	var errs []error
	counts := []struct {
		name string
		n    int
	}{
		{"groups", m.Groups}, {"domains", m.Domains}, {"ungroupedDomains", m.UngroupedDomains}, {"profiles", m.Profiles},
		{"ethernet", m.Ethernet}, {"fc", m.FC}, {"iscsiEvery", m.ISCSIEvery}, {"fcoeEvery", m.FCoEEvery},
		{"factoryDefaultEvery", m.FactoryDefaultEvery}, {"userDefinedEvery", m.UserDefinedEvery}, {"unassignedEvery", m.UnassignedEvery},
		{"arrays", m.Arrays}, {"availableVolumes", m.AvailableVolumes}, {"unsignedVolumes", m.UnsignedVolumes},
		{"plainEvery", m.PlainEvery}, {"carvedEvery", m.CarvedEvery}, {"autoVolumeEvery", m.AutoVolumeEvery},
		{"vmServers", m.VMServers}, {"serviceSize", m.ServiceSize}, {"requestsPerService", m.RequestsPerService},
		{"freeIps", m.FreeIPs}, {"recoveryGroups", m.RecoveryGroups},
	}
	for _, c := range counts {
		if c.n < 0 || c.n > maxCount {
			errs = append(errs, fmt.Errorf("%s: %d is outside [0, %d]", c.name, c.n, maxCount))
		}
	}
	if m.Domains > 0 && m.Groups == 0 {
		errs = append(errs, errors.New("domains: VCEM manages domains in groups: give at least one group"))
	}
	if m.Ethernet > 16 || m.FC > 16 {
		errs = append(errs, fmt.Errorf("ethernet %d, fc %d: at most 16 connections of a kind per profile", m.Ethernet, m.FC))
	}
	if per := m.Domains * m.Profiles; per > maxCount {
		errs = append(errs, fmt.Errorf("domains × profiles = %d: at most %d profiles", per, maxCount))
	}
	if m.Arrays == 0 && (m.AvailableVolumes > 0 || m.servers() > 0 && m.CarvedEvery != 1) {
		errs = append(errs, errors.New("arrays: catalog volumes need at least one array"))
	}
	if m.servers()+m.VMServers+m.FreeIPs > 1<<16-32 && m.ServiceSize > 0 {
		errs = append(errs, errors.New("the IO pool (10.20.0.0/16) cannot hold an address for every server and the free ones"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("resynctest: model: %w", err)
	}
	return nil
}

// servers is the number of VC-based logical servers the model makes.
func (m Model) servers() int {
	if m.PlainEvery == 1 {
		return 0
	}
	n := m.Domains * m.Profiles
	if m.PlainEvery > 1 {
		n -= m.Domains * (m.Profiles / m.PlainEvery)
	}
	return n
}

// New builds the estate m describes. Close it when done.
func New(m Model, opts ...Option) (*Estate, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	st, err := generate(m)
	if err != nil {
		return nil, err
	}
	return build(st, collect(m.Seed, opts))
}

// Small builds the Small preset (SmallModel) with the given seed.
func Small(seed uint64, opts ...Option) (*Estate, error) {
	m := SmallModel()
	m.Seed = seed
	return New(m, opts...)
}

// Large builds the Large preset (LargeModel) with the given seed: 250
// domains × 256 profiles, about 516,000 addresses in use.
func Large(seed uint64, opts ...Option) (*Estate, error) {
	m := LargeModel()
	m.Seed = seed
	return New(m, opts...)
}
