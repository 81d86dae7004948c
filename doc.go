// Package mxsync is the root of mxsync-go, a Go SDK that brings an HP Insight
// Management / Matrix OE Central Management Server (CMS) back in line with
// its estate after the CMS was restored from backup — the job of HP's
// mxsync tool, as a library.
//
// After a restore, the CMS databases describe the estate as it was at backup
// time while the hardware kept changing. The SDK finds every difference that
// matters and repairs the restored databases section by section, in
// mxsync's order: VCEM (addresses, domain resync), storage (SPM recovery,
// logical-server refresh, lsmanalyzer), Infrastructure Orchestration and
// Recovery Management.
//
// # Analyse, then execute
//
// Every section works the same way. A Snapshot value holds a restored
// database; analysis is a pure function of the restored and live snapshots
// that returns findings with stable codes, each carrying the changes that
// would repair it. Changes are plain, JSON-serialisable data, applied by the
// same code to an in-memory snapshot (for a dry run that predicts every
// later phase, and in the fakes) and through a port (for real). What the
// products do by themselves during a restore — VCEM's domain resync, SPM's
// Internal Recovery — is predicted as changes too (vcem.PredictResync,
// spm.PredictInternalRecovery), so the storage section is analysed on the
// state the earlier sections will leave.
//
// # Map
//
//   - [github.com/mxsync-go/mxsync/addrpool]: MAC and WWN addresses, ranges,
//     interval sets, VCEM address pools and the restored-vs-live diff.
//   - [github.com/mxsync-go/mxsync/vcem]: VC domains, groups and profiles, the
//     VCEM section's analysis (phases 1 and 2), resync under maintenance.
//   - [github.com/mxsync-go/mxsync/spm]: SPM catalog, ApplicationConfig.xml,
//     storage Windows services, SPM readiness, presentation analysis.
//   - [github.com/mxsync-go/mxsync/matrixoe]: logical servers, storage pool
//     entries, orchestration and recovery management, and their analyses.
//   - [github.com/mxsync-go/mxsync/resync]: the engine — Analyze (one dry run
//     predicting every phase), Plan as data, Execute (gated, journaled),
//     Resume, Prompter/Answers, the backup-time manifest (Capture, WhatIf).
//   - [github.com/mxsync-go/mxsync/resync/resynctest]: a whole CMS and its
//     estate in memory, for drills and for testing tools built on the SDK.
//   - vcem/vcm and vcem/vcemcli: real adapters (VC Manager CLI over SSH,
//     VCEM CLI).
//   - examples/restore-drill (the main job), examples/mxsync (the CLI),
//     examples/backup-hook, examples/scale.
//
// Each domain package has a test sub-package (vcemtest, spmtest,
// matrixoetest) with in-memory fakes of its ports, so callers can test their
// tools without hardware. The fakes share one fault-rule type, so a single
// seeded rule set can make any of them fail, stall or panic.
package mxsync
