package faultrule

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Set is an ordered list of rules with a seeded random generator and a log
// of the rules that fired. One Set may be handed to any number of fakes of
// any package; it is safe for concurrent use. A nil *Set has no rules. The
// zero value is an empty set seeded with 0.
type Set struct {
	mu    sync.Mutex
	rules []*entry
	rng   *rand.Rand
	hits  []Hit
}

type entry struct {
	Rule
	fired   int
	skipped int // matching calls let pass so far, up to Skip
}

// Hit records one rule that fired.
type Hit struct {
	Op     string // the call's operation
	Target string // the call's target that matched ("" when the call had none)
	Rule   int    // index of the rule in the order added since the last Clear
}

// NewSet returns an empty set whose probabilities draw from a generator
// seeded with seed, so the same rules and calls fire the same way each run.
func NewSet(seed uint64) *Set {
	return &Set{rng: newRand(seed)}
}

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Add appends a rule after checking it with [Rule.Validate]; an invalid
// rule is not added.
func (s *Set) Add(r Rule) error {
	if s == nil {
		return fmt.Errorf("faultrule: add rule %s: nil Set", r.name())
	}
	if err := r.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &entry{Rule: r})
	return nil
}

// Clear removes every rule; the hit log and the generator's position are
// kept.
func (s *Set) Clear() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// Hits returns the rules fired so far, in firing order.
func (s *Set) Hits() []Hit {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Hit(nil), s.hits...)
}

// Pick returns a copy of the rule that fires for op and targets, counting
// and logging it, or nil when none fires. It neither waits nor panics: it is
// for fakes that act on a rule themselves (a job that fails later, an HTTP
// answer); most calls use [Set.Check].
func (s *Set) Pick(op string, targets ...string) *Rule {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.rules {
		target, ok := e.matches(op, targets)
		if !ok || (e.Count > 0 && e.fired >= e.Count) {
			continue
		}
		if e.skipped < e.Skip {
			e.skipped++
			continue
		}
		if e.Probability > 0 && e.Probability < 1 {
			if s.rng == nil {
				s.rng = newRand(0)
			}
			if s.rng.Float64() >= e.Probability {
				continue
			}
		}
		e.fired++
		s.hits = append(s.hits, Hit{Op: op, Target: target, Rule: i})
		r := e.Rule
		return &r
	}
	return nil
}

// Check is what a fake calls at the start of an operation. It returns ctx's
// error at once when ctx is done (no rule is consulted); otherwise it applies
// the rule that fires for op and targets, if any: it waits the rule's Delay
// (returning ctx's error if ctx ends first), panics with its Panic, or
// returns its Err — nil for a delay-only rule.
func (s *Set) Check(ctx context.Context, op string, targets ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := s.Pick(op, targets...)
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
