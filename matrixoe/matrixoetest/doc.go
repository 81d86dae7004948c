// Package matrixoetest provides in-memory fakes of the matrixoe ports, with
// the real semantics, for tests and for a simulated estate.
//
//   - [Store] is the restored Matrix OE databases: it applies changes with
//     matrixoe.ApplyAll, the same code as a dry run, and keeps a journal
//     ([Store.Applied]).
//   - [Live] is the live side: VM power states (VMM), IP addresses in use
//     (live IO), services deleted after the backup, and the RM export the
//     operator provides. Its helpers script post-backup activity (PowerOn,
//     PowerOff, DeleteVM, AllocateIP, ReleaseIP, CreateService,
//     DeleteService, SetExport); [LiveFromSnapshot] starts it at backup
//     time; [LiveData] saves and loads it.
//   - [MarkServicesFile] plays the operator of IO phase 2.
//
// Every fake takes [Fault] rules (by operation and target: error, delay,
// panic, probability with a seeded generator, count) and is safe for
// concurrent use. Each fake has a rule set of its own unless [WithFaults]
// hands it a shared one; the rule engine is the same as vcemtest's and
// spmtest's, so one [Faults] can drive the fakes of all three packages.
package matrixoetest
