// Package spmtest holds in-memory implementations of the spm ports — the
// restored catalog, the live arrays, the Windows services and the SPM UI —
// with the same semantics as the real ones (the catalog applies changes with
// spm.Apply) and fault rules to inject failures. Every fake has its own
// [Faults] in its exported Faults field; assign one shared *Faults to every
// fake — also to the vcemtest and matrixoetest fakes, which use the same
// engine — to drive a whole estate from one rule set. Every type is safe for
// concurrent use.
package spmtest
