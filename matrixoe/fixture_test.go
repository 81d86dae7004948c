package matrixoe

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Builders for test snapshots. They keep the two-way LS <-> SPE links
// consistent so that every fixture passes Validate.

func wwn(t testing.TB, s string) addrpool.WWN {
	t.Helper()
	w, err := addrpool.ParseWWN(s)
	require.NoError(t, err)
	return w
}

func addr(t testing.TB, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	require.NoError(t, err)
	return a
}

type msBuilder struct{ s *Snapshot }

func newMS() *msBuilder { return &msBuilder{s: NewSnapshot()} }

func (b *msBuilder) vc(id, profile string, activated bool, spes ...string) *msBuilder {
	b.s.LogicalServers[id] = LogicalServer{ID: id, Name: id + "_VC", Kind: LSPhysicalVC, Activated: activated, ProfileID: profile, SPEIDs: spes, Managed: true}
	for _, spe := range spes {
		e := b.s.SPEs[spe]
		e.LogicalServerID = id
		b.s.SPEs[spe] = e
	}
	return b
}

func (b *msBuilder) vm(id, vmID string, p PowerState) *msBuilder {
	b.s.LogicalServers[id] = LogicalServer{ID: id, Name: id + "_VM", Kind: LSVirtual, Activated: true, VMID: vmID, Power: p, Managed: true}
	return b
}

func (b *msBuilder) edit(id string, f func(*LogicalServer)) *msBuilder {
	ls := b.s.LogicalServers[id]
	f(&ls)
	b.s.LogicalServers[id] = ls
	return b
}

// spe must be called before the owning vc(...).
func (b *msBuilder) spe(id string, kind SPEKind, vols []string, wwpns ...addrpool.WWN) *msBuilder {
	b.s.SPEs[id] = StoragePoolEntry{ID: id, Name: id, Kind: kind, VolumeIDs: vols, WWPNs: wwpns}
	return b
}

func (b *msBuilder) inoperableSPE(id string) *msBuilder {
	e := b.s.SPEs[id]
	e.Inoperable = true
	b.s.SPEs[id] = e
	return b
}

func (b *msBuilder) service(id, name string, ls ...string) *msBuilder {
	b.s.Services[id] = Service{ID: id, Name: name, LogicalServerIDs: ls}
	return b
}

func (b *msBuilder) request(id, svc string, st RequestState) *msBuilder {
	b.s.Requests[id] = Request{ID: id, Name: "req " + id, ServiceID: svc, State: st}
	return b
}

func (b *msBuilder) ip(a netip.Addr, svc string) *msBuilder {
	b.s.IPs[a] = IPAllocation{Address: a, Network: "net1", Allocated: svc != "", ServiceID: svc}
	return b
}

func (b *msBuilder) rg(name, set string, ls ...string) *msBuilder {
	b.s.RecoveryGroups[name] = RecoveryGroup{Name: name, Set: set, ProtectedLS: ls, Enabled: true}
	return b
}

func (b *msBuilder) srg(rg string, srgs ...string) *msBuilder {
	g := b.s.RecoveryGroups[rg]
	g.ReplicationGroups = srgs
	b.s.RecoveryGroups[rg] = g
	return b
}

func (b *msBuilder) build(t testing.TB) *Snapshot {
	t.Helper()
	require.NoError(t, b.s.Validate())
	return b.s
}

// vcemProfiles builds a predicted VCEM snapshot with the given profiles;
// a profile ID prefixed "+" is assigned to a bay, otherwise unassigned.
func vcemProfiles(ids ...string) *vcem.Snapshot {
	vs := &vcem.Snapshot{Profiles: map[string]vcem.Profile{}}
	for _, id := range ids {
		bay := ""
		if id[0] == '+' {
			id, bay = id[1:], "enc1:1"
		}
		vs.Profiles[id] = vcem.Profile{ID: id, Name: id, DomainID: "D1", Bay: bay}
	}
	return vs
}

type spmBuilder struct{ s *spm.Snapshot }

func newSPM() *spmBuilder {
	return &spmBuilder{s: &spm.Snapshot{CatalogID: "cat1", Arrays: map[string]spm.Array{"A1": {ID: "A1", Name: "array1", Type: spm.Array3PAR}},
		Volumes: map[string]spm.Volume{}, Services: map[string]spm.Service{}, Templates: map[string]spm.Template{}}}
}

