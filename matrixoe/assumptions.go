package matrixoe

import (
	"errors"
	"fmt"
	"slices"
)

// This file holds every fact the package relies on that HP's documents do
// not settle, each tagged with where it comes from (the tags of
// reference/mxsync-domain*.md):
//
//   - FOUND:  read in an HP document, source given;
//   - INFER:  deduced from FOUND facts, unverified;
//   - RECALL: remembered practice, no document at hand;
//   - GAP:    not known; the value is ours.
//
// Each is overridable by the caller: an exported Default… function returns
// the default value (a fresh one: there is no package-level state to
// change), and an [AnalysisOption] — or, for what Apply does, a field of
// the change itself, so that a saved plan replays the same way whatever the
// defaults of the process that executes it — carries the caller's own.
//
// Choices that are ours by definition rather than guesses about HP are
// documented where they live and are replaced through a port: the RM export
// format ([RMExport]; GAP: HP's exportconfig format is not public — an
// adapter implements [ExportSource]) and the exact syntax of
// InfrastructureServices.txt ([ParseServicesFile]; its name and place are
// FOUND, BR70 p42 — another reading implements [ServicesFileStore]).

// RequestState is the state of an IO request. The spellings are ours (GAP:
// IO's own strings were not found); an adapter that reads IO's database
// maps IO's strings to these, or the caller passes its own vocabulary in
// [RequestStates].
type RequestState string

// IO request states, in the default vocabulary.
const (
	RequestScheduled       RequestState = "scheduled"        // FOUND as a state phase 1 terminates (BR70 p42)
	RequestPendingApproval RequestState = "pending-approval" // FOUND as a state phase 1 terminates (BR70 p42)
	RequestInProgress      RequestState = "in-progress"      // FOUND as a state phase 1 terminates (BR70 p42)
	RequestPaused          RequestState = "paused"           // INFER: terminated too (7.3 DMT paper's quiescing list)
	RequestCompleted       RequestState = "completed"        // INFER: a finished state
	RequestFailed          RequestState = "failed"           // INFER: a finished state
	RequestCancelled       RequestState = "cancelled"        // INFER: the state of a terminated request
)

// RequestStates is the request-state vocabulary of IO phase 1: which states
// it terminates, which it leaves alone, and the state a terminated request
// is left in. [AnalyzeIORequests] uses it; the [TerminateRequest] changes it
// proposes carry the state they found and the one they leave, so Apply
// needs no vocabulary.
type RequestStates struct {
	// Unfinished are the states IO phase 1 terminates, or the IO service
	// could run again a request that completed after the backup. FOUND:
	// scheduled, pending approval and in progress (BR70 p42); INFER: paused,
	// from the 7.3 Data Migration Tool paper's quiescing list ("in-progress,
	// paused or scheduled", mxsync-domain-more.md §4), unverified as part of
	// mxsync's list.
	Unfinished []RequestState `json:"unfinished"`
	// Finished are the states phase 1 leaves alone. INFER: completed, failed
	// and cancelled (requests with an End Date, mxsync-domain-more.md §4).
	Finished []RequestState `json:"finished"`
	// Terminated is the state a terminated request is left in; one of
	// Finished. INFER/GAP: IO's name for a terminated request was not found;
	// "cancelled".
	Terminated RequestState `json:"terminated"`
}

// DefaultRequestStates returns the default vocabulary (see the fields'
// documentation for each state's source).
func DefaultRequestStates() RequestStates {
	return RequestStates{
		Unfinished: []RequestState{RequestScheduled, RequestPendingApproval, RequestInProgress, RequestPaused},
		Finished:   []RequestState{RequestCompleted, RequestFailed, RequestCancelled},
		Terminated: RequestCancelled,
	}
}

// IsUnfinished reports whether IO phase 1 terminates a request in state s.
func (rs RequestStates) IsUnfinished(s RequestState) bool { return slices.Contains(rs.Unfinished, s) }

// Known reports whether s is a state of the vocabulary.
func (rs RequestStates) Known(s RequestState) bool {
	return rs.IsUnfinished(s) || slices.Contains(rs.Finished, s)
}

// Validate reports a vocabulary that cannot work: no unfinished state, a
// state in both lists or empty, or a terminated state that is not finished.
func (rs RequestStates) Validate() error {
	var errs []error
	if len(rs.Unfinished) == 0 {
		errs = append(errs, errors.New("no unfinished state"))
	}
	for _, s := range slices.Concat(rs.Unfinished, rs.Finished) {
		if s == "" {
			errs = append(errs, errors.New("an empty state"))
		}
	}
	for _, s := range rs.Unfinished {
		if slices.Contains(rs.Finished, s) {
			errs = append(errs, fmt.Errorf("state %s both unfinished and finished", q(string(s))))
		}
	}
	if !slices.Contains(rs.Finished, rs.Terminated) {
		errs = append(errs, fmt.Errorf("terminated state %s is not one of the finished states", q(string(rs.Terminated))))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("matrixoe: request states: %w: %w", err, ErrInvalid)
	}
	return nil
}

