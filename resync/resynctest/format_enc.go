package resynctest

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The estate format's encoders, in the order of the format; each record is
// written as encoding/json writes the package type (a test compares them).

func (e *encoder) estate(st *state) {
	e.objStart()
	e.intField("schema", Schema)

	e.field("vcem")
	e.objStart()
	e.field("database")
	e.vcemSnapshot(st.vcemDB)
	if len(st.vcemApplied) > 0 {
		e.field("applied")
		e.marshal(st.vcemApplied)
	}
	e.field("live")
	e.objStart()
	e.field("domains")
	e.liveDomains(st.domains)
	e.objEnd()
	e.field("manager")
	e.marshal(st.manager)
	e.objEnd()

	e.field("spm")
	e.objStart()
	e.field("catalog")
	e.spmSnapshot(st.catalog)
	if len(st.spmApplied) > 0 {
		e.field("applied")
		e.marshal(st.spmApplied)
	}
	e.field("arrays")
	e.spmLive(st.arrays)
	e.field("recoveryMode")
	e.objStart()
	e.strField("value", st.mode.Value)
	e.intField("writes", st.mode.Writes)
	e.objEnd()
	e.field("services")
	e.marshal(st.services)
	e.field("ui")
	e.objStart()
	e.intField("readyAfter", st.ui.ReadyAfter)
	e.intField("polls", st.ui.Polls)
	e.boolField("manual", st.ui.Manual)
	if st.ui.Login != nil {
		e.field("login")
		e.login(st.ui.Login.Username, st.ui.Login.Password)
	}
	e.objEnd()
	e.objEnd()

	e.field("matrixoe")
	e.objStart()
	e.field("database")
	e.moeSnapshot(st.moeDB)
	if len(st.moeApplied) > 0 {
		e.field("applied")
		e.marshal(st.moeApplied)
	}
	e.field("live")
	e.moeLive(st.moeLive)
	e.field("servicesFile")
	e.marshal(st.servicesFile)
	e.objEnd()

	e.objEnd()
}

func (e *encoder) login(user, password string) {
	e.objStart()
	e.strField("username", user)
	e.strField("password", password)
	e.objEnd()
}

// --- VCEM ---------------------------------------------------------------------

// vcemSnapshot writes a VCEM database as json.Marshal does, but its pools
// without inUse: a valid database's In use addresses are exactly its
// profiles' VCEM-pool ones, which the decoder gives back to them.
func (e *encoder) vcemSnapshot(s *vcem.Snapshot) {
	e.objStart()
	e.field("groups")
	e.objStart()
	for _, id := range sortedKeys(s.Groups) {
		g := s.Groups[id]
		e.key(id)
		e.objStart()
		e.strField("id", g.ID)
		e.strField("name", g.Name)
		e.objEnd()
	}
	e.objEnd()
	e.field("domains")
	e.objStart()
	for _, id := range sortedKeys(s.Domains) {
		e.key(id)
		d := s.Domains[id]
		e.objStart()
		e.strField("id", d.ID)
		e.domainFields(d)
		e.objEnd()
	}
	e.objEnd()
	e.field("profiles")
	e.objStart()
	for _, id := range sortedKeys(s.Profiles) {
		e.key(id)
		e.profile(s.Profiles[id], true)
	}
	e.objEnd()
	e.field("macs")
	writePool(e, s.MACs)
	e.field("wwns")
	writePool(e, s.WWNs)
	e.objEnd()
}

// domainFields writes a domain's fields after its ID.
func (e *encoder) domainFields(d vcem.Domain) {
	e.strField("name", d.Name)
	e.strField("manager", d.Manager)
	e.optStr("groupId", d.GroupID)
	e.optStrList("enclosures", d.Enclosures)
	if len(d.Modules) > 0 {
		e.field("modules")
		e.arrStart()
		for _, m := range d.Modules {
			e.elem()
			e.objStart()
			e.strField("enclosure", m.Enclosure)
			e.intField("bay", m.Bay)
			e.strField("type", m.Type)
			e.optStr("serial", m.Serial)
			e.objEnd()
		}
		e.arrEnd()
	}
}

