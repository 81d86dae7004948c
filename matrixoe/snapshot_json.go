package matrixoe

import (
	"fmt"
	"net/netip"
)

// snapshotJSON is the JSON shape of a Snapshot: the same sections, with IP
// keys that must be written in canonical form.
type snapshotJSON struct {
	LogicalServers map[string]LogicalServer    `json:"logicalServers"`
	SPEs           map[string]StoragePoolEntry `json:"storagePoolEntries"`
	Services       map[string]Service          `json:"services"`
	Requests       map[string]Request          `json:"requests"`
	IPs            map[ipKey]IPAllocation      `json:"ipAllocations"`
	RecoveryGroups map[string]RecoveryGroup    `json:"recoveryGroups"`
}

// JSONShape lets a strict decoder of an enclosing type (a plan, a saved
// estate) check a Snapshot in place, with full paths, without decoding it
// twice (see internal/strictjson).
func (*Snapshot) JSONShape() any { return (*snapshotJSON)(nil) }

// UnmarshalJSON decodes the form json.Marshal writes, strictly at every
// level: an unknown field (a typo in a hand-edited file), a key given twice,
// a key that matches a field only case-insensitively, a missing section or
// required field (those without omitempty: every one json.Marshal always
// writes), null where a value is required (a section may be null: empty),
// an IP key not in canonical form (two spellings of one address would
// silently merge), nesting deeper than strictjson.MaxDepth and trailing
// data are errors naming the JSON path, every one at once, e.g.
//
//	matrixoe: decode snapshot: storagePoolEntries["SPE1"].wwpns[0]: …
//
// It allocates absent maps, so a decoded snapshot can be passed to [Apply]
// directly; it does not check consistency (call [Snapshot.Validate]). On
// error s is unchanged. The error wraps [ErrInvalid] and the
// *strictjson.Error listing the problems.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	raw, err := decodeStrict[snapshotJSON](b, "snapshot")
	if err != nil {
		return err
	}
	out := Snapshot{
		LogicalServers: raw.LogicalServers, SPEs: raw.SPEs, Services: raw.Services,
		Requests: raw.Requests, RecoveryGroups: raw.RecoveryGroups,
		IPs: make(map[netip.Addr]IPAllocation, len(raw.IPs)),
	}
	for k, v := range raw.IPs {
		out.IPs[netip.Addr(k)] = v
	}
	out.ensureMaps()
	*s = out
	return nil
}

// maxAddrText bounds an address's text: the longest IPv6 form with a
// generous zone. A longer key is refused before parsing, so a huge bad key
// makes neither a huge error nor a huge allocation.
const maxAddrText = 128

// ipKey is a map key holding an IP address that must be written in the
// canonical form json.Marshal writes (netip.Addr.String), so that two
// spellings of one address ("::1", "0::1") cannot name one key twice.
type ipKey netip.Addr

// UnmarshalText parses a canonical address.
func (k *ipKey) UnmarshalText(b []byte) error {
	if len(b) > maxAddrText {
		return fmt.Errorf("not an IP address: %s", q(string(b)))
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil {
		return fmt.Errorf("not an IP address: %s", q(string(b)))
	}
	if a.String() != string(b) {
		return fmt.Errorf("IP address %s is not in canonical form: write %s", q(string(b)), q(a.String()))
	}
	*k = ipKey(a)
	return nil
}

// MarshalText writes the canonical form.
func (k ipKey) MarshalText() ([]byte, error) { return netip.Addr(k).MarshalText() }
