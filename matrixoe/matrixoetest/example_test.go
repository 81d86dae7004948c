package matrixoetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// A restored IO database, post-backup activity scripted on the live side,
// then IO phases 2 and 3 analysed and executed through the fake store.
func Example() {
	ctx := context.Background()
	restored := matrixoe.NewSnapshot()
	restored.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "web-1", Kind: matrixoe.LSVirtual, Activated: true, VMID: "vm-1", Managed: true}
	restored.Services["S1"] = matrixoe.Service{ID: "S1", Name: "web", LogicalServerIDs: []string{"VM1"}}
	restored.Services["S2"] = matrixoe.Service{ID: "S2", Name: "old"}
	a1, a2 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	restored.IPs[a1] = matrixoe.IPAllocation{Address: a1, Allocated: true, ServiceID: "S1"}
	restored.IPs[a2] = matrixoe.IPAllocation{Address: a2}

	store, err := matrixoetest.NewStore(restored)
	if err != nil {
		fmt.Println(err)
		return
	}
	live, err := matrixoetest.LiveFromSnapshot(restored)
	if err != nil {
		fmt.Println(err)
		return
	}

	// After the backup: "old" was deleted and a new service took 10.0.0.2.
	_ = live.DeleteService("old")
	_ = live.AllocateIP(a2, "new")

	// IO phase 2: the file is written, the operator marks what was deleted.
	state, _ := matrixoe.ReadLive(ctx, live, live)
	snap, _ := store.Snapshot(ctx)
	file := matrixoetest.NewServicesFile()
	_ = file.WriteServicesFile(ctx, snap)
	_ = file.Mark(live.DeletedServices()...)
	marks, _ := file.ReadServicesFile(ctx, snap)
	fs, _ := matrixoe.AnalyzeIOServices(snap, marks, state.VMPower)

	// IO phase 3 on what phase 2 will leave.
	predicted := snap.Clone()
	_ = matrixoe.ApplyAll(predicted, matrixoe.ChangesOf(fs)...)
	ips, _ := matrixoe.AnalyzeIOIPs(predicted, state.IPs)
	fs = append(fs, ips...)

	for _, f := range fs {
		fmt.Println(f.Code, f.Changes[0].Target())
	}
	for _, c := range matrixoe.ChangesOf(fs) { // one change per call: one journal record
		if err := store.Apply(ctx, c); err != nil {
			fmt.Println(err)
			return
		}
	}
	after, _ := store.Snapshot(ctx)
	fmt.Println(len(after.Services), after.IPs[a2].Allocated, after.IPs[a2].Owner)
	// Output:
	// IO-SERVICE-DELETED service S2
	// IO-IP-ALLOCATED-AFTER-BACKUP IP address 10.0.0.2
	// 1 true new
}

// One rule set shared by the fakes of several packages: a failure injected
// into the SPM catalog and a slow, flaky live side, all from one Faults.
func ExampleWithFaults() {
	ctx := context.Background()
	faults := matrixoetest.NewFaults(1)
	_ = faults.Add(matrixoetest.Fault{Op: spmtest.OpSnapshot, Err: errors.New("SPM database offline"), Count: 1})
	_ = faults.Add(matrixoetest.Fault{Op: matrixoetest.OpVMPowerStates, Err: errors.New("VMM timeout"), Count: 1})

	live := matrixoetest.NewLive(matrixoetest.WithFaults(faults))
	catalog, err := spmtest.NewCatalog(spmtest.Sample(), spmtest.WithFaults(faults)) // spmtest.Faults is the same type
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = catalog.Snapshot(ctx)
	fmt.Println("spm catalog:", err)
	_, err = live.VMPowerStates(ctx)
	fmt.Println("live VMs:", err)
	_, err = live.VMPowerStates(ctx)
	fmt.Println("live VMs again:", err)
	for _, h := range faults.Hits() {
		fmt.Println("hit:", h.Op)
	}
	// Output:
	// spm catalog: SPM database offline
	// live VMs: VMM timeout
	// live VMs again: <nil>
	// hit: spm.Snapshot
	// hit: matrixoe.VMPowerStates
}
