package vcem_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

func fingerprint(t testing.TB, s *vcem.Snapshot) string {
	t.Helper()
	f, err := s.Fingerprint()
	require.NoError(t, err)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, f)
	return f
}

// editProfile replaces profile id with a copy edited by fn; the connection
// slices are copied first, as clones share profiles.
func editProfile(s *vcem.Snapshot, id string, fn func(p *vcem.Profile)) {
	p := s.Profiles[id]
	p.Ethernet = append([]vcem.EthernetConnection(nil), p.Ethernet...)
	p.ISCSI = append([]vcem.ISCSIConnection(nil), p.ISCSI...)
	p.FCoE = append([]vcem.FCoEConnection(nil), p.FCoE...)
	p.FC = append([]vcem.FCConnection(nil), p.FC...)
	fn(&p)
	s.Profiles[id] = p
}

// editDomain is editProfile for domains.
func editDomain(s *vcem.Snapshot, id string, fn func(d *vcem.Domain)) {
	d := s.Domains[id]
	d.Enclosures = append([]string(nil), d.Enclosures...)
	d.Modules = append([]vcem.Module(nil), d.Modules...)
	fn(&d)
	s.Domains[id] = d
}

func editGroup(s *vcem.Snapshot, id string, fn func(g *vcem.DomainGroup)) {
	g := s.Groups[id]
	fn(&g)
	s.Groups[id] = g
}

// rekey moves an entry to another key, keeping its value (and its ID).
func rekey[V any](m map[string]V, from, to string) {
	m[to] = m[from]
	delete(m, from)
}

// fullSnapshot is baseSnapshot plus a profile with every connection kind, so
// that every field of the model is present at least once.
func fullSnapshot(t testing.TB) *vcem.Snapshot {
	t.Helper()
	s := baseSnapshot(t)
	s.Profiles["d2:all"] = vcem.Profile{ID: "d2:all", Name: "all", DomainID: "d2", Bay: "enc2:4", SerialNumber: "CZ1234",
		Ethernet: []vcem.EthernetConnection{{Port: 1, Network: "prod", MAC: 0x0017A4770010, AddressType: vcem.AddressUserDefined}},
		ISCSI:    []vcem.ISCSIConnection{{Port: 2, Network: "san", MAC: 0x0017A4770012, AddressType: vcem.AddressUserDefined}},
		FCoE:     []vcem.FCoEConnection{{Port: 3, Fabric: "fab-a", MAC: 0x0017A4770014, PortWWN: 0x50060B0000C26200, NodeWWN: 0x50060B0000C26201, AddressType: vcem.AddressFactoryDefault}},
		FC:       []vcem.FCConnection{{Port: 4, Fabric: "fab-b", PortWWN: 0x50060B0000C26210, NodeWWN: 0x50060B0000C26211, AddressType: vcem.AddressFactoryDefault}},
	}
	return s
}

