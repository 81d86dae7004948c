package spmtest

import "github.com/mxsync-go/mxsync/internal/faultrule"

// Operation names used by fault rules, with the target each fake passes.
// The names carry the "spm." prefix so that one [Faults] shared with the
// vcem and matrixoe fakes addresses each fake unambiguously.
const (
	OpSnapshot     = "spm.Snapshot"     // Catalog.Snapshot; target: the catalog ID
	OpApply        = "spm.Apply"        // Catalog.Apply; target: the change's Kind or its Target ("volume V1")
	OpLive         = "spm.Live"         // Arrays.Live; no target
	OpStatus       = "spm.Status"       // Services.Status; target: the service name
	OpStart        = "spm.Start"        // Services.Start fails; target: the service name
	OpCrash        = "spm.Crash"        // Services.Start succeeds, then the service stops (exit code 1067); target: the service name
	OpStop         = "spm.Stop"         // Services.Stop; target: the service name
	OpWait         = "spm.Wait"         // Services.WaitFor; target: the service name
	OpRecoveryMode = "spm.RecoveryMode" // RecoveryMode store; target: "get", "set" or "restore"
	OpUIGet        = "spm.UIGet"        // every request to the UI; target: the URL path
)

// Fault is one fault rule, the type every fake package shares
// (internal/faultrule.Rule). A fake consults its rules at the start of a
// call; the first rule that matches and fires applies. Its fields:
//
//   - Op: the operation the rule applies to, one of the Op… constants; "" matches every operation.
//   - Target: the call's target as each Op… constant documents it; "" matches every target.
//   - Err: what the call returns when the rule fires; nil makes a delay-only rule (there is no default: use [ErrInjected]). The [UI] answers an [HTTPError]'s status, 503 for any other error.
//   - Delay: waited before the call fails or proceeds; it ends early with the call's context.
//   - Panic: when non-nil, the call panics with it after the delay (to prove callers clean up).
//   - Probability: the chance, in [0,1], that a matching call fires it; 0 and 1 both mean always; draws come from the set's seeded generator.
//   - Count: how many times the rule may fire; 0 means unlimited.
//   - Skip: how many matching calls the rule lets through before it fires, so that a test can fail the N-th call (an engine that crashes at each point in turn).
type Fault = faultrule.Rule

// Faults is a set of fault rules with a seeded random source, shared by any
// number of fakes (of this package, vcemtest and matrixoetest): pass it to
// each with [WithFaults]. Rules are checked in the order added; the first
// that matches and fires applies. It is safe for concurrent use; a nil
// *Faults never fires.
type Faults = faultrule.Set

// HTTPError is a fault error carrying the HTTP status the fake [UI] answers
// with (400–599; [Faults.Add] refuses others).
type HTTPError = faultrule.HTTPError

// ErrInjected is a ready-made error for rules that only need a call to fail.
var ErrInjected = faultrule.ErrInjected

// NewFaults returns an empty rule set whose random draws come from seed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }
