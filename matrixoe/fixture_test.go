package matrixoe

import (
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
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
