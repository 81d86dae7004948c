package matrixoe

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// ApplyAll (which looks volumes up in a batch index) gives exactly
// what applying each change with Apply gives — state and error — on random
// sequences of volume changes that include conflicts, re-applications and
// unknown entries.
func TestApplyAllMatchesApplyOnRandomVolumeChanges(t *testing.T) {
	oks, fails := 0, 0
	for seed := range uint64(300) {
		e := randomEstate(t, seed)
		r := rand.New(rand.NewPCG(seed, 11))
		speIDs := append(sortedKeys(e.ms.SPEs), "SPE-unknown")
		var changes []Change
		for range 1 + r.IntN(12) {
			vol := fmt.Sprintf("V%d", r.IntN(26))
			spe := speIDs[r.IntN(len(speIDs))]
			switch r.IntN(3) {
			case 0:
				changes = append(changes, AddVolumeToSPE{SPEID: spe, VolumeID: vol})
			case 1:
				changes = append(changes, RemoveVolumeFromSPE{SPEID: spe, VolumeID: vol})
			default:
				changes = append(changes, DeleteVolumeFromSPM{VolumeID: vol})
			}
		}
		// The longest prefix Apply accepts, and the first error.
		seq := e.ms.Clone()
		var seqErr error
		for i, c := range changes {
			if err := Apply(seq, c); err != nil {
				seqErr = &IndexedError{Index: i, Err: err}
				break
			}
		}
		batch := e.ms.Clone()
		err := ApplyAll(batch, changes...)
		if seqErr != nil {
			require.Error(t, err, "seed %d", seed)
			assert.Equal(t, seqErr.Error(), err.Error(), "seed %d", seed)
			assert.Empty(t, Diff(e.ms, batch), "seed %d: all or nothing", seed)
			fails++
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		assert.Empty(t, Diff(seq, batch), "seed %d", seed)
		assert.NoError(t, batch.Validate(), "seed %d", seed)
		oks++
	}
	t.Logf("%d batches applied, %d refused", oks, fails)
	assert.Positive(t, oks, "some batches apply")
	assert.Positive(t, fails, "some batches are refused")
}

// The change decoder never panics, and whatever it accepts encodes
// to a form that decodes to the same bytes again (a saved plan is stable).
func FuzzUnmarshalChange(f *testing.F) {
	for _, c := range allChanges(f) {
		b, err := MarshalChange(c)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"matrixoe.MarkIPAllocated","address":"fe80::1%eth0"}`))
	f.Add([]byte(`{"kind":"matrixoe.ApplyRMExport","export":{"exportedAt":"2026-11-25T10:00:00+05:30","recoveryGroups":[]}}`))
	f.Add([]byte(`{"kind":"matrixoe.UpdateRecoveryGroup","name":"RG1","removeProtected":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := UnmarshalChange(data)
		if err != nil {
			assert.Nil(t, c)
			return
		}
		require.NotNil(t, c)
		b1, err := MarshalChange(c)
		require.NoError(t, err)
		c2, err := UnmarshalChange(b1)
		require.NoError(t, err, "re-decoding %s", b1)
		b2, err := MarshalChange(c2)
		require.NoError(t, err)
		assert.Equal(t, string(b1), string(b2))
		assert.Equal(t, c.Kind(), c2.Kind())
		// Applying a decoded change never panics.
		assert.NotPanics(t, func() { _ = Apply(NewSnapshot(), c) })
	})
}

// Every change names its record in Target and describes itself in String,
// both mentioning the record's ID, so plans and journals read well.
func TestChangeTargetAndString(t *testing.T) {
	ids := map[string]string{
		KindSetLSDeactivated: "LS1", KindDropLS: "LS1", KindSetPowerState: "VM1",
		KindAddVolumeToSPE: "SPE1", KindRemoveVolumeFromSPE: "SPE1", KindDeleteVolumeFromSPM: "V2",
		KindTerminateRequest: "R1", KindRemoveServiceDefinition: "S1", KindMarkIPAllocated: "10.0.0.2",
		KindApplyRMExport: "recovery groups", KindUpdateRecoveryGroup: "RG1",
	}
	for _, c := range allChanges(t) {
		t.Run(c.Kind(), func(t *testing.T) {
			id, ok := ids[c.Kind()]
			if !assert.True(t, ok, "kind missing from the table") {
				return
			}
			assert.Contains(t, c.Target(), id)
			if c.Kind() != KindApplyRMExport {
				assert.Contains(t, c.String(), id)
			}
			assert.NotEqual(t, c.Target(), c.String())
		})
	}
}
