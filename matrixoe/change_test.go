package matrixoe

import (
	"encoding/json"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestApply(t *testing.T) {
	a1, a2, a9 := addr(t, "10.0.0.1"), addr(t, "10.0.0.2"), addr(t, "10.0.0.9")
	tests := []struct {
		name    string
		change  Change
		wantErr error
		check   func(t *testing.T, s *Snapshot)
	}{
		{"deactivate", SetLSDeactivated{LogicalServerID: "LS1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.False(t, s.LogicalServers["LS1"].Activated)
		}},
		{"deactivate unknown", SetLSDeactivated{LogicalServerID: "nope"}, ErrNotFound, nil},
		{"drop: gone from services, SPE loses its owner, RG left to RM phase", DropLS{LogicalServerID: "LS1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.NotContains(t, s.LogicalServers, "LS1")
			assert.Equal(t, []string{"VM1"}, s.Services["S1"].LogicalServerIDs)
			assert.Empty(t, s.SPEs["SPE1"].LogicalServerID)
			assert.Contains(t, s.RecoveryGroups["RG1"].ProtectedLS, "LS1")
		}},
		{"drop unknown", DropLS{LogicalServerID: "nope"}, ErrNotFound, nil},
		{"power on", SetPowerState{LogicalServerID: "VM1", Power: PowerOn}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, PowerOn, s.LogicalServers["VM1"].Power)
		}},
		{"power to unknown is invalid", SetPowerState{LogicalServerID: "VM1", Power: PowerUnknown}, ErrInvalid, nil},
		{"power bogus", SetPowerState{LogicalServerID: "VM1", Power: "standby"}, ErrInvalid, nil},
		{"add volume", AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2", "V8"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"add volume already in that SPE: no-op", AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"add volume to carved SPE", AddVolumeToSPE{SPEID: "SPEc", VolumeID: "V8"}, ErrConflict, nil},
		{"add volume to unknown SPE", AddVolumeToSPE{SPEID: "nope", VolumeID: "V8"}, ErrNotFound, nil},
		{"add empty volume id", AddVolumeToSPE{SPEID: "SPE1"}, ErrInvalid, nil},
		{"remove volume", RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"remove volume not in SPE: no-op", RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V9"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"delete volume from SPM drops SPE references", DeleteVolumeFromSPM{VolumeID: "V2"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"delete volume nobody references", DeleteVolumeFromSPM{VolumeID: "V9"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{"terminate", TerminateRequest{RequestID: "R1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RequestCancelled, s.Requests["R1"].State)
		}},
		{"terminate completed request", TerminateRequest{RequestID: "R2"}, ErrConflict, nil},
		{"remove service: requests gone, IPs freed", RemoveServiceDefinition{ServiceID: "S1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Empty(t, s.Services)
			assert.Empty(t, s.Requests)
			assert.False(t, s.IPs[a1].Allocated)
			assert.Empty(t, s.IPs[a1].ServiceID)
			assert.Contains(t, s.LogicalServers, "LS1", "logical servers are LSM's, not IO's")
		}},
		{"remove unknown service", RemoveServiceDefinition{ServiceID: "nope"}, ErrNotFound, nil},
		{"mark IP", MarkIPAllocated{Address: a2, Owner: "new"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, IPAllocation{Address: a2, Network: "net1", Allocated: true, Owner: "new"}, s.IPs[a2])
		}},
		{"mark IP already allocated", MarkIPAllocated{Address: a1}, ErrConflict, nil},
		{"mark IP outside pools", MarkIPAllocated{Address: a9}, ErrNotFound, nil},
		{"apply export replaces by name and adds", ApplyRMExport{Export: *export(
			RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}},
			RecoveryGroup{Name: "RG2", Set: "SET-B"})}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}}, s.RecoveryGroups["RG1"])
			assert.Contains(t, s.RecoveryGroups, "RG2")
		}},
		{"apply export with other set", ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-B"})}, ErrConflict, nil},
		{"apply invalid export", ApplyRMExport{Export: RMExport{}}, ErrInvalid, nil},
		{"update group", UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"LS1"}, s.RecoveryGroups["RG1"].ProtectedLS)
		}},
		{"update group: LS not listed: no-op", UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS9"}}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"LS1", "VM1"}, s.RecoveryGroups["RG1"].ProtectedLS)
		}},
		{"update group: nothing to remove", UpdateRecoveryGroup{Name: "RG1"}, ErrInvalid, nil},
		{"update unknown group", UpdateRecoveryGroup{Name: "RG9", RemoveProtected: []string{"LS1"}}, ErrNotFound, nil},
		{"pointer form is accepted", &SetLSDeactivated{LogicalServerID: "LS1"}, nil, func(t *testing.T, s *Snapshot) {
			assert.False(t, s.LogicalServers["LS1"].Activated)
		}},
		{"nil change", nil, ErrInvalid, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := world(t)
			before, err := orig.Fingerprint()
			require.NoError(t, err)
			s := orig.Clone()
			err = Apply(s, tc.change)
			after, ferr := orig.Fingerprint()
			require.NoError(t, ferr)
			assert.Equal(t, before, after, "the original is untouched by changes to a clone")
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				var ce *ChangeError
				require.ErrorAs(t, err, &ce)
				got, ferr := s.Fingerprint()
				require.NoError(t, ferr)
				assert.Equal(t, before, got, "a failed change leaves the snapshot unchanged")
				return
			}
			require.NoError(t, err)
			require.NoError(t, s.Validate(), "a change keeps the snapshot valid")
			tc.check(t, s)
		})
	}
}

