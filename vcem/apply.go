package vcem

import (
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Apply applies one change to s. It is the only code that mutates a snapshot
// for a change: dry runs, the vcemtest store and any other in-memory store use
// it, so a plan predicted on a copy is exactly what a store will hold.
//
// Apply is atomic: on error s is unchanged. Every error wraps exactly one of
// [ErrNotFound], [ErrConflict], [ErrInvalid] and [ErrUnknownChange]: a nil
// snapshot or an empty profile ID is invalid, a nil or foreign change
// unknown. Re-applying a change whose effect is present is nil where the
// meaning allows:
//
//	change           effect                                  again   errors
//	MarkExternalMAC  a Free or Excluded MAC becomes External  nil     outside every range: ErrNotFound; In use: ErrConflict
//	MarkExternalWWN  the same in the WWN pool                 nil     the same
//	DeleteProfile    removes the profile, frees its           -       absent: ErrNotFound (ErrUnknownProfile);
//	                 VCEM-pool addresses                              pool disagrees: ErrConflict (and ErrInvalidSnapshot)
//	SetProfileBay    records the profile's bay ("" unassigned) nil    absent: ErrNotFound (ErrUnknownProfile)
//
// A snapshot without the pool a change needs is ErrInvalid (ErrNoPool).
// Apply keeps a valid snapshot valid: one that passed [Snapshot.Validate]
// and has only been changed by Apply or [ApplyAll] since need not be
// validated again (see [Prevalidated]).
func Apply(s *Snapshot, c Change) error {
	if _, err := apply(s, c, nil); err != nil {
		return fmt.Errorf("vcem: apply %s: %w", describe(c), err)
	}
	return nil
}

// ApplyAll applies cs to s in order, in place, all or nothing: on failure
// every change already applied is undone, so s is exactly as before (Equal,
// same Fingerprint), and the error is a *[ChangeError] naming the change.
// Undoing costs what applying did — no copy of s is made, so a batch on a
// large snapshot costs its changes, not the snapshot's size. A nil snapshot
// with no changes is an error wrapping [ErrInvalid].
func ApplyAll(s *Snapshot, cs ...Change) error { return applyAll(s, nil, cs...) }

// applyAll is ApplyAll, noting in t the profiles it writes.
func applyAll(s *Snapshot, t touched, cs ...Change) error {
	if s == nil && len(cs) == 0 {
		return fmt.Errorf("vcem: apply all: snapshot is nil: %w", ErrInvalid)
	}
	undos := make([]func(), 0, len(cs))
	for i, c := range cs {
		undo, err := apply(s, c, t)
		if err != nil {
			for j := len(undos) - 1; j >= 0; j-- {
				undos[j]()
			}
			ce := &ChangeError{Index: i, Err: err}
			if d := deref(c); d != nil {
				ce.Kind, ce.Target = d.Kind(), d.Target()
			}
			return ce
		}
		if undo != nil {
			undos = append(undos, undo)
		}
	}
	return nil
}

// ChangeError is the failure of one change of [ApplyAll].
type ChangeError struct {
	Index        int    // position in the changes given
	Kind, Target string // of the failing change ("" for a nil change)
	Err          error  // why; wraps one of ErrNotFound, ErrConflict, ErrInvalid, ErrUnknownChange
}

// Error renders "vcem: change 3 (vcem.DeleteProfile, profile P1): <Err>".
func (e *ChangeError) Error() string {
	if e.Kind == "" {
		return fmt.Sprintf("vcem: change %d (nil): %v", e.Index, e.Err)
	}
	return fmt.Sprintf("vcem: change %d (%s, %s): %v", e.Index, e.Kind, e.Target, e.Err)
}

// Unwrap returns Err.
func (e *ChangeError) Unwrap() error { return e.Err }

// describe names a change in an error, nil included.
func describe(c Change) string {
	switch d := deref(c); {
	case d != nil:
		return d.String()
	case c != nil:
		return fmt.Sprintf("%T(nil)", c)
	}
	return "(nil)"
}

// apply applies c to s atomically and returns how to undo it (nil when
// nothing changed). Its errors say what is wrong without naming the change;
// Apply and ApplyAll name it. The profiles it writes are noted in t.
func apply(s *Snapshot, c Change, t touched) (undo func(), err error) {
	if s == nil {
		return nil, fmt.Errorf("snapshot is nil: %w", ErrInvalid)
	}
	d := deref(c)
	if d == nil {
		return nil, fmt.Errorf("nil change: %w", ErrUnknownChange)
	}
	if err := validate(d); err != nil {
		return nil, err
	}
	switch d := d.(type) {
	case MarkExternalMAC:
		return markPool(s.MACs, d.MAC)
	case MarkExternalWWN:
		return markPool(s.WWNs, d.WWN)
	case DeleteProfile:
		return deleteProfile(s, d.ProfileID, t)
	case SetProfileBay:
		return setProfileBay(s, d, t)
	}
	return nil, fmt.Errorf("change type %T: %w", c, ErrUnknownChange)
}

func markPool[A addrpool.Address](p *addrpool.Pool[A], a A) (func(), error) {
	if p == nil {
		return nil, ErrNoPool
	}
	st, owner, ok := p.Lookup(a)
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: %w: %w", a, ErrNotFound, addrpool.ErrNotInPool)
	case st == addrpool.InUse:
		return nil, fmt.Errorf("%s is In use by %q: %w: %w", a, owner, ErrConflict, addrpool.ErrWrongState)
	case st == addrpool.External:
		return nil, nil
	}
	if err := p.MarkExternal(a); err != nil { // cannot happen after the checks above
		return nil, fmt.Errorf("%s: %w: %w", a, ErrConflict, err)
	}
	// Release returns an External address to what it was: Free, or
	// Excluded inside an exclusion.
	return func() { _ = p.Release(a) }, nil
}

