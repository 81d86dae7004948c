package matrixoe

import (
	"net/netip"

	"github.com/mxsync-go/mxsync/addrpool"
)

// LSKind is what a logical server runs on.
type LSKind string

// Logical-server kinds. A VC-based physical server owns a VCEM profile; a
// VM-based one is a virtual machine known to VMM (Insight Control virtual
// machine management) and has no VCEM profile.
const (
	LSPhysicalVC LSKind = "vc-physical"
	LSVirtual    LSKind = "vm"
)

func (k LSKind) valid() bool { return k == LSPhysicalVC || k == LSVirtual }

// PowerState is the power state recorded for a logical server (for a VM:
// running or suspended/off as the hypervisor reports it).
type PowerState string

// Power states. PowerUnknown is the empty value: nothing recorded (usual for
// physical servers, whose state Matrix OE reads from iLO on demand).
const (
	PowerUnknown PowerState = ""
	PowerOn      PowerState = "on"
	PowerOff     PowerState = "off"
)

func (p PowerState) valid() bool { return p == PowerUnknown || p == PowerOn || p == PowerOff }

// LogicalServer is a Matrix OE logical server as the restored LSM database
// records it.
//
// Activated means, for a VC-based server, that its VCEM profile is assigned
// to a bay; for a VM-based server it stays true across IO activate/deactivate,
// which only resume or suspend the VM and flip Power (BR70 p59).
type LogicalServer struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Kind       LSKind     `json:"kind"`
	Activated  bool       `json:"activated"`
	Power      PowerState `json:"power,omitempty"`
	ProfileID  string     `json:"profileId,omitempty"` // VCEM profile it owns (vc-physical only)
	VMID       string     `json:"vmId,omitempty"`      // hypervisor's VM identifier (vm only)
	SPEIDs     []string   `json:"speIds,omitempty"`    // storage pool entries it uses
	Inoperable bool       `json:"inoperable,omitempty"`
	Managed    bool       `json:"managed"`
}

// SPEKind says where a storage pool entry's volumes come from.
type SPEKind string

// Storage pool entry kinds (BR70 p58). A catalog-based SPE is backed by SPM
// catalog volumes; a carved one was created by IO from array capacity and its
// volumes are not SPM catalog volumes.
const (
	SPECatalog SPEKind = "catalog"
	SPECarved  SPEKind = "carved"
)

func (k SPEKind) valid() bool { return k == SPECatalog || k == SPECarved }

// StoragePoolEntry is a Matrix OE storage pool entry: storage for one logical
// server, presented to the WWPNs of its FC connections.
//
// VolumeIDs are SPM catalog volume IDs for a catalog-based SPE and array
// volume identifiers for a carved one. An inoperable SPE makes its logical
// server inoperable (BR70 p59).
type StoragePoolEntry struct {
	ID              string         `json:"id"`
	Name            string         `json:"name,omitempty"`
	Kind            SPEKind        `json:"kind"`
	VolumeIDs       []string       `json:"volumeIds,omitempty"`
	WWPNs           []addrpool.WWN `json:"wwpns,omitempty"`
	LogicalServerID string         `json:"logicalServerId,omitempty"`
	ServiceID       string         `json:"serviceId,omitempty"` // owning IO service, if any
	Inoperable      bool           `json:"inoperable,omitempty"`
}

// Service is an Infrastructure Orchestration service: a set of logical
// servers provisioned together. Service names are unique, because the
// operator identifies services by name in InfrastructureServices.txt.
type Service struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	LogicalServerIDs []string `json:"logicalServerIds,omitempty"`
}

// Request is an IO request (create, modify, delete a service ...) with its
// state at backup time. ServiceID is empty for a request whose service does
// not exist yet (for example a scheduled creation).
type Request struct {
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	ServiceID string       `json:"serviceId,omitempty"`
	State     RequestState `json:"state"`
}

// IPAllocation is one address of an IO-managed IP pool (static IP
// assignment for service servers). Allocated is the IO database's view.
//
// ServiceID names the owning service when it is known to this database;
// Owner is free text for an allocation recorded by [MarkIPAllocated] whose
// owner (a service created after the backup) the database does not know.
type IPAllocation struct {
	Address   netip.Addr `json:"address"`
	Network   string     `json:"network,omitempty"`
	Allocated bool       `json:"allocated"`
	ServiceID string     `json:"serviceId,omitempty"`
	Owner     string     `json:"owner,omitempty"`
}

// RecoveryGroup is a Matrix recovery management recovery group: logical
// servers protected together, within one recovery group set.
//
// ProtectedLS lists logical-server IDs. ReplicationGroups names the storage
// replication groups the group references (used by the import rules).
type RecoveryGroup struct {
	Name              string   `json:"name"`
	Set               string   `json:"set"`
	ProtectedLS       []string `json:"protectedLogicalServers,omitempty"`
	ReplicationGroups []string `json:"replicationGroups,omitempty"`
	Enabled           bool     `json:"enabled"`
}