// TestFingerprintChangesOnEverySingleFieldChange is the "unequal ⇒
// different fingerprint" half of the property, field by field; every
// mutated snapshot must also differ from every other one.
func TestFingerprintChangesOnEverySingleFieldChange(t *testing.T) {
	macOf := func(s *vcem.Snapshot, id string) addrpool.MAC { return s.Profiles[id].Ethernet[0].MAC }
	tests := []struct {
		name   string
		mutate func(t *testing.T, s *vcem.Snapshot)
	}{
		{"group key", func(_ *testing.T, s *vcem.Snapshot) { rekey(s.Groups, "g2", "g2x") }},
		{"group ID", func(_ *testing.T, s *vcem.Snapshot) { editGroup(s, "g2", func(g *vcem.DomainGroup) { g.ID = "g2x" }) }},
		{"group name", func(_ *testing.T, s *vcem.Snapshot) {
			editGroup(s, "g2", func(g *vcem.DomainGroup) { g.Name = "Tests" })
		}},
		{"group added", func(_ *testing.T, s *vcem.Snapshot) { s.Groups["g3"] = vcem.DomainGroup{ID: "g3"} }},
		{"group removed", func(_ *testing.T, s *vcem.Snapshot) { delete(s.Groups, "g2") }},
		{"domain key", func(_ *testing.T, s *vcem.Snapshot) { rekey(s.Domains, "d3", "d3x") }},
		{"domain ID", func(_ *testing.T, s *vcem.Snapshot) { editDomain(s, "d3", func(d *vcem.Domain) { d.ID = "d3x" }) }},
		{"domain name", func(_ *testing.T, s *vcem.Snapshot) { editDomain(s, "d3", func(d *vcem.Domain) { d.Name = "Lab2" }) }},
		{"domain manager", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d3", func(d *vcem.Domain) { d.Manager = "10.0.0.9" })
		}},
		{"domain group", func(_ *testing.T, s *vcem.Snapshot) { editDomain(s, "d3", func(d *vcem.Domain) { d.GroupID = "g1" }) }},
		{"domain leaves its group", func(_ *testing.T, s *vcem.Snapshot) { editDomain(s, "d3", func(d *vcem.Domain) { d.GroupID = "" }) }},
		{"enclosure renamed", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Enclosures[0] = "enc9" })
		}},
		{"enclosure added", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Enclosures = append(d.Enclosures, "enc9") })
		}},
		{"module added", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d2", func(d *vcem.Domain) { d.Modules = append(d.Modules, mod("enc2", 2, "FlexFabric")) })
		}},
		{"module enclosure", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Modules[0].Enclosure = "enc9" })
		}},
		{"module bay", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Modules[0].Bay = 2 })
		}},
		{"module type", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Modules[0].Type = "FlexFabric" })
		}},
		{"module serial", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Modules[0].Serial = "new" })
		}},
		{"modules swapped", func(_ *testing.T, s *vcem.Snapshot) {
			editDomain(s, "d1", func(d *vcem.Domain) { d.Modules[0], d.Modules[1] = d.Modules[1], d.Modules[0] })
		}},
		{"profile key", func(_ *testing.T, s *vcem.Snapshot) { rekey(s.Profiles, "d3:x", "d3:y") }},
		{"profile ID", func(_ *testing.T, s *vcem.Snapshot) { editProfile(s, "d3:x", func(p *vcem.Profile) { p.ID = "d3:y" }) }},
		{"profile name", func(_ *testing.T, s *vcem.Snapshot) { editProfile(s, "d3:x", func(p *vcem.Profile) { p.Name = "y" }) }},
		// JSON writes both invalid UTF-8 names as U+FFFD; Equal and the
		// fingerprint must still tell them apart.
		{"profile name invalid UTF-8 (FF)", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d3:x", func(p *vcem.Profile) { p.Name = "\xff" })
		}},
		{"profile name invalid UTF-8 (FE)", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d3:x", func(p *vcem.Profile) { p.Name = "\xfe" })
		}},
		{"profile domain", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d3:x", func(p *vcem.Profile) { p.DomainID = "d2" })
		}},
		{"profile assigned", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d3:x", func(p *vcem.Profile) { p.Bay = "enc3:1" })
		}},
		{"profile serial", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d3:x", func(p *vcem.Profile) { p.SerialNumber = "CZ9" })
		}},
		{"profile text moves between fields", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.Name, p.Bay = "allenc2", ":4" })
		}},
		{"ethernet port", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.Ethernet[0].Port = 9 })
		}},
		{"ethernet network", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.Ethernet[0].Network = "dev" })
		}},
		{"ethernet MAC", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.Ethernet[0].MAC++ })
		}},
		{"ethernet address type", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.Ethernet[0].AddressType = vcem.AddressFactoryDefault })
		}},
		{"ethernet ports swapped", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d1:web", func(p *vcem.Profile) { p.Ethernet[0], p.Ethernet[1] = p.Ethernet[1], p.Ethernet[0] })
		}},
		{"ethernet removed", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d1:web", func(p *vcem.Profile) { p.Ethernet = p.Ethernet[:1] })
		}},
		{"iscsi port", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.ISCSI[0].Port = 9 })
		}},
		{"iscsi network", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.ISCSI[0].Network = "dev" })
		}},
		{"iscsi MAC", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.ISCSI[0].MAC++ })
		}},
		{"iscsi address type", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.ISCSI[0].AddressType = vcem.AddressVCEMPool })
		}},
		{"ethernet connection becomes iscsi", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) {
				e := p.Ethernet[0]
				p.Ethernet = nil
				p.ISCSI = append([]vcem.ISCSIConnection{{Port: e.Port, Network: e.Network, MAC: e.MAC, AddressType: e.AddressType}}, p.ISCSI...)
			})
		}},
		{"fcoe port", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].Port = 9 })
		}},
		{"fcoe fabric", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].Fabric = "fab-z" })
		}},
		{"fcoe MAC", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].MAC++ })
		}},
		{"fcoe port WWN", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].PortWWN += 2 })
		}},
		{"fcoe node WWN", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].NodeWWN += 2 })
		}},
		{"fcoe address type", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FCoE[0].AddressType = vcem.AddressUserDefined })
		}},
		{"fc port", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].Port = 9 })
		}},
		{"fc fabric", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].Fabric = "fab-z" })
		}},
		{"fc port WWN", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].PortWWN += 2 })
		}},
		{"fc node WWN", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].NodeWWN += 2 })
		}},
		{"fc port and node WWN swapped", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].PortWWN, p.FC[0].NodeWWN = p.FC[0].NodeWWN, p.FC[0].PortWWN })
		}},
		{"fc address type", func(_ *testing.T, s *vcem.Snapshot) {
			editProfile(s, "d2:all", func(p *vcem.Profile) { p.FC[0].AddressType = vcem.AddressUserDefined })
		}},
		{"profile deleted with its addresses", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, vcem.Apply(s, vcem.DeleteProfile{ProfileID: "d3:x"}))
		}},
		{"pool: free MAC marked External", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x300))
		}},
		{"pool: two adjacent MACs External (one run)", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x300))
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x301))
		}},
		{"pool: two separate MACs External (two runs)", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x300))
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x302))
		}},
		{"pool: free WWN marked External", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.WWNs.MarkExternal(testWWNFirst+0x300))
		}},
		{"pool: in-use MAC released", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.Release(macOf(s, "d3:x")))
		}},
		{"pool: in-use MAC released and marked External", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.Release(macOf(s, "d3:x")))
			require.NoError(t, s.MACs.MarkExternal(macOf(s, "d3:x")))
		}},
		{"pool: in-use MAC given to another owner", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.Release(macOf(s, "d3:x")))
			require.NoError(t, s.MACs.AllocateAddr(macOf(s, "d3:x"), "d1:web"))
		}},
		{"pool: free MAC allocated", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.MACs.AllocateAddr(testMACFirst+0x300, "d3:x"))
		}},
		{"pool: free WWN allocated", func(t *testing.T, s *vcem.Snapshot) {
			require.NoError(t, s.WWNs.AllocateAddr(testWWNFirst+0x300, "d3:x"))
		}},
		{"pool: MAC range added", func(t *testing.T, s *vcem.Snapshot) {
			s.MACs = rebuiltMACs(t, s, []addrpool.Range[addrpool.MAC]{testMACRange(), addrpool.MustRange(testMACFirst+0x1000, testMACFirst+0x10FF)}, nil)
		}},
		{"pool: MAC exclusion added", func(t *testing.T, s *vcem.Snapshot) {
			s.MACs = rebuiltMACs(t, s, []addrpool.Range[addrpool.MAC]{testMACRange()}, []addrpool.Range[addrpool.MAC]{addrpool.MustRange(testMACFirst+0x300, testMACFirst+0x30F)})
		}},
		{"pool: excluded MAC marked External", func(t *testing.T, s *vcem.Snapshot) {
			s.MACs = rebuiltMACs(t, s, []addrpool.Range[addrpool.MAC]{testMACRange()}, []addrpool.Range[addrpool.MAC]{addrpool.MustRange(testMACFirst+0x300, testMACFirst+0x30F)})
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x301))
		}},
		{"pool: MAC pool missing", func(_ *testing.T, s *vcem.Snapshot) { s.MACs = nil }},
		{"pool: WWN pool missing", func(_ *testing.T, s *vcem.Snapshot) { s.WWNs = nil }},
		{"both pools missing", func(_ *testing.T, s *vcem.Snapshot) { s.MACs, s.WWNs = nil, nil }},
	}
	base := fullSnapshot(t)
	baseFP := fingerprint(t, base)
	seen := map[string]string{baseFP: "base"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base.Clone()
			tt.mutate(t, s)
			f := fingerprint(t, s)
			assert.NotEqual(t, baseFP, f, "fingerprint did not change")
			assert.False(t, base.Equal(s), "Equal missed the change")
			assert.False(t, s.Equal(base), "Equal is not symmetric")
			if other, dup := seen[f]; dup {
				assert.Failf(t, "two different mutations fingerprint the same", "%q and %q", other, tt.name)
			}
			seen[f] = tt.name
			assert.Equal(t, baseFP, fingerprint(t, base), "the mutation leaked into the base snapshot")
		})
	}
}

