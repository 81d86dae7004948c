package spmtest

// Option configures a fake. Every constructor of the package accepts every
// option; one that does not concern a fake (WithInternalRecovery on a
// catalog, say) is ignored by it.
type Option func(*options)

type options struct {
	faults   *Faults
	shared   bool // WithFaults was given
	recovery *InternalRecovery
	adopt    bool
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

// Adopt makes a constructor keep the snapshot or live side it is given instead
// of a copy: the caller hands it over and must not use it, nor anything it
// points to, afterwards. It is for loaders that build data only to give it
// to a fake (resynctest builds and loads estates of a million records this
// way, without a second copy of each); a test that keeps using its data
// must not give it.
func Adopt() Option { return func(o *options) { o.adopt = true } }

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
