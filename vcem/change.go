package vcem

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Change is one mutation of the restored VCEM database, as plain data. The
// same [Apply] applies it to a [Snapshot] (dry runs, the vcemtest store) and
// adapters send it to VCEM. Its JSON form carries a "kind" tag ([Change.Kind])
// and [DecodeChange] reads it back. The set is closed: only vcem's types
// implement Change.
type Change interface {
	// Kind is the change's stable type name, e.g. "vcem.DeleteProfile".
	Kind() string
	// Target names the record the change touches, e.g. "profile P1" or
	// "MAC 00-17-A4-77-00-00"; fault rules, journals and reports key on it.
	Target() string
	// String describes the change for people.
	String() string
	isChange()
}

// Kinds of the vcem changes; stable, used in JSON plans and journals.
const (
	KindMarkExternalMAC = "vcem.MarkExternalMAC"
	KindMarkExternalWWN = "vcem.MarkExternalWWN"
	KindDeleteProfile   = "vcem.DeleteProfile"
	KindSetProfileBay   = "vcem.SetProfileBay"
)

// MarkExternalMAC marks a MAC External in the restored MAC pool so VCEM never
// hands it out (what mxsync does for an address allocated after the backup).
// Marking an External address again is a no-op; an In use address is an
// error.
type MarkExternalMAC struct {
	MAC addrpool.MAC `json:"mac"`
}

// MarkExternalWWN is [MarkExternalMAC] for the WWN pool.
type MarkExternalWWN struct {
	WWN addrpool.WWN `json:"wwn"`
}

// DeleteProfile deletes a profile definition from the restored VCEM database
// and frees its VCEM-pool addresses in the restored pools (what mxsync does
// to a profile whose address was reassigned after the backup). Deleting an
// unknown profile is an error.
type DeleteProfile struct {
	ProfileID string `json:"profileId"`
}

// SetProfileBay records in the VCEM database the server bay a profile is
// assigned to; an empty Bay records it unassigned. It is what VCEM's phase-2
// resync does to a profile whose assignment changed on its domain after the
// backup (see [PredictResync]). Setting the bay a profile already has is a
// no-op; an unknown profile is an error. No bay is checked for another
// profile: while a resync is applied change by change, two profiles that
// swapped bays briefly share one.
type SetProfileBay struct {
	ProfileID string `json:"profileId"`
	Bay       string `json:"bay"`
}

// Kind implements [Change].
func (MarkExternalMAC) Kind() string { return KindMarkExternalMAC }

// Kind implements [Change].
func (MarkExternalWWN) Kind() string { return KindMarkExternalWWN }

// Kind implements [Change].
func (DeleteProfile) Kind() string { return KindDeleteProfile }

// Kind implements [Change].
func (SetProfileBay) Kind() string { return KindSetProfileBay }

// String describes the change.
func (c MarkExternalMAC) String() string { return "mark MAC " + c.MAC.String() + " External" }

// String describes the change.
func (c MarkExternalWWN) String() string { return "mark WWN " + c.WWN.String() + " External" }

// String describes the change.
func (c DeleteProfile) String() string {
	return fmt.Sprintf("delete profile definition %q", c.ProfileID)
}

// String describes the change.
func (c SetProfileBay) String() string {
	if c.Bay == "" {
		return fmt.Sprintf("record profile %q unassigned", c.ProfileID)
	}
	return fmt.Sprintf("record profile %q assigned to bay %q", c.ProfileID, c.Bay)
}

// Target implements Change.
func (c MarkExternalMAC) Target() string { return "MAC " + c.MAC.String() }

// Target implements Change.
func (c MarkExternalWWN) Target() string { return "WWN " + c.WWN.String() }

// Target implements Change.
func (c DeleteProfile) Target() string { return "profile " + c.ProfileID }

// Target implements Change.
func (c SetProfileBay) Target() string { return "profile " + c.ProfileID }

func (MarkExternalMAC) isChange() {}
func (MarkExternalWWN) isChange() {}
func (DeleteProfile) isChange()   {}
func (SetProfileBay) isChange()   {}

// markExternal returns the change marking address v of family f External.
func markExternal(f Family, v uint64) Change {
	if f == FamilyMAC {
		return MarkExternalMAC{addrpool.MAC(v)}
	}
	return MarkExternalWWN{addrpool.WWN(v)}
}

// MarshalJSON writes {"kind":"vcem.MarkExternalMAC","mac":"…"}.
func (c MarkExternalMAC) MarshalJSON() ([]byte, error) {
	type plain MarkExternalMAC
	return tagged(c.Kind(), plain(c))
}