func (b *spmBuilder) vol(id, svc string, presentedTo ...addrpool.WWN) *spmBuilder {
	b.s.Volumes[id] = spm.Volume{ID: id, ArrayID: "A1", Name: id, ServiceID: svc}
	for i, w := range presentedTo {
		b.s.Presentations = append(b.s.Presentations, spm.Presentation{VolumeID: id, Initiator: w, Host: "LSM_host", LUN: i})
	}
	return b
}

func (b *spmBuilder) svc(id string, conformant bool) *spmBuilder {
	b.s.Services[id] = spm.Service{ID: id, Name: id, Conformant: conformant}
	return b
}

func codes(fs []Finding) []Code {
	var out []Code
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func export(groups ...RecoveryGroup) *RMExport {
	return &RMExport{Format: RMExportFormat, Version: RMExportVersion, RecoveryGroups: groups}
}

// world is a small valid snapshot every change test starts from.
func world(t *testing.T) *Snapshot {
	w1 := wwn(t, "50:01:43:80:02:a3:00:01")
	return newMS().
		spe("SPE1", SPECatalog, []string{"V1", "V2"}, w1).spe("SPEc", SPECarved, []string{"lun-1"}).
		vc("LS1", "P1", true, "SPE1").vm("VM1", "vm-1", PowerOff).
		service("S1", "web", "LS1", "VM1").
		request("R1", "S1", RequestInProgress).request("R2", "S1", RequestCompleted).
		ip(addr(t, "10.0.0.1"), "S1").ip(addr(t, "10.0.0.2"), "").
		rg("RG1", "SET-A", "LS1", "VM1").
		build(t)
}

func allChanges(t testing.TB) []Change {
	return []Change{
		SetLSDeactivated{LogicalServerID: "LS1"},
		DropLS{LogicalServerID: "LS1"},
		SetPowerState{LogicalServerID: "VM1", Power: PowerOn},
		AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"},
		RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"},
		DeleteVolumeFromSPM{VolumeID: "V2"},
		TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestCancelled},
		RemoveServiceDefinition{ServiceID: "S1", Name: "web"},
		MarkIPAllocated{Address: addr(t, "10.0.0.2"), Owner: "svc"},
		ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}, ReplicationGroups: []string{"SRG"}, Enabled: true})},
		UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS1"}},
	}
}

// estate is one restored state with post-backup activity touching every
// phase, modelled on HP's sample run (tables 15 and 16).
type estate struct {
	ms                *Snapshot
	vs                *vcem.Snapshot
	spmRestored, spmC *spm.Snapshot
	vm                map[string]PowerState
	ips               map[netip.Addr]string
	servicesFile      string
	export            *RMExport
}

