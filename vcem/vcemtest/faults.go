package vcemtest

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Operation names used by fault rules. Each fake checks the rules at the
// start of the matching call, before touching its state.
const (
	OpSnapshot                  = "Snapshot"
	OpApply                     = "Apply"
	OpListDomains               = "ListDomains"
	OpReadDomain                = "ReadDomain"
	OpReadDomainWithCredentials = "ReadDomainWithCredentials"
	OpStartMaintenance          = "StartMaintenance"
	OpCheckInSync               = "CheckInSync"
	OpCompleteMaintenance       = "CompleteMaintenance"
	OpCancelMaintenance         = "CancelMaintenance"
	OpResync                    = "Resync"
	OpJob                       = "Job"
	OpWaitJob                   = "WaitJob"
	// OpJobRun is checked when a resync job finishes: an Err fails the job
	// (its message is the error's text); Delay and Panic are ignored.
	OpJobRun = "JobRun"
)

// Fault is one fault rule: when an operation matches Op and Domain, it fires
// with the given Probability, at most Count times, first waiting Delay
// (honouring the call's context), then panicking with Panic if set, then
// returning Err (which may be nil for a delay-only rule).
type Fault struct {
	Op          string        // operation (Op… constant); "" matches every operation
	Domain      string        // domain ID; for OpApply the profile ID or address; OpJob and OpSnapshot have none; "" matches any
	Err         error         // returned by the call
	Delay       time.Duration // waited before the call proceeds or fails
	Panic       any           // when non-nil, the call panics with this value
	Probability float64       // chance to fire per matching call; 0 means always
	Count       int           // how many times it may fire; 0 means unlimited
}

type rule struct {
	Fault
	fired int
}

// Faults is a set of fault rules shared by any number of fakes. Rules are
// checked in the order added; the first that matches and fires applies.
// Probabilities use a rand seeded at construction, so a run is repeatable.
// Faults is safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	rules []*rule
	rng   *rand.Rand
	log   []FaultHit
}

// FaultHit records one fired rule.
type FaultHit struct {
	Op     string
	Domain string
	Rule   int // index of the rule in the order added
}

// NewFaults returns an empty rule set whose probabilities draw from a rand
// seeded with seed.
func NewFaults(seed uint64) *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add appends a rule.
func (f *Faults) Add(r Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &rule{Fault: r})
}

// Clear removes every rule (the hit log is kept).
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Hits returns the rules fired so far, in order.
func (f *Faults) Hits() []FaultHit {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FaultHit(nil), f.log...)
}

// pick returns the rule that fires for op and domain, or nil.
func (f *Faults) pick(op, domain string) *Fault {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.rules {
		if (r.Op != "" && r.Op != op) || (r.Domain != "" && r.Domain != domain) {
			continue
		}
		if r.Count > 0 && r.fired >= r.Count {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && f.rng.Float64() >= r.Probability {
			continue
		}
		r.fired++
		f.log = append(f.log, FaultHit{op, domain, i})
		fault := r.Fault
		return &fault
	}
	return nil
}

// check applies the rule that fires for op and domain: waits its delay
// (returning ctx's error if ctx ends first), panics, or returns its error.
func (f *Faults) check(ctx context.Context, op, domain string) error {
	r := f.pick(op, domain)
	if r == nil {
		return nil
	}
	if r.Delay > 0 {
		t := time.NewTimer(r.Delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if r.Panic != nil {
		panic(r.Panic)
	}
	return r.Err
}

// jobFault returns the error of an OpJobRun rule that fires, or nil.
func (f *Faults) jobFault(domain string) error {
	if r := f.pick(OpJobRun, domain); r != nil {
		return r.Err
	}
	return nil
}
