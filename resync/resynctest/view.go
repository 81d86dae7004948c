package resynctest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// view is a copy of the estate's state that the history generators and the
// drill read to choose valid activities.
type view struct {
	db      *vcem.Snapshot
	domains []vcemtest.LiveDomainData // sorted by ID
	catalog *spm.Snapshot
	arrays  *spm.Live
	moe     *matrixoe.Snapshot
	moeLive matrixoetest.LiveData
}

// view copies the estate's state (no fault applies).
func (e *Estate) view() *view {
	e.mu.Lock()
	defer e.mu.Unlock()
	return &view{
		db: e.vcemStore.Data().Snapshot, domains: e.vcemLive.Data().Domains,
		catalog: e.catalog.Data().Snapshot, arrays: e.arrays.Data().Live,
		moe: e.moeStore.Data().Snapshot, moeLive: e.moeLive.Data(),
	}
}

func (v *view) domain(id string) (vcemtest.LiveDomainData, bool) {
	for _, d := range v.domains {
		if d.Domain.ID == id {
			return d, true
		}
	}
	return vcemtest.LiveDomainData{}, false
}

// managedDomains are the domains in a group that the VCEM database knows.
func (v *view) managedDomains() []vcemtest.LiveDomainData {
	var out []vcemtest.LiveDomainData
	for _, d := range v.domains {
		if _, known := v.db.Domains[d.Domain.ID]; known && d.Domain.GroupID != "" {
			out = append(out, d)
		}
	}
	return out
}

// ungrouped are the domains in no group.
func (v *view) ungrouped() []vcemtest.LiveDomainData {
	var out []vcemtest.LiveDomainData
	for _, d := range v.domains {
		if d.Domain.GroupID == "" {
			out = append(out, d)
		}
	}
	return out
}

// owned reports the profile IDs that logical servers own.
func (v *view) owned() map[string]string {
	out := map[string]string{}
	for _, ls := range v.moe.LogicalServers {
		if ls.Kind == matrixoe.LSPhysicalVC {
			out[ls.ProfileID] = ls.ID
		}
	}
	return out
}

// servers returns the logical servers of a kind that pass keep, by ID.
func (v *view) servers(kind matrixoe.LSKind, keep func(matrixoe.LogicalServer) bool) []matrixoe.LogicalServer {
	var out []matrixoe.LogicalServer
	for _, id := range sortedKeys(v.moe.LogicalServers) {
		ls := v.moe.LogicalServers[id]
		if ls.Kind == kind && (keep == nil || keep(ls)) {
			out = append(out, ls)
		}
	}
	return out
}

// liveProfileOf returns a VC-based server's profile as its domain holds it.
func (v *view) liveProfileOf(ls matrixoe.LogicalServer) (vcem.Profile, bool) {
	p, ok := v.db.Profiles[ls.ProfileID]
	if !ok {
		return vcem.Profile{}, false
	}
	d, ok := v.domain(p.DomainID)
	if !ok {
		return vcem.Profile{}, false
	}
	for _, lp := range d.Profiles {
		if lp.Name == p.Name {
			lp.DomainID = p.DomainID
			return lp, true
		}
	}
	return vcem.Profile{}, false
}

// inGroups reports the servers recovery groups protect.
func (v *view) inGroups() map[string]bool {
	out := map[string]bool{}
	for _, rg := range v.moe.RecoveryGroups {
		for _, id := range rg.ProtectedLS {
			out[id] = true
		}
	}
	return out
}

// volumeInfo is a catalog volume with its array's family, its live copy
// (held false: the array lacks it) and the catalog-based entry listing it.
type volumeInfo struct {
	v     spm.Volume
	t     spm.ArrayType
	lv    spm.LiveVolume
	held  bool
	inSPE string // the catalog-based entry listing it
}

