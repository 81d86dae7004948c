package vcem

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

// IssueCode classifies a [ValidationIssue]. The codes are stable strings.
type IssueCode string

// Codes of snapshot inconsistencies.
const (
	IssueMissingPool          IssueCode = "missing-pool"           // MACs or WWNs pool is nil
	IssueEmptyID              IssueCode = "empty-id"               // a group, domain or profile has no ID
	IssueIDMismatch           IssueCode = "id-mismatch"            // map key differs from the value's ID
	IssueUnknownGroup         IssueCode = "unknown-group"          // a domain names a group the snapshot lacks
	IssueUnknownDomain        IssueCode = "unknown-domain"         // a profile names a domain the snapshot lacks
	IssueEmptyName            IssueCode = "empty-name"             // a profile has no name
	IssueDuplicateProfileName IssueCode = "duplicate-profile-name" // two profiles with one name in one domain
	IssueAddressType          IssueCode = "bad-address-type"       // a connection's address type is unknown
	IssueBadPort              IssueCode = "bad-port"               // a connection's port number is negative
	IssueNodeWWN              IssueCode = "node-wwn"               // node WWN is not port WWN + 1
	IssueAddressHeldTwice     IssueCode = "address-held-twice"     // one address on two profiles or connections
	IssueOutsideRanges        IssueCode = "address-outside-ranges" // a VCEM-pool address outside every range
	IssuePoolState            IssueCode = "pool-state"             // a VCEM-pool address not In use by its profile
	IssuePoolOwner            IssueCode = "pool-owner"             // the pool gives an address to a profile that does not hold it
)

// ValidationIssue is one inconsistency of a [Snapshot]: what is wrong and the
// IDs (and, where relevant, the field and address) at fault. It wraps
// [ErrInvalidSnapshot].
type ValidationIssue struct {
	Code    IssueCode   `json:"code"`
	IDs     []string    `json:"ids"`
	Field   string      `json:"field,omitempty"`
	Address *AddressRef `json:"address,omitempty"`
	Message string      `json:"message"`
}