func sampleEstate(t *testing.T) estate {
	w1, w2, w3, w4, w5, w7 := wwn(t, "50:01:43:80:02:a3:00:01"), wwn(t, "50:01:43:80:02:a3:00:02"), wwn(t, "50:01:43:80:02:a3:00:03"),
		wwn(t, "50:01:43:80:02:a3:00:04"), wwn(t, "50:01:43:80:02:a3:00:05"), wwn(t, "50:01:43:80:02:a3:00:07")
	a1, a2, a3 := addr(t, "10.0.0.1"), addr(t, "10.0.0.2"), addr(t, "10.0.0.3")
	ms := newMS().
		spe("SPE1", SPECatalog, []string{"Volume1"}, w1).
		spe("SPE3", SPECatalog, []string{"Volume3"}, w3).inoperableSPE("SPE3").
		spe("SPE5", SPECatalog, []string{"Volume5"}, w5).
		spe("SPE7", SPECatalog, []string{"Volume7"}, w7).
		vc("LS1", "P1", true, "SPE1"). // deactivated after backup
		vc("LS2", "P2", true, "SPE7"). // S2 deleted after backup, profile deleted by VCEM phase 1
		vc("LS3", "P3", true, "SPE3"). // inoperable
		vc("LS5", "P5", true, "SPE5"). // untouched
		vm("VM1", "vm-1", PowerOff).   // activated (resumed) after backup
		vm("VM2", "vm-2", PowerOn).    // deactivated (suspended) after backup
		service("S1", "web", "LS1", "VM1").service("S2", "old", "LS2").service("S5", "keep", "LS5", "VM2").
		request("R1", "S1", RequestInProgress).request("R2", "", RequestScheduled).
		request("R3", "S5", RequestCompleted).request("R4", "S2", RequestPendingApproval).
		ip(a1, "S1").ip(a2, "").ip(a3, "S2").
		rg("RG1", "SET-A", "LS1", "LS2").rg("RG5", "SET-A", "LS5").
		build(t)
	ms.SPEs["SPE7"] = func() StoragePoolEntry { e := ms.SPEs["SPE7"]; e.ServiceID = "S2"; return e }()
	require.NoError(t, ms.Validate())

	restored := newSPM().vol("Volume1", "svc1", w1).vol("Volume3", "svc3", w3).vol("Volume4", "").
		vol("Volume5", "svc5", w5).vol("Volume7", "svc7", w7).vol("Volume8", "").vol("Spare", "").s
	current := newSPM().svc("svc1", true).svc("svc3", true).svc("svc5", true).svc("svc7", false).
		vol("Volume1", "svc1", w1).vol("Volume3", "svc3", w3).vol("Volume4", "", w4).vol("Volume5", "svc5", w5).
		vol("Volume7", "svc7").vol("Volume8", "", w1).vol("Spare", "").vol("Volume2", "", w2).s

	return estate{
		ms: ms, vs: vcemProfiles("P1", "+P3", "+P5"), spmRestored: restored, spmC: current,
		vm:           map[string]PowerState{"vm-1": PowerOn, "vm-2": PowerOff},
		ips:          map[netip.Addr]string{a1: "web", a2: "new-service"},
		servicesFile: "keep\r\n* old\r\nweb\r\n",
		export: export( // RM still protects LS2: the live RM was not told of its deletion
			RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}, Enabled: true},
			RecoveryGroup{Name: "RG5", Set: "SET-A", ProtectedLS: []string{"LS5"}, Enabled: true},
			RecoveryGroup{Name: "RG9", Set: "SET-B", ProtectedLS: []string{"VM1"}, Enabled: true}),
	}
}

// phase analyses one phase on the predicted state.
type phase struct {
	name    string
	analyze func(t *testing.T, ms *Snapshot, e estate) []Finding
	want    []Code
}

func phases() []phase {
	return []phase{
		{"storage 2", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeLSRefresh(ms, e.vs, e.vm)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeLSDeactivated, CodeLSProfileGone, CodeLSInoperable, CodeLSPowerChanged, CodeLSPowerChanged}},
		{"storage 3", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeLSMAnalyzer(ms, e.spmRestored, e.spmC)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeVolumeNewInUse, CodeVolumePresentedNoSPE, CodeVolumeServiceDeleted, CodeVolumeWWNReused}},
		{"IO 1", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeIORequests(ms)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeRequestUnfinished, CodeRequestUnfinished, CodeRequestUnfinished}},
		{"IO 2", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			f, err := ParseServicesFile([]byte(e.servicesFile), e.ms)
			require.NoError(t, err)
			fs, err := AnalyzeIOServices(ms, f, e.vm)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeServiceDeleted}},
		{"IO 3", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeIOIPs(ms, e.ips)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeIPAllocatedLive}},
		{"RM 1", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeRM(ms, e.export)
			require.NoError(t, err)
			checkFindings(t, fs)
			return fs
		}, []Code{CodeRMExportApply, CodeRMGroupDeletedLS}},
	}
}

