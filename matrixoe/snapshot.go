package matrixoe

import (
	"maps"
	"net/netip"
)

// Snapshot is the content of the restored (or predicted) Matrix OE databases:
// the LSM section (logical servers, storage pool entries), the IO section
// (services, requests, IP allocations) and the RM section (recovery groups).
// Maps are keyed by ID, IPs by address and RecoveryGroups by name.
//
// Element values are never edited in place: [Apply] stores a new value with
// fresh slices, so [Snapshot.Clone] can share elements and stays cheap. A
// Snapshot is owned by one goroutine; give others a Clone.
type Snapshot struct {
	LogicalServers map[string]LogicalServer    `json:"logicalServers"`
	SPEs           map[string]StoragePoolEntry `json:"storagePoolEntries"`
	Services       map[string]Service          `json:"services"`
	Requests       map[string]Request          `json:"requests"`
	IPs            map[netip.Addr]IPAllocation `json:"ipAllocations"`
	RecoveryGroups map[string]RecoveryGroup    `json:"recoveryGroups"`
}

// NewSnapshot returns an empty snapshot with every map allocated.
func NewSnapshot() *Snapshot {
	return &Snapshot{
		LogicalServers: map[string]LogicalServer{},
		SPEs:           map[string]StoragePoolEntry{},
		Services:       map[string]Service{},
		Requests:       map[string]Request{},
		IPs:            map[netip.Addr]IPAllocation{},
		RecoveryGroups: map[string]RecoveryGroup{},
	}
}

// Clone returns an independent copy of s (maps copied, elements shared as
// they are never edited in place). Nil maps become empty maps; a nil s
// gives nil.
func (s *Snapshot) Clone() *Snapshot {
	if s == nil {
		return nil
	}
	c := &Snapshot{ // maps.Clone copies a map whole, without rehashing
		LogicalServers: maps.Clone(s.LogicalServers),
		SPEs:           maps.Clone(s.SPEs),
		Services:       maps.Clone(s.Services),
		Requests:       maps.Clone(s.Requests),
		IPs:            maps.Clone(s.IPs),
		RecoveryGroups: maps.Clone(s.RecoveryGroups),
	}
	c.ensureMaps()
	return c
}

func (s *Snapshot) ensureMaps() {
	if s.LogicalServers == nil {
		s.LogicalServers = map[string]LogicalServer{}
	}
	if s.SPEs == nil {
		s.SPEs = map[string]StoragePoolEntry{}
	}
	if s.Services == nil {
		s.Services = map[string]Service{}
	}
	if s.Requests == nil {
		s.Requests = map[string]Request{}
	}
	if s.IPs == nil {
		s.IPs = map[netip.Addr]IPAllocation{}
	}
	if s.RecoveryGroups == nil {
		s.RecoveryGroups = map[string]RecoveryGroup{}
	}
}
