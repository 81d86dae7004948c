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
// Apply is atomic: on error s is unchanged. It is idempotent where the
// meaning allows (marking an External address External again is a no-op,
// setting a profile's bay to the bay it has changes nothing) and an error
// where it does not (deleting or setting the bay of an unknown profile wraps
// [ErrUnknownProfile]).
func Apply(s *Snapshot, c Change) error {
	if s == nil {
		return errors.New("vcem: apply: snapshot is nil")
	}
	switch c := c.(type) {
	case MarkExternalMAC:
		return markPool(s.MACs, c.MAC, c)
	case *MarkExternalMAC:
		if c == nil {
			break
		}
		return markPool(s.MACs, c.MAC, *c)
	case MarkExternalWWN:
		return markPool(s.WWNs, c.WWN, c)
	case *MarkExternalWWN:
		if c == nil {
			break
		}
		return markPool(s.WWNs, c.WWN, *c)
	case DeleteProfile:
		return deleteProfile(s, c.ProfileID)
	case *DeleteProfile:
		if c == nil {
			break
		}
		return deleteProfile(s, c.ProfileID)
	case SetProfileBay:
		return setProfileBay(s, c)
	case *SetProfileBay:
		if c == nil {
			break
		}
		return setProfileBay(s, *c)
	}
	return fmt.Errorf("vcem: apply %T: %w", c, ErrUnknownChange)
}

func markPool[A addrpool.Address](p *addrpool.Pool[A], a A, c Change) error {
	if p == nil {
		return fmt.Errorf("vcem: apply %s: %w", c, ErrNoPool)
	}
	if !p.Contains(a) {
		return fmt.Errorf("vcem: apply %s: %w", c, addrpool.ErrNotInPool)
	}
	if err := p.MarkExternal(a); err != nil {
		return fmt.Errorf("vcem: apply %s: %w", c, err)
	}
	return nil
}

// deleteProfile checks every pool address of the profile first and only
// then releases them and removes the definition, so a failure changes
// nothing.
func deleteProfile(s *Snapshot, id string) error {
	p, ok := s.Profiles[id]
	if !ok {
		return fmt.Errorf("vcem: apply delete profile %q: %w", id, ErrUnknownProfile)
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
		return fmt.Errorf("vcem: apply delete profile %q: pool disagrees with the profile: %w: %w", id, ErrInvalidSnapshot, errors.Join(bad...))
	}
	for _, a := range release {
		var err error
		if a.fam == FamilyMAC {
			err = s.MACs.Release(addrpool.MAC(a.v))
		} else {
			err = s.WWNs.Release(addrpool.WWN(a.v))
		}
		if err != nil { // cannot happen after the checks above; fail loudly if it does
			return fmt.Errorf("vcem: apply delete profile %q: release %s after check: %w", id, refOf(a.fam, a.v), err)
		}
	}
	delete(s.Profiles, id)
	return nil
}

// setProfileBay stores a new profile value (profiles are shared between
// snapshot copies and never edited in place).
func setProfileBay(s *Snapshot, c SetProfileBay) error {
	p, ok := s.Profiles[c.ProfileID]
	if !ok {
		return fmt.Errorf("vcem: apply set bay of profile %q: %w", c.ProfileID, ErrUnknownProfile)
	}
	if p.Bay == c.Bay {
		return nil
	}
	p.Bay = c.Bay
	s.Profiles[c.ProfileID] = p
	return nil
}
