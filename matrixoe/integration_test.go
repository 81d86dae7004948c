package matrixoe_test

import (
	"context"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests drive the real vcem and spm packages and their fakes to show
// the "predicted state" chain end to end: an earlier section's analysis, its
// changes applied to a clone with that package's own Apply, and matrixoe's
// analysis run on the result — and that running it on the restored state
// instead misses what the prediction finds.

// vcemEstate is the VCEM side at backup time: one group, one domain, three
// assigned VC profiles.
func vcemEstate(t *testing.T) *vcem.Snapshot {
	t.Helper()
	s, err := vcemtest.NewBuilder(
		addrpool.MustRange(addrpool.MAC(0x00215A9B0000), addrpool.MAC(0x00215A9B00FF)),
		addrpool.MustRange(addrpool.WWN(0x5001438002A30000), addrpool.WWN(0x5001438002A300FF)),
	).
		Group("g1", "Production").
		Domain(vcem.Domain{ID: "d1", Name: "Rack1", GroupID: "g1"}).
		Profile("d1", vcemtest.ProfileSpec{Name: "web", Bay: "enc1:1", Ethernet: 1, FC: 1}).
		Profile("d1", vcemtest.ProfileSpec{Name: "db", Bay: "enc1:2", Ethernet: 1, FC: 1}).
		Profile("d1", vcemtest.ProfileSpec{Name: "app", Bay: "enc1:3", Ethernet: 1}).
		Build()
	require.NoError(t, err)
	return s
}

// matrixoeEstate is the Matrix OE side of the same backup: one activated
// VC-based logical server per profile, the web server's storage pool entry
// presented to its FC port WWN, an IO service holding web and db, and a
// recovery group protecting web and app.
func matrixoeEstate(t *testing.T, vs *vcem.Snapshot) *matrixoe.Snapshot {
	t.Helper()
	web := vs.Profiles[vcemtest.ProfileID("d1", "web")]
	require.NotEmpty(t, web.FC, "the web profile has an FC connection")
	ms := matrixoe.NewSnapshot()
	for _, name := range []string{"web", "db", "app"} {
		ls := matrixoe.LogicalServer{
			ID: "LS-" + name, Name: name, Kind: matrixoe.LSPhysicalVC, Activated: true,
			ProfileID: vcemtest.ProfileID("d1", name), Managed: true,
		}
		if name == "web" {
			ls.SPEIDs = []string{"SPE-web"}
		}
		ms.LogicalServers[ls.ID] = ls
	}
	ms.SPEs["SPE-web"] = matrixoe.StoragePoolEntry{
		ID: "SPE-web", Kind: matrixoe.SPECatalog, VolumeIDs: []string{"vol-web"},
		WWPNs: []addrpool.WWN{web.FC[0].PortWWN}, LogicalServerID: "LS-web",
	}
	ms.Services["S1"] = matrixoe.Service{ID: "S1", Name: "shop", LogicalServerIDs: []string{"LS-web", "LS-db"}}
	ms.RecoveryGroups["RG1"] = matrixoe.RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS-web", "LS-app"}, Enabled: true}
	require.NoError(t, ms.Validate())
	return ms
}

// applySPM applies cs in order with spm.Apply, the SPM section's one
// writer, to a clone of s.
func applySPM(t *testing.T, s *spm.Snapshot, cs []spm.Change) *spm.Snapshot {
	t.Helper()
	out := s.Clone()
	for _, c := range cs {
		require.NoError(t, spm.Apply(out, c), "%s", c)
	}
	return out
}

// vcemPhase1 gathers the live side and predicts VCEM phase 1: the restored
// snapshot with AllChanges applied by vcem.Apply to a clone.
func vcemPhase1(t *testing.T, restored *vcem.Snapshot, live *vcemtest.Live) (*vcem.Snapshot, []vcem.Finding, []vcem.LiveDomain) {
	t.Helper()
	lds, err := vcem.GatherLive(context.Background(), live, restored, nil)
	require.NoError(t, err)
	fs, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(t, err)
	predicted := restored.Clone()
	for _, c := range vcem.ChangesOf(fs) {
		require.NoError(t, vcem.Apply(predicted, c))
	}
	return predicted, fs, lds
}

// vcemPhase2 predicts VCEM phase 2 on what phase 1 leaves: the changes of
// vcem.PredictResync (profiles take the bays their domains report),
// applied by vcem.Apply to a clone.
func vcemPhase2(t *testing.T, afterPhase1 *vcem.Snapshot, lds []vcem.LiveDomain) (*vcem.Snapshot, []vcem.Change) {
	t.Helper()
	changes, err := vcem.PredictResync(afterPhase1, lds)
	require.NoError(t, err)
	out := afterPhase1.Clone()
	for _, c := range changes {
		require.NoError(t, vcem.Apply(out, c))
	}
	require.NoError(t, out.Validate())
	return out, changes
}

func findingsFor(fs []matrixoe.Finding, code matrixoe.Code, lsID string) []matrixoe.Finding {
	var out []matrixoe.Finding
	for _, f := range fs {
		if f.Code == code && f.Subject.LogicalServerID == lsID {
			out = append(out, f)
		}
	}
	return out
}

// TestPredictedVCEMDrivesStoragePhase2: after the backup the IO service
// behind LS-web was deleted, so its VC profile "web" was deleted, and a new
// profile "web2" created on the same domain took its addresses. VCEM phase
// 1 then deletes the restored "web" definition, and phase 2's resync
// changes nothing more (web2 exists only live: not predicted to be
// imported); storage phase 2, run on that predicted VCEM state, drops
// LS-web. On the restored VCEM state the profile still exists and LS-web
// would be kept.
func TestPredictedVCEMDrivesStoragePhase2(t *testing.T) {
	restoredVCEM := vcemEstate(t)
	ms := matrixoeEstate(t, restoredVCEM)
	live, err := vcemtest.NewLive(restoredVCEM)
	require.NoError(t, err)
	require.NoError(t, live.DeleteProfile("d1", "web"))
	_, err = live.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:4", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	live.RestoreVCEM("d1")

	afterPhase1, vfs, lds := vcemPhase1(t, restoredVCEM, live)
	predicted, resync := vcemPhase2(t, afterPhase1, lds)
	assert.Empty(t, resync, "no profile on both sides changed bay")
	webID := vcemtest.ProfileID("d1", "web")
	var deletes []vcem.Change
	for _, c := range vcem.ChangesOf(vfs) {
		if d, ok := c.(vcem.DeleteProfile); ok {
			deletes = append(deletes, d)
		}
	}
	require.Equal(t, []vcem.Change{vcem.DeleteProfile{ProfileID: webID}}, deletes, "phase 1 deletes exactly the stale web profile")
	require.NotContains(t, predicted.Profiles, webID)
	require.Contains(t, restoredVCEM.Profiles, webID, "the prediction works on a clone")

	t.Run("on the predicted VCEM state", func(t *testing.T) {
		fs, err := matrixoe.AnalyzeLSRefresh(ms, predicted, nil)
		require.NoError(t, err)
		drop := findingsFor(fs, matrixoe.CodeLSProfileGone, "LS-web")
		require.Len(t, drop, 1)
		assert.Equal(t, webID, drop[0].Subject.ProfileID)
		assert.Equal(t, matrixoe.Changes{matrixoe.DropLS{LogicalServerID: "LS-web"}}, drop[0].Changes)
		assert.Len(t, fs, 1, "nothing else changed: %v", fs)

		// The chain goes on: dropping LS-web leaves RG1 protecting a server
		// that no longer exists, which RM phase 1 repairs.
		next := ms.Clone()
		require.NoError(t, matrixoe.ApplyAll(next, matrixoe.ChangesOf(fs)...))
		assert.NotContains(t, next.Services["S1"].LogicalServerIDs, "LS-web")
		assert.Empty(t, next.SPEs["SPE-web"].LogicalServerID)
		rm, err := matrixoe.AnalyzeRM(next, &matrixoe.RMExport{Format: matrixoe.RMExportFormat, Version: matrixoe.RMExportVersion,
			RecoveryGroups: []matrixoe.RecoveryGroup{ms.RecoveryGroups["RG1"]}})
		require.NoError(t, err)
		assert.Equal(t, []matrixoe.Change{matrixoe.UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS-web"}}}, []matrixoe.Change(matrixoe.ChangesOf(rm)))
	})
	t.Run("on the restored VCEM state the drop is missed", func(t *testing.T) {
		fs, err := matrixoe.AnalyzeLSRefresh(ms, restoredVCEM, nil)
		require.NoError(t, err)
		assert.Empty(t, findingsFor(fs, matrixoe.CodeLSProfileGone, "LS-web"))
		assert.Empty(t, fs)
	})
}

// TestPredictedVCEMDeactivation: LS-db was deactivated after the backup
// (its profile unassigned from its bay). VCEM phase 1 has nothing to change
// for it, so its prediction alone still shows the profile assigned; the
// deactivation appears once VCEM phase 2's resync is predicted
// (vcem.PredictResync: the "updated VCEM database" of BR70 p59).
func TestPredictedVCEMDeactivation(t *testing.T) {
	restoredVCEM := vcemEstate(t)
	ms := matrixoeEstate(t, restoredVCEM)
	live, err := vcemtest.NewLive(restoredVCEM)
	require.NoError(t, err)
	require.NoError(t, live.UnassignProfile("d1", "db"))
	live.RestoreVCEM("d1")

	afterPhase1, vfs, lds := vcemPhase1(t, restoredVCEM, live)
	assert.Empty(t, vcem.ChangesOf(vfs), "unassigning a profile frees no address: phase 1 changes nothing")
	afterPhase2, resync := vcemPhase2(t, afterPhase1, lds)
	assert.Equal(t, []vcem.Change{vcem.SetProfileBay{ProfileID: vcemtest.ProfileID("d1", "db"), Bay: ""}}, resync)

	tests := []struct {
		name string
		vs   *vcem.Snapshot
		want []matrixoe.Change
	}{
		{"restored VCEM state", restoredVCEM, nil},
		{"after VCEM phase 1", afterPhase1, nil},
		{"after VCEM phase 2 (resync, predicted)", afterPhase2,
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS-db"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := matrixoe.AnalyzeLSRefresh(ms, tc.vs, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, []matrixoe.Change(matrixoe.ChangesOf(fs)))
			for _, f := range fs {
				assert.Equal(t, matrixoe.CodeLSDeactivated, f.Code)
			}
		})
	}
}

// spmMatrixOE is the Matrix OE side of spmtest.Sample (HP's table 15): SPE3
// and SPE5 hold Volume3 and Volume5 presented to their WWPNs (conformant),
// SPE7 holds Volume7 for IO service S2, SPE-xp the XP volume, and SPE-auto
// the volume that 7.0 auto-provisioning created for it (SPM_…).
func spmMatrixOE(t *testing.T) *matrixoe.Snapshot {
	t.Helper()
	ms := matrixoe.NewSnapshot()
	spe := func(id string, vols []string, inits ...int) {
		e := matrixoe.StoragePoolEntry{ID: id, Kind: matrixoe.SPECatalog, VolumeIDs: vols}
		for _, n := range inits {
			e.WWPNs = append(e.WWPNs, spmtest.SampleWWN("initiator", n))
		}
		ms.SPEs[id] = e
	}
	spe("SPE3", []string{"vol3"}, 3)
	spe("SPE5", []string{"vol5"}, 5)
	spe("SPE7", []string{"vol7"}, 7, 8)
	spe("SPE-xp", []string{"volxp"}, 9)
	spe("SPE-auto", []string{"spm1"}, 20)
	e := ms.SPEs["SPE7"]
	e.ServiceID = "S2"
	ms.SPEs["SPE7"] = e
	ms.Services["S2"] = matrixoe.Service{ID: "S2", Name: "S2"}
	require.NoError(t, ms.Validate())
	return ms
}

// spmPhase1 predicts storage phase 1 on a clone of the restored catalog:
// SPM's own Internal Recovery (spm.PredictInternalRecovery: quarantine,
// signature states, services marked non-conformant, presentations
// resynchronised from the arrays), then the operator's changes that
// spm.Analyze still proposes on the recovered catalog (removal of offline
// SPM_ volumes, spm.RemoveVolume). It returns the predicted catalog and
// Internal Recovery's changes.
func spmPhase1(t *testing.T, restored *spm.Snapshot, arrays *spmtest.Arrays) (*spm.Snapshot, []spm.Change) {
	t.Helper()
	live, err := arrays.Live(context.Background())
	require.NoError(t, err)
	recovery, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
	require.NoError(t, err)
	require.NotEmpty(t, recovery)
	recovered := applySPM(t, restored, recovery)
	fs, err := spm.Analyze(recovered, live)
	require.NoError(t, err)
	var operator []spm.Change
	for _, f := range fs {
		operator = append(operator, f.Changes...)
	}
	current := applySPM(t, recovered, operator)
	require.NoError(t, current.Validate())
	return current, recovery
}

// partOf applies to a clone of s only the changes of recovery whose kind is
// (keep true) or is not (keep false) kind: to show what each part of the
// prediction contributes.
func partOf(t *testing.T, s *spm.Snapshot, recovery []spm.Change, kind string, keep bool) *spm.Snapshot {
	t.Helper()
	var part []spm.Change
	for _, c := range recovery {
		if (c.Kind() == kind) == keep {
			part = append(part, c)
		}
	}
	return applySPM(t, s, part)
}

// TestPredictedSPMDrivesStoragePhase3: after the backup, auto-provisioning
// deleted the SPM_ volume of SPE-auto from its array. SPM phase 1 removes
// it from the catalog (spm.RemoveVolume, after Internal Recovery); lsmanalyzer run on that
// predicted catalog removes it from SPE-auto. Run on the restored catalog,
// the volume still looks like a catalog volume presented to none of the
// entry's WWPNs, which only a human can sort out.
func TestPredictedSPMDrivesStoragePhase3(t *testing.T) {
	restored := spmtest.Sample()
	restoredLive, err := spmtest.LiveFromSnapshot(restored)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(restoredLive)
	require.NoError(t, err)
	require.NoError(t, arrays.DeleteVolume(spmtest.Array3PAR, restored.Volumes["spm1"].WWN))
	ms := spmMatrixOE(t)

	current, _ := spmPhase1(t, restored, arrays)
	require.NotContains(t, current.Volumes, "spm1")
	require.Contains(t, restored.Volumes, "spm1", "the prediction works on a clone")

	t.Run("on the predicted catalog", func(t *testing.T) {
		fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, current)
		require.NoError(t, err)
		require.Len(t, fs, 1, "the other volumes are conformant: %v", fs)
		assert.Equal(t, matrixoe.CodeSPEVolumeNotInCatalog, fs[0].Code)
		assert.Equal(t, matrixoe.Changes{matrixoe.RemoveVolumeFromSPE{SPEID: "SPE-auto", VolumeID: "spm1"}}, fs[0].Changes)
	})
	t.Run("on the restored catalog only a manual finding", func(t *testing.T) {
		fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, restored)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.Equal(t, matrixoe.CodePresentationMismatch, fs[0].Code)
		assert.Equal(t, "spm1", fs[0].Subject.VolumeID)
		assert.Empty(t, fs[0].Changes)
		assert.True(t, fs[0].Blocking(), "a human decides")
	})
}