// Error names the code, the IDs, the field and the address.
func (e *ValidationIssue) Error() string {
	var b strings.Builder
	ids := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		ids[i] = strconv.Quote(id) // an empty or odd ID stays visible
	}
	fmt.Fprintf(&b, "vcem: invalid snapshot: %s: %s", e.Code, strings.Join(ids, ", "))
	if e.Field != "" {
		fmt.Fprintf(&b, " field %s", e.Field)
	}
	if e.Address != nil {
		fmt.Fprintf(&b, " (%s)", e.Address)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns [ErrInvalidSnapshot].
func (e *ValidationIssue) Unwrap() error { return ErrInvalidSnapshot }

// Validate reports every inconsistency of s as an errors.Join of
// *[ValidationIssue] values (in a deterministic order), or nil. Use
// [Snapshot.Issues] to get them as a slice.
func (s *Snapshot) Validate() error {
	issues := s.Issues()
	if len(issues) == 0 {
		return nil
	}
	errs := make([]error, len(issues))
	for i, is := range issues {
		errs[i] = is
	}
	return errors.Join(errs...)
}

// Issues returns every inconsistency of s; see [Snapshot.Validate].
//
// A valid snapshot is the common case and is told apart cheaply: a first
// pass visits the profiles in map order and only detects; only when it
// finds something does a second pass, in ID order, say what and where.
func (s *Snapshot) Issues() []*ValidationIssue {
	fast := validator{detect: true}
	fast.run(s)
	if !fast.found {
		return nil
	}
	var v validator
	v.run(s)
	return v.issues
}

type validator struct {
	issues []*ValidationIssue
	detect bool // only detect (found), without building issues or ordering the profiles
	found  bool
}

func (v *validator) add(code IssueCode, ids []string, field string, addr *AddressRef, format string, args ...any) {
	if v.detect {
		v.found = true
		return
	}
	v.issues = append(v.issues, &ValidationIssue{Code: code, IDs: ids, Field: field, Address: addr, Message: fmt.Sprintf(format, args...)})
}

// profileCheck is the state the per-profile checks share.
type profileCheck struct {
	names       map[ProfileKey]string
	all         []located
	lastDomain  string
	domainKnown bool
	started     bool
}

// located is one address of one profile (pi indexes the sorted profile
// IDs), kept small so that sorting every address of a large estate is cheap.
// pool is set when the slot holds the address in VCEM's pool (a valid
// VCEM-pool type; see heldInPool).
type located struct {
	v    uint64
	pi   int32
	wwn  bool // family: false MAC, true WWN
	pool bool
}

func (v *validator) run(s *Snapshot) {
	if s == nil {
		v.add(IssueMissingPool, nil, "", nil, "snapshot is nil")
		return
	}
	if s.MACs == nil {
		v.add(IssueMissingPool, nil, "macs", nil, "the MAC pool is missing")
	}
	if s.WWNs == nil {
		v.add(IssueMissingPool, nil, "wwns", nil, "the WWN pool is missing")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Groups)) {
		g := s.Groups[k]
		v.checkID("group", k, g.ID)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Domains)) {
		d := s.Domains[k]
		v.checkID("domain", k, d.ID)
		if d.GroupID != "" {
			if _, ok := s.Groups[d.GroupID]; !ok {
				v.add(IssueUnknownGroup, []string{k, d.GroupID}, "groupId", nil, "domain %q is in group %q, which the snapshot does not hold", k, d.GroupID)
			}
		}
	}
	n := 0
	for _, p := range s.Profiles {
		n += len(p.Ethernet) + len(p.ISCSI) + 3*len(p.FCoE) + 2*len(p.FC)
	}
	pc := &profileCheck{names: make(map[ProfileKey]string, len(s.Profiles)), all: make([]located, 0, n)}
	var pids []string
	if v.detect {
		pids = make([]string, 0, len(s.Profiles))
		for k, p := range s.Profiles {
			pids = append(pids, k)
			v.profile(s, pc, len(pids)-1, k, &p)
		}
	} else {
		pids = slices.Sorted(maps.Keys(s.Profiles))
		for pi, k := range pids {
			p := s.Profiles[k]
			v.profile(s, pc, pi, k, &p)
		}
	}
	all := pc.all
	macs := sortLocated(all)
	v.checkDuplicates(s, pids, all)
	checkPool(v, s, FamilyMAC, s.MACs, pids, all[:macs])
	checkPool(v, s, FamilyWWN, s.WWNs, pids, all[macs:])
}

// profile checks one profile (number pi, stored under key k) and appends
// its addresses to pc.all.
func (v *validator) profile(s *Snapshot, pc *profileCheck, pi int, k string, p *Profile) {
	v.checkID("profile", k, p.ID)
	if p.Name == "" {
		v.add(IssueEmptyName, []string{k}, "name", nil, "profile %q has no name", k)
	} else if other, dup := pc.names[p.Key()]; dup {
		v.add(IssueDuplicateProfileName, []string{other, k}, "name", nil, "profiles %q and %q are both named %q in domain %q", other, k, p.Name, p.DomainID)
	} else {
		pc.names[p.Key()] = k
	}
	if p.DomainID != pc.lastDomain || !pc.started { // profiles of a domain often come together: one lookup for them
		_, pc.domainKnown = s.Domains[p.DomainID]
		pc.lastDomain, pc.started = p.DomainID, true
	}
	if !pc.domainKnown {
		v.add(IssueUnknownDomain, []string{k, p.DomainID}, "domainId", nil, "profile %q is in domain %q, which the snapshot does not hold", k, p.DomainID)
	}
	p.checkNodeWWNs(func(sl slot, err error) {
		v.add(IssueNodeWWN, []string{k}, sl.String(), nil, "%v", err)
	})
	p.checkPorts(func(sl slot, port int) {
		v.add(IssueBadPort, []string{k}, sl.String(), nil, "port %d is negative", port)
	})
	p.eachAddr(func(a profileAddr) {
		valid := a.typ.Valid()
		pc.all = append(pc.all, located{a.v, int32(pi), a.fam == FamilyWWN, valid && heldInPool(a)})
		if !valid {
			ref := refOf(a.fam, a.v)
			v.add(IssueAddressType, []string{k}, a.slot.String(), &ref, "address type %q is not one of %q, %q, %q", a.typ, AddressFactoryDefault, AddressUserDefined, AddressVCEMPool)
		}
	})
}

