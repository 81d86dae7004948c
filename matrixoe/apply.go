package matrixoe

import (
	"fmt"
	"reflect"
	"slices"
)

// Apply applies one change to s, which should be valid ([Snapshot.Validate]):
// it relies on the two-way links Validate checks. It is the only code that
// mutates a snapshot: the dry run, the fakes in matrixoetest and the engine's
// prediction all use it. It is atomic: on error s is unchanged ([Snapshot.Equal]
// and the same Fingerprint) and the error is a *[ChangeError] (Index 0)
// wrapping exactly one of [ErrNotFound], [ErrConflict], [ErrInvalid] (also
// for a nil s) and [ErrUnknownChange] (also for a nil change).
//
// Apply is idempotent where the meaning allows: applying a change whose effect
// is already there changes nothing and returns nil (a journalled execute that
// crashed between applying a change and recording it can apply it again).
// Removing a record that is absent is an error wrapping ErrNotFound, and a
// record in a state the change cannot reach is an error wrapping ErrConflict.
// Each change type documents its rule; the package doc has the table.
func Apply(s *Snapshot, c Change) error {
	if err := applyOne(s, c, nil, nil); err != nil {
		return err
	}
	return nil
}

// ApplyAll applies cs to s in order, in place, all or nothing: on the first
// error every change already applied is undone, so s is exactly as before
// (Equal, same Fingerprint), and the error is a *[ChangeError] naming the
// change's index. The result is that of calling [Apply] for each change.
//
// It stays fast on large snapshots: nothing is cloned. Each write records
// the value it replaces, and a failure puts those back (work proportional
// to the batch, not to the snapshot). A batch that adds volumes to, or
// deletes volumes from, storage pool entries looks volumes up in an index
// built once for the batch instead of scanning every entry per change.
func ApplyAll(s *Snapshot, cs ...Change) error { return applyAll(s, nil, cs...) }

// applyAll is ApplyAll, noting in t (nil: nowhere) what it writes.
func applyAll(s *Snapshot, t *touched, cs ...Change) error {
	if s == nil {
		ce := &ChangeError{Err: invalid("nil snapshot")}
		if len(cs) > 0 {
			if c := deref(cs[0]); c != nil {
				ce.Kind, ce.Target = c.Kind(), c.Target()
			}
		}
		return ce
	}
	orig := *s // map headers: ensureMaps or an import may replace them
	u := &undoLog{t: t}
	ix := &volumeIndex{}
	for i, c := range cs {
		if err := applyOne(s, c, ix, u); err != nil {
			u.rollback()
			*s = orig
			err.Index = i
			return err
		}
	}
	return nil
}

// deref turns a pointer to a change into the change value the rest of the
// package uses; a nil pointer gives nil, so callers refuse it instead of
// panicking on its methods.
func deref(c Change) Change {
	if c == nil {
		return nil
	}
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer {
		return c
	}
	if v.IsNil() {
		return nil
	}
	e, _ := v.Elem().Interface().(Change)
	return e
}

// applyOne applies c to s, recording every write in u (nil: not recorded,
// for Apply, whose every change checks before it writes) and keeping ix (nil:
// scan) in step.
func applyOne(s *Snapshot, c Change, ix *volumeIndex, u *undoLog) *ChangeError {
	c = deref(c)
	if c == nil {
		return &ChangeError{Kind: "<nil>", Err: fmt.Errorf("nil change: %w", ErrUnknownChange)}
	}
	if s == nil {
		return &ChangeError{Kind: c.Kind(), Target: c.Target(), Err: invalid("nil snapshot")}
	}
	s.ensureMaps()
	if err := apply(s, c, ix, u); err != nil {
		return &ChangeError{Kind: c.Kind(), Target: c.Target(), Err: err}
	}
	return nil
}

// undoLog records how to put back what a batch wrote, newest last, and
// notes in t (nil: nowhere) what was written, for a Chain.
type undoLog struct {
	steps []func()
	t     *touched
}

func (u *undoLog) record(f func()) {
	if u != nil {
		u.steps = append(u.steps, f)
	}
}

