package resynctest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The estate's fixed identities and address plans. The VCEM ranges start
// at HP's VCEM-defined blocks; factory-default and user-defined addresses
// lie outside them.
const (
	// CatalogID is the estate's SPM catalog (the owning catalog its
	// signatures name).
	CatalogID = "spm-cms1"
	// RecoveryModeNormal is the RecoveryMode value the estate's SPM runs
	// with. HP does not publish SPM's normal value (spm's assumptions.go);
	// this is the estate's stand-in, put back by Restore like any value.
	RecoveryModeNormal = "Normal"

	macBase         = addrpool.MAC(0x0017A4770000) // 00-17-A4-77-00-00
	wwnBase         = addrpool.WWN(0x5001438002A00000)
	factoryMACBase  = addrpool.MAC(0x001B78000000) // 00-1B-78-00-00-00
	factoryWWNBase  = addrpool.WWN(0x50060B0000000000)
	userMACBase     = addrpool.MAC(0x020017000000) // locally administered
	volumeWWNBase   = addrpool.WWN(0x60002AC000000000)
	foreignInitBase = addrpool.WWN(0x10000000C9000000) // HBAs of hosts outside Matrix OE
)

// ioPool is the IO IP pool's network.
func ioPool() netip.Prefix { return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 20, 0, 0}), 16) }

// gen builds an estate's state from a model.
type gen struct {
	m   Model
	rng *rand.Rand
	st  *state

	macNext, wwnNext         uint64 // next VCEM-pool offsets
	factoryMAC, factoryWWN   uint64
	userMAC                  uint64
	volumeNext               uint64
	arrays                   []spm.Array
	vcServers                []string // VC-based logical server IDs, in order
	vmServers                []string
	profileOf                map[string]vcem.Profile // by logical server
	unsigned                 map[addrpool.WWN]bool   // volumes whose array holds no signature
	domainWidth, profileWide int
}

func generate(m Model) (*state, error) {
	g := &gen{
		m:   m,
		rng: rand.New(rand.NewPCG(m.Seed, 0x6d7873796e63)), // "mxsync"
		st:  &state{},

		domainWidth: width(max(m.Domains, m.UngroupedDomains)),
		profileWide: width(m.Profiles),
		profileOf:   map[string]vcem.Profile{},
		unsigned:    map[addrpool.WWN]bool{},
	}
	if err := g.vcem(); err != nil {
		return nil, err
	}
	if err := g.storage(); err != nil {
		return nil, err
	}
	if err := g.matrixoe(); err != nil {
		return nil, err
	}
	g.cms()
	return g.st, nil
}

func width(n int) int { return len(strconv.Itoa(max(n, 1))) }

func pad(prefix string, n, w int) string { return fmt.Sprintf("%s%0*d", prefix, w, n) }

// poolSize is a range large enough for n addresses and what activities
// allocate after, in whole 4,096-address pages.
func poolSize(n int) uint64 {
	size := uint64(2*n + 4096)
	return (size + 4095) &^ 4095
}

// connections counts one profile's VCEM-pool MACs and WWNs.
func (g *gen) connections(i int) (macs, wwns int) {
	m := g.m
	macs, wwns = m.Ethernet, 2*m.FC
	if every(m.ISCSIEvery, i) {
		macs++
	}
	if every(m.FCoEEvery, i) {
		macs++
		wwns += 2
	}
	return macs, wwns
}

// every reports whether the i-th (from 1) thing is an n-th one.
func every(n, i int) bool { return n > 0 && i%n == 0 }

