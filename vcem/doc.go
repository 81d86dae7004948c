// Package vcem models HP Virtual Connect Enterprise Manager (VCEM) as the
// restored CMS sees it — VC Domain Groups, VC domains, server profiles and
// the MAC and WWN pools — and implements mxsync's VCEM section: phase 1
// (addresses allocated or reassigned after the backup, domains added to or
// removed from a group, modules changed) and phase 2 (resync every managed
// domain under VCEM maintenance).
//
// # Shape
//
// vcem, spm and matrixoe speak one contract, so the resync engine treats
// every section alike:
//
//   - Model: [DomainGroup], [Domain], [Profile] with Ethernet, iSCSI, FCoE
//     and FC connections, each with an [AddressType].
//   - [Snapshot]: the restored VCEM database as a value; [Snapshot.Clone],
//     [Snapshot.Validate] (every issue wraps [ErrInvalidSnapshot]),
//     [Snapshot.Fingerprint] ("sha256:…"), [Snapshot.Equal] and [Diff]
//     (a []Difference), which agree with each other, nil and empty alike;
//     and a JSON form decoded strictly at every level.
//   - [Change]: [MarkExternalMAC], [MarkExternalWWN], [DeleteProfile] and
//     [SetProfileBay], as data whose plain json.Marshal carries its kind
//     ([DecodeChange], [Changes]); [Apply] is the one function that applies
//     a change to a snapshot — dry runs and the vcemtest store both use it
//     — and [ApplyAll] applies a batch all or nothing (a [*ChangeError]).
//     Every Apply error wraps exactly one of [ErrNotFound], [ErrConflict],
//     [ErrInvalid] and [ErrUnknownChange].
//   - Analysis: [AnalyzePhase1] and [AnalyzePhase2], pure functions that
//     return [Finding] values with stable [Code]s ([Codes] lists them).
//     [PredictResync] returns what VCEM's phase-2 resync will change in the
//     database (profile bay assignments), so a dry run can analyse the
//     storage section on the state the VCEM section leaves.
//   - Ports: [RestoredStore] (one change per call: one journal record),
//     [Live] and [Manager]; [GatherLive] reads the live side of phase 1
//     through them, and [FingerprintLive] and [DiffLive] tell whether it
//     moved; [ResyncDomains] executes phase 2 and reports its progress
//     ([WithObserver]); [PollJob] gives adapters that can only poll VCEM a
//     WaitJob.
//   - Package vcemtest holds in-memory implementations of the three ports
//     with fault rules.
//
// # Finding codes
//
// Severity means the same for every code: info, nothing to do; warning,
// changes to apply or a manual step to take; error, a manual step a human
// must take first. [Codes] is this table as data.
//
//	code                              phase  severity  resolved by
//	VCEM-ADDR-CONFLICT                1      error     manual: give the address to one profile only
//	VCEM-ADDR-REASSIGNED              1      warning   DeleteProfile of the stale profile, MarkExternal* of its live addresses
//	VCEM-ADDR-ALLOCATED-AFTER-BACKUP  1      warning   MarkExternalMAC / MarkExternalWWN
//	VCEM-DOMAIN-INACCESSIBLE          1      warning   manual: credentials, the Add/Remove re-issued, or VCEM's access restored
//	VCEM-DOMAIN-GROUP-CHANGED         1      warning   manual: re-issue Add to / Remove from VC Domain Group
//	VCEM-MODULES-CHANGED              1      warning   manual: let VCEM take in the module change
//	VCEM-DOMAIN-MAY-NEED-RESYNC       2      info      nothing in analysis: ResyncDomains checks it under maintenance
//
// # Decisions
//
// Profile identity. "The same profile" on the restored and live sides is
// the VCEM domain ID plus the profile name ([ProfileKey]). VCEM profile IDs
// are not visible on the VC Manager side (a domain read with credentials has
// none), while a profile keeps its name when it moves between bays or is
// unassigned, and names are unique within a VC domain (RECALL, unverified;
// live data with a repeated name is rejected); so the bay and the serial
// number are not part of identity either. HP does not say
// what mxsync compares (GAP in the reference notes); this is the SDK's
// choice. A domain read with credentials gets the ID the caller gives it
// ([DomainTarget]): the restored ID for a domain removed from a group.
//
// Node WWN. Virtual Connect sets node WWN = port WWN + 1 on the WWNs it
// assigns (FOUND, VC setup guide p89). [NodeWWNFor] and [CheckNodeWWN] are
// the only code that knows it; Validate and live-data checks apply it to
// VCEM-pool connections only — a factory-default or user-defined pair is
// not VC's to pair (see nodeWWNRuleApplies in assumptions.go). That a
// VCEM-pool FC port holds both WWNs in the WWN pool is an inference kept
// there too.
//
// Which live addresses count. Every live MAC and WWN (any address type) is
// compared with the restored pools; addresses outside every range are not
// VCEM's and are skipped (but still count for conflicts). Free in the
// restored pool means allocated after the backup (mark it External);
// External or Excluded means already never handed out (no change); In use by
// a profile with another identity means reassigned (delete that restored
// profile definition).
//
// Complete changes. Deleting a stale profile frees all its pool addresses,
// including the one now live elsewhere; so the reassigned finding's changes
// are DeleteProfile followed by MarkExternal of every address of that
// profile that is live anywhere. Applying [ChangesOf] phase 1 to a copy and
// analysing again therefore yields no finding with changes (tested for
// every case).
//
// Domains. A restored domain that could not be read is
// [CodeDomainInaccessible]: it was removed from its group after the backup
// (supply credentials, re-issue the Remove) or VCEM lost access to it
// (restore it). A domain the restored database does not know, named by the
// caller without credentials, can only have been added to a group after the
// backup: the same code, whose manual step is to supply credentials and
// re-issue the Add. A domain read with credentials has its addresses
// compared like any other — so addresses assigned after the backup are
// marked External — and a group difference is reported as
// [CodeDomainGroupChanged] with the manual re-issue of the Add/Remove
// request (Appendix E cases 1 and 2). Module differences are
// [CodeModulesChanged] (case 3), manual. The same address live on two
// connections is [CodeAddrConflict], which mxsync does not check.
//
// Validation. [Snapshot.Validate] reports every inconsistency at once as an
// errors.Join of [*ValidationIssue] values naming the IDs, field and address.
// Analysis refuses an invalid snapshot; an engine that validated once
// passes [Prevalidated] for the analyses that follow, since Apply keeps a
// snapshot valid.
//
// Hostile input. Every JSON form of the package is decoded strictly
// (internal/strictjson): unknown, repeated and case-folded keys, missing
// fields, null where a value is needed and trailing data are errors naming
// their JSON path; bad values are quoted by a short prefix; no decoding
// does work per address of a range. [Credentials] cannot be printed by any
// fmt verb, slog handler or JSON encoder.
//
// Maintenance safety. [ResyncDomain] never leaves a domain in maintenance
// knowingly: any error, failed job, cancelled context or panic leads to
// CancelMaintenance on context.WithoutCancel(ctx) bounded by a timeout and
// retried; a panic is recovered and returned as a [*PanicError] (not
// re-panicked, because resyncs run on worker goroutines). Only when
// cancelling fails too is the domain reported [OutcomeLeftInMaintenance].
// A domain already in maintenance before the request ([ErrInMaintenance])
// is someone else's and is left alone, reported not-started.
//
// Unverified facts (RECALL / INFER / GAP) and the SDK's own choices in their
// place are all in assumptions.go, each with a default a caller can
// override where the signatures allow it.
//
// # Concurrency
//
// Snapshot, like addrpool.Pool, is not safe for concurrent use; Clone gives
// each goroutine its own. Analysis functions only read their inputs and may
// run concurrently on the same unchanged inputs. Credentials, findings and
// changes are plain values.
package vcem
