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

// writeMap writes m as an object by sorted key, each value an object of
// the members fields writes (a nil map as null, as json.Marshal does).
func writeMap[V any](e *encoder, m map[string]V, fields func(*encoder, V)) {
	if m == nil {
		e.null()
		return
	}
	e.objStart()
	for _, k := range sortedKeys(m) {
		e.key(k)
		e.objStart()
		fields(e, m[k])
		e.objEnd()
	}
	e.objEnd()
}

// writeList writes s as an array of objects of the members fields writes
// (nil as null).
func writeList[V any](e *encoder, s []V, fields func(*encoder, V)) {
	if s == nil {
		e.null()
		return
	}
	e.arrStart()
	for _, v := range s {
		e.elem()
		e.objStart()
		fields(e, v)
		e.objEnd()
	}
	e.arrEnd()
}

// optList writes s under k unless it is empty (omitempty).
func optList[V any](e *encoder, k string, s []V, fields func(*encoder, V)) {
	if len(s) > 0 {
		e.field(k)
		writeList(e, s, fields)
	}
}

// macField and wwnField write an address member.
func (e *encoder) macField(k string, a addrpool.MAC) {
	e.field(k)
	e.rawText(a.String())
}

func (e *encoder) wwnField(k string, a addrpool.WWN) {
	e.field(k)
	e.rawText(a.String())
}

// vcemSnapshot writes a VCEM database as json.Marshal does, but its pools
// without inUse: a valid database's In use addresses are exactly its
// profiles' VCEM-pool ones, which the decoder gives back to them.
func (e *encoder) vcemSnapshot(s *vcem.Snapshot) {
	e.objStart()
	e.field("groups")
	writeMap(e, s.Groups, func(e *encoder, g vcem.DomainGroup) {
		e.strField("id", g.ID)
		e.strField("name", g.Name)
	})
	e.field("domains")
	writeMap(e, s.Domains, func(e *encoder, d vcem.Domain) {
		e.strField("id", d.ID)
		e.domainFields(d)
	})
	e.field("profiles")
	writeMap(e, s.Profiles, func(e *encoder, p vcem.Profile) { e.profileFields(p, true) })
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
	optList(e, "modules", d.Modules, func(e *encoder, m vcem.Module) {
		e.strField("enclosure", m.Enclosure)
		e.intField("bay", m.Bay)
		e.strField("type", m.Type)
		e.optStr("serial", m.Serial)
	})
}

// profileFields writes a profile's members; a VC domain's profile (withID
// false) has no ID and no domain ID.
func (e *encoder) profileFields(p vcem.Profile, withID bool) {
	if withID {
		e.strField("id", p.ID)
	}
	e.strField("name", p.Name)
	if withID {
		e.strField("domainId", p.DomainID)
	}
	e.optStr("bay", p.Bay)
	e.optStr("serialNumber", p.SerialNumber)
	optList(e, "ethernet", p.Ethernet, (*encoder).macConnection)
	optList(e, "iscsi", p.ISCSI, func(e *encoder, c vcem.ISCSIConnection) { e.macConnection(vcem.EthernetConnection(c)) })
	optList(e, "fcoe", p.FCoE, func(e *encoder, c vcem.FCoEConnection) {
		e.intField("port", c.Port)
		e.optStr("fabric", c.Fabric)
		e.macField("mac", c.MAC)
		e.wwnField("portWWN", c.PortWWN)
		e.wwnField("nodeWWN", c.NodeWWN)
		e.strField("addressType", string(c.AddressType))
	})
	optList(e, "fc", p.FC, func(e *encoder, c vcem.FCConnection) {
		e.intField("port", c.Port)
		e.optStr("fabric", c.Fabric)
		e.wwnField("portWWN", c.PortWWN)
		e.wwnField("nodeWWN", c.NodeWWN)
		e.strField("addressType", string(c.AddressType))
	})
}

// macConnection writes an Ethernet or iSCSI connection's members.
func (e *encoder) macConnection(c vcem.EthernetConnection) {
	e.intField("port", c.Port)
	e.optStr("network", c.Network)
	e.macField("mac", c.MAC)
	e.strField("addressType", string(c.AddressType))
}

