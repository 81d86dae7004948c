package matrixoe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
)

func printFindings(fs []matrixoe.Finding) {
	for _, f := range fs {
		fmt.Print(f.Code)
		for _, c := range f.Changes {
			fmt.Print(" -> ", c.Kind(), " ", c.Target())
		}
		if f.Manual != "" {
			fmt.Print(" -> manual")
		}
		fmt.Println()
	}
}

// Storage phase 2 on the predicted VCEM state: LS1's profile was unassigned
// after the backup, LS2's profile was deleted by VCEM phase 1, and VM1 was
// resumed by an IO activate.
func ExampleAnalyzeLSRefresh() {
	ms := matrixoe.NewSnapshot()
	ms.LogicalServers["LS1"] = matrixoe.LogicalServer{ID: "LS1", Name: "LS1_VC_TEST", Kind: matrixoe.LSPhysicalVC, Activated: true, ProfileID: "P1", Managed: true}
	ms.LogicalServers["LS2"] = matrixoe.LogicalServer{ID: "LS2", Name: "S2-1", Kind: matrixoe.LSPhysicalVC, Activated: true, ProfileID: "P2", Managed: true}
	ms.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "S5-vm", Kind: matrixoe.LSVirtual, Activated: true, VMID: "vm-1", Power: matrixoe.PowerOff, Managed: true}

	predictedVCEM := &vcem.Snapshot{Profiles: map[string]vcem.Profile{
		"P1": {ID: "P1", Name: "LS1_VC_TEST", DomainID: "D1"}, // unassigned: no bay
	}}
	vmm := map[string]matrixoe.PowerState{"vm-1": matrixoe.PowerOn}

	fs, err := matrixoe.AnalyzeLSRefresh(ms, predictedVCEM, vmm)
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(fs)
	// Output:
	// LSM-LS-DEACTIVATED -> matrixoe.SetLSDeactivated logical server LS1
	// LSM-LS-PROFILE-DELETED -> matrixoe.DropLS logical server LS2
	// LSM-LS-POWER-CHANGED -> matrixoe.SetPowerState logical server VM1
}

// Storage phase 3: Volume8 is presented to a WWPN of pre-backup SPE1 (the
// WWN was reused after the backup), Volume2 was imported and used after the
// backup by a server Matrix OE does not know.
func ExampleAnalyzeLSMAnalyzer() {
	w1, _ := addrpool.ParseWWN("50:01:43:80:02:A3:00:01")
	w2, _ := addrpool.ParseWWN("50:01:43:80:02:A3:00:02")
	ms := matrixoe.NewSnapshot()
	ms.SPEs["SPE1"] = matrixoe.StoragePoolEntry{ID: "SPE1", Kind: matrixoe.SPECatalog, VolumeIDs: []string{"Volume1"}, WWPNs: []addrpool.WWN{w1}}

	restored := &spm.Snapshot{Volumes: map[string]spm.Volume{"Volume1": {ID: "Volume1"}, "Volume8": {ID: "Volume8"}}}
	current := &spm.Snapshot{
		Volumes: map[string]spm.Volume{"Volume1": {ID: "Volume1"}, "Volume2": {ID: "Volume2"}, "Volume8": {ID: "Volume8"}},
		Presentations: []spm.Presentation{
			{VolumeID: "Volume1", Initiator: w1}, {VolumeID: "Volume8", Initiator: w1}, {VolumeID: "Volume2", Initiator: w2},
		},
	}
	fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, current)
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(fs)
	// Output:
	// LSM-VOL-NOT-IN-RESTORED-CATALOG -> matrixoe.DeleteVolumeFromSPM volume Volume2
	// LSM-VOL-WWN-REUSED -> matrixoe.AddVolumeToSPE storage pool entry SPE1
}

// IO phase 2: write InfrastructureServices.txt, let the operator mark the
// services deleted after the backup, read it back and analyse.
func ExampleReadServicesFile() {
	ctx := context.Background()
	ms := matrixoe.NewSnapshot()
	ms.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "web-1", Kind: matrixoe.LSVirtual, Activated: true, VMID: "vm-1", Managed: true}
	ms.Services["S1"] = matrixoe.Service{ID: "S1", Name: "web", LogicalServerIDs: []string{"VM1"}}
	ms.Services["S2"] = matrixoe.Service{ID: "S2", Name: "old"}
	vmm := map[string]matrixoe.PowerState{"vm-1": matrixoe.PowerOn} // web's VM still runs

	sim, err := os.MkdirTemp("", "sim")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(sim)
	path := matrixoe.ServicesFilePath(sim)
	if err := matrixoe.WriteServicesFile(ctx, path, ms); err != nil {
		fmt.Println(err)
		return
	}
	written, _ := os.ReadFile(path)
	fmt.Printf("%q\n", written)

	// The operator marks "old" in Notepad.
	_ = os.WriteFile(path, []byte("\uFEFF* old\r\nweb\r\n"), 0o644)

	f, err := matrixoe.ReadServicesFile(ctx, path, ms)
	if err != nil {
		fmt.Println(err)
		return
	}
	fs, _ := matrixoe.AnalyzeIOServices(ms, f, vmm)
	printFindings(fs)
	fmt.Println(filepath.Base(filepath.Dir(path)))
	// Output:
	// "old\r\nweb\r\n"
	// IO-SERVICE-DELETED -> matrixoe.RemoveServiceDefinition service S2
	// data
}

