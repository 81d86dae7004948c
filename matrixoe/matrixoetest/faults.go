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

// Fault is one rule that makes a fake's operation fail, slow down or panic;
// the type is shared by the fakes of every package (internal/faultrule).
// Its fields:
//
//	Op           the operation: one of the package's Op… constants ("" = every operation)
//	Target       what is operated on: for OpApply a change Kind ("matrixoe.DropLS") or Target ("logical server LS1"); "" = any
//	Err          the error the call returns when the rule fires; nil makes a delay-only rule
//	Delay        waited before the call fails or proceeds; the context's end cuts it short
//	Panic        a value the call panics with after the delay (to prove callers clean up)
//	Probability  the chance in [0,1] that a matching call fires it, from the seeded generator; 0 and 1 mean always
//	Count        how many times it fires, then it is spent; 0 means unlimited
//	Skip         how many matching calls it lets pass before it fires, to fail a later call; 0 fires at once
//
// Rules are checked in the order added; the first that matches and fires
// applies.
type Fault = faultrule.Rule

// Faults is a set of fault rules shared by any number of fakes — of this
// package and of vcemtest and spmtest: hand it to each with [WithFaults],
// which every constructor of this package accepts. Rules are checked in the
// order added; the first that matches and fires applies (see [Fault] for a
// rule's fields). It is safe for concurrent use; a nil *Faults never fires.
type Faults = faultrule.Set

// FaultHit records one fired rule: the operation, the matched target and
// the rule's index.
type FaultHit = faultrule.Hit

// NewFaults returns an empty rule set whose probabilities draw from a
// generator seeded with seed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }
