// Package matrixoetest provides in-memory fakes of the matrixoe ports, with
// the real semantics, for tests and for a simulated estate.
//
//   - [Store] is the restored Matrix OE databases (a matrixoe.RestoredStore):
//     it applies one change per call with matrixoe.Apply, the same code as a
//     dry run, and keeps a journal ([Store.Applied]).
//   - [Live] is the live side: VM power states (VMM), IP addresses in use
//     (live IO), the live services with their VMs, services deleted after
//     the backup, and the RM export the operator provides. Its helpers script
//     post-backup activity with IO's own effects (PowerOn, PowerOff,
//     DeleteVM, AllocateIP, ReleaseIP, CreateService, DeleteService — which
//     releases the service's addresses and deletes its VMs — SetExport);
//     [LiveFromSnapshot] starts it at backup time.
//   - [ServicesFile] is InfrastructureServices.txt (a
//     matrixoe.ServicesFileStore) with a scripted operator
//     ([ServicesFile.Mark]); [MarkServicesFile] does the same to bytes.
//
// Every fake exports its whole state as plain, JSON-serialisable data and is
// rebuilt from it ([Store.Data] and [NewStoreFromData], [Live.Data] and
// [NewLiveFromData], [ServicesFile.Data] and [NewServicesFileFromData]), so a
// composed estate can back up and restore; the data decodes strictly.
//
// Every constructor takes the same [Option] values; [WithFaults] hands any
// of them a [Faults] rule set (by operation and target: error, delay, panic,
// probability with a seeded generator, count, skip — see [Fault]) that may be
// shared with the fakes of vcemtest and spmtest, since the rule engine is the
// same. Without it each fake has a rule set of its own. Every fake is safe
// for concurrent use, and a nil input is an error, never a panic.
package matrixoetest
