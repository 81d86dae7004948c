// Package faultrule is the one fault-rule engine of the SDK's fakes
// (vcemtest, spmtest, matrixoetest). A [Set] holds [Rule] values matched by
// operation and target; each fake consults it at the start of a call, so a
// test — or a whole simulated estate — can make any call fail, slow down or
// panic, at random with a seeded generator, a limited number of times.
//
// One semantics for every fake:
//
//   - Rules are checked in the order added; the first that matches and fires
//     applies, and the others are not consulted for that call.
//   - A rule matches when its Op equals the call's operation and its Target
//     equals one of the call's targets; "" matches any operation or target
//     (including a call that has no target).
//   - Count 0 means unlimited; otherwise the rule fires that many times and
//     is spent (it stays in the set, matching nothing).
//   - Skip N lets the first N matching calls of an unspent rule pass (no
//     draw, no log entry, later rules consulted); the rule may fire from
//     the next one on. With Count 1 it fires on exactly the (N+1)-th
//     matching call.
//   - Probability 0 or 1 means always; in between the rule fires at random,
//     drawing from the set's generator, seeded at construction so a run is
//     repeatable. A draw is made only for a matching, unspent rule.
//   - A firing rule waits Delay (ending early with the context's error), then
//     panics with Panic if set, then returns Err unchanged. Err nil makes a
//     delay-only rule: there is no default error ([ErrInjected] is there to
//     be set explicitly).
//   - A nil *Set has no rules: nothing ever fires.
//
// Operation names are namespaced by package ("vcem.Apply",
// "matrixoe.Apply", "spm.Apply"), so one Set handed to the fakes of every
// package addresses each of them unambiguously. Each fake package defines
// its operation names as constants and documents its targets.
package faultrule
