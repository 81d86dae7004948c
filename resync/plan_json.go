package resync

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mxsync-go/mxsync/internal/jsonappend"
	"github.com/mxsync-go/mxsync/vcem"
)

// AppendJSON appends the plan's JSON form to b: the bytes json.Marshal
// writes, with the ID computed from the content. It is the quick way to
// save a large plan: json.Marshal re-validates the whole of the plan's
// MarshalJSON output, which for a Large estate's plan (181 MB, most of
// it Prior) costs more than encoding it. [Plan.Save] uses it.
func (p *Plan) AppendJSON(b []byte) ([]byte, error) {
	id, err := p.identify()
	if err != nil {
		return nil, err
	}
	return p.appendJSON(b, id)
}

// appendJSON appends the plan with the given ID: the small fields and the
// phases by encoding/json, the prior state by its sections' own encoders,
// without a second pass over their output.
func (p *Plan) appendJSON(b []byte, id string) ([]byte, error) {
	cp := *p
	cp.Prior, cp.ID = Prior{}, ""
	head, err := json.Marshal((*planJSON)(&cp))
	if err != nil {
		return nil, fmt.Errorf("resync: encode plan: %w", err)
	}
	// Prior and ID are the last fields.
	const tail = `"prior":{},"id":""}`
	if !bytes.HasSuffix(head, []byte(tail)) {
		return nil, fmt.Errorf("resync: encode plan: unexpected form")
	}
	b = append(b, head[:len(head)-len(tail)]...)
	b = append(b, `"prior":`...)
	if b, err = p.Prior.appendJSON(b); err != nil {
		return nil, fmt.Errorf("resync: encode plan: prior: %w", err)
	}
	b = append(b, `,"id":`...)
	b = jsonappend.String(b, id)
	return append(b, '}'), nil
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