// A bad line is reported with its number and name.
func ExampleParseServicesFile() {
	ms := matrixoe.NewSnapshot()
	ms.Services["S1"] = matrixoe.Service{ID: "S1", Name: "web"}
	_, err := matrixoe.ParseServicesFile([]byte("web\r\n*mail\r\n"), ms)
	fmt.Println(err)
	// Output:
	// matrixoe: InfrastructureServices.txt:2: "mail": no service of that name in the restored database
}

// IO phases 1 and 3.
func ExampleAnalyzeIORequests() {
	ms := matrixoe.NewSnapshot()
	ms.Requests["R1"] = matrixoe.Request{ID: "R1", Name: "create web", State: matrixoe.RequestInProgress}
	ms.Requests["R2"] = matrixoe.Request{ID: "R2", Name: "grow db", State: matrixoe.RequestCompleted}
	a := netip.MustParseAddr("10.0.0.7")
	ms.IPs[a] = matrixoe.IPAllocation{Address: a, Network: "prod"}

	requests, err := matrixoe.AnalyzeIORequests(ms)
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(requests)
	ips, err := matrixoe.AnalyzeIOIPs(ms, map[netip.Addr]string{a: "new-service"})
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(ips)
	// Output:
	// IO-REQUEST-UNFINISHED -> matrixoe.TerminateRequest request R1
	// IO-IP-ALLOCATED-AFTER-BACKUP -> matrixoe.MarkIPAllocated IP address 10.0.0.7
}

// RM phase 1: import the export (replace by name), then remove a protected
// logical server that storage phase 2 dropped.
func ExampleAnalyzeRM() {
	ms := matrixoe.NewSnapshot()
	ms.LogicalServers["LS1"] = matrixoe.LogicalServer{ID: "LS1", Name: "db1", Kind: matrixoe.LSPhysicalVC, ProfileID: "P1", Managed: true}
	ms.RecoveryGroups["RG1"] = matrixoe.RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}}
	exp := &matrixoe.RMExport{Format: matrixoe.RMExportFormat, Version: matrixoe.RMExportVersion,
		RecoveryGroups: []matrixoe.RecoveryGroup{{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}, Enabled: true}}}

	fs, err := matrixoe.AnalyzeRM(ms, exp)
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(fs)
	if err := matrixoe.ApplyAll(ms, matrixoe.ChangesOf(fs)...); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ms.RecoveryGroups["RG1"].ProtectedLS, ms.RecoveryGroups["RG1"].Enabled)
	// Output:
	// RM-EXPORT-APPLY -> matrixoe.ApplyRMExport recovery groups
	// RM-GROUP-DELETED-LS -> matrixoe.UpdateRecoveryGroup recovery group RG1
	// [LS1] true
}

// Changes are data: plain json.Marshal writes a tagged form that
// DecodeChange reads back.
func ExampleDecodeChange() {
	b, _ := json.Marshal(matrixoe.AddVolumeToSPE{SPEID: "SPE1", VolumeID: "Volume8"})
	fmt.Println(string(b))
	c, _ := matrixoe.DecodeChange(b)
	fmt.Printf("%#v\n", c)
	// Output:
	// {"kind":"matrixoe.AddVolumeToSPE","speId":"SPE1","volumeId":"Volume8"}
	// matrixoe.AddVolumeToSPE{SPEID:"SPE1", VolumeID:"Volume8"}
}

// The dry run: apply a phase's changes to a clone, never to the restored
// snapshot.
func ExampleApply() {
	restored := matrixoe.NewSnapshot()
	restored.LogicalServers["LS1"] = matrixoe.LogicalServer{ID: "LS1", Name: "a", Kind: matrixoe.LSPhysicalVC, Activated: true, ProfileID: "P1", Managed: true}
	predicted := restored.Clone()
	if err := matrixoe.Apply(predicted, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}); err != nil {
		fmt.Println(err)
	}
	err := matrixoe.Apply(predicted, matrixoe.DropLS{LogicalServerID: "LS9"})
	fmt.Println(restored.LogicalServers["LS1"].Activated, predicted.LogicalServers["LS1"].Activated)
	fmt.Println(err)
	// Output:
	// true false
	// matrixoe: change 0 (matrixoe.DropLS, logical server LS9): logical server "LS9": not found
}