// TestPredictedSPMTable15Volume7 is table 15's last row through the real spm
// prediction: after the backup IO service S2 and SPE7 were deleted, so
// Volume7 was unpresented on the array. SPM's Internal Recovery
// (spm.PredictInternalRecovery) marks its service non-conformant and
// resynchronises its presentations from the array (SPM21 p50); lsmanalyzer,
// given that catalog, removes Volume7 from SPE7. Both parts of the
// prediction are needed: without the resynchronised presentations nothing
// is found, and with the restored catalog's conformant service only a
// human can decide.
func TestPredictedSPMTable15Volume7(t *testing.T) {
	restored := spmtest.Sample()
	restoredLive, err := spmtest.LiveFromSnapshot(restored)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(restoredLive)
	require.NoError(t, err)
	w7 := restored.Volumes["vol7"].WWN
	for _, n := range []int{7, 8} {
		require.NoError(t, arrays.Unpresent(spmtest.Array3PAR, w7, spmtest.SampleWWN("initiator", n)))
	}
	ms := spmMatrixOE(t)
	delete(ms.SPEs, "SPE-auto") // not part of this row
	require.NoError(t, ms.Validate())

	current, recovery := spmPhase1(t, restored, arrays)
	require.False(t, current.Services["svc-s2"].Conformant, "SPM phase 1 marks Volume7's service non-conformant")
	require.Contains(t, recovery, spm.Change(spm.SetPresentations{VolumeID: "vol7", Presentations: []spm.Presentation{}}),
		"Internal Recovery takes Volume7's presentations (none) from the array")
	restoredPresentations := partOf(t, restored, recovery, spm.KindSetPresentations, false)
	for _, vid := range []string{"vol3", "vol5", "vol7", "volxp"} {
		require.NotEmpty(t, presentedTo(restoredPresentations, vid), "without SetPresentations %s keeps its restored presentations", vid)
	}
	require.False(t, restoredPresentations.Services["svc-s2"].Conformant)
	arrayPresentations := partOf(t, restored, recovery, spm.KindSetPresentations, true)
	require.True(t, arrayPresentations.Services["svc-s2"].Conformant, "the restored catalog's service is conformant")
	require.Empty(t, presentedTo(arrayPresentations, "vol7"))

	tests := []struct {
		name    string
		catalog *spm.Snapshot
		codes   []matrixoe.Code
		changes []matrixoe.Change
	}{
		{"predicted catalog (Internal Recovery, presentations from the arrays)", current,
			[]matrixoe.Code{matrixoe.CodeVolumeServiceDeleted},
			[]matrixoe.Change{matrixoe.RemoveVolumeFromSPE{SPEID: "SPE7", VolumeID: "vol7"}}},
		{"predicted catalog without the presentations resync: missed", restoredPresentations, nil, nil},
		{"restored catalog with only the presentations resync: manual", arrayPresentations,
			[]matrixoe.Code{matrixoe.CodePresentationMismatch}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, tc.catalog)
			require.NoError(t, err)
			var codes []matrixoe.Code
			for _, f := range fs {
				codes = append(codes, f.Code)
				assert.Equal(t, "vol7", f.Subject.VolumeID)
			}
			assert.Equal(t, tc.codes, codes)
			assert.Equal(t, tc.changes, []matrixoe.Change(matrixoe.ChangesOf(fs)))
		})
	}
}

