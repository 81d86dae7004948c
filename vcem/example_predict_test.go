package vcem_test

import (
	"context"
	"fmt"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// Predict what VCEM phase 2's resync does to the database: after the
// backup, profile "web" was unassigned and "db" moved to another bay. The
// resync starts from what phase 1 leaves (here phase 1 changes nothing:
// no address moved), and the database then records the domains' bays —
// the "updated VCEM database" that storage phase 2 reads.
func ExamplePredictResync() {
	restored := exampleBackup()
	live, _ := vcemtest.NewLive(restored)
	_ = live.UnassignProfile("d1", "web")
	_ = live.AssignProfile("d2", "db", "enc2:4")
	live.RestoreVCEM("d1", "d2")
	domains, _ := vcem.GatherLive(context.Background(), live, restored, nil)

	phase1, _ := vcem.AnalyzePhase1(restored, domains)
	afterPhase1 := restored.Clone()
	for _, c := range vcem.ChangesOf(phase1) {
		_ = vcem.Apply(afterPhase1, c)
	}

	changes, err := vcem.PredictResync(afterPhase1, domains)
	if err != nil {
		fmt.Println(err)
		return
	}
	afterPhase2 := afterPhase1.Clone()
	for _, c := range changes {
		fmt.Println(c)
		_ = vcem.Apply(afterPhase2, c)
	}
	for _, id := range []string{"d1:web", "d2:db"} {
		fmt.Printf("%s assigned=%t\n", id, afterPhase2.Profiles[id].Assigned())
	}
	// Output:
	// record profile "d1:web" unassigned
	// record profile "d2:db" assigned to bay "enc2:4"
	// d1:web assigned=false
	// d2:db assigned=true
}
