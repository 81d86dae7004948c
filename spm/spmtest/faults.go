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
	OpRecoveryMode = "spm.RecoveryMode" // RecoveryMode store; target: "get" or "set"
	OpUIGet        = "spm.UIGet"        // every request to the UI; target: the URL path
)

// Fault is one fault rule, the type shared by every fake package: when a
// call matches Op and Target (see the Op… constants; "" matches any) it
// fires with the given Probability, at most Count times, first waiting Delay
// (honouring the call's context), then panicking with Panic if set, then
// returning Err unchanged. Err nil makes a delay-only rule — there is no
// default error: set [ErrInjected] when any failure will do. For [UI], an
// Err that is an [HTTPError] sets the status answered; any other Err answers
// 503.
type Fault = faultrule.Rule

// Faults is a set of fault rules with a seeded random source, shared by any
// number of fakes (of this package, vcemtest and matrixoetest). Rules are
// checked in the order added; the first that matches and fires applies. It
// is safe for concurrent use; a nil *Faults never fires.
type Faults = faultrule.Set

// HTTPError is a fault error carrying the HTTP status the fake [UI] answers
// with (400–599; [Faults.Add] refuses others).
type HTTPError = faultrule.HTTPError

// ErrInjected is a ready-made error for rules that only need a call to fail.
var ErrInjected = faultrule.ErrInjected

// NewFaults returns an empty rule set whose random draws come from seed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }
