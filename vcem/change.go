package vcem

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/changecodec"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Change is one mutation of the restored VCEM database, as plain data. The
// same [Apply] applies it to a [Snapshot] (dry runs, the vcemtest store) and
// adapters send it to VCEM. Its JSON form carries a "kind" tag ([Change.Kind])
// and [DecodeChange] reads it back. The set is closed: only vcem's types
// (and pointers to them) implement Change.
type Change interface {
	// Kind is the change's stable type name, e.g. "vcem.DeleteProfile".
	Kind() string
	// Target names the record the change touches, e.g. "profile P1" or
	// "MAC 00-17-A4-77-00-00"; fault rules, journals and reports key on it.
	Target() string
	// String describes the change for people.
	String() string
	// MarshalJSON writes {"kind": Kind(), ...fields}: plain json.Marshal
	// of a change keeps what it is.
	json.Marshaler
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

// codec is the package's one tagged-JSON change codec, built at init from
// the closed set of change types and never modified.
var codec = changecodec.MustNew[Change]("vcem", ErrUnknownChange, ErrInvalid,
	MarkExternalMAC{}, MarkExternalWWN{}, DeleteProfile{}, SetProfileBay{})

// MarshalJSON writes {"kind":"vcem.MarkExternalMAC","mac":"…"}.
func (c MarkExternalMAC) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// MarshalJSON writes {"kind":"vcem.MarkExternalWWN","wwn":"…"}.
func (c MarkExternalWWN) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// MarshalJSON writes {"kind":"vcem.DeleteProfile","profileId":"…"}.
func (c DeleteProfile) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// MarshalJSON writes {"kind":"vcem.SetProfileBay","profileId":"…","bay":"…"}
// ("bay" is always written, "" for unassigned).
func (c SetProfileBay) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// validate reports a change that no snapshot could accept: an address
// beyond its family's width, an empty profile ID. It wraps [ErrInvalid].
func validate(c Change) error {
	switch c := deref(c).(type) {
	case MarkExternalMAC:
		if c.MAC > addrpool.MaxMAC {
			return fmt.Errorf("MAC value %#x exceeds 48 bits: %w", uint64(c.MAC), ErrInvalid)
		}
	case DeleteProfile:
		if c.ProfileID == "" {
			return fmt.Errorf("profileId is empty: %w", ErrInvalid)
		}
	case SetProfileBay:
		if c.ProfileID == "" {
			return fmt.Errorf("profileId is empty: %w", ErrInvalid)
		}
	}
	return nil
}

// deref returns the value a pointer change points at (nil for a nil
// pointer), and any other change as it is.
func deref(c Change) Change {
	switch p := c.(type) {
	case *MarkExternalMAC:
		return derefPtr(p)
	case *MarkExternalWWN:
		return derefPtr(p)
	case *DeleteProfile:
		return derefPtr(p)
	case *SetProfileBay:
		return derefPtr(p)
	}
	return c
}

// derefPtr returns the change p points at, or nil for a nil p.
func derefPtr[T Change](p *T) Change {
	if p == nil {
		return nil
	}
	return *p
}

// DecodeChange reads one change written by json.Marshal of a vcem change,
// strictly: an unknown kind wraps [ErrUnknownChange]; a missing, unknown,
// repeated, case-folded or ill-typed field, or a value no snapshot could
// accept (an empty profile ID), wraps [ErrInvalid] and names the field.
func DecodeChange(b []byte) (Change, error) {
	c, err := codec.Decode(b)
	if err != nil {
		return nil, err
	}
	if err := validate(c); err != nil {
		return nil, fmt.Errorf("vcem: change %s: %w", c.Kind(), err)
	}
	return c, nil
}

// Changes is a list of changes whose JSON form tags each element with its
// kind and decodes back to the concrete change types.
type Changes []Change

// MarshalJSON writes the list as a JSON array of tagged changes (nil as []).
func (cs Changes) MarshalJSON() ([]byte, error) { return codec.MarshalList(cs) }

// UnmarshalJSON decodes every element strictly, as [DecodeChange] does;
// every bad element is reported at once, its path starting with its index
// ("[3].mac"). On error cs is unchanged.
func (cs *Changes) UnmarshalJSON(b []byte) error {
	list, err := codec.DecodeList(b)
	if err != nil {
		return err
	}
	var probs []*strictjson.Problem
	for i, c := range list {
		if err := validate(c); err != nil {
			probs = append(probs, &strictjson.Problem{Path: "[" + strconv.Itoa(i) + "]", Msg: "vcem change " + c.Kind() + ": " + err.Error(), Err: err})
		}
	}
	if len(probs) > 0 {
		return &strictjson.Error{Problems: probs}
	}
	*cs = list
	return nil
}
