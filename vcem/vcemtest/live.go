package vcemtest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// Live is an in-memory [vcem.Live]: the VC domains as they are now, plus the
// live VCEM's address pools used to script post-backup activity
// (CreateProfile allocates the lowest Free addresses, DeleteProfile frees
// them, so deleting and creating again reuses an address — the "reassigned"
// case arises by itself). Live is safe for concurrent use.
//
// A domain is readable through VCEM when VCEM's database knows it
// ([Live.RestoreVCEM] sets that set after a CMS restore), the domain is
// under VCEM control (in a group: [Live.AddToGroup], [Live.RemoveFromGroup])
// and reachable ([Live.SetReachable]). Any reachable domain can be read with
// its VC Manager address and credentials.
type Live struct {
	mu        sync.Mutex
	domains   map[string]*liveDomain
	vcemKnows map[string]bool
	macs      *addrpool.Pool[addrpool.MAC]
	wwns      *addrpool.Pool[addrpool.WWN]
	faults    *Faults
}

type liveDomain struct {
	domain    vcem.Domain
	profiles  map[string]vcem.Profile // by name
	managed   bool                    // under VCEM control
	reachable bool
	creds     vcem.Credentials
}

var _ vcem.Live = (*Live)(nil)

// NewLive returns a live estate equal to s (as if s were taken just now):
// every domain of s reachable and managed by a VCEM that knows it, every
// profile of s on its domain, and the live VCEM pools a copy of s's. s must
// pass [vcem.Snapshot.Validate]. Domains have no credentials until
// [Live.SetCredentials].
func NewLive(s *vcem.Snapshot, opts ...Option) (*Live, error) {
	if s == nil {
		return nil, fmt.Errorf("vcemtest: live: snapshot is nil")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("vcemtest: live: %w", err)
	}
	o := collect(opts)
	l := &Live{
		domains:   map[string]*liveDomain{},
		vcemKnows: map[string]bool{},
		macs:      s.MACs.Clone(),
		wwns:      s.WWNs.Clone(),
		faults:    o.faults,
	}
	managers := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(s.Domains)) {
		m := s.Domains[id].Manager
		if other, dup := managers[m]; dup && m != "" {
			return nil, fmt.Errorf("vcemtest: live: domains %q and %q share VC Manager address %s", other, id, m)
		}
		managers[m] = id
	}
	for id, d := range s.Domains {
		l.domains[id] = &liveDomain{domain: cloneDomain(d), profiles: map[string]vcem.Profile{}, managed: true, reachable: true}
		l.vcemKnows[id] = true
	}
	for _, p := range s.Profiles {
		lp := p
		lp.ID = ""
		l.domains[p.DomainID].profiles[p.Name] = lp
	}
	// The live pools' owners are profile keys, not restored IDs.
	for _, p := range s.Profiles {
		if err := l.reown(p); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *Live) reown(p vcem.Profile) error {
	key := p.Key().String()
	var err error
	forAddrs(p, func(m addrpool.MAC, t vcem.AddressType) {
		if t == vcem.AddressVCEMPool && err == nil {
			err = reown(l.macs, m, p.ID, key)
		}
	}, func(w addrpool.WWN, t vcem.AddressType) {
		if t == vcem.AddressVCEMPool && err == nil {
			err = reown(l.wwns, w, p.ID, key)
		}
	})
	if err != nil {
		return fmt.Errorf("vcemtest: live: profile %q: %w", p.ID, err)
	}
	return nil
}

// reown gives address a, In use by from, to owner instead.
func reown[A addrpool.Address](pool *addrpool.Pool[A], a A, from, owner string) error {
	if st, cur, ok := pool.Lookup(a); !ok || st != addrpool.InUse || cur != from {
		return nil
	}
	if err := pool.Release(a); err != nil {
		return err
	}
	return pool.AllocateAddr(a, owner)
}

