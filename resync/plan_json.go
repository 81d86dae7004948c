package resync

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mxsync-go/mxsync/internal/jsonappend"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// AppendJSON appends the plan's JSON form to b: the bytes json.Marshal
// writes, with the ID computed from the content. It is the quick way to
// save a large plan: json.Marshal re-validates the whole of the plan's
// MarshalJSON output, which for a Large estate's plan (181 MB, most of
// it Prior) costs more than encoding it. [Plan.Save] uses it.
func (p *Plan) AppendJSON(b []byte) ([]byte, error) {
	// One allocation of about the document's size: growing a 170 MB slice
	// by appends copies it several times over. It comes first: while a
	// collection is marking, the goroutine that allocates pays for the
	// bytes with marking work, and the encoding's allocations start one.
	b = slices.Grow(b, p.sizeHint())
	// The small fields and the phases by encoding/json, in the pieces the
	// ID hashes; the prior state by its sections' own encoders, without a
	// second pass over their output.
	id, err := p.walk(&b)
	if err != nil {
		return nil, err
	}
	b = append(b, `"prior":`...)
	if b, err = p.Prior.appendJSON(b); err != nil {
		return nil, fmt.Errorf("resync: encode plan: prior: %w", err)
	}
	b = append(b, `,"id":`...)
	b = jsonappend.String(b, id)
	return append(b, '}'), nil
}

// sizeHint estimates the plan's JSON size: a Large plan's findings take
// about 700 bytes each, its prior most of the rest.
func (p *Plan) sizeHint() int {
	n := 4096 + p.Prior.sizeHint()
	for i := range p.Phases {
		for _, f := range p.Phases[i].Findings {
			n += 768 + 256*len(f.Changes)
		}
	}
	return n
}

// sizeHint estimates the prior's JSON size from its record counts, at
// about 5% more than the bytes per record of the Large estate's (a VCEM
// profile, connection or address in use; a volume or presentation; a
// logical server, storage pool entry or IP address ...). It costs a walk
// over the profiles; a wrong guess costs only speed.
func (pr *Prior) sizeHint() int {
	conns := func(p *vcem.Profile) int { return len(p.Ethernet) + len(p.ISCSI) + len(p.FCoE) + len(p.FC) }
	n := 0
	if s := pr.VCEM; s != nil {
		records := 0
		for _, p := range s.Profiles {
			records += 1 + conns(&p)
		}
		if s.MACs != nil {
			records += int(s.MACs.Counts().InUse)
		}
		if s.WWNs != nil {
			records += int(s.WWNs.Counts().InUse)
		}
		n += 80 * records
	}
	for i := range pr.VCEMLive {
		for j := range pr.VCEMLive[i].Profiles {
			n += 100 * (1 + conns(&pr.VCEMLive[i].Profiles[j]))
		}
	}
	for _, s := range []*spm.Snapshot{pr.SPM, pr.SPMAsRestored} {
		if s != nil {
			n += 144 * (len(s.Arrays) + len(s.Volumes) + len(s.Presentations) + len(s.Services) + len(s.Templates))
		}
	}
	if l := pr.SPMLive; l != nil {
		for _, a := range l.Arrays {
			n += 140 * (1 + len(a.Volumes) + len(a.Presentations))
		}
	}
	if s := pr.MatrixOE; s != nil {
		n += 164 * (len(s.LogicalServers) + len(s.SPEs) + len(s.Services) + len(s.Requests) + len(s.IPs) + len(s.RecoveryGroups))
	}
	if l := pr.MatrixOELive; l != nil {
		n += 32 * (len(l.VMPower) + len(l.IPs))
		if l.Export != nil {
			n += 164 * len(l.Export.RecoveryGroups)
		}
	}
	return n + 64*len(pr.Services)
}

// appendJSON appends the prior state as json.Marshal writes it (every
// field omitempty), each section's snapshot and live side by its own
// appender; only the few service statuses go through json.Marshal.
func (pr *Prior) appendJSON(b []byte) ([]byte, error) {
	fields := [...]struct {
		name    string
		present bool
		append  func([]byte) ([]byte, error)
	}{
		{"vcem", pr.VCEM != nil, pr.VCEM.AppendJSON},
		{"vcemLive", len(pr.VCEMLive) > 0, func(b []byte) ([]byte, error) { return vcem.AppendLiveJSON(b, pr.VCEMLive) }},
		{"spm", pr.SPM != nil, pr.SPM.AppendJSON},
		{"spmLive", pr.SPMLive != nil, pr.SPMLive.AppendJSON},
		{"matrixoe", pr.MatrixOE != nil, pr.MatrixOE.AppendJSON},
		{"matrixoeLive", pr.MatrixOELive != nil, pr.MatrixOELive.AppendJSON},
		{"spmAsRestored", pr.SPMAsRestored != nil, pr.SPMAsRestored.AppendJSON},
		{"services", len(pr.Services) > 0, func(b []byte) ([]byte, error) {
			enc, err := json.Marshal(pr.Services)
			return append(b, enc...), err // json.Marshal's output is compact: as it would be embedded
		}},
	}
	b = append(b, '{')
	n := 0
	for _, f := range fields {
		if !f.present {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = jsonappend.Key(b, f.name)
		var err error
		if b, err = f.append(b); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return append(b, '}'), nil
}