func (e *encoder) profile(p vcem.Profile, withID bool) {
	e.objStart()
	if withID {
		e.strField("id", p.ID)
	}
	e.strField("name", p.Name)
	if withID {
		e.strField("domainId", p.DomainID)
	}
	e.optStr("bay", p.Bay)
	e.optStr("serialNumber", p.SerialNumber)
	if len(p.Ethernet) > 0 {
		e.field("ethernet")
		e.arrStart()
		for _, c := range p.Ethernet {
			e.elem()
			e.macConnection(c.Port, c.Network, c.MAC, c.AddressType)
		}
		e.arrEnd()
	}
	if len(p.ISCSI) > 0 {
		e.field("iscsi")
		e.arrStart()
		for _, c := range p.ISCSI {
			e.elem()
			e.macConnection(c.Port, c.Network, c.MAC, c.AddressType)
		}
		e.arrEnd()
	}
	if len(p.FCoE) > 0 {
		e.field("fcoe")
		e.arrStart()
		for _, c := range p.FCoE {
			e.elem()
			e.objStart()
			e.intField("port", c.Port)
			e.optStr("fabric", c.Fabric)
			e.field("mac")
			e.rawText(c.MAC.String())
			e.field("portWWN")
			e.rawText(c.PortWWN.String())
			e.field("nodeWWN")
			e.rawText(c.NodeWWN.String())
			e.strField("addressType", string(c.AddressType))
			e.objEnd()
		}
		e.arrEnd()
	}
	if len(p.FC) > 0 {
		e.field("fc")
		e.arrStart()
		for _, c := range p.FC {
			e.elem()
			e.objStart()
			e.intField("port", c.Port)
			e.optStr("fabric", c.Fabric)
			e.field("portWWN")
			e.rawText(c.PortWWN.String())
			e.field("nodeWWN")
			e.rawText(c.NodeWWN.String())
			e.strField("addressType", string(c.AddressType))
			e.objEnd()
		}
		e.arrEnd()
	}
	e.objEnd()
}

func (e *encoder) macConnection(port int, network string, mac addrpool.MAC, t vcem.AddressType) {
	e.objStart()
	e.intField("port", port)
	e.optStr("network", network)
	e.field("mac")
	e.rawText(mac.String())
	e.strField("addressType", string(t))
	e.objEnd()
}

func writePool[A addrpool.Address](e *encoder, p *addrpool.Pool[A]) {
	if p == nil {
		e.null()
		return
	}
	ranges := func(rs []addrpool.Range[A]) {
		e.arrStart()
		for _, r := range rs {
			e.elem()
			e.objStart()
			e.field("first")
			e.rawText(r.First.String())
			e.field("last")
			e.rawText(r.Last.String())
			e.objEnd()
		}
		e.arrEnd()
	}
	e.objStart()
	e.field("ranges")
	ranges(p.Ranges())
	if ex := p.Exclusions(); len(ex) > 0 {
		e.field("exclusions")
		ranges(ex)
	}
	if ext := slices.Collect(p.ExternalRanges()); len(ext) > 0 {
		e.field("external")
		ranges(ext)
	}
	e.objEnd()
}

// liveDomains writes the VC domains by ID.
func (e *encoder) liveDomains(ds []vcemtest.LiveDomainData) {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b vcemtest.LiveDomainData) int { return strings.Compare(a.Domain.ID, b.Domain.ID) })
	e.objStart()
	for _, d := range ds {
		e.key(d.Domain.ID)
		e.objStart()
		e.domainFields(d.Domain)
		e.boolField("managed", d.Managed)
		e.boolField("reachable", d.Reachable)
		if d.Login != nil {
			e.field("login")
			e.login(d.Login.Username, d.Login.Password)
		}
		e.field("profiles")
		e.arrStart()
		for _, p := range d.Profiles {
			e.elem()
			e.profile(p, false)
		}
		e.arrEnd()
		e.objEnd()
	}
	e.objEnd()
}

// --- SPM ----------------------------------------------------------------------