// rebuiltMACs returns a MAC pool with the given shape holding s's In use
// and External MACs.
func rebuiltMACs(t *testing.T, s *vcem.Snapshot, ranges, exclusions []addrpool.Range[addrpool.MAC]) *addrpool.Pool[addrpool.MAC] {
	t.Helper()
	p, err := addrpool.NewPool(ranges, exclusions)
	require.NoError(t, err)
	for a, owner := range s.MACs.InUse() {
		require.NoError(t, p.AllocateAddr(a, owner))
	}
	for a := range s.MACs.External() {
		require.NoError(t, p.MarkExternal(a))
	}
	return p
}

// TestFingerprintIgnoresRepresentation is the "equal ⇒ same fingerprint"
// half: differences that Equal does not count must not change the hash.
func TestFingerprintIgnoresRepresentation(t *testing.T) {
	empty := func(t testing.TB) *vcem.Snapshot {
		s, err := vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{testMACRange()}, nil, []addrpool.Range[addrpool.WWN]{testWWNRange()}, nil)
		require.NoError(t, err)
		return s
	}
	tests := []struct {
		name   string
		base   func(t testing.TB) *vcem.Snapshot
		mutate func(t *testing.T, s *vcem.Snapshot)
	}{
		{"clone", fullSnapshot, func(*testing.T, *vcem.Snapshot) {}},
		{"nil maps instead of empty", empty, func(_ *testing.T, s *vcem.Snapshot) {
			s.Groups, s.Domains, s.Profiles = nil, nil, nil
		}},
		{"empty slices instead of nil", func(t testing.TB) *vcem.Snapshot {
			s := empty(t)
			s.Domains["d"] = vcem.Domain{ID: "d"}
			s.Profiles["p"] = vcem.Profile{ID: "p"}
			return s
		}, func(_ *testing.T, s *vcem.Snapshot) {
			s.Domains["d"] = vcem.Domain{ID: "d", Enclosures: []string{}, Modules: []vcem.Module{}}
			s.Profiles["p"] = vcem.Profile{ID: "p", Ethernet: []vcem.EthernetConnection{}, ISCSI: []vcem.ISCSIConnection{}, FCoE: []vcem.FCoEConnection{}, FC: []vcem.FCConnection{}}
		}},
		{"JSON round trip", func(t testing.TB) *vcem.Snapshot {
			s := fullSnapshot(t)
			require.NoError(t, s.MACs.MarkExternal(testMACFirst+0x300))
			return s
		}, func(t *testing.T, s *vcem.Snapshot) {
			b, err := json.Marshal(s)
			require.NoError(t, err)
			var back vcem.Snapshot
			require.NoError(t, json.Unmarshal(b, &back))
			*s = back
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base(t)
			s := base.Clone()
			tt.mutate(t, s)
			assert.True(t, base.Equal(s))
			assert.True(t, s.Equal(base))
			assert.Equal(t, fingerprint(t, base), fingerprint(t, s))
		})
	}
}