func (v *validator) checkID(what, key, id string) {
	switch {
	case id == "" && key == "":
		v.add(IssueEmptyID, []string{key}, "id", nil, "a %s has an empty ID", what)
	case id != key:
		v.add(IssueIDMismatch, []string{key, id}, "id", nil, "%s stored under ID %q says its ID is %q", what, key, id)
	}
}

// lookup returns the state and owner of an address in the snapshot's pool
// of its family; ok is false when the pool is missing or does not contain it.
func (s *Snapshot) lookup(f Family, v uint64) (addrpool.State, string, bool) {
	if f == FamilyMAC {
		if s.MACs == nil {
			return 0, "", false
		}
		return s.MACs.Lookup(addrpool.MAC(v))
	}
	if s.WWNs == nil {
		return 0, "", false
	}
	return s.WWNs.Lookup(addrpool.WWN(v))
}

// checkPoolAddr reports why the pool does not have a profile's VCEM-pool
// address In use by that profile (nothing when it does).
func (v *validator) checkPoolAddr(s *Snapshot, pid string, a profileAddr) {
	if (a.fam == FamilyMAC && s.MACs == nil) || (a.fam == FamilyWWN && s.WWNs == nil) {
		return // reported once as missing-pool
	}
	st, owner, ok := s.lookup(a.fam, a.v)
	ref := refOf(a.fam, a.v)
	switch {
	case !ok:
		v.add(IssueOutsideRanges, []string{pid}, a.slot.String(), &ref, "VCEM-pool address lies outside every range of the %s pool", a.fam)
	case st != addrpool.InUse:
		v.add(IssuePoolState, []string{pid}, a.slot.String(), &ref, "VCEM-pool address is %s in the pool, want In use by %q", st, pid)
	case owner != pid:
		v.add(IssuePoolState, []string{pid, owner}, a.slot.String(), &ref, "VCEM-pool address of profile %q is In use by %q in the pool", pid, owner)
	}
}

// sortLocated orders addresses by family (MACs first), value and profile.
// It relies on all arriving in profile order (run appends profile by
// profile) and sorts stably: a partition by family, then an LSD radix sort
// of each family on the value that skips the bytes every address shares
// (VCEM ranges differ only in their low three bytes or so). On the large
// estate this is several times faster than a comparison sort. It returns
// the number of MACs, where the WWNs start.
func sortLocated(all []located) (macs int) {
	for _, l := range all {
		if !l.wwn {
			macs++
		}
	}
	if len(all) < 2 {
		return macs
	}
	tmp := make([]located, len(all))
	m, w := 0, macs
	for _, l := range all {
		if l.wwn {
			tmp[w] = l
			w++
		} else {
			tmp[m] = l
			m++
		}
	}
	for _, seg := range [2][2]int{{0, macs}, {macs, len(all)}} {
		lo, hi := seg[0], seg[1]
		if hi > lo {
			if sorted := radixByValue(tmp[lo:hi], all[lo:hi]); &sorted[0] != &all[lo] {
				copy(all[lo:hi], sorted)
			}
		}
	}
	return macs
}

// radixByValue sorts a stably by value using scratch (same length) and
// returns whichever of the two holds the result.
func radixByValue(a, scratch []located) []located {
	if len(a) == 0 {
		return a
	}
	var counts [8][256]int
	for _, l := range a {
		for b := range 8 {
			counts[b][byte(l.v>>(8*b))]++
		}
	}
	for b := range 8 {
		c := &counts[b]
		if c[byte(a[0].v>>(8*b))] == len(a) {
			continue // every value has this byte: the pass would not move anything
		}
		var pos [256]int
		sum := 0
		for d := range 256 {
			pos[d] = sum
			sum += c[d]
		}
		for _, l := range a {
			d := byte(l.v >> (8 * b))
			scratch[pos[d]] = l
			pos[d]++
		}
		a, scratch = scratch, a
	}
	return a
}

