package vcem_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// A small estate at backup time: one group, two domains, two profiles.
func exampleBackup() *vcem.Snapshot {
	s, err := vcemtest.NewBuilder(
		addrpool.MustRange(addrpool.MAC(0x00215A9B0000), addrpool.MAC(0x00215A9B00FF)),
		addrpool.MustRange(addrpool.WWN(0x5001438002A30000), addrpool.WWN(0x5001438002A300FF)),
	).
		Group("g1", "Production").
		Domain(vcem.Domain{ID: "d1", Name: "Rack1", GroupID: "g1"}).
		Domain(vcem.Domain{ID: "d2", Name: "Rack2", GroupID: "g1"}).
		Profile("d1", vcemtest.ProfileSpec{Name: "web", Bay: "enc1:1", Ethernet: 1, FC: 1}).
		Profile("d2", vcemtest.ProfileSpec{Name: "db", Bay: "enc2:1", Ethernet: 1}).
		Build()
	if err != nil {
		panic(err)
	}
	return s
}

// Phase 1 on a scripted case: after the backup, profile "web" was deleted and
// its addresses went to a new profile "web2"; another profile "api" was
// created. The CMS is then restored from the backup.
func ExampleAnalyzePhase1() {
	ctx := context.Background()
	restored := exampleBackup()
	live, err := vcemtest.NewLive(restored)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = live.DeleteProfile("d1", "web")
	_, _ = live.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Ethernet: 1, FC: 1})
	_, _ = live.CreateProfile("d2", vcemtest.ProfileSpec{Name: "api", Ethernet: 1})
	live.RestoreVCEM("d1", "d2")

	lds, err := vcem.GatherLive(ctx, live, restored, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	findings, err := vcem.AnalyzePhase1(restored, lds)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Code, f.Subject.DomainID, f.Subject.ProfileID, f.Subject.LiveProfiles)
		for _, c := range f.Changes {
			fmt.Println("  ", c)
		}
	}

	// The changes resolve every finding: apply them to a copy, analyse again.
	predicted := restored.Clone()
	for _, c := range vcem.ChangesOf(findings) {
		if err := vcem.Apply(predicted, c); err != nil {
			fmt.Println(err)
		}
	}
	again, _ := vcem.AnalyzePhase1(predicted, lds)
	fmt.Println("findings after applying:", len(again))
	// Output:
	// VCEM-ADDR-REASSIGNED d1 d1:web [d1/web2]
	//    delete profile definition "d1:web"
	//    mark MAC 00-21-5A-9B-00-00 External
	//    mark WWN 50:01:43:80:02:A3:00:00 External
	//    mark WWN 50:01:43:80:02:A3:00:01 External
	// VCEM-ADDR-ALLOCATED-AFTER-BACKUP d2  [d2/api]
	//    mark MAC 00-21-5A-9B-00-02 External
	// findings after applying: 0
}

// A domain removed from its group after the backup is inaccessible to VCEM;
// with its VC Manager credentials its addresses are read and protected.
func ExampleGatherLive() {
	ctx := context.Background()
	restored := exampleBackup()
	live, _ := vcemtest.NewLive(restored)
	creds := vcem.NewCredentials("Administrator", "secret")
	_ = live.SetCredentials("d2", creds)
	_ = live.RemoveFromGroup("d2")
	_, _ = live.CreateProfile("d2", vcemtest.ProfileSpec{Name: "late", Ethernet: 1})
	live.RestoreVCEM("d1", "d2")

	for _, given := range []map[string]vcem.CredentialedDomain{
		nil,
		{"d2": {Target: vcem.DomainTarget{ID: "d2", Manager: "d2.vcm.example"}, Credentials: creds}},
	} {
		lds, _ := vcem.GatherLive(ctx, live, restored, given)
		findings, _ := vcem.AnalyzePhase1(restored, lds)
		fmt.Printf("credentials given: %v\n", given != nil)
		for _, f := range findings {
			fmt.Println(" ", f.Code, f.Subject.DomainID, len(f.Changes), "change(s)")
		}
	}
	fmt.Println(creds) // credentials print redacted
	// Output:
	// credentials given: false
	//   VCEM-DOMAIN-INACCESSIBLE d2 0 change(s)
	// credentials given: true
	//   VCEM-ADDR-ALLOCATED-AFTER-BACKUP d2 1 change(s)
	//   VCEM-DOMAIN-GROUP-CHANGED d2 0 change(s)
	// user=Administrator password=[REDACTED]
}

// Phase 2: every managed domain MAY need a resync; execution checks and
// resyncs each under VCEM maintenance, and never leaves one in maintenance.
func ExampleResyncDomains() {
	ctx := context.Background()
	findings, _ := vcem.AnalyzePhase2(exampleBackup())
	for _, f := range findings {
		fmt.Println(f.Code, f.Subject.DomainID)
	}

	m := vcemtest.NewManager(vcemtest.WithJobLatency(time.Millisecond))
	_ = m.AddDomain("d1", true)  // in sync
	_ = m.AddDomain("d2", false) // needs a resync
	results, err := vcem.ResyncDomains(ctx, m, vcem.ResyncDomainIDs(findings), vcem.WithConcurrency(2))
	for _, r := range results {
		fmt.Println(r.DomainID, r.Outcome, "resynced:", r.Resynced)
	}
	fmt.Println("error:", err, "in maintenance:", len(m.InMaintenance()))
	// Output:
	// VCEM-DOMAIN-MAY-NEED-RESYNC d1
	// VCEM-DOMAIN-MAY-NEED-RESYNC d2
	// d1 completed resynced: false
	// d2 completed resynced: true
	// error: <nil> in maintenance: 0
}

// Changes are data: they print, save as tagged JSON and read back.
func ExampleDecodeChange() {
	c := vcem.MarkExternalWWN{WWN: 0x5001438002A30010}
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	back, err := vcem.DecodeChange(b)
	fmt.Println(back, err, back == vcem.Change(c))
	// Output:
	// {"kind":"vcem.MarkExternalWWN","wwn":"50:01:43:80:02:A3:00:10"}
	// mark WWN 50:01:43:80:02:A3:00:10 External <nil> true
}

// Validate reports every inconsistency with the IDs at fault.
func ExampleSnapshot_Validate() {
	s := exampleBackup()
	p := s.Profiles["d2:db"]
	p.DomainID = "d9"
	s.Profiles["d2:db"] = p
	s.Domains["d1"] = vcem.Domain{ID: "d1", GroupID: "g7"}
	for _, is := range s.Issues() {
		fmt.Println(is)
	}
	// Output:
	// vcem: invalid snapshot: unknown-group: "d1", "g7" field groupId: domain "d1" is in group "g7", which the snapshot does not hold
	// vcem: invalid snapshot: unknown-domain: "d2:db", "d9" field domainId: profile "d2:db" is in domain "d9", which the snapshot does not hold
}

// VC's node WWN is the port WWN plus one.
func ExampleCheckNodeWWN() {
	port := addrpool.WWN(0x50060B0000C26200)
	node, _ := vcem.NodeWWNFor(port)
	fmt.Println(node, vcem.CheckNodeWWN(port, node) == nil)
	fmt.Println(vcem.CheckNodeWWN(port, port))
	// Output:
	// 50:06:0B:00:00:C2:62:01 true
	// vcem: node WWN 50:06:0B:00:00:C2:62:00 does not follow port WWN 50:06:0B:00:00:C2:62:00 (want 50:06:0B:00:00:C2:62:01 = port + 1)
}