// MarshalJSON writes {"kind":"vcem.MarkExternalWWN","wwn":"…"}.
func (c MarkExternalWWN) MarshalJSON() ([]byte, error) {
	type plain MarkExternalWWN
	return tagged(c.Kind(), plain(c))
}

// MarshalJSON writes {"kind":"vcem.DeleteProfile","profileId":"…"}.
func (c DeleteProfile) MarshalJSON() ([]byte, error) {
	type plain DeleteProfile
	return tagged(c.Kind(), plain(c))
}

// MarshalJSON writes {"kind":"vcem.SetProfileBay","profileId":"…","bay":"…"}
// ("bay" is "" for unassigned).
func (c SetProfileBay) MarshalJSON() ([]byte, error) {
	type plain SetProfileBay
	return tagged(c.Kind(), plain(c))
}

// tagged marshals v (a struct) with a leading "kind" member.
func tagged(kind string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	k, _ := json.Marshal(kind)
	var b bytes.Buffer
	b.WriteString(`{"kind":`)
	b.Write(k)
	if len(body) > 2 {
		b.WriteByte(',')
		b.Write(body[1:])
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

// DecodeChange reads one change written by json.Marshal of a vcem change.
// An unknown kind, an unknown field or a missing field is an error naming it.
func DecodeChange(b []byte) (Change, error) {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("vcem: change JSON: %w", err)
	}
	switch head.Kind {
	case KindMarkExternalMAC:
		var v struct {
			Kind string        `json:"kind"`
			MAC  *addrpool.MAC `json:"mac"`
		}
		if err := decodeStrict(b, &v); err != nil {
			return nil, fmt.Errorf("vcem: change JSON %s: %w", head.Kind, err)
		}
		if v.MAC == nil {
			return nil, fmt.Errorf("vcem: change JSON %s: field \"mac\" is missing", head.Kind)
		}
		return MarkExternalMAC{*v.MAC}, nil
	case KindMarkExternalWWN:
		var v struct {
			Kind string        `json:"kind"`
			WWN  *addrpool.WWN `json:"wwn"`
		}
		if err := decodeStrict(b, &v); err != nil {
			return nil, fmt.Errorf("vcem: change JSON %s: %w", head.Kind, err)
		}
		if v.WWN == nil {
			return nil, fmt.Errorf("vcem: change JSON %s: field \"wwn\" is missing", head.Kind)
		}
		return MarkExternalWWN{*v.WWN}, nil
	case KindDeleteProfile:
		var v struct {
			Kind      string `json:"kind"`
			ProfileID string `json:"profileId"`
		}
		if err := decodeStrict(b, &v); err != nil {
			return nil, fmt.Errorf("vcem: change JSON %s: %w", head.Kind, err)
		}
		if v.ProfileID == "" {
			return nil, fmt.Errorf("vcem: change JSON %s: field \"profileId\" is missing or empty", head.Kind)
		}
		return DeleteProfile{v.ProfileID}, nil
	case KindSetProfileBay:
		var v struct {
			Kind      string  `json:"kind"`
			ProfileID string  `json:"profileId"`
			Bay       *string `json:"bay"`
		}
		if err := decodeStrict(b, &v); err != nil {
			return nil, fmt.Errorf("vcem: change JSON %s: %w", head.Kind, err)
		}
		if v.ProfileID == "" {
			return nil, fmt.Errorf("vcem: change JSON %s: field \"profileId\" is missing or empty", head.Kind)
		}
		if v.Bay == nil {
			return nil, fmt.Errorf("vcem: change JSON %s: field \"bay\" is missing (\"\" for unassigned)", head.Kind)
		}
		return SetProfileBay{v.ProfileID, *v.Bay}, nil
	case "":
		return nil, fmt.Errorf("vcem: change JSON has no \"kind\": %w", ErrUnknownChange)
	default:
		return nil, fmt.Errorf("vcem: change JSON kind %q: %w", head.Kind, ErrUnknownChange)
	}
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ChangeList is a list of changes with a JSON form that decodes back to the
// concrete change types (each element tagged by its kind).
type ChangeList []Change

// UnmarshalJSON decodes each element with [DecodeChange]; an error names the
// element's index.
func (l *ChangeList) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("vcem: change list JSON: %w", err)
	}
	out := make(ChangeList, 0, len(raw))
	for i, r := range raw {
		c, err := DecodeChange(r)
		if err != nil {
			return fmt.Errorf("vcem: change list JSON [%d]: %w", i, err)
		}
		out = append(out, c)
	}
	*l = out
	return nil
}
