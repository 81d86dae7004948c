package vcem

import (
	"fmt"
	"time"
)

// This file is the one place where vcem relies on facts HP never published
// or that the project could not verify (tagged RECALL / INFER / GAP in
// shared/reference/mxsync-domain.md), and on the decisions the SDK takes in
// their place. Change them here when better evidence arrives. None of them is
// HP's documented behaviour unless marked FOUND.
//
// What a caller can override, and how:
//
//	guess                                   tag           default                 override
//	what the phase-2 resync writes           INFER / GAP   DefaultResyncModel      WithResyncModel (PredictResync)
//	resync a domain found in sync            ours, GAP     DefaultResyncInSync     WithResyncInSync
//	cancel attempts after a failure          ours          DefaultCancelAttempts   WithCancelAttempts
//	cleanup timeout                          ours          DefaultCleanupTimeout   WithCleanupTimeout
//	job state vocabulary                     GAP           JobState values         the adapter maps VCEM's text onto them
//	manual texts of findings                 ours          manual… below           findings are data: rewrite Manual
//	node WWN held in the pool                INFER         nodeWWNHeldInPool       none: a rule of the data model (below)
//	node WWN rule for VCEM-pool only         FOUND / INFER nodeWWNRuleApplies      none: a rule of the data model (below)
//	profile identity (ProfileKey)            ours, GAP     domain ID + name        none: the model's identity
//
// The last three are rules Validate, Apply and the analysis must share:
// Apply and Validate have fixed signatures (the contract of the three
// sections), so a per-call override would let them disagree with the
// analysis. A caller whose VCEM counts node WWNs otherwise needs them
// changed here, in one place.

// nodeWWNHeldInPool: a VCEM-pool FC or FCoE connection holds BOTH its port WWN
// and its node WWN (port + 1) in VCEM's WWN pool, so a port consumes two
// addresses of the range. INFER (unverified): follows from the FOUND rule
// "node WWN = port WWN + 1" (VC-SI p89) for pool-allocated WWNs; HP does not
// say how VCEM counts them.
const nodeWWNHeldInPool = true

// nodeWWNRuleApplies reports whether a connection of address type t must
// have node WWN = port WWN + 1, as Validate and the live-data checks demand.
// FOUND (VC-SI p89): VC gives the WWNs it assigns that pairing, and VCEM-pool
// WWNs are assigned that way. Not the others: a factory-default pair is the
// HBA's own (FOUND, reference/vc-cli.md §1.4: "FC ports on non-VC modules
// keep their factory WWNs"; RECALL,
// unverified: factory HBAs commonly pair e.g. port 21:00:… with node
// 20:00:…, not port + 1), and a user-defined connection's port and node WWNs
// are set separately (INFER from the VC CLI grammar, reference/vc-cli.md
// §1.4, itself INFERRED). The check only rejects data, so where the rule is
// not known to hold it is not applied.
func nodeWWNRuleApplies(t AddressType) bool { return t == AddressVCEMPool }

// heldInPool reports whether an address of the given connection type and
// field is expected In use by its profile in the restored VCEM pools.
func heldInPool(a profileAddr) bool {
	if a.typ != AddressVCEMPool {
		return false // factory-default and user-defined addresses are not VCEM's to hand out
	}
	if a.slot.part == "nodeWWN" {
		return nodeWWNHeldInPool
	}
	return true
}

// JobState is the state of a VCEM job. GAP: VCEM's own job state strings are
// not published (reference/vc-cli.md §2.2); these four are the SDK's
// vocabulary, and adapters map VCEM's text onto them.
type JobState string

// The SDK's job states (ours, not HP's strings).
const (
	JobPending   JobState = "pending"
	JobRunning   JobState = "running"
	JobCompleted JobState = "completed"
	JobFailed    JobState = "failed"
)

// Terminal reports whether a job in state s has ended.
func (s JobState) Terminal() bool { return s == JobCompleted || s == JobFailed }

// Valid reports whether s is one of the SDK's job states.
func (s JobState) Valid() bool {
	switch s {
	case JobPending, JobRunning, JobCompleted, JobFailed:
		return true
	}
	return false
}

// Manual action texts of the findings that need a human. The wording is the
// SDK's own; where HP's procedure is only partly known the text says so.