// forAddrs calls mac for every MAC and wwn for every WWN (port and node) of
// p, with the address type of its connection, in connection order.
func forAddrs(p vcem.Profile, mac func(addrpool.MAC, vcem.AddressType), wwn func(addrpool.WWN, vcem.AddressType)) {
	for _, c := range p.Ethernet {
		mac(c.MAC, c.AddressType)
	}
	for _, c := range p.ISCSI {
		mac(c.MAC, c.AddressType)
	}
	for _, c := range p.FCoE {
		mac(c.MAC, c.AddressType)
		wwn(c.PortWWN, c.AddressType)
		wwn(c.NodeWWN, c.AddressType)
	}
	for _, c := range p.FC {
		wwn(c.PortWWN, c.AddressType)
		wwn(c.NodeWWN, c.AddressType)
	}
}

func cloneDomain(d vcem.Domain) vcem.Domain {
	d.Enclosures = slices.Clone(d.Enclosures)
	d.Modules = slices.Clone(d.Modules)
	return d
}

func (l *Live) domain(id string) (*liveDomain, error) {
	d, ok := l.domains[id]
	if !ok {
		return nil, fmt.Errorf("vcemtest: live domain %q: %w", id, vcem.ErrUnknownDomain)
	}
	return d, nil
}

// ProfileSpec describes a profile to create with addresses from the live
// VCEM pools: the counts of each connection kind.
type ProfileSpec struct {
	Name     string
	Bay      string // "" for unassigned
	Ethernet int
	ISCSI    int
	FCoE     int
	FC       int
}

// AddDomain adds a VC domain to the live estate (for example one created
// after the backup). It is under VCEM control, and known to VCEM, when it is
// in a group.
func (l *Live) AddDomain(d vcem.Domain, creds vcem.Credentials) error {
	if d.ID == "" {
		return fmt.Errorf("vcemtest: live: add domain: empty ID")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.domains[d.ID]; dup {
		return fmt.Errorf("vcemtest: live: add domain %q: already exists", d.ID)
	}
	for id, x := range l.domains {
		if d.Manager != "" && x.domain.Manager == d.Manager {
			return fmt.Errorf("vcemtest: live: add domain %q: VC Manager address %s is domain %q's", d.ID, d.Manager, id)
		}
	}
	l.domains[d.ID] = &liveDomain{domain: cloneDomain(d), profiles: map[string]vcem.Profile{}, managed: d.GroupID != "", reachable: true, creds: creds}
	if d.GroupID != "" {
		l.vcemKnows[d.ID] = true
	}
	return nil
}

// SetCredentials sets the VC Manager credentials of a domain.
func (l *Live) SetCredentials(domainID string, creds vcem.Credentials) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		d.creds = creds
		return nil
	})
}

// CreateProfile creates a profile on a domain, its connections numbered from
// 1 and their addresses allocated from the live VCEM pools (FC and FCoE take
// a port WWN and the node WWN after it).
func (l *Live) CreateProfile(domainID string, spec ProfileSpec) (vcem.Profile, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.domain(domainID)
	if err != nil {
		return vcem.Profile{}, err
	}
	if spec.Name == "" {
		return vcem.Profile{}, fmt.Errorf("vcemtest: live: create profile in %q: empty name", domainID)
	}
	if _, dup := d.profiles[spec.Name]; dup {
		return vcem.Profile{}, fmt.Errorf("vcemtest: live: create profile %q in %q: name in use", spec.Name, domainID)
	}
	key := vcem.ProfileKey{DomainID: domainID, Name: spec.Name}.String()
	// Allocate in place and give back what was taken on failure: all or
	// nothing at the cost of the profile's addresses, not of the pools'
	// size (cloning both pools per call made large fixtures slow).
	p, err := buildProfile(l.macs, l.wwns, key, domainID, spec)
	if err != nil {
		l.releaseOwned(p)
		return vcem.Profile{}, fmt.Errorf("vcemtest: live: create profile %q: %w", key, err)
	}
	d.profiles[p.Name] = p
	return p, nil
}