// TestFingerprintIgnoresBuildOrder builds one estate many times, inserting
// map entries, pool ranges, exclusions, allocations and External marks in
// shuffled orders (seeded), and expects one fingerprint.
func TestFingerprintIgnoresBuildOrder(t *testing.T) {
	ranges := []addrpool.Range[addrpool.MAC]{
		addrpool.MustRange(testMACFirst, testMACFirst+0xFF),
		addrpool.MustRange(testMACFirst+0x1000, testMACFirst+0x10FF),
		addrpool.MustRange(testMACFirst+0x2000, testMACFirst+0x20FF),
	}
	exclusions := []addrpool.Range[addrpool.MAC]{
		addrpool.MustRange(testMACFirst+0x10, testMACFirst+0x1F),
		addrpool.MustRange(testMACFirst+0x1010, testMACFirst+0x101F),
	}
	type op struct {
		external bool
		mac      addrpool.MAC
		owner    string
	}
	var ops []op
	var profiles []vcem.Profile
	for i := range 40 {
		id := fmt.Sprintf("p%02d", i)
		mac := testMACFirst + 0x1000 + addrpool.MAC(0x20+i)
		profiles = append(profiles, vcem.Profile{ID: id, Name: id, DomainID: "d1",
			Ethernet: []vcem.EthernetConnection{{Port: 1, MAC: mac, AddressType: vcem.AddressVCEMPool}}})
		ops = append(ops, op{mac: mac, owner: id})
	}
	for _, m := range []addrpool.MAC{testMACFirst + 0x12, testMACFirst + 0x40, testMACFirst + 0x41, testMACFirst + 0x2000} {
		ops = append(ops, op{external: true, mac: m})
	}
	wwns, err := addrpool.NewPool([]addrpool.Range[addrpool.WWN]{testWWNRange()}, nil)
	require.NoError(t, err)

	build := func(rng *rand.Rand) *vcem.Snapshot {
		s := &vcem.Snapshot{Groups: map[string]vcem.DomainGroup{}, Domains: map[string]vcem.Domain{}, Profiles: map[string]vcem.Profile{}, WWNs: wwns.Clone()}
		rs, xs := append([]addrpool.Range[addrpool.MAC](nil), ranges...), append([]addrpool.Range[addrpool.MAC](nil), exclusions...)
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		macs, err := addrpool.NewPool(rs, xs)
		require.NoError(t, err)
		s.MACs = macs
		o := append([]op(nil), ops...)
		rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		for _, op := range o {
			if op.external {
				require.NoError(t, macs.MarkExternal(op.mac))
			} else {
				require.NoError(t, macs.AllocateAddr(op.mac, op.owner))
			}
		}
		for _, i := range rng.Perm(len(profiles)) {
			s.Profiles[profiles[i].ID] = profiles[i]
		}
		for _, i := range rng.Perm(5) {
			id := fmt.Sprintf("g%d", i)
			s.Groups[id] = vcem.DomainGroup{ID: id, Name: "group " + id}
			did := fmt.Sprintf("d%d", i)
			s.Domains[did] = vcem.Domain{ID: did, GroupID: id}
		}
		return s
	}
	rng := rand.New(rand.NewPCG(1, 2))
	first := build(rng)
	want := fingerprint(t, first)
	for i := range 20 {
		t.Run(fmt.Sprint("order ", i), func(t *testing.T) {
			s := build(rng)
			assert.True(t, first.Equal(s))
			assert.Equal(t, want, fingerprint(t, s))
		})
	}
}

