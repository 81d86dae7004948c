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

// Storage phase 3 judges storage pool entries against what the arrays
// present now: Volume7 was unpresented from one initiator after the backup.
func ExampleWithArrayPresentations() {
	catalog := spmtest.Sample()
	arrays, _ := spmtest.NewArrays(spmtest.LiveFromSnapshot(catalog))
	_ = arrays.Unpresent(spmtest.Array3PAR, catalog.Volumes["vol7"].WWN, spmtest.SampleWWN("initiator", 8))
	live, _ := arrays.Live(context.Background())

	got, err := matrixoe.WithArrayPresentations(catalog, live)
	if err != nil {
		fmt.Println(err)
		return
	}
	presentedTo := func(s *spm.Snapshot, vol string) int {
		n := 0
		for _, p := range s.Presentations {
			if p.VolumeID == vol {
				n++
			}
		}
		return n
	}
	fmt.Printf("catalog: vol7 presented to %d initiator(s)\n", presentedTo(catalog, "vol7"))
	fmt.Printf("arrays: vol7 presented to %d initiator(s)\n", presentedTo(got, "vol7"))
	// Output:
	// catalog: vol7 presented to 2 initiator(s)
	// arrays: vol7 presented to 1 initiator(s)
}
