package matrixoetest

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveScriptedActivity(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	l, err := LiveFromSnapshot(s)
	require.NoError(t, err)

	vms, err := l.VMPowerStates(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]matrixoe.PowerState{"vm-1": matrixoe.PowerOn}, vms)
	ips, err := l.IPAllocations(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[netip.Addr]string{netip.AddrFrom4([4]byte{10, 0, 0, 1}): "web", netip.AddrFrom4([4]byte{10, 0, 0, 2}): "db"}, ips)
	exp, err := l.RMExport(ctx)
	require.NoError(t, err)
	require.Len(t, exp.RecoveryGroups, 1)

	// Post-backup activity.
	require.NoError(t, l.PowerOff("vm-1"))
	require.ErrorIs(t, l.PowerOn("vm-9"), matrixoe.ErrNotFound)
	require.NoError(t, l.AllocateIP(netip.AddrFrom4([4]byte{10, 0, 0, 3}), "new"))
	require.ErrorIs(t, l.AllocateIP(netip.AddrFrom4([4]byte{10, 0, 0, 3}), "again"), matrixoe.ErrConflict)
	require.NoError(t, l.DeleteService("db"))
	require.ErrorIs(t, l.DeleteService("db"), matrixoe.ErrNotFound)
	assert.Equal(t, []string{"db"}, l.DeletedServices())

	st, err := readLiveState(ctx, l)
	require.NoError(t, err)
	assert.Equal(t, matrixoe.PowerOff, st.VMPower["vm-1"])
	assert.NotContains(t, st.IPs, netip.AddrFrom4([4]byte{10, 0, 0, 2}), "deleting a service releases its IPs")
	assert.Equal(t, "new", st.IPs[netip.AddrFrom4([4]byte{10, 0, 0, 3})])

	require.NoError(t, l.SetExport(nil))
	_, err = l.RMExport(ctx)
	require.ErrorIs(t, err, matrixoe.ErrNoExport)
	st, err = readLiveState(ctx, l)
	require.NoError(t, err, "a missing export is not an error for ReadLive")
	assert.Nil(t, st.Export)
	require.ErrorIs(t, l.SetExport(&matrixoe.RMExport{}), matrixoe.ErrInvalid)
}

func readLiveState(ctx context.Context, l *Live) (*matrixoe.LiveState, error) {
	return matrixoe.ReadLive(ctx, l, l)
}

func TestReadLivePropagatesFaults(t *testing.T) {
	l := NewLive()
	require.NoError(t, l.AddFault(Fault{Op: OpVMPowerStates, Err: errors.New("VMM down"), Count: 1}))
	_, err := matrixoe.ReadLive(context.Background(), l, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VMM down")
	_, err = matrixoe.ReadLive(context.Background(), l, nil)
	assert.NoError(t, err)
}

// The live side as it was at backup time must give the analyses
// nothing to do — including for a VM whose power state was never recorded
// (LiveFromSnapshot used to report it off, which produced a power finding
// on an untouched estate).
func TestLiveFromSnapshotUntouchedEstateIsClean(t *testing.T) {
	tests := []struct {
		name  string
		power matrixoe.PowerState
	}{
		{"VM recorded on", matrixoe.PowerOn},
		{"VM recorded off", matrixoe.PowerOff},
		{"VM power never recorded", matrixoe.PowerUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := restored(t)
			vm := s.LogicalServers["VM1"]
			vm.Power = tc.power
			s.LogicalServers["VM1"] = vm
			require.NoError(t, s.Validate())

			st, err := readLiveOnce(ctx, s)
			require.NoError(t, err)
			vs := &vcem.Snapshot{Profiles: map[string]vcem.Profile{"P1": {ID: "P1", Name: "P1", DomainID: "D1", Bay: "enc1:1"}}}
			fs, err := matrixoe.AnalyzeLSRefresh(s, vs, st.VMPower)
			require.NoError(t, err)
			assert.Empty(t, fs, "storage phase 2 on an untouched estate")
			ips, err := matrixoe.AnalyzeIOIPs(s, st.IPs)
			require.NoError(t, err)
			assert.Empty(t, ips, "IO phase 3 on an untouched estate")
			rm, err := matrixoe.AnalyzeRM(s, st.Export)
			require.NoError(t, err)
			assert.Empty(t, rm, "RM phase 1 on an untouched estate")
			data, err := matrixoe.FormatServicesFile(s)
			require.NoError(t, err)
			marks, err := matrixoe.ParseServicesFile(data, s)
			require.NoError(t, err)
			io2, err := matrixoe.AnalyzeIOServices(s, marks, st.VMPower)
			require.NoError(t, err)
			assert.Empty(t, io2, "IO phase 2 on an untouched estate")
		})
	}
}

// readLiveOnce reads the backup-time live side of s through the port.
func readLiveOnce(ctx context.Context, s *matrixoe.Snapshot) (*matrixoe.LiveState, error) {
	l, err := LiveFromSnapshot(s)
	if err != nil {
		return nil, err
	}
	return matrixoe.ReadLive(ctx, l, l)
}

