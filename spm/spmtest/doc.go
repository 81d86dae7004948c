// Package spmtest holds in-memory implementations of the spm ports — the
// restored catalog ([Catalog], an spm.RestoredStore), the live arrays
// ([Arrays]), the Windows services ([Services]), the RecoveryMode store
// ([RecoveryMode]) and the SPM UI ([UI]) — with the same semantics as the
// real ones (the catalog applies changes with spm.Apply) and fault rules to
// inject failures. Every type is safe for concurrent use, and no fake
// panics on nil input.
//
// Every constructor takes options. [WithFaults] gives a fake the rule set
// it consults; hand one shared [Faults] to every fake — also to the
// vcemtest and matrixoetest fakes, which use the same engine — to drive a
// whole estate from one rule set. Without it each fake has a set of its
// own (its Faults method).
//
// Every fake exports its state as plain, JSON-able data (Data) and is
// rebuilt from it (New…FromData), so that a composed estate can be backed
// up and restored. Wiring is not state: options are given again on
// rebuild, and a rebuilt UI listens on a new URL.
//
// [WithInternalRecovery] wires the fake SPM service to a catalog, the
// arrays, the RecoveryMode store and the UI: started while RecoveryMode is
// InternalRecovery, it plays SPM's Internal Recovery on the catalog
// (spm.PredictInternalRecovery's changes, applied as SPM would), then the
// UI shows Manual Recovery Mode — so spm.Phase1 runs end to end on fakes.
package spmtest
