package matrixoetest

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
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

func TestNewStoreRejectsInvalid(t *testing.T) {
	_, err := NewStore(nil)
	require.Error(t, err)
	bad := matrixoe.NewSnapshot()
	bad.Requests["R1"] = matrixoe.Request{ID: "R1", State: "weird"}
	_, err = NewStore(bad)
	var ve *matrixoe.ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestStoreAppliesWithTheRealSemantics(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	st, err := NewStore(s)
	require.NoError(t, err)

	changes := []matrixoe.Change{
		matrixoe.DropLS{LogicalServerID: "LS1"},
		matrixoe.TerminateRequest{RequestID: "R1"},
		matrixoe.MarkIPAllocated{Address: netip.AddrFrom4([4]byte{10, 0, 0, 3}), Owner: "x"},
	}
	require.NoError(t, st.Apply(ctx, changes...))
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)

	want := s.Clone()
	require.NoError(t, matrixoe.ApplyAll(want, changes...))
	assert.Equal(t, want, got, "the fake and the dry run agree")
	assert.Equal(t, changes, st.Applied())

	// The input and returned snapshots are copies.
	assert.Contains(t, s.LogicalServers, "LS1")
	got.LogicalServers["LS9"] = matrixoe.LogicalServer{ID: "LS9"}
	again, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.NotContains(t, again.LogicalServers, "LS9")
}

func TestStoreApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	err = st.Apply(ctx, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.DropLS{LogicalServerID: "nope"})
	require.ErrorIs(t, err, matrixoe.ErrNotFound)
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.LogicalServers["LS1"].Activated)
	assert.Empty(t, st.Applied())
}

func TestFaultRules(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		fault Fault
		calls []matrixoe.Change // one Apply per change
		fails []bool
	}{
		{"by op, forever", Fault{Op: OpApply, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.TerminateRequest{RequestID: "R1"}}, []bool{true, true}},
		{"by kind", Fault{Op: OpApply, Target: matrixoe.KindTerminateRequest, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.TerminateRequest{RequestID: "R1"}}, []bool{false, true}},
		{"by target", Fault{Op: OpApply, Target: "logical server VM1", Err: boom},
			[]matrixoe.Change{matrixoe.SetPowerState{LogicalServerID: "VM1", Power: matrixoe.PowerOff}, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{true, false}},
		{"count 1", Fault{Op: OpApply, Err: boom, Count: 1},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{true, false}},
		{"other op does not fire", Fault{Op: OpSnapshot, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := NewStore(restored(t))
			require.NoError(t, err)
			require.NoError(t, st.AddFault(tc.fault))
			for i, c := range tc.calls {
				err := st.Apply(context.Background(), c)
				if tc.fails[i] {
					assert.ErrorIs(t, err, boom, "call %d", i)
				} else {
					assert.NoError(t, err, "call %d", i)
				}
			}
		})
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []bool {
		l := NewLive(WithSeed(seed))
		require.NoError(t, l.AddFault(Fault{Op: OpIPAllocations, Err: errors.New("flaky"), Probability: 0.5}))
		var out []bool
		for range 64 {
			_, err := l.IPAllocations(context.Background())
			out = append(out, err != nil)
		}
		return out
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.Contains(t, a, true)
	assert.Contains(t, a, false)
	assert.NotEqual(t, a, run(8))
}

func TestFaultDelayHonoursContext(t *testing.T) {
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	require.NoError(t, st.AddFault(Fault{Op: OpSnapshot, Delay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	_, err = st.Snapshot(ctx)
	require.ErrorIs(t, err, context.Canceled)

	st.ClearFaults()
	_, err = st.Snapshot(context.Background())
	assert.NoError(t, err)
}

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

func TestMarkServicesFile(t *testing.T) {
	s := restored(t)
	data, err := matrixoe.FormatServicesFile(s)
	require.NoError(t, err)
	marked, err := MarkServicesFile(data, "db")
	require.NoError(t, err)
	assert.Equal(t, "*db\r\nweb\r\n", string(marked))
	f, err := matrixoe.ParseServicesFile(marked, s)
	require.NoError(t, err)
	assert.Equal(t, []string{"db"}, f.Deleted())
	_, err = MarkServicesFile(data, "mail")
	assert.ErrorIs(t, err, matrixoe.ErrNotFound)
}

// Concurrent readers, writers and scripted activity; run with -race.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	l, err := LiveFromSnapshot(restored(t))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				_, _ = st.Snapshot(ctx)
				p := matrixoe.PowerOn
				if (i+j)%2 == 0 {
					p = matrixoe.PowerOff
				}
				_ = st.Apply(ctx, matrixoe.SetPowerState{LogicalServerID: "VM1", Power: p})
				_ = l.PowerOff("vm-1")
				_, _ = l.VMPowerStates(ctx)
				_ = l.AllocateIP(netip.AddrFrom4([4]byte{10, 1, byte(i), byte(j)}), "x")
				_, _ = l.IPAllocations(ctx)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, st.Applied(), 8*50)
	ips, err := l.IPAllocations(ctx)
	require.NoError(t, err)
	assert.Len(t, ips, 2+8*50)
}

func TestLiveDataRoundTrip(t *testing.T) {
	l, err := LiveFromSnapshot(restored(t))
	require.NoError(t, err)
	require.NoError(t, l.DeleteService("db"))
	require.NoError(t, l.AllocateIP(netip.MustParseAddr("10.0.0.9"), "new"))
	d := l.Data()

	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back LiveData
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back)

	l2, err := NewLiveFromData(back)
	require.NoError(t, err)
	assert.Equal(t, d, l2.Data())
	assert.Equal(t, []string{"db"}, l2.DeletedServices())

	back.Export = &matrixoe.RMExport{Format: "other"}
	_, err = NewLiveFromData(back)
	require.ErrorIs(t, err, matrixoe.ErrInvalid)
}