func (g *gen) vcem() error {
	m := g.m
	totalMAC, totalWWN := 0, 0
	for i := 1; i <= m.Profiles; i++ {
		a, b := g.connections(i)
		totalMAC += a
		totalWWN += b
	}
	totalMAC *= m.Domains
	totalWWN *= m.Domains
	macRange, err := addrpool.NewRange(macBase, macBase+addrpool.MAC(poolSize(totalMAC)-1))
	if err != nil {
		return err
	}
	wwnRange, err := addrpool.NewRange(wwnBase, wwnBase+addrpool.WWN(poolSize(totalWWN)-1))
	if err != nil {
		return err
	}
	// The last 16 addresses of each range are excluded (kept for the lab),
	// the 16 before them External (in use outside VCEM at backup time).
	macExcl := addrpool.MustRange(macRange.Last-15, macRange.Last)
	wwnExcl := addrpool.MustRange(wwnRange.Last-15, wwnRange.Last)
	s, err := vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{macRange}, []addrpool.Range[addrpool.MAC]{macExcl},
		[]addrpool.Range[addrpool.WWN]{wwnRange}, []addrpool.Range[addrpool.WWN]{wwnExcl})
	if err != nil {
		return err
	}
	if err := s.MACs.MarkExternalRange(addrpool.MustRange(macExcl.First-16, macExcl.First-1)); err != nil {
		return err
	}
	if err := s.WWNs.MarkExternalRange(addrpool.MustRange(wwnExcl.First-16, wwnExcl.First-1)); err != nil {
		return err
	}
	for i := 1; i <= m.Groups; i++ {
		id := "g" + strconv.Itoa(i)
		s.Groups[id] = vcem.DomainGroup{ID: id, Name: "Domain group " + strconv.Itoa(i)}
	}
	g.st.vcemDB = s
	s.Profiles = make(map[string]vcem.Profile, m.Domains*m.Profiles)
	for di := 1; di <= m.Domains; di++ {
		id := pad("d", di, g.domainWidth)
		d := g.domain(id, "g"+strconv.Itoa((di-1)%m.Groups+1))
		s.Domains[id] = d
		ld := vcemtest.LiveDomainData{Domain: cloneDomain(d), Managed: true, Reachable: true, Login: g.login()}
		ld.Profiles = make([]vcem.Profile, 0, m.Profiles)
		for _, p := range g.profiles(d, true) {
			p.ID = vcemtest.ProfileID(id, p.Name)
			if err := allocate(s, p); err != nil {
				return fmt.Errorf("resynctest: model: profile %s: %w", p.ID, err)
			}
			s.Profiles[p.ID] = p
			lp := p.Clone() // the fakes adopt the state (see build): nothing is shared
			lp.ID = ""
			ld.Profiles = append(ld.Profiles, lp)
		}
		g.st.domains = append(g.st.domains, ld)
		g.st.manager.Domains = append(g.st.manager.Domains, vcemtest.ManagerDomain{ID: id, InSync: true})
	}
	for ui := 1; ui <= m.UngroupedDomains; ui++ {
		id := pad("u", ui, g.domainWidth)
		d := g.domain(id, "")
		ld := vcemtest.LiveDomainData{Domain: d, Managed: false, Reachable: true, Login: g.login()}
		for _, p := range g.profiles(d, false) {
			p.ID = ""
			ld.Profiles = append(ld.Profiles, p)
		}
		g.st.domains = append(g.st.domains, ld)
	}
	return nil
}

func (g *gen) login() *vcemtest.Login {
	l := vcemtest.Login{Username: g.m.DomainUser, Password: g.m.DomainPassword}
	if l.Username == "" {
		l.Username = "Administrator"
	}
	if l.Password == "" {
		l.Password = "vc-fake-password"
	}
	return &l
}

func cloneDomain(d vcem.Domain) vcem.Domain {
	d.Enclosures = slices.Clone(d.Enclosures)
	d.Modules = slices.Clone(d.Modules)
	return d
}

// slotsPerEnclosure is how many server bays an enclosure has (c7000).
const slotsPerEnclosure = 16

func (g *gen) domain(id, group string) vcem.Domain {
	d := vcem.Domain{ID: id, Name: "VC domain " + id, Manager: id + ".vcm.example", GroupID: group}
	for e := 1; e <= max(1, (g.m.Profiles+slotsPerEnclosure-1)/slotsPerEnclosure); e++ {
		enc := fmt.Sprintf("%s-enc%d", id, e)
		d.Enclosures = append(d.Enclosures, enc)
		for bay := 1; bay <= 2; bay++ {
			d.Modules = append(d.Modules, vcem.Module{Enclosure: enc, Bay: bay, Type: "FlexFabric", Serial: fmt.Sprintf("3C%s%d", enc, bay)})
		}
	}
	return d
}

