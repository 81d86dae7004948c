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
		s := st.vcem
		fp := func() (string, error) { return fps.forVCEM().Fingerprint(s) }
		if _, ok := st.prints[InputVCEMRestored]; !ok && st.planned {
			st.vcemChain = vcem.NewChain(s) // see state.planned
			fp = st.vcemChain.Fingerprint
		}
		start(InputVCEMRestored, fp)
		if live := st.vcemLive; live != nil {
			start(InputVCEMLive, func() (string, error) { return vcem.FingerprintLive(live) })
		}
	}
	if st.spm != nil {
		s, live := st.spm, st.spmLive
		fp := func() (string, error) { return fps.forSPM().Fingerprint(s) }
		if _, ok := st.prints[InputSPMRestored]; !ok && st.planned {
			st.spmChain = spm.NewChain(s) // see state.planned
			fp = st.spmChain.Fingerprint
		}
		start(InputSPMRestored, fp)
		start(InputSPMLive, func() (string, error) { return spm.FingerprintLive(live) })
	}
	if st.moe != nil {
		s, live := st.moe, st.moeLive
		fp := func() (string, error) { return fps.forMOE().Fingerprint(s) }
		if _, ok := st.prints[InputMatrixOERestored]; !ok && st.planned {
			st.moeChain = matrixoe.NewChain(s) // see state.planned
			fp = st.moeChain.Fingerprint
		}
		start(InputMatrixOERestored, fp)
		start(InputMatrixOELive, func() (string, error) { return matrixoe.FingerprintLive(live) })
	}
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
