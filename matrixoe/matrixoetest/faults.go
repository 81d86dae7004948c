package matrixoetest

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Operation names for fault rules.
const (
	OpSnapshot      = "Snapshot"
	OpApply         = "Apply"
	OpVMPowerStates = "VMPowerStates"
	OpIPAllocations = "IPAllocations"
	OpRMExport      = "RMExport"
)

// Fault is a rule that makes a fake's operation fail or slow down.
//
// Op selects the operation (OpApply, ...; empty = every operation). Target
// selects, for Apply, a change Kind ("matrixoe.DropLS") or a change Target
// ("logical server LS1"); empty = any. Delay is waited first (cancelled by
// ctx). Err, if set, is returned. Probability in (0,1] fires the rule at
// random with the fake's seeded generator (0 means always). Count > 0 fires
// it that many times, then the rule is spent; 0 means forever.
type Fault struct {
	Op          string
	Target      string
	Err         error
	Delay       time.Duration
	Probability float64
	Count       int
}

// faults is a rule list shared by the fakes; safe for concurrent use.
type faults struct {
	mu    sync.Mutex
	rules []*Fault
	rng   *rand.Rand
}

func newFaults(seed uint64) *faults {
	return &faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (f *faults) add(r Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &r)
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// check applies the first matching rule for op and any of targets.
func (f *faults) check(ctx context.Context, op string, targets ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	var hit *Fault
	for _, r := range f.rules {
		if r.Op != "" && r.Op != op {
			continue
		}
		if r.Target != "" && !contains(targets, r.Target) {
			continue
		}
		if r.Probability > 0 && f.rng.Float64() >= r.Probability {
			continue
		}
		hit = r
		break
	}
	var delay time.Duration
	var err error
	if hit != nil {
		delay, err = hit.Delay, hit.Err
		if hit.Count > 0 {
			hit.Count--
			if hit.Count == 0 {
				f.remove(hit)
			}
		}
	}
	f.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return err
}

func (f *faults) remove(r *Fault) {
	for i, x := range f.rules {
		if x == r {
			f.rules = append(f.rules[:i:i], f.rules[i+1:]...)
			return
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
