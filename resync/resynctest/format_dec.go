package resynctest

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The estate format's decoders, one per record, in the order of the
// format (see the package documentation). Each names its fields as the
// package types' JSON tags do; bits of required mark the fields without
// omitempty.

func (d *decoder) estate(st *state) {
	d.fields([]string{"schema", "vcem", "spm", "matrixoe"}, 0b1111, func(i int) {
		switch i {
		case 0:
			start := d.pos
			if n := d.integer(); n != Schema {
				d.problemAt(start, "", nil, "schema %d: this SDK reads schema %d", n, Schema)
			}
		case 1: // the sections are decoded side by side; each writes its own part of st
			d.spawn(func(d *decoder) { d.vcemSection(st) })
		case 2:
			d.spawn(func(d *decoder) { d.spmSection(st) })
		case 3:
			d.moeSection(st)
		}
	})
}

// --- VCEM ---------------------------------------------------------------------

func (d *decoder) vcemSection(st *state) {
	d.fields([]string{"database", "applied", "live", "manager"}, 0b1101, func(i int) {
		switch i {
		case 0:
			d.spawn(func(d *decoder) { st.vcemDB = d.vcemSnapshot() })
		case 1:
			d.delegate(func(raw []byte) error { return st.vcemApplied.UnmarshalJSON(raw) })
		case 2:
			d.fields([]string{"domains"}, 1, func(int) { st.domains = d.liveDomains() })
		case 3:
			d.delegate(func(raw []byte) error { return st.manager.UnmarshalJSON(raw) })
		}
	})
}

// vcemSnapshot reads a vcem.Snapshot as json.Marshal writes it, except that
// a pool may leave out inUse: its addresses In use are then the VCEM-pool
// addresses of the profiles, each given to its profile.
func (d *decoder) vcemSnapshot() *vcem.Snapshot {
	s := &vcem.Snapshot{Groups: map[string]vcem.DomainGroup{}, Domains: map[string]vcem.Domain{}, Profiles: map[string]vcem.Profile{}}
	var macs *poolData[addrpool.MAC]
	var wwnPool *poolData[addrpool.WWN]
	d.fields([]string{"groups", "domains", "profiles", "macs", "wwns"}, 0b11111, func(i int) {
		switch i {
		case 0:
			readMap(d, &s.Groups, func() vcem.DomainGroup {
				var g vcem.DomainGroup
				d.fields([]string{"id", "name"}, 0b11, func(i int) {
					if i == 0 {
						g.ID = d.str()
					} else {
						g.Name = d.str()
					}
				})
				return g
			})
		case 1:
			readMap(d, &s.Domains, func() vcem.Domain {
				return d.domain()
			})
		case 2:
			readMap(d, &s.Profiles, func() vcem.Profile {
				return d.profile(true)
			})
		case 3:
			macs = readPool[addrpool.MAC](d)
		case 4:
			wwnPool = readPool[addrpool.WWN](d)
		}
	})
	if d.fatal || len(d.probs) > 0 {
		return s
	}
	d.pushField("macs")
	s.MACs = macs.build(d)
	d.pop()
	d.pushField("wwns")
	s.WWNs = wwnPool.build(d)
	d.pop()
	if s.MACs != nil && s.WWNs != nil {
		// Pools without inUse: the profiles' VCEM-pool addresses. What
		// cannot be given (In use twice, outside every range) is left for
		// Validate to report by profile.
		for _, id := range sortedKeys(s.Profiles) {
			p := s.Profiles[id]
			eachAddr(p, func(m addrpool.MAC, t vcem.AddressType) {
				if t == vcem.AddressVCEMPool && macs.derive {
					_ = s.MACs.AllocateAddr(m, p.ID)
				}
			}, func(w addrpool.WWN, t vcem.AddressType) {
				if t == vcem.AddressVCEMPool && wwnPool.derive {
					_ = s.WWNs.AllocateAddr(w, p.ID)
				}
			})
		}
		if macs.derive {
			macs.markExternal(d, s.MACs, "macs")
		}
		if wwnPool.derive {
			wwnPool.markExternal(d, s.WWNs, "wwns")
		}
	}
	return s
}

