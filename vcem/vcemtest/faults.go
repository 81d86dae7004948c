package vcemtest

import "github.com/mxsync-go/mxsync/internal/faultrule"

// Operation names used by fault rules. Each fake checks the rules at the
// start of the matching call, before touching its state. The names carry
// the "vcem." prefix so that one [Faults] shared with the spm and matrixoe
// fakes addresses each fake unambiguously.
const (
	OpSnapshot                  = "vcem.Snapshot"
	OpApply                     = "vcem.Apply"
	OpListDomains               = "vcem.ListDomains"
	OpReadDomain                = "vcem.ReadDomain"
	OpReadDomainWithCredentials = "vcem.ReadDomainWithCredentials"
	OpStartMaintenance          = "vcem.StartMaintenance"
	OpCheckInSync               = "vcem.CheckInSync"
	OpCompleteMaintenance       = "vcem.CompleteMaintenance"
	OpCancelMaintenance         = "vcem.CancelMaintenance"
	OpResync                    = "vcem.Resync"
	OpJob                       = "vcem.Job"
	OpWaitJob                   = "vcem.WaitJob"
	// OpJobRun is checked when a resync job finishes: an Err fails the job
	// (its message is the error's text); Delay and Panic are ignored.
	OpJobRun = "vcem.JobRun"
)

// Fault is one fault rule, the type every fake package shares (an alias of
// the internal faultrule.Rule, whose fields go doc does not show here):
//
//	Op           the operation, one of the Op… constants; "" matches every operation
//	Target       what the call is about (below); "" matches any target, or none
//	Err          returned when the rule fires; nil makes a delay-only rule
//	Delay        waited before the call fails or proceeds; ends early with the context
//	Panic        when non-nil, the call panics with it after the delay
//	Probability  the chance in [0,1] that a matching call fires; 0 and 1 mean always
//	Count        how many times the rule may fire; 0 means unlimited
//	Skip         matching calls let pass before it may fire (Skip 2, Count 1: the third)
//
// When a call matches Op and Target the rule fires as those fields say:
// first the Delay (honouring the call's context), then the Panic if set,
// then Err. For the vcem fakes the Target is the domain ID; for OpApply it
// is the change's Kind ("vcem.DeleteProfile") or its Target ("profile P1",
// "MAC 00-17-A4-77-00-00"), either matches; OpSnapshot, OpListDomains and
// OpJob have no target.
type Fault = faultrule.Rule

// Faults is a set of fault rules that any number of fakes — of this package
// and of spmtest and matrixoetest — may share. Rules are checked in the
// order added; the first that matches and fires applies. Probabilities use
// a rand seeded at construction, so a run is repeatable. Faults is safe for
// concurrent use; a nil *Faults never fires.
type Faults = faultrule.Set

// FaultHit records one fired rule: the operation, the matched target (the
// domain ID for most operations) and the rule's index.
type FaultHit = faultrule.Hit

// NewFaults returns an empty rule set whose probabilities draw from a rand
// seeded with seed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }

// jobFault returns the error of an OpJobRun rule that fires, or nil.
func jobFault(f *Faults, domainID string) error {
	if r := f.Pick(OpJobRun, domainID); r != nil {
		return r.Err
	}
	return nil
}