// RMImportRules are the readings of RM's import rules that the RM user
// guide leaves open (the rules themselves are FOUND: a group of the export
// replaces the group of the same name; the import fails on a name held in
// another recovery group set or a storage replication group held by a group
// of another set — RM user guide, mxsync-domain-more.md §3). The zero value
// is the default, so an [ApplyRMExport] change written without rules means
// the defaults.
type RMImportRules struct {
	// DeleteGroupsNotInExport makes the import delete the database's groups
	// the export does not list. Default false, INFER: HP's text does not say
	// the import deletes them, so they are kept and RM phase 1 reports each
	// (RM-GROUP-NOT-IN-EXPORT) for a human to decide.
	DeleteGroupsNotInExport bool `json:"deleteGroupsNotInExport,omitempty"`
	// AllowSRGAcrossSetsInExport accepts an export whose own groups of
	// different sets reference one storage replication group. Default false,
	// INFER: after such an import the site would hold it in two sets, which
	// RM's rule forbids; refusing it also keeps a re-import of the same
	// export from failing where the first succeeded (with true, re-applying
	// such an export is refused by RM's own rule).
	AllowSRGAcrossSetsInExport bool `json:"allowSrgAcrossSetsInExport,omitempty"`
	// ReplacedGroupsReleaseSRGs does not count a database group that the
	// export replaces (same name) as holding its storage replication groups
	// during the conflict check. Default false, INFER: RM's text does not
	// say whether replaced groups are deleted before the check, so the
	// stricter reading is kept — an export moving a replication group
	// between sets is RM-EXPORT-CONFLICT, for a human to resolve.
	ReplacedGroupsReleaseSRGs bool `json:"replacedGroupsReleaseSrgs,omitempty"`
}

// DefaultRMImportRules returns the default readings (all false).
func DefaultRMImportRules() RMImportRules { return RMImportRules{} }

// LSMAnalyzerReadings are our readings of lsmanalyzer's table 15 (BR70 p58)
// beyond its four sample rows, which are FOUND. [AnalyzeLSMAnalyzer]
// documents the whole rule; these are the choices a caller may read
// otherwise. Start from [DefaultLSMAnalyzerReadings].
type LSMAnalyzerReadings struct {
	// PartialPathMatches: a volume presented to some, not all, of its
	// entry's WWPNs (a path down) matches the entry. Default true, ours:
	// table 15 says only "presentation matches".
	PartialPathMatches bool `json:"partialPathMatches"`
	// JudgeAfterRemoval: a volume removed from a deleted service's entry
	// (Volume7) is judged at once as a volume in no entry, so it may be
	// added to another entry or deleted in the same pass. Default true, ours;
	// false leaves that to the next analysis.
	JudgeAfterRemoval bool `json:"judgeAfterRemoval"`
	// RemoveMissingVolumes: a catalog-based entry listing a volume the
	// catalog no longer has loses it (LSM-SPE-VOLUME-NOT-IN-CATALOG with
	// RemoveVolumeFromSPE). Default true, ours (table 15 has no such row);
	// false makes it a manual finding.
	RemoveMissingVolumes bool `json:"removeMissingVolumes"`
}

// DefaultLSMAnalyzerReadings returns the default readings.
func DefaultLSMAnalyzerReadings() LSMAnalyzerReadings {
	return LSMAnalyzerReadings{PartialPathMatches: true, JudgeAfterRemoval: true, RemoveMissingVolumes: true}
}

// Assumptions is every overridable guess of the package, for the analyses.
type Assumptions struct {
	RequestStates RequestStates       `json:"requestStates"`
	RMImport      RMImportRules       `json:"rmImport"`
	LSMAnalyzer   LSMAnalyzerReadings `json:"lsmAnalyzer"`
	// ProbablyDeletedServices makes IO phase 2 report a restored service
	// whose logical servers no longer exist (IO-SERVICE-PROBABLY-DELETED).
	// Default true; ours, beyond mxsync (which leaves such a service
	// silently, BR70 p42): false gives mxsync's behaviour.
	ProbablyDeletedServices bool `json:"probablyDeletedServices"`
}

// DefaultAssumptions returns every default.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		RequestStates:           DefaultRequestStates(),
		RMImport:                DefaultRMImportRules(),
		LSMAnalyzer:             DefaultLSMAnalyzerReadings(),
		ProbablyDeletedServices: true,
	}
}

// AnalysisOption overrides assumptions for one analysis call; every
// analysis accepts any of them and uses the part it needs.
type AnalysisOption func(*Assumptions)

// WithAssumptions replaces every assumption.
func WithAssumptions(a Assumptions) AnalysisOption { return func(o *Assumptions) { *o = a } }

// WithRequestStates replaces the request-state vocabulary (IO phase 1).
func WithRequestStates(rs RequestStates) AnalysisOption {
	return func(o *Assumptions) { o.RequestStates = rs }
}

// WithRMImportRules replaces the RM import readings (RM phase 1); the
// ApplyRMExport change proposed carries them.
func WithRMImportRules(r RMImportRules) AnalysisOption {
	return func(o *Assumptions) { o.RMImport = r }
}

// WithLSMAnalyzerReadings replaces the table 15 readings (storage phase 3).
func WithLSMAnalyzerReadings(r LSMAnalyzerReadings) AnalysisOption {
	return func(o *Assumptions) { o.LSMAnalyzer = r }
}

// WithProbablyDeletedServices turns IO-SERVICE-PROBABLY-DELETED on or off
// (IO phase 2).
func WithProbablyDeletedServices(on bool) AnalysisOption {
	return func(o *Assumptions) { o.ProbablyDeletedServices = on }
}

func assumptions(opts []AnalysisOption) Assumptions {
	a := DefaultAssumptions()
	for _, o := range opts {
		if o != nil {
			o(&a)
		}
	}
	return a
}