// domain reads a vcem.Domain (liveDomains reads the VC domains' form with
// domainField: the same fields but the ID, which is the key).
func (d *decoder) domain() vcem.Domain {
	var dom vcem.Domain
	d.fields([]string{"id", "name", "manager", "groupId", "enclosures", "modules"}, 0b111, func(i int) {
		d.domainField(&dom, i)
	})
	return dom
}

func (d *decoder) domainField(dom *vcem.Domain, i int) {
	switch i {
	case 0:
		dom.ID = d.str()
	case 1:
		dom.Name = d.str()
	case 2:
		dom.Manager = d.str()
	case 3:
		dom.GroupID = d.str()
	case 4:
		dom.Enclosures = d.strings()
	case 5:
		d.array(func(int) {
			var m vcem.Module
			d.fields([]string{"enclosure", "bay", "type", "serial"}, 0b111, func(i int) {
				switch i {
				case 0:
					m.Enclosure = d.enum()
				case 1:
					m.Bay = d.integer()
				case 2:
					m.Type = d.enum()
				case 3:
					m.Serial = d.str()
				}
			})
			dom.Modules = append(dom.Modules, m)
		})
	}
}

// profile reads a vcem.Profile; without withID, a VC domain's profile,
// which has neither ID nor domain ID (VC does not know VCEM's IDs; the
// domain is the one holding it).
func (d *decoder) profile(withID bool) vcem.Profile {
	var p vcem.Profile
	names := []string{"id", "name", "domainId", "bay", "serialNumber", "ethernet", "iscsi", "fcoe", "fc"}
	required := uint64(0b111)
	if !withID {
		names = []string{"", "name", "", "bay", "serialNumber", "ethernet", "iscsi", "fcoe", "fc"}
		required = 0b10
	}
	d.fields(names, required, func(i int) {
		switch i {
		case 0:
			p.ID = d.str()
		case 1:
			p.Name = d.enum()
		case 2:
			p.DomainID = d.enum()
		case 3:
			p.Bay = d.str()
		case 4:
			p.SerialNumber = d.str()
		case 5:
			p.Ethernet = d.eth.read(d, d.macConnection)
		case 6:
			p.ISCSI = d.iscsi.read(d, func() vcem.ISCSIConnection { return vcem.ISCSIConnection(d.macConnection()) })
		case 7:
			p.FCoE = d.fcoe.read(d, func() vcem.FCoEConnection {
				var c vcem.FCoEConnection
				d.fields([]string{"port", "fabric", "mac", "portWWN", "nodeWWN", "addressType"}, 0b111101, func(i int) {
					switch i {
					case 0:
						c.Port = d.integer()
					case 1:
						c.Fabric = d.enum()
					case 2:
						c.MAC = d.mac()
					case 3:
						c.PortWWN = d.wwn()
					case 4:
						c.NodeWWN = d.wwn()
					case 5:
						c.AddressType = vcem.AddressType(d.enum())
					}
				})
				return c
			})
		case 8:
			p.FC = d.fc.read(d, func() vcem.FCConnection {
				var c vcem.FCConnection
				d.fields([]string{"port", "fabric", "portWWN", "nodeWWN", "addressType"}, 0b11101, func(i int) {
					switch i {
					case 0:
						c.Port = d.integer()
					case 1:
						c.Fabric = d.enum()
					case 2:
						c.PortWWN = d.wwn()
					case 3:
						c.NodeWWN = d.wwn()
					case 4:
						c.AddressType = vcem.AddressType(d.enum())
					}
				})
				return c
			})
		}
	})
	return p
}

// macConnection reads an Ethernet or iSCSI connection (the same fields).
func (d *decoder) macConnection() vcem.EthernetConnection {
	var c vcem.EthernetConnection
	d.fields([]string{"port", "network", "mac", "addressType"}, 0b1101, func(i int) {
		switch i {
		case 0:
			c.Port = d.integer()
		case 1:
			c.Network = d.enum()
		case 2:
			c.MAC = d.mac()
		case 3:
			c.AddressType = vcem.AddressType(d.enum())
		}
	})
	return c
}

