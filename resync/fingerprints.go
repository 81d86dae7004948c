package resync

import (
	"fmt"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// fingerprint is a store's fingerprint being computed on its own goroutine:
// on two cores, the inputs' six fingerprints and the phases' predicted ones
// run beside the analysis instead of after it.
type fingerprint struct {
	done chan struct{}
	fp   string
	err  error
}

// startFingerprint runs fn on a new goroutine. fn must only read what it
// fingerprints, and nothing may write it until the fingerprint is done.
func startFingerprint(fn func() (string, error)) *fingerprint {
	f := &fingerprint{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		defer func() {
			if r := recover(); r != nil {
				f.err = fmt.Errorf("panic: %v", r)
			}
		}()
		f.fp, f.err = fn()
	}()
	return f
}

func (f *fingerprint) wait() (string, error) {
	<-f.done
	return f.fp, f.err
}

// fingerprinters remember, for each database, the key orders of its last
// fingerprint: the restored databases and their predicted states after
// each phase share their keys but for a few (see vcem.Fingerprinter).
// Nil remembers nothing.
type fingerprinters struct {
	vcem vcem.Fingerprinter
	spm  spm.Fingerprinter
	moe  matrixoe.Fingerprinter
}

func (f *fingerprinters) forVCEM() *vcem.Fingerprinter {
	if f == nil {
		return nil
	}
	return &f.vcem
}

func (f *fingerprinters) forSPM() *spm.Fingerprinter {
	if f == nil {
		return nil
	}
	return &f.spm
}

func (f *fingerprinters) forMOE() *matrixoe.Fingerprinter {
	if f == nil {
		return nil
	}
	return &f.moe
}

// startPrints starts fingerprinting, into st.prints, every input st holds
// that is not being fingerprinted yet, the restored databases through
// st.fps. A section's live side is fingerprinted with its restored
// database, so a section must be read whole before (readFrom calls it
// after each section, and once after the restored VCEM database, whose
// live side is fingerprinted only once read).
func (st *state) startPrints() {
	if st.prints == nil {
		st.prints = map[string]*fingerprint{}
	}
	start := func(name string, fn func() (string, error)) {
		if _, ok := st.prints[name]; !ok {
			st.prints[name] = startFingerprint(fn)
		}
	}
	fps := st.fps
	if st.services != nil {
		services := st.services
		start(InputServices, func() (string, error) { return fingerprintJSON(services) })
	}
	if st.vcem != nil {
		start(InputVCEMRestored, restoredPrint(st, InputVCEMRestored, st.vcem, &st.vcemChain, vcem.NewChain, (*vcem.Chain).Fingerprint, fps.forVCEM().Fingerprint))
		if live := st.vcemLive; live != nil {
			start(InputVCEMLive, func() (string, error) { return vcem.FingerprintLive(live) })
		}
	}
	if st.spm != nil {
		live := st.spmLive
		start(InputSPMRestored, restoredPrint(st, InputSPMRestored, st.spm, &st.spmChain, spm.NewChain, (*spm.Chain).Fingerprint, fps.forSPM().Fingerprint))
		start(InputSPMLive, func() (string, error) { return spm.FingerprintLive(live) })
	}
	if st.moe != nil {
		live := st.moeLive
		start(InputMatrixOERestored, restoredPrint(st, InputMatrixOERestored, st.moe, &st.moeChain, matrixoe.NewChain, (*matrixoe.Chain).Fingerprint, fps.forMOE().Fingerprint))
		start(InputMatrixOELive, func() (string, error) { return matrixoe.FingerprintLive(live) })
	}
}

// restoredPrint is how a restored database s is fingerprinted: through a
// new predicted chain, kept in *chain, when a plan is computed from st and
// the input is not being fingerprinted yet (see state.planned), else by
// plain. The chain is started here, as the database is read, not when the
// fingerprint runs.
func restoredPrint[S, C any](st *state, input string, s *S, chain **C, newChain func(*S) *C,
	chainPrint func(*C) (string, error), plain func(*S) (string, error)) func() (string, error) {
	if _, ok := st.prints[input]; !ok && st.planned {
		c := newChain(s)
		*chain = c
		return func() (string, error) { return chainPrint(c) }
	}
	return func() (string, error) { return plain(s) }
}

// joinFingerprints waits for fs and records them in m.
func joinFingerprints(m map[string]string, fs map[string]*fingerprint) error {
	for _, name := range sortedKeys(fs) {
		fp, err := fs[name].wait()
		if err != nil {
			return fmt.Errorf("resync: fingerprint %s: %w", name, err)
		}
		m[name] = fp
	}
	return nil
}

// fingerprintInputs fingerprints everything st holds into m.
func fingerprintInputs(m map[string]string, st *state) error {
	st.startPrints()
	return joinFingerprints(m, st.prints)
}
