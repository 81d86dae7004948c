package matrixoe

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

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
		{"terminate", TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestCancelled}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RequestCancelled, s.Requests["R1"].State)
		}},
		{"terminate completed request", TerminateRequest{RequestID: "R2", From: RequestInProgress, To: RequestCancelled}, ErrConflict, nil},
		{"terminate without states", TerminateRequest{RequestID: "R1"}, ErrInvalid, nil},
		{"terminate to the same state", TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestInProgress}, ErrInvalid, nil},
		{"terminate to a state of another vocabulary", TerminateRequest{RequestID: "R1", From: RequestInProgress, To: "aborted"}, nil, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RequestState("aborted"), s.Requests["R1"].State)
		}},
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
		{"nil change", nil, ErrUnknownChange, nil},
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
				assert.Equal(t, 1, sentinels(err), "exactly one sentinel in %v", err)
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

// ApplyAll is all or nothing: a batch that fails at any index leaves the
// snapshot exactly as it was (Equal, same Fingerprint, empty Diff), and the
// error names the index, kind and target of the failing change.
func TestApplyAllIsAllOrNothing(t *testing.T) {
	valid := []Change{ // apply in this order to world
		SetLSDeactivated{LogicalServerID: "LS1"},
		SetPowerState{LogicalServerID: "VM1", Power: PowerOn},
		AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"},
		RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"},
		DeleteVolumeFromSPM{VolumeID: "V2"},
		TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestCancelled},
		MarkIPAllocated{Address: addr(t, "10.0.0.2"), Owner: "svc"},
		ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG2", Set: "SET-B", ProtectedLS: []string{"LS1"}})},
		UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}},
		RemoveServiceDefinition{ServiceID: "S1", Name: "web"},
		DropLS{LogicalServerID: "LS1"},
	}
	bad := DropLS{LogicalServerID: "nope"}
	for at := 0; at <= len(valid); at++ {
		t.Run(fmt.Sprintf("failing at %d", at), func(t *testing.T) {
			s := world(t)
			before := s.Clone()
			fp, err := s.Fingerprint()
			require.NoError(t, err)
			batch := append(slices.Clone(valid[:at]), bad)
			batch = append(batch, valid[at:]...)
			err = ApplyAll(s, batch...)
			var ce *ChangeError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, ChangeError{Index: at, Kind: KindDropLS, Target: "logical server nope", Err: ce.Err}, *ce)
			assert.ErrorIs(t, err, ErrNotFound)
			assert.Equal(t, fmt.Sprintf(`matrixoe: change %d (matrixoe.DropLS, logical server nope): logical server "nope": not found`, at), err.Error())
			assert.True(t, s.Equal(before), "unchanged: %v", Diff(before, s))
			got, err := s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, fp, got)
			assert.Empty(t, Diff(before, s))
		})
	}
	s := world(t)
	require.NoError(t, ApplyAll(s, valid...))
	seq := world(t)
	for _, c := range valid {
		require.NoError(t, Apply(seq, c))
	}
	assert.True(t, s.Equal(seq), "ApplyAll is Apply in order: %v", Diff(seq, s))
	assert.NoError(t, s.Validate())
}

// A snapshot whose maps are nil is put back with nil maps, and one whose
// recovery groups an import replaced gets its own map back.
func TestApplyAllRollbackRestoresMapHeaders(t *testing.T) {
	s := &Snapshot{RecoveryGroups: map[string]RecoveryGroup{"RG1": {Name: "RG1", Set: "SET-A", Enabled: true}}}
	rgs := s.RecoveryGroups
	err := ApplyAll(s, ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG2", Set: "SET-A"})}, DropLS{LogicalServerID: "x"})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Nil(t, s.LogicalServers)
	assert.Nil(t, s.IPs)
	assert.Equal(t, map[string]RecoveryGroup{"RG1": {Name: "RG1", Set: "SET-A", Enabled: true}}, s.RecoveryGroups)
	s.RecoveryGroups["RG9"] = RecoveryGroup{}
	assert.Contains(t, rgs, "RG9", "the very map the caller had")
}

func TestApplyAllNilInputs(t *testing.T) {
	tests := []struct {
		name     string
		s        *Snapshot
		cs       []Change
		sentinel error
		kind     string
	}{
		{"nil snapshot", nil, []Change{DropLS{LogicalServerID: "LS1"}}, ErrInvalid, KindDropLS},
		{"nil snapshot, no changes", nil, nil, ErrInvalid, ""},
		{"nil change", NewSnapshot(), []Change{nil}, ErrUnknownChange, "<nil>"},
		{"typed nil change", NewSnapshot(), []Change{(*TerminateRequest)(nil)}, ErrUnknownChange, "<nil>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = ApplyAll(tc.s, tc.cs...) })
			var ce *ChangeError
			require.ErrorAs(t, err, &ce)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.kind, ce.Kind)
		})
	}
}