// liveDomains reads the VC domains: an object by domain ID, each the
// domain's fields (but its ID) and its state.
func (d *decoder) liveDomains() []vcemtest.LiveDomainData {
	var out []vcemtest.LiveDomainData
	seen := map[string]bool{}
	d.object(func(key string, off int) {
		if seen[key] {
			d.repeated(key, off)
		}
		seen[key] = true
		ld := vcemtest.LiveDomainData{Domain: vcem.Domain{ID: key}, Profiles: []vcem.Profile{}}
		d.fields([]string{"", "name", "manager", "groupId", "enclosures", "modules", "managed", "reachable", "login", "profiles"}, 0b1011000110,
			func(i int) {
				switch {
				case i <= 5:
					d.domainField(&ld.Domain, i)
				case i == 6:
					ld.Managed = d.boolean()
				case i == 7:
					ld.Reachable = d.boolean()
				case i == 8:
					l := d.login()
					ld.Login = &vcemtest.Login{Username: l.Username, Password: l.Password}
				case i == 9:
					if ps := d.profiles.read(d, func() vcem.Profile {
						p := d.profile(false)
						p.DomainID = key
						return p
					}); ps != nil {
						ld.Profiles = ps
					}
				}
			})
		out = append(out, ld)
	})
	return out
}

func (d *decoder) login() Login {
	var l Login
	d.fields([]string{"username", "password"}, 0b11, func(i int) {
		if i == 0 {
			l.Username = d.str()
		} else {
			l.Password = d.str()
		}
	})
	return l
}

// poolData is a pool as read, built once the document is known good.
type poolData[A addrpool.Address] struct {
	ranges, exclusions, external []addrpool.Range[A]
	externalAt                   []int
	inUse                        []addrpool.Assignment[A]
	inUseAt                      []int
	derive                       bool // no inUse: the profiles' addresses
	at                           int
}

func readPool[A addrpool.Address](d *decoder) *poolData[A] {
	c, ok := d.next()
	if !ok {
		return nil
	}
	if c == 'n' {
		d.literal("null")
		return nil
	}
	p := &poolData[A]{derive: true, at: d.pos}
	rng := func(list *[]addrpool.Range[A], at *[]int) {
		d.array(func(int) {
			if at != nil {
				d.ws()
				*at = append(*at, d.pos)
			}
			var r addrpool.Range[A]
			d.fields([]string{"first", "last"}, 0b11, func(i int) {
				if i == 0 {
					r.First = readAddr[A](d)
				} else {
					r.Last = readAddr[A](d)
				}
			})
			*list = append(*list, r)
		})
	}
	d.fields([]string{"ranges", "exclusions", "inUse", "external"}, 0b1, func(i int) {
		switch i {
		case 0:
			rng(&p.ranges, nil)
		case 1:
			rng(&p.exclusions, nil)
		case 2:
			p.derive = false
			d.array(func(int) {
				d.ws()
				p.inUseAt = append(p.inUseAt, d.pos)
				var a addrpool.Assignment[A]
				d.fields([]string{"address", "owner"}, 0b11, func(i int) {
					if i == 0 {
						a.Addr = readAddr[A](d)
					} else {
						a.Owner = d.str()
					}
				})
				p.inUse = append(p.inUse, a)
			})
		case 3:
			rng(&p.external, &p.externalAt)
		}
	})
	return p
}

// readAddr reads a MAC or a WWN (the address type of a pool).
func readAddr[A addrpool.Address](d *decoder) A {
	var a A
	switch p := any(&a).(type) {
	case *addrpool.MAC:
		*p = d.mac()
	case *addrpool.WWN:
		*p = d.wwn()
	}
	return a
}

