package matrixoe

import (
	"fmt"
	"slices"
	"strings"
)

// ValidationError lists every inconsistency found by [Snapshot.Validate],
// each naming the record (section and ID) and the field at fault.
type ValidationError struct {
	Problems []string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("matrixoe: invalid snapshot (%d problems): %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// Validate checks the snapshot's internal consistency and returns a
// *ValidationError listing every problem, or nil.
//
// Not a problem: a recovery group listing a logical server that no longer
// exists. The RM database references LSM by ID and goes stale when a logical
// server is dropped; RM phase 1 ([AnalyzeRM]) reports and repairs it.
func (s *Snapshot) Validate() error {
	if s == nil {
		return &ValidationError{Problems: []string{"nil snapshot"}}
	}
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	profileOwner := map[string]string{}
	vmOwner := map[string]string{}
	speOwner := map[string]string{}
	for _, id := range sortedKeys(s.LogicalServers) {
		ls := s.LogicalServers[id]
		where := fmt.Sprintf("logical server %q", id)
		if ls.ID != id {
			add("%s: id field is %q", where, ls.ID)
		}
		if ls.Name == "" {
			add("%s: empty name", where)
		}
		if !ls.Kind.valid() {
			add("%s: unknown kind %q", where, ls.Kind)
		}
		if !ls.Power.valid() {
			add("%s: unknown power state %q", where, ls.Power)
		}
		switch ls.Kind {
		case LSPhysicalVC:
			if ls.ProfileID == "" {
				add("%s: vc-physical server without profileId", where)
			}
			if ls.VMID != "" {
				add("%s: vc-physical server with vmId %q", where, ls.VMID)
			}
		case LSVirtual:
			if ls.VMID == "" {
				add("%s: vm server without vmId", where)
			}
			if ls.ProfileID != "" {
				add("%s: vm server with profileId %q", where, ls.ProfileID)
			}
		}
		if ls.VMID != "" {
			if other, dup := vmOwner[ls.VMID]; dup {
				add("%s: VM %q already owned by logical server %q", where, ls.VMID, other)
			} else {
				vmOwner[ls.VMID] = id
			}
		}
		if ls.ProfileID != "" {
			if other, dup := profileOwner[ls.ProfileID]; dup {
				add("%s: profile %q already owned by logical server %q", where, ls.ProfileID, other)
			} else {
				profileOwner[ls.ProfileID] = id
			}
		}
		for _, speID := range ls.SPEIDs {
			spe, ok := s.SPEs[speID]
			switch {
			case !ok:
				add("%s: storage pool entry %q does not exist", where, speID)
			case spe.LogicalServerID != id:
				add("%s: lists storage pool entry %q whose logicalServerId is %q", where, speID, spe.LogicalServerID)
			}
			if other, dup := speOwner[speID]; dup {
				add("%s: storage pool entry %q also listed by logical server %q", where, speID, other)
			} else {
				speOwner[speID] = id
			}
		}
	}

	volumeOwner := map[string]string{}
	for _, id := range sortedKeys(s.SPEs) {
		spe := s.SPEs[id]
		where := fmt.Sprintf("storage pool entry %q", id)
		if spe.ID != id {
			add("%s: id field is %q", where, spe.ID)
		}
		if !spe.Kind.valid() {
			add("%s: unknown kind %q", where, spe.Kind)
		}
		for _, v := range spe.VolumeIDs {
			if v == "" {
				add("%s: empty volume id", where)
				continue
			}
			if other, dup := volumeOwner[v]; dup {
				add("%s: volume %q also in storage pool entry %q", where, v, other)
			} else {
				volumeOwner[v] = id
			}
		}
		if spe.LogicalServerID != "" {
			ls, ok := s.LogicalServers[spe.LogicalServerID]
			if !ok {
				add("%s: logical server %q does not exist", where, spe.LogicalServerID)
			} else if !slices.Contains(ls.SPEIDs, id) {
				add("%s: logical server %q does not list it", where, spe.LogicalServerID)
			}
		}
		if spe.ServiceID != "" {
			if _, ok := s.Services[spe.ServiceID]; !ok {
				add("%s: service %q does not exist", where, spe.ServiceID)
			}
		}
	}

	names := map[string]string{}
	for _, id := range sortedKeys(s.Services) {
		sv := s.Services[id]
		where := fmt.Sprintf("service %q", id)
		if sv.ID != id {
			add("%s: id field is %q", where, sv.ID)
		}
		if sv.Name == "" {
			add("%s: empty name", where)
		}
		if other, dup := names[sv.Name]; dup {
			add("%s: name %q also used by service %q", where, sv.Name, other)
		} else {
			names[sv.Name] = id
		}
		seen := map[string]bool{}
		for _, lsID := range sv.LogicalServerIDs {
			if seen[lsID] {
				add("%s: logical server %q listed twice", where, lsID)
			}
			seen[lsID] = true
			if _, ok := s.LogicalServers[lsID]; !ok {
				add("%s: logical server %q does not exist", where, lsID)
			}
		}
	}

	for _, id := range sortedKeys(s.Requests) {
		r := s.Requests[id]
		where := fmt.Sprintf("request %q", id)
		if r.ID != id {
			add("%s: id field is %q", where, r.ID)
		}
		if !r.State.Valid() {
			add("%s: unknown state %q", where, r.State)
		}
		if r.ServiceID != "" {
			if _, ok := s.Services[r.ServiceID]; !ok {
				add("%s: service %q does not exist", where, r.ServiceID)
			}
		}
	}

	for _, a := range sortedAddrs(s.IPs) {
		ip := s.IPs[a]
		where := fmt.Sprintf("IP allocation %s", a)
		if !a.IsValid() {
			add("IP allocation: invalid address key")
		} else if a.Is4In6() {
			add("%s: IPv4-mapped form; key IPv4 addresses as %s", where, a.Unmap())
		}
		if ip.Address != a {
			add("%s: address field is %s", where, ip.Address)
		}
		if !ip.Allocated && (ip.ServiceID != "" || ip.Owner != "") {
			add("%s: free but has serviceId %q / owner %q", where, ip.ServiceID, ip.Owner)
		}
		if ip.ServiceID != "" {
			if _, ok := s.Services[ip.ServiceID]; !ok {
				add("%s: service %q does not exist", where, ip.ServiceID)
			}
		}
	}

	for _, name := range sortedKeys(s.RecoveryGroups) {
		rg := s.RecoveryGroups[name]
		where := fmt.Sprintf("recovery group %q", name)
		if rg.Name != name {
			add("%s: name field is %q", where, rg.Name)
		}
		if rg.Set == "" {
			add("%s: empty recovery group set", where)
		}
		if d := firstDup(rg.ProtectedLS); d != "" {
			add("%s: logical server %q protected twice", where, d)
		}
	}

	if len(p) > 0 {
		return &ValidationError{Problems: p}
	}
	return nil
}

func firstDup(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}
