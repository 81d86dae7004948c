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

// startInputFingerprints starts fingerprinting everything st holds, keyed
// by input name.
func startInputFingerprints(st *state) map[string]*fingerprint {
	m := map[string]*fingerprint{}
	if st.services != nil {
		services := st.services
		m[InputServices] = startFingerprint(func() (string, error) { return fingerprintJSON(services) })
	}
	if st.vcem != nil {
		m[InputVCEMRestored] = startFingerprint(st.vcem.Fingerprint)
		if live := st.vcemLive; live != nil {
			m[InputVCEMLive] = startFingerprint(func() (string, error) { return vcem.FingerprintLive(live) })
		}
	}
	if st.spm != nil {
		m[InputSPMRestored] = startFingerprint(st.spm.Fingerprint)
		live := st.spmLive
		m[InputSPMLive] = startFingerprint(func() (string, error) { return spm.FingerprintLive(live) })
	}
	if st.moe != nil {
		m[InputMatrixOERestored] = startFingerprint(st.moe.Fingerprint)
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
	return joinFingerprints(m, startInputFingerprints(st))
}
