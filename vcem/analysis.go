package vcem

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/mxsync-go/mxsync/addrpool"
)

// famOf returns the family of a located address.
func famOf(x located) Family {
	if x.wwn {
		return FamilyWWN
	}
	return FamilyMAC
}

// phase1 holds the working state of one phase-1 analysis.
type phase1 struct {
	restored    *Snapshot
	owners      []ProfileKey // live profiles, index = located.pi
	restoredIDs []string     // the restored profile ID of each live profile with the same key, or ""
	addrs       []located    // every live address (pi: its live profile), sorted by family, value, profile
}

// liveAnywhere reports whether address v of family f is held by a live
// profile.
func (a *phase1) liveAnywhere(f Family, v uint64) bool {
	w := f == FamilyWWN
	i := sort.Search(len(a.addrs), func(i int) bool {
		x := a.addrs[i]
		return (x.wwn && !w) || (x.wwn == w && x.v >= v)
	})
	return i < len(a.addrs) && a.addrs[i].wwn == w && a.addrs[i].v == v
}

// AnalyzePhase1 is mxsync's VCEM phase-1 analysis, plus the conflict check
// mxsync lacks. It compares the restored VCEM database with what the live
// domains hold and returns findings in a deterministic order: address
// conflicts, reassigned addresses (by restored profile ID), addresses
// allocated after the backup (by live profile), then domain findings
// (inaccessible, group changed, modules changed; by domain ID).
//
// live holds one entry per domain read: every restored domain VCEM could
// reach, every domain read with credentials, and an unreachable entry for
// each domain that could not be read (a restored domain with no entry counts
// as unreachable too).
//
// Applying [ChangesOf] the result to a copy of restored and analysing again
// yields no finding with changes.
//
// AnalyzePhase1 is pure: it reads its inputs and never modifies them. A
// restored snapshot that fails [Snapshot.Validate] (checked unless the
// caller passes [Prevalidated]) or malformed live data is an error.
func AnalyzePhase1(restored *Snapshot, live []LiveDomain, opts ...AnalysisOption) ([]Finding, error) {
	cfg := newAnalysisConfig(opts)
	if restored == nil {
		return nil, fmt.Errorf("vcem: phase 1: restored snapshot is nil: %w", ErrInvalid)
	}
	if !cfg.prevalidated {
		if err := restored.Validate(); err != nil {
			return nil, fmt.Errorf("vcem: phase 1: restored snapshot: %w", err)
		}
	}
	if err := checkLive(live); err != nil {
		return nil, fmt.Errorf("vcem: phase 1: %w", err)
	}
	a := &phase1{restored: restored}
	n, profiles := 0, 0
	for i := range live {
		profiles += len(live[i].Profiles)
		for j := range live[i].Profiles {
			p := &live[i].Profiles[j]
			n += len(p.Ethernet) + len(p.ISCSI) + 3*len(p.FCoE) + 2*len(p.FC)
		}
	}
	a.addrs = make([]located, 0, n)
	a.owners = make([]ProfileKey, 0, profiles)
	a.restoredIDs = make([]string, 0, profiles)
	byKey := make(map[ProfileKey]string, len(restored.Profiles))
	for id, p := range restored.Profiles {
		byKey[p.Key()] = id
	}
	for i := range live {
		ld := &live[i]
		if !ld.Reachable {
			continue
		}
		for j := range ld.Profiles {
			p := &ld.Profiles[j]
			owner := int32(len(a.owners))
			k := ProfileKey{ld.Domain.ID, p.Name}
			a.owners = append(a.owners, k)
			a.restoredIDs = append(a.restoredIDs, byKey[k])
			p.eachAddr(func(x profileAddr) {
				a.addrs = append(a.addrs, located{v: x.v, pi: owner, wwn: x.fam == FamilyWWN})
			})
		}
	}
	sortLocated(a.addrs) // stable: owners stay in order within an address

	var conflicts []Finding
	allocated := map[int32][]AddressRef{}
	allocChanges := map[int32][]Change{}
	type staleInfo struct {
		addrs  []AddressRef
		owners []ProfileKey
	}
	stale := map[string]*staleInfo{}

	for i := 0; i < len(a.addrs); {
		j := i + 1
		for j < len(a.addrs) && a.addrs[j].wwn == a.addrs[i].wwn && a.addrs[j].v == a.addrs[i].v {
			j++
		}
		group := a.addrs[i:j]
		fam, v := famOf(group[0]), group[0].v
		i = j
		var ref AddressRef
		refMade := false
		getRef := func() AddressRef {
			if !refMade {
				ref, refMade = refOf(fam, v), true
			}
			return ref
		}
		if len(group) > 1 {
			conflicts = append(conflicts, a.conflict(getRef(), group))
		}
		st, owner, ok := restored.lookup(fam, v)
		if !ok {
			continue // outside every VCEM range: not VCEM's address
		}
		switch st {
		case addrpool.Free:
			o := group[0].pi
			allocated[o] = append(allocated[o], getRef())
			allocChanges[o] = append(allocChanges[o], markExternal(fam, v))
		case addrpool.InUse:
			same := false
			for _, g := range group {
				if a.restoredIDs[g.pi] == owner {
					same = true
					break
				}
			}
			if same {
				continue
			}
			si := stale[owner]
			if si == nil {
				si = &staleInfo{}
				stale[owner] = si
			}
			si.addrs = append(si.addrs, getRef())
			for _, g := range group {
				if !slices.Contains(si.owners, a.owners[g.pi]) {
					si.owners = append(si.owners, a.owners[g.pi])
				}
			}
		case addrpool.External, addrpool.Excluded:
			// Already never handed out by VCEM: nothing to protect. (mxsync
			// marks Free addresses; an Excluded one is left as it is.)
		}
	}

	out := conflicts
	for _, id := range slices.Sorted(maps.Keys(stale)) {
		si := stale[id]
		out = append(out, a.reassigned(restored.Profiles[id], si.addrs, si.owners))
	}
	owners := slices.Sorted(maps.Keys(allocated))
	slices.SortFunc(owners, func(x, y int32) int { return a.owners[x].compare(a.owners[y]) })
	for _, o := range owners {
		k := a.owners[o]
		out = append(out, Finding{
			Code:     CodeAddrAllocatedAfterBackup,
			Severity: SeverityWarning,
			Subject:  Subject{DomainID: k.DomainID, LiveProfiles: []ProfileKey{k}, Addresses: allocated[o]},
			Message: fmt.Sprintf("live profile %s holds %d address(es) that are Free in the restored VCEM database "+
				"(allocated after the backup): %s; mark them External so VCEM never hands them out again",
				k, len(allocated[o]), joinRefs(allocated[o])),
			Changes: allocChanges[o],
		})
	}
	out = append(out, domainFindings(restored, live)...)
	return out, nil
}

