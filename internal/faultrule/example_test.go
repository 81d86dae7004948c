package faultrule_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/internal/faultrule"
)

// One set, consulted by two fakes: each names its operations with its
// package's prefix, so each rule reaches exactly the call it means.
func ExampleSet_Check() {
	faults := faultrule.NewSet(1)
	offline := errors.New("array offline")
	_ = faults.Add(faultrule.Rule{Op: "spm.Live", Err: offline, Count: 1})
	_ = faults.Add(faultrule.Rule{Op: "vcem.ReadDomain", Target: "d2", Err: faultrule.ErrInjected})

	ctx := context.Background()
	fmt.Println(faults.Check(ctx, "spm.Live"))
	fmt.Println(faults.Check(ctx, "spm.Live"))
	fmt.Println(faults.Check(ctx, "vcem.ReadDomain", "d1"))
	fmt.Println(faults.Check(ctx, "vcem.ReadDomain", "d2"))
	for _, h := range faults.Hits() {
		fmt.Printf("%s %q rule %d\n", h.Op, h.Target, h.Rule)
	}
	// Output:
	// array offline
	// <nil>
	// <nil>
	// injected fault
	// spm.Live "" rule 0
	// vcem.ReadDomain "d2" rule 1
}

// A fake that answers HTTP turns a rule's error into a status.
func ExampleHTTPStatus() {
	faults := faultrule.NewSet(1)
	_ = faults.Add(faultrule.Rule{Op: "spm.UIGet", Err: faultrule.HTTPError{Status: 429}, Count: 1})
	_ = faults.Add(faultrule.Rule{Op: "spm.UIGet", Err: faultrule.ErrInjected})
	for range 2 {
		r := faults.Pick("spm.UIGet", "/")
		fmt.Println(faultrule.HTTPStatus(r.Err))
	}
	// Output:
	// 429
	// 503
}

// A rule without Err only slows the call down; an invalid rule is refused.
func ExampleSet_Add() {
	faults := faultrule.NewSet(1)
	fmt.Println(faults.Add(faultrule.Rule{Op: "matrixoe.Snapshot", Probability: 50}))
	fmt.Println(faults.Add(faultrule.Rule{Op: "matrixoe.Snapshot", Delay: 1}))
	fmt.Println(faults.Check(context.Background(), "matrixoe.Snapshot"))
	// Output:
	// faultrule: rule (op "matrixoe.Snapshot", target ""): probability 50 outside [0,1]
	// <nil>
	// <nil>
}
