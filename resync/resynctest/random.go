package resynctest

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// RandomHistory plays n random activities on e, each valid for the state
// the ones before it left and applied as it is generated, and returns them:
// replaying the result on an estate built the same way (same model, same
// seed) reproduces e's state exactly. The same rng state gives the same
// history. A test that fails should print Replay(seed, history).
//
// The kinds are weighted so that the common post-backup work (profiles,
// servers, presentations, VMs, IPs) dominates and the drastic ones (a domain
// leaving its group, an array evicted, the RM export dropped) are rare.
// The operator's mark-services-file is never chosen. When no activity of a
// drawn kind is possible another is drawn; the history is shorter than n
// only if nothing at all is possible.
func RandomHistory(rng *rand.Rand, e *Estate, n int) []Activity {
	h, _ := randomHistory(rng, e, n)
	return h
}

// randomHistory is RandomHistory that also returns the activities that were
// generated but failed to apply: a generator bug, which tests assert away.
func randomHistory(rng *rand.Rand, e *Estate, n int) ([]Activity, []error) {
	if rng == nil || e == nil || n <= 0 {
		return nil, nil
	}
	gens := generators()
	total := 0
	for _, g := range gens {
		total += g.weight
	}
	var out []Activity
	var failed []error
	for tries := 0; len(out) < n && tries < 50*n; tries++ {
		w := rng.IntN(total)
		var g generator
		for _, g = range gens {
			if w < g.weight {
				break
			}
			w -= g.weight
		}
		a, ok := g.make(e.view(), rng)
		if !ok {
			continue
		}
		if err := e.Do(a); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", a, err))
			continue
		}
		out = append(out, a)
	}
	return out, failed
}

type generator struct {
	kind   Kind
	weight int
	make   func(v *view, rng *rand.Rand) (Activity, bool)
}

// pickOne returns a random element of s.
func pickOne[T any](rng *rand.Rand, s []T) (T, bool) {
	var zero T
	if len(s) == 0 {
		return zero, false
	}
	return s[rng.IntN(len(s))], true
}

