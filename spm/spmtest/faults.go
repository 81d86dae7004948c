// Package spmtest holds in-memory implementations of the spm ports — the
// restored catalog, the live arrays, the Windows services and the SPM UI —
// with the same semantics as the real ones (the catalog applies changes with
// spm.Apply) and fault rules to inject failures. Every type is safe for
// concurrent use.
package spmtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrInjected is wrapped by the errors of fault rules that set no Err.
var ErrInjected = errors.New("injected fault")

// Rule injects a fault into the operations it matches.
type Rule struct {
	// Op is the operation ("snapshot", "apply", "live", "status", "start",
	// "crash", "stop", "wait", "get"); "" matches every operation.
	Op string
	// Target is the ID or name operated on (change kind for "apply", service
	// name, URL path); "" matches every target.
	Target string
	// Err is returned (wrapped with the operation and target); nil means
	// ErrInjected. Ignored when Delay only is wanted: set DelayOnly.
	Err error
	// Status is the HTTP status the fake UI answers with (default 503).
	Status int
	// Delay is waited before the fault (or before the normal answer when
	// DelayOnly); the wait ends early when ctx does.
	Delay time.Duration
	// DelayOnly makes the rule only delay, never fail.
	DelayOnly bool
	// Probability in (0,1] fires the rule at random (seeded); 0 means 1.
	Probability float64
	// Count is how many times the rule fires; 0 means without limit.
	Count int
}

// Faults is a set of fault rules with a seeded random source, safe for
// concurrent use. The zero value is not usable; use NewFaults.
type Faults struct {
	mu    sync.Mutex
	rules []*ruleState
	rnd   *rand.Rand
}

type ruleState struct {
	Rule
	fired int
}

// NewFaults returns an empty rule set whose random draws come from seed.
func NewFaults(seed uint64) *Faults {
	return &Faults{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add adds a rule; it returns an error for a probability outside [0,1] or a
// negative count or delay.
func (f *Faults) Add(r Rule) error {
	if r.Probability < 0 || r.Probability > 1 {
		return fmt.Errorf("spmtest: rule %s/%s: probability %v outside [0,1]", r.Op, r.Target, r.Probability)
	}
	if r.Count < 0 || r.Delay < 0 {
		return fmt.Errorf("spmtest: rule %s/%s: negative count or delay", r.Op, r.Target)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &ruleState{Rule: r})
	return nil
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// match returns the first rule that fires for (op, target), counting it.
func (f *Faults) match(op, target string) (Rule, bool) {
	if f == nil {
		return Rule{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if (r.Op != "" && r.Op != op) || (r.Target != "" && r.Target != target) {
			continue
		}
		if r.Count > 0 && r.fired >= r.Count {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && f.rnd.Float64() >= r.Probability {
			continue
		}
		r.fired++
		return r.Rule, true
	}
	return Rule{}, false
}

// Check applies the first matching rule: it waits its delay (ending early
// with ctx's error) and returns its error, or nil when no rule fires or the
// rule only delays.
func (f *Faults) Check(ctx context.Context, op, target string) error {
	r, ok := f.match(op, target)
	if !ok {
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
	if r.DelayOnly {
		return nil
	}
	err := r.Err
	if err == nil {
		err = ErrInjected
	}
	return fmt.Errorf("spmtest: %s %q: %w", op, target, err)
}
