// Package resync is the engine of mxsync-go: one call that analyses a
// restored CMS (Analyze) and one that repairs it (Execute), as HP's mxsync
// does section by section — but with a dry run that predicts every phase,
// a plan that is data, gated and journaled execution that can be resumed,
// and a backup-time manifest for a pre-restore what-if.
//
// # The job
//
//	env := estate.Env()                        // or real adapters on a CMS
//	plan, err := resync.Analyze(ctx, env)      // reads everything, writes nothing
//	plan.WriteReport(os.Stdout, resync.ReportOptions{})
//	plan.Save("plan.json")                     // review it; execute it later
//	res, err := resync.Execute(ctx, env, plan,
//		resync.WithPrompter(answers),          // resync.Answers for scripts
//		resync.WithJournal(dir))               // durable: resync.Resume(ctx, env, dir)
//
// # Phases
//
// In mxsync's order: the service check (which Insight Management services
// to stop or start, BR70 p38), VCEM 1 (addresses allocated or reassigned
// after the backup) and 2 (every domain resynced under maintenance), storage 1
// (SPM recovery: Internal Recovery, quarantine, the manual re-entry),
// 2 (logical-server refresh) and 3 (lsmanalyzer), orchestration 1 (requests in
// flight), 2 (services deleted after the backup) and 3 (IPs), and recovery
// management 1. A section whose ports are nil in the Env is skipped and the
// plan says so.
//
// # Exact dry run
//
// Each phase is analysed on the state the earlier phases will leave: their
// changes applied to in-memory copies of the restored databases, plus what the
// products do by themselves — VCEM's resync (vcem.PredictResync) and SPM's
// Internal Recovery (spm.PredictInternalRecovery), shown in the plan as
// predicted changes. mxsync warns that its later analyses may be wrong in
// analysis-only mode; these are not: Execute checks after every phase that
// the stores hold exactly what the plan predicted, and stops otherwise.
//
// # Safety
//
// Execute refuses a plan whose inputs moved (StaleError, naming the records
// that differ), a what-if plan and a run without a Prompter. After each phase
// it re-reads and re-analyses it and goes on only when nothing but manual
// steps remain and each was acknowledged. VCEM maintenance is always ended
// (vcem.ResyncDomains); RecoveryMode is put back to the value storage phase 1
// found once the storage section is done — the normal value is never
// invented. Credentials never reach plans, journals, events, logs or errors;
// a plan records which domains were read with credentials, not the
// credentials.
//
// # Journal and Resume
//
// With WithJournal, every step is one JSON line with a CRC-32C, flushed to
// disk before the step proceeds: phase started, change about to apply,
// change applied, maintenance started and ended, RecoveryMode replaced and
// restored, manual steps acknowledged, phase verified. A torn last line is cut;
// an OS lock keeps a second execute off the journal and is released when a
// process dies. Resume continues from the journal: applied changes are not
// applied again, the one in flight is checked against its store, open
// maintenance is cancelled first, and the end state equals an uninterrupted
// run's.
//
// # Prompts
//
// The questions mxsync asks — stop or start services, credentials for a
// domain added to or removed from a group, the IO services deleted after the
// backup — and the acknowledgement of each manual step go through a
// Prompter. Answers answers what it was told and refuses, naming the
// question, whatever it was not; Yes answers everything (drills only).
//
// # Manifest
//
// Capture, run by a backup script, records the databases being backed up and
// the live estate with their fingerprints. WithManifest makes Analyze prove
// the restored databases are that backup (MANIFEST-MISMATCH otherwise);
// WhatIf analyses the manifest's databases against today's estate: what a
// restore of that backup would cost now.
//
// # Code catalog
//
// Every code a plan can hold, generated from the packages (Codes), so it
// cannot drift:
//
//	code                                       phase            severity  resolution
//	SVC-SERVICE-MUST-STOP                      services 1       warning   resync.StopService (confirmed by the Prompter)
//	SVC-SERVICE-MUST-START                     services 1       warning   resync.StartService (confirmed by the Prompter)
//	SVC-SERVICE-PAUSED                         services 1       warning   manual: continue or stop the service, then analyse again
//	SVC-SERVICE-NOT-INSTALLED                  services 1       info      nothing to do
//	MANIFEST-MISMATCH                          vcem 1           error     manual: restore the backup the manifest describes (also storage 1 and 2 for the SPM and Matrix OE databases)
//	VCEM-ADDR-CONFLICT                         vcem 1           error     manual: give the address to one profile only
//	VCEM-ADDR-REASSIGNED                       vcem 1           warning   vcem.DeleteProfile of the stale profile, then vcem.MarkExternalMAC/vcem.MarkExternalWWN of its live addresses
//	VCEM-ADDR-ALLOCATED-AFTER-BACKUP           vcem 1           warning   vcem.MarkExternalMAC/vcem.MarkExternalWWN
//	VCEM-DOMAIN-INACCESSIBLE                   vcem 1           warning   manual: supply the VC Manager credentials, re-issue the Add/Remove request or restore VCEM's access
//	VCEM-DOMAIN-GROUP-CHANGED                  vcem 1           warning   manual: re-issue the Add to / Remove from VC Domain Group request
//	VCEM-MODULES-CHANGED                       vcem 1           warning   manual: let VCEM take in the module change (maintenance or resync)
//	VCEM-DOMAIN-MAY-NEED-RESYNC                vcem 2           info      none in analysis; ResyncDomains checks and resyncs the domain under maintenance
//	SPM-PRESENTED-AFTER-BACKUP                 storage 1        warning   spm.Quarantine: the array presents the volume to an initiator the catalog does not know
//	SPM-UNPRESENTED-AFTER-BACKUP               storage 1        warning   spm.Quarantine (+ spm.MarkServiceNonConformant for a conformant bound service): a catalog presentation is gone from the array
//	SPM-PRESENTATION-CHANGED                   storage 1        warning   spm.Quarantine: same initiator, other host/host group or LUN
//	SPM-SIGNATURE-VALID                        storage 1        warning   manual: unchanged since the backup, safe to take out of quarantine (Change Quarantine)
//	SPM-SIGNATURE-UNSUPPORTED-VERSION          storage 1        warning   manual: remove from the catalog or rewrite the signature
//	SPM-SIGNATURE-CORRUPT                      storage 1        error     manual: troubleshoot before taking out of quarantine
//	SPM-SIGNATURE-NOT-PRESENT                  storage 1        warning   manual: usable, ownership unprovable (XP/P9000: always; restore by hand)
//	SPM-SIGNATURE-NOT-PRESENT-CHANGED          storage 1        warning   manual: as above, and the volume changed since the backup
//	SPM-SIGNATURE-OWNING-CATALOG-MISMATCH      storage 1        warning   manual: owned by another SPM; normally do not import
//	SPM-SIGNATURE-UNEXPECTED-SERVICE-BINDING   storage 1        warning   manual: e.g. deactivate the bound service
//	SPM-SIGNATURE-ACTIVATION-LEVEL-MISMATCH    storage 1        warning   manual: run Matrix lsmanalyser, else fix by hand and rewrite the signature
//	SPM-SIGNATURE-SERVICE-MISMATCH             storage 1        warning   manual: e.g. deactivate the current service
//	SPM-OFFLINE-VOLUME                         storage 1        warning   manual removal in SPM (+ spm.RemoveVolume): an SPM_ volume the array no longer holds
//	SPM-VOLUME-MISSING                         storage 1        error     manual: a catalog volume (not SPM_) the array no longer holds
//	SPM-VOLUME-NOT-IN-CATALOG                  storage 1        warning   manual re-import: the array holds a volume signed by this catalog that the catalog lacks
//	SPM-ARRAY-UNREACHABLE                      storage 1        error     manual: make reachable (or evict) an array the live side does not report
//	SPM-MANUAL-REENTRY                         storage 1        warning   manual: the re-entry checklist (users, certificates, roles, security groups, templates, resources)
//	LSM-LS-PROFILE-DELETED                     storage 2        warning   DropLS (profile gone from the predicted VCEM database)
//	LSM-LS-DEACTIVATED                         storage 2        warning   SetLSDeactivated (activated, profile unassigned)
//	LSM-LS-POWER-CHANGED                       storage 2        warning   SetPowerState (VM resumed or suspended after the backup)
//	LSM-LS-VM-NOT-REPORTED                     storage 2        warning   manual (ours): VMM does not report the VM
//	LSM-LS-INOPERABLE                          storage 2        warning   manual: unmanage the inoperable logical server
//	LSM-VOL-NOT-IN-RESTORED-CATALOG            storage 3        warning   DeleteVolumeFromSPM (table 15, Volume2)
//	LSM-VOL-PRESENTED-WITHOUT-SPE              storage 3        warning   DeleteVolumeFromSPM (table 15, Volume4)
//	LSM-VOL-WWN-REUSED                         storage 3        warning   AddVolumeToSPE (table 15, Volume8)
//	LSM-VOL-WWN-AMBIGUOUS                      storage 3        warning   manual (ours): WWPNs of several or carved entries
//	LSM-VOL-SERVICE-DELETED                    storage 3        warning   RemoveVolumeFromSPE (table 15, Volume7)
//	LSM-VOL-PRESENTATION-MISMATCH              storage 3        warning   manual (ours): mismatch while the service is conformant
//	LSM-SPE-VOLUME-NOT-IN-CATALOG              storage 3        warning   RemoveVolumeFromSPE (ours): the catalog lost the volume
//	IO-REQUEST-UNFINISHED                      orchestration 1  warning   TerminateRequest
//	IO-SERVICE-DELETED                         orchestration 2  warning   RemoveServiceDefinition (marked * in InfrastructureServices.txt)
//	IO-SERVICE-PROBABLY-DELETED                orchestration 2  warning   manual (ours): mark it with * in InfrastructureServices.txt, or acknowledge
//	IO-IP-ALLOCATED-AFTER-BACKUP               orchestration 3  warning   MarkIPAllocated
//	RM-EXPORT-MISSING                          recovery 1       warning   manual: provide the RM configuration export
//	RM-EXPORT-CONFLICT                         recovery 1       error     manual: the import would fail; resolve the set conflicts in RM
//	RM-EXPORT-APPLY                            recovery 1       warning   ApplyRMExport
//	RM-GROUP-NOT-IN-EXPORT                     recovery 1       warning   manual (ours, INFER: the import keeps it)
//	RM-GROUP-DELETED-LS                        recovery 1       warning   UpdateRecoveryGroup
package resync
