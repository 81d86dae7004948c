package spm_test

import (
	"context"
	"encoding/json"
	"errors"
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
	matching, _ := spmtest.LiveFromSnapshot(restored)
	arrays, _ := spmtest.NewArrays(matching)
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

// Changes are data: plain json.Marshal writes the tagged form and
// DecodeChange reads it back.
func ExampleDecodeChange() {
	b, _ := json.Marshal(spm.Quarantine{VolumeID: "vol7"})
	fmt.Println(string(b))
	c, _ := spm.DecodeChange(b)
	fmt.Printf("%T %s\n", c, c)
	_, err := spm.DecodeChange([]byte(`{"kind":"spm.Quarantine","volumeID":"vol7"}`))
	fmt.Println(err)
	// Output:
	// {"kind":"spm.Quarantine","volumeId":"vol7"}
	// spm.Quarantine quarantine volume "vol7"
	// spm: change spm.Quarantine: volumeID: unknown field "volumeID" (field names are case-sensitive: did you mean "volumeId"?) (line 1, column 26)
	// volumeId: missing field "volumeId" (line 1, column 1)
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
	// spm: apply spm.Quarantine (volume vol7): volume "vol7" not found
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

// Predict what SPM's Internal Recovery does to a restored catalog after
// Volume7 was unpresented from one host after the backup: Volume7's service
// is marked non-conformant, every volume is quarantined and given a
// Signature State, and Volume7's presentations are resynchronised from its
// array. Predicting again on the result changes nothing.
func ExamplePredictInternalRecovery() {
	restored := spmtest.Sample()
	matching, _ := spmtest.LiveFromSnapshot(restored)
	arrays, _ := spmtest.NewArrays(matching)
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

	recovered := restored.Clone()
	_ = spm.ApplyAll(recovered, changes...)
	again, _ := spm.PredictInternalRecovery(recovered, live, spm.DefaultSignatureRules())
	fmt.Println("changes on a second run:", len(again))
	// Output:
	// mark storage service "svc-s2" non-conformant
	// set presentations of volume "vol7" to 50:01:43:80:00:00:00:07 (host "LSM_S2", LUN 2)
	// 5 quarantined, 5 signature states
	// changes on a second run: 0
}

// Wait for a self-signed SPM UI: the system roots reject its certificate at
// once (a TLS failure is never retried); pinning its SHA-256 digest accepts
// it, and the wait polls until the page shows Manual Recovery Mode.
func ExampleReadiness_Wait() {
	ui := spmtest.NewUI(3) // shows Manual Recovery Mode from the 3rd poll
	defer ui.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fast := spm.WithPollInterval(time.Millisecond, time.Millisecond)

	byDefault, err := spm.NewReadiness(ui.URL(), fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = byDefault.Wait(ctx)
	var tlsErr *spm.TLSError
	fmt.Println("default trust, TLS error:", errors.As(err, &tlsErr), "- polls answered:", ui.Polls())

	pinned, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := pinned.Wait(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pinned: Manual Recovery Mode after %d polls (HTTP %d)\n", res.Polls, res.Status)
	// Output:
	// default trust, TLS error: true - polls answered: 0
	// pinned: Manual Recovery Mode after 3 polls (HTTP 200)
}

// A Chain is a predicted catalog: changed batch by batch, all or nothing,
// and fingerprinted after each as cheaply as the batch was small.
func ExampleChain() {
	s := spm.NewSnapshot("cms1")
	s.Arrays["a1"] = spm.Array{ID: "a1", Type: spm.Array3PAR}
	s.Volumes["v1"] = spm.Volume{ID: "v1", ArrayID: "a1", WWN: 0x50002ac000000001}
	c := spm.NewChain(s)
	before, _ := c.Fingerprint()
	if err := c.Apply(spm.Quarantine{VolumeID: "v1"}); err != nil {
		fmt.Println(err)
	}
	err := c.Apply(spm.Quarantine{VolumeID: "v1"}, spm.RemoveVolume{VolumeID: "v9"})
	fmt.Println(err != nil, c.Snapshot().Volumes["v1"].Quarantined)
	after, _ := c.Fingerprint()
	want, _ := c.Snapshot().Fingerprint()
	fmt.Println(before != after, after == want, s.Volumes["v1"].Quarantined)
	// Output:
	// true true
	// true true false
}
