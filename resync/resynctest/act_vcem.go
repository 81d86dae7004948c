package resynctest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The VCEM activities keep one rule: the VCEM database (the Store) is
// VCEM's truth, the VC domains (the Live) the hardware's, and the live VCEM
// pools a mirror of the database, so VCEM allocates from its database.
// Creating and deleting profiles changes both pools alike; anything else
// that touches addresses mirrors the database again.

// readVCEM runs fn on the VCEM database without changing it.
func (e *Estate) readVCEM(fn func(s *vcem.Snapshot) error) error { return e.vcemStore.Update(fn) }

// readMOE runs fn on the Matrix OE databases without changing them.
func (e *Estate) readMOE(fn func(s *matrixoe.Snapshot) error) error { return e.moeStore.Update(fn) }

// domainOf returns a VC domain as it is now.
func (e *Estate) domainOf(id string) (vcem.LiveDomain, error) {
	ld, ok := e.vcemLive.Domain(id)
	if !ok {
		return ld, refused("VC domain %q does not exist", id)
	}
	return ld, nil
}

func liveProfile(ld vcem.LiveDomain, name string) (vcem.Profile, bool) {
	for _, p := range ld.Profiles {
		if p.Name == name {
			return p, true
		}
	}
	return vcem.Profile{}, false
}

// dbProfileID finds the VCEM database's profile of a domain by name.
func dbProfileID(s *vcem.Snapshot, domainID, name string) string {
	if p, ok := s.Profiles[vcemtest.ProfileID(domainID, name)]; ok && p.DomainID == domainID && p.Name == name {
		return p.ID
	}
	for id, p := range s.Profiles {
		if p.DomainID == domainID && p.Name == name {
			return id
		}
	}
	return ""
}

func bayTaken(ld vcem.LiveDomain, bay string) string {
	for _, p := range ld.Profiles {
		if p.Bay == bay {
			return p.Name
		}
	}
	return ""
}

// checkBay refuses a bay outside the domain's enclosures or in use.
func checkBay(ld vcem.LiveDomain, bay string) error {
	enc, slot, ok := splitBay(bay)
	if !ok || !slices.Contains(ld.Domain.Enclosures, enc) || slot < 1 || slot > slotsPerEnclosure {
		return refused("bay %q is not a bay of domain %q (<enclosure>:<1-%d>)", bay, ld.Domain.ID, slotsPerEnclosure)
	}
	if other := bayTaken(ld, bay); other != "" {
		return refused("bay %q of domain %q holds profile %q", bay, ld.Domain.ID, other)
	}
	return nil
}

func splitBay(bay string) (string, int, bool) {
	for i := len(bay) - 1; i >= 0; i-- {
		if bay[i] == ':' {
			n, err := strconv.Atoi(bay[i+1:])
			return bay[:i], n, err == nil
		}
	}
	return "", 0, false
}

func (e *Estate) createProfile(a Activity) error {
	_, err := e.newProfile(a)
	return err
}

