package resynctest

import (
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// Backup is what a CMS backup holds and a CMS restore puts back: the
// product databases, as data. It holds only what the Env's stores show —
// the VCEM database, the SPM catalog, the RecoveryMode value of
// ApplicationConfig.xml, the Matrix OE databases — never the hardware's
// state, which a restore does not touch.
//
// The backup-time manifest is the engine's business: take it from the same
// estate at the same moment (resync.Capture on e.Env()) and keep it beside
// the Backup, as a backup script keeps it beside its backup.
type Backup struct {
	VCEM         *vcem.Snapshot     `json:"vcem"`
	SPM          *spm.Snapshot      `json:"spm"`
	RecoveryMode string             `json:"recoveryMode"`
	MatrixOE     *matrixoe.Snapshot `json:"matrixoe"`
}

// Fingerprints returns the fingerprint of each database of the backup,
// keyed by resync's store names (resync.InputVCEMRestored "vcem.restored",
// resync.InputSPMRestored, resync.InputMatrixOERestored), and under
// "spm.recoveryMode" the RecoveryMode value itself: what a test compares
// with Estate.Fingerprints after a restore.
func (b *Backup) Fingerprints() (map[string]string, error) {
	if b == nil {
		return nil, errors.New("resynctest: nil backup")
	}
	return fingerprints(b.VCEM, b.SPM, b.MatrixOE, b.RecoveryMode)
}

// Fingerprints returns the fingerprints of the estate's databases as they
// are now, keyed as Backup.Fingerprints keys them.
func (e *Estate) Fingerprints() (map[string]string, error) {
	b, err := e.Backup()
	if err != nil {
		return nil, err
	}
	return b.Fingerprints()
}

// LiveFingerprints returns fingerprints of the hardware's state — every VC
// domain (vcem.FingerprintLive, as the domains hold it, whatever VCEM can
// reach), the arrays (spm.FingerprintLive), VMM, the live IO and the RM
// export (matrixoe.FingerprintLive) — keyed by resync's input names
// (resync.InputVCEMLive, resync.InputSPMLive, resync.InputMatrixOELive):
// what a Restore must leave as it found.
func (e *Estate) LiveFingerprints() (map[string]string, error) {
	if e == nil {
		return nil, errors.New("resynctest: nil estate")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ld := e.vcemLive.Data()
	lds := make([]vcem.LiveDomain, 0, len(ld.Domains))
	for _, d := range ld.Domains {
		lds = append(lds, vcem.LiveDomain{Domain: d.Domain, Profiles: d.Profiles, Reachable: d.Reachable})
	}
	ml := e.moeLive.Data()
	return fingerprintAll(map[string]string{}, []namedFingerprint{
		{resync.InputVCEMLive, func() (string, error) { return vcem.FingerprintLive(lds) }},
		{resync.InputSPMLive, func() (string, error) { return spm.FingerprintLive(e.arrays.Data().Live) }},
		{resync.InputMatrixOELive, func() (string, error) {
			return matrixoe.FingerprintLive(&matrixoe.LiveState{VMPower: ml.VMs, IPs: ml.IPs, Export: ml.Export})
		}},
	})
}

// namedFingerprint is one fingerprint to take, by its key.
type namedFingerprint struct {
	name string
	fp   func() (string, error)
}

// fingerprintAll adds every fingerprint to out, and joins the errors.
func fingerprintAll(out map[string]string, fps []namedFingerprint) (map[string]string, error) {
	var errs []error
	for _, x := range fps {
		fp, err := x.fp()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", x.name, err))
			continue
		}
		out[x.name] = fp
	}
	return out, errors.Join(errs...)
}

// recoveryModeKey is the Fingerprints key of the RecoveryMode value.
const recoveryModeKey = "spm.recoveryMode"

func fingerprints(vs *vcem.Snapshot, cat *spm.Snapshot, ms *matrixoe.Snapshot, mode string) (map[string]string, error) {
	return fingerprintAll(map[string]string{recoveryModeKey: mode}, []namedFingerprint{
		{resync.InputVCEMRestored, vs.Fingerprint},
		{resync.InputSPMRestored, cat.Fingerprint},
		{resync.InputMatrixOERestored, ms.Fingerprint},
	})
}

// Backup returns a copy of the estate's databases as they are now.
func (e *Estate) Backup() (*Backup, error) {
	if e == nil {
		return nil, errors.New("resynctest: backup: nil estate")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return &Backup{
		VCEM:         e.vcemStore.Data().Snapshot,
		SPM:          e.catalog.Data().Snapshot,
		RecoveryMode: e.mode.Data().Value,
		MatrixOE:     e.moeStore.Data().Snapshot,
	}, nil
}

// Restore puts b's databases back, as a CMS restore does, while the
// hardware — VC domains, arrays, VMs, the live IO, the RM export the
// operator holds — keeps its state:
//
//   - the VCEM database becomes b's, and the live VCEM works from it (it
//     knows b's domains and allocates from b's pools); the VCEM manager
//     knows every domain of b, each in sync exactly when b agrees with what
//     the domain holds, so that VCEM phase 2 resyncs the others;
//   - the SPM catalog and RecoveryMode become b's, and the SPM UI leaves
//     Manual Recovery Mode;
//   - the Matrix OE databases become b's.
//
// The Windows services keep their state, and InfrastructureServices.txt
// (mxsync's working file, not a database) is left as it is. The changes
// the SDK applied before stay listed in the stores' Applied. b is checked
// whole first: an invalid backup is an error and nothing changes.
func (e *Estate) Restore(b *Backup) error {
	if e == nil {
		return errors.New("resynctest: restore: nil estate")
	}
	if err := b.validate(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	vs, cat, ms := b.VCEM.Clone(), b.SPM.Clone(), b.MatrixOE.Clone()
	byDomain := profilesByDomain(vs)
	sync := map[string]bool{}
	for id := range vs.Domains {
		ld, ok := e.vcemLive.Domain(id)
		sync[id] = ok && inSync(vs, byDomain, ld)
	}
	// Past validation nothing below can fail but a fake's own refusal,
	// which would be a bug of the estate: report it as such.
	if err := e.vcemStore.Update(func(s *vcem.Snapshot) error { *s = *vs; return nil }); err != nil {
		return fmt.Errorf("resynctest: restore VCEM database: %w", err)
	}
	if err := e.syncVCEM(); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range e.manager.Data().Domains {
		known[d.ID] = true
	}
	for _, id := range sortedKeys(vs.Domains) {
		var err error
		if known[id] {
			err = e.manager.SetInSync(id, sync[id])
		} else {
			err = e.manager.AddDomain(id, sync[id])
		}
		if err != nil {
			return fmt.Errorf("resynctest: restore VCEM manager: %w", err)
		}
	}
	if err := e.catalog.Update(func(s *spm.Snapshot) error { *s = *cat; return nil }); err != nil {
		return fmt.Errorf("resynctest: restore SPM catalog: %w", err)
	}
	e.mode.Set(b.RecoveryMode)
	e.ui.SetManualRecovery(false)
	if err := e.moeStore.Update(func(s *matrixoe.Snapshot) error { *s = *ms; return nil }); err != nil {
		return fmt.Errorf("resynctest: restore Matrix OE databases: %w", err)
	}
	return nil
}

// validate checks that every database of b is there and valid.
func (b *Backup) validate() error {
	if b == nil {
		return errors.New("resynctest: restore: nil backup")
	}
	var errs []error
	if b.VCEM == nil {
		errs = append(errs, errors.New("vcem: missing"))
	} else if b.VCEM.MACs == nil || b.VCEM.WWNs == nil {
		errs = append(errs, errors.New("vcem: both pools are required"))
	} else if err := b.VCEM.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("vcem: %w", err))
	}
	if b.SPM == nil {
		errs = append(errs, errors.New("spm: missing"))
	} else if err := b.SPM.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("spm: %w", err))
	}
	if b.MatrixOE == nil {
		errs = append(errs, errors.New("matrixoe: missing"))
	} else if err := b.MatrixOE.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("matrixoe: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("resynctest: restore: invalid backup: %w", err)
	}
	return nil
}