// buildProfile makes a profile per spec with VCEM-pool addresses allocated
// from macs and wwns to owner. On error the pools may be partly allocated.
func buildProfile(macs *addrpool.Pool[addrpool.MAC], wwns *addrpool.Pool[addrpool.WWN], owner, domainID string, spec ProfileSpec) (vcem.Profile, error) {
	p := vcem.Profile{Name: spec.Name, DomainID: domainID, Bay: spec.Bay}
	for i := range spec.Ethernet {
		m, err := macs.Allocate(owner)
		if err != nil {
			return p, err
		}
		p.Ethernet = append(p.Ethernet, vcem.EthernetConnection{Port: i + 1, MAC: m, AddressType: vcem.AddressVCEMPool})
	}
	for i := range spec.ISCSI {
		m, err := macs.Allocate(owner)
		if err != nil {
			return p, err
		}
		p.ISCSI = append(p.ISCSI, vcem.ISCSIConnection{Port: i + 1, MAC: m, AddressType: vcem.AddressVCEMPool})
	}
	for i := range spec.FCoE {
		m, err := macs.Allocate(owner)
		if err != nil {
			return p, err
		}
		port, node, err := allocatePair(wwns, owner)
		if err != nil {
			return p, err
		}
		p.FCoE = append(p.FCoE, vcem.FCoEConnection{Port: i + 1, MAC: m, PortWWN: port, NodeWWN: node, AddressType: vcem.AddressVCEMPool})
	}
	for i := range spec.FC {
		port, node, err := allocatePair(wwns, owner)
		if err != nil {
			return p, err
		}
		p.FC = append(p.FC, vcem.FCConnection{Port: i + 1, PortWWN: port, NodeWWN: node, AddressType: vcem.AddressVCEMPool})
	}
	return p, nil
}

// allocatePair allocates the lowest Free WWN whose successor is Free too:
// a port WWN and its node WWN (vcem.NodeWWNFor).
func allocatePair(pool *addrpool.Pool[addrpool.WWN], owner string) (addrpool.WWN, addrpool.WWN, error) {
	var skipped []addrpool.WWN
	defer func() {
		for _, w := range skipped {
			_ = pool.Release(w)
		}
	}()
	for {
		port, err := pool.Allocate(owner)
		if err != nil {
			return 0, 0, err
		}
		node, err := vcem.NodeWWNFor(port)
		if err == nil && pool.AllocateAddr(node, owner) == nil {
			return port, node, nil
		}
		skipped = append(skipped, port)
	}
}

// PutProfile places a profile with the addresses it carries on a domain, as
// if an operator had set them by hand in the VC Manager: the live pools are
// not touched, and duplicate addresses are allowed (to script conflicts).
// A profile of the same name is replaced, and the live pool addresses that
// CreateProfile had allocated for it are freed.
func (l *Live) PutProfile(domainID string, p vcem.Profile) error {
	if p.Name == "" {
		return fmt.Errorf("vcemtest: live: put profile in %q: empty name", domainID)
	}
	return l.editDomain(domainID, func(d *liveDomain) error {
		p.ID, p.DomainID = "", domainID
		if old, ok := d.profiles[p.Name]; ok {
			l.releaseOwned(old)
		}
		d.profiles[p.Name] = p.Clone()
		return nil
	})
}

// DeleteProfile deletes a profile from a domain and frees the live pool
// addresses it held.
func (l *Live) DeleteProfile(domainID, name string) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		p, ok := d.profiles[name]
		if !ok {
			return fmt.Errorf("vcemtest: live: delete profile %q in %q: %w", name, domainID, vcem.ErrUnknownProfile)
		}
		l.releaseOwned(p)
		delete(d.profiles, name)
		return nil
	})
}

// releaseOwned frees the live pool addresses that p holds in its own name
// (those CreateProfile allocated for it). Caller holds l.mu.
func (l *Live) releaseOwned(p vcem.Profile) {
	key := p.Key().String()
	forAddrs(p, func(m addrpool.MAC, _ vcem.AddressType) { releaseIfOwner(l.macs, m, key) },
		func(w addrpool.WWN, _ vcem.AddressType) { releaseIfOwner(l.wwns, w, key) })
}

// releaseIfOwner frees a if it is In use by owner.
func releaseIfOwner[A addrpool.Address](pool *addrpool.Pool[A], a A, owner string) {
	if st, cur, ok := pool.Lookup(a); ok && st == addrpool.InUse && cur == owner {
		_ = pool.Release(a)
	}
}

// editDomain runs fn on a domain under the lock; an unknown domain is an
// error.
func (l *Live) editDomain(domainID string, fn func(d *liveDomain) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, err := l.domain(domainID)
	if err != nil {
		return err
	}
	return fn(d)
}

