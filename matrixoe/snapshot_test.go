package matrixoe

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotJSONRoundTrip(t *testing.T) {
	s := world(t)
	s.IPs[addr(t, "10.0.0.2")] = IPAllocation{Address: addr(t, "10.0.0.2"), Allocated: true, Owner: "post-backup"}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)
	require.NoError(t, back.Validate())
	f1, err := s.Fingerprint()
	require.NoError(t, err)
	f2, err := back.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, f1, f2)
}

func TestSnapshotUnmarshalAllocatesMaps(t *testing.T) {
	var s Snapshot
	require.NoError(t, json.Unmarshal([]byte(`{}`), &s))
	assert.NotNil(t, s.LogicalServers)
	assert.NotNil(t, s.IPs)
	assert.NotNil(t, s.RecoveryGroups)
	require.Error(t, json.Unmarshal([]byte(`{"logicalServers":[]}`), &s))
}

func TestCloneIsIndependent(t *testing.T) {
	s := world(t)
	before, err := s.Fingerprint()
	require.NoError(t, err)
	c := s.Clone()
	require.NoError(t, ApplyAll(c,
		DropLS{LogicalServerID: "LS1"}, AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V9"},
		MarkIPAllocated{Address: addr(t, "10.0.0.2")}, UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}}))
	after, err := s.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, before, after)
	cf, err := c.Fingerprint()
	require.NoError(t, err)
	assert.NotEqual(t, before, cf)
}

func TestFingerprintDeterministic(t *testing.T) {
	a, b := world(t), world(t)
	fa, err := a.Fingerprint()
	require.NoError(t, err)
	for range 20 { // map iteration order varies between runs of Marshal
		fb, err := b.Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, fa, fb)
	}
	assert.Len(t, fa, 64)
}

func TestValidate(t *testing.T) {
	w := wwn(t, "50:01:43:80:02:a3:00:01")
	tests := []struct {
		name string
		edit func(s *Snapshot)
		want []string // substrings, one per expected problem
	}{
		{"valid", func(*Snapshot) {}, nil},
		{"map key differs from ID", func(s *Snapshot) {
			ls := s.LogicalServers["LS1"]
			delete(s.LogicalServers, "LS1")
			ls.SPEIDs = nil
			s.LogicalServers["LSx"] = ls
			s.SPEs["SPE1"] = StoragePoolEntry{ID: "SPE1", Kind: SPECatalog}
			s.Services["S1"] = Service{ID: "S1", Name: "web"}
			s.RecoveryGroups = map[string]RecoveryGroup{}
		}, []string{`logical server "LSx": id field is "LS1"`}},
		{"bad kind, power, missing profile", func(s *Snapshot) {
			s.LogicalServers["VM1"] = LogicalServer{ID: "VM1", Name: "v", Kind: "lpar", Power: "dim", Managed: true}
		}, []string{`logical server "VM1": unknown kind "lpar"`, `unknown power state "dim"`}},
		{"vc server without profile, with vmId", func(s *Snapshot) {
			ls := s.LogicalServers["LS1"]
			ls.ProfileID, ls.VMID = "", "vm-x"
			s.LogicalServers["LS1"] = ls
		}, []string{"vc-physical server without profileId", `vc-physical server with vmId "vm-x"`}},
		{"vm without vmId, with profile", func(s *Snapshot) {
			ls := s.LogicalServers["VM1"]
			ls.VMID, ls.ProfileID = "", "P9"
			s.LogicalServers["VM1"] = ls
		}, []string{"vm server without vmId", `vm server with profileId "P9"`}},
		{"two servers own one profile", func(s *Snapshot) {
			s.LogicalServers["LS2"] = LogicalServer{ID: "LS2", Name: "x", Kind: LSPhysicalVC, ProfileID: "P1"}
		}, []string{`logical server "LS2": profile "P1" already owned by logical server "LS1"`}},
		{"LS lists unknown SPE", func(s *Snapshot) {
			ls := s.LogicalServers["VM1"]
			ls.SPEIDs = []string{"SPE9"}
			s.LogicalServers["VM1"] = ls
		}, []string{`logical server "VM1": storage pool entry "SPE9" does not exist`}},
		{"SPE back-link broken both ways", func(s *Snapshot) {
			s.SPEs["SPE2"] = StoragePoolEntry{ID: "SPE2", Kind: SPECatalog, LogicalServerID: "VM1"}
		}, []string{`storage pool entry "SPE2": logical server "VM1" does not list it`}},
		{"SPE unknown kind, volume in two SPEs, unknown service", func(s *Snapshot) {
			s.SPEs["SPE2"] = StoragePoolEntry{ID: "SPE2", Kind: "thin", VolumeIDs: []string{"V1"}, ServiceID: "S9", WWPNs: nil}
		}, []string{`storage pool entry "SPE2": unknown kind "thin"`, `volume "V1" also in storage pool entry "SPE1"`, `storage pool entry "SPE2": service "S9" does not exist`}},
		{"duplicate service names, unknown LS", func(s *Snapshot) {
			s.Services["S2"] = Service{ID: "S2", Name: "web", LogicalServerIDs: []string{"LS9", "LS9"}}
		}, []string{`service "S2": name "web" also used by service "S1"`, `logical server "LS9" listed twice`, `service "S2": logical server "LS9" does not exist`}},
		{"request with bad state and unknown service", func(s *Snapshot) {
			s.Requests["R9"] = Request{ID: "R9", State: "running", ServiceID: "S9"}
		}, []string{`request "R9": unknown state "running"`, `request "R9": service "S9" does not exist`}},
		{"IP free but owned, key mismatch", func(s *Snapshot) {
			a := addr(t, "10.0.0.2")
			s.IPs[a] = IPAllocation{Address: addr(t, "10.0.0.3"), ServiceID: "S1"}
		}, []string{`IP allocation 10.0.0.2: address field is 10.0.0.3`, `IP allocation 10.0.0.2: free but has serviceId "S1"`}},
		{"IPv4-mapped key", func(s *Snapshot) {
			a := netip.AddrFrom16(addr(t, "10.0.0.9").As16())
			s.IPs[a] = IPAllocation{Address: a}
		}, []string{"IPv4-mapped form; key IPv4 addresses as 10.0.0.9"}},
		{"recovery group without set, LS twice", func(s *Snapshot) {
			s.RecoveryGroups["RG2"] = RecoveryGroup{Name: "RG2", ProtectedLS: []string{"LS1", "LS1"}}
		}, []string{`recovery group "RG2": empty recovery group set`, `recovery group "RG2": logical server "LS1" protected twice`}},
		{"recovery group listing a deleted LS is not a problem", func(s *Snapshot) {
			s.RecoveryGroups["RG2"] = RecoveryGroup{Name: "RG2", Set: "S", ProtectedLS: []string{"gone"}}
		}, nil},
		{"SPE WWPNs are free form", func(s *Snapshot) {
			e := s.SPEs["SPEc"]
			e.WWPNs = append(e.WWPNs, w)
			s.SPEs["SPEc"] = e
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := world(t)
			tc.edit(s)
			err := s.Validate()
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.GreaterOrEqual(t, len(ve.Problems), len(tc.want))
		})
	}
}
