package matrixoe

import (
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// estate is one restored state with post-backup activity touching every
// phase, modelled on HP's sample run (tables 15 and 16).
type estate struct {
	ms                *Snapshot
	vs                *vcem.Snapshot
	spmRestored, spmC *spm.Snapshot
	vm                map[string]PowerState
	ips               map[netip.Addr]string
	servicesFile      string
	export            *RMExport
}

func sampleEstate(t *testing.T) estate {
	w1, w2, w3, w4, w5, w7 := wwn(t, "50:01:43:80:02:a3:00:01"), wwn(t, "50:01:43:80:02:a3:00:02"), wwn(t, "50:01:43:80:02:a3:00:03"),
		wwn(t, "50:01:43:80:02:a3:00:04"), wwn(t, "50:01:43:80:02:a3:00:05"), wwn(t, "50:01:43:80:02:a3:00:07")
	a1, a2, a3 := addr(t, "10.0.0.1"), addr(t, "10.0.0.2"), addr(t, "10.0.0.3")
	ms := newMS().
		spe("SPE1", SPECatalog, []string{"Volume1"}, w1).
		spe("SPE3", SPECatalog, []string{"Volume3"}, w3).inoperableSPE("SPE3").
		spe("SPE5", SPECatalog, []string{"Volume5"}, w5).
		spe("SPE7", SPECatalog, []string{"Volume7"}, w7).
		vc("LS1", "P1", true, "SPE1"). // deactivated after backup
		vc("LS2", "P2", true, "SPE7"). // S2 deleted after backup, profile deleted by VCEM phase 1
		vc("LS3", "P3", true, "SPE3"). // inoperable
		vc("LS5", "P5", true, "SPE5"). // untouched
		vm("VM1", "vm-1", PowerOff).   // activated (resumed) after backup
		vm("VM2", "vm-2", PowerOn).    // deactivated (suspended) after backup
		service("S1", "web", "LS1", "VM1").service("S2", "old", "LS2").service("S5", "keep", "LS5", "VM2").
		request("R1", "S1", RequestInProgress).request("R2", "", RequestScheduled).
		request("R3", "S5", RequestCompleted).request("R4", "S2", RequestPendingApproval).
		ip(a1, "S1").ip(a2, "").ip(a3, "S2").
		rg("RG1", "SET-A", "LS1", "LS2").rg("RG5", "SET-A", "LS5").
		build(t)
	ms.SPEs["SPE7"] = func() StoragePoolEntry { e := ms.SPEs["SPE7"]; e.ServiceID = "S2"; return e }()
	require.NoError(t, ms.Validate())

	restored := newSPM().vol("Volume1", "svc1", w1).vol("Volume3", "svc3", w3).vol("Volume4", "").
		vol("Volume5", "svc5", w5).vol("Volume7", "svc7", w7).vol("Volume8", "").vol("Spare", "").s
	current := newSPM().svc("svc1", true).svc("svc3", true).svc("svc5", true).svc("svc7", false).
		vol("Volume1", "svc1", w1).vol("Volume3", "svc3", w3).vol("Volume4", "", w4).vol("Volume5", "svc5", w5).
		vol("Volume7", "svc7").vol("Volume8", "", w1).vol("Spare", "").vol("Volume2", "", w2).s

	return estate{
		ms: ms, vs: vcemProfiles("P1", "+P3", "+P5"), spmRestored: restored, spmC: current,
		vm:           map[string]PowerState{"vm-1": PowerOn, "vm-2": PowerOff},
		ips:          map[netip.Addr]string{a1: "web", a2: "new-service"},
		servicesFile: "keep\r\n* old\r\nweb\r\n",
		export: export( // RM still protects LS2: the live RM was not told of its deletion
			RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}, Enabled: true},
			RecoveryGroup{Name: "RG5", Set: "SET-A", ProtectedLS: []string{"LS5"}, Enabled: true},
			RecoveryGroup{Name: "RG9", Set: "SET-B", ProtectedLS: []string{"VM1"}, Enabled: true}),
	}
}