// newProfile creates a profile as VCEM does: on a domain VCEM manages and
// knows, addresses from its database's pools; the VC domain and the
// database both get it. It returns the database's profile (with its ID).
func (e *Estate) newProfile(a Activity) (vcem.Profile, error) {
	if err := e.syncVCEMIfStale(); err != nil {
		return vcem.Profile{}, err
	}
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return vcem.Profile{}, err
	}
	if ld.Domain.GroupID == "" {
		return vcem.Profile{}, refused("VC domain %q is in no VC Domain Group: VCEM does not manage it", a.Domain)
	}
	if _, dup := liveProfile(ld, a.Profile); dup {
		return vcem.Profile{}, refused("domain %q already has a profile %q", a.Domain, a.Profile)
	}
	if a.Bay != "" {
		if err := checkBay(ld, a.Bay); err != nil {
			return vcem.Profile{}, err
		}
	}
	if a.Ethernet < 0 || a.ISCSI < 0 || a.FCoE < 0 || a.FC < 0 || a.Ethernet+a.ISCSI+a.FCoE+a.FC > 32 {
		return vcem.Profile{}, refused("connection counts %d/%d/%d/%d: each at least 0, at most 32 in all", a.Ethernet, a.ISCSI, a.FCoE, a.FC)
	}
	id := vcemtest.ProfileID(a.Domain, a.Profile)
	err = e.readVCEM(func(s *vcem.Snapshot) error {
		if _, ok := s.Domains[a.Domain]; !ok {
			return refused("VCEM's database does not know domain %q (added to a group after the restore it came from?)", a.Domain)
		}
		if _, dup := s.Profiles[id]; dup || dbProfileID(s, a.Domain, a.Profile) != "" {
			return refused("VCEM's database already has a profile %q in domain %q", a.Profile, a.Domain)
		}
		return nil
	})
	if err != nil {
		return vcem.Profile{}, err
	}
	p, err := e.vcemLive.CreateProfile(a.Domain, vcemtest.ProfileSpec{Name: a.Profile, Bay: a.Bay, Ethernet: a.Ethernet, ISCSI: a.ISCSI, FCoE: a.FCoE, FC: a.FC})
	if err != nil {
		return vcem.Profile{}, refused("%v", err)
	}
	p.ID = id
	err = e.vcemStore.Update(func(s *vcem.Snapshot) error {
		if err := allocateAll(s, p); err != nil {
			return err
		}
		s.Profiles[id] = p
		return nil
	})
	if err != nil {
		// The pools are mirrors: a refusal here is an estate bug; undo the
		// domain's half and say so.
		_ = e.vcemLive.DeleteProfile(a.Domain, a.Profile)
		return vcem.Profile{}, fmt.Errorf("resynctest: create profile %s: the VCEM database refused what its mirror allocated: %w", id, err)
	}
	return p, nil
}

// allocateAll allocates p's VCEM-pool addresses to p.ID, all or nothing.
func allocateAll(s *vcem.Snapshot, p vcem.Profile) error {
	var macs []addrpool.MAC
	var wwns []addrpool.WWN
	var errs []error
	eachAddr(p, func(m addrpool.MAC, t vcem.AddressType) {
		if t != vcem.AddressVCEMPool || len(errs) > 0 {
			return
		}
		if err := s.MACs.AllocateAddr(m, p.ID); err != nil {
			errs = append(errs, err)
			return
		}
		macs = append(macs, m)
	}, func(w addrpool.WWN, t vcem.AddressType) {
		if t != vcem.AddressVCEMPool || len(errs) > 0 {
			return
		}
		if err := s.WWNs.AllocateAddr(w, p.ID); err != nil {
			errs = append(errs, err)
			return
		}
		wwns = append(wwns, w)
	})
	if len(errs) == 0 {
		return nil
	}
	for _, m := range macs {
		_ = s.MACs.Release(m)
	}
	for _, w := range wwns {
		_ = s.WWNs.Release(w)
	}
	return errs[0]
}

// serverOfProfile returns the logical server that owns a VCEM profile.
func (e *Estate) serverOfProfile(profileID string) (matrixoe.LogicalServer, bool) {
	var out matrixoe.LogicalServer
	found := false
	_ = e.readMOE(func(s *matrixoe.Snapshot) error {
		for _, ls := range s.LogicalServers {
			if ls.Kind == matrixoe.LSPhysicalVC && ls.ProfileID == profileID {
				out, found = ls, true
				return nil
			}
		}
		return nil
	})
	return out, found
}

func (e *Estate) deleteProfile(a Activity) error {
	if err := e.syncVCEMIfStale(); err != nil {
		return err
	}
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	if _, ok := liveProfile(ld, a.Profile); !ok {
		return refused("domain %q has no profile %q", a.Domain, a.Profile)
	}
	id := ""
	_ = e.readVCEM(func(s *vcem.Snapshot) error { id = dbProfileID(s, a.Domain, a.Profile); return nil })
	if ls, ok := e.serverOfProfile(orDefault(id, vcemtest.ProfileID(a.Domain, a.Profile))); ok {
		return refused("profile %q of domain %q is logical server %q's: delete the server (delete-vc-server)", a.Profile, a.Domain, ls.ID)
	}
	return e.removeProfile(a.Domain, a.Profile, id)
}