// checkDuplicates reports every address held more than once; all is sorted.
func (v *validator) checkDuplicates(s *Snapshot, pids []string, all []located) {
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].wwn == all[i].wwn && all[j].v == all[i].v {
			j++
		}
		if j-i > 1 {
			fam, val := FamilyMAC, all[i].v
			if all[i].wwn {
				fam = FamilyWWN
			}
			var ids, fields []string
			for _, l := range all[i:j] {
				id := pids[l.pi]
				if slices.Contains(ids, id) {
					continue // the profile's fields were all listed already
				}
				ids = append(ids, id)
				p := s.Profiles[id]
				p.eachAddr(func(a profileAddr) {
					if a.fam == fam && a.v == val {
						fields = append(fields, id+"."+a.slot.String())
					}
				})
			}
			ref := refOf(fam, val)
			v.add(IssueAddressHeldTwice, ids, strings.Join(fields, ", "), &ref, "one address is held %d times", j-i)
		}
		i = j
	}
}

// checkPool checks one pool against the profiles' addresses of its family
// (all, sorted by value then profile) in a single merge of two ascending
// sequences: the pool's In use addresses and the profiles' VCEM-pool
// addresses. Each In use address must be held by its owner, and each
// VCEM-pool address must be In use by its profile. Walking the pool in
// address order instead of looking every profile address up at random is
// what makes Validate fast on a large estate; the slow, message-building
// path runs only for addresses that disagree.
func checkPool[A addrpool.Address](v *validator, s *Snapshot, fam Family, pool *addrpool.Pool[A], pids []string, all []located) {
	if pool == nil {
		return // reported once as missing-pool
	}
	i := 0
	for a, owner := range pool.InUse() {
		av := uint64(a)
		confirmed := false
		for i < len(all) && all[i].v <= av {
			end, held := sameAddrAndProfile(all, i)
			if held {
				if pid := pids[all[i].pi]; all[i].v == av && pid == owner {
					confirmed = true
				} else {
					v.checkPoolSlots(s, pid, fam, all[i].v)
				}
			}
			i = end
		}
		if !confirmed {
			ref := refOf(fam, av)
			if _, ok := s.Profiles[owner]; !ok {
				v.add(IssuePoolOwner, []string{owner}, string(fam), &ref, "the %s pool gives the address to profile %q, which the snapshot does not hold", fam, owner)
			} else {
				v.add(IssuePoolOwner, []string{owner}, string(fam), &ref, "the %s pool gives the address to profile %q, which does not hold it as a VCEM-pool address", fam, owner)
			}
		}
	}
	for i < len(all) {
		end, held := sameAddrAndProfile(all, i)
		if held {
			v.checkPoolSlots(s, pids[all[i].pi], fam, all[i].v)
		}
		i = end
	}
}

// sameAddrAndProfile returns the end of the run of entries from all[i] on
// that share its address and profile, and whether any of them holds the
// address in the pool.
func sameAddrAndProfile(all []located, i int) (end int, held bool) {
	end = i
	for end < len(all) && all[end].v == all[i].v && all[end].pi == all[i].pi {
		held = held || all[end].pool
		end++
	}
	return end, held
}

// checkPoolSlots reports, for every slot of profile pid that holds val as a
// VCEM-pool address, why the pool disagrees (outside the ranges, not In
// use, or In use by another profile). It runs only for addresses that the
// merge in checkPool found wrong.
func (v *validator) checkPoolSlots(s *Snapshot, pid string, fam Family, val uint64) {
	p := s.Profiles[pid]
	p.eachAddr(func(a profileAddr) {
		if a.fam == fam && a.v == val && a.typ.Valid() && heldInPool(a) {
			v.checkPoolAddr(s, pid, a)
		}
	})
}