// profiles makes a domain's profiles: VCEM-pool addresses for a managed
// domain, factory-default ones for a domain outside VCEM.
func (g *gen) profiles(d vcem.Domain, managed bool) []vcem.Profile {
	m := g.m
	out := make([]vcem.Profile, 0, m.Profiles)
	var slots []int
	for i := 1; i <= m.Profiles; i++ {
		enc := (i - 1) / slotsPerEnclosure
		if (i-1)%slotsPerEnclosure == 0 {
			slots = g.rng.Perm(slotsPerEnclosure)
		}
		p := vcem.Profile{Name: pad("p", i, g.profileWide), DomainID: d.ID}
		if !every(m.UnassignedEvery, i) {
			p.Bay = fmt.Sprintf("%s:%d", d.Enclosures[enc], slots[(i-1)%slotsPerEnclosure]+1)
		}
		for e := 1; e <= m.Ethernet; e++ {
			c := vcem.EthernetConnection{Port: e, Network: fmt.Sprintf("net-%d", e), AddressType: vcem.AddressVCEMPool}
			switch {
			case !managed:
				c.MAC, c.AddressType = g.factoryMACAddr(), vcem.AddressFactoryDefault
			case e == 1 && every(m.FactoryDefaultEvery, i):
				c.MAC, c.AddressType = g.factoryMACAddr(), vcem.AddressFactoryDefault
			case e == 1 && every(m.UserDefinedEvery, i):
				c.MAC, c.AddressType = userMACBase+addrpool.MAC(g.userMAC), vcem.AddressUserDefined
				g.userMAC++
			default:
				c.MAC = g.poolMAC()
			}
			p.Ethernet = append(p.Ethernet, c)
		}
		if every(m.ISCSIEvery, i) {
			c := vcem.ISCSIConnection{Port: 1, Network: "iscsi", AddressType: vcem.AddressVCEMPool}
			if managed {
				c.MAC = g.poolMAC()
			} else {
				c.MAC, c.AddressType = g.factoryMACAddr(), vcem.AddressFactoryDefault
			}
			p.ISCSI = append(p.ISCSI, c)
		}
		if every(m.FCoEEvery, i) {
			c := vcem.FCoEConnection{Port: 1, Fabric: "FCoE-A", AddressType: vcem.AddressVCEMPool}
			if managed {
				c.MAC = g.poolMAC()
				c.PortWWN, c.NodeWWN = g.poolPair()
			} else {
				c.MAC, c.AddressType = g.factoryMACAddr(), vcem.AddressFactoryDefault
				c.PortWWN, c.NodeWWN = g.factoryPair()
			}
			p.FCoE = append(p.FCoE, c)
		}
		for f := 1; f <= m.FC; f++ {
			c := vcem.FCConnection{Port: f, Fabric: []string{"SAN-A", "SAN-B"}[(f-1)%2], AddressType: vcem.AddressVCEMPool}
			if managed {
				c.PortWWN, c.NodeWWN = g.poolPair()
			} else {
				c.PortWWN, c.NodeWWN = g.factoryPair()
				c.AddressType = vcem.AddressFactoryDefault
			}
			p.FC = append(p.FC, c)
		}
		out = append(out, p)
	}
	return out
}

// take returns base+*next and moves next on by n: the next n addresses of
// a block handed out in order.
func take[A ~uint64](base A, next *uint64, n uint64) A {
	a := base + A(*next)
	*next += n
	return a
}

func (g *gen) poolMAC() addrpool.MAC        { return take(macBase, &g.macNext, 1) }
func (g *gen) factoryMACAddr() addrpool.MAC { return take(factoryMACBase, &g.factoryMAC, 1) }