func (a *phase1) conflict(ref AddressRef, group []located) Finding {
	var keys []ProfileKey
	for _, g := range group {
		if k := a.owners[g.pi]; !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, ProfileKey.compare)
	dom := keys[0].DomainID
	for _, k := range keys[1:] {
		if k.DomainID != dom {
			dom = ""
		}
	}
	where := "in domain " + fmt.Sprintf("%q", dom)
	if dom == "" {
		where = "across domains"
	}
	return Finding{
		Code:     CodeAddrConflict,
		Severity: SeverityError,
		Subject:  Subject{DomainID: dom, LiveProfiles: keys, Addresses: []AddressRef{ref}},
		Message: fmt.Sprintf("%s is live on %d connections %s (profiles %s): duplicate address",
			ref, len(group), where, joinKeys(keys, ", ")),
		Manual: manualConflict(ref),
	}
}

// reassigned builds the finding for one stale restored profile: delete its
// definition (freeing its pool addresses) and then mark External every one of
// its addresses that is still live somewhere, so no address in use is left
// Free.
func (a *phase1) reassigned(p Profile, addrs []AddressRef, owners []ProfileKey) Finding {
	slices.SortFunc(owners, ProfileKey.compare)
	changes := Changes{DeleteProfile{p.ID}}
	p.eachAddr(func(x profileAddr) {
		if !heldInPool(x) || !a.liveAnywhere(x.fam, x.v) {
			return
		}
		c := markExternal(x.fam, x.v)
		if !slices.Contains(changes, c) {
			changes = append(changes, c)
		}
	})
	return Finding{
		Code:     CodeAddrReassigned,
		Severity: SeverityWarning,
		Subject:  Subject{DomainID: p.DomainID, ProfileID: p.ID, LiveProfiles: owners, Addresses: addrs},
		Message: fmt.Sprintf("restored profile %q (%s) holds %s, now live on %s (reassigned after the backup); "+
			"delete the stale profile definition and mark its live addresses External",
			p.ID, p.Key(), joinRefs(addrs), joinKeys(owners, ", ")),
		Changes: changes,
	}
}

