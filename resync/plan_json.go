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
// field omitempty), the VCEM snapshot by its own appender.
func (pr *Prior) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	n := 0
	var err error
	field := func(name string, v any) {
		if err != nil {
			return
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = jsonappend.Key(b, name)
		var enc []byte
		if enc, err = json.Marshal(v); err == nil {
			b = append(b, enc...) // json.Marshal's output is compact: as it would be embedded
		}
	}
	if pr.VCEM != nil {
		n++
		b = append(b, `"vcem":`...)
		if b, err = pr.VCEM.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	if len(pr.VCEMLive) > 0 && err == nil {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, `"vcemLive":`...)
		b, err = vcem.AppendLiveJSON(b, pr.VCEMLive)
	}
	if pr.SPM != nil {
		field("spm", pr.SPM)
	}
	if pr.SPMLive != nil {
		field("spmLive", pr.SPMLive)
	}
	if pr.MatrixOE != nil {
		field("matrixoe", pr.MatrixOE)
	}
	if pr.MatrixOELive != nil {
		field("matrixoeLive", pr.MatrixOELive)
	}
	if pr.SPMAsRestored != nil {
		field("spmAsRestored", pr.SPMAsRestored)
	}
	if len(pr.Services) > 0 {
		field("services", pr.Services)
	}
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}