// presentedTo lists the initiators volume vol is presented to in s.
func presentedTo(s *spm.Snapshot, vol string) []addrpool.WWN {
	var out []addrpool.WWN
	for _, p := range s.Presentations {
		if p.VolumeID == vol {
			out = append(out, p.Initiator)
		}
	}
	return out
}

// TestDeleteVolumeFromSPMRoutedToEachStore is table 15's Volume4 row through
// the real spm prediction and both restored stores: the SPM_ volume that
// the restored catalog had available is presented after the backup to a
// host no storage pool entry knows. lsmanalyzer, on the catalog Internal
// Recovery leaves, deletes it from SPM. The engine's routing: the change
// itself goes to the Matrix OE store (no entry lists the volume: nothing
// changes there), its SPM part — spm.RemoveVolume — to the SPM restored
// store, where spm.Apply removes the volume. The dry run (spm.Apply on a
// clone) predicts the store's end state, and lsmanalyzer on both new states
// finds nothing left.
func TestDeleteVolumeFromSPMRoutedToEachStore(t *testing.T) {
	ctx := context.Background()
	restored := spmtest.Sample()
	restoredLive, err := spmtest.LiveFromSnapshot(restored)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(restoredLive)
	require.NoError(t, err)
	require.NoError(t, arrays.Present(spmtest.Array3PAR, spm.LivePresentation{
		VolumeWWN: restored.Volumes["spm1"].WWN, Initiator: spmtest.SampleWWN("initiator", 30), Host: "new-host", LUN: 4,
	}))
	ms := spmMatrixOE(t)
	delete(ms.SPEs, "SPE-auto") // spm1 in no entry
	require.NoError(t, ms.Validate())
	current, _ := spmPhase1(t, restored, arrays)

	fs, err := matrixoe.AnalyzeLSMAnalyzer(ms, restored, current)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, matrixoe.CodeVolumePresentedNoSPE, fs[0].Code)
	changes := matrixoe.ChangesOf(fs)
	require.Equal(t, matrixoe.Changes{matrixoe.DeleteVolumeFromSPM{VolumeID: "spm1"}}, changes)
	implied := matrixoe.SPMChangesOf(changes)
	require.Equal(t, []spm.Change{spm.RemoveVolume{VolumeID: "spm1"}}, implied)

	// Dry run: each part on a copy of its section's state.
	predictedMS := ms.Clone()
	require.NoError(t, matrixoe.ApplyAll(predictedMS, changes...))
	predictedSPM := applySPM(t, current, implied)

	// Execute: each part through its section's restored store.
	moeStore, err := matrixoetest.NewStore(ms)
	require.NoError(t, err)
	spmStore, err := spmtest.NewCatalog(current)
	require.NoError(t, err)
	for _, c := range changes {
		require.NoError(t, moeStore.Apply(ctx, c))
	}
	for _, c := range implied {
		require.NoError(t, spmStore.Apply(ctx, c))
	}
	gotMS, err := moeStore.Snapshot(ctx)
	require.NoError(t, err)
	gotSPM, err := spmStore.Snapshot(ctx)
	require.NoError(t, err)

	assert.True(t, gotMS.Equal(predictedMS), "Matrix OE store as predicted: %v", matrixoe.Diff(predictedMS, gotMS))
	assert.True(t, gotMS.Equal(ms), "no entry listed the volume: the Matrix OE part changes nothing")
	assert.Equal(t, predictedSPM, gotSPM, "SPM store as predicted")
	assert.NotContains(t, gotSPM.Volumes, "spm1")
	assert.Contains(t, current.Volumes, "spm1", "the prediction works on a copy")

	again, err := matrixoe.AnalyzeLSMAnalyzer(gotMS, restored, gotSPM)
	require.NoError(t, err)
	assert.Empty(t, again, "storage phase 3 is resolved")
}
