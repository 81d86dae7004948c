package matrixoe

import (
	"errors"
	"fmt"
	"strconv"
)

// ValidationIssue is one inconsistency of a [Snapshot]: the record (a
// [Difference] record name and the record's key) and, where one field is at
// fault, the field's JSON name. It wraps [ErrInvalidSnapshot].
type ValidationIssue struct {
	Record  string `json:"record"`
	ID      string `json:"id"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"` // names the record and what is wrong
}

// Error renders "matrixoe: invalid snapshot: <message>".
func (e *ValidationIssue) Error() string { return "matrixoe: invalid snapshot: " + e.Message }

// Unwrap returns [ErrInvalidSnapshot].
func (e *ValidationIssue) Unwrap() error { return ErrInvalidSnapshot }

// Validate checks the snapshot's internal consistency and reports every
// problem at once: an errors.Join of *[ValidationIssue] values (the first
// [MaxListedProblems], then one more issue counting the rest, so the error
// of a huge broken snapshot stays small; [Snapshot.Issues] returns them
// all), each wrapping [ErrInvalidSnapshot]. A nil snapshot is valid (it is
// empty).
//
// Not a problem: a recovery group listing a logical server that no longer
// exists. The RM database references LSM by ID and goes stale when a logical
// server is dropped; RM phase 1 ([AnalyzeRM]) reports and repairs it.
func (s *Snapshot) Validate() error {
	issues := s.Issues()
	if len(issues) == 0 {
		return nil
	}
	errs := make([]error, 0, min(len(issues), MaxListedProblems)+1)
	for i, is := range issues {
		if i == MaxListedProblems {
			errs = append(errs, &ValidationIssue{Message: "… and " + strconv.Itoa(len(issues)-i) + " more problems"})
			break
		}
		errs = append(errs, is)
	}
	return errors.Join(errs...)
}