// build makes the pool, reporting what it refuses at the pool's path (the
// caller pushed it). External ranges of a derived pool wait for the
// profiles (markExternal).
func (p *poolData[A]) build(d *decoder) *addrpool.Pool[A] {
	if p == nil {
		return nil
	}
	pool, err := addrpool.NewPool(p.ranges, p.exclusions)
	if err != nil {
		d.problemAt(p.at, "", err, "%s", boundedErr(err))
		return nil
	}
	for i, a := range p.inUse {
		if a.Owner == "" {
			d.problemAt(p.inUseAt[i], fmt.Sprintf("inUse[%d]", i), nil, "%s %s: owner is empty", kindName[A](), a.Addr)
			continue
		}
		if err := pool.AllocateAddr(a.Addr, a.Owner); err != nil {
			d.problemAt(p.inUseAt[i], fmt.Sprintf("inUse[%d]", i), err, "%s", boundedErr(err))
		}
	}
	if !p.derive {
		p.markExternal(d, pool, "")
	}
	return pool
}

func (p *poolData[A]) markExternal(d *decoder, pool *addrpool.Pool[A], field string) {
	if field != "" {
		d.pushField(field)
		defer d.pop()
	}
	for i, r := range p.external {
		if err := pool.MarkExternalRange(r); err != nil {
			d.problemAt(p.externalAt[i], fmt.Sprintf("external[%d]", i), err, "%s", boundedErr(err))
		}
	}
}

func kindName[A addrpool.Address]() string {
	var a A
	if _, ok := any(a).(addrpool.MAC); ok {
		return "MAC"
	}
	return "WWN"
}

// --- SPM ----------------------------------------------------------------------

func (d *decoder) spmSection(st *state) {
	d.fields([]string{"catalog", "applied", "arrays", "recoveryMode", "services", "ui"}, 0b111101, func(i int) {
		switch i {
		case 0:
			st.catalog = d.spmSnapshot()
		case 1:
			d.delegate(func(raw []byte) error { return st.spmApplied.UnmarshalJSON(raw) })
		case 2:
			st.arrays = d.spmLive()
		case 3:
			d.fields([]string{"value", "writes"}, 0b11, func(i int) {
				if i == 0 {
					st.mode.Value = d.str()
				} else {
					st.mode.Writes = d.integer()
				}
			})
		case 4:
			d.delegate(func(raw []byte) error { return strictjson.Unmarshal(raw, &st.services) })
		case 5:
			d.fields([]string{"readyAfter", "polls", "manual", "login"}, 0b111, func(i int) {
				switch i {
				case 0:
					st.ui.ReadyAfter = d.integer()
				case 1:
					st.ui.Polls = d.integer()
				case 2:
					st.ui.Manual = d.boolean()
				case 3:
					l := d.login()
					st.ui.Login = &l
				}
			})
		}
	})
}

func (d *decoder) spmSnapshot() *spm.Snapshot {
	s := &spm.Snapshot{}
	d.fields([]string{"catalogId", "arrays", "volumes", "presentations", "services", "templates"}, 0b111111, func(i int) {
		switch i {
		case 0:
			s.CatalogID = d.str()
		case 1:
			readMap(d, &s.Arrays, func() spm.Array {
				var a spm.Array
				d.fields([]string{"id", "name", "type", "quarantined"}, 0b111, func(i int) {
					switch i {
					case 0:
						a.ID = d.str()
					case 1:
						a.Name = d.str()
					case 2:
						a.Type = spm.ArrayType(d.enum())
					case 3:
						a.Quarantined = d.boolean()
					}
				})
				return a
			})
		case 2:
			readMap(d, &s.Volumes, func() spm.Volume {
				return d.volume()
			})
		case 3:
			// The smallest presentation: {"volumeId":"","initiator":"","host":"","lun":0}.
			if n := d.hint(47); n > 0 {
				s.Presentations = slices.Grow(s.Presentations, n)
			}
			d.array(func(int) {
				var p spm.Presentation
				d.fields([]string{"volumeId", "initiator", "host", "lun"}, 0b1111, func(i int) {
					switch i {
					case 0:
						p.VolumeID = d.str()
					case 1:
						p.Initiator = d.wwn()
					case 2:
						p.Host = d.str()
					case 3:
						p.LUN = d.integer()
					}
				})
				s.Presentations = append(s.Presentations, p)
			})
		case 4:
			readMap(d, &s.Services, func() spm.Service {
				var v spm.Service
				d.fields([]string{"id", "name", "templateId", "conformant"}, 0b1011, func(i int) {
					switch i {
					case 0:
						v.ID = d.str()
					case 1:
						v.Name = d.str()
					case 2:
						v.TemplateID = d.str()
					case 3:
						v.Conformant = d.boolean()
					}
				})
				return v
			})
		case 5:
			readMap(d, &s.Templates, func() spm.Template {
				var t spm.Template
				d.fields([]string{"id", "name", "parentId"}, 0b11, func(i int) {
					switch i {
					case 0:
						t.ID = d.str()
					case 1:
						t.Name = d.str()
					case 2:
						t.ParentID = d.str()
					}
				})
				return t
			})
		}
	})
	return s
}

