package matrixoe

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalChange encodes a change as a JSON object tagged with its kind:
// {"kind":"matrixoe.DropLS","logicalServerId":"LS1"}.
func MarshalChange(c Change) ([]byte, error) {
	if c == nil {
		return nil, invalid("matrixoe: marshal nil change")
	}
	c = deref(c)
	if c == nil {
		return nil, invalid("matrixoe: marshal nil change")
	}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("matrixoe: marshal %s: %w", c.Kind(), err)
	}
	kind, _ := json.Marshal(c.Kind())
	var b bytes.Buffer
	b.WriteString(`{"kind":`)
	b.Write(kind)
	if len(body) > 2 { // not "{}"
		b.WriteByte(',')
		b.Write(body[1:])
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

// UnmarshalChange decodes the tagged form written by [MarshalChange]. An
// unknown kind or an unknown field is an error naming it.
func UnmarshalChange(b []byte) (Change, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("matrixoe: decode change: %w", err)
	}
	raw, ok := fields["kind"]
	if !ok {
		return nil, invalid("matrixoe: decode change: missing \"kind\"")
	}
	var kind string
	if err := json.Unmarshal(raw, &kind); err != nil {
		return nil, fmt.Errorf("matrixoe: decode change: kind: %w", err)
	}
	c, ok := newChange(kind)
	if !ok {
		return nil, invalid("matrixoe: decode change: unknown kind %q", kind)
	}
	delete(fields, "kind")
	rest, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("matrixoe: decode %s: %w", kind, err)
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("matrixoe: decode %s: %w", kind, err)
	}
	return deref(c), nil
}

// Changes is a list of changes with a JSON form: an array of tagged objects.
type Changes []Change

// MarshalJSON encodes each change with [MarshalChange].
func (cs Changes) MarshalJSON() ([]byte, error) {
	out := make([]json.RawMessage, 0, len(cs))
	for i, c := range cs {
		b, err := MarshalChange(c)
		if err != nil {
			return nil, fmt.Errorf("change #%d: %w", i, err)
		}
		out = append(out, b)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes each element with [UnmarshalChange].
func (cs *Changes) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return fmt.Errorf("matrixoe: decode changes: %w", err)
	}
	out := make(Changes, 0, len(raws))
	for i, r := range raws {
		c, err := UnmarshalChange(r)
		if err != nil {
			return fmt.Errorf("change #%d: %w", i, err)
		}
		out = append(out, c)
	}
	*cs = out
	return nil
}