// randomEstate builds a valid restored Matrix OE snapshot and a random
// post-backup world around it (predicted VCEM, SPM catalogs, VMM, live IO,
// services file marks, RM export), from a seed.
func randomEstate(t *testing.T, seed uint64) estate {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(p float64) bool { return r.Float64() < p }
	wwns := make([]addrpool.WWN, 12)
	for i := range wwns {
		wwns[i] = addrpool.WWN(0x5001438000000000 + uint64(i))
	}
	b := newMS()
	vols := r.Perm(24)
	next := 0
	takeVols := func(n int) []string {
		var out []string
		for range n {
			if next < len(vols) {
				out = append(out, fmt.Sprintf("V%d", vols[next]))
				next++
			}
		}
		return out
	}
	nLS := 2 + r.IntN(8)
	var lsIDs []string
	for i := range nLS {
		id := fmt.Sprintf("LS%d", i)
		lsIDs = append(lsIDs, id)
		if pick(0.3) {
			b.vm(id, fmt.Sprintf("vm-%d", i), []PowerState{PowerOn, PowerOff, PowerUnknown}[r.IntN(3)])
		} else {
			var spes []string
			for j := range r.IntN(3) {
				speID := fmt.Sprintf("SPE%d-%d", i, j)
				kind := SPECatalog
				if pick(0.2) {
					kind = SPECarved
				}
				var ws []addrpool.WWN
				for range r.IntN(3) {
					ws = append(ws, wwns[r.IntN(len(wwns))])
				}
				b.spe(speID, kind, takeVols(r.IntN(3)), ws...)
				if pick(0.2) {
					b.inoperableSPE(speID)
				}
				spes = append(spes, speID)
			}
			b.vc(id, fmt.Sprintf("P%d", i), pick(0.7), spes...)
		}
		if pick(0.1) {
			b.edit(id, func(l *LogicalServer) { l.Inoperable = true })
		}
		if pick(0.1) {
			b.edit(id, func(l *LogicalServer) { l.Managed = false })
		}
	}
	// An orphan SPE (its server dropped before the backup's last refresh).
	b.spe("SPE-orphan", SPECatalog, takeVols(1), wwns[r.IntN(len(wwns))])
	var svcNames []string
	for i := range 1 + r.IntN(4) {
		var members []string
		for _, id := range lsIDs {
			if pick(0.3) {
				members = append(members, id)
			}
		}
		name := fmt.Sprintf("svc %d", i)
		svcNames = append(svcNames, name)
		b.service(fmt.Sprintf("S%d", i), name, members...)
	}
	states := []RequestState{RequestScheduled, RequestPendingApproval, RequestInProgress, RequestPaused, RequestCompleted, RequestFailed, RequestCancelled}
	for i := range r.IntN(6) {
		svc := ""
		if pick(0.7) {
			svc = fmt.Sprintf("S%d", r.IntN(len(svcNames)))
		}
		b.request(fmt.Sprintf("R%d", i), svc, states[r.IntN(len(states))])
	}
	var addrs []netip.Addr
	for i := range 8 {
		a := netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)})
		addrs = append(addrs, a)
		svc := ""
		if pick(0.4) {
			svc = fmt.Sprintf("S%d", r.IntN(len(svcNames)))
		}
		b.ip(a, svc)
	}
	sets := []string{"SET-A", "SET-B"}
	srgs := []string{"SRG1", "SRG2", "SRG3"}
	randomGroup := func(name string) RecoveryGroup {
		g := RecoveryGroup{Name: name, Set: sets[r.IntN(2)], Enabled: pick(0.8)}
		for _, id := range append(slices.Clone(lsIDs), "LS-gone") {
			if pick(0.3) {
				g.ProtectedLS = append(g.ProtectedLS, id)
			}
		}
		if pick(0.5) {
			g.ReplicationGroups = []string{srgs[r.IntN(3)]}
		}
		return g
	}
	for i := range r.IntN(3) {
		g := randomGroup(fmt.Sprintf("RG%d", i))
		b.s.RecoveryGroups[g.Name] = g
	}
	ms := b.s
	require.NoError(t, ms.Validate(), "seed %d", seed)

	vs := &vcem.Snapshot{Profiles: map[string]vcem.Profile{}}
	for _, ls := range ms.LogicalServers {
		if ls.Kind == LSPhysicalVC && pick(0.8) {
			p := vcem.Profile{ID: ls.ProfileID, Name: ls.ProfileID, DomainID: "D1"}
			if pick(0.6) {
				p.Bay = "enc1:1"
			}
			vs.Profiles[p.ID] = p
		}
	}
	vm := map[string]PowerState{}
	for _, ls := range ms.LogicalServers {
		if ls.Kind == LSVirtual && pick(0.85) {
			vm[ls.VMID] = []PowerState{PowerOn, PowerOff, PowerUnknown}[r.IntN(3)]
		}
	}
	restored, current := newSPM(), newSPM()
	current.svc("svcOK", true).svc("svcBad", false)
	for i := range 24 {
		id := fmt.Sprintf("V%d", i)
		svc := []string{"", "svcOK", "svcBad", "svcGone"}[r.IntN(4)]
		var pres []addrpool.WWN
		for range r.IntN(3) {
			w := wwns[r.IntN(len(wwns))]
			if !slices.Contains(pres, w) {
				pres = append(pres, w)
			}
		}
		if pick(0.7) {
			restored.vol(id, svc)
		}
		if pick(0.9) {
			current.vol(id, svc, pres...)
		}
	}
	var lines []string
	for _, n := range svcNames {
		if pick(0.3) {
			n = "*" + n
		}
		lines = append(lines, n)
	}
	ips := map[netip.Addr]string{}
	for _, a := range addrs {
		if pick(0.5) {
			ips[a] = "live-owner"
		}
	}
	var exp *RMExport
	if pick(0.8) {
		var groups []RecoveryGroup
		for i := range r.IntN(4) {
			groups = append(groups, randomGroup(fmt.Sprintf("RG%d", i)))
		}
		exp = export(groups...)
	}
	return estate{ms: ms, vs: vs, spmRestored: restored.s, spmC: current.s, vm: vm, ips: ips,
		servicesFile: strings.Join(lines, "\r\n"), export: exp}
}