// Every change kind round-trips through plain json.Marshal (value and
// pointer) and DecodeChange, through json.Unmarshal into its own type, and
// as a Changes list.
func TestChangeJSONRoundTrip(t *testing.T) {
	kinds := map[string]bool{}
	for _, c := range allChanges(t) {
		t.Run(c.Kind(), func(t *testing.T) {
			kinds[c.Kind()] = true
			b, err := json.Marshal(c)
			require.NoError(t, err)
			var tag struct {
				Kind string `json:"kind"`
			}
			require.NoError(t, json.Unmarshal(b, &tag))
			assert.Equal(t, c.Kind(), tag.Kind)
			got, err := DecodeChange(b)
			require.NoError(t, err)
			assert.Equal(t, c, got)

			pb, err := json.Marshal(&c)
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(pb), "a pointer writes the same")

			own := reflect.New(reflect.TypeOf(c))
			require.NoError(t, json.Unmarshal(b, own.Interface()))
			assert.Equal(t, c, own.Elem().Interface())
		})
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(kinds)), codec.Kinds(), "every change kind is covered")

	// A list, as carried by findings.
	b, err := json.Marshal(Changes(allChanges(t)))
	require.NoError(t, err)
	var back Changes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, Changes(allChanges(t)), back)

	b, err = json.Marshal(Changes(nil))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b))
}