// domainFindings compares domains: reachability, group membership, modules.
func domainFindings(restored *Snapshot, live []LiveDomain) []Finding {
	byID := make(map[string]*LiveDomain, len(live))
	for i := range live {
		byID[live[i].Domain.ID] = &live[i]
	}
	var out []Finding
	ids := slices.Sorted(maps.Keys(restored.Domains))
	for i := range live {
		if _, ok := restored.Domains[live[i].Domain.ID]; !ok {
			ids = append(ids, live[i].Domain.ID)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		rd, known := restored.Domains[id]
		ld := byID[id]
		if ld == nil || !ld.Reachable {
			out = append(out, inaccessibleFinding(id, rd, known, ld))
			continue
		}
		if f, ok := groupFinding(id, rd.GroupID, ld.Domain.GroupID, known); ok {
			out = append(out, f)
		}
		if known {
			if f, ok := modulesFinding(id, rd.Modules, ld.Domain.Modules); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// inaccessibleFinding reports a domain that could not be read. A domain the
// restored database does not know, named by the caller for a read, can only
// have been added to a group after the backup; a restored one VCEM can no
// longer reach was either removed from its group, or VCEM lost access to it.
func inaccessibleFinding(id string, rd Domain, known bool, ld *LiveDomain) Finding {
	f := Finding{Code: CodeDomainInaccessible, Severity: SeverityWarning}
	if !known {
		d := ld.Domain
		f.Subject = Subject{DomainID: id, GroupID: d.GroupID}
		f.Message = fmt.Sprintf("VC domain %q, named for a read, is not in the restored VCEM database and could not be read: "+
			"it can only have been added to a VC Domain Group after the backup; its addresses were not compared", id)
		f.Manual = manualAddedAfterBackup(d)
		return f
	}
	d := rd
	if ld != nil && ld.Domain.Manager != "" && d.Manager == "" {
		d.Manager = ld.Domain.Manager
	}
	f.Subject = Subject{DomainID: id, GroupID: d.GroupID}
	f.Message = fmt.Sprintf("VC domain %q of the restored VCEM database is inaccessible: its addresses were not compared; "+
		"it was removed from its VC Domain Group after the backup, or VCEM can no longer reach it", id)
	f.Manual = manualUnreachable(d)
	return f
}

func groupFinding(id, was, now string, known bool) (Finding, bool) {
	if was == now {
		return Finding{}, false
	}
	f := Finding{Code: CodeDomainGroupChanged, Severity: SeverityWarning, Subject: Subject{DomainID: id}}
	switch {
	case now == "":
		f.Subject.GroupID = was
		f.Message = fmt.Sprintf("VC domain %q was removed from VC Domain Group %q after the backup", id, was)
		f.Manual = manualGroupRemoved(id, was)
	case was == "":
		f.Subject.GroupID = now
		if known {
			f.Message = fmt.Sprintf("VC domain %q was added to VC Domain Group %q after the backup", id, now)
		} else {
			f.Message = fmt.Sprintf("VC domain %q, unknown to the restored VCEM database, was added to VC Domain Group %q after the backup", id, now)
		}
		f.Manual = manualGroupAdded(id, now)
	default:
		f.Subject.GroupID = now
		f.Message = fmt.Sprintf("VC domain %q moved from VC Domain Group %q to %q after the backup", id, was, now)
		f.Manual = manualGroupMoved(id, was, now)
	}
	return f, true
}

func moduleKey(m Module) string {
	return fmt.Sprintf("%s/bay %d %s %s", m.Enclosure, m.Bay, m.Type, m.Serial)
}

func modulesFinding(id string, was, now []Module) (Finding, bool) {
	before := make(map[string]bool, len(was))
	for _, m := range was {
		before[moduleKey(m)] = true
	}
	after := make(map[string]bool, len(now))
	for _, m := range now {
		after[moduleKey(m)] = true
	}
	var added, removed []string
	for k := range after {
		if !before[k] {
			added = append(added, k)
		}
	}
	for k := range before {
		if !after[k] {
			removed = append(removed, k)
		}
	}
	if len(added)+len(removed) == 0 {
		return Finding{}, false
	}
	slices.Sort(added)
	slices.Sort(removed)
	return Finding{
		Code:     CodeModulesChanged,
		Severity: SeverityWarning,
		Subject:  Subject{DomainID: id},
		Message:  fmt.Sprintf("VC modules of domain %q changed after the backup: added %v, removed %v", id, added, removed),
		Manual:   manualModulesChanged(id),
	}, true
}

// AnalyzePhase2 is mxsync's VCEM phase-2 analysis: one
// [CodeDomainMayNeedResync] finding per domain of s (the state phase 1 will
// leave), by domain ID. Whether a domain really is out of sync can only be
// checked under VCEM maintenance, which analysis never starts; the execution
// step is [ResyncDomains] on the findings' Subject.DomainID.
//
// It reads only the domains of s and does not validate s: the engine
// validated the restored snapshot for phase 1, and phase 1's changes keep it
// valid (see [Apply]), so validating again would only repeat the most
// expensive step of the analysis. A nil snapshot is an error.
func AnalyzePhase2(s *Snapshot) ([]Finding, error) {
	if s == nil {
		return nil, fmt.Errorf("vcem: phase 2: snapshot is nil: %w", ErrInvalid)
	}
	var out []Finding
	for _, id := range slices.Sorted(maps.Keys(s.Domains)) {
		d := s.Domains[id]
		out = append(out, Finding{
			Code:     CodeDomainMayNeedResync,
			Severity: SeverityInfo,
			Subject:  Subject{DomainID: id, GroupID: d.GroupID},
			Message: fmt.Sprintf("VC domain %q MAY need to be synchronized with VCEM; only a check under VCEM "+
				"maintenance can tell, so the execution step checks and resyncs it", id),
		})
	}
	return out, nil
}

// ResyncDomainIDs returns the domain IDs of the phase-2 findings, in order:
// the input of [ResyncDomains].
func ResyncDomainIDs(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		if f.Code == CodeDomainMayNeedResync && !slices.Contains(ids, f.Subject.DomainID) {
			ids = append(ids, f.Subject.DomainID)
		}
	}
	return ids
}

// AnalysisOption configures [AnalyzePhase1] and [PredictResync].
type AnalysisOption func(*analysisConfig)

type analysisConfig struct {
	prevalidated bool
	model        ResyncModel
}

func newAnalysisConfig(opts []AnalysisOption) analysisConfig {
	c := analysisConfig{model: DefaultResyncModel()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Prevalidated tells the analysis that the snapshot passed
// [Snapshot.Validate] and has only been changed by [Apply] or [ApplyAll]
// since (which keep it valid), so it is not validated again: validation is
// the costliest step of an analysis, and an engine that validates the
// restored snapshot once can analyse every phase on it and on its predicted
// copies without repeating it. On a snapshot that is not valid the results
// are undefined (but the analysis does not panic).
func Prevalidated() AnalysisOption { return func(c *analysisConfig) { c.prevalidated = true } }
