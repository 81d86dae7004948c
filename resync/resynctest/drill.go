package resynctest

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// Drill is a scripted restore drill on a fresh estate:
//
//  1. play Setup — what the backup must capture: requests in flight, an
//     inoperable server;
//  2. take the Backup;
//  3. play History — what happens between the backup and the restore;
//  4. Restore, and analyse with the VC Manager credentials of the domains in
//     Credentials: the findings have exactly the codes in Codes;
//  5. play Operator — the manual steps an activity can script, which mxsync
//     asks for on the restored CMS: mark InfrastructureServices.txt, re-import
//     the volume imported after the backup — and analyse again (with the
//     backup's SPM catalog as the catalog "as restored from backup", as the
//     engine keeps it): the codes are OperatorCodes.
//
// Codes include what every restore yields (VCEM-DOMAIN-MAY-NEED-RESYNC per
// domain; SPM-SIGNATURE-VALID or -NOT-PRESENT per volume and
// SPM-MANUAL-REENTRY, as SPM quarantines every volume on Internal
// Recovery).
type Drill struct {
	Name          string     `json:"name"`
	Setup         []Activity `json:"setup"`
	History       []Activity `json:"history"`
	Operator      []Activity `json:"operator,omitempty"`
	Credentials   []string   `json:"credentials,omitempty"`
	Codes         []string   `json:"codes"`
	OperatorCodes []string   `json:"operatorCodes,omitempty"`
}

// The drill names Drills returns.
const (
	DrillMain             = "main"
	DrillRMExportMissing  = "rm-export-missing"
	DrillRMExportConflict = "rm-export-conflict"
)

// quietCodes are what a restore yields with no activity at all.
func quietCodes() []string {
	return []string{
		string(vcem.CodeDomainMayNeedResync),
		string(spm.CodeSignatureValid), string(spm.CodeSignatureNotPresent), string(spm.CodeManualReentry),
	}
}

// DrillHistory returns the main restore drill for e (see Drills).
func DrillHistory(e *Estate) (Drill, error) {
	ds, err := Drills(e)
	if err != nil {
		return Drill{}, err
	}
	return ds[0], nil
}

// Drills returns the restore drills for e, which must be fresh (as New or
// a preset built it): each drill is played on an estate of its own built
// from the same model. Together they produce every finding code of vcem,
// spm and matrixoe (their Codes()):
//
//   - DrillMain: every code that can show in one analysis, and
//     IO-SERVICE-DELETED and LSM-VOL-NOT-IN-RESTORED-CATALOG after the
//     operator's steps;
//   - DrillRMExportMissing and DrillRMExportConflict: RM phase 1's two codes
//     that exclude the others (with no export there is nothing to compare;
//     RM imports an export all or nothing, so a conflict stops the
//     comparison).
//
// The activities name e's objects, picked for what each must show; a model
// without such an object (no FCoE, no VM servers, …) is an error naming it.
// Small has every one.
func Drills(e *Estate) ([]Drill, error) {
	if e == nil {
		return nil, errors.New("resynctest: drills: nil estate")
	}
	p := &picker{v: e.view(), used: map[string]bool{}}
	main, err := p.main()
	if err != nil {
		return nil, fmt.Errorf("resynctest: drills: %w", err)
	}
	rms, err := p.rmVariants()
	if err != nil {
		return nil, fmt.Errorf("resynctest: drills: %w", err)
	}
	return append([]Drill{main}, rms...), nil
}

// picker chooses the drill's objects, each once.
type picker struct {
	v    *view
	used map[string]bool // volumes, servers, services, domains taken by a step
	errs []error
}

func (p *picker) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

func (p *picker) take(keys ...string) {
	for _, k := range keys {
		p.used[k] = true
	}
}