// TestFingerprintCoversEveryModelField walks every leaf field of a group,
// a domain and a profile by reflection, changes it alone and expects a new
// fingerprint and Equal false. A field added to the model later is covered
// automatically; a field of a kind the walk does not know fails the test so
// that the encoder and Equal get updated with it.
func TestFingerprintCoversEveryModelField(t *testing.T) {
	base := fullSnapshot(t)
	baseFP := fingerprint(t, base)
	targets := []struct {
		what  string
		get   func(s *vcem.Snapshot) any
		store func(s *vcem.Snapshot, v any)
	}{
		{"group", func(s *vcem.Snapshot) any { return s.Groups["g1"] },
			func(s *vcem.Snapshot, v any) { s.Groups["g1"] = v.(vcem.DomainGroup) }},
		{"domain", func(s *vcem.Snapshot) any { return s.Domains["d1"] },
			func(s *vcem.Snapshot, v any) { s.Domains["d1"] = v.(vcem.Domain) }},
		{"profile", func(s *vcem.Snapshot) any { return s.Profiles["d2:all"] },
			func(s *vcem.Snapshot, v any) { s.Profiles["d2:all"] = v.(vcem.Profile) }},
	}
	for _, tg := range targets {
		n := len(leaves(t, reflect.ValueOf(deepCopy(t, tg.get(base))).Elem(), tg.what))
		require.Positive(t, n)
		for i := range n {
			cp := deepCopy(t, tg.get(base))
			leaf := leaves(t, reflect.ValueOf(cp).Elem(), tg.what)[i]
			t.Run(leaf.path, func(t *testing.T) {
				leaf.mutate()
				s := base.Clone()
				tg.store(s, reflect.ValueOf(cp).Elem().Interface())
				assert.NotEqual(t, baseFP, fingerprint(t, s))
				assert.False(t, base.Equal(s))
			})
		}
	}
}