// spmSnapshot writes a catalog as json.Marshal does (nil maps as null).
func (e *encoder) spmSnapshot(s *spm.Snapshot) {
	e.objStart()
	e.strField("catalogId", s.CatalogID)
	e.field("arrays")
	if s.Arrays == nil {
		e.null()
	} else {
		e.objStart()
		for _, id := range sortedKeys(s.Arrays) {
			a := s.Arrays[id]
			e.key(id)
			e.objStart()
			e.strField("id", a.ID)
			e.strField("name", a.Name)
			e.strField("type", string(a.Type))
			e.optBool("quarantined", a.Quarantined)
			e.objEnd()
		}
		e.objEnd()
	}
	e.field("volumes")
	if s.Volumes == nil {
		e.null()
	} else {
		e.objStart()
		for _, id := range sortedKeys(s.Volumes) {
			v := s.Volumes[id]
			e.key(id)
			e.objStart()
			e.strField("id", v.ID)
			e.strField("arrayId", v.ArrayID)
			e.strField("name", v.Name)
			e.field("wwn")
			e.rawText(v.WWN.String())
			e.field("sizeBytes")
			e.unsigned(v.SizeBytes)
			e.optBool("quarantined", v.Quarantined)
			e.optStr("signature", string(v.Signature))
			e.optStr("owningCatalog", v.OwningCatalog)
			e.optStr("serviceId", v.ServiceID)
			e.optBool("offline", v.Offline)
			e.optStr("activation", v.Activation)
			e.objEnd()
		}
		e.objEnd()
	}
	e.field("presentations")
	if s.Presentations == nil {
		e.null()
	} else {
		e.arrStart()
		for _, p := range s.Presentations {
			e.elem()
			e.objStart()
			e.strField("volumeId", p.VolumeID)
			e.field("initiator")
			e.rawText(p.Initiator.String())
			e.strField("host", p.Host)
			e.intField("lun", p.LUN)
			e.objEnd()
		}
		e.arrEnd()
	}
	e.field("services")
	if s.Services == nil {
		e.null()
	} else {
		e.objStart()
		for _, id := range sortedKeys(s.Services) {
			v := s.Services[id]
			e.key(id)
			e.objStart()
			e.strField("id", v.ID)
			e.strField("name", v.Name)
			e.optStr("templateId", v.TemplateID)
			e.boolField("conformant", v.Conformant)
			e.objEnd()
		}
		e.objEnd()
	}
	e.field("templates")
	if s.Templates == nil {
		e.null()
	} else {
		e.objStart()
		for _, id := range sortedKeys(s.Templates) {
			t := s.Templates[id]
			e.key(id)
			e.objStart()
			e.strField("id", t.ID)
			e.strField("name", t.Name)
			e.optStr("parentId", t.ParentID)
			e.objEnd()
		}
		e.objEnd()
	}
	e.objEnd()
}

func (e *encoder) spmLive(l *spm.Live) {
	if l == nil {
		e.null()
		return
	}
	e.objStart()
	e.field("arrays")
	if l.Arrays == nil {
		e.null()
	} else {
		e.objStart()
		for _, id := range sortedKeys(l.Arrays) {
			a := l.Arrays[id]
			e.key(id)
			e.objStart()
			e.strField("id", a.ID)
			e.strField("type", string(a.Type))
			e.field("volumes")
			if a.Volumes == nil {
				e.null()
			} else {
				e.arrStart()
				for _, v := range a.Volumes {
					e.elem()
					e.objStart()
					e.field("wwn")
					e.rawText(v.WWN.String())
					e.strField("name", v.Name)
					e.field("sizeBytes")
					e.unsigned(v.SizeBytes)
					e.field("signature")
					e.objStart()
					sig := v.Signature
					e.boolField("present", sig.Present)
					e.optBool("corrupt", sig.Corrupt)
					e.optInt("version", sig.Version)
					e.optStr("owningCatalog", sig.OwningCatalog)
					e.optStr("serviceId", sig.ServiceID)
					e.optStr("activation", sig.Activation)
					e.objEnd()
					e.objEnd()
				}
				e.arrEnd()
			}
			e.field("presentations")
			if a.Presentations == nil {
				e.null()
			} else {
				e.arrStart()
				for _, p := range a.Presentations {
					e.elem()
					e.objStart()
					e.field("volumeWwn")
					e.rawText(p.VolumeWWN.String())
					e.field("initiator")
					e.rawText(p.Initiator.String())
					e.strField("host", p.Host)
					e.intField("lun", p.LUN)
					e.objEnd()
				}
				e.arrEnd()
			}
			e.objEnd()
		}
		e.objEnd()
	}
	e.objEnd()
}

// --- Matrix OE ----------------------------------------------------------------