func generators() []generator {
	return []generator{
		{KindCreateProfile, 6, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			if !ok {
				return Activity{}, false
			}
			a := Activity{Kind: KindCreateProfile, Domain: d.Domain.ID, Profile: fresh("new", v.profileNameTaken(d.Domain.ID))}
			randomConnections(rng, &a)
			if bays := freeBays(d); len(bays) > 0 && rng.IntN(2) == 0 {
				a.Bay = bays[rng.IntN(len(bays))]
			}
			return a, true
		}},
		{KindDeleteProfile, 4, func(v *view, rng *rand.Rand) (Activity, bool) {
			owned := v.owned()
			type cand struct{ d, p string }
			var cs []cand
			for _, d := range v.managedDomains() {
				for _, p := range d.Profiles {
					if id := dbProfileID(v.db, d.Domain.ID, p.Name); owned[orDefault(id, vcemtest.ProfileID(d.Domain.ID, p.Name))] == "" {
						cs = append(cs, cand{d.Domain.ID, p.Name})
					}
				}
			}
			c, ok := pickOne(rng, cs)
			return Activity{Kind: KindDeleteProfile, Domain: c.d, Profile: c.p}, ok
		}},
		{KindAssignProfile, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			if !ok {
				return Activity{}, false
			}
			var names []string
			for _, p := range d.Profiles {
				if p.Bay == "" {
					names = append(names, p.Name)
				}
			}
			name, ok1 := pickOne(rng, names)
			bay, ok2 := pickOne(rng, freeBays(d))
			return Activity{Kind: KindAssignProfile, Domain: d.Domain.ID, Profile: name, Bay: bay}, ok1 && ok2
		}},
		{KindUnassignProfile, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			if !ok {
				return Activity{}, false
			}
			var names []string
			for _, p := range d.Profiles {
				if p.Bay != "" {
					names = append(names, p.Name)
				}
			}
			name, ok := pickOne(rng, names)
			return Activity{Kind: KindUnassignProfile, Domain: d.Domain.ID, Profile: name}, ok
		}},
		{KindUserDefinedAddress, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			if !ok {
				return Activity{}, false
			}
			p, ok := pickOne(rng, d.Profiles)
			if !ok || len(p.Ethernet) == 0 {
				return Activity{}, false
			}
			a := Activity{Kind: KindUserDefinedAddress, Domain: d.Domain.ID, Profile: p.Name,
				Connection: fmt.Sprintf("ethernet[%d]", rng.IntN(len(p.Ethernet)))}
			if other, ok := pickOne(rng, v.domains); ok && rng.IntN(3) == 0 && len(other.Profiles) > 0 {
				// A conflict: another profile's address.
				q := other.Profiles[rng.IntN(len(other.Profiles))]
				if len(q.Ethernet) > 0 {
					a.Address = q.Ethernet[0].MAC.String()
					return a, true
				}
			}
			a.Address = (userMACBase + 0x800000 + addrpool.MAC(rng.IntN(1<<20))).String()
			return a, true
		}},
		{KindAddToGroup, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok1 := pickOne(rng, v.ungrouped())
			g, ok2 := pickOne(rng, sortedKeys(v.db.Groups))
			if !ok1 || !ok2 || !canTakeOver(v, d.Domain.ID, g) {
				return Activity{}, false
			}
			return Activity{Kind: KindAddToGroup, Domain: d.Domain.ID, Group: g}, true
		}},
		{KindRemoveFromGroup, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			return Activity{Kind: KindRemoveFromGroup, Domain: d.Domain.ID}, ok && len(v.managedDomains()) > 1
		}},
		{KindAddModule, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.domains)
			if !ok || len(d.Domain.Enclosures) == 0 {
				return Activity{}, false
			}
			enc := d.Domain.Enclosures[rng.IntN(len(d.Domain.Enclosures))]
			bay, ok := pickOne(rng, freeModuleBays(d, enc))
			return Activity{Kind: KindAddModule, Domain: d.Domain.ID, Enclosure: enc, ModuleBay: bay, ModuleType: "VC-FC"}, ok
		}},
		{KindRemoveModule, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.domains)
			if !ok {
				return Activity{}, false
			}
			m, ok := pickOne(rng, d.Domain.Modules)
			return Activity{Kind: KindRemoveModule, Domain: d.Domain.ID, Enclosure: m.Enclosure, ModuleBay: m.Bay}, ok
		}},

		{KindCreateVCServer, 4, func(v *view, rng *rand.Rand) (Activity, bool) {
			d, ok := pickOne(rng, v.managedDomains())
			if !ok {
				return Activity{}, false
			}
			a := Activity{Kind: KindCreateVCServer, Server: fresh("LS-new", v.serverTaken), Domain: d.Domain.ID,
				Profile: fresh("srv", v.profileNameTaken(d.Domain.ID))}
			randomConnections(rng, &a)
			if bays := freeBays(d); len(bays) > 0 && rng.IntN(3) > 0 {
				a.Bay = bays[rng.IntN(len(bays))]
			}
			if svc, ok := pickOne(rng, sortedKeys(v.moe.Services)); ok && rng.IntN(2) == 0 {
				a.Service = svc
			}
			return a, true
		}},
		{KindDeleteVCServer, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			ls, ok := pickOne(rng, v.servers(matrixoe.LSPhysicalVC, nil))
			return Activity{Kind: KindDeleteVCServer, Server: ls.ID}, ok
		}},
		{KindCreateVMServer, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			vm := fresh("vm-new", func(s string) bool { _, ok := v.moeLive.VMs[s]; return ok || v.vmOwned(s) })
			a := Activity{Kind: KindCreateVMServer, Server: fresh("LS-vmnew", v.serverTaken), VM: vm}
			if svc, ok := pickOne(rng, sortedKeys(v.moe.Services)); ok && rng.IntN(2) == 0 {
				a.Service = svc
			}
			return a, true
		}},
		{KindDeleteVMServer, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			ls, ok := pickOne(rng, v.servers(matrixoe.LSVirtual, nil))
			return Activity{Kind: KindDeleteVMServer, Server: ls.ID}, ok
		}},
		{KindSuspendVM, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			return powerActivity(v, rng, matrixoe.PowerOn, KindSuspendVM)
		}},
		{KindResumeVM, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			return powerActivity(v, rng, matrixoe.PowerOff, KindResumeVM)
		}},
		{KindServerInoperable, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			ls, ok := pickOne(rng, v.servers(matrixoe.LSPhysicalVC, func(ls matrixoe.LogicalServer) bool { return !ls.Inoperable }))
			return Activity{Kind: KindServerInoperable, Server: ls.ID}, ok
		}},
		{KindCreateService, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			id := fresh("S-new", func(s string) bool { _, ok := v.moe.Services[s]; return ok })
			name := fresh("new-service-", func(s string) bool { return v.serviceNameTaken(s) })
			return Activity{Kind: KindCreateService, Service: id, Name: name}, true
		}},
		{KindDeleteService, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			live := v.liveServiceNames()
			var ids []string
			for _, id := range sortedKeys(v.moe.Services) {
				if live[v.moe.Services[id].Name] {
					ids = append(ids, id)
				}
			}
			id, ok := pickOne(rng, ids)
			return Activity{Kind: KindDeleteService, Service: id}, ok
		}},
		{KindScheduleRequest, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			a := Activity{Kind: KindScheduleRequest, Request: fresh("R-new", func(s string) bool { _, ok := v.moe.Requests[s]; return ok }), Name: "change"}
			if svc, ok := pickOne(rng, sortedKeys(v.moe.Services)); ok {
				a.Service = svc
			}
			return a, true
		}},
		{KindStartRequest, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			return requestActivity(v, rng, KindStartRequest, matrixoe.RequestScheduled, matrixoe.RequestPendingApproval, matrixoe.RequestPaused)
		}},
		{KindCompleteRequest, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			return requestActivity(v, rng, KindCompleteRequest, matrixoe.DefaultRequestStates().Unfinished...)
		}},
		{KindAllocateIP, 3, func(v *view, rng *rand.Rand) (Activity, bool) {
			var free []matrixoe.IPAllocation
			for _, ip := range v.moe.IPs {
				if _, inUse := v.moeLive.IPs[ip.Address]; !ip.Allocated && !inUse {
					free = append(free, ip)
				}
			}
			slices.SortFunc(free, func(a, b matrixoe.IPAllocation) int { return a.Address.Compare(b.Address) })
			ip, ok1 := pickOne(rng, free)
			svc, ok2 := pickOne(rng, sortedKeys(v.moe.Services))
			return Activity{Kind: KindAllocateIP, IP: ip.Address, Service: svc}, ok1 && ok2
		}},
		{KindSetRecoveryGroup, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			names := append(sortedKeys(v.moe.RecoveryGroups), fresh("RG-new", func(s string) bool { _, ok := v.moe.RecoveryGroups[s]; return ok }))
			name, _ := pickOne(rng, names)
			a := Activity{Kind: KindSetRecoveryGroup, RecoveryGroup: name, Set: []string{"SET-A", "SET-B"}[rng.IntN(2)], Disabled: rng.IntN(4) == 0}
			if ls, ok := pickOne(rng, v.servers(matrixoe.LSPhysicalVC, nil)); ok && !v.protectedElsewhere(ls.ID, name) {
				a.Servers = []string{ls.ID}
			}
			return a, true
		}},
		{KindDeleteRecoveryGroup, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			name, ok := pickOne(rng, sortedKeys(v.moe.RecoveryGroups))
			return Activity{Kind: KindDeleteRecoveryGroup, RecoveryGroup: name}, ok
		}},
		{KindDropRMExport, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			return Activity{Kind: KindDropRMExport}, v.moeLive.Export != nil && rng.IntN(4) == 0
		}},

		{KindPresentVolume, 6, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held }))
			if !ok {
				return Activity{}, false
			}
			init := foreignInitiator(1 + rng.IntN(64))
			if e, ok := pickOne(rng, sortedKeys(v.moe.SPEs)); ok && rng.IntN(2) == 0 && len(v.moe.SPEs[e].WWPNs) > 0 {
				init = v.moe.SPEs[e].WWPNs[0]
			}
			if slices.ContainsFunc(v.presentations(vi.v), func(p spm.LivePresentation) bool { return p.Initiator == init }) ||
				slices.ContainsFunc(v.catalog.Presentations, func(p spm.Presentation) bool { return p.VolumeID == vi.v.ID && p.Initiator == init }) {
				return Activity{}, false
			}
			return Activity{Kind: KindPresentVolume, Volume: vi.v.ID, Initiator: init, LUN: rng.IntN(16)}, true
		}},
		{KindUnpresentVolume, 4, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held && len(v.presentations(vi.v)) > 0 }))
			if !ok {
				return Activity{}, false
			}
			p, _ := pickOne(rng, v.presentations(vi.v))
			return Activity{Kind: KindUnpresentVolume, Volume: vi.v.ID, Initiator: p.Initiator}, true
		}},
		{KindImportVolume, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			var arrays []string
			for _, id := range sortedKeys(v.catalog.Arrays) {
				if _, ok := v.arrays.Arrays[id]; ok {
					arrays = append(arrays, id)
				}
			}
			id, ok := pickOne(rng, arrays)
			return Activity{Kind: KindImportVolume, Array: id, Volume: fresh("imported-", func(s string) bool { _, ok := v.catalog.Volumes[s]; return ok }),
				Size: uint64(8+rng.IntN(64)) << 30}, ok
		}},
		{KindDeleteVolume, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held }))
			return Activity{Kind: KindDeleteVolume, Volume: vi.v.ID}, ok
		}},
		{KindResizeVolume, 2, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held }))
			return Activity{Kind: KindResizeVolume, Volume: vi.v.ID, Size: vi.lv.SizeBytes + uint64(1+rng.IntN(8))<<30}, ok
		}},
		{KindCorruptSignature, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held && vi.t.SupportsSignatures() && !vi.lv.Signature.Corrupt }))
			return Activity{Kind: KindCorruptSignature, Volume: vi.v.ID}, ok
		}},
		{KindRewriteSignature, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held && vi.t.SupportsSignatures() }))
			a := Activity{Kind: KindRewriteSignature, Volume: vi.v.ID}
			if rng.IntN(2) == 0 && vi.lv.Signature.OwningCatalog != "spm-elsewhere" {
				a.Catalog = "spm-elsewhere"
			} else {
				a.SignatureVersion = vi.lv.Signature.Version + 1
			}
			return a, ok
		}},
		{KindUnbindVolume, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held && vi.v.ServiceID != "" }))
			return Activity{Kind: KindUnbindVolume, Volume: vi.v.ID}, ok
		}},
		{KindBindVolume, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok1 := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held }))
			svc, ok2 := pickOne(rng, sortedKeys(v.catalog.Services))
			return Activity{Kind: KindBindVolume, Volume: vi.v.ID, StorageService: svc}, ok1 && ok2 && svc != vi.v.ServiceID
		}},
		{KindSetActivation, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			vi, ok := pickOne(rng, v.volumes(func(vi volumeInfo) bool { return vi.held && vi.v.ServiceID != "" }))
			act := []string{"active", "standby", "inactive"}[rng.IntN(3)]
			return Activity{Kind: KindSetActivation, Volume: vi.v.ID, Activation: act}, ok && act != vi.v.Activation
		}},
		{KindEvictArray, 1, func(v *view, rng *rand.Rand) (Activity, bool) {
			id, ok := pickOne(rng, sortedKeys(v.catalog.Arrays))
			return Activity{Kind: KindEvictArray, Array: id}, ok && len(v.catalog.Arrays) > 1 && rng.IntN(3) == 0
		}},
	}
}