// phase analyses one phase on the predicted state.
type phase struct {
	name    string
	analyze func(t *testing.T, ms *Snapshot, e estate) []Finding
	want    []Code
}

func phases() []phase {
	return []phase{
		{"storage 2", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeLSRefresh(ms, e.vs, e.vm)
			require.NoError(t, err)
			return fs
		}, []Code{CodeLSDeactivated, CodeLSProfileGone, CodeLSInoperable, CodeLSPowerChanged, CodeLSPowerChanged}},
		{"storage 3", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeLSMAnalyzer(ms, e.spmRestored, e.spmC)
			require.NoError(t, err)
			return fs
		}, []Code{CodeVolumeNewInUse, CodeVolumePresentedNoSPE, CodeVolumeServiceDeleted, CodeVolumeWWNReused}},
		{"IO 1", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeIORequests(ms)
			require.NoError(t, err)
			return fs
		}, []Code{CodeRequestUnfinished, CodeRequestUnfinished, CodeRequestUnfinished}},
		{"IO 2", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			f, err := ParseServicesFile([]byte(e.servicesFile), e.ms)
			require.NoError(t, err)
			fs, err := AnalyzeIOServices(ms, f)
			require.NoError(t, err)
			return fs
		}, []Code{CodeServiceDeleted}},
		{"IO 3", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeIOIPs(ms, e.ips)
			require.NoError(t, err)
			return fs
		}, []Code{CodeIPAllocatedLive}},
		{"RM 1", func(t *testing.T, ms *Snapshot, e estate) []Finding {
			fs, err := AnalyzeRM(ms, e.export)
			require.NoError(t, err)
			return fs
		}, []Code{CodeRMExportApply, CodeRMGroupDeletedLS}},
	}
}

// TestPhasesResolveThemselves: for each phase in mxsync's order, analysing
// the predicted state, applying the phase's changes to a clone (and the SPM
// side of DeleteVolumeFromSPM to the predicted catalog) and analysing again
// leaves no actionable finding; the predicted state stays valid.
func TestPhasesResolveThemselves(t *testing.T) {
	e := sampleEstate(t)
	restoredFP, err := e.ms.Fingerprint()
	require.NoError(t, err)
	predicted := e.ms.Clone()
	for _, ph := range phases() {
		t.Run(ph.name, func(t *testing.T) {
			fs := ph.analyze(t, predicted, e)
			assert.Equal(t, ph.want, codes(fs))
			next := predicted.Clone()
			nextSPM := e.spmC.Clone()
			for _, c := range ChangesOf(fs) {
				require.NoError(t, Apply(next, c))
				_, err := PredictSPM(nextSPM, c)
				require.NoError(t, err)
			}
			require.NoError(t, next.Validate())
			e.spmC = nextSPM
			again := ph.analyze(t, next, e)
			for _, f := range again {
				assert.False(t, f.Actionable(), "after %s: %s still actionable: %s", ph.name, f.Code, f.Message)
			}
			predicted = next
		})
	}
	after, err := e.ms.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, restoredFP, after, "the restored snapshot is never written by a dry run")

	// Spot-check the predicted end state.
	assert.NotContains(t, predicted.LogicalServers, "LS2")
	assert.False(t, predicted.LogicalServers["LS1"].Activated)
	assert.Equal(t, PowerOn, predicted.LogicalServers["VM1"].Power)
	assert.Equal(t, []string{"Volume1", "Volume8"}, predicted.SPEs["SPE1"].VolumeIDs)
	assert.Empty(t, predicted.SPEs["SPE7"].VolumeIDs)
	assert.NotContains(t, predicted.Services, "S2")
	assert.Equal(t, RequestCancelled, predicted.Requests["R1"].State)
	assert.NotContains(t, predicted.Requests, "R4", "removed with service S2")
	assert.True(t, predicted.IPs[addr(t, "10.0.0.2")].Allocated)
	assert.False(t, predicted.IPs[addr(t, "10.0.0.3")].Allocated, "freed with service S2")
	assert.Equal(t, []string{"LS1"}, predicted.RecoveryGroups["RG1"].ProtectedLS)
	assert.Contains(t, predicted.RecoveryGroups, "RG9")
}
