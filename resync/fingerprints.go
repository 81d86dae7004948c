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

// startInputFingerprints starts fingerprinting everything st holds, keyed
// by input name, the restored databases through fps.
func startInputFingerprints(st *state, fps *fingerprinters) map[string]*fingerprint {
	m := map[string]*fingerprint{}
	if st.services != nil {
		services := st.services
		m[InputServices] = startFingerprint(func() (string, error) { return fingerprintJSON(services) })
	}
	if st.vcem != nil {
		s := st.vcem
		m[InputVCEMRestored] = startFingerprint(func() (string, error) { return fps.forVCEM().Fingerprint(s) })
		if live := st.vcemLive; live != nil {
			m[InputVCEMLive] = startFingerprint(func() (string, error) { return vcem.FingerprintLive(live) })
		}
	}
	if st.spm != nil {
		s := st.spm
		m[InputSPMRestored] = startFingerprint(func() (string, error) { return fps.forSPM().Fingerprint(s) })
		live := st.spmLive
		m[InputSPMLive] = startFingerprint(func() (string, error) { return spm.FingerprintLive(live) })
	}
	if st.moe != nil {
		s := st.moe
		m[InputMatrixOERestored] = startFingerprint(func() (string, error) { return fps.forMOE().Fingerprint(s) })
		live := st.moeLive
		m[InputMatrixOELive] = startFingerprint(func() (string, error) { return matrixoe.FingerprintLive(live) })
	}
	return m
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
	return joinFingerprints(m, startInputFingerprints(st, nil))
}