// server picks the first VC-based server passing keep whose server, profile
// domain and volume no step took.
func (p *picker) server(what string, keep func(matrixoe.LogicalServer, vcem.Profile) bool) (matrixoe.LogicalServer, vcem.Profile) {
	for _, ls := range p.v.servers(matrixoe.LSPhysicalVC, nil) {
		prof, ok := p.v.liveProfileOf(ls)
		if !ok || p.used["ls:"+ls.ID] || p.used["domain:"+prof.DomainID] || !keep(ls, prof) {
			continue
		}
		p.take("ls:" + ls.ID)
		return ls, prof
	}
	p.fail("no VC-based logical server %s", what)
	return matrixoe.LogicalServer{}, vcem.Profile{}
}

// volume picks the first catalog volume passing keep that no step took,
// on an array no step took; with plain set, volumes on arrays without
// signatures (XP) come first, to leave the signed ones to the steps that
// need a signature.
func (p *picker) volume(what string, plain bool, keep func(volumeInfo) bool) spm.Volume {
	cands := p.v.volumes(keep)
	if plain {
		slices.SortStableFunc(cands, func(a, b volumeInfo) int {
			return cmpBool(a.t.SupportsSignatures(), b.t.SupportsSignatures())
		})
	}
	for _, vi := range cands {
		if vi.held && !p.used["volume:"+vi.v.ID] && !p.used["array:"+vi.v.ArrayID] {
			p.take("volume:" + vi.v.ID)
			return vi.v
		}
	}
	p.fail("no catalog volume %s", what)
	return spm.Volume{}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// speOf returns a VC-based server's catalog-based entry and its volume.
func (p *picker) speOf(ls matrixoe.LogicalServer) (matrixoe.StoragePoolEntry, string) {
	for _, id := range ls.SPEIDs {
		if e := p.v.moe.SPEs[id]; e.Kind == matrixoe.SPECatalog && len(e.VolumeIDs) == 1 && len(e.WWPNs) > 0 {
			return e, e.VolumeIDs[0]
		}
	}
	return matrixoe.StoragePoolEntry{}, ""
}

func (p *picker) main() (Drill, error) {
	v := p.v
	d := Drill{Name: DrillMain}
	managed := v.managedDomains()
	if len(managed) < 3 {
		return d, fmt.Errorf("the main drill needs 3 managed domains, the estate has %d", len(managed))
	}
	ungrouped := v.ungrouped()
	if len(ungrouped) == 0 || len(v.db.Groups) == 0 {
		return d, errors.New("the main drill needs a domain in no group and a group")
	}
	d1, d2, d3 := managed[0], managed[1], managed[2]
	owned := v.owned()
	groups := v.inGroups()

	// The array evicted, and the services deleted, come first: later picks
	// avoid them.
	evicted := p.evictable()
	p.take("array:" + evicted.ID)
	vmOnly, vcService := "", ""
	for _, id := range sortedKeys(v.moe.Services) {
		sv := v.moe.Services[id]
		kinds := map[matrixoe.LSKind]int{}
		for _, ls := range sv.LogicalServerIDs {
			kinds[v.moe.LogicalServers[ls].Kind]++
		}
		switch {
		case kinds[matrixoe.LSVirtual] > 0 && kinds[matrixoe.LSPhysicalVC] == 0:
			// The smallest, to leave VM-based servers to the other steps.
			if vmOnly == "" || len(sv.LogicalServerIDs) < len(v.moe.Services[vmOnly].LogicalServerIDs) {
				vmOnly = id
			}
		case kinds[matrixoe.LSPhysicalVC] > 0 && kinds[matrixoe.LSVirtual] == 0 && vcService == "" && id != sortedKeys(v.moe.Services)[0]:
			vcService = id
		}
	}
	if vmOnly == "" || vcService == "" {
		return d, errors.New("the main drill needs an IO service of VM-based servers only and one of VC-based servers only")
	}
	p.take("service:"+vmOnly, "service:"+vcService)
	for _, id := range append(slices.Clone(v.moe.Services[vmOnly].LogicalServerIDs), v.moe.Services[vcService].LogicalServerIDs...) {
		p.take("ls:" + id)
		if _, vol := p.speOf(v.moe.LogicalServers[id]); vol != "" {
			p.take("volume:" + vol)
		}
	}
	p.take("domain:" + d3.Domain.ID) // removed from its group: its servers stay out of the other steps
	services := sortedKeys(v.moe.Services)
	firstService := services[0]

	// Setup: in flight at backup, inoperable at backup.
	req1 := fresh("R-drill", func(s string) bool { _, ok := v.moe.Requests[s]; return ok })
	req2 := fresh("R-drill", func(s string) bool { _, ok := v.moe.Requests[s]; return ok || s == req1 })
	inoperable, _ := p.server("for server-inoperable", func(matrixoe.LogicalServer, vcem.Profile) bool { return true })
	d.Setup = []Activity{
		{Kind: KindScheduleRequest, Request: req1, Name: "add servers to " + v.moe.Services[firstService].Name, Service: firstService},
		{Kind: KindScheduleRequest, Request: req2, Name: "modify " + v.moe.Services[firstService].Name, Service: firstService},
		{Kind: KindStartRequest, Request: req2},
		{Kind: KindServerInoperable, Server: inoperable.ID},
	}

	// VCEM.
	h := []Activity{{Kind: KindCreateProfile, Domain: d1.Domain.ID, Profile: fresh("drill", v.profileNameTaken(d1.Domain.ID)), Ethernet: 1, FC: 1}}
	reused, reusedProf := p.server("in a recovery group, with FC", func(ls matrixoe.LogicalServer, prof vcem.Profile) bool {
		return groups[ls.ID] && len(prof.FC) > 0
	})
	macs := 0
	for _, c := range reusedProf.Ethernet {
		if c.AddressType == vcem.AddressVCEMPool {
			macs++
		}
	}
	h = append(h,
		Activity{Kind: KindDeleteVCServer, Server: reused.ID},
		Activity{Kind: KindCreateProfile, Domain: reusedProf.DomainID, Profile: fresh("reuse", v.profileNameTaken(reusedProf.DomainID)), Ethernet: max(macs, 1), FC: len(reusedProf.FC)},
	)
	var plain, other vcem.Profile
	for _, lp := range d1.Profiles {
		if _, isServer := owned[vcemtest.ProfileID(d1.Domain.ID, lp.Name)]; !isServer && len(lp.Ethernet) > 0 && plain.Name == "" {
			plain = lp
		}
	}
	for _, lp := range d2.Profiles {
		if (lp.Name != reusedProf.Name || reusedProf.DomainID != d2.Domain.ID) && len(lp.Ethernet) > 0 && lp.Ethernet[len(lp.Ethernet)-1].AddressType == vcem.AddressVCEMPool && other.Name == "" {
			other = lp
		}
	}
	if plain.Name == "" || other.Name == "" {
		p.fail("no plain profile on %s or no profile with a VCEM-pool MAC on %s", d1.Domain.ID, d2.Domain.ID)
	}
	h = append(h,
		Activity{Kind: KindUserDefinedAddress, Domain: d1.Domain.ID, Profile: plain.Name, Connection: "ethernet[0]",
			Address: orEmptyMAC(other)},
		Activity{Kind: KindRemoveFromGroup, Domain: d3.Domain.ID},
		Activity{Kind: KindAddToGroup, Domain: ungrouped[0].Domain.ID, Group: sortedKeys(v.db.Groups)[0]},
	)
	enc := d1.Domain.Enclosures[0]
	if bays := freeModuleBays(d1, enc); len(bays) > 0 {
		h = append(h, Activity{Kind: KindAddModule, Domain: d1.Domain.ID, Enclosure: enc, ModuleBay: bays[0], ModuleType: "FlexFabric"})
	} else {
		p.fail("no free interconnect bay in %s", enc)
	}
	_, deactivated := p.server("activated", func(ls matrixoe.LogicalServer, prof vcem.Profile) bool { return ls.Activated && prof.Bay != "" })
	h = append(h, Activity{Kind: KindUnassignProfile, Domain: deactivated.DomainID, Profile: deactivated.Name})
	d.Credentials = []string{ungrouped[0].Domain.ID}

	// Storage.
	signedArray := func(t spm.ArrayType) bool { return t.SupportsSignatures() }
	available := func(vi volumeInfo) bool {
		return vi.inSPE == "" && vi.v.ServiceID == "" && vi.v.OwningCatalog == CatalogID && len(p.v.presentations(vi.v)) == 0
	}
	speVolume := func(keep func(volumeInfo) bool) func(volumeInfo) bool {
		return func(vi volumeInfo) bool {
			return vi.inSPE != "" && vi.v.ServiceID != "" && keep(vi)
		}
	}
	wwpnOf := func(vol spm.Volume) []addrpool.WWN {
		for _, e := range v.moe.SPEs {
			if slices.Contains(e.VolumeIDs, vol.ID) {
				return e.WWPNs
			}
		}
		return nil
	}
	spes := p.catalogSPEs()
	if len(spes) < 3 {
		p.fail("the main drill needs 3 catalog-based storage pool entries no other step uses, the estate has %d", len(spes))
		return d, errors.Join(p.errs...)
	}
	auto := p.volume("SPM_, in an SPE, for OFFLINE-VOLUME", true, speVolume(func(vi volumeInfo) bool { return isAuto(vi.v) }))
	a1 := p.volume("available, for WWN-REUSED", true, available)
	a2 := p.volume("available, for WWN-AMBIGUOUS", true, available)
	a3 := p.volume("available, for PRESENTED-WITHOUT-SPE", true, available)
	a4 := p.volume("available, not SPM_, for VOLUME-MISSING", true, func(vi volumeInfo) bool { return available(vi) && !isAuto(vi.v) })
	h = append(h,
		Activity{Kind: KindPresentVolume, Volume: a1.ID, Initiator: spes[0].WWPNs[0], Host: "LSM_" + spes[0].LogicalServerID, LUN: 2},
		Activity{Kind: KindPresentVolume, Volume: a2.ID, Initiator: spes[1].WWPNs[0], Host: "LSM_" + spes[1].LogicalServerID, LUN: 3},
		Activity{Kind: KindPresentVolume, Volume: a2.ID, Initiator: spes[2].WWPNs[0], Host: "LSM_" + spes[2].LogicalServerID, LUN: 3},
		Activity{Kind: KindPresentVolume, Volume: a3.ID, Initiator: foreignInitiator(1), Host: "backup-server", LUN: 0},
	)
	mismatch := p.volume("in an SPE, for PRESENTATION-MISMATCH", true, speVolume(func(volumeInfo) bool { return true }))
	h = append(h, Activity{Kind: KindPresentVolume, Volume: mismatch.ID, Initiator: foreignInitiator(2), Host: "backup-server", LUN: 4})
	lost := p.volume("in an SPE, for SERVICE-DELETED", true, speVolume(func(volumeInfo) bool { return true }))
	for _, w := range wwpnOf(lost) {
		h = append(h, Activity{Kind: KindUnpresentVolume, Volume: lost.ID, Initiator: w})
	}
	changed := p.volume("in an SPE, for PRESENTATION-CHANGED", true, speVolume(func(volumeInfo) bool { return true }))
	if ps := v.presentations(changed); len(ps) > 0 {
		h = append(h,
			Activity{Kind: KindUnpresentVolume, Volume: changed.ID, Initiator: ps[0].Initiator},
			Activity{Kind: KindPresentVolume, Volume: changed.ID, Initiator: ps[0].Initiator, Host: ps[0].Host, LUN: ps[0].LUN + 6},
		)
	}
	h = append(h, Activity{Kind: KindDeleteVolume, Volume: auto.ID}, Activity{Kind: KindDeleteVolume, Volume: a4.ID})
	var importArray string
	for _, id := range sortedKeys(v.catalog.Arrays) {
		if a := v.catalog.Arrays[id]; a.Type.SupportsSignatures() && !p.used["array:"+id] {
			importArray = id
			break
		}
	}
	imported := fresh("imported-", func(s string) bool { _, ok := v.catalog.Volumes[s]; return ok })
	importWWN := p.nextVolumeWWN()
	h = append(h,
		Activity{Kind: KindImportVolume, Array: importArray, Volume: imported, WWN: importWWN, Name: "Imported after the backup", Size: 32 << 30},
		Activity{Kind: KindPresentVolume, Volume: imported, Initiator: foreignInitiator(3), Host: "backup-server", LUN: 5},
	)
	legacy := p.volume("unsigned, for NOT-PRESENT-CHANGED", false, func(vi volumeInfo) bool { return signedArray(vi.t) && !vi.lv.Signature.Present })
	h = append(h, Activity{Kind: KindResizeVolume, Volume: legacy.ID, Size: legacy.SizeBytes + 8<<30})
	// Signed volumes in no entry serve the steps that need no binding;
	// bound ones (in an entry) the two that do.
	signedVol := func(vi volumeInfo) bool {
		return signedArray(vi.t) && vi.lv.Signature.Present && vi.inSPE == "" && vi.v.OwningCatalog == CatalogID
	}
	bound := speVolume(func(vi volumeInfo) bool { return signedArray(vi.t) && vi.lv.Signature.Present })
	h = append(h,
		Activity{Kind: KindCorruptSignature, Volume: p.volume("signed, for CORRUPT", false, signedVol).ID},
		Activity{Kind: KindRewriteSignature, Volume: p.volume("signed, for UNSUPPORTED-VERSION", false, signedVol).ID, SignatureVersion: 2},
		Activity{Kind: KindRewriteSignature, Volume: p.volume("signed, for OWNING-CATALOG-MISMATCH", false, signedVol).ID, Catalog: "spm-other-cms"},
		Activity{Kind: KindUnbindVolume, Volume: p.volume("bound and signed, for UNEXPECTED-SERVICE-BINDING", false, bound).ID},
	)
	rebound := p.volume("signed, unbound, for SERVICE-MISMATCH", false, signedVol)
	otherService := ""
	if ids := sortedKeys(v.catalog.Services); len(ids) > 0 {
		otherService = ids[0]
	}
	h = append(h,
		Activity{Kind: KindBindVolume, Volume: rebound.ID, StorageService: otherService},
		Activity{Kind: KindSetActivation, Volume: p.volume("bound and signed, for ACTIVATION-LEVEL-MISMATCH", false, bound).ID, Activation: "inactive"},
		Activity{Kind: KindEvictArray, Array: evicted.ID},
	)

	// Matrix OE.
	var suspend Activity
	var deleteVM string
	for _, id := range sortedKeys(v.moe.LogicalServers) {
		ls := v.moe.LogicalServers[id]
		if ls.Kind != matrixoe.LSVirtual || p.used["ls:"+id] {
			continue
		}
		switch {
		case suspend.Kind == "" && v.moeLive.VMs[ls.VMID] == matrixoe.PowerOn:
			suspend = Activity{Kind: KindSuspendVM, VM: ls.VMID}
		case suspend.Kind == "" && v.moeLive.VMs[ls.VMID] == matrixoe.PowerOff:
			suspend = Activity{Kind: KindResumeVM, VM: ls.VMID}
		case deleteVM == "":
			deleteVM = id
		default:
			continue
		}
		p.take("ls:" + id)
	}
	if suspend.Kind == "" || deleteVM == "" {
		p.fail("the main drill needs two VM-based servers outside the VM-only service %s", vmOnly)
	}
	var freeIP matrixoe.IPAllocation
	for _, a := range slices.SortedFunc(maps.Values(v.moe.IPs), func(a, b matrixoe.IPAllocation) int { return a.Address.Compare(b.Address) }) {
		if !a.Allocated {
			freeIP = a
			break
		}
	}
	if !freeIP.Address.IsValid() {
		p.fail("no free address in the IO pool")
	}
	h = append(h,
		suspend,
		Activity{Kind: KindDeleteVMServer, Server: deleteVM},
		Activity{Kind: KindDeleteService, Service: vmOnly},
		Activity{Kind: KindDeleteService, Service: vcService},
		Activity{Kind: KindAllocateIP, IP: freeIP.Address, Service: firstService},
	)
	var protect []string
	for _, ls := range v.servers(matrixoe.LSPhysicalVC, func(ls matrixoe.LogicalServer) bool { return !p.used["ls:"+ls.ID] && !groups[ls.ID] }) {
		if len(protect) < 2 {
			protect = append(protect, ls.ID)
		}
	}
	var dropGroup string
	for _, name := range sortedKeys(v.moe.RecoveryGroups) {
		if !slices.Contains(v.moe.RecoveryGroups[name].ProtectedLS, reused.ID) {
			dropGroup = name
			break
		}
	}
	if dropGroup == "" {
		p.fail("no recovery group to delete")
	}
	h = append(h,
		Activity{Kind: KindSetRecoveryGroup, RecoveryGroup: fresh("RG-drill-", func(s string) bool { _, ok := v.moe.RecoveryGroups[s]; return ok }),
			Set: "SET-A", Servers: protect, ReplicationGroups: []string{"SRG-drill"}},
		Activity{Kind: KindDeleteRecoveryGroup, RecoveryGroup: dropGroup},
	)
	d.History = h
	d.Operator = []Activity{
		{Kind: KindMarkServicesFile, Services: []string{v.moe.Services[vcService].Name}},
		{Kind: KindImportVolume, Array: importArray, Volume: imported, WWN: importWWN},
	}
	if err := errors.Join(p.errs...); err != nil {
		return d, err
	}
	d.Codes = sortedCodes(append(quietCodes(),
		string(vcem.CodeAddrAllocatedAfterBackup), string(vcem.CodeAddrReassigned), string(vcem.CodeAddrConflict),
		string(vcem.CodeDomainInaccessible), string(vcem.CodeDomainGroupChanged), string(vcem.CodeModulesChanged),
		string(spm.CodePresentedAfterBackup), string(spm.CodeUnpresentedAfterBackup), string(spm.CodePresentationChanged),
		string(spm.CodeSignatureUnsupportedVersion), string(spm.CodeSignatureCorrupt), string(spm.CodeSignatureNotPresentChanged),
		string(spm.CodeSignatureOwningCatalogMismatch), string(spm.CodeSignatureUnexpectedServiceBinding),
		string(spm.CodeSignatureActivationLevelMismatch), string(spm.CodeSignatureServiceMismatch),
		string(spm.CodeOfflineVolume), string(spm.CodeVolumeMissing), string(spm.CodeVolumeNotInCatalog), string(spm.CodeArrayUnreachable),
		string(matrixoe.CodeLSProfileGone), string(matrixoe.CodeLSDeactivated), string(matrixoe.CodeLSPowerChanged),
		string(matrixoe.CodeLSVMMissing), string(matrixoe.CodeLSInoperable),
		string(matrixoe.CodeVolumePresentedNoSPE), string(matrixoe.CodeVolumeWWNReused), string(matrixoe.CodeVolumeWWNAmbiguous),
		string(matrixoe.CodeVolumeServiceDeleted), string(matrixoe.CodePresentationMismatch), string(matrixoe.CodeSPEVolumeNotInCatalog),
		string(matrixoe.CodeRequestUnfinished), string(matrixoe.CodeServiceProbablyDeleted), string(matrixoe.CodeIPAllocatedLive),
		string(matrixoe.CodeRMExportApply), string(matrixoe.CodeRMGroupNotInExport), string(matrixoe.CodeRMGroupDeletedLS),
	))
	d.OperatorCodes = sortedCodes(append(slices.DeleteFunc(slices.Clone(d.Codes), func(c string) bool { return c == string(spm.CodeVolumeNotInCatalog) }),
		string(matrixoe.CodeServiceDeleted), string(matrixoe.CodeVolumeNewInUse)))
	return d, nil
}

// catalogSPEs are the catalog-based entries of servers no step took, with
// their one volume and WWPNs, by ID.
func (p *picker) catalogSPEs() []matrixoe.StoragePoolEntry {
	var out []matrixoe.StoragePoolEntry
	for _, id := range sortedKeys(p.v.moe.SPEs) {
		e := p.v.moe.SPEs[id]
		if e.Kind != matrixoe.SPECatalog || len(e.WWPNs) == 0 || p.used["ls:"+e.LogicalServerID] || len(out) == 3 {
			continue
		}
		ls, ok := p.v.moe.LogicalServers[e.LogicalServerID]
		if !ok {
			continue
		}
		if prof, ok := p.v.liveProfileOf(ls); !ok || p.used["domain:"+prof.DomainID] || len(e.VolumeIDs) != 1 ||
			p.used["volume:"+e.VolumeIDs[0]] || isAuto(p.v.catalog.Volumes[e.VolumeIDs[0]]) {
			continue
		}
		p.take("ls:"+e.LogicalServerID, "volume:"+e.VolumeIDs[0])
		out = append(out, e)
	}
	return out
}

func (p *picker) nextVolumeWWN() addrpool.WWN {
	next := volumeWWNBase
	for _, vol := range p.v.catalog.Volumes {
		if vol.WWN >= next {
			next = vol.WWN + 1
		}
	}
	return next + 0x100
}

func (p *picker) rmVariants() ([]Drill, error) {
	v := p.v
	groups := sortedKeys(v.moe.RecoveryGroups)
	if len(groups) == 0 {
		return nil, errors.New("the RM drills need a recovery group")
	}
	first := v.moe.RecoveryGroups[groups[0]]
	otherSet := "SET-B"
	if first.Set == otherSet {
		otherSet = "SET-A"
	}
	missing := Drill{
		Name:    DrillRMExportMissing,
		History: []Activity{{Kind: KindDropRMExport}},
		Codes:   sortedCodes(append(quietCodes(), string(matrixoe.CodeRMExportMissing))),
	}
	conflict := Drill{
		Name: DrillRMExportConflict,
		History: []Activity{{Kind: KindSetRecoveryGroup, RecoveryGroup: first.Name, Set: otherSet,
			Servers: first.ProtectedLS, ReplicationGroups: first.ReplicationGroups, Disabled: !first.Enabled}},
		Codes: sortedCodes(append(quietCodes(), string(matrixoe.CodeRMExportConflict))),
	}
	return []Drill{missing, conflict}, nil
}

func sortedCodes(cs []string) []string {
	slices.Sort(cs)
	return slices.Compact(cs)
}

func orEmptyMAC(p vcem.Profile) string {
	if len(p.Ethernet) == 0 {
		return ""
	}
	return p.Ethernet[len(p.Ethernet)-1].MAC.String()
}

// evictable is the array the drill evicts: the last of a family that has
// another array, so that every family stays (else the last array).
func (p *picker) evictable() spm.Array {
	ids := sortedKeys(p.v.catalog.Arrays)
	families := map[spm.ArrayType]int{}
	for _, id := range ids {
		families[p.v.catalog.Arrays[id].Type]++
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if a := p.v.catalog.Arrays[ids[i]]; families[a.Type] > 1 {
			return a
		}
	}
	return p.v.catalog.Arrays[ids[len(ids)-1]]
}
