package spm

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/changecodec"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Change is one mutation of the SPM catalog, as plain data. Every change has
// a stable Kind ("spm.Quarantine", ...) that tags its JSON form: plain
// json.Marshal of a change writes {"kind": Kind(), ...fields}, and
// [DecodeChange] (or [Changes] for a list) reads it back strictly. [Apply] is
// the only code that applies a change to a [Snapshot]; fakes and dry runs
// both use it. The set of change types is closed.
type Change interface {
	// Kind is the stable tag of the change type.
	Kind() string
	// Target names the record the change touches, e.g. "volume V1"; fault
	// rules, journals and reports key on it.
	Target() string
	// String describes the change for plans and logs.
	String() string
	json.Marshaler
	isChange()
}

// codec is the package's one tagged-JSON codec (internal/changecodec),
// immutable after init.
var codec = changecodec.MustNew[Change]("spm", ErrUnknownChange, ErrInvalid,
	Quarantine{}, MarkServiceNonConformant{}, SetSignatureState{}, RemoveVolume{}, SetPresentations{})

// DecodeChange reads one change in its tagged JSON form. An unknown kind
// wraps [ErrUnknownChange]; a missing, unknown, repeated, case-folded or
// ill-typed field (or trailing data) wraps [ErrInvalid] and names the field.
func DecodeChange(b []byte) (Change, error) { return codec.Decode(b) }

// Changes is a list of changes with a tagged JSON form: an array of the
// objects json.Marshal writes for each change (nil is written as []).
type Changes []Change

// MarshalJSON implements json.Marshaler.
func (cs Changes) MarshalJSON() ([]byte, error) { return codec.MarshalList(cs) }

// UnmarshalJSON implements json.Unmarshaler. Every bad element is reported
// at once, each with its index and field ("[3].volumeId: …").
func (cs *Changes) UnmarshalJSON(b []byte) error {
	out, err := codec.DecodeList(b)
	if err != nil {
		return err
	}
	*cs = out
	return nil
}

// MarshalJSON writes the tagged form, {"kind":"spm.Quarantine",...}.
func (c Quarantine) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil) }

// MarshalJSON writes the tagged form, {"kind":"spm.MarkServiceNonConformant",...}.
func (c MarkServiceNonConformant) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil) }

// MarshalJSON writes the tagged form, {"kind":"spm.SetSignatureState",...}.
func (c SetSignatureState) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil) }

// MarshalJSON writes the tagged form, {"kind":"spm.RemoveVolume",...}.
func (c RemoveVolume) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil) }

// MarshalJSON writes the tagged form, {"kind":"spm.SetPresentations",...}.
func (c SetPresentations) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil) }

// Quarantine sets the quarantine flag of a volume, which turns off SPM's
// automation for it (what Internal Recovery does on a presentation
// mismatch). Applying it to a quarantined volume changes nothing (nil).
type Quarantine struct {
	VolumeID string `json:"volumeId"`
}

// MarkServiceNonConformant marks a storage service non-conformant (what
// Internal Recovery does when a bound volume's presentation is gone).
// Applying it to a non-conformant service changes nothing (nil).
type MarkServiceNonConformant struct {
	ServiceID string `json:"serviceId"`
}

// SetSignatureState records the Signature State SPM gives a volume during
// Internal Recovery (SPM 2.2+). Used to predict SPM's own work in a dry run.
// State must be one of the nine states ([ErrInvalid] otherwise); on an array
// family without signatures (XP) only "Not present" is possible
// ([ErrConflict]). Applying the state the volume has changes nothing (nil).
type SetSignatureState struct {
	VolumeID string         `json:"volumeId"`
	State    SignatureState `json:"state"`
}

// RemoveVolume deletes a volume and its presentations from the catalog (the
// manual removal of an offline SPM_… volume that no array holds any more).
// Removing an absent volume is [ErrNotFound]: the removal is not idempotent,
// so a journal that replays it sees that it already happened.
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

// Apply applies one change to s, atomically: it checks the change against s
// first and either applies all of it or, on error, leaves s untouched.
// The error wraps exactly one sentinel: [ErrNotFound] when the target does
// not exist, [ErrConflict] when the state forbids the change, [ErrInvalid]
// for a malformed change or a nil s, [ErrUnknownChange] for a nil change or
// a type that is not one of this package's changes. Re-applying a change
// whose effect is present is nil where the kind allows (see each type and
// the table in the package doc).
func Apply(s *Snapshot, c Change) error {
	if s == nil {
		return fmt.Errorf("spm: apply: nil snapshot: %w", ErrInvalid)
	}
	if err := apply(s, directPresentations{mapWrites{s}}, c); err != nil {
		if kind, target, ok := describe(c); ok {
			return errorf("spm: apply %s (%s): %w", kind, target, err)
		}
		return fmt.Errorf("spm: apply: %w", err)
	}
	return nil
}

