package resynctest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
)

// Build the Small estate, back it up, let an operator create a profile,
// restore the CMS, and read what the engine would read through the Env:
// VCEM phase 1 finds the profile's addresses allocated after the backup.
func Example() {
	ctx := context.Background()
	e, err := resynctest.Small(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()

	backup, _ := e.Backup()
	_ = e.Do(resynctest.Activity{Kind: resynctest.KindCreateProfile, Domain: "d1", Profile: "web2", Ethernet: 1, FC: 1})
	_ = e.Restore(backup)

	env := e.Env()
	restored, _ := env.VCEM.Store.Snapshot(ctx)
	live, _ := vcem.GatherLive(ctx, env.VCEM.Live, restored, nil)
	findings, _ := vcem.AnalyzePhase1(restored, live)
	for _, f := range findings {
		fmt.Println(f.Code, f.Subject)
	}
	// Output:
	// VCEM-ADDR-ALLOCATED-AFTER-BACKUP domain d1 live d1/web2 mac 00-17-A4-77-00-36 wwn 50:01:43:80:02:A0:00:6C wwn 50:01:43:80:02:A0:00:6D
}

// A history is data: it prints, decodes strictly and replays.
func ExampleEstate_Play() {
	e, _ := resynctest.Small(1)
	defer e.Close()
	history, err := resynctest.DecodeHistory([]byte(`[
		{"kind": "suspend-vm", "vm": "vm1"},
		{"kind": "allocate-ip", "ip": "10.20.0.35", "service": "S1"}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Play(context.Background(), history))

	_, err = resynctest.DecodeHistory([]byte(`[{"kind": "suspend-vm", "vm": "vm1", "bay": "enc1:1"}]`))
	fmt.Println(err)
	// Output:
	// <nil>
	// resynctest: history: [0]: resynctest: invalid activity: bay: suspend-vm does not take it
}

// The estate saves as JSON and loads back; a bad value is refused with its
// path.
func ExampleLoad() {
	e, _ := resynctest.Small(1)
	defer e.Close()
	doc, _ := e.MarshalJSON()
	back, err := resynctest.Load(strings.NewReader(string(doc)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer back.Close()
	domains, _ := back.Env().VCEM.Live.ListDomains(context.Background())
	fmt.Println(len(domains), "domains VCEM manages")

	bad := strings.Replace(string(doc), `"catalogId":"spm-cms1"`, `"catalogId":7`, 1)
	_, err = resynctest.Load(strings.NewReader(bad))
	fmt.Println(strings.SplitN(err.Error(), " (line", 2)[0])
	// Output:
	// 3 domains VCEM manages
	// resynctest: estate JSON: spm.catalog.catalogId: want a string, have a number
}