func (d *decoder) volume() spm.Volume {
	var v spm.Volume
	d.fields([]string{"id", "arrayId", "name", "wwn", "sizeBytes", "quarantined", "signature", "owningCatalog", "serviceId", "offline", "activation"},
		0b11111, func(i int) {
			switch i {
			case 0:
				v.ID = d.str()
			case 1:
				v.ArrayID = d.enum()
			case 2:
				v.Name = d.str()
			case 3:
				v.WWN = d.wwn()
			case 4:
				v.SizeBytes = d.unsigned()
			case 5:
				v.Quarantined = d.boolean()
			case 6:
				v.Signature = spm.SignatureState(d.enum())
			case 7:
				v.OwningCatalog = d.enum()
			case 8:
				v.ServiceID = d.str()
			case 9:
				v.Offline = d.boolean()
			case 10:
				v.Activation = d.enum()
			}
		})
	return v
}

func (d *decoder) spmLive() *spm.Live {
	c, ok := d.next()
	if !ok {
		return nil
	}
	if c == 'n' {
		d.literal("null")
		return nil
	}
	l := &spm.Live{}
	d.fields([]string{"arrays"}, 1, func(int) {
		readMap(d, &l.Arrays, func() spm.LiveArray {
			var a spm.LiveArray
			d.fields([]string{"id", "type", "volumes", "presentations"}, 0b1111, func(i int) {
				switch i {
				case 0:
					a.ID = d.str()
				case 1:
					a.Type = spm.ArrayType(d.enum())
				case 2:
					if n := d.hint(40); n > 0 { // {"wwn":"","name":"","sizeBytes":0,"signature":…}
						a.Volumes = slices.Grow(a.Volumes, n)
					}
					d.array(func(int) { a.Volumes = append(a.Volumes, d.liveVolume()) })
				case 3:
					if n := d.hint(47); n > 0 { // {"volumeWwn":"","initiator":"","host":"","lun":0}
						a.Presentations = slices.Grow(a.Presentations, n)
					}
					d.array(func(int) {
						var p spm.LivePresentation
						d.fields([]string{"volumeWwn", "initiator", "host", "lun"}, 0b1111, func(i int) {
							switch i {
							case 0:
								p.VolumeWWN = d.wwn()
							case 1:
								p.Initiator = d.wwn()
							case 2:
								p.Host = d.str()
							case 3:
								p.LUN = d.integer()
							}
						})
						a.Presentations = append(a.Presentations, p)
					})
				}
			})
			return a
		})
	})
	return l
}

func (d *decoder) liveVolume() spm.LiveVolume {
	var v spm.LiveVolume
	d.fields([]string{"wwn", "name", "sizeBytes", "signature"}, 0b1111, func(i int) {
		switch i {
		case 0:
			v.WWN = d.wwn()
		case 1:
			v.Name = d.str()
		case 2:
			v.SizeBytes = d.unsigned()
		case 3:
			d.fields([]string{"present", "corrupt", "version", "owningCatalog", "serviceId", "activation"}, 0b1, func(i int) {
				switch i {
				case 0:
					v.Signature.Present = d.boolean()
				case 1:
					v.Signature.Corrupt = d.boolean()
				case 2:
					v.Signature.Version = d.integer()
				case 3:
					v.Signature.OwningCatalog = d.enum()
				case 4:
					v.Signature.ServiceID = d.enum()
				case 5:
					v.Signature.Activation = d.enum()
				}
			})
		}
	})
	return v
}

