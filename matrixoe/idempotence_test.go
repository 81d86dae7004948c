package matrixoe

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allKinds lists every change kind; TestReapplyEveryKind must cover each.
func allKinds() []string {
	return []string{
		KindSetLSDeactivated, KindDropLS, KindSetPowerState, KindAddVolumeToSPE,
		KindRemoveVolumeFromSPE, KindDeleteVolumeFromSPM, KindTerminateRequest,
		KindRemoveServiceDefinition, KindMarkIPAllocated, KindApplyRMExport,
		KindUpdateRecoveryGroup,
	}
}

// removalKinds are the changes that remove a whole record: re-applying one
// is an error wrapping ErrNotFound (package doc, "Re-applying changes").
func removalKinds() []string {
	return []string{KindDropLS, KindRemoveServiceDefinition}
}

// TestReapplyEveryKind applies each change to the world twice: the first
// application changes the snapshot, the second is a no-op with an identical
// Fingerprint (or, for a removal, ErrNotFound with the snapshot unchanged).
// The second application uses the change as read back from its JSON form,
// as a resuming engine would from its journal.
func TestReapplyEveryKind(t *testing.T) {
	a2 := addr(t, "10.0.0.2")
	tests := []struct {
		change Change
		// effect checks the first application did something.
		effect func(t *testing.T, s *Snapshot)
	}{
		{SetLSDeactivated{LogicalServerID: "LS1"}, func(t *testing.T, s *Snapshot) {
			assert.False(t, s.LogicalServers["LS1"].Activated)
		}},
		{DropLS{LogicalServerID: "LS1"}, func(t *testing.T, s *Snapshot) {
			assert.NotContains(t, s.LogicalServers, "LS1")
		}},
		{SetPowerState{LogicalServerID: "VM1", Power: PowerOn}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, PowerOn, s.LogicalServers["VM1"].Power)
		}},
		{AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V8"}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2", "V8"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{DeleteVolumeFromSPM{VolumeID: "V2"}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1"}, s.SPEs["SPE1"].VolumeIDs)
		}},
		{TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestCancelled}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RequestCancelled, s.Requests["R1"].State)
		}},
		{RemoveServiceDefinition{ServiceID: "S1", Name: "web"}, func(t *testing.T, s *Snapshot) {
			assert.NotContains(t, s.Services, "S1")
		}},
		{MarkIPAllocated{Address: a2, Owner: "svc"}, func(t *testing.T, s *Snapshot) {
			assert.True(t, s.IPs[a2].Allocated)
			assert.Equal(t, "svc", s.IPs[a2].Owner)
		}},
		{ApplyRMExport{Export: *export(
			RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}, ReplicationGroups: []string{"SRG1"}, Enabled: true},
			RecoveryGroup{Name: "RG2", Set: "SET-B", ReplicationGroups: []string{"SRG2"}})}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"LS1"}, s.RecoveryGroups["RG1"].ProtectedLS)
			assert.Contains(t, s.RecoveryGroups, "RG2")
		}},
		{UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"LS1"}, s.RecoveryGroups["RG1"].ProtectedLS)
		}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		kind := tc.change.Kind()
		covered[kind] = true
		t.Run(kind, func(t *testing.T) {
			s := world(t)
			before, err := s.Fingerprint()
			require.NoError(t, err)
			require.NoError(t, Apply(s, tc.change))
			once, err := s.Fingerprint()
			require.NoError(t, err)
			require.NotEqual(t, before, once, "the first application changes the snapshot")
			tc.effect(t, s)

			b, err := json.Marshal(tc.change)
			require.NoError(t, err)
			replay, err := DecodeChange(b)
			require.NoError(t, err)
			err = Apply(s, replay)
			if slices.Contains(removalKinds(), kind) {
				require.ErrorIs(t, err, ErrNotFound, "re-applying a removal is an error")
				var ce *ChangeError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, kind, ce.Kind)
				assert.Equal(t, tc.change.Target(), ce.Target)
			} else {
				require.NoError(t, err, "re-applying is a no-op")
			}
			twice, err := s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, once, twice, "the second application leaves the snapshot as the first did")
			assert.NoError(t, s.Validate())
		})
	}
	assert.ElementsMatch(t, allKinds(), codec.Kinds(), "allKinds lists every registered kind")
	for _, k := range allKinds() {
		assert.True(t, covered[k], "kind %s is not covered", k)
	}
}

