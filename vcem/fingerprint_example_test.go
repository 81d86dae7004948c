package vcem_test

import (
	"fmt"

	"github.com/mxsync-go/mxsync/vcem"
)

// A plan records the fingerprint (and its encoding version) of the state it
// was computed from; before executing, the state is fingerprinted again and
// a mismatch means the plan is stale.
func ExampleSnapshot_Fingerprint() {
	restored := exampleBackup()
	planned, err := restored.Fingerprint()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vcem.FingerprintVersion, planned[:7], len(planned))

	// A copy, however it was built, fingerprints the same.
	same, _ := restored.Clone().Fingerprint()
	fmt.Println("clone:", same == planned)

	// Any change — here one MAC marked External — moves the fingerprint.
	moved := restored.Clone()
	mac := moved.Profiles["d1:web"].Ethernet[0].MAC + 0x40
	if err := vcem.Apply(moved, vcem.MarkExternalMAC{MAC: mac}); err != nil {
		fmt.Println(err)
		return
	}
	now, _ := moved.Fingerprint()
	fmt.Println("after a change:", now == planned, moved.Equal(restored))
	// Output:
	// vcem.Snapshot/canonical-v2 sha256: 71
	// clone: true
	// after a change: false false
}
