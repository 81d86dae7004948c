package resync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// ManifestSchema is the version of the manifest's data format.
const ManifestSchema = 1

// CodeManifestMismatch: the restored database is not the backup the manifest
// describes (resync's own code; blocking).
const CodeManifestMismatch = "MANIFEST-MISMATCH"

// Manifest is what a backup script records beside its backup (Capture):
// every assignment and state the restore side will need — the databases
// being backed up (addresses and owners, profiles, domains and groups,
// volumes and presentations, logical servers, requests in flight, services,
// IPs) and what the live estate held at that moment — plus their
// fingerprints. After a restore, WithManifest makes Analyze prove the
// restored databases are that backup; before one, WhatIf answers "if I had to
// restore this backup now, what would the resync have to do?".
type Manifest struct {
	Schema     int       `json:"schema"`
	SDKVersion string    `json:"sdkVersion"`
	Created    time.Time `json:"created"`
	// Fingerprints of the databases (and live sides) captured, by input name
	// ("vcem.restored" is the VCEM database being backed up).
	Fingerprints map[string]string `json:"fingerprints"`
	State        Prior             `json:"state"`
	ID           string            `json:"id"`
}

// Capture reads the databases about to be backed up and the live estate, as
// a backup script runs it just before (or after) taking the backup. It
// writes nothing. The Env is the same one an execute would use: before a
// restore, its "restored" stores are the product databases in service.
func Capture(ctx context.Context, env *Env, opts ...Option) (*Manifest, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: Capture: nil Env", ErrInvalid)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	st, err := read(ctx, env, cfg, available(env, cfg), false)
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Schema: ManifestSchema, SDKVersion: SDKVersion, Created: cfg.now().UTC(),
		Fingerprints: map[string]string{},
		State: Prior{VCEM: st.vcem, VCEMLive: st.vcemLive, SPM: st.spm, SPMLive: st.spmLive,
			MatrixOE: st.moe, MatrixOELive: st.moeLive, Services: st.services},
	}
	if err := fingerprintInputs(m.Fingerprints, st); err != nil {
		return nil, err
	}
	m.ID, err = fingerprintJSON(m.Fingerprints)
	return m, err
}

// WhatIf is the pre-restore what-if: Analyze with the manifest's databases
// standing in for the restored ones and the live estate read now. The plan
// (WhatIf set) says what a restore of that backup would have to repair today
// — how many changes, how many manual steps — and cannot be executed.
func WhatIf(ctx context.Context, env *Env, m *Manifest, opts ...Option) (*Plan, error) {
	if env == nil || m == nil {
		return nil, fmt.Errorf("%w: WhatIf: nil Env or manifest", ErrInvalid)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	h := available(env, cfg)
	st, err := readFrom(ctx, env, cfg, h, &m.State, true)
	if err != nil {
		return nil, err
	}
	// A section the manifest does not hold cannot be predicted.
	h.vcem = h.vcem && st.vcem != nil
	h.spm = h.spm && st.spm != nil
	h.moe = h.moe && st.moe != nil
	del, src, err := deletedServices(ctx, env, cfg, st, h)
	if err != nil {
		return nil, err
	}
	p, err := compute(st, h, cfg, env, del, src)
	if err != nil {
		return nil, err
	}
	p.WhatIf = true
	p.Manifest = m.ID
	return p, p.seal()
}

// useManifest proves the restored databases are the manifest's backup: each
// database whose fingerprint differs gets a blocking finding naming the
// records that differ, at the head of its section's first phase.
func useManifest(p *Plan, st *state, m *Manifest) error {
	p.Manifest = m.ID
	type check struct {
		input string
		phase PhaseID
		diffs func() []string
	}
	checks := []check{
		{InputVCEMRestored, PhaseID{SectionVCEM, 1}, func() []string { return diffStrings(vcem.Diff(m.State.VCEM, st.vcem)) }},
		{InputSPMRestored, PhaseID{SectionStorage, 1}, func() []string { return diffStrings(spm.Diff(m.State.SPM, st.spm)) }},
		{InputMatrixOERestored, PhaseID{SectionStorage, 2}, func() []string { return diffStrings(matrixoe.Diff(m.State.MatrixOE, st.moe)) }},
	}
	for _, c := range checks {
		got, ok := p.Inputs[c.input]
		want, inManifest := m.Fingerprints[c.input]
		if !ok || !inManifest || got == want {
			continue
		}
		if c.input == InputSPMRestored && p.Prior.SPMAsRestored != nil {
			continue // records added by the manual re-entry, not another backup
		}
		ph := p.Phase(c.phase)
		if ph == nil || ph.Skipped != "" {
			continue
		}
		d := c.diffs()
		f := Finding{Phase: c.phase, Code: CodeManifestMismatch, Severity: SeverityError, Blocking: true,
			Subject: c.input,
			Message: fmt.Sprintf("the restored database is not the backup of manifest %s (captured %s): %d records differ: %s",
				short(m.ID), m.Created.Format(time.RFC3339), len(d), summarize(d, 5)),
			Manual: "restore the backup this manifest was captured with, or analyse without the manifest if the database is right"}
		ph.Findings = append([]Finding{f}, ph.Findings...)
	}
	sharpen(p, m)
	return nil
}

// sharpen uses what the live estate held at backup time to tell apart an
// address allocated after the backup from one that was already live then
// (the restored database was behind the estate before the backup: a
// different story for the operator, the same repair).
func sharpen(p *Plan, m *Manifest) {
	if m.State.VCEMLive == nil {
		return
	}
	atBackup := map[vcem.AddressRef]bool{}
	for _, ld := range m.State.VCEMLive {
		for _, pr := range ld.Profiles {
			for _, a := range pr.Addresses() {
				atBackup[a.Address] = true
			}
		}
	}
	ph := p.Phase(PhaseID{SectionVCEM, 1})
	if ph == nil {
		return
	}
	for i, f := range ph.Findings {
		if f.Code != string(vcem.CodeAddrAllocatedAfterBackup) {
			continue
		}
		var s vcem.Subject
		if json.Unmarshal(f.Detail, &s) != nil || len(s.Addresses) == 0 {
			continue
		}
		before := 0
		for _, a := range s.Addresses {
			if atBackup[a] {
				before++
			}
		}
		switch before {
		case 0:
			ph.Findings[i].Message += " (manifest: not live when the backup was taken, so allocated after it)"
		case len(s.Addresses):
			ph.Findings[i].Message += " (manifest: already live when the backup was taken: the database was behind the estate before the backup)"
		default:
			ph.Findings[i].Message += fmt.Sprintf(" (manifest: %d of %d addresses already live when the backup was taken)", before, len(s.Addresses))
		}
	}
}

// reentered reports whether the current catalog is the restored one plus
// records a person added by hand (storage phase 1's manual re-entry):
// every difference is an addition.
func reentered(restored, current *spm.Snapshot) bool {
	ds := spm.Diff(restored, current)
	if len(ds) == 0 {
		return false
	}
	for _, d := range ds {
		if d.Op != spm.DiffAdded {
			return false
		}
	}
	return true
}

func diffStrings[D fmt.Stringer](ds []D) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// summarize lists at most n items, counting the rest.
func summarize(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:n], "; ") + fmt.Sprintf("; … and %d more", len(items)-n)
}