// ipKeys returns a map's addresses in the order encoding/json writes text
// keys: by their text.
func ipKeys[V any](m map[netip.Addr]V) ([]netip.Addr, []string) {
	addrs := make([]netip.Addr, 0, len(m))
	for a := range m {
		addrs = append(addrs, a)
	}
	texts := make([]string, len(addrs))
	for i, a := range addrs {
		texts[i] = a.String()
	}
	idx := make([]int, len(addrs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(x, y int) int { return strings.Compare(texts[x], texts[y]) })
	outA, outT := make([]netip.Addr, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		outA[i], outT[i] = addrs[j], texts[j]
	}
	return outA, outT
}

func (e *encoder) moeSnapshot(s *matrixoe.Snapshot) {
	e.objStart()
	e.field("logicalServers")
	e.objStart()
	for _, id := range sortedKeys(s.LogicalServers) {
		ls := s.LogicalServers[id]
		e.key(id)
		e.objStart()
		e.strField("id", ls.ID)
		e.strField("name", ls.Name)
		e.strField("kind", string(ls.Kind))
		e.boolField("activated", ls.Activated)
		e.optStr("power", string(ls.Power))
		e.optStr("profileId", ls.ProfileID)
		e.optStr("vmId", ls.VMID)
		e.optStrList("speIds", ls.SPEIDs)
		e.optBool("inoperable", ls.Inoperable)
		e.boolField("managed", ls.Managed)
		e.objEnd()
	}
	e.objEnd()
	e.field("storagePoolEntries")
	e.objStart()
	for _, id := range sortedKeys(s.SPEs) {
		spe := s.SPEs[id]
		e.key(id)
		e.objStart()
		e.strField("id", spe.ID)
		e.optStr("name", spe.Name)
		e.strField("kind", string(spe.Kind))
		e.optStrList("volumeIds", spe.VolumeIDs)
		if len(spe.WWPNs) > 0 {
			e.field("wwpns")
			e.arrStart()
			for _, w := range spe.WWPNs {
				e.elem()
				e.rawText(w.String())
			}
			e.arrEnd()
		}
		e.optStr("logicalServerId", spe.LogicalServerID)
		e.optStr("serviceId", spe.ServiceID)
		e.optBool("inoperable", spe.Inoperable)
		e.objEnd()
	}
	e.objEnd()
	e.field("services")
	e.objStart()
	for _, id := range sortedKeys(s.Services) {
		sv := s.Services[id]
		e.key(id)
		e.objStart()
		e.strField("id", sv.ID)
		e.strField("name", sv.Name)
		e.optStrList("logicalServerIds", sv.LogicalServerIDs)
		e.objEnd()
	}
	e.objEnd()
	e.field("requests")
	e.objStart()
	for _, id := range sortedKeys(s.Requests) {
		r := s.Requests[id]
		e.key(id)
		e.objStart()
		e.strField("id", r.ID)
		e.optStr("name", r.Name)
		e.optStr("serviceId", r.ServiceID)
		e.strField("state", string(r.State))
		e.objEnd()
	}
	e.objEnd()
	e.field("ipAllocations")
	e.objStart()
	addrs, texts := ipKeys(s.IPs)
	for i, a := range addrs {
		ip := s.IPs[a]
		e.key(texts[i])
		e.objStart()
		e.field("address")
		e.str(ip.Address.String())
		e.optStr("network", ip.Network)
		e.boolField("allocated", ip.Allocated)
		e.optStr("serviceId", ip.ServiceID)
		e.optStr("owner", ip.Owner)
		e.objEnd()
	}
	e.objEnd()
	e.field("recoveryGroups")
	e.objStart()
	for _, name := range sortedKeys(s.RecoveryGroups) {
		rg := s.RecoveryGroups[name]
		e.key(name)
		e.objStart()
		e.strField("name", rg.Name)
		e.strField("set", rg.Set)
		e.optStrList("protectedLogicalServers", rg.ProtectedLS)
		e.optStrList("replicationGroups", rg.ReplicationGroups)
		e.boolField("enabled", rg.Enabled)
		e.objEnd()
	}
	e.objEnd()
	e.objEnd()
}

func (e *encoder) moeLive(l matrixoetest.LiveData) {
	e.objStart()
	e.field("vms")
	if l.VMs == nil {
		e.null()
	} else {
		e.objStart()
		for _, vm := range sortedKeys(l.VMs) {
			e.key(vm)
			e.str(string(l.VMs[vm]))
		}
		e.objEnd()
	}
	e.field("ips")
	if l.IPs == nil {
		e.null()
	} else {
		e.objStart()
		addrs, texts := ipKeys(map[netip.Addr]string(l.IPs))
		for i, a := range addrs {
			e.key(texts[i])
			e.str(l.IPs[a])
		}
		e.objEnd()
	}
	e.field("services")
	e.strList(l.Services)
	e.optStrList("deletedServices", l.DeletedServices)
	e.optStrList("createdServices", l.CreatedServices)
	if len(l.ServiceVMs) > 0 {
		e.field("serviceVMs")
		e.objStart()
		for _, name := range sortedKeys(l.ServiceVMs) {
			e.key(name)
			e.strList(l.ServiceVMs[name])
		}
		e.objEnd()
	}
	if l.Export != nil {
		e.field("rmExport")
		e.marshal(l.Export)
	}
	e.objEnd()
}