// ApplyAll applies cs in order to s, in place and all or nothing: on
// failure s is exactly as before (Equal, same Fingerprint) and the error is
// a *ChangeError naming the failing change. It works on one copy of s per
// call, and keeps the presentations indexed by volume for the batch, so
// that a large batch costs about one pass over the catalog rather than one
// per change. A nil s is an error wrapping [ErrInvalid].
func ApplyAll(s *Snapshot, cs ...Change) error {
	if s == nil {
		return fmt.Errorf("spm: apply: nil snapshot: %w", ErrInvalid)
	}
	if len(cs) == 0 {
		return nil
	}
	work := s.Clone()
	ps := &batchPresentations{mapWrites: mapWrites{work}}
	for i, c := range cs {
		if err := apply(work, ps, c); err != nil {
			ce := &ChangeError{Index: i, Err: err}
			ce.Kind, ce.Target, _ = describe(c)
			return ce
		}
	}
	ps.flush()
	*s = *work
	return nil
}

// describe returns the kind and target of one of this package's change
// values; a nil change or another type (a pointer to a change, say) has
// none, and asking it could panic.
func describe(c Change) (kind, target string, ok bool) {
	switch c.(type) {
	case Quarantine, MarkServiceNonConformant, SetSignatureState, RemoveVolume, SetPresentations:
		return c.Kind(), c.Target(), true
	}
	return "", "", false
}

func notFound(what, id string) error { return errorf("%s %q %w", what, id, ErrNotFound) }

// apply checks c against s, then applies it: it reads s, and writes through
// w alone (s's maps directly, or noting each write for a Chain), which also
// holds s's presentations (directly, or indexed for a batch).
func apply(s *Snapshot, w writer, c Change) error {
	switch c := c.(type) {
	case Quarantine:
		v, ok := s.Volumes[c.VolumeID]
		if !ok {
			return notFound("volume", c.VolumeID)
		}
		if !v.Quarantined {
			v.Quarantined = true
			w.putVolume(c.VolumeID, v)
		}
	case MarkServiceNonConformant:
		sv, ok := s.Services[c.ServiceID]
		if !ok {
			return notFound("storage service", c.ServiceID)
		}
		if sv.Conformant {
			sv.Conformant = false
			w.putService(c.ServiceID, sv)
		}
	case SetSignatureState:
		v, ok := s.Volumes[c.VolumeID]
		if !ok {
			return notFound("volume", c.VolumeID)
		}
		if c.State == "" || !c.State.Valid() {
			return fmt.Errorf("signature state %s is not one of the nine states: %w", strictjson.QuoteShort(string(c.State)), ErrInvalid)
		}
		if a, ok := s.Arrays[v.ArrayID]; ok && !a.Type.SupportsSignatures() && c.State != SignatureNotPresent {
			return errorf("volume %q is on %s array %q, which holds no signatures; only %q is possible: %w",
				c.VolumeID, a.Type, a.ID, SignatureNotPresent, ErrConflict)
		}
		v.Signature = c.State
		w.putVolume(c.VolumeID, v)
	case RemoveVolume:
		if _, ok := s.Volumes[c.VolumeID]; !ok {
			return notFound("volume", c.VolumeID)
		}
		w.deleteVolume(c.VolumeID)
		w.drop(c.VolumeID)
	case SetPresentations:
		return setPresentations(s, w, c)
	case nil:
		return fmt.Errorf("nil change: %w", ErrUnknownChange)
	default:
		return fmt.Errorf("change type %T is not an spm change: %w", c, ErrUnknownChange) // %T: bounded
	}
	return nil
}