type manifestJSON Manifest

// JSONShape lets strict decoding walk the manifest's wire form.
func (*Manifest) JSONShape() any { return (*manifestJSON)(nil) }

// UnmarshalJSON reads a manifest strictly; see DecodeManifest.
func (m *Manifest) UnmarshalJSON(b []byte) error {
	var mj manifestJSON
	if err := strictjson.Unmarshal(b, &mj); err != nil {
		return err
	}
	*m = Manifest(mj)
	return nil
}

// DecodeManifest reads a saved manifest: strictly (an unknown field, a
// repeated key or a bad value is an error naming the JSON path), refusing
// another schema and a manifest whose ID does not match its fingerprints.
func DecodeManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := strictjson.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("resync: manifest: %w", err)
	}
	if m.Schema != ManifestSchema {
		return nil, fmt.Errorf("%w: manifest: schema %d, want %d", ErrInvalid, m.Schema, ManifestSchema)
	}
	id, err := fingerprintJSON(m.Fingerprints)
	if err != nil {
		return nil, err
	}
	if id != m.ID {
		return nil, fmt.Errorf("%w: manifest: id %s does not match its fingerprints (%s)", ErrInvalid, m.ID, id)
	}
	checks := []struct {
		name string
		fp   func() (string, error)
		set  bool
	}{
		{InputVCEMRestored, func() (string, error) { return m.State.VCEM.Fingerprint() }, m.State.VCEM != nil},
		{InputSPMRestored, func() (string, error) { return m.State.SPM.Fingerprint() }, m.State.SPM != nil},
		{InputMatrixOERestored, func() (string, error) { return m.State.MatrixOE.Fingerprint() }, m.State.MatrixOE != nil},
	}
	for _, c := range checks {
		if !c.set {
			continue
		}
		fp, err := c.fp()
		if err != nil {
			return nil, err
		}
		if fp != m.Fingerprints[c.name] {
			return nil, fmt.Errorf("%w: manifest: state %s does not match its fingerprint", ErrInvalid, c.name)
		}
	}
	return &m, nil
}

// LoadManifest reads a manifest file.
func LoadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("resync: manifest: %w", err)
	}
	m, err := DecodeManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Save writes the manifest to path atomically (a temporary file in the
// same folder, flushed, then renamed), so a backup script never leaves half
// a manifest.
func (m *Manifest) Save(path string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("resync: manifest: %w", err)
	}
	return writeFileAtomic(path, b)
}