type leaf struct {
	path   string
	mutate func()
}

// deepCopy returns a pointer to a deep copy of v made through JSON (the
// model types round-trip exactly).
func deepCopy(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	p := reflect.New(reflect.TypeOf(v))
	require.NoError(t, json.Unmarshal(b, p.Interface()))
	return p.Interface()
}

// leaves lists the settable leaf fields under v (struct fields, and the
// first element of every slice, which must not be empty).
func leaves(t *testing.T, v reflect.Value, path string) []leaf {
	t.Helper()
	require.True(t, v.CanSet(), "%s cannot be set: teach this test about unexported fields", path)
	switch v.Kind() {
	case reflect.Struct:
		var out []leaf
		for i := range v.NumField() {
			out = append(out, leaves(t, v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
		return out
	case reflect.Slice:
		require.Positive(t, v.Len(), "%s is empty in the test snapshot: its fields would go unchecked", path)
		return append(leaves(t, v.Index(0), path+"[0]"), leaf{path + "[+]", func() { v.Set(reflect.Append(v, v.Index(0))) }})
	case reflect.String:
		return []leaf{{path, func() { v.SetString(v.String() + "~") }}}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return []leaf{{path, func() { v.SetInt(v.Int() + 1) }}}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []leaf{{path, func() { v.SetUint(v.Uint() ^ 1) }}}
	default:
		require.Failf(t, "unhandled field kind", "%s is a %s: teach the canonical encoding, Equal and this test about it", path, v.Kind())
		return nil
	}
}

// TestFingerprintNilSnapshot: a nil snapshot has a fingerprint of its own,
// distinct from an empty one, as Equal tells them apart too.
// A nil snapshot is an empty one, for Equal, Fingerprint and Diff alike.
func TestFingerprintNilSnapshot(t *testing.T) {
	var nilSnap *vcem.Snapshot
	tests := []struct {
		name  string
		other *vcem.Snapshot
		equal bool
	}{
		{"nil and nil", nil, true},
		{"nil and empty", &vcem.Snapshot{}, true},
		{"nil and empty maps", &vcem.Snapshot{Groups: map[string]vcem.DomainGroup{}, Domains: map[string]vcem.Domain{}, Profiles: map[string]vcem.Profile{}}, true},
		{"nil and a full snapshot", fullSnapshot(t), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.equal, nilSnap.Equal(tt.other))
			assert.Equal(t, tt.equal, tt.other.Equal(nilSnap))
			assert.Equal(t, tt.equal, fingerprint(t, nilSnap) == fingerprint(t, tt.other))
			assert.Equal(t, tt.equal, len(vcem.Diff(nilSnap, tt.other)) == 0)
		})
	}
}

// TestFingerprintConcurrentReaders runs Fingerprint, Equal and Validate on
// one snapshot from several goroutines (run with -race): they only read.
func TestFingerprintConcurrentReaders(t *testing.T) {
	s := baseSnapshot(t)
	c := s.Clone()
	want := fingerprint(t, s)
	const readers = 4
	type result struct {
		fp    string
		equal bool
		err   error
	}
	results := make(chan result, readers)
	for range readers {
		go func() {
			fp, err := s.Fingerprint()
			if err == nil {
				err = s.Validate()
			}
			results <- result{fp, s.Equal(c), err}
		}()
	}
	for range readers {
		r := <-results
		require.NoError(t, r.err)
		assert.Equal(t, want, r.fp)
		assert.True(t, r.equal)
	}
}

// A Fingerprinter fingerprints a sequence of versions of one snapshot as
// Fingerprint does, whether a version keeps the keys, renames one (same
// count), adds or removes one, in each keyed part.
func TestFingerprinterIsFingerprint(t *testing.T) {
	var f vcem.Fingerprinter
	s := fullSnapshot(t)
	steps := []struct {
		name string
		edit func(s *vcem.Snapshot)
	}{
		{"first", func(*vcem.Snapshot) {}},
		{"again, unchanged", func(*vcem.Snapshot) {}},
		{"a profile changed", func(s *vcem.Snapshot) { editProfile(s, "d2:all", func(p *vcem.Profile) { p.Bay = "enc2:5" }) }},
		{"a profile rekeyed", func(s *vcem.Snapshot) { rekey(s.Profiles, "d2:all", "d2:every") }},
		{"a profile removed", func(s *vcem.Snapshot) { delete(s.Profiles, "d2:every") }},
		{"a domain rekeyed", func(s *vcem.Snapshot) { rekey(s.Domains, "d3", "d3x") }},
		{"a group added", func(s *vcem.Snapshot) { s.Groups["g9"] = vcem.DomainGroup{ID: "g9"} }},
		{"a group rekeyed", func(s *vcem.Snapshot) { rekey(s.Groups, "g9", "g8") }},
		{"everything but the pools emptied", func(s *vcem.Snapshot) {
			s.Groups, s.Domains, s.Profiles = nil, nil, nil
		}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.edit(s)
			got, err := f.Fingerprint(s)
			require.NoError(t, err)
			assert.Equal(t, fingerprint(t, s), got)
		})
	}
	got, err := (*vcem.Fingerprinter)(nil).Fingerprint(fullSnapshot(t))
	require.NoError(t, err)
	assert.Equal(t, fingerprint(t, fullSnapshot(t)), got, "a nil Fingerprinter")
}

// A profile's Clone shares no connection slice: editing the clone's
// connections in place leaves the original as it was.
func TestProfileCloneSharesNothing(t *testing.T) {
	p := fullSnapshot(t).Profiles["d2:all"]
	c := p.Clone()
	require.Equal(t, p, c)
	c.Ethernet[0].MAC++
	c.ISCSI[0].MAC++
	c.FCoE[0].PortWWN++
	c.FC[0].NodeWWN++
	assert.Equal(t, fullSnapshot(t).Profiles["d2:all"], p)
	assert.Equal(t, vcem.Profile{}.Clone(), vcem.Profile{}, "nil slices stay nil")
}
