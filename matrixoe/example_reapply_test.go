package matrixoe_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Re-applying a change whose effect is already there is a no-op, as after a
// crash between applying a change and journalling it; a conflict stays an
// error, and removing an absent record is ErrNotFound.
func ExampleApply_reapply() {
	s := matrixoe.NewSnapshot()
	s.Requests["R1"] = matrixoe.Request{ID: "R1", State: matrixoe.RequestInProgress}
	s.Requests["R2"] = matrixoe.Request{ID: "R2", State: matrixoe.RequestCompleted}

	term := matrixoe.TerminateRequest{RequestID: "R1"}
	fmt.Println("first:", matrixoe.Apply(s, term), s.Requests["R1"].State)
	before, _ := s.Fingerprint()
	fmt.Println("again:", matrixoe.Apply(s, term))
	after, _ := s.Fingerprint()
	fmt.Println("unchanged:", before == after)

	fmt.Println(matrixoe.Apply(s, matrixoe.TerminateRequest{RequestID: "R2"}))
	err := matrixoe.Apply(s, matrixoe.RemoveServiceDefinition{ServiceID: "S9"})
	fmt.Println(errors.Is(err, matrixoe.ErrNotFound), err)
	// Output:
	// first: <nil> cancelled
	// again: <nil>
	// unchanged: true
	// matrixoe: apply matrixoe.TerminateRequest to request R2: request "R2" is completed, neither unfinished nor cancelled: conflict
	// true matrixoe: apply matrixoe.RemoveServiceDefinition to service S9: service "S9": not found
}

// Storage phase 3 on the SPM catalog as Internal Recovery leaves it (table
// 15, Volume7): after the backup IO service S2 and SPE7 were deleted and
// Volume7 unpresented. spm.PredictInternalRecovery marks Volume7's service
// non-conformant and takes its presentations (none) from the array, so
// lsmanalyzer removes Volume7 from its SPE; the other volumes are conformant.
func ExampleAnalyzeLSMAnalyzer_afterInternalRecovery() {
	restored := spmtest.Sample()
	matching, _ := spmtest.LiveFromSnapshot(restored)
	arrays, _ := spmtest.NewArrays(matching)
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
	_ = spm.ApplyAll(recovered, recovery...)

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
