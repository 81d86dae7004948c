// Package matrixoe models the Matrix OE side of a restored CMS — logical
// servers and storage pool entries (LSM), Infrastructure Orchestration
// services, requests and IP allocations (IO), and recovery management
// recovery groups (RM) — and analyses what HP's mxsync repairs in them:
// storage phases 2 and 3, IO phases 1–3 and RM phase 1.
//
// # Shape
//
// A [Snapshot] holds the restored (or predicted) databases; [Snapshot.Clone],
// [Snapshot.Equal], [Snapshot.Fingerprint] ("sha256:…") and [Diff] agree on
// what "the same" means (one canonical encoding decides all three), and
// [Snapshot.Validate] lists every inconsistency. Every mutation is a
// [Change] value with a stable Kind and a tagged JSON form that plain
// json.Marshal writes and [DecodeChange] (or a [Changes] list) reads back
// strictly; [Apply] is the one function that applies a change and [ApplyAll]
// applies a batch in place, all or nothing — used by dry runs, by the fakes
// in matrixoetest and by the engine's prediction. The live side is read once
// into a [LiveState], which [FingerprintLive] and [DiffLive] identify and
// compare, so a plan can be refused when the estate moved. Analyses are pure
// functions returning [Finding] values: a stable [Code] (catalogued by
// [Codes]), a [Severity], a typed [Subject], a message, and the changes that
// resolve it or a Manual step for a human. The restored databases are
// reached through the [RestoredStore] port, one change per call (one
// journal record). The names are the same in vcem and spm.
//
// Each analysis takes the PREDICTED state of the earlier phases, built by
// the packages that own it:
//
//   - VCEM after phases 1 and 2 ([AnalyzeLSRefresh]): the restored VCEM
//     snapshot with the changes of vcem.AnalyzePhase1's findings applied (a
//     profile phase 1 deletes is absent), then those of vcem.PredictResync
//     (each profile takes the bay its domain reports — INFER, kept in vcem's
//     assumptions.go);
//   - SPM after Internal Recovery ([AnalyzeLSMAnalyzer]): the restored
//     catalog with spm.PredictInternalRecovery's changes applied (volumes
//     quarantined, services that lost a presentation non-conformant,
//     presentations resynchronised from the arrays — FOUND, SPM21 p50), then
//     the operator's storage phase 1 changes that spm.Analyze still
//     proposes (removal of offline SPM_ volumes);
//   - this package's snapshot after the earlier matrixoe phases.
//
// # The change that crosses sections
//
// [DeleteVolumeFromSPM] (storage phase 3) is the only change with a part
// outside Matrix OE, and each part goes to its own section's one writer, so
// that SPM state is written by spm.Apply alone. The engine routes it:
//
//   - the change itself to the Matrix OE restored store ([RestoredStore.Apply];
//     [Apply] in a dry run): catalog-based storage pool entries stop listing
//     the volume (a no-op when none does);
//   - its SPM part, [DeleteVolumeFromSPM.SPMChange] — spm.RemoveVolume of the
//     same volume — to the SPM restored store (spm.Apply on the predicted
//     catalog in a dry run), as a journal record of its own.
//
// [SPMChangesOf] lists the SPM parts of a phase's changes, in order. When the
// SPM section is not configured, the SPM part cannot be applied and the
// engine says so; the Matrix OE part is still valid on its own.
//
// # Re-applying changes
//
// The engine journals each applied change and resumes after a crash, so the
// change in flight at the crash may be applied twice. [Apply] follows the
// rule vcem and spm share, change by change: re-applying a change whose
// effect is already there is a no-op (nil error, snapshot and Fingerprint
// unchanged), and a real conflict stays an error naming the IDs.
//
//	change                   already there → no-op          error
//	SetLSDeactivated         server deactivated             unknown server
//	SetPowerState            same power state               unknown server, bad state
//	AddVolumeToSPE           volume in that entry           volume in another entry, carved entry
//	RemoveVolumeFromSPE      volume absent from the entry   unknown entry
//	DeleteVolumeFromSPM      no entry references it         (its SPM part: spm's rule, an absent volume)
//	TerminateRequest         request in the To state        request in neither the From nor the To state
//	MarkIPAllocated          allocated to the same Owner    allocated to a service or another owner
//	ApplyRMExport            groups equal the export        conflicts (as on the first import)
//	UpdateRecoveryGroup      servers already unlisted       unknown group
//	DropLS                   —                              unknown server
//	RemoveServiceDefinition  —                              unknown service
//
// Removals of a whole record (DropLS, RemoveServiceDefinition, and the SPM
// part of DeleteVolumeFromSPM) of an absent record are errors wrapping
// ErrNotFound, as vcem's DeleteProfile of an unknown profile: "already
// removed" cannot be told from "never existed" (a typo, a plan for another
// estate), and saying nil would hide the second. A resuming engine knows
// which single change was in flight; for that change only it may take
// ErrNotFound from a removal as "already applied".
//
// # Finding codes
//
//	code                              section        phase  severity  resolution
//	LSM-LS-PROFILE-DELETED            storage        2      warning   DropLS (profile gone from the predicted VCEM database)
//	LSM-LS-DEACTIVATED                storage        2      warning   SetLSDeactivated (activated, profile unassigned)
//	LSM-LS-POWER-CHANGED              storage        2      warning   SetPowerState (VM resumed or suspended after the backup)
//	LSM-LS-VM-NOT-REPORTED            storage        2      warning   manual (ours): VMM does not report the VM
//	LSM-LS-INOPERABLE                 storage        2      warning   manual: unmanage the inoperable logical server
//	LSM-VOL-NOT-IN-RESTORED-CATALOG   storage        3      warning   DeleteVolumeFromSPM (table 15, Volume2)
//	LSM-VOL-PRESENTED-WITHOUT-SPE     storage        3      warning   DeleteVolumeFromSPM (table 15, Volume4)
//	LSM-VOL-WWN-REUSED                storage        3      warning   AddVolumeToSPE (table 15, Volume8)
//	LSM-VOL-WWN-AMBIGUOUS             storage        3      warning   manual (ours): WWPNs of several or carved entries
//	LSM-VOL-SERVICE-DELETED           storage        3      warning   RemoveVolumeFromSPE (table 15, Volume7)
//	LSM-VOL-PRESENTATION-MISMATCH     storage        3      warning   manual (ours): mismatch while the service is conformant
//	LSM-SPE-VOLUME-NOT-IN-CATALOG     storage        3      warning   RemoveVolumeFromSPE (ours): the catalog lost the volume
//	IO-REQUEST-UNFINISHED             orchestration  1      warning   TerminateRequest
//	IO-SERVICE-DELETED                orchestration  2      warning   RemoveServiceDefinition (marked * in InfrastructureServices.txt)
//	IO-SERVICE-PROBABLY-DELETED       orchestration  2      warning   manual (ours): mark it with * in InfrastructureServices.txt, or acknowledge
//	IO-IP-ALLOCATED-AFTER-BACKUP      orchestration  3      warning   MarkIPAllocated
//	RM-EXPORT-MISSING                 recovery       1      warning   manual: provide the RM configuration export
//	RM-EXPORT-CONFLICT                recovery       1      error     manual: the import would fail; resolve the set conflicts in RM
//	RM-EXPORT-APPLY                   recovery       1      warning   ApplyRMExport
//	RM-GROUP-NOT-IN-EXPORT            recovery       1      warning   manual (ours, INFER: the import keeps it)
//	RM-GROUP-DELETED-LS               recovery       1      warning   UpdateRecoveryGroup
//
// Table 15 row "Volume5 / Volume3, presentation matches, service
// conformant" yields no finding. Codes marked "ours" cover cases HP's tables
// do not show; they never change data without a human.
//
// # InfrastructureServices.txt
//
// [WriteServicesFile] writes the IO services of the restored database to
// [ServicesFilePath] (<SIM>\mxsync\data\InfrastructureServices.txt): one
// name per line, sorted, CRLF line ends. The operator marks each service
// deleted after the backup with a leading '*'; [ReadServicesFile] reads it
// back (syntax in [ParseServicesFile]). The file name and location are
// HP's (BR70 p42); the exact syntax rules are ours. The engine reaches the
// file through the [ServicesFileStore] port ([ServicesFileAt] on disk),
// beside the [RestoredStore] of the databases. Not every deleted service has
// to be marked (BR70 p42); beyond mxsync, IO phase 2 reports an unmarked
// service whose logical servers are all gone as probably deleted
// (IO-SERVICE-PROBABLY-DELETED, a manual step: mark it, or acknowledge).
//
// # Hostile and careless input
//
// Every JSON form of the package — snapshots, RM exports, live readings,
// changes, findings — is decoded strictly at every level through
// internal/strictjson: unknown, repeated and case-folded keys, missing
// required fields, null where a value is required, an address key not in
// canonical form, nesting deeper than strictjson.MaxDepth and trailing data
// are errors naming the JSON path, every problem at once. No error or
// message quotes more than a short prefix of a value, lists are cut after
// [MaxListedProblems], and work stays linear in the input (an RM export is
// read up to [MaxRMExportSize]; a hostile one cannot make the conflict check
// quadratic). Nothing in this package is secret.
//
// # Assumptions
//
// Every fact HP's documents do not settle lives in assumptions.go, tagged
// FOUND, INFER, RECALL or GAP with its source, and each can be overridden by
// the caller: the IO request-state vocabulary ([RequestStates]: "paused" as a
// state phase 1 terminates and "cancelled" as the state of a terminated
// request are INFER, the spellings ours), the readings of RM's import rules
// ([RMImportRules]: keeping groups absent from the export, refusing an export
// whose own groups of different sets share a storage replication group,
// counting a replaced group as a holder during the check — all INFER), our
// readings of table 15 beyond HP's four sample rows ([LSMAnalyzerReadings]),
// and IO-SERVICE-PROBABLY-DELETED, which goes beyond mxsync. The analyses take
// them as [AnalysisOption] values; the changes that depend on them
// ([TerminateRequest], [ApplyRMExport]) carry them, so Apply needs none and a
// saved plan replays the same way. The RM export format is ours
// ([RMExport]); HP's exportconfig format is not public.
package matrixoe
