// Package vcemtest holds in-memory implementations of the vcem ports, with
// the real semantics, for tests of code that drives VCEM — like
// net/http/httptest beside net/http.
//
//   - [Store] is a [vcem.RestoredStore]: a snapshot changed by [vcem.Apply],
//     the very function the dry run uses.
//   - [Live] is a [vcem.Live]: per-domain state, the live VCEM's pools, and
//     helpers that script post-backup activity (create, delete, assign and
//     unassign profiles; add and remove domains to and from groups; add and
//     remove modules; make a domain unreachable; restore VCEM's view).
//   - [Manager] is a [vcem.Manager]: maintenance and sync state per domain,
//     resync jobs that finish after a configurable latency, inspection
//     (domains in maintenance now, job and call history), and a hook
//     ([WithResyncHook]) through which a finished resync updates a store.
//   - [Faults] are rules shared by the fakes — also with the spmtest and
//     matrixoetest fakes, one engine for all: by operation and target (the
//     domain ID here), an error, a delay, a panic, a probability drawn from
//     a seeded rand, a count.
//   - [Builder] makes consistent snapshots for tests and benchmarks.
//
// Every fake is safe for concurrent use. Nothing is canned: each answer is
// computed from the fake's state, which only the scripting helpers and the
// port calls change. Every constructor takes options, [WithFaults] among
// them; every fake exports its whole state as plain, JSON-able data and is
// rebuilt from it ([Live.Data] and [LiveFromData], [Store.Data] and
// [StoreFromData], [Manager.Data] and [ManagerFromData]), so a composed
// estate can back up and restore; and no fake panics on nil input (a nil
// snapshot, change or context is an error).
package vcemtest
