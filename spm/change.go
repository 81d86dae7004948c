package spm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
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
	// Target names the record the change touches, e.g. "volume V1"; fault
	// rules, journals and reports key on it.
	Target() string
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

// SetPresentations replaces the catalog's presentations of one volume with
// the given ones (each must name VolumeID): what Internal Recovery does when
// it resynchronises a volume's presentation state from its array (FOUND
// [SPM21 p50], see [PredictInternalRecovery]). An empty list leaves the
// volume presented to no initiator. Applying it when the volume already has
// exactly these presentations (same initiators, hosts and LUNs, in any
// order) changes nothing.
type SetPresentations struct {
	VolumeID      string         `json:"volumeId"`
	Presentations []Presentation `json:"presentations"`
}

// Change kinds.
const (
	KindQuarantine               = "spm.Quarantine"
	KindMarkServiceNonConformant = "spm.MarkServiceNonConformant"
	KindSetSignatureState        = "spm.SetSignatureState"
	KindRemoveVolume             = "spm.RemoveVolume"
	KindSetPresentations         = "spm.SetPresentations"
)

// Kind implements Change.
func (Quarantine) Kind() string { return KindQuarantine }

// Kind implements Change.
func (MarkServiceNonConformant) Kind() string { return KindMarkServiceNonConformant }

// Kind implements Change.
func (SetSignatureState) Kind() string { return KindSetSignatureState }

// Kind implements Change.
func (RemoveVolume) Kind() string { return KindRemoveVolume }

// Kind implements Change.
func (SetPresentations) Kind() string { return KindSetPresentations }

func (Quarantine) isChange()               {}
func (MarkServiceNonConformant) isChange() {}
func (SetSignatureState) isChange()        {}
func (RemoveVolume) isChange()             {}
func (SetPresentations) isChange()         {}

// Target implements Change.
func (c Quarantine) Target() string { return "volume " + c.VolumeID }

// Target implements Change.
func (c MarkServiceNonConformant) Target() string { return "storage service " + c.ServiceID }

// Target implements Change.
func (c SetSignatureState) Target() string { return "volume " + c.VolumeID }

// Target implements Change.
func (c RemoveVolume) Target() string { return "volume " + c.VolumeID }

// Target implements Change.
func (c SetPresentations) Target() string { return "volume " + c.VolumeID }

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

// String implements Change.
func (c SetPresentations) String() string {
	if len(c.Presentations) == 0 {
		return fmt.Sprintf("set volume %q presented to no initiator", c.VolumeID)
	}
	parts := make([]string, 0, len(c.Presentations))
	for _, p := range c.Presentations {
		parts = append(parts, fmt.Sprintf("%s (host %q, LUN %d)", p.Initiator, p.Host, p.LUN))
	}
	return fmt.Sprintf("set presentations of volume %q to %s", c.VolumeID, strings.Join(parts, ", "))
}

// Apply applies one change to s. It checks the change against s first and
// either applies all of it or, on error, leaves s untouched. A target that
// does not exist is an error wrapping [ErrNotFound]; a nil s is an error.
func Apply(s *Snapshot, c Change) error {
	if s == nil {
		return errors.New("spm: apply: nil snapshot")
	}
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
	case SetPresentations:
		return setPresentations(s, c)
	case nil:
		return errors.New("spm: apply: nil change")
	default:
		return fmt.Errorf("spm: apply: unknown change type %T", c)
	}
	return nil
}

// ApplyAll applies changes in order to a clone of s and returns the clone;
// s itself is never modified. It stops at the first error, naming the
// change's index. A nil s is an error.
func ApplyAll(s *Snapshot, changes []Change) (*Snapshot, error) {
	if s == nil {
		return nil, errors.New("spm: apply: nil snapshot")
	}
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
	case KindSetPresentations:
		target = &SetPresentations{}
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
	case *SetPresentations:
		if !hasMember(b, "presentations") {
			return nil, fmt.Errorf(`spm: decode %s: missing "presentations" (use [] for none)`, head.Kind)
		}
		return *t, nil
	}
	return nil, fmt.Errorf("spm: decode change: unhandled kind %q", head.Kind)
}

// hasMember reports whether the JSON object b has a member called name.
func hasMember(b []byte, name string) bool {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return false
	}
	_, ok := fields[name]
	return ok
}

// setPresentations checks every presentation first, then replaces the
// volume's presentations, so a bad change leaves s untouched.
func setPresentations(s *Snapshot, c SetPresentations) error {
	if _, ok := s.Volumes[c.VolumeID]; !ok {
		return fmt.Errorf("spm: %s: volume %q: %w", c.Kind(), c.VolumeID, ErrNotFound)
	}
	want := make(map[addrpool.WWN]Presentation, len(c.Presentations))
	for i, p := range c.Presentations {
		switch {
		case p.VolumeID != c.VolumeID:
			return fmt.Errorf("spm: %s: volume %q: presentation %d names volume %q", c.Kind(), c.VolumeID, i, p.VolumeID)
		case p.LUN < 0:
			return fmt.Errorf("spm: %s: volume %q: presentation %d has negative LUN %d", c.Kind(), c.VolumeID, i, p.LUN)
		}
		if _, dup := want[p.Initiator]; dup {
			return fmt.Errorf("spm: %s: volume %q: presentation %d repeats initiator %s", c.Kind(), c.VolumeID, i, p.Initiator)
		}
		want[p.Initiator] = p
	}
	if samePresentations(volumePresentations(s.Presentations, c.VolumeID), c.Presentations) {
		return nil // already there: leave the slice (and its order) as it is
	}
	out := make([]Presentation, 0, len(s.Presentations)+len(c.Presentations))
	for _, p := range s.Presentations {
		if p.VolumeID != c.VolumeID {
			out = append(out, p)
		}
	}
	for _, init := range sortedWWNs(want) {
		out = append(out, want[init])
	}
	s.Presentations = out
	return nil
}

// volumePresentations returns the presentations of one volume.
func volumePresentations(ps []Presentation, volumeID string) []Presentation {
	var out []Presentation
	for _, p := range ps {
		if p.VolumeID == volumeID {
			out = append(out, p)
		}
	}
	return out
}

// samePresentations reports whether a and b hold the same presentations,
// in any order. Neither may repeat an initiator.
func samePresentations(a, b []Presentation) bool {
	if len(a) != len(b) {
		return false
	}
	byInit := make(map[addrpool.WWN]Presentation, len(a))
	for _, p := range a {
		byInit[p.Initiator] = p
	}
	for _, p := range b {
		if q, ok := byInit[p.Initiator]; !ok || q != p {
			return false
		}
	}
	return true
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