func TestDecodeChangeErrors(t *testing.T) {
	tests := []struct {
		name, in string
		sentinel error
		want     string
	}{
		{"not JSON", `{`, ErrInvalid, "want an object key"},
		{"not an object", `[]`, ErrInvalid, "want a JSON object"},
		{"null", `null`, ErrInvalid, `missing field "kind"`},
		{"no kind", `{"logicalServerId":"LS1"}`, ErrInvalid, `missing field "kind"`},
		{"kind not a string", `{"kind":7}`, ErrInvalid, "kind: want a string"},
		{"unknown kind", `{"kind":"vcem.MarkExternal"}`, ErrUnknownChange, `unknown kind "vcem.MarkExternal"`},
		{"kind twice", `{"kind":"matrixoe.DropLS","kind":"matrixoe.SetLSDeactivated","logicalServerId":"LS1"}`, ErrInvalid, `key "kind" repeated`},
		{"unknown field", `{"kind":"matrixoe.DropLS","lsId":"LS1"}`, ErrInvalid, `lsId: unknown field "lsId"`},
		{"case-folded field", `{"kind":"matrixoe.DropLS","LogicalServerID":"LS1"}`, ErrInvalid, `did you mean "logicalServerId"`},
		{"missing field", `{"kind":"matrixoe.AddVolumeToSPE","speId":"SPE1"}`, ErrInvalid, `volumeId: missing field "volumeId"`},
		{"repeated field", `{"kind":"matrixoe.DropLS","logicalServerId":"LS1","logicalServerId":"LS2"}`, ErrInvalid, `logicalServerId: key "logicalServerId" repeated`},
		{"wrong type", `{"kind":"matrixoe.DropLS","logicalServerId":7}`, ErrInvalid, `logicalServerId: want a string, have number "7"`},
		{"null field", `{"kind":"matrixoe.DropLS","logicalServerId":null}`, ErrInvalid, `logicalServerId: null is not allowed`},
		{"bad address", `{"kind":"matrixoe.MarkIPAllocated","address":"10.0.0.300"}`, ErrInvalid, `address: ParseAddr("10.0.0.300")`},
		{"trailing data", `{"kind":"matrixoe.DropLS","logicalServerId":"LS1"} {}`, ErrInvalid, "unexpected data after the JSON value"},
		{"nested unknown field", `{"kind":"matrixoe.ApplyRMExport","export":{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[{"name":"RG1","set":"A","enabled":true,"protected":[]}]}}`,
			ErrInvalid, `export.recoveryGroups[0].protected: unknown field "protected"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeChange([]byte(tc.in))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "matrixoe: change"), err.Error())
		})
	}
	var d DropLS
	err := json.Unmarshal([]byte(`{"kind":"matrixoe.SetLSDeactivated","logicalServerId":"LS1"}`), &d)
	require.ErrorIs(t, err, ErrInvalid, "a change of another kind into a DropLS")
	assert.Equal(t, DropLS{}, d)
}

// randomChange is a change of a random kind on random records of s, known
// or not, so that batches mix effects, re-applications and failures.
func randomChange(r *rand.Rand, s *Snapshot) Change {
	pick := func(keys []string, extra string) string {
		keys = append(keys, extra)
		return keys[r.IntN(len(keys))]
	}
	ls := pick(sortedKeys(s.LogicalServers), "LS-unknown")
	spe := pick(sortedKeys(s.SPEs), "SPE-unknown")
	vol := fmt.Sprintf("V%d", r.IntN(26))
	req := pick(sortedKeys(s.Requests), "R-unknown")
	svc := pick(sortedKeys(s.Services), "S-unknown")
	rg := pick(sortedKeys(s.RecoveryGroups), "RG-unknown")
	a := netip.AddrFrom4([4]byte{10, 0, 0, byte(1 + r.IntN(9))})
	states := []RequestState{RequestScheduled, RequestInProgress, RequestCompleted}
	switch r.IntN(11) {
	case 0:
		return SetLSDeactivated{LogicalServerID: ls}
	case 1:
		return DropLS{LogicalServerID: ls}
	case 2:
		return SetPowerState{LogicalServerID: ls, Power: []PowerState{PowerOn, PowerOff, "standby"}[r.IntN(3)]}
	case 3:
		return AddVolumeToSPE{SPEID: spe, VolumeID: vol}
	case 4:
		return RemoveVolumeFromSPE{SPEID: spe, VolumeID: vol}
	case 5:
		return DeleteVolumeFromSPM{VolumeID: vol}
	case 6:
		return TerminateRequest{RequestID: req, From: states[r.IntN(3)], To: RequestCancelled}
	case 7:
		return RemoveServiceDefinition{ServiceID: svc}
	case 8:
		return MarkIPAllocated{Address: a, Owner: []string{"", "x"}[r.IntN(2)]}
	case 9:
		return ApplyRMExport{Export: *export(RecoveryGroup{Name: rg, Set: []string{"SET-A", "SET-B"}[r.IntN(2)], ProtectedLS: []string{ls}})}
	default:
		return UpdateRecoveryGroup{Name: rg, RemoveProtected: []string{ls}}
	}
}

// sentinels counts the package's sentinels err wraps: every Apply error
// wraps exactly one.
func sentinels(err error) int {
	n := 0
	for _, s := range []error{ErrNotFound, ErrConflict, ErrInvalid, ErrUnknownChange} {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

// ApplyAll (in place, with an undo log and a batch volume index) gives
// exactly what applying each change with Apply gives — state and error —
// on random batches of every kind of change that include conflicts,
// re-applications and unknown records; a refused batch leaves the snapshot
// Equal to what it was, with the same Fingerprint, and an accepted one
// stays valid.
func TestApplyAllMatchesApplyOnRandomBatches(t *testing.T) {
	oks, fails := 0, 0
	for seed := range uint64(300) {
		e := randomEstate(t, seed)
		r := rand.New(rand.NewPCG(seed, 11))
		var changes []Change
		for range 1 + r.IntN(5) {
			changes = append(changes, randomChange(r, e.ms))
		}
		// The longest prefix Apply accepts, and the first error.
		seq := e.ms.Clone()
		var seqErr *ChangeError
		for i, c := range changes {
			if err := Apply(seq, c); err != nil {
				require.ErrorAs(t, err, &seqErr)
				seqErr.Index = i
				break
			}
		}
		batch := e.ms.Clone()
		before, err := batch.Fingerprint()
		require.NoError(t, err)
		err = ApplyAll(batch, changes...)
		if seqErr != nil {
			require.Error(t, err, "seed %d", seed)
			assert.Equal(t, seqErr.Error(), err.Error(), "seed %d", seed)
			assert.Equal(t, 1, sentinels(err), "seed %d: exactly one sentinel in %v", seed, err)
			assert.True(t, batch.Equal(e.ms), "seed %d: all or nothing: %v", seed, Diff(e.ms, batch))
			after, ferr := batch.Fingerprint()
			require.NoError(t, ferr)
			assert.Equal(t, before, after, "seed %d", seed)
			fails++
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		assert.True(t, batch.Equal(seq), "seed %d: %v", seed, Diff(seq, batch))
		assert.NoError(t, batch.Validate(), "seed %d", seed)
		oks++
	}
	t.Logf("%d batches applied, %d refused", oks, fails)
	assert.Positive(t, oks, "some batches apply")
	assert.Positive(t, fails, "some batches are refused")
}

// The change decoder never panics, and whatever it accepts encodes
// to a form that decodes to the same bytes again (a saved plan is stable).
func FuzzDecodeChange(f *testing.F) {
	for _, c := range allChanges(f) {
		b, err := json.Marshal(c)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"matrixoe.MarkIPAllocated","address":"fe80::1%eth0"}`))
	f.Add([]byte(`{"kind":"matrixoe.ApplyRMExport","export":{"exportedAt":"2026-11-25T10:00:00+05:30","recoveryGroups":[]}}`))
	f.Add([]byte(`{"kind":"matrixoe.UpdateRecoveryGroup","name":"RG1","removeProtected":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeChange(data)
		if err != nil {
			assert.Nil(t, c)
			assert.True(t, errors.Is(err, ErrInvalid) || errors.Is(err, ErrUnknownChange), "%v", err)
			return
		}
		require.NotNil(t, c)
		b1, err := json.Marshal(c)
		require.NoError(t, err)
		c2, err := DecodeChange(b1)
		require.NoError(t, err, "re-decoding %s", b1)
		b2, err := json.Marshal(c2)
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