// --- Matrix OE ----------------------------------------------------------------

func (d *decoder) moeSection(st *state) {
	d.fields([]string{"database", "applied", "live", "servicesFile"}, 0b1101, func(i int) {
		switch i {
		case 0:
			st.moeDB = d.moeSnapshot()
		case 1:
			d.delegate(func(raw []byte) error { return st.moeApplied.UnmarshalJSON(raw) })
		case 2:
			st.moeLive = d.moeLive()
		case 3:
			d.delegate(func(raw []byte) error { return st.servicesFile.UnmarshalJSON(raw) })
		}
	})
}

func (d *decoder) moeSnapshot() *matrixoe.Snapshot {
	s := matrixoe.NewSnapshot()
	d.fields([]string{"logicalServers", "storagePoolEntries", "services", "requests", "ipAllocations", "recoveryGroups"}, 0b111111, func(i int) {
		switch i {
		case 0:
			readMap(d, &s.LogicalServers, func() matrixoe.LogicalServer {
				return d.logicalServer()
			})
		case 1:
			readMap(d, &s.SPEs, func() matrixoe.StoragePoolEntry {
				return d.spe()
			})
		case 2:
			readMap(d, &s.Services, func() matrixoe.Service {
				var v matrixoe.Service
				d.fields([]string{"id", "name", "logicalServerIds"}, 0b11, func(i int) {
					switch i {
					case 0:
						v.ID = d.str()
					case 1:
						v.Name = d.str()
					case 2:
						v.LogicalServerIDs = d.strings()
					}
				})
				return v
			})
		case 3:
			readMap(d, &s.Requests, func() matrixoe.Request {
				var r matrixoe.Request
				d.fields([]string{"id", "name", "serviceId", "state"}, 0b1001, func(i int) {
					switch i {
					case 0:
						r.ID = d.str()
					case 1:
						r.Name = d.str()
					case 2:
						r.ServiceID = d.enum()
					case 3:
						r.State = matrixoe.RequestState(d.enum())
					}
				})
				return r
			})
		case 4:
			// The smallest member: "::":{"address":"::","allocated":false}.
			if n := d.hint(36); n > len(s.IPs) {
				ips := make(map[netip.Addr]matrixoe.IPAllocation, n)
				maps.Copy(ips, s.IPs)
				s.IPs = ips
			}
			d.object(func(key string, off int) {
				a, ok := d.ipKey(key, off)
				if _, dup := s.IPs[a]; ok && dup {
					d.repeated(key, off)
				}
				var ip matrixoe.IPAllocation
				d.fields([]string{"address", "network", "allocated", "serviceId", "owner"}, 0b101, func(i int) {
					switch i {
					case 0:
						ip.Address = d.addr()
					case 1:
						ip.Network = d.enum()
					case 2:
						ip.Allocated = d.boolean()
					case 3:
						ip.ServiceID = d.enum()
					case 4:
						ip.Owner = d.str()
					}
				})
				if ok {
					s.IPs[a] = ip
				}
			})
		case 5:
			readMap(d, &s.RecoveryGroups, func() matrixoe.RecoveryGroup {
				var rg matrixoe.RecoveryGroup
				d.fields([]string{"name", "set", "protectedLogicalServers", "replicationGroups", "enabled"}, 0b10011, func(i int) {
					switch i {
					case 0:
						rg.Name = d.str()
					case 1:
						rg.Set = d.enum()
					case 2:
						rg.ProtectedLS = d.strings()
					case 3:
						rg.ReplicationGroups = d.strings()
					case 4:
						rg.Enabled = d.boolean()
					}
				})
				return rg
			})
		}
	})
	return s
}

