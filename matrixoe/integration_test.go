package matrixoe_test

import (
	"context"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
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

// vcemPhase1 gathers the live side and predicts VCEM phase 1: the restored
// snapshot with AllChanges applied by vcem.Apply to a clone.
func vcemPhase1(t *testing.T, restored *vcem.Snapshot, live *vcemtest.Live) (*vcem.Snapshot, []vcem.Finding, []vcem.LiveDomain) {
	t.Helper()
	lds, err := vcem.GatherLive(context.Background(), live, restored, nil)
	require.NoError(t, err)
	fs, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(t, err)
	predicted := restored.Clone()
	for _, c := range vcem.AllChanges(fs) {
		require.NoError(t, vcem.Apply(predicted, c))
	}
	return predicted, fs, lds
}

// assumeResynced stands in for VCEM phase 2, which vcem does not predict:
// after the per-domain resync, VCEM's database records each profile's bay
// as the domain reports it (INFER: BR70 p59 speaks of the profile being
// unassigned "in the updated VCEM database"). Profiles are matched by
// domain and name, vcem's profile identity.
func assumeResynced(t *testing.T, s *vcem.Snapshot, lds []vcem.LiveDomain) *vcem.Snapshot {
	t.Helper()
	out := s.Clone()
	bays := map[vcem.ProfileKey]string{}
	for _, ld := range lds {
		for _, p := range ld.Profiles {
			p.DomainID = ld.Domain.ID
			bays[p.Key()] = p.Bay
		}
	}
	for id, p := range out.Profiles {
		if bay, ok := bays[p.Key()]; ok {
			p.Bay = bay
			out.Profiles[id] = p
		}
	}
	require.NoError(t, out.Validate())
	return out
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
// 1 then deletes the restored "web" definition; storage phase 2, run on
// that predicted VCEM state, drops LS-web. On the restored VCEM state the
// profile still exists and LS-web would be kept.
func TestPredictedVCEMDrivesStoragePhase2(t *testing.T) {
	restoredVCEM := vcemEstate(t)
	ms := matrixoeEstate(t, restoredVCEM)
	live, err := vcemtest.NewLive(restoredVCEM)
	require.NoError(t, err)
	require.NoError(t, live.DeleteProfile("d1", "web"))
	_, err = live.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:4", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	live.RestoreVCEM("d1")

	predicted, vfs, _ := vcemPhase1(t, restoredVCEM, live)
	webID := vcemtest.ProfileID("d1", "web")
	var deletes []vcem.Change
	for _, c := range vcem.AllChanges(vfs) {
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
		assert.Equal(t, []matrixoe.Change{matrixoe.UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS-web"}}}, matrixoe.ChangesOf(rm))
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
// deactivation appears once VCEM phase 2's resync is accounted for
// (assumeResynced, standing in for a prediction vcem does not offer).
func TestPredictedVCEMDeactivation(t *testing.T) {
	restoredVCEM := vcemEstate(t)
	ms := matrixoeEstate(t, restoredVCEM)
	live, err := vcemtest.NewLive(restoredVCEM)
	require.NoError(t, err)
	require.NoError(t, live.UnassignProfile("d1", "db"))
	live.RestoreVCEM("d1")

	afterPhase1, vfs, lds := vcemPhase1(t, restoredVCEM, live)
	assert.Empty(t, vcem.AllChanges(vfs), "unassigning a profile frees no address: phase 1 changes nothing")

	tests := []struct {
		name string
		vs   *vcem.Snapshot
		want []matrixoe.Change
	}{
		{"restored VCEM state", restoredVCEM, nil},
		{"after VCEM phase 1", afterPhase1, nil},
		{"after VCEM phase 2 (resync, assumed)", assumeResynced(t, afterPhase1, lds),
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS-db"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := matrixoe.AnalyzeLSRefresh(ms, tc.vs, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, matrixoe.ChangesOf(fs))
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
// the changes of spm.Analyze's findings, applied with spm.ApplyAll (SPM's
// own Internal Recovery quarantines and marks services; the operator's
// removal of offline volumes is recorded by RemoveVolume).
func spmPhase1(t *testing.T, restored *spm.Snapshot, arrays *spmtest.Arrays) *spm.Snapshot {
	t.Helper()
	live, err := arrays.Live(context.Background())
	require.NoError(t, err)
	fs, err := spm.Analyze(restored, live)
	require.NoError(t, err)
	var changes []spm.Change
	for _, f := range fs {
		changes = append(changes, f.Changes...)
	}
	require.NotEmpty(t, changes)
	current, err := spm.ApplyAll(restored, changes)
	require.NoError(t, err)
	return current
}

// TestPredictedSPMDrivesStoragePhase3: after the backup, auto-provisioning
// deleted the SPM_ volume of SPE-auto from its array. SPM phase 1 removes
// it from the catalog (spm.RemoveVolume); lsmanalyzer run on that
// predicted catalog removes it from SPE-auto. Run on the restored catalog,
// the volume still looks like a catalog volume presented to none of the
// entry's WWPNs, which only a human can sort out.
func TestPredictedSPMDrivesStoragePhase3(t *testing.T) {
	restored := spmtest.Sample()
	arrays, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(restored))
	require.NoError(t, err)
	require.NoError(t, arrays.DeleteVolume(spmtest.Array3PAR, restored.Volumes["spm1"].WWN))
	ms := spmMatrixOE(t)

	current := spmPhase1(t, restored, arrays)
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
		assert.False(t, fs[0].Actionable())
	})
}

// TestPredictedSPMTable15Volume7 is table 15's last row through the real spm
// prediction: after the backup IO service S2 and SPE7 were deleted, so
// Volume7 was unpresented on the array. SPM phase 1 marks its service
// non-conformant; lsmanalyzer, given that catalog with the arrays'
// presentations, removes Volume7 from SPE7. Both parts of the prediction
// are needed: without the arrays' presentations nothing is found, and with
// the restored catalog's conformant service only a human can decide.
func TestPredictedSPMTable15Volume7(t *testing.T) {
	restored := spmtest.Sample()
	arrays, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(restored))
	require.NoError(t, err)
	w7 := restored.Volumes["vol7"].WWN
	for _, n := range []int{7, 8} {
		require.NoError(t, arrays.Unpresent(spmtest.Array3PAR, w7, spmtest.SampleWWN("initiator", n)))
	}
	live, err := arrays.Live(context.Background())
	require.NoError(t, err)
	ms := spmMatrixOE(t)
	delete(ms.SPEs, "SPE-auto") // not part of this row
	require.NoError(t, ms.Validate())

	current := spmPhase1(t, restored, arrays)
	require.False(t, current.Services["svc-s2"].Conformant, "SPM phase 1 marks Volume7's service non-conformant")
	currentLive, err := matrixoe.WithArrayPresentations(current, live)
	require.NoError(t, err)
	restoredLive, err := matrixoe.WithArrayPresentations(restored, live)
	require.NoError(t, err)

	tests := []struct {
		name    string
		catalog *spm.Snapshot
		codes   []matrixoe.Code
		changes []matrixoe.Change
	}{
		{"predicted catalog with the arrays' presentations", currentLive,
			[]matrixoe.Code{matrixoe.CodeVolumeServiceDeleted},
			[]matrixoe.Change{matrixoe.RemoveVolumeFromSPE{SPEID: "SPE7", VolumeID: "vol7"}}},
		{"predicted catalog, restored presentations: missed", current, nil, nil},
		{"restored catalog with the arrays' presentations: manual", restoredLive,
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
			assert.Equal(t, tc.changes, matrixoe.ChangesOf(fs))
		})
	}
}