// setPresentations checks every presentation first, then replaces the
// volume's presentations (sorted by initiator), so a bad change leaves s
// untouched.
func setPresentations(s *Snapshot, ps presentationStore, c SetPresentations) error {
	if _, ok := s.Volumes[c.VolumeID]; !ok {
		return notFound("volume", c.VolumeID)
	}
	seen := make(map[addrpool.WWN]int, len(c.Presentations))
	for i, p := range c.Presentations {
		switch {
		case p.VolumeID != c.VolumeID:
			return errorf("presentations[%d] names volume %q, not %q: %w", i, p.VolumeID, c.VolumeID, ErrInvalid)
		case p.LUN < 0:
			return fmt.Errorf("presentations[%d] has negative LUN %d: %w", i, p.LUN, ErrInvalid)
		}
		if j, dup := seen[p.Initiator]; dup {
			return fmt.Errorf("presentations[%d] repeats initiator %s of presentations[%d]: %w", i, p.Initiator, j, ErrInvalid)
		}
		seen[p.Initiator] = i
	}
	if samePresentations(ps.of(c.VolumeID), c.Presentations) {
		return nil // already there: leave the slice (and its order) as it is
	}
	next := slices.Clone(c.Presentations)
	slices.SortFunc(next, func(a, b Presentation) int { return cmp.Compare(a.Initiator, b.Initiator) })
	ps.set(c.VolumeID, next)
	return nil
}

// writer is how apply writes a snapshot's volumes, services and
// presentations.
type writer interface {
	presentationStore
	putVolume(id string, v Volume)
	deleteVolume(id string) // the volume alone: apply drops its presentations
	putService(id string, v Service)
}

// mapWrites writes a snapshot's maps at once.
type mapWrites struct{ s *Snapshot }

func (m mapWrites) putVolume(id string, v Volume)   { m.s.Volumes[id] = v }
func (m mapWrites) deleteVolume(id string)          { delete(m.s.Volumes, id) }
func (m mapWrites) putService(id string, v Service) { m.s.Services[id] = v }

// presentationStore is how apply reaches a snapshot's presentations.
type presentationStore interface {
	of(volumeID string) []Presentation      // the volume's presentations, not to be modified
	set(volumeID string, ps []Presentation) // replace them (ps is owned by the store)
	drop(volumeID string)                   // remove them
}

// directPresentations edits the snapshot's slice at once: one pass per
// change, for Apply. Each edit makes a new slice, so a slice shared with a
// caller's copy is never written.
type directPresentations struct{ mapWrites }

func (d directPresentations) of(volumeID string) []Presentation {
	var out []Presentation
	for _, p := range d.s.Presentations {
		if p.VolumeID == volumeID {
			out = append(out, p)
		}
	}
	return out
}

func (d directPresentations) set(volumeID string, ps []Presentation) {
	d.drop(volumeID)
	d.s.Presentations = append(d.s.Presentations, ps...)
}

func (d directPresentations) drop(volumeID string) {
	out := make([]Presentation, 0, len(d.s.Presentations))
	for _, p := range d.s.Presentations {
		if p.VolumeID != volumeID {
			out = append(out, p)
		}
	}
	d.s.Presentations = out
}

// batchPresentations indexes the presentations by volume on first use and
// writes the slice back once, in flush, in exactly the order a sequence of
// Apply calls leaves: the untouched presentations in their order, then each
// re-set volume's, in the order of its last SetPresentations.
type batchPresentations struct {
	mapWrites
	byVol   map[string][]Presentation
	touched map[string]int // volume → sequence number of its last set; 0 when dropped
	seq     int
}

func (b *batchPresentations) index() {
	if b.byVol != nil {
		return
	}
	b.byVol = map[string][]Presentation{}
	b.touched = map[string]int{}
	for _, p := range b.s.Presentations {
		b.byVol[p.VolumeID] = append(b.byVol[p.VolumeID], p)
	}
}

func (b *batchPresentations) of(volumeID string) []Presentation {
	b.index()
	return b.byVol[volumeID]
}

func (b *batchPresentations) set(volumeID string, ps []Presentation) {
	b.index()
	b.seq++
	b.byVol[volumeID], b.touched[volumeID] = ps, b.seq
}

func (b *batchPresentations) drop(volumeID string) {
	b.index()
	delete(b.byVol, volumeID)
	b.touched[volumeID] = 0
}

func (b *batchPresentations) flush() {
	if len(b.touched) == 0 {
		return
	}
	out := make([]Presentation, 0, len(b.s.Presentations))
	for _, p := range b.s.Presentations {
		if _, t := b.touched[p.VolumeID]; !t {
			out = append(out, p)
		}
	}
	order := make([]string, 0, len(b.touched))
	for v, seq := range b.touched {
		if seq > 0 {
			order = append(order, v)
		}
	}
	slices.SortFunc(order, func(x, y string) int { return cmp.Compare(b.touched[x], b.touched[y]) })
	for _, v := range order {
		out = append(out, b.byVol[v]...)
	}
	b.s.Presentations = out
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
