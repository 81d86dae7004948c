package spmtest

// Option configures a fake. Every constructor of the package accepts every
// option; one that does not concern a fake (WithInternalRecovery on a
// catalog, say) is ignored by it.
type Option func(*options)

type options struct {
	faults   *Faults
	shared   bool // WithFaults was given
	recovery *InternalRecovery
}

// WithFaults makes the fake consult f — which other fakes, of this package
// or of vcemtest and matrixoetest, may share — on every call, instead of a
// rule set of its own. A nil f means no faults. Without it, each fake has
// its own set (seeded with 1), reached through its Faults method.
func WithFaults(f *Faults) Option {
	return func(o *options) { o.faults, o.shared = f, true }
}

// WithInternalRecovery makes the fake Services play SPM's Internal
// Recovery when the SPM service starts (see [InternalRecovery]). Only
// [NewServices], [NewPhase1Services] and [NewServicesFromData] use it.
func WithInternalRecovery(r InternalRecovery) Option {
	return func(o *options) { o.recovery = &r }
}

func buildOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if !o.shared {
		o.faults = NewFaults(1)
	}
	return o
}