// The live IO knows one address whatever its written form.
func TestLiveAllocateIPForms(t *testing.T) {
	v4 := netip.MustParseAddr("10.0.0.9")
	mapped := netip.MustParseAddr("::ffff:10.0.0.9")
	l := NewLive()
	require.NoError(t, l.AllocateIP(mapped, "svc"))
	assert.ErrorIs(t, l.AllocateIP(v4, "other"), matrixoe.ErrConflict, "same address in IPv4 form")
	assert.ErrorIs(t, l.AllocateIP(netip.Addr{}, "x"), matrixoe.ErrInvalid)
	ips, err := l.IPAllocations(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[netip.Addr]string{v4: "svc"}, ips)
	require.NoError(t, l.ReleaseIP(v4))
	assert.ErrorIs(t, l.ReleaseIP(mapped), matrixoe.ErrNotFound)
}

// A service created and deleted after the backup is not in the
// restored database, so it is not on the deleted list the operator marks
// (MarkServicesFile refused the whole list before), also across a
// save/load of the live data.
func TestServiceCreatedThenDeletedAfterBackup(t *testing.T) {
	tests := []struct {
		name   string
		reload bool
	}{
		{"same live side", false},
		{"live side saved and loaded in between", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := restored(t)
			l, err := LiveFromSnapshot(s)
			require.NoError(t, err)
			l.CreateService("tmp")
			require.NoError(t, l.AllocateIP(netip.MustParseAddr("10.0.0.4"), "tmp"))
			if tc.reload {
				var err error
				l, err = NewLiveFromData(l.Data())
				require.NoError(t, err)
			}
			require.NoError(t, l.DeleteService("tmp"))
			require.NoError(t, l.DeleteService("web"))
			assert.Equal(t, []string{"web"}, l.DeletedServices())
			assert.NotContains(t, l.Data().IPs, netip.MustParseAddr("10.0.0.4"), "its address released")

			data, err := matrixoe.FormatServicesFile(s)
			require.NoError(t, err)
			marked, err := MarkServicesFile(data, l.DeletedServices()...)
			require.NoError(t, err)
			f, err := matrixoe.ParseServicesFile(marked, s)
			require.NoError(t, err)
			assert.Equal(t, []string{"web"}, f.Deleted())
		})
	}
	_, err := NewLiveFromData(LiveData{CreatedServices: []string{"ghost"}})
	assert.ErrorIs(t, err, matrixoe.ErrInvalid)
}

// LiveFromSnapshot is a constructor: a nil or invalid snapshot is
// an error, not a panic or a live side built from nonsense.
func TestLiveFromSnapshotRejectsBadInput(t *testing.T) {
	bad := matrixoe.NewSnapshot()
	bad.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "a", Kind: matrixoe.LSVirtual, VMID: "vm-1"}
	bad.LogicalServers["VM2"] = matrixoe.LogicalServer{ID: "VM2", Name: "b", Kind: matrixoe.LSVirtual, VMID: "vm-1"}
	emptyID := matrixoe.NewSnapshot()
	emptyID.RecoveryGroups["RG1"] = matrixoe.RecoveryGroup{Name: "RG1", Set: "A", ProtectedLS: []string{""}}
	tests := []struct {
		name string
		s    *matrixoe.Snapshot
		want string
	}{
		{"nil", nil, "nil snapshot"},
		{"two servers on one VM", bad, `VM "vm-1" already owned`},
		{"recovery group that is no valid export", emptyID, "empty logical server id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l *Live
			var err error
			require.NotPanics(t, func() { l, err = LiveFromSnapshot(tc.s) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Nil(t, l)
		})
	}
}

// Deleting a service live deletes its VMs, as IO does; IO phase 2 then
// reports the service as probably deleted until the operator marks it.
func TestDeletedServiceIsProbablyDeletedUntilMarked(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	l, err := LiveFromSnapshot(s)
	require.NoError(t, err)
	require.NoError(t, l.DeleteService("web"))
	st, err := matrixoe.ReadLive(ctx, l, l)
	require.NoError(t, err)
	assert.NotContains(t, st.VMPower, "vm-1", "the service's VM went with it")

	file := NewServicesFile()
	require.NoError(t, file.WriteServicesFile(ctx, s))
	forgot, err := file.ReadServicesFile(ctx, s)
	require.NoError(t, err)
	fs, err := matrixoe.AnalyzeIOServices(s, forgot, st.VMPower)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, matrixoe.CodeServiceProbablyDeleted, fs[0].Code)
	assert.Equal(t, "S1", fs[0].Subject.ServiceID)
	assert.True(t, fs[0].Blocking())

	require.NoError(t, file.Mark(l.DeletedServices()...))
	marks, err := file.ReadServicesFile(ctx, s)
	require.NoError(t, err)
	fs, err = matrixoe.AnalyzeIOServices(s, marks, st.VMPower)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, matrixoe.CodeServiceDeleted, fs[0].Code)

	// A service created after the backup on its own VM, then deleted:
	// its VM goes too, and it never was in the file.
	l.CreateService("tmp", "vm-tmp")
	vms, err := l.VMPowerStates(ctx)
	require.NoError(t, err)
	assert.Equal(t, matrixoe.PowerOn, vms["vm-tmp"])
	require.NoError(t, l.DeleteService("tmp"))
	vms, err = l.VMPowerStates(ctx)
	require.NoError(t, err)
	assert.NotContains(t, vms, "vm-tmp")
	assert.Equal(t, []string{"web"}, l.DeletedServices())
}