// AssignProfile assigns a profile to a server bay.
func (l *Live) AssignProfile(domainID, name, bay string) error {
	if bay == "" {
		return fmt.Errorf("vcemtest: live: assign profile %q in %q: empty bay", name, domainID)
	}
	return l.editProfile(domainID, name, func(p *vcem.Profile) { p.Bay = bay })
}

// UnassignProfile unassigns a profile from its bay.
func (l *Live) UnassignProfile(domainID, name string) error {
	return l.editProfile(domainID, name, func(p *vcem.Profile) { p.Bay = "" })
}

func (l *Live) editProfile(domainID, name string, fn func(*vcem.Profile)) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		p, ok := d.profiles[name]
		if !ok {
			return fmt.Errorf("vcemtest: live: profile %q in %q: %w", name, domainID, vcem.ErrUnknownProfile)
		}
		fn(&p)
		d.profiles[name] = p
		return nil
	})
}

// AddToGroup puts a domain into a VC Domain Group: it comes under the live
// VCEM's control, and that VCEM knows it.
func (l *Live) AddToGroup(domainID, groupID string) error {
	if groupID == "" {
		return fmt.Errorf("vcemtest: live: add %q to group: empty group ID", domainID)
	}
	return l.editDomain(domainID, func(d *liveDomain) error {
		d.domain.GroupID = groupID
		d.managed = true
		l.vcemKnows[domainID] = true
		return nil
	})
}

// RemoveFromGroup takes a domain out of its group: VCEM releases it to its
// VC Manager and forgets it.
func (l *Live) RemoveFromGroup(domainID string) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		if d.domain.GroupID == "" {
			return fmt.Errorf("vcemtest: live: remove %q from group: it is in none", domainID)
		}
		d.domain.GroupID = ""
		d.managed = false
		delete(l.vcemKnows, domainID)
		return nil
	})
}

// AddModule adds a VC module to a domain.
func (l *Live) AddModule(domainID string, m vcem.Module) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		for _, x := range d.domain.Modules {
			if x.Enclosure == m.Enclosure && x.Bay == m.Bay {
				return fmt.Errorf("vcemtest: live: add module to %q: enclosure %q bay %d is taken", domainID, m.Enclosure, m.Bay)
			}
		}
		d.domain.Modules = append(d.domain.Modules, m)
		return nil
	})
}

// RemoveModule removes the VC module in an enclosure bay of a domain.
func (l *Live) RemoveModule(domainID, enclosure string, bay int) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		i := slices.IndexFunc(d.domain.Modules, func(x vcem.Module) bool { return x.Enclosure == enclosure && x.Bay == bay })
		if i < 0 {
			return fmt.Errorf("vcemtest: live: remove module from %q: no module in enclosure %q bay %d", domainID, enclosure, bay)
		}
		d.domain.Modules = slices.Delete(d.domain.Modules, i, i+1)
		return nil
	})
}

// SetReachable makes a domain's VC Manager answer or not (network down).
func (l *Live) SetReachable(domainID string, reachable bool) error {
	return l.editDomain(domainID, func(d *liveDomain) error {
		d.reachable = reachable
		return nil
	})
}

// RestoreVCEM simulates restoring the CMS: VCEM's database now knows exactly
// the given domains (typically the restored snapshot's).
func (l *Live) RestoreVCEM(domainIDs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vcemKnows = map[string]bool{}
	for _, id := range domainIDs {
		l.vcemKnows[id] = true
	}
}

