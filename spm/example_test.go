package spm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Analyse a restored catalog against the arrays after Volume7 was
// unpresented from one host after the backup (the white paper's Table 15).
func ExampleAnalyze() {
	restored := spmtest.Sample()
	arrays, _ := spmtest.NewArrays(spmtest.LiveFromSnapshot(restored))
	_ = arrays.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 8))
	live, _ := arrays.Live(context.Background())

	findings, err := spm.Analyze(restored, live)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Code, f.Subject.VolumeID, f.Changes)
	}
	// Output:
	// SPM-SIGNATURE-VALID spm1 []
	// SPM-SIGNATURE-VALID vol3 []
	// SPM-SIGNATURE-VALID vol5 []
	// SPM-UNPRESENTED-AFTER-BACKUP vol7 [quarantine volume "vol7" mark storage service "svc-s2" non-conformant]
	// SPM-SIGNATURE-VALID vol7 []
	// SPM-SIGNATURE-NOT-PRESENT volxp []
	// SPM-MANUAL-REENTRY  []
}

// Set RecoveryMode for Internal Recovery, then put back the value found.
func ExampleSetRecoveryMode() {
	dir, _ := os.MkdirTemp("", "spm-example")
	defer os.RemoveAll(dir)
	path := spm.ConfigPath(dir)
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	_ = os.WriteFile(path, []byte("<?xml version=\"1.0\"?>\r\n<Config>\r\n  <!-- keep -->\r\n  <RecoveryMode>Current</RecoveryMode>\r\n</Config>\r\n"), 0o644)

	ctx := context.Background()
	mc, err := spm.SetRecoveryMode(ctx, path, spm.RecoveryModeInternal)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Printf("found %q, backup made: %t\n%q\n", mc.Previous, mc.Backup != "", b)

	if _, err := spm.RestoreRecoveryMode(ctx, mc); err != nil {
		fmt.Println(err)
		return
	}
	b, _ = os.ReadFile(path)
	fmt.Printf("%q\n", b)
	// Output:
	// found "Current", backup made: true
	// "<?xml version=\"1.0\"?>\r\n<Config>\r\n  <!-- keep -->\r\n  <RecoveryMode>InternalRecovery</RecoveryMode>\r\n</Config>\r\n"
	// "<?xml version=\"1.0\"?>\r\n<Config>\r\n  <!-- keep -->\r\n  <RecoveryMode>Current</RecoveryMode>\r\n</Config>\r\n"
}

// Changes are data: they encode to tagged JSON and decode back.
func ExampleMarshalChange() {
	b, _ := spm.MarshalChange(spm.Quarantine{VolumeID: "vol7"})
	fmt.Println(string(b))
	c, _ := spm.UnmarshalChange(b)
	fmt.Printf("%T %s\n", c, c)
	// Output:
	// {"kind":"spm.Quarantine","volumeId":"vol7"}
	// spm.Quarantine quarantine volume "vol7"
}

// Apply one change to a copy of the catalog: the dry run of an execution.
func ExampleApply() {
	s := spmtest.Sample()
	next := s.Clone()
	if err := spm.Apply(next, spm.RemoveVolume{VolumeID: "vol7"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s.Volumes), len(s.Presentations), "->", len(next.Volumes), len(next.Presentations))
	fmt.Println(spm.Apply(next, spm.Quarantine{VolumeID: "vol7"}))
	// Output:
	// 5 5 -> 4 3
	// spm: spm.Quarantine: volume "vol7": not found
}

// Run the start-up of storage phase 1 against fakes: three services in
// order, RecoveryMode, SPM, then the wait for Manual Recovery Mode.
func ExamplePhase1_Run() {
	services, _ := spmtest.NewPhase1Services(spm.DefaultServiceNames())
	mode := spmtest.NewRecoveryMode("Current")
	ui := spmtest.NewUI(2) // shows Manual Recovery Mode from the 2nd poll
	defer ui.Close()
	ready, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(time.Millisecond, time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := spm.Phase1{Services: services, Config: mode, Ready: ready}.Run(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range services.Events() {
		fmt.Println(e)
	}
	fmt.Printf("RecoveryMode was %q; ready after %d polls\n", res.Mode.Previous, res.Ready.Polls)
	// Output:
	// start HP Extensible Storage & Server Adapter
	// start HP SPM Storage Module J2EE Service
	// start HP SPM Storage Module Service
	// start HP Storage Provisioning Manager Service
	// RecoveryMode was "Current"; ready after 2 polls
}

// Predict a volume's Signature State from the signature on its array.
func ExampleDeriveSignatureState() {
	v := spm.Volume{ID: "vol3", Name: "Volume3", SizeBytes: 1 << 30, ServiceID: "svc-ls3", Activation: "active"}
	onArray := spm.LiveVolume{Name: "Volume3", SizeBytes: 1 << 30,
		Signature: spm.Signature{Present: true, Version: 1, OwningCatalog: "spm-cms1", ServiceID: "svc-ls5", Activation: "active"}}
	fmt.Println(spm.DeriveSignatureState(spm.Array3PAR, "spm-cms1", v, onArray, spm.DefaultSignatureRules()))
	fmt.Println(spm.DeriveSignatureState(spm.ArrayXP, "spm-cms1", v, onArray, spm.DefaultSignatureRules()))
	// Output:
	// Service Mismatch
	// Not present
}