// Issues returns every inconsistency of s, in a deterministic order (by
// record type, then key); see [Snapshot.Validate].
func (s *Snapshot) Issues() []*ValidationIssue {
	if s == nil {
		return nil
	}
	var p []*ValidationIssue
	var record, id string
	at := func(rec, key string) { record, id = rec, key }
	add := func(field, format string, args ...any) {
		p = append(p, &ValidationIssue{Record: record, ID: id, Field: field, Message: fmt.Sprintf(format, args...)})
	}

	// The owner maps are sized up front: growing them is most of what
	// validating a large snapshot allocates.
	profileOwner := make(map[string]string, len(s.LogicalServers))
	vmOwner := map[string]string{}
	speOwner := make(map[string]string, len(s.SPEs))
	for _, id := range sortedKeys(s.LogicalServers) {
		ls := s.LogicalServers[id]
		at("logicalServer", id)
		where := "logical server " + q(id)
		if ls.ID != id {
			add("id", "%s: id field is %s", where, q(ls.ID))
		}
		if ls.Name == "" {
			add("name", "%s: empty name", where)
		}
		if !ls.Kind.valid() {
			add("kind", "%s: unknown kind %s", where, q(string(ls.Kind)))
		}
		if !ls.Power.valid() {
			add("power", "%s: unknown power state %s", where, q(string(ls.Power)))
		}
		switch ls.Kind {
		case LSPhysicalVC:
			if ls.ProfileID == "" {
				add("profileId", "%s: vc-physical server without profileId", where)
			}
			if ls.VMID != "" {
				add("vmId", "%s: vc-physical server with vmId %s", where, q(ls.VMID))
			}
		case LSVirtual:
			if ls.VMID == "" {
				add("vmId", "%s: vm server without vmId", where)
			}
			if ls.ProfileID != "" {
				add("profileId", "%s: vm server with profileId %s", where, q(ls.ProfileID))
			}
		}
		if ls.VMID != "" {
			if other, dup := vmOwner[ls.VMID]; dup {
				add("vmId", "%s: VM %s already owned by logical server %s", where, q(ls.VMID), q(other))
			} else {
				vmOwner[ls.VMID] = id
			}
		}
		if ls.ProfileID != "" {
			if other, dup := profileOwner[ls.ProfileID]; dup {
				add("profileId", "%s: profile %s already owned by logical server %s", where, q(ls.ProfileID), q(other))
			} else {
				profileOwner[ls.ProfileID] = id
			}
		}
		for _, speID := range ls.SPEIDs {
			spe, ok := s.SPEs[speID]
			switch {
			case !ok:
				add("speIds", "%s: storage pool entry %s does not exist", where, q(speID))
			case spe.LogicalServerID != id:
				add("speIds", "%s: lists storage pool entry %s whose logicalServerId is %s", where, q(speID), q(spe.LogicalServerID))
			}
			if other, dup := speOwner[speID]; dup {
				add("speIds", "%s: storage pool entry %s also listed by logical server %s", where, q(speID), q(other))
			} else {
				speOwner[speID] = id
			}
		}
	}

	// lists reports whether logical server ls lists entry spe: the first
	// server listing an entry is in speOwner; only a broken snapshot (an
	// entry listed twice) needs the server's own list, as a set built once.
	listSets := map[string]map[string]bool{}
	lists := func(ls, spe string) bool {
		if speOwner[spe] == ls {
			return true
		}
		set, ok := listSets[ls]
		if !ok {
			set = map[string]bool{}
			for _, id := range s.LogicalServers[ls].SPEIDs {
				set[id] = true
			}
			listSets[ls] = set
		}
		return set[spe]
	}

	volumes := 0
	for _, spe := range s.SPEs {
		volumes += len(spe.VolumeIDs)
	}
	volumeOwner := make(map[string]string, volumes)
	for _, id := range sortedKeys(s.SPEs) {
		spe := s.SPEs[id]
		at("storagePoolEntry", id)
		where := "storage pool entry " + q(id)
		if spe.ID != id {
			add("id", "%s: id field is %s", where, q(spe.ID))
		}
		if !spe.Kind.valid() {
			add("kind", "%s: unknown kind %s", where, q(string(spe.Kind)))
		}
		for _, v := range spe.VolumeIDs {
			if v == "" {
				add("volumeIds", "%s: empty volume id", where)
				continue
			}
			if other, dup := volumeOwner[v]; dup {
				add("volumeIds", "%s: volume %s also in storage pool entry %s", where, q(v), q(other))
			} else {
				volumeOwner[v] = id
			}
		}
		if spe.LogicalServerID != "" {
			_, ok := s.LogicalServers[spe.LogicalServerID]
			if !ok {
				add("logicalServerId", "%s: logical server %s does not exist", where, q(spe.LogicalServerID))
			} else if !lists(spe.LogicalServerID, id) {
				add("logicalServerId", "%s: logical server %s does not list it", where, q(spe.LogicalServerID))
			}
		}
		if spe.ServiceID != "" {
			if _, ok := s.Services[spe.ServiceID]; !ok {
				add("serviceId", "%s: service %s does not exist", where, q(spe.ServiceID))
			}
		}
	}

	names := map[string]string{}
	for _, id := range sortedKeys(s.Services) {
		sv := s.Services[id]
		at("service", id)
		where := "service " + q(id)
		if sv.ID != id {
			add("id", "%s: id field is %s", where, q(sv.ID))
		}
		if sv.Name == "" {
			add("name", "%s: empty name", where)
		}
		if other, dup := names[sv.Name]; dup {
			add("name", "%s: name %s also used by service %s", where, q(sv.Name), q(other))
		} else {
			names[sv.Name] = id
		}
		seen := map[string]bool{}
		for _, lsID := range sv.LogicalServerIDs {
			if seen[lsID] {
				add("logicalServerIds", "%s: logical server %s listed twice", where, q(lsID))
			}
			seen[lsID] = true
			if _, ok := s.LogicalServers[lsID]; !ok {
				add("logicalServerIds", "%s: logical server %s does not exist", where, q(lsID))
			}
		}
	}

	for _, id := range sortedKeys(s.Requests) {
		r := s.Requests[id]
		at("request", id)
		where := "request " + q(id)
		if r.ID != id {
			add("id", "%s: id field is %s", where, q(r.ID))
		}
		if r.State == "" { // the vocabulary is the analysis's (RequestStates)
			add("state", "%s: empty state", where)
		}
		if r.ServiceID != "" {
			if _, ok := s.Services[r.ServiceID]; !ok {
				add("serviceId", "%s: service %s does not exist", where, q(r.ServiceID))
			}
		}
	}

	for _, a := range sortedAddrs(s.IPs) {
		ip := s.IPs[a]
		at("ipAllocation", a.String())
		where := "IP allocation " + short(a.String())
		if !a.IsValid() {
			add("", "IP allocation: invalid address key")
		} else if a.Is4In6() {
			add("", "%s: IPv4-mapped form; key IPv4 addresses as %s", where, short(a.Unmap().String()))
		}
		if ip.Address != a {
			add("address", "%s: address field is %s", where, short(ip.Address.String()))
		}
		if !ip.Allocated && (ip.ServiceID != "" || ip.Owner != "") {
			add("allocated", "%s: free but has serviceId %s / owner %s", where, q(ip.ServiceID), q(ip.Owner))
		}
		if ip.ServiceID != "" {
			if _, ok := s.Services[ip.ServiceID]; !ok {
				add("serviceId", "%s: service %s does not exist", where, q(ip.ServiceID))
			}
		}
	}

	for _, name := range sortedKeys(s.RecoveryGroups) {
		rg := s.RecoveryGroups[name]
		at("recoveryGroup", name)
		where := "recovery group " + q(name)
		if rg.Name != name {
			add("name", "%s: name field is %s", where, q(rg.Name))
		}
		if rg.Set == "" {
			add("set", "%s: empty recovery group set", where)
		}
		if d := firstDup(rg.ProtectedLS); d != "" {
			add("protectedLogicalServers", "%s: logical server %s protected twice", where, q(d))
		}
	}

	return p
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