func (u *undoLog) rollback() {
	for i := len(u.steps) - 1; i >= 0; i-- {
		u.steps[i]()
	}
	u.steps = nil
}

// put stores m[k] = v, recording the previous entry (or its absence).
func put[K comparable, V any](u *undoLog, m map[K]V, k K, v V) {
	if u != nil {
		note(u.t, m, k)
		old, had := m[k]
		u.record(func() {
			if had {
				m[k] = old
			} else {
				delete(m, k)
			}
		})
	}
	m[k] = v
}

// del deletes m[k], recording the entry.
func del[K comparable, V any](u *undoLog, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	if u != nil {
		note(u.t, m, k)
	}
	u.record(func() { m[k] = old })
	delete(m, k)
}

// apply is the one switch over every change type. Each case checks first and
// writes after, so an error leaves s as it was.
func apply(s *Snapshot, c Change, ix *volumeIndex, u *undoLog) error {
	switch c := c.(type) {
	case SetLSDeactivated:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %s", q(c.LogicalServerID))
		}
		if !ls.Activated {
			return nil // already applied
		}
		ls.Activated = false
		put(u, s.LogicalServers, ls.ID, ls)
	case DropLS:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %s", q(c.LogicalServerID))
		}
		del(u, s.LogicalServers, c.LogicalServerID)
		for id, sv := range s.Services {
			if slices.Contains(sv.LogicalServerIDs, c.LogicalServerID) {
				sv.LogicalServerIDs = without(sv.LogicalServerIDs, c.LogicalServerID)
				put(u, s.Services, id, sv)
			}
		}
		// A valid snapshot links SPEs both ways, so the server's own list
		// finds every SPE it owns.
		for _, id := range ls.SPEIDs {
			if spe, ok := s.SPEs[id]; ok && spe.LogicalServerID == c.LogicalServerID {
				spe.LogicalServerID = ""
				put(u, s.SPEs, id, spe)
			}
		}
	case SetPowerState:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %s", q(c.LogicalServerID))
		}
		if c.Power != PowerOn && c.Power != PowerOff {
			return invalid("power state %s (want %q or %q)", q(string(c.Power)), PowerOn, PowerOff)
		}
		if ls.Power == c.Power {
			return nil // already applied
		}
		ls.Power = c.Power
		put(u, s.LogicalServers, ls.ID, ls)
	case AddVolumeToSPE:
		spe, err := entryFor(s, c.SPEID, c.VolumeID)
		if err != nil {
			return err
		}
		if spe.Kind != SPECatalog {
			return conflict("storage pool entry %s is %s, not catalog-based", q(c.SPEID), q(string(spe.Kind)))
		}
		if slices.Contains(spe.VolumeIDs, c.VolumeID) {
			return nil // already applied
		}
		if held := ix.holders(s, c.VolumeID); len(held) > 0 { // a valid snapshot has at most one holder
			return conflict("volume %s already in storage pool entry %s, not %s", q(c.VolumeID), q(held[0]), q(c.SPEID))
		}
		spe.VolumeIDs = append(slices.Clip(spe.VolumeIDs), c.VolumeID)
		put(u, s.SPEs, c.SPEID, spe)
		ix.add(c.VolumeID, c.SPEID)
	case RemoveVolumeFromSPE:
		spe, err := entryFor(s, c.SPEID, c.VolumeID)
		if err != nil {
			return err
		}
		if !slices.Contains(spe.VolumeIDs, c.VolumeID) {
			return nil // already applied
		}
		spe.VolumeIDs = without(spe.VolumeIDs, c.VolumeID)
		put(u, s.SPEs, c.SPEID, spe)
		ix.remove(c.VolumeID, c.SPEID)
	case DeleteVolumeFromSPM:
		if c.VolumeID == "" {
			return invalid("empty volume id")
		}
		for _, id := range ix.holders(s, c.VolumeID) {
			if spe := s.SPEs[id]; spe.Kind == SPECatalog {
				spe.VolumeIDs = without(spe.VolumeIDs, c.VolumeID)
				put(u, s.SPEs, id, spe)
				ix.remove(c.VolumeID, id)
			}
		}
	case TerminateRequest:
		r, ok := s.Requests[c.RequestID]
		if !ok {
			return notFound("request %s", q(c.RequestID))
		}
		if c.From == "" || c.To == "" || c.From == c.To {
			return invalid("from %s to %s: want two different states", q(string(c.From)), q(string(c.To)))
		}
		if r.State == c.To {
			return nil // already applied
		}
		if r.State != c.From {
			return conflict("request %s is %s, neither %s nor %s", q(c.RequestID), q(string(r.State)), q(string(c.From)), q(string(c.To)))
		}
		r.State = c.To
		put(u, s.Requests, r.ID, r)
	case RemoveServiceDefinition:
		if _, ok := s.Services[c.ServiceID]; !ok {
			return notFound("service %s", q(c.ServiceID))
		}
		del(u, s.Services, c.ServiceID)
		for id, r := range s.Requests {
			if r.ServiceID == c.ServiceID {
				del(u, s.Requests, id)
			}
		}
		for a, ip := range s.IPs {
			if ip.ServiceID == c.ServiceID {
				put(u, s.IPs, a, IPAllocation{Address: ip.Address, Network: ip.Network})
			}
		}
		for id, spe := range s.SPEs {
			if spe.ServiceID == c.ServiceID {
				spe.ServiceID = ""
				put(u, s.SPEs, id, spe)
			}
		}
	case MarkIPAllocated:
		ip, ok := s.IPs[c.Address]
		if !ok {
			return notFound("address %s in the IO IP pools", short(c.Address.String()))
		}
		if ip.Allocated {
			if ip.ServiceID == "" && ip.Owner == c.Owner {
				return nil // already applied
			}
			return conflict("address %s already allocated to %s", short(c.Address.String()), ipHolder(ip))
		}
		ip.Allocated = true
		ip.Owner = c.Owner
		put(u, s.IPs, c.Address, ip)
	case ApplyRMExport:
		groups, err := importRM(s.RecoveryGroups, c.Export, c.Rules)
		if err != nil {
			return err
		}
		old := s.RecoveryGroups // importRM built a new map; the old one is untouched
		u.record(func() { s.RecoveryGroups = old })
		if u != nil && u.t != nil {
			u.t.allRG = true
		}
		s.RecoveryGroups = groups
	case UpdateRecoveryGroup:
		rg, ok := s.RecoveryGroups[c.Name]
		if !ok {
			return notFound("recovery group %s", q(c.Name))
		}
		if len(c.RemoveProtected) == 0 {
			return invalid("nothing to remove")
		}
		drop := make(map[string]bool, len(c.RemoveProtected))
		for _, id := range c.RemoveProtected {
			drop[id] = true
		}
		kept := slices.DeleteFunc(slices.Clone(rg.ProtectedLS), func(id string) bool { return drop[id] })
		if len(kept) == len(rg.ProtectedLS) {
			return nil // already applied: none of them is listed
		}
		rg.ProtectedLS = kept
		put(u, s.RecoveryGroups, rg.Name, rg)
	default:
		return fmt.Errorf("change type %T: %w", c, ErrUnknownChange)
	}
	return nil
}

// entryFor is the storage pool entry a volume change names, after checking
// the change names a volume.
func entryFor(s *Snapshot, speID, volumeID string) (StoragePoolEntry, error) {
	spe, ok := s.SPEs[speID]
	if !ok {
		return spe, notFound("storage pool entry %s", q(speID))
	}
	if volumeID == "" {
		return spe, invalid("empty volume id")
	}
	return spe, nil
}

// ipHolder names who holds an allocated address, for conflict messages.
func ipHolder(ip IPAllocation) string {
	switch {
	case ip.ServiceID != "":
		return "service " + q(ip.ServiceID)
	case ip.Owner != "":
		return "owner " + q(ip.Owner)
	}
	return "an unnamed owner"
}