// TestReapplyConflicts: a change whose record is in a state the change
// cannot reach stays an error naming the IDs, and changes nothing.
func TestReapplyConflicts(t *testing.T) {
	w1, w2 := wwn(t, "50:01:43:80:02:a3:00:01"), wwn(t, "50:01:43:80:02:a3:00:02")
	a1, a2 := addr(t, "10.0.0.1"), addr(t, "10.0.0.2")
	base := func(t *testing.T) *Snapshot {
		s := newMS().
			spe("SPE1", SPECatalog, []string{"V1"}, w1).spe("SPE2", SPECatalog, []string{"V2"}, w2).
			spe("SPEc", SPECarved, []string{"V3"}).
			vc("LS1", "P1", true, "SPE1").vc("LS2", "P2", true, "SPE2").
			service("S1", "web", "LS1").
			request("Rdone", "S1", RequestCompleted).request("Rfail", "S1", RequestFailed).
			ip(a1, "S1").ip(a2, "").
			rg("RG1", "SET-A", "LS1").
			build(t)
		// a2 already recorded as allocated by an earlier MarkIPAllocated.
		require.NoError(t, Apply(s, MarkIPAllocated{Address: a2, Owner: "svc-new"}))
		return s
	}
	tests := []struct {
		name    string
		change  Change
		wantErr error
		// every string must appear in the error text
		names []string
	}{
		{"add a volume held by another entry", AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V2"}, ErrConflict, []string{`"V2"`, `"SPE2"`, `"SPE1"`}},
		{"add a volume to a carved entry that lists it", AddVolumeToSPE{SPEID: "SPEc", VolumeID: "V3"}, ErrConflict, []string{`"SPEc"`, "carved"}},
		{"terminate a completed request", TerminateRequest{RequestID: "Rdone", From: RequestScheduled, To: RequestCancelled}, ErrConflict, []string{`"Rdone"`, `"completed"`, `"scheduled"`}},
		{"terminate a failed request", TerminateRequest{RequestID: "Rfail", From: RequestScheduled, To: RequestCancelled}, ErrConflict, []string{`"Rfail"`, `"failed"`}},
		{"mark an address held by a restored service", MarkIPAllocated{Address: a1}, ErrConflict, []string{"10.0.0.1", `service "S1"`}},
		{"mark an address held by another owner", MarkIPAllocated{Address: a2, Owner: "svc-other"}, ErrConflict, []string{"10.0.0.2", `owner "svc-new"`}},
		{"export references a replication group in two sets", ApplyRMExport{Export: *export(
			RecoveryGroup{Name: "RG1", Set: "SET-A", ReplicationGroups: []string{"SRG1"}},
			RecoveryGroup{Name: "RG7", Set: "SET-B", ReplicationGroups: []string{"SRG1"}})}, ErrConflict, []string{`"SRG1"`, `"RG1"`, `"RG7"`, `"SET-B"`}},
		{"drop an absent server", DropLS{LogicalServerID: "LS9"}, ErrNotFound, []string{`"LS9"`}},
		{"remove an absent service", RemoveServiceDefinition{ServiceID: "S9"}, ErrNotFound, []string{`"S9"`}},
		{"remove a volume from an absent entry", RemoveVolumeFromSPE{SPEID: "SPE9", VolumeID: "V1"}, ErrNotFound, []string{`"SPE9"`}},
		{"update an absent group", UpdateRecoveryGroup{Name: "RG9", RemoveProtected: []string{"LS1"}}, ErrNotFound, []string{`"RG9"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base(t)
			before, err := s.Fingerprint()
			require.NoError(t, err)
			err = Apply(s, tc.change)
			require.ErrorIs(t, err, tc.wantErr)
			for _, n := range tc.names {
				assert.Contains(t, err.Error(), n)
			}
			after, err := s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused change leaves the snapshot unchanged")
		})
	}
}

// TestReapplyEdgeCases covers no-ops that are not plain repeats.
func TestReapplyEdgeCases(t *testing.T) {
	a2 := addr(t, "10.0.0.2")
	tests := []struct {
		name   string
		setup  []Change // applied first
		change Change
		check  func(t *testing.T, s *Snapshot)
	}{
		{"a request cancelled before the backup counts as terminated", nil, TerminateRequest{RequestID: "Rc", From: RequestScheduled, To: RequestCancelled}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, RequestCancelled, s.Requests["Rc"].State)
		}},
		{"update a group where only some servers are still listed", []Change{UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}}},
			UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1", "LS1"}}, func(t *testing.T, s *Snapshot) {
				assert.Empty(t, s.RecoveryGroups["RG1"].ProtectedLS)
			}},
		{"mark an address allocated with an empty owner twice", []Change{MarkIPAllocated{Address: a2}}, MarkIPAllocated{Address: a2}, func(t *testing.T, s *Snapshot) {
			assert.True(t, s.IPs[a2].Allocated)
		}},
		{"deactivate a server that phase 2 deactivated and the DB already had deactivated", []Change{SetLSDeactivated{LogicalServerID: "LS1"}},
			SetLSDeactivated{LogicalServerID: "LS1"}, func(t *testing.T, s *Snapshot) {
				assert.False(t, s.LogicalServers["LS1"].Activated)
			}},
		{"delete from SPM a volume no entry references", nil, DeleteVolumeFromSPM{VolumeID: "V9"}, func(t *testing.T, s *Snapshot) {
			assert.Equal(t, []string{"V1", "V2"}, s.SPEs["SPE1"].VolumeIDs)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := world(t)
			s.Requests["Rc"] = Request{ID: "Rc", ServiceID: "S1", State: RequestCancelled}
			require.NoError(t, s.Validate())
			require.NoError(t, ApplyAll(s, tc.setup...))
			first := s.Clone()
			require.NoError(t, Apply(first, tc.change))
			tc.check(t, first)
			fp, err := first.Fingerprint()
			require.NoError(t, err)
			require.NoError(t, Apply(first, tc.change))
			again, err := first.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, fp, again)
		})
	}
}

// TestResumeAtEveryJournalPoint plays a crash between applying a change and
// journalling it, at every change of every phase of the sample estate: the
// resumed run applies that change again. The end state equals the
// uninterrupted run's; only a removal's repeat fails, with ErrNotFound.
func TestResumeAtEveryJournalPoint(t *testing.T) {
	e := sampleEstate(t)
	predicted := e.ms.Clone()
	for _, ph := range phases() {
		fs := ph.analyze(t, predicted, e)
		changes := []Change(ChangesOf(fs))
		require.NotEmpty(t, changes, "phase %s has changes", ph.name)
		want := predicted.Clone()
		require.NoError(t, ApplyAll(want, changes...))
		wantFP, err := want.Fingerprint()
		require.NoError(t, err)
		for crash := range changes {
			t.Run(ph.name+"/"+changes[crash].Target(), func(t *testing.T) {
				s := predicted.Clone()
				for i, c := range changes {
					require.NoError(t, Apply(s, c))
					if i != crash {
						continue
					}
					err := Apply(s, c) // resumed: the journal did not record c
					if slices.Contains(removalKinds(), c.Kind()) {
						assert.ErrorIs(t, err, ErrNotFound)
					} else {
						assert.NoError(t, err)
					}
				}
				got, err := s.Fingerprint()
				require.NoError(t, err)
				assert.Equal(t, wantFP, got)
			})
		}
		// Advance the predicted state; the SPM side of DeleteVolumeFromSPM
		// goes to the predicted catalog, as in TestPhasesResolveThemselves.
		for _, sc := range SPMChangesOf(changes) {
			require.NoError(t, spm.Apply(e.spmC, sc))
		}
		predicted = want
	}
}

// The SPM part of DeleteVolumeFromSPM is a removal: applied again by
// spm.Apply it is spm's ErrNotFound, and the catalog stays as it was. The
// Matrix OE part is a no-op the second time.
func TestDeleteVolumeFromSPMReapply(t *testing.T) {
	cat := newSPM().vol("V1", "", wwn(t, "50:01:43:80:02:a3:00:01")).s
	c := DeleteVolumeFromSPM{VolumeID: "V1"}
	require.NoError(t, spm.Apply(cat, c.SPMChange()))
	once := cat.Clone()
	err := spm.Apply(cat, c.SPMChange())
	require.ErrorIs(t, err, spm.ErrNotFound)
	assert.Contains(t, err.Error(), "V1")
	assert.Equal(t, once, cat)

	ms := world(t)
	require.NoError(t, Apply(ms, DeleteVolumeFromSPM{VolumeID: "V1"}))
	fp, err := ms.Fingerprint()
	require.NoError(t, err)
	require.NoError(t, Apply(ms, DeleteVolumeFromSPM{VolumeID: "V1"}))
	again, err := ms.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, fp, again)
}