// poolPair and factoryPair return a port WWN and its node WWN (port + 1).
func (g *gen) poolPair() (addrpool.WWN, addrpool.WWN) {
	a := take(wwnBase, &g.wwnNext, 2)
	return a, a + 1
}

func (g *gen) factoryPair() (addrpool.WWN, addrpool.WWN) {
	a := take(factoryWWNBase, &g.factoryWWN, 2)
	return a, a + 1
}

// allocate gives p's VCEM-pool addresses to p in s's pools.
func allocate(s *vcem.Snapshot, p vcem.Profile) error {
	var errs []error
	eachAddr(p, func(m addrpool.MAC, t vcem.AddressType) {
		if t == vcem.AddressVCEMPool {
			if err := s.MACs.AllocateAddr(m, p.ID); err != nil {
				errs = append(errs, err)
			}
		}
	}, func(w addrpool.WWN, t vcem.AddressType) {
		if t == vcem.AddressVCEMPool {
			if err := s.WWNs.AllocateAddr(w, p.ID); err != nil {
				errs = append(errs, err)
			}
		}
	})
	return errors.Join(errs...)
}

// eachAddr calls mac for every MAC and wwn for every WWN (port, then node)
// of p, with its connection's address type, in connection order.
func eachAddr(p vcem.Profile, mac func(addrpool.MAC, vcem.AddressType), wwn func(addrpool.WWN, vcem.AddressType)) {
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

func (g *gen) storage() error {
	m := g.m
	cat := spm.NewSnapshot(CatalogID)
	families := []spm.ArrayType{spm.Array3PAR, spm.ArrayEVA, spm.ArrayXP}
	seen := map[spm.ArrayType]int{}
	for i := range m.Arrays {
		t := families[i%len(families)]
		seen[t]++
		id := fmt.Sprintf("%s-%d", arrayPrefix(t), seen[t])
		a := spm.Array{ID: id, Name: fmt.Sprintf("%s array %d", t, seen[t]), Type: t}
		cat.Arrays[id] = a
		g.arrays = append(g.arrays, a)
	}
	cat.Templates["t-matrix"] = spm.Template{ID: "t-matrix", Name: "Matrix OE template"}
	cat.Templates["t-gold"] = spm.Template{ID: "t-gold", Name: "Gold boot", ParentID: "t-matrix"}
	for _, a := range g.arrays {
		for k := 1; k <= m.AvailableVolumes; k++ {
			id := fmt.Sprintf("avail-%s-%d", a.ID, k)
			cat.Volumes[id] = g.volume(id, a.ID, fmt.Sprintf("Available %s %d", a.ID, k), "")
		}
		if !a.Type.SupportsSignatures() {
			continue
		}
		for k := 1; k <= m.UnsignedVolumes; k++ {
			id := fmt.Sprintf("legacy-%s-%d", a.ID, k)
			v := g.volume(id, a.ID, fmt.Sprintf("Legacy %s %d", a.ID, k), "")
			v.OwningCatalog = ""
			cat.Volumes[id] = v
			g.unsigned[v.WWN] = true
		}
	}
	g.st.catalog = cat
	return nil
}

func arrayPrefix(t spm.ArrayType) string {
	switch t {
	case spm.Array3PAR:
		return "3par"
	case spm.ArrayEVA:
		return "eva"
	}
	return "xp"
}

func (g *gen) volume(id, array, name, service string) spm.Volume {
	v := spm.Volume{ID: id, ArrayID: array, Name: name, WWN: volumeWWNBase + addrpool.WWN(g.volumeNext),
		SizeBytes: uint64(16+g.rng.IntN(496)) << 30, OwningCatalog: CatalogID, ServiceID: service}
	if service != "" {
		v.Activation = "active"
	}
	g.volumeNext++
	return v
}

func (g *gen) matrixoe() error {
	m := g.m
	ms := matrixoe.NewSnapshot()
	cat := g.st.catalog
	n, carved, auto := 0, 0, 0
	offset := 0
	if len(g.arrays) > 0 {
		offset = g.rng.IntN(len(g.arrays))
	}
	for _, ld := range g.st.domains {
		if !ld.Managed {
			continue
		}
		for i, p := range ld.Profiles {
			if every(m.PlainEvery, i+1) || m.PlainEvery == 1 {
				continue
			}
			p.ID = vcemtest.ProfileID(ld.Domain.ID, p.Name)
			ls := "LS-" + ld.Domain.ID + "-" + p.Name
			spe := "SPE-" + ld.Domain.ID + "-" + p.Name
			n++
			entry := matrixoe.StoragePoolEntry{ID: spe, Name: spe, Kind: matrixoe.SPECatalog, LogicalServerID: ls}
			for _, c := range p.FC {
				entry.WWPNs = append(entry.WWPNs, c.PortWWN)
			}
			if every(m.CarvedEvery, n) {
				carved++
				entry.Kind = matrixoe.SPECarved
				entry.VolumeIDs = []string{"carved-" + strconv.Itoa(carved)}
			} else {
				a := g.arrays[(n+offset)%len(g.arrays)]
				vid, svc, name := "vol-"+ls, "svc-"+ls, ls+" boot"
				if every(m.AutoVolumeEvery, n) {
					auto++
					name = spm.OfflineVolumePrefix + strconv.Itoa(1385120000000+auto)
				}
				cat.Services[svc] = spm.Service{ID: svc, Name: ls + " storage", TemplateID: "t-gold", Conformant: true}
				cat.Volumes[vid] = g.volume(vid, a.ID, name, svc)
				for _, w := range entry.WWPNs {
					cat.Presentations = append(cat.Presentations, spm.Presentation{VolumeID: vid, Initiator: w, Host: "LSM_" + ls, LUN: 1})
				}
				entry.VolumeIDs = []string{vid}
			}
			ms.SPEs[spe] = entry
			ms.LogicalServers[ls] = matrixoe.LogicalServer{ID: ls, Name: ld.Domain.ID + "-" + p.Name, Kind: matrixoe.LSPhysicalVC,
				Activated: p.Bay != "", ProfileID: p.ID, SPEIDs: []string{spe}, Managed: true}
			g.vcServers = append(g.vcServers, ls)
			g.profileOf[ls] = p
		}
	}
	vmWidth := width(m.VMServers)
	for k := 1; k <= m.VMServers; k++ {
		ls, vm := pad("LS-vm", k, vmWidth), pad("vm", k, vmWidth)
		power := matrixoe.PowerOn
		if g.rng.IntN(3) == 0 {
			power = matrixoe.PowerOff
		}
		ms.LogicalServers[ls] = matrixoe.LogicalServer{ID: ls, Name: vm, Kind: matrixoe.LSVirtual, Activated: true, Power: power, VMID: vm, Managed: true}
		g.vmServers = append(g.vmServers, ls)
	}
	if err := g.io(ms); err != nil {
		return err
	}
	g.rm(ms)
	live, err := matrixoetest.LiveFromSnapshot(ms)
	if err != nil {
		return fmt.Errorf("resynctest: model: Matrix OE: %w", err)
	}
	g.st.moeDB, g.st.moeLive = ms, live.Data()
	arrays, err := spmtest.LiveFromSnapshot(cat)
	if err != nil {
		return err
	}
	for id, la := range arrays.Arrays {
		for i, lv := range la.Volumes {
			if g.unsigned[lv.WWN] {
				la.Volumes[i].Signature = spm.Signature{}
			}
		}
		arrays.Arrays[id] = la
	}
	g.st.arrays = arrays
	return nil
}

func (g *gen) io(ms *matrixoe.Snapshot) error {
	m := g.m
	if m.ServiceSize == 0 {
		return nil
	}
	servers := append(slices.Clone(g.vcServers), g.vmServers...)
	pool, next := ioPool(), netip.AddrFrom4([4]byte{10, 20, 0, 10})
	width := width((len(servers) + m.ServiceSize - 1) / m.ServiceSize)
	rq := 0
	states := []matrixoe.RequestState{matrixoe.RequestCompleted, matrixoe.RequestCompleted, matrixoe.RequestFailed, matrixoe.RequestCancelled}
	ops := []string{"create", "add servers to", "modify"}
	for k := 0; k*m.ServiceSize < len(servers); k++ {
		id, name := pad("S", k+1, width), pad("service-", k+1, width)
		members := servers[k*m.ServiceSize : min((k+1)*m.ServiceSize, len(servers))]
		ms.Services[id] = matrixoe.Service{ID: id, Name: name, LogicalServerIDs: slices.Clone(members)}
		for _, ls := range members {
			if srv := ms.LogicalServers[ls]; len(srv.SPEIDs) > 0 {
				e := ms.SPEs[srv.SPEIDs[0]]
				e.ServiceID = id
				ms.SPEs[e.ID] = e
			}
			if !pool.Contains(next) {
				return fmt.Errorf("resynctest: model: the IO pool %s is full", pool)
			}
			ms.IPs[next] = matrixoe.IPAllocation{Address: next, Network: "service-net", Allocated: true, ServiceID: id}
			next = next.Next()
		}
		for r := range m.RequestsPerService {
			rq++
			rid := "R" + strconv.Itoa(rq)
			ms.Requests[rid] = matrixoe.Request{ID: rid, Name: ops[r%len(ops)] + " " + name, ServiceID: id, State: states[g.rng.IntN(len(states))]}
		}
	}
	for range m.FreeIPs {
		if !pool.Contains(next) {
			return fmt.Errorf("resynctest: model: the IO pool %s is full", pool)
		}
		ms.IPs[next] = matrixoe.IPAllocation{Address: next, Network: "service-net"}
		next = next.Next()
	}
	return nil
}

func (g *gen) rm(ms *matrixoe.Snapshot) {
	for k := 1; k <= g.m.RecoveryGroups; k++ {
		name := "RG" + strconv.Itoa(k)
		rg := matrixoe.RecoveryGroup{Name: name, Set: []string{"SET-A", "SET-B"}[(k-1)%2], Enabled: true,
			ReplicationGroups: []string{"SRG" + strconv.Itoa(k)}}
		for _, i := range []int{2 * (k - 1), 2*(k-1) + 1} {
			if i < len(g.vcServers) {
				rg.ProtectedLS = append(rg.ProtectedLS, g.vcServers[i])
			}
		}
		ms.RecoveryGroups[name] = rg
	}
}

// cms makes the CMS's own parts: the Windows services (all running), the
// RecoveryMode value, the SPM UI and the manager's history.
func (g *gen) cms() {
	names := spm.DefaultServiceNames()
	svcs := map[string]spmtest.ServiceData{}
	for i, n := range names.Prerequisites {
		var deps []string
		if i > 0 {
			deps = []string{names.Prerequisites[i-1]}
		}
		svcs[n] = spmtest.ServiceData{State: spm.ServiceRunning, Deps: deps}
	}
	svcs[names.SPM] = spmtest.ServiceData{State: spm.ServiceRunning, Deps: slices.Clone(names.Prerequisites)}
	for _, p := range resync.DefaultServicePolicy() {
		if _, ok := svcs[p.Name]; !ok {
			svcs[p.Name] = spmtest.ServiceData{State: spm.ServiceRunning, Deps: []string{}}
		}
	}
	g.st.services = spmtest.ServicesData{Services: svcs, Events: []string{}}
	g.st.mode = spmtest.RecoveryModeData{Value: RecoveryModeNormal}
	ui := Login{Username: g.m.UIUser, Password: g.m.UIPassword}
	if ui.Username == "" {
		ui.Username = "spm-admin"
	}
	if ui.Password == "" {
		ui.Password = "spm-fake-password"
	}
	g.st.ui = uiState{Login: &ui}
	g.st.manager.Jobs, g.st.manager.Calls = []vcem.Job{}, []vcemtest.Call{}
	g.st.vcemApplied, g.st.spmApplied, g.st.moeApplied = vcem.Changes{}, spm.Changes{}, matrixoe.Changes{}
	g.st.servicesFile = matrixoetest.ServicesFileData{}
}
