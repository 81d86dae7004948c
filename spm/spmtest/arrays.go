package spmtest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

// Arrays is the in-memory live side: what each array holds and presents
// now. Its helpers script what happened after the backup (import or delete
// a volume, present, unpresent, change a signature); each one keeps the
// state valid or returns an error and changes nothing.
//
// Fault rules are checked with op [OpLive] (no target).
type Arrays struct {
	mu     sync.Mutex
	live   *spm.Live
	faults *Faults
}

var _ spm.LiveArrays = (*Arrays)(nil)

// NewArrays returns live arrays holding a copy of l, which must validate
// (nil: no arrays).
func NewArrays(l *spm.Live, opts ...Option) (*Arrays, error) {
	return NewArraysFromData(ArraysData{Live: l}, opts...)
}

// ArraysData is the whole state of an [Arrays] as plain, JSON-able data.
type ArraysData struct {
	Live *spm.Live `json:"live"`
}

// Data returns a copy of what the arrays hold.
func (a *Arrays) Data() ArraysData {
	a.mu.Lock()
	defer a.mu.Unlock()
	return ArraysData{Live: a.live.Clone()}
}

// NewArraysFromData rebuilds live arrays from [Arrays.Data]; the live side
// must validate (nil: no arrays).
func NewArraysFromData(d ArraysData, opts ...Option) (*Arrays, error) {
	l := d.Live
	if l == nil {
		l = &spm.Live{}
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("spmtest: arrays: %w", err)
	}
	o := buildOptions(opts)
	c := l
	if !o.adopt {
		c = l.Clone()
	}
	if c.Arrays == nil {
		c.Arrays = map[string]spm.LiveArray{}
	}
	return &Arrays{live: c, faults: o.faults}, nil
}

// Faults returns the rule set the arrays consult (see [WithFaults]).
func (a *Arrays) Faults() *Faults { return a.faults }

// LiveFromSnapshot builds the live side that matches a catalog exactly: every
// volume on its array with a valid signature of the catalog (none on XP),
// every presentation in place. Scripting post-backup activity on top of it
// is the usual way to set up a test. A nil s is an error.
func LiveFromSnapshot(s *spm.Snapshot) (*spm.Live, error) {
	if s == nil {
		return nil, fmt.Errorf("spmtest: live from snapshot: nil snapshot: %w", spm.ErrInvalid)
	}
	l := &spm.Live{Arrays: map[string]spm.LiveArray{}}
	for id, a := range s.Arrays {
		l.Arrays[id] = spm.LiveArray{ID: id, Type: a.Type}
	}
	ids := make([]string, 0, len(s.Volumes))
	for id := range s.Volumes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v := s.Volumes[id]
		la, ok := l.Arrays[v.ArrayID]
		if !ok {
			continue
		}
		lv := spm.LiveVolume{WWN: v.WWN, Name: v.Name, SizeBytes: v.SizeBytes}
		if la.Type.SupportsSignatures() {
			lv.Signature = spm.Signature{Present: true, Version: 1, OwningCatalog: s.CatalogID, ServiceID: v.ServiceID, Activation: v.Activation}
		}
		la.Volumes = append(la.Volumes, lv)
		l.Arrays[v.ArrayID] = la
	}
	for _, p := range s.Presentations {
		v, ok := s.Volumes[p.VolumeID]
		if !ok {
			continue
		}
		la, ok := l.Arrays[v.ArrayID]
		if !ok {
			continue
		}
		la.Presentations = append(la.Presentations, spm.LivePresentation{VolumeWWN: v.WWN, Initiator: p.Initiator, Host: p.Host, LUN: p.LUN})
		l.Arrays[v.ArrayID] = la
	}
	return l, nil
}

// Live implements spm.LiveArrays.
func (a *Arrays) Live(ctx context.Context) (*spm.Live, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := a.faults.Check(ctx, OpLive); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.live.Clone(), nil
}

// mutate applies f to a copy and keeps it only if it validates.
func (a *Arrays) mutate(f func(l *spm.Live) error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	next := a.live.Clone()
	if err := f(next); err != nil {
		return err
	}
	if err := next.Validate(); err != nil {
		return err
	}
	a.live = next
	return nil
}

func (a *Arrays) array(l *spm.Live, id string) (spm.LiveArray, error) {
	la, ok := l.Arrays[id]
	if !ok {
		return la, fmt.Errorf("spmtest: no array %q", id)
	}
	return la, nil
}