// Re-applying a change whose effect is already there is a no-op, as after a
// crash between applying a change and journalling it; a conflict stays an
// error, and removing an absent record is ErrNotFound.
func ExampleApply_reapply() {
	s := matrixoe.NewSnapshot()
	s.Requests["R1"] = matrixoe.Request{ID: "R1", State: matrixoe.RequestInProgress}
	s.Requests["R2"] = matrixoe.Request{ID: "R2", State: matrixoe.RequestCompleted}

	term := matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestInProgress, To: matrixoe.RequestCancelled}
	fmt.Println("first:", matrixoe.Apply(s, term), s.Requests["R1"].State)
	before, _ := s.Fingerprint()
	fmt.Println("again:", matrixoe.Apply(s, term))
	after, _ := s.Fingerprint()
	fmt.Println("unchanged:", before == after)

	fmt.Println(matrixoe.Apply(s, matrixoe.TerminateRequest{RequestID: "R2", From: matrixoe.RequestInProgress, To: matrixoe.RequestCancelled}))
	err := matrixoe.Apply(s, matrixoe.RemoveServiceDefinition{ServiceID: "S9"})
	fmt.Println(errors.Is(err, matrixoe.ErrNotFound), err)
	// Output:
	// first: <nil> cancelled
	// again: <nil>
	// unchanged: true
	// matrixoe: change 0 (matrixoe.TerminateRequest, request R2): request "R2" is "completed", neither "in-progress" nor "cancelled": conflict
	// true matrixoe: change 0 (matrixoe.RemoveServiceDefinition, service S9): service "S9": not found
}

// Storage phase 3 on the SPM catalog as Internal Recovery leaves it (table
// 15, Volume7): after the backup IO service S2 and SPE7 were deleted and
// Volume7 unpresented. spm.PredictInternalRecovery marks Volume7's service
// non-conformant and takes its presentations (none) from the array, so
// lsmanalyzer removes Volume7 from its SPE; the other volumes are conformant.
func ExampleAnalyzeLSMAnalyzer_afterInternalRecovery() {
	restored := spmtest.Sample()
	restoredLive, _ := spmtest.LiveFromSnapshot(restored)
	arrays, _ := spmtest.NewArrays(restoredLive)
	for _, n := range []int{7, 8} {
		_ = arrays.Unpresent(spmtest.Array3PAR, restored.Volumes["vol7"].WWN, spmtest.SampleWWN("initiator", n))
	}
	live, _ := arrays.Live(context.Background())
	recovery, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	recovered := restored.Clone()
	for _, c := range recovery {
		_ = spm.Apply(recovered, c)
	}

	// Matrix OE at backup time: one catalog-based SPE per presented volume,
	// SPE7 (Volume7) belonging to IO service S2.
	ms := matrixoe.NewSnapshot()
	ms.Services["S2"] = matrixoe.Service{ID: "S2", Name: "S2"}
	for _, p := range restored.Presentations {
		spe := ms.SPEs["SPE-"+p.VolumeID]
		spe.ID, spe.Kind, spe.VolumeIDs = "SPE-"+p.VolumeID, matrixoe.SPECatalog, []string{p.VolumeID}
		spe.WWPNs = append(spe.WWPNs, p.Initiator)
		if p.VolumeID == "vol7" {
			spe.ServiceID = "S2"
		}
		ms.SPEs[spe.ID] = spe
	}

	fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, recovered)
	if err != nil {
		fmt.Println(err)
		return
	}
	printFindings(fs)
	// Output:
	// LSM-VOL-SERVICE-DELETED -> matrixoe.RemoveVolumeFromSPE storage pool entry SPE-vol7
}

// Beyond mxsync: a service the operator forgot to mark, whose logical
// servers are all gone (its VM no longer reported by VMM), is reported as
// probably deleted — a manual step, so the operator marks it and analyses
// again.
func ExampleAnalyzeIOServices_probablyDeleted() {
	ms := matrixoe.NewSnapshot()
	ms.LogicalServers["VM1"] = matrixoe.LogicalServer{ID: "VM1", Name: "batch-1", Kind: matrixoe.LSVirtual, Activated: true, VMID: "vm-1", Managed: true}
	ms.Services["S1"] = matrixoe.Service{ID: "S1", Name: "batch", LogicalServerIDs: []string{"VM1"}}
	vmm := map[string]matrixoe.PowerState{} // vm-1 was deleted after the backup

	unmarked, _ := matrixoe.ParseServicesFile([]byte("batch\r\n"), ms)
	fs, _ := matrixoe.AnalyzeIOServices(ms, unmarked, vmm)
	for _, f := range fs {
		fmt.Println(f.Code, f.Severity, f.Blocking())
		fmt.Println(f.Manual)
	}
	marked, _ := matrixoe.ParseServicesFile([]byte("*batch\r\n"), ms)
	fs, _ = matrixoe.AnalyzeIOServices(ms, marked, vmm)
	printFindings(fs)
	// Output:
	// IO-SERVICE-PROBABLY-DELETED warning true
	// if service "batch" was deleted after the backup, mark it with '*' in InfrastructureServices.txt and analyse IO phase 2 again; otherwise acknowledge this finding
	// IO-SERVICE-DELETED -> matrixoe.RemoveServiceDefinition service S1
}