func writePool[A addrpool.Address](e *encoder, p *addrpool.Pool[A]) {
	if p == nil {
		e.null()
		return
	}
	ranges := func(rs []addrpool.Range[A]) {
		writeList(e, rs, func(e *encoder, r addrpool.Range[A]) {
			e.field("first")
			e.rawText(r.First.String())
			e.field("last")
			e.rawText(r.Last.String())
		})
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
		if d.Profiles == nil {
			d.Profiles = []vcem.Profile{}
		}
		writeList(e, d.Profiles, func(e *encoder, p vcem.Profile) { e.profileFields(p, false) })
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
	writeMap(e, s.Arrays, func(e *encoder, a spm.Array) {
		e.strField("id", a.ID)
		e.strField("name", a.Name)
		e.strField("type", string(a.Type))
		e.optBool("quarantined", a.Quarantined)
	})
	e.field("volumes")
	writeMap(e, s.Volumes, func(e *encoder, v spm.Volume) {
		e.strField("id", v.ID)
		e.strField("arrayId", v.ArrayID)
		e.strField("name", v.Name)
		e.wwnField("wwn", v.WWN)
		e.field("sizeBytes")
		e.unsigned(v.SizeBytes)
		e.optBool("quarantined", v.Quarantined)
		e.optStr("signature", string(v.Signature))
		e.optStr("owningCatalog", v.OwningCatalog)
		e.optStr("serviceId", v.ServiceID)
		e.optBool("offline", v.Offline)
		e.optStr("activation", v.Activation)
	})
	e.field("presentations")
	writeList(e, s.Presentations, func(e *encoder, p spm.Presentation) {
		e.strField("volumeId", p.VolumeID)
		e.wwnField("initiator", p.Initiator)
		e.strField("host", p.Host)
		e.intField("lun", p.LUN)
	})
	e.field("services")
	writeMap(e, s.Services, func(e *encoder, v spm.Service) {
		e.strField("id", v.ID)
		e.strField("name", v.Name)
		e.optStr("templateId", v.TemplateID)
		e.boolField("conformant", v.Conformant)
	})
	e.field("templates")
	writeMap(e, s.Templates, func(e *encoder, t spm.Template) {
		e.strField("id", t.ID)
		e.strField("name", t.Name)
		e.optStr("parentId", t.ParentID)
	})
	e.objEnd()
}

func (e *encoder) spmLive(l *spm.Live) {
	if l == nil {
		e.null()
		return
	}
	e.objStart()
	e.field("arrays")
	writeMap(e, l.Arrays, func(e *encoder, a spm.LiveArray) {
		e.strField("id", a.ID)
		e.strField("type", string(a.Type))
		e.field("volumes")
		writeList(e, a.Volumes, func(e *encoder, v spm.LiveVolume) {
			e.wwnField("wwn", v.WWN)
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
		})
		e.field("presentations")
		writeList(e, a.Presentations, func(e *encoder, p spm.LivePresentation) {
			e.wwnField("volumeWwn", p.VolumeWWN)
			e.wwnField("initiator", p.Initiator)
			e.strField("host", p.Host)
			e.intField("lun", p.LUN)
		})
	})
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
	writeMap(e, s.LogicalServers, func(e *encoder, ls matrixoe.LogicalServer) {
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
	})
	e.field("storagePoolEntries")
	writeMap(e, s.SPEs, func(e *encoder, spe matrixoe.StoragePoolEntry) {
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
	})
	e.field("services")
	writeMap(e, s.Services, func(e *encoder, sv matrixoe.Service) {
		e.strField("id", sv.ID)
		e.strField("name", sv.Name)
		e.optStrList("logicalServerIds", sv.LogicalServerIDs)
	})
	e.field("requests")
	writeMap(e, s.Requests, func(e *encoder, r matrixoe.Request) {
		e.strField("id", r.ID)
		e.optStr("name", r.Name)
		e.optStr("serviceId", r.ServiceID)
		e.strField("state", string(r.State))
	})
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
	writeMap(e, s.RecoveryGroups, func(e *encoder, rg matrixoe.RecoveryGroup) {
		e.strField("name", rg.Name)
		e.strField("set", rg.Set)
		e.optStrList("protectedLogicalServers", rg.ProtectedLS)
		e.optStrList("replicationGroups", rg.ReplicationGroups)
		e.boolField("enabled", rg.Enabled)
	})
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