// largeEstate builds the ROADMAP's large preset shape: n VC-based logical
// servers (250 domains × 256 profiles = 64,000), each with one catalog SPE,
// one volume presented to two WWPNs; every 16th profile unassigned, every
// 32nd deleted, every 64th volume's service non-conformant and unpresented.
func largeEstate(b *testing.B, n int) (*Snapshot, *vcem.Snapshot, *spm.Snapshot) {
	ms := NewSnapshot()
	vs := &vcem.Snapshot{Profiles: make(map[string]vcem.Profile, n)}
	cat := &spm.Snapshot{Volumes: make(map[string]spm.Volume, n), Services: make(map[string]spm.Service, n)}
	base, err := addrpool.ParseWWN("50:01:43:80:02:A3:00:00")
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		ls, spe, vol, prof := fmt.Sprintf("LS%d", i), fmt.Sprintf("SPE%d", i), fmt.Sprintf("V%d", i), fmt.Sprintf("P%d", i)
		w1, w2 := base+addrpool.WWN(4*i), base+addrpool.WWN(4*i+2)
		ms.LogicalServers[ls] = LogicalServer{ID: ls, Name: ls, Kind: LSPhysicalVC, Activated: true, ProfileID: prof, SPEIDs: []string{spe}, Managed: true}
		ms.SPEs[spe] = StoragePoolEntry{ID: spe, Kind: SPECatalog, VolumeIDs: []string{vol}, WWPNs: []addrpool.WWN{w1, w2}, LogicalServerID: ls}
		if i%32 != 0 {
			bay := "b"
			if i%16 == 0 {
				bay = ""
			}
			vs.Profiles[prof] = vcem.Profile{ID: prof, Bay: bay}
		}
		svc := "svc" + vol
		cat.Volumes[vol] = spm.Volume{ID: vol, ServiceID: svc}
		cat.Services[svc] = spm.Service{ID: svc, Conformant: i%64 != 0}
		if i%64 != 0 {
			cat.Presentations = append(cat.Presentations, spm.Presentation{VolumeID: vol, Initiator: w1}, spm.Presentation{VolumeID: vol, Initiator: w2})
		}
	}
	if err := ms.Validate(); err != nil {
		b.Fatal(err)
	}
	return ms, vs, cat
}

// checkFindings asserts what every finding of every analysis must hold: a
// listed code, the severity Codes() gives it, the severity rule (info has
// nothing to do, warning has changes or a manual step, error a manual
// step), a message and a subject that renders.
func checkFindings(t testing.TB, fs []Finding) {
	t.Helper()
	infos := map[Code]CodeInfo{}
	for _, ci := range Codes() {
		infos[ci.Code] = ci
	}
	for _, f := range fs {
		ci, ok := infos[f.Code]
		if !assert.True(t, ok, "code %s is not in Codes()", f.Code) {
			continue
		}
		assert.Equal(t, ci.Severity, f.Severity, "%s: severity", f.Code)
		switch f.Severity {
		case SeverityInfo:
			assert.False(t, f.Actionable(), "%s: info with something to do", f.Code)
		case SeverityWarning:
			assert.True(t, f.Actionable(), "%s: warning with nothing to do", f.Code)
		case SeverityError:
			assert.NotEmpty(t, f.Manual, "%s: error without a manual step", f.Code)
		}
		assert.NotEmpty(t, f.Message, f.Code)
		assert.NotPanics(t, func() { _ = f.Subject.String() })
	}
}