// deleteProfile checks every pool address of the profile first and only
// then releases them and removes the definition, so a failure changes
// nothing.
func deleteProfile(s *Snapshot, id string, t touched) (func(), error) {
	p, ok := s.Profiles[id]
	if !ok {
		return nil, fmt.Errorf("profile %q: %w", id, ErrUnknownProfile)
	}
	var release []profileAddr
	var bad []error
	p.eachAddr(func(a profileAddr) {
		if !heldInPool(a) {
			return
		}
		st, owner, ok := s.lookup(a.fam, a.v)
		if !ok {
			return // outside the pool: nothing of VCEM's to free
		}
		if st != addrpool.InUse || owner != id {
			bad = append(bad, fmt.Errorf("%s %s is %s (owner %q), not In use by the profile", a.slot, refOf(a.fam, a.v), st, owner))
			return
		}
		for _, r := range release {
			if r.fam == a.fam && r.v == a.v {
				return // listed twice by the profile: release once
			}
		}
		release = append(release, a)
	})
	if len(bad) > 0 {
		return nil, fmt.Errorf("profile %q: the pool disagrees with the profile: %w: %w: %w", id, ErrConflict, ErrInvalidSnapshot, errors.Join(bad...))
	}
	for _, a := range release {
		if err := s.release(a.fam, a.v); err != nil { // cannot happen after the checks above
			return nil, fmt.Errorf("profile %q: release %s after check: %w: %w", id, refOf(a.fam, a.v), ErrConflict, err)
		}
	}
	t.note(id)
	delete(s.Profiles, id)
	return func() {
		// Later changes are undone first, so every released address is
		// Free again.
		for _, a := range release {
			_ = s.allocate(a.fam, a.v, id)
		}
		s.Profiles[id] = p
	}, nil
}

// release frees address v of family f in the snapshot's pool.
func (s *Snapshot) release(f Family, v uint64) error {
	if f == FamilyMAC {
		return s.MACs.Release(addrpool.MAC(v))
	}
	return s.WWNs.Release(addrpool.WWN(v))
}

// allocate gives the Free address v of family f to owner.
func (s *Snapshot) allocate(f Family, v uint64, owner string) error {
	if f == FamilyMAC {
		return s.MACs.AllocateAddr(addrpool.MAC(v), owner)
	}
	return s.WWNs.AllocateAddr(addrpool.WWN(v), owner)
}

// setProfileBay stores a new profile value (profiles are shared between
// snapshot copies and never edited in place).
func setProfileBay(s *Snapshot, c SetProfileBay, t touched) (func(), error) {
	p, ok := s.Profiles[c.ProfileID]
	if !ok {
		return nil, fmt.Errorf("profile %q: %w", c.ProfileID, ErrUnknownProfile)
	}
	if p.Bay == c.Bay {
		return nil, nil
	}
	old := p
	p.Bay = c.Bay
	t.note(c.ProfileID)
	s.Profiles[c.ProfileID] = p
	return func() { s.Profiles[c.ProfileID] = old }, nil
}