// manualUnreachable: FOUND (BR70 p40, p79) — mxsync reports the domain as
// inaccessible and offers to take its credentials; a restored domain VCEM
// cannot reach was removed from its group after the backup (Appendix E case
// 1: re-issue the Remove) or VCEM lost access to it (INFER: the only other
// cause the SDK knows).
func manualUnreachable(d Domain) string {
	group := "its VC Domain Group"
	if d.GroupID != "" {
		group = fmt.Sprintf("VC Domain Group %q", d.GroupID)
	}
	return fmt.Sprintf("VCEM cannot reach VC domain %q (VC Manager %s). If it was removed from %s after the backup, "+
		"supply its VC Manager credentials so its addresses can be read and protected, then re-issue \"Remove from "+
		"VC Domain Group\" for it in VCEM (Appendix E case 1). Otherwise it is still a member and VCEM lost access "+
		"to it: restore that access (network, VC Manager credentials in VCEM) and analyse again.", d.ID, d.Manager, group)
}

// manualAddedAfterBackup: INFER from BR70 p40 and Appendix E case 2 — a
// domain the restored database does not know, yet named by the caller for a
// read, can only have been added to a group after the backup; its
// addresses are read with credentials and the Add must be re-issued.
func manualAddedAfterBackup(d Domain) string {
	at := ""
	if d.Manager != "" {
		at = " (VC Manager " + d.Manager + ")"
	}
	return fmt.Sprintf("VC domain %q%s is not in the restored VCEM database, so it was added to a VC Domain Group "+
		"after the backup: supply its VC Manager credentials so its addresses can be read and marked External, "+
		"then re-issue \"Add to VC Domain Group\" for it in VCEM (Appendix E case 2, steps inferred). Then take "+
		"a new CMS backup.", d.ID, at)
}

// manualGroupRemoved: FOUND (BR70 p40, p79, Appendix E case 1) — the user
// re-issues the Remove from VC Domain Group request. The handling of the
// domain's remaining restored profiles is GAP (the page is cut off).
func manualGroupRemoved(domainID, group string) string {
	return fmt.Sprintf("Re-issue \"Remove from VC Domain Group\" for VC domain %q (group %q) in VCEM: the restored "+
		"database still lists it as a member (Appendix E case 1). Then take a new CMS backup.", domainID, group)
}

// manualGroupAdded: FOUND that the Add must be re-issued (BR70 p40);
// Appendix E case 2's details are GAP, the steps are INFER.
func manualGroupAdded(domainID, group string) string {
	return fmt.Sprintf("Re-issue \"Add to VC Domain Group\" for VC domain %q (group %q) in VCEM; this needs the "+
		"VC Manager credentials (Appendix E case 2, steps inferred). Then take a new CMS backup.", domainID, group)
}

// manualGroupMoved: INFER — a domain in a different group than recorded
// needs both requests re-issued.
func manualGroupMoved(domainID, from, to string) string {
	return fmt.Sprintf("VC domain %q is in group %q but the restored VCEM database has it in %q: re-issue the "+
		"Remove from / Add to VC Domain Group requests in VCEM (Appendix E cases 1 and 2, steps inferred). "+
		"Then take a new CMS backup.", domainID, to, from)
}

// manualModulesChanged: Appendix E case 3 is GAP; INFER — put the domain in
// VCEM maintenance (or resync it) so VCEM takes in the module change; HP
// recommends a new backup after it (FOUND, BR70 p79).
func manualModulesChanged(domainID string) string {
	return fmt.Sprintf("VC modules of domain %q changed after the backup: let VCEM take in the change (VC domain "+
		"maintenance or resync, Appendix E case 3, steps inferred), then take a new CMS backup.", domainID)
}

// manualConflict: beyond mxsync — the same address on two live profiles is a
// conflict only a human can settle.
func manualConflict(a AddressRef) string {
	return fmt.Sprintf("Give %s to one profile only: change or unassign the other profiles holding it.", a)
}

// DefaultResyncInSync is the resync policy (ours; RECALL for the
// maintenance semantics): a domain whose check says it is in sync is
// completed without a resync job (false; the caller changes it with
// [WithResyncInSync]); one that is out of sync is resynced under
// maintenance, then maintenance is completed. Any failure cancels
// maintenance, which (RECALL, unverified) rolls the domain back to its VC
// Domain Group configuration. mxsync's own behaviour here is GAP.
const DefaultResyncInSync = false