func TestChangeErrorNamesKindAndTarget(t *testing.T) {
	err := Apply(world(t), DropLS{LogicalServerID: "LS42"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), KindDropLS)
	assert.Contains(t, err.Error(), "LS42")
}

func TestApplyAllIsAllOrNothing(t *testing.T) {
	s := world(t)
	before, err := s.Fingerprint()
	require.NoError(t, err)
	err = ApplyAll(s, SetLSDeactivated{LogicalServerID: "LS1"}, DropLS{LogicalServerID: "nope"})
	var ie *IndexedError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 1, ie.Index)
	assert.Contains(t, err.Error(), "change #1: ")
	assert.ErrorIs(t, err, ErrNotFound)
	after, err := s.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, before, after)

	require.NoError(t, ApplyAll(s, SetLSDeactivated{LogicalServerID: "LS1"}, DropLS{LogicalServerID: "VM1"}))
	assert.False(t, s.LogicalServers["LS1"].Activated)
	assert.NotContains(t, s.LogicalServers, "VM1")
}

func allChanges(t testing.TB) []Change {
	return []Change{
		SetLSDeactivated{LogicalServerID: "LS1"},
		DropLS{LogicalServerID: "LS1"},
		SetPowerState{LogicalServerID: "VM1", Power: PowerOn},
		AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"},
		RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"},
		DeleteVolumeFromSPM{VolumeID: "V2"},
		TerminateRequest{RequestID: "R1"},
		RemoveServiceDefinition{ServiceID: "S1", Name: "web"},
		MarkIPAllocated{Address: addr(t, "10.0.0.2"), Owner: "svc"},
		ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}, ReplicationGroups: []string{"SRG"}, Enabled: true})},
		UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS1"}},
	}
}

func TestChangeJSONRoundTrip(t *testing.T) {
	kinds := map[string]bool{}
	for _, c := range allChanges(t) {
		t.Run(c.Kind(), func(t *testing.T) {
			kinds[c.Kind()] = true
			b, err := MarshalChange(c)
			require.NoError(t, err)
			var tag struct{ Kind string }
			require.NoError(t, json.Unmarshal(b, &tag))
			assert.Equal(t, c.Kind(), tag.Kind)
			got, err := UnmarshalChange(b)
			require.NoError(t, err)
			assert.Equal(t, c, got)
		})
	}
	assert.Len(t, kinds, 11, "every change kind is covered")

	// A list, as carried by findings.
	b, err := json.Marshal(Changes(allChanges(t)))
	require.NoError(t, err)
	var back Changes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, Changes(allChanges(t)), back)
}

func TestUnmarshalChangeErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", `{`, "decode change"},
		{"no kind", `{"logicalServerId":"LS1"}`, "missing \"kind\""},
		{"unknown kind", `{"kind":"vcem.MarkExternal"}`, `unknown kind "vcem.MarkExternal"`},
		{"unknown field", `{"kind":"matrixoe.DropLS","lsId":"LS1"}`, "lsId"},
		{"wrong type", `{"kind":"matrixoe.DropLS","logicalServerId":7}`, "matrixoe.DropLS"},
		{"bad address", `{"kind":"matrixoe.MarkIPAllocated","address":"10.0.0.300"}`, "10.0.0.300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := UnmarshalChange([]byte(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestFindingJSONRoundTrip(t *testing.T) {
	f := Finding{
		Code: CodeVolumeWWNReused, Severity: SeverityWarning,
		Subject: Subject{VolumeID: "V8", SPEID: "SPE1", WWPNs: []addrpool.WWN{wwn(t, "50:01:43:80:02:a3:00:01")}, Address: addr(t, "10.0.0.1")},
		Message: "m", Changes: Changes{AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"}},
	}
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"matrixoe.AddVolumeToSPE"`)
	assert.Contains(t, string(b), `"50:01:43:80:02:A3:00:01"`)
	var back Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, f, back)

	assert.Equal(t, "LSM-VOL-WWN-REUSED [warning] m", f.String())

	manual := Finding{Code: CodeLSInoperable, Severity: SeverityWarning, Subject: Subject{LogicalServerID: "LS3"}, Message: "m", Manual: "unmanage"}
	b, err = json.Marshal(manual)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "changes")
	assert.NotContains(t, string(b), "address")
	var back2 Finding
	require.NoError(t, json.Unmarshal(b, &back2))
	assert.Equal(t, manual, back2)
}
