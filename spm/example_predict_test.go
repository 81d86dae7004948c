package spm_test

import (
	"context"
	"fmt"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Predict what SPM's Internal Recovery does to a restored catalog after
// Volume7 was unpresented from one host after the backup: Volume7's service
// is marked non-conformant, every volume is quarantined and given a
// Signature State, and Volume7's presentations are resynchronised from its
// array. Predicting again on the result changes nothing.
func ExamplePredictInternalRecovery() {
	restored := spmtest.Sample()
	arrays, _ := spmtest.NewArrays(spmtest.LiveFromSnapshot(restored))
	_ = arrays.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 8))
	live, _ := arrays.Live(context.Background())

	changes, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind()]++
		if c.Kind() != spm.KindQuarantine && c.Kind() != spm.KindSetSignatureState {
			fmt.Println(c)
		}
	}
	fmt.Println(kinds[spm.KindQuarantine], "quarantined,", kinds[spm.KindSetSignatureState], "signature states")

	recovered, _ := spm.ApplyAll(restored, changes)
	again, _ := spm.PredictInternalRecovery(recovered, live, spm.DefaultSignatureRules())
	fmt.Println("changes on a second run:", len(again))
	// Output:
	// mark storage service "svc-s2" non-conformant
	// set presentations of volume "vol7" to 50:01:43:80:00:00:00:07 (host "LSM_S2", LUN 2)
	// 5 quarantined, 5 signature states
	// changes on a second run: 0
}
