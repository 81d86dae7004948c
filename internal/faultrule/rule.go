package faultrule

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"
)

// ErrInjected is a ready-made error for rules that only need a call to fail;
// a rule's Err is never defaulted to it.
var ErrInjected = errors.New("injected fault")

// Rule is one fault rule. It is plain data: copy it freely.
type Rule struct {
	// Op is the operation the rule applies to (a fake package's Op…
	// constant); "" matches every operation.
	Op string
	// Target is the ID or name operated on, as the fake documents for each
	// operation (a domain ID, a change kind, a service name, a URL path);
	// "" matches every target.
	Target string
	// Err is returned by the call when the rule fires; nil makes the rule
	// delay-only. Fakes that answer HTTP answer with the status of an
	// [HTTPError] (see [HTTPStatus]).
	Err error
	// Delay is waited before the call fails or proceeds; the wait ends early
	// with the context's error.
	Delay time.Duration
	// Panic, when non-nil, makes the call panic with this value after the
	// delay (to prove that callers clean up on every path).
	Panic any
	// Probability is the chance, in [0,1], that the rule fires on a
	// matching call; 0 and 1 both mean always.
	Probability float64
	// Count is how many times the rule may fire; 0 means unlimited.
	Count int
	// Skip is how many matching calls pass untouched before the rule may
	// fire: Skip 2 with Count 1 fails exactly the third matching call, so a
	// test can crash a sequence at each point in turn. Skipped calls draw no
	// probability and are not logged; later rules are consulted for them.
	Skip int
}

// Validate reports a rule that cannot mean what its author wanted: a
// probability outside [0,1] (or NaN), a negative count, skip or delay, or an
// [HTTPError] whose status is not a 4xx or 5xx failure.
func (r Rule) Validate() error {
	switch {
	case math.IsNaN(r.Probability) || r.Probability < 0 || r.Probability > 1:
		return fmt.Errorf("faultrule: rule %s: probability %v outside [0,1]", r.name(), r.Probability)
	case r.Count < 0:
		return fmt.Errorf("faultrule: rule %s: count %d is negative", r.name(), r.Count)
	case r.Skip < 0:
		return fmt.Errorf("faultrule: rule %s: skip %d is negative", r.name(), r.Skip)
	case r.Delay < 0:
		return fmt.Errorf("faultrule: rule %s: delay %v is negative", r.name(), r.Delay)
	}
	var he HTTPError
	if errors.As(r.Err, &he) && (he.Status < 400 || he.Status > 599) {
		return fmt.Errorf("faultrule: rule %s: HTTP status %d is not a 4xx or 5xx failure", r.name(), he.Status)
	}
	return nil
}

// name identifies a rule in error messages.
func (r Rule) name() string {
	return fmt.Sprintf("(op %q, target %q)", r.Op, r.Target)
}

// matches reports whether the rule applies to op and any of targets.
func (r *Rule) matches(op string, targets []string) (target string, ok bool) {
	if r.Op != "" && r.Op != op {
		return "", false
	}
	if r.Target == "" {
		if len(targets) > 0 {
			return targets[0], true
		}
		return "", true
	}
	for _, t := range targets {
		if t == r.Target {
			return t, true
		}
	}
	return "", false
}

// HTTPError is a rule error for fakes that answer HTTP (spmtest's SPM UI):
// such a fake answers with Status instead of its page. Fakes that do not
// answer HTTP return it like any other error.
type HTTPError struct {
	Status int // an HTTP failure status, 400–599
}

// Error names the status.
func (e HTTPError) Error() string {
	return fmt.Sprintf("injected HTTP %d %s", e.Status, http.StatusText(e.Status))
}

// HTTPStatus returns the status a fake that answers HTTP answers with for a
// rule's error: the status of an [HTTPError] in err's chain, else 503
// Service Unavailable.
func HTTPStatus(err error) int {
	var he HTTPError
	if errors.As(err, &he) {
		return he.Status
	}
	return http.StatusServiceUnavailable
}