// AddArray adds an array (e.g. imported after the backup).
func (a *Arrays) AddArray(arr spm.LiveArray) error {
	return a.mutate(func(l *spm.Live) error {
		if _, dup := l.Arrays[arr.ID]; dup {
			return fmt.Errorf("spmtest: array %q exists", arr.ID)
		}
		if l.Arrays == nil {
			l.Arrays = map[string]spm.LiveArray{}
		}
		arr.Volumes = slices.Clone(arr.Volumes)
		arr.Presentations = slices.Clone(arr.Presentations)
		l.Arrays[arr.ID] = arr
		return nil
	})
}

// RemoveArray removes an array (e.g. it became unreachable).
func (a *Arrays) RemoveArray(id string) error {
	return a.mutate(func(l *spm.Live) error {
		if _, err := a.array(l, id); err != nil {
			return err
		}
		delete(l.Arrays, id)
		return nil
	})
}

// ImportVolume adds a volume to an array.
func (a *Arrays) ImportVolume(arrayID string, v spm.LiveVolume) error {
	return a.mutate(func(l *spm.Live) error {
		la, err := a.array(l, arrayID)
		if err != nil {
			return err
		}
		la.Volumes = append(la.Volumes, v)
		l.Arrays[arrayID] = la
		return nil
	})
}

// DeleteVolume removes a volume and its presentations from an array.
func (a *Arrays) DeleteVolume(arrayID string, wwn addrpool.WWN) error {
	return a.mutate(func(l *spm.Live) error {
		la, err := a.array(l, arrayID)
		if err != nil {
			return err
		}
		n := len(la.Volumes)
		la.Volumes = slices.DeleteFunc(la.Volumes, func(v spm.LiveVolume) bool { return v.WWN == wwn })
		if len(la.Volumes) == n {
			return fmt.Errorf("spmtest: array %q holds no volume %s", arrayID, wwn)
		}
		la.Presentations = slices.DeleteFunc(la.Presentations, func(p spm.LivePresentation) bool { return p.VolumeWWN == wwn })
		l.Arrays[arrayID] = la
		return nil
	})
}

// Present adds a presentation.
func (a *Arrays) Present(arrayID string, p spm.LivePresentation) error {
	return a.mutate(func(l *spm.Live) error {
		la, err := a.array(l, arrayID)
		if err != nil {
			return err
		}
		la.Presentations = append(la.Presentations, p)
		l.Arrays[arrayID] = la
		return nil
	})
}

// Unpresent removes the presentation of a volume to an initiator.
func (a *Arrays) Unpresent(arrayID string, volume, initiator addrpool.WWN) error {
	return a.mutate(func(l *spm.Live) error {
		la, err := a.array(l, arrayID)
		if err != nil {
			return err
		}
		n := len(la.Presentations)
		la.Presentations = slices.DeleteFunc(la.Presentations, func(p spm.LivePresentation) bool {
			return p.VolumeWWN == volume && p.Initiator == initiator
		})
		if len(la.Presentations) == n {
			return fmt.Errorf("spmtest: array %q does not present %s to %s", arrayID, volume, initiator)
		}
		l.Arrays[arrayID] = la
		return nil
	})
}

// UpdateVolume changes a volume in place with f (signature, name, size);
// the WWN must stay the same.
func (a *Arrays) UpdateVolume(arrayID string, wwn addrpool.WWN, f func(*spm.LiveVolume)) error {
	if f == nil {
		return fmt.Errorf("spmtest: UpdateVolume: nil function: %w", spm.ErrInvalid)
	}
	return a.mutate(func(l *spm.Live) error {
		la, err := a.array(l, arrayID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(la.Volumes, func(v spm.LiveVolume) bool { return v.WWN == wwn })
		if i < 0 {
			return fmt.Errorf("spmtest: array %q holds no volume %s", arrayID, wwn)
		}
		f(&la.Volumes[i])
		if la.Volumes[i].WWN != wwn {
			return fmt.Errorf("spmtest: UpdateVolume may not change the WWN %s", wwn)
		}
		l.Arrays[arrayID] = la
		return nil
	})
}

// SetSignature replaces the signature of a volume.
func (a *Arrays) SetSignature(arrayID string, wwn addrpool.WWN, sig spm.Signature) error {
	return a.UpdateVolume(arrayID, wwn, func(v *spm.LiveVolume) { v.Signature = sig })
}
