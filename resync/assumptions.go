package resync

import "github.com/mxsync-go/mxsync/spm"

// This file holds the engine's unverified facts and its own choices in their
// place. Each is a default the caller can override (an option of Analyze or
// Execute); each comment says FOUND, INFER, RECALL or GAP and why.

// ServicePolicy is the state one Insight Management Windows service should be
// in while the resync runs, and why.
type ServicePolicy struct {
	// Name is the service's display or key name, as spm.ServiceControl takes it.
	Name string `json:"name"`
	// Want is spm.ServiceRunning or spm.ServiceStopped.
	Want spm.ServiceState `json:"want"`
	// Why is shown in the finding.
	Why string `json:"why"`
}

// DefaultServicePolicy is the initial service check's recommendation.
//
// FOUND [BR70 p38]: as a rule the Insight Management services should not run
// while mxsync runs, yet mxsync depends on several of them; mxsync checks them
// and recommends which to stop and which to start. The list itself is not
// published (GAP). The entries below are the SDK's reading:
//   - the IO service is stopped: otherwise it could restart a request the
//     orchestration section terminates (FOUND reason, BR70 p42; the service
//     name is RECALL);
//   - the SPM service is stopped: RecoveryMode is edited while it is down and
//     storage phase 1 starts it (FOUND sequence, BR70 p41; name FOUND);
//   - HP Systems Insight Manager runs: VCEM and its CLI run inside it and
//     VCEM phase 2 asks VCEM to resync (INFER; name RECALL).
//
// Override it with WithServicePolicy; an empty policy skips the check.
func DefaultServicePolicy() []ServicePolicy {
	return []ServicePolicy{
		{Name: "HP Insight Orchestration", Want: spm.ServiceStopped, Why: "it could restart a request that the orchestration section terminates (BR70 p42)"},
		{Name: "HP Storage Provisioning Manager Service", Want: spm.ServiceStopped, Why: "RecoveryMode is set while it is stopped; storage phase 1 starts it (BR70 p41)"},
		{Name: "HP Systems Insight Manager", Want: spm.ServiceRunning, Why: "VCEM runs in it, and VCEM phase 2 asks VCEM to resynchronise the domains"},
	}
}

// DefaultResyncConcurrency is how many VC domains VCEM phase 2 resyncs at
// once by default. mxsync's own behaviour is not published (GAP); one
// domain at a time keeps at most one domain in maintenance, the safest
// reading; raise it with WithResyncConcurrency on large estates.
const DefaultResyncConcurrency = 1

// DefaultReadConcurrency is how many VC domains are read at once during
// analysis (reads only: no state changes). The SDK's choice.
const DefaultReadConcurrency = 8