// removeProfile deletes a profile from its domain and, when it has one,
// from the VCEM database (id), freeing its addresses in both.
func (e *Estate) removeProfile(domainID, name, id string) error {
	if ld, ok := e.vcemLive.Domain(domainID); ok {
		if _, ok := liveProfile(ld, name); ok {
			if err := e.vcemLive.DeleteProfile(domainID, name); err != nil {
				return refused("%v", err)
			}
		}
	}
	if id == "" {
		return nil
	}
	return e.vcemStore.Update(func(s *vcem.Snapshot) error { return vcem.Apply(s, vcem.DeleteProfile{ProfileID: id}) })
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (e *Estate) assignProfile(a Activity) error { return e.setBay(a, a.Bay) }

func (e *Estate) unassignProfile(a Activity) error { return e.setBay(a, "") }

// setBay assigns (bay != "") or unassigns a profile on its domain and in
// the VCEM database; its VC-based logical server follows (LSM activates a
// server whose profile is assigned).
func (e *Estate) setBay(a Activity, bay string) error {
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	p, ok := liveProfile(ld, a.Profile)
	switch {
	case !ok:
		return refused("domain %q has no profile %q", a.Domain, a.Profile)
	case bay == "" && p.Bay == "":
		return refused("profile %q of domain %q is unassigned already", a.Profile, a.Domain)
	case bay != "" && p.Bay != "":
		return refused("profile %q of domain %q is assigned to %q: unassign it first", a.Profile, a.Domain, p.Bay)
	}
	if bay != "" {
		if err := checkBay(ld, bay); err != nil {
			return err
		}
	}
	id := ""
	_ = e.readVCEM(func(s *vcem.Snapshot) error { id = dbProfileID(s, a.Domain, a.Profile); return nil })
	var err2 error
	if bay == "" {
		err2 = e.vcemLive.UnassignProfile(a.Domain, a.Profile)
	} else {
		err2 = e.vcemLive.AssignProfile(a.Domain, a.Profile, bay)
	}
	if err2 != nil {
		return refused("%v", err2)
	}
	if id != "" {
		if err := e.vcemStore.Update(func(s *vcem.Snapshot) error { return vcem.Apply(s, vcem.SetProfileBay{ProfileID: id, Bay: bay}) }); err != nil {
			return err
		}
	}
	if ls, ok := e.serverOfProfile(orDefault(id, vcemtest.ProfileID(a.Domain, a.Profile))); ok {
		return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
			ls.Activated = bay != ""
			s.LogicalServers[ls.ID] = ls
			return nil
		})
	}
	return nil
}

// parseConnection reads "ethernet[i]", "iscsi[i]" or "fc[i]".
func parseConnection(s string) (kind string, i int, ok bool) {
	name, rest, found := strings.Cut(s, "[")
	if !found || !strings.HasSuffix(rest, "]") || (name != "ethernet" && name != "iscsi" && name != "fc") {
		return "", 0, false
	}
	digits := strings.TrimSuffix(rest, "]")
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || n > 99 || strconv.Itoa(n) != digits {
		return "", 0, false
	}
	return name, n, true
}

func (e *Estate) userDefinedAddress(a Activity) error {
	if err := e.syncVCEMIfStale(); err != nil {
		return err
	}
	kind, i, ok := parseConnection(a.Connection)
	if !ok {
		return refused("connection %s: want ethernet[i], iscsi[i] or fc[i]", strictjson.QuoteShort(a.Connection))
	}
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	p, found := liveProfile(ld, a.Profile)
	if !found {
		return refused("domain %q has no profile %q", a.Domain, a.Profile)
	}
	p.Ethernet, p.ISCSI, p.FC = slices.Clone(p.Ethernet), slices.Clone(p.ISCSI), slices.Clone(p.FC)
	switch kind {
	case "ethernet", "iscsi":
		mac, err := addrpool.ParseMAC(a.Address)
		if err != nil {
			return refused("address: %v", err)
		}
		if kind == "ethernet" {
			if i >= len(p.Ethernet) {
				return refused("profile %q has %d Ethernet connections, no ethernet[%d]", a.Profile, len(p.Ethernet), i)
			}
			p.Ethernet[i].MAC, p.Ethernet[i].AddressType = mac, vcem.AddressUserDefined
		} else {
			if i >= len(p.ISCSI) {
				return refused("profile %q has %d iSCSI connections, no iscsi[%d]", a.Profile, len(p.ISCSI), i)
			}
			p.ISCSI[i].MAC, p.ISCSI[i].AddressType = mac, vcem.AddressUserDefined
		}
	case "fc":
		port, err := addrpool.ParseWWN(a.Address)
		if err != nil {
			return refused("address: %v", err)
		}
		node, err := vcem.NodeWWNFor(port)
		if err != nil {
			return refused("address: %v", err)
		}
		if i >= len(p.FC) {
			return refused("profile %q has %d FC connections, no fc[%d]", a.Profile, len(p.FC), i)
		}
		p.FC[i].PortWWN, p.FC[i].NodeWWN, p.FC[i].AddressType = port, node, vcem.AddressUserDefined
	}
	if err := e.vcemLive.PutProfile(a.Domain, p); err != nil {
		return refused("%v", err)
	}
	if inManager(e.manager.Data().Domains, a.Domain) {
		_ = e.manager.SetInSync(a.Domain, false)
	}
	// PutProfile freed the profile's mirror addresses; the database still
	// holds them, so mirror it again.
	return e.syncVCEM()
}