// volumes returns the catalog volumes that pass keep, by ID.
func (v *view) volumes(keep func(volumeInfo) bool) []volumeInfo {
	spe := map[string]string{}
	for _, e := range v.moe.SPEs {
		if e.Kind == matrixoe.SPECatalog {
			for _, id := range e.VolumeIDs {
				spe[id] = e.ID
			}
		}
	}
	// The arrays' volumes by WWN, once: spm.Live.Volume scans an array's
	// list, and a Large estate has thousands of volumes per array.
	type arrayWWN struct {
		array string
		wwn   addrpool.WWN
	}
	live := map[arrayWWN]spm.LiveVolume{}
	if v.arrays != nil {
		for aid, a := range v.arrays.Arrays {
			for _, lv := range a.Volumes {
				if _, dup := live[arrayWWN{aid, lv.WWN}]; !dup { // the first, as Live.Volume finds it
					live[arrayWWN{aid, lv.WWN}] = lv
				}
			}
		}
	}
	var out []volumeInfo
	for _, id := range sortedKeys(v.catalog.Volumes) {
		vol := v.catalog.Volumes[id]
		lv, held := live[arrayWWN{vol.ArrayID, vol.WWN}]
		vi := volumeInfo{v: vol, t: v.catalog.Arrays[vol.ArrayID].Type, lv: lv, held: held, inSPE: spe[id]}
		if keep == nil || keep(vi) {
			out = append(out, vi)
		}
	}
	return out
}

// presentations returns the live presentations of a catalog volume.
func (v *view) presentations(vol spm.Volume) []spm.LivePresentation {
	var out []spm.LivePresentation
	for _, p := range v.arrays.Arrays[vol.ArrayID].Presentations {
		if p.VolumeWWN == vol.WWN {
			out = append(out, p)
		}
	}
	return out
}

// fresh returns prefix+n for the smallest n from 1 that taken refuses.
func fresh(prefix string, taken func(string) bool) string {
	for n := 1; ; n++ {
		if s := fmt.Sprintf("%s%d", prefix, n); !taken(s) {
			return s
		}
	}
}

// profileNameTaken reports a profile name in use on a domain, live or in
// the VCEM database.
func (v *view) profileNameTaken(domainID string) func(string) bool {
	return func(name string) bool {
		if d, ok := v.domain(domainID); ok && slices.ContainsFunc(d.Profiles, func(p vcem.Profile) bool { return p.Name == name }) {
			return true
		}
		_, ok := v.db.Profiles[vcemtest.ProfileID(domainID, name)]
		return ok
	}
}

func (v *view) serverTaken(id string) bool {
	_, ok := v.moe.LogicalServers[id]
	return ok
}

// freeBays are a domain's bays no profile holds.
func freeBays(d vcemtest.LiveDomainData) []string {
	used := map[string]bool{}
	for _, p := range d.Profiles {
		used[p.Bay] = true
	}
	var out []string
	for _, enc := range d.Domain.Enclosures {
		for slot := 1; slot <= slotsPerEnclosure; slot++ {
			if b := fmt.Sprintf("%s:%d", enc, slot); !used[b] {
				out = append(out, b)
			}
		}
	}
	return out
}

// freeModuleBays are the interconnect bays of an enclosure with no module.
func freeModuleBays(d vcemtest.LiveDomainData, enc string) []int {
	var out []int
	for bay := 1; bay <= 8; bay++ {
		if !slices.ContainsFunc(d.Domain.Modules, func(m vcem.Module) bool { return m.Enclosure == enc && m.Bay == bay }) {
			out = append(out, bay)
		}
	}
	return out
}

// foreignInitiator is the n-th HBA of a host outside Matrix OE.
func foreignInitiator(n int) addrpool.WWN { return foreignInitBase + addrpool.WWN(n) }

// liveServiceNames are the services the live IO holds.
func (v *view) liveServiceNames() map[string]bool {
	out := map[string]bool{}
	for _, n := range v.moeLive.Services {
		out[n] = true
	}
	return out
}

func isAuto(vol spm.Volume) bool { return strings.HasPrefix(vol.Name, spm.OfflineVolumePrefix) }
