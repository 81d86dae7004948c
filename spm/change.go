package spm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ErrNotFound is wrapped by Apply errors whose target does not exist.
var ErrNotFound = errors.New("not found")

// Change is one mutation of the SPM catalog, as plain data. Every change has
// a stable Kind ("spm.Quarantine", ...) used as the tag of its JSON form (see
// [MarshalChange] and [UnmarshalChange]). [Apply] is the only code that
// applies a change to a [Snapshot]; fakes and dry runs both use it.
type Change interface {
	// Kind is the stable tag of the change type.
	Kind() string
	// String describes the change for plans and logs.
	String() string
	isChange()
}

// Quarantine sets the quarantine flag of a volume, which turns off SPM's
// automation for it (what Internal Recovery does on a presentation
// mismatch). Applying it to a quarantined volume changes nothing.
type Quarantine struct {
	VolumeID string `json:"volumeId"`
}

// MarkServiceNonConformant marks a storage service non-conformant (what
// Internal Recovery does when a bound volume's presentation is gone).
type MarkServiceNonConformant struct {
	ServiceID string `json:"serviceId"`
}

// SetSignatureState records the Signature State SPM gives a volume during
// Internal Recovery (SPM 2.2+). Used to predict SPM's own work in a dry run.
type SetSignatureState struct {
	VolumeID string         `json:"volumeId"`
	State    SignatureState `json:"state"`
}

// RemoveVolume deletes a volume and its presentations from the catalog (the
// manual removal of an offline SPM_… volume that no array holds any more).
type RemoveVolume struct {
	VolumeID string `json:"volumeId"`
}

// Change kinds.
const (
	KindQuarantine               = "spm.Quarantine"
	KindMarkServiceNonConformant = "spm.MarkServiceNonConformant"
	KindSetSignatureState        = "spm.SetSignatureState"
	KindRemoveVolume             = "spm.RemoveVolume"
)

// Kind implements Change.
func (Quarantine) Kind() string { return KindQuarantine }

// Kind implements Change.
func (MarkServiceNonConformant) Kind() string { return KindMarkServiceNonConformant }

// Kind implements Change.
func (SetSignatureState) Kind() string { return KindSetSignatureState }

// Kind implements Change.
func (RemoveVolume) Kind() string { return KindRemoveVolume }

func (Quarantine) isChange()               {}
func (MarkServiceNonConformant) isChange() {}
func (SetSignatureState) isChange()        {}
func (RemoveVolume) isChange()             {}

// String implements Change.
func (c Quarantine) String() string { return fmt.Sprintf("quarantine volume %q", c.VolumeID) }

// String implements Change.
func (c MarkServiceNonConformant) String() string {
	return fmt.Sprintf("mark storage service %q non-conformant", c.ServiceID)
}

// String implements Change.
func (c SetSignatureState) String() string {
	return fmt.Sprintf("set signature state of volume %q to %q", c.VolumeID, c.State)
}

// String implements Change.
func (c RemoveVolume) String() string {
	return fmt.Sprintf("remove volume %q and its presentations from the catalog", c.VolumeID)
}

// Apply applies one change to s. It checks the change against s first and
// either applies all of it or, on error, leaves s untouched. A target that
// does not exist is an error wrapping [ErrNotFound].
func Apply(s *Snapshot, c Change) error {
	switch c := c.(type) {
	case Quarantine:
		v, ok := s.Volumes[c.VolumeID]
		if !ok {
			return fmt.Errorf("spm: %s: volume %q: %w", c.Kind(), c.VolumeID, ErrNotFound)
		}
		v.Quarantined = true
		s.Volumes[c.VolumeID] = v
	case MarkServiceNonConformant:
		sv, ok := s.Services[c.ServiceID]
		if !ok {
			return fmt.Errorf("spm: %s: service %q: %w", c.Kind(), c.ServiceID, ErrNotFound)
		}
		sv.Conformant = false
		s.Services[c.ServiceID] = sv
	case SetSignatureState:
		v, ok := s.Volumes[c.VolumeID]
		if !ok {
			return fmt.Errorf("spm: %s: volume %q: %w", c.Kind(), c.VolumeID, ErrNotFound)
		}
		if c.State == "" || !c.State.Valid() {
			return fmt.Errorf("spm: %s: volume %q: invalid signature state %q", c.Kind(), c.VolumeID, c.State)
		}
		if a, ok := s.Arrays[v.ArrayID]; ok && !a.Type.SupportsSignatures() && c.State != SignatureNotPresent {
			return fmt.Errorf("spm: %s: volume %q is on %s array %q, which holds no signatures; only %q is possible",
				c.Kind(), c.VolumeID, a.Type, a.ID, SignatureNotPresent)
		}
		v.Signature = c.State
		s.Volumes[c.VolumeID] = v
	case RemoveVolume:
		if _, ok := s.Volumes[c.VolumeID]; !ok {
			return fmt.Errorf("spm: %s: volume %q: %w", c.Kind(), c.VolumeID, ErrNotFound)
		}
		delete(s.Volumes, c.VolumeID)
		s.Presentations = slices.DeleteFunc(slices.Clone(s.Presentations), func(p Presentation) bool {
			return p.VolumeID == c.VolumeID
		})
	case nil:
		return errors.New("spm: apply: nil change")
	default:
		return fmt.Errorf("spm: apply: unknown change type %T", c)
	}
	return nil
}