func inManager(ds []vcemtest.ManagerDomain, id string) bool {
	return slices.ContainsFunc(ds, func(d vcemtest.ManagerDomain) bool { return d.ID == id })
}

func (e *Estate) addToGroup(a Activity) error {
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	if ld.Domain.GroupID != "" {
		return refused("VC domain %q is in VC Domain Group %q already", a.Domain, ld.Domain.GroupID)
	}
	err = e.vcemStore.Update(func(s *vcem.Snapshot) error {
		next, err := takenOver(s, ld, a.Group)
		if err != nil {
			return err
		}
		*s = *next
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.vcemLive.AddToGroup(a.Domain, a.Group); err != nil {
		return fmt.Errorf("resynctest: add %q to group: %w", a.Domain, err)
	}
	if inManager(e.manager.Data().Domains, a.Domain) {
		_ = e.manager.SetInSync(a.Domain, true)
	} else if err := e.manager.AddDomain(a.Domain, true); err != nil {
		return err
	}
	return e.syncVCEM()
}

// takenOver returns s with VCEM taking domain ld into group: the domain
// and its profiles in the database (replacing any it had of that domain),
// their VCEM-pool addresses In use by them (Free or External ones: a
// domain that left a group and comes back), and their other addresses
// inside VCEM's ranges External (harvested, so VCEM never hands them out).
// An address in use otherwise, or a database that would not validate, is a
// refusal.
func takenOver(s *vcem.Snapshot, ld vcem.LiveDomain, group string) (*vcem.Snapshot, error) {
	if _, ok := s.Groups[group]; !ok {
		return nil, refused("VCEM's database has no VC Domain Group %q", group)
	}
	id := ld.Domain.ID
	next := s.Clone()
	for _, p := range next.DomainProfiles(id) {
		if err := vcem.Apply(next, vcem.DeleteProfile{ProfileID: p.ID}); err != nil {
			return nil, err
		}
	}
	d := ld.Domain
	d.GroupID = group
	next.Domains[id] = d
	for _, lp := range ld.Profiles {
		lp.ID, lp.DomainID = vcemtest.ProfileID(id, lp.Name), id
		if err := takeOver(next, lp); err != nil {
			return nil, refused("profile %q of domain %q: %v", lp.Name, id, err)
		}
		next.Profiles[lp.ID] = lp
	}
	if err := next.Validate(); err != nil {
		return nil, refused("VCEM cannot take domain %q over: %v", id, err)
	}
	return next, nil
}

// takeOver gives p's addresses to VCEM's database s (see takenOver).
func takeOver(s *vcem.Snapshot, p vcem.Profile) error {
	var errs []error
	take := func(t vcem.AddressType, st addrpool.State, owner string, ok bool, release, alloc, external func() error, what string) {
		if t != vcem.AddressVCEMPool {
			if ok && st == addrpool.Free {
				errs = append(errs, external())
			}
			return
		}
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s lies outside VCEM's ranges", what))
		case st == addrpool.External:
			if err := release(); err != nil {
				errs = append(errs, err)
				return
			}
			errs = append(errs, alloc())
		case st == addrpool.Free:
			errs = append(errs, alloc())
		case st == addrpool.InUse && owner == p.ID:
		default:
			errs = append(errs, fmt.Errorf("%s is %s (%s) in VCEM's database", what, st, owner))
		}
	}
	eachAddr(p, func(m addrpool.MAC, t vcem.AddressType) {
		st, owner, ok := s.MACs.Lookup(m)
		take(t, st, owner, ok, func() error { return s.MACs.Release(m) }, func() error { return s.MACs.AllocateAddr(m, p.ID) },
			func() error { return s.MACs.MarkExternal(m) }, "MAC "+m.String())
	}, func(w addrpool.WWN, t vcem.AddressType) {
		st, owner, ok := s.WWNs.Lookup(w)
		take(t, st, owner, ok, func() error { return s.WWNs.Release(w) }, func() error { return s.WWNs.AllocateAddr(w, p.ID) },
			func() error { return s.WWNs.MarkExternal(w) }, "WWN "+w.String())
	})
	return errors.Join(errs...)
}

func (e *Estate) removeFromGroup(a Activity) error {
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	if ld.Domain.GroupID == "" {
		return refused("VC domain %q is in no VC Domain Group", a.Domain)
	}
	err = e.vcemStore.Update(func(s *vcem.Snapshot) error {
		if _, ok := s.Domains[a.Domain]; !ok {
			return refused("VCEM's database does not know domain %q: VCEM cannot release it", a.Domain)
		}
		next := s.Clone()
		for _, p := range next.DomainProfiles(a.Domain) {
			if err := vcem.Apply(next, vcem.DeleteProfile{ProfileID: p.ID}); err != nil {
				return err
			}
			var errs []error
			eachAddr(p, func(m addrpool.MAC, t vcem.AddressType) {
				if t == vcem.AddressVCEMPool {
					errs = append(errs, vcem.Apply(next, vcem.MarkExternalMAC{MAC: m}))
				}
			}, func(w addrpool.WWN, t vcem.AddressType) {
				if t == vcem.AddressVCEMPool {
					errs = append(errs, vcem.Apply(next, vcem.MarkExternalWWN{WWN: w}))
				}
			})
			if err := errors.Join(errs...); err != nil {
				return err
			}
		}
		delete(next.Domains, a.Domain)
		*s = *next
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.vcemLive.RemoveFromGroup(a.Domain); err != nil {
		return fmt.Errorf("resynctest: remove %q from group: %w", a.Domain, err)
	}
	return e.syncVCEM()
}

func (e *Estate) addModule(a Activity) error {
	ld, err := e.domainOf(a.Domain)
	if err != nil {
		return err
	}
	if !slices.Contains(ld.Domain.Enclosures, a.Enclosure) {
		return refused("domain %q has no enclosure %q", a.Domain, a.Enclosure)
	}
	if a.ModuleBay < 1 || a.ModuleBay > 8 {
		return refused("interconnect bay %d: an enclosure has bays 1 to 8", a.ModuleBay)
	}
	mod := vcem.Module{Enclosure: a.Enclosure, Bay: a.ModuleBay, Type: a.ModuleType, Serial: fmt.Sprintf("3C%s%d", a.Enclosure, a.ModuleBay)}
	if err := e.vcemLive.AddModule(a.Domain, mod); err != nil {
		return refused("%v", err)
	}
	return e.recordModules(a.Domain)
}

func (e *Estate) removeModule(a Activity) error {
	if _, err := e.domainOf(a.Domain); err != nil {
		return err
	}
	if err := e.vcemLive.RemoveModule(a.Domain, a.Enclosure, a.ModuleBay); err != nil {
		return refused("%v", err)
	}
	return e.recordModules(a.Domain)
}

// recordModules writes a domain's modules into the VCEM database, as VCEM
// takes a module change of a domain it manages in.
func (e *Estate) recordModules(domainID string) error {
	ld, err := e.domainOf(domainID)
	if err != nil {
		return err
	}
	if ld.Domain.GroupID == "" {
		return nil
	}
	return e.vcemStore.Update(func(s *vcem.Snapshot) error {
		d, ok := s.Domains[domainID]
		if !ok {
			return nil
		}
		d.Modules = slices.Clone(ld.Domain.Modules)
		s.Domains[domainID] = d
		return nil
	})
}