// readMap reads an object into *m (made when it is nil and the object
// has a member), by key, each value with read; a repeated key is a problem.
func readMap[V any](d *decoder, m *map[string]V, read func() V) {
	d.object(func(key string, off int) {
		if *m == nil {
			*m = map[string]V{}
		}
		if _, dup := (*m)[key]; dup {
			d.repeated(key, off)
		}
		(*m)[key] = read()
	})
}

// ipKey parses an object key holding an IP address, which must be in
// canonical form (as matrixoe's decoder requires, so that two spellings of
// one address cannot name one key twice).
func (d *decoder) ipKey(key string, off int) (netip.Addr, bool) {
	a, err := netip.ParseAddr(key)
	switch {
	case len(key) > 128 || err != nil:
		d.problemAt(off, "", nil, "bad key: not an IP address: %s", strictjson.QuoteShort(key))
		return a, false
	case a.String() != key:
		d.problemAt(off, "", nil, "bad key: IP address %s is not in canonical form: write %s", strictjson.QuoteShort(key), strictjson.QuoteShort(a.String()))
		return a, false
	}
	return a, true
}

func (d *decoder) logicalServer() matrixoe.LogicalServer {
	var ls matrixoe.LogicalServer
	d.fields([]string{"id", "name", "kind", "activated", "power", "profileId", "vmId", "speIds", "inoperable", "managed"}, 0b1000001111,
		func(i int) {
			switch i {
			case 0:
				ls.ID = d.str()
			case 1:
				ls.Name = d.str()
			case 2:
				ls.Kind = matrixoe.LSKind(d.enum())
			case 3:
				ls.Activated = d.boolean()
			case 4:
				ls.Power = matrixoe.PowerState(d.enum())
			case 5:
				ls.ProfileID = d.str()
			case 6:
				ls.VMID = d.str()
			case 7:
				ls.SPEIDs = d.strings()
			case 8:
				ls.Inoperable = d.boolean()
			case 9:
				ls.Managed = d.boolean()
			}
		})
	return ls
}

func (d *decoder) spe() matrixoe.StoragePoolEntry {
	var e matrixoe.StoragePoolEntry
	d.fields([]string{"id", "name", "kind", "volumeIds", "wwpns", "logicalServerId", "serviceId", "inoperable"}, 0b101, func(i int) {
		switch i {
		case 0:
			e.ID = d.str()
		case 1:
			e.Name = d.str()
		case 2:
			e.Kind = matrixoe.SPEKind(d.enum())
		case 3:
			e.VolumeIDs = d.strings()
		case 4:
			e.WWPNs = d.wwns.read(d, d.wwn)
		case 5:
			e.LogicalServerID = d.str()
		case 6:
			e.ServiceID = d.enum()
		case 7:
			e.Inoperable = d.boolean()
		}
	})
	return e
}

func (d *decoder) moeLive() matrixoetest.LiveData {
	var l matrixoetest.LiveData
	d.fields([]string{"vms", "ips", "services", "deletedServices", "createdServices", "serviceVMs", "rmExport"}, 0b111, func(i int) {
		switch i {
		case 0:
			readMap(d, &l.VMs, func() matrixoe.PowerState {
				return matrixoe.PowerState(d.enum())
			})
		case 1:
			l.IPs = make(matrixoe.IPOwners, d.hint(7)) // "::":""
			d.object(func(key string, off int) {
				a, ok := d.ipKey(key, off)
				if _, dup := l.IPs[a]; ok && dup {
					d.repeated(key, off)
				}
				owner := d.enum()
				if ok {
					l.IPs[a] = owner
				}
			})
		case 2:
			l.Services = d.strings()
		case 3:
			l.DeletedServices = d.strings()
		case 4:
			l.CreatedServices = d.strings()
		case 5:
			readMap(d, &l.ServiceVMs, func() []string {
				return d.strings()
			})
		case 6:
			c, ok := d.next()
			if ok && c == 'n' {
				d.literal("null")
				return
			}
			d.delegate(func(raw []byte) error {
				var e matrixoe.RMExport
				if err := e.UnmarshalJSON(raw); err != nil {
					return err
				}
				l.Export = &e
				return nil
			})
		}
	})
	return l
}
