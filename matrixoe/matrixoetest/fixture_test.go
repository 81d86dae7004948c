package matrixoetest

import (
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/require"
)

func restored(t *testing.T) *matrixoe.Snapshot {
	t.Helper()
	s := matrixoe.NewSnapshot()
	s.LogicalServers["LS1"] = matrixoe.LogicalServer{ID: "LS1", Name: "db", Kind: matrixoe.LSPhysicalVC, Activated: true, ProfileID: "P1", Managed: true}
	s.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "web-vm", Kind: matrixoe.LSVirtual, Activated: true, VMID: "vm-1", Power: matrixoe.PowerOn, Managed: true}
	s.Services["S1"] = matrixoe.Service{ID: "S1", Name: "web", LogicalServerIDs: []string{"VM1"}}
	s.Services["S2"] = matrixoe.Service{ID: "S2", Name: "db", LogicalServerIDs: []string{"LS1"}}
	s.Requests["R1"] = matrixoe.Request{ID: "R1", ServiceID: "S1", State: matrixoe.RequestScheduled}
	for i, svc := range []string{"S1", "S2", "", ""} {
		a := netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)})
		s.IPs[a] = matrixoe.IPAllocation{Address: a, Allocated: svc != "", ServiceID: svc}
	}
	s.RecoveryGroups["RG1"] = matrixoe.RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}, Enabled: true}
	require.NoError(t, s.Validate())
	return s
}
