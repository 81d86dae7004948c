package matrixoetest

import "github.com/mxsync-go/mxsync/internal/faultrule"

// Operation names for fault rules. The names carry the "matrixoe." prefix
// so that one [Faults] shared with the vcem and spm fakes addresses each
// fake unambiguously.
const (
	OpSnapshot      = "matrixoe.Snapshot"      // Store.Snapshot; no target
	OpApply         = "matrixoe.Apply"         // Store.Apply; targets: the change's Kind and its Target
	OpVMPowerStates = "matrixoe.VMPowerStates" // Live.VMPowerStates; no target
	OpIPAllocations = "matrixoe.IPAllocations" // Live.IPAllocations; no target
	OpRMExport      = "matrixoe.RMExport"      // Live.RMExport; no target

	OpWriteServicesFile = "matrixoe.WriteServicesFile" // ServicesFile.WriteServicesFile; no target
	OpReadServicesFile  = "matrixoe.ReadServicesFile"  // ServicesFile.ReadServicesFile; no target
)

// Fault is a rule that makes a fake's operation fail or slow down; the type
// is shared by every fake package.
//
// Op selects the operation (OpApply, ...; empty = every operation). Target
// selects, for Apply, a change Kind ("matrixoe.DropLS") or a change Target
// ("logical server LS1"); empty = any. Delay is waited first (cancelled by
// ctx); Panic, if set, is raised next; Err, if set, is returned (nil makes a
// delay-only rule). Probability in (0,1) fires the rule at random with the
// rule set's seeded generator (0 and 1 mean always). Count > 0 fires it that
// many times, then the rule is spent; 0 means forever.
type Fault = faultrule.Rule

// Faults is a set of fault rules shared by any number of fakes — of this
// package and of vcemtest and spmtest ([WithFaults]). Rules are checked in
// the order added; the first that matches and fires applies. It is safe
// for concurrent use; a nil *Faults never fires.
type Faults = faultrule.Set

// FaultHit records one fired rule: the operation, the matched target and
// the rule's index.
type FaultHit = faultrule.Hit

// NewFaults returns an empty rule set whose probabilities draw from a
// generator seeded with seed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }
