package vcemcli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mxsync-go/mxsync/vcem"
)

// Resync one domain under VCEM maintenance. Here vcemcli is the fake built
// into this package's test binary; on a CMS, New(creds) with the default
// options runs vcemcli from PATH (or WithPath(`C:\…\vcemcli.exe`)).
func ExampleClient() {
	dir, err := os.MkdirTemp("", "vcemcli-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	state, log := filepath.Join(dir, "state.json"), filepath.Join(dir, "runs.jsonl")
	if err := os.WriteFile(state, []byte(`{"User":"cmsadmin","Password":"s3cret","Domains":{"rack1":{}},"JobPolls":2}`), 0o600); err != nil {
		fmt.Println(err)
		return
	}

	c, err := New(vcem.NewCredentials("cmsadmin", "s3cret"),
		WithPath(os.Args[0]),
		WithEnv(envFake+"=1", envState+"="+state, envLog+"="+log, "GORACE=atexit_sleep_ms=0"),
		WithDomainNames(map[string]string{"d1": "rack1"}),
		WithPollInterval(1), // the fake's jobs end after two polls
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	res := vcem.ResyncDomain(context.Background(), c, "d1")
	fmt.Println(res.Outcome, res.Checked, res.InSync, res.Resynced, res.Job.State)
	fmt.Println(c.StartMaintenance(context.Background(), "d1") == nil)
	err = c.StartMaintenance(context.Background(), "d1")
	fmt.Println(err)
	// Output:
	// completed true false true completed
	// true
	// vcemcli: start maintenance of domain "d1": output says "already in maintenance" (exit 3): VC domain is already in maintenance: conflict; output: ERROR: VC Domain "rack1" is already in maintenance mode.
}