// SyncVCEM makes s the live VCEM's database: VCEM knows exactly s's
// domains, and its pools become copies of s's, each In use address owned by
// its profile's key ("domain/name") as [Live.CreateProfile] owns them. A
// composed estate whose restored [Store] stands for the CMS's one VCEM
// database calls it whenever that database changed outside this fake — a
// CMS restore, the SDK's changes, VCEM's resync — so that CreateProfile
// allocates what VCEM would allocate from it (after a restore: possibly an
// address a domain still uses, as on a real CMS before the resync).
//
// s must be valid (a Store's snapshot is); it is not validated again, to
// keep the call proportional to the addresses In use. The VC domains
// themselves are not touched. A nil s, or one without both pools, is an
// error wrapping vcem.ErrInvalid, and nothing changes.
func (l *Live) SyncVCEM(s *vcem.Snapshot) error {
	if s == nil || s.MACs == nil || s.WWNs == nil {
		return fmt.Errorf("vcemtest: live: sync VCEM: a snapshot with both pools is required: %w", vcem.ErrInvalid)
	}
	next := &Live{macs: s.MACs.Clone(), wwns: s.WWNs.Clone()}
	for _, p := range s.Profiles {
		if err := next.reown(p); err != nil {
			return err
		}
	}
	knows := make(map[string]bool, len(s.Domains))
	for id := range s.Domains {
		knows[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vcemKnows, l.macs, l.wwns = knows, next.macs, next.wwns
	return nil
}

// Domain returns a domain's current state for inspection (no faults apply);
// Reachable says whether its VC Manager answers now ([Live.SetReachable]).
func (l *Live) Domain(domainID string) (vcem.LiveDomain, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.domains[domainID]
	if !ok {
		return vcem.LiveDomain{}, false
	}
	ld := d.read()
	ld.Reachable = d.reachable
	return ld, true
}

func (d *liveDomain) read() vcem.LiveDomain {
	ld := vcem.LiveDomain{Domain: cloneDomain(d.domain), Reachable: true}
	for _, name := range slices.Sorted(maps.Keys(d.profiles)) {
		ld.Profiles = append(ld.Profiles, d.profiles[name].Clone())
	}
	return ld
}

// ListDomains implements [vcem.Live]: the domains VCEM's database knows.
func (l *Live) ListDomains(ctx context.Context) ([]vcem.DomainRef, error) {
	if err := enter(ctx, l.faults, OpListDomains, ""); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []vcem.DomainRef
	for id := range l.vcemKnows {
		ref := vcem.DomainRef{ID: id}
		if d, ok := l.domains[id]; ok {
			ref.Name, ref.Manager, ref.GroupID = d.domain.Name, d.domain.Manager, d.domain.GroupID
		}
		out = append(out, ref)
	}
	slices.SortFunc(out, func(a, b vcem.DomainRef) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ReadDomain implements [vcem.Live].
func (l *Live) ReadDomain(ctx context.Context, domainID string) (vcem.LiveDomain, error) {
	if err := enter(ctx, l.faults, OpReadDomain, domainID); err != nil {
		return vcem.LiveDomain{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.vcemKnows[domainID] {
		return vcem.LiveDomain{}, fmt.Errorf("vcemtest: VCEM does not manage domain %q: %w", domainID, vcem.ErrUnknownDomain)
	}
	d, ok := l.domains[domainID]
	if !ok || !d.managed || !d.reachable {
		return vcem.LiveDomain{}, fmt.Errorf("vcemtest: read domain %q through VCEM: %w", domainID, vcem.ErrDomainInaccessible)
	}
	return d.read(), nil
}

// ReadDomainWithCredentials implements [vcem.Live]: it finds the domain by
// its VC Manager address and checks the credentials.
func (l *Live) ReadDomainWithCredentials(ctx context.Context, target vcem.DomainTarget, creds vcem.Credentials) (vcem.LiveDomain, error) {
	if err := enter(ctx, l.faults, OpReadDomainWithCredentials, target.ID); err != nil {
		return vcem.LiveDomain{}, err
	}
	if target.ID == "" || target.Manager == "" {
		return vcem.LiveDomain{}, fmt.Errorf("vcemtest: read with credentials: target needs an ID and a VC Manager address, got %+v", target)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var d *liveDomain
	for _, x := range l.domains {
		if x.domain.Manager == target.Manager {
			d = x
			break
		}
	}
	if d == nil || !d.reachable {
		return vcem.LiveDomain{}, fmt.Errorf("vcemtest: no VC Manager answers at %s: %w", target.Manager, vcem.ErrDomainInaccessible)
	}
	if d.creds.IsZero() || !d.creds.Equal(creds) {
		return vcem.LiveDomain{}, fmt.Errorf("vcemtest: VC Manager %s refused user %q: %w", target.Manager, creds.Username(), vcem.ErrCredentialsRejected)
	}
	ld := d.read()
	ld.Domain.ID = target.ID
	for i := range ld.Profiles {
		ld.Profiles[i].DomainID = target.ID
	}
	ld.ViaCredentials = true
	return ld, nil
}