func randomConnections(rng *rand.Rand, a *Activity) {
	a.Ethernet = 1 + rng.IntN(2)
	a.FC = rng.IntN(3)
	if rng.IntN(4) == 0 {
		a.ISCSI = 1
	}
	if rng.IntN(4) == 0 {
		a.FCoE = 1
	}
}

func powerActivity(v *view, rng *rand.Rand, from matrixoe.PowerState, kind Kind) (Activity, bool) {
	var vms []string
	for _, vm := range sortedKeys(v.moeLive.VMs) {
		if v.moeLive.VMs[vm] == from {
			vms = append(vms, vm)
		}
	}
	vm, ok := pickOne(rng, vms)
	return Activity{Kind: kind, VM: vm}, ok
}

func requestActivity(v *view, rng *rand.Rand, kind Kind, from ...matrixoe.RequestState) (Activity, bool) {
	var ids []string
	for _, id := range sortedKeys(v.moe.Requests) {
		if slices.Contains(from, v.moe.Requests[id].State) {
			ids = append(ids, id)
		}
	}
	id, ok := pickOne(rng, ids)
	return Activity{Kind: kind, Request: id}, ok
}

func (v *view) vmOwned(vm string) bool {
	for _, ls := range v.moe.LogicalServers {
		if ls.VMID == vm {
			return true
		}
	}
	return false
}

func (v *view) serviceNameTaken(name string) bool {
	for _, sv := range v.moe.Services {
		if sv.Name == name {
			return true
		}
	}
	return v.liveServiceNames()[name]
}

// protectedElsewhere reports a server another recovery group protects: the
// generator keeps each server in one group at most.
func (v *view) protectedElsewhere(ls, group string) bool {
	for name, rg := range v.moe.RecoveryGroups {
		if name != group && slices.Contains(rg.ProtectedLS, ls) {
			return true
		}
	}
	return false
}

// canTakeOver reports whether VCEM could take a domain over (takenOver).
func canTakeOver(v *view, domainID, group string) bool {
	d, ok := v.domain(domainID)
	if !ok {
		return false
	}
	_, err := takenOver(v.db, vcem.LiveDomain{Domain: d.Domain, Profiles: d.Profiles, Reachable: d.Reachable}, group)
	return err == nil
}