// Profile identity is ProfileKey (domain ID + name), the SDK's choice (what
// mxsync compares is GAP). It relies on profile names being unique within a
// VC domain (RECALL, unverified; checkLive rejects live data that repeats a
// name) and compares names exactly, case-sensitive (GAP: whether VC treats
// profile names case-insensitively is not in the notes).

// DefaultCancelAttempts is how many times cleanup tries CancelMaintenance
// within its bounded context before reporting the domain as possibly left
// in maintenance (ours; change it with [WithCancelAttempts]).
const DefaultCancelAttempts = 3

// DefaultCleanupTimeout bounds the fresh context that cancels maintenance
// after a failure (ours; change it with [WithCleanupTimeout]).
const DefaultCleanupTimeout = 2 * time.Minute

// What VCEM's phase-2 resync does to the VCEM database. FOUND: mxsync asks
// VCEM to resynchronise every VC domain it manages (BR70 p40); storage
// phase 2 then judges logical servers against "the updated VCEM database"
// (BR70 p59, table 16: an LS deactivated after the backup has its profile
// unassigned there). What the resync changes in the database is not
// published. The SDK's prediction, used by [PredictResync]:
//
//   - INFER (BR70 p59): for a profile on both sides (same [ProfileKey]), the
//     database takes the domain's assignment: its bay, or unassigned.
//   - INFER: only domains that VCEM manages and reaches are resynced — a
//     domain of the snapshot read live through VCEM (see [resyncedByVCEM]).
//     A domain read only with caller-supplied credentials is one VCEM cannot
//     reach (added to or removed from a group after the backup, Appendix E):
//     its resync is not predicted.
//   - GAP, not predicted: profiles that exist only on the domain (created
//     after the backup) are NOT predicted to be imported into the database;
//     profiles that exist only in the database are NOT predicted to be
//     removed; connection, address, serial-number and module changes are NOT
//     predicted. Whatever the resync does beyond the bay is unknown.

// ResyncModel is the SDK's guess of what VCEM's phase-2 resync does to the
// database, used by [PredictResync]; [DefaultResyncModel] is the one
// described above, and a caller who knows better passes its own with
// [WithResyncModel].
type ResyncModel struct {
	// Resynced reports whether the resync updates the database from live
	// domain ld. Default (INFER): the snapshot knows the domain and it was
	// read through VCEM, reachable.
	Resynced func(s *Snapshot, ld LiveDomain) bool
	// Profile returns the changes the resync makes to a restored profile
	// whose live counterpart (same ProfileKey) is live. Default (INFER,
	// BR70 p59): a [SetProfileBay] to the live bay when it differs.
	Profile func(restored, live Profile) Changes
}

// DefaultResyncModel returns the SDK's resync model (INFER; see above).
func DefaultResyncModel() ResyncModel {
	return ResyncModel{Resynced: resyncedByVCEM, Profile: resyncedBay}
}

// WithResyncModel makes [PredictResync] use m; a nil field keeps the
// default's.
func WithResyncModel(m ResyncModel) AnalysisOption {
	return func(c *analysisConfig) {
		if m.Resynced != nil {
			c.model.Resynced = m.Resynced
		}
		if m.Profile != nil {
			c.model.Profile = m.Profile
		}
	}
}

// resyncedByVCEM reports whether VCEM's phase-2 resync is predicted to
// update the database from live domain ld (INFER, see above): the snapshot
// knows the domain, and it was read through VCEM, reachable.
func resyncedByVCEM(s *Snapshot, ld LiveDomain) bool {
	_, known := s.Domains[ld.Domain.ID]
	return known && ld.Reachable && !ld.ViaCredentials
}

// resyncedBay returns what the resync records for a profile: the bay the
// domain reports for it (INFER from BR70 p59: the domain's assignment,
// unassigned included).
func resyncedBay(restored, live Profile) Changes {
	if live.Bay == restored.Bay {
		return nil
	}
	return Changes{SetProfileBay{ProfileID: restored.ID, Bay: live.Bay}}
}
