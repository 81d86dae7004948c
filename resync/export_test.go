package resync

import (
	"bytes"
	"encoding/json"
	"errors"
)

// ReferencePlanJSON is the plan's JSON as encoding/json writes its fields
// (the way MarshalJSON wrote it before it had encoders of its own), for
// tests to compare with, byte for byte.
func ReferencePlanJSON(p *Plan) ([]byte, error) {
	cp := *p
	cp.ID = ""
	body, err := json.Marshal((*planJSON)(&cp))
	if err != nil {
		return nil, err
	}
	id, err := p.identify()
	if err != nil {
		return nil, err
	}
	const empty = `,"id":""}`
	if !bytes.HasSuffix(body, []byte(empty)) {
		return nil, errors.New("unexpected form")
	}
	return append(body[:len(body)-len(empty)], `,"id":"`+id+`"}`...), nil
}

// PriorSizeHint is the estimate of the prior's JSON size that presizes
// the plan's buffer.
func PriorSizeHint(p *Plan) int { return p.Prior.sizeHint() }