// ApplyAll applies changes in order to a clone of s and returns the clone;
// s itself is never modified. It stops at the first error, naming the
// change's index.
func ApplyAll(s *Snapshot, changes []Change) (*Snapshot, error) {
	c := s.Clone()
	for i, ch := range changes {
		if err := Apply(c, ch); err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
	}
	return c, nil
}

// MarshalChange encodes c as a JSON object with its fields and a "kind" tag,
// e.g. {"kind":"spm.Quarantine","volumeId":"v1"}.
func MarshalChange(c Change) ([]byte, error) {
	if c == nil {
		return nil, errors.New("spm: marshal change: nil change")
	}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("spm: marshal %s: %w", c.Kind(), err)
	}
	kind, _ := json.Marshal(c.Kind())
	var out bytes.Buffer
	out.WriteString(`{"kind":`)
	out.Write(kind)
	if len(body) > 2 { // body is {...}; splice its fields after the kind
		out.WriteByte(',')
		out.Write(body[1:])
	} else {
		out.WriteByte('}')
	}
	return out.Bytes(), nil
}

// UnmarshalChange decodes the JSON form written by [MarshalChange]. An
// unknown kind or an unknown field is an error naming it.
func UnmarshalChange(b []byte) (Change, error) {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("spm: decode change: %w", err)
	}
	var target Change
	switch head.Kind {
	case KindQuarantine:
		target = &Quarantine{}
	case KindMarkServiceNonConformant:
		target = &MarkServiceNonConformant{}
	case KindSetSignatureState:
		target = &SetSignatureState{}
	case KindRemoveVolume:
		target = &RemoveVolume{}
	case "":
		return nil, errors.New(`spm: decode change: missing "kind"`)
	default:
		return nil, fmt.Errorf("spm: decode change: unknown kind %q", head.Kind)
	}
	if err := decodeStrict(b, target); err != nil {
		return nil, fmt.Errorf("spm: decode %s: %w", head.Kind, err)
	}
	switch t := target.(type) {
	case *Quarantine:
		return *t, nil
	case *MarkServiceNonConformant:
		return *t, nil
	case *SetSignatureState:
		return *t, nil
	case *RemoveVolume:
		return *t, nil
	}
	return nil, fmt.Errorf("spm: decode change: unhandled kind %q", head.Kind)
}

// decodeStrict decodes b into target after removing the "kind" member, and
// rejects unknown fields.
func decodeStrict(b []byte, target any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	delete(fields, "kind")
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	return dec.Decode(target)
}

// Changes is a list of changes with a tagged JSON form (an array of
// [MarshalChange] objects).
type Changes []Change

// MarshalJSON implements json.Marshaler.
func (cs Changes) MarshalJSON() ([]byte, error) {
	raw := make([]json.RawMessage, 0, len(cs))
	for i, c := range cs {
		b, err := MarshalChange(c)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		raw = append(raw, b)
	}
	return json.Marshal(raw)
}

// UnmarshalJSON implements json.Unmarshaler.
func (cs *Changes) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("spm: decode changes: %w", err)
	}
	out := make(Changes, 0, len(raw))
	for i, r := range raw {
		c, err := UnmarshalChange(r)
		if err != nil {
			return fmt.Errorf("change %d: %w", i, err)
		}
		out = append(out, c)
	}
	*cs = out
	return nil
}
