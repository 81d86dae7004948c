package matrixoe

import (
	"maps"
	"slices"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Table 16 (BR70 p59), one case per row, plus the in-line and our own cases.
func TestAnalyzeLSRefreshTable16(t *testing.T) {
	tests := []struct {
		name    string
		ms      *msBuilder
		vs      *vcem.Snapshot
		vm      map[string]PowerState
		want    []Code
		changes []Change
		manual  bool
	}{
		{
			name: "LS1_VC_TEST deactivated after backup: activated in DB, profile unassigned",
			ms:   newMS().vc("LS1", "P1", true), vs: vcemProfiles("P1"),
			want: []Code{CodeLSDeactivated}, changes: []Change{SetLSDeactivated{LogicalServerID: "LS1"}},
		},
		{
			name: "IO service S5 deactivated after backup: same as LS deactivated",
			ms:   newMS().vc("S5-1", "P5", true).service("S5", "S5", "S5-1"), vs: vcemProfiles("P5"),
			want: []Code{CodeLSDeactivated}, changes: []Change{SetLSDeactivated{LogicalServerID: "S5-1"}},
		},
		{
			name: "S2 deleted after backup: profile deleted by VCEM phase 1 is absent from predicted VCEM",
			ms:   newMS().vc("S2-1", "P2", true), vs: vcemProfiles(),
			want: []Code{CodeLSProfileGone}, changes: []Change{DropLS{LogicalServerID: "S2-1"}},
		},
		{
			name: "dropped server is not also reported inoperable",
			ms:   newMS().spe("SPE9", SPECatalog, nil).inoperableSPE("SPE9").vc("LS9", "P9", true, "SPE9"), vs: vcemProfiles(),
			want: []Code{CodeLSProfileGone}, changes: []Change{DropLS{LogicalServerID: "LS9"}},
		},
		{
			name: "LS3_VC_TEST inoperable because its SPE is inoperable: recommend unmanage",
			ms:   newMS().spe("SPE3", SPECatalog, []string{"V3"}).inoperableSPE("SPE3").vc("LS3", "P3", true, "SPE3"), vs: vcemProfiles("+P3"),
			want: []Code{CodeLSInoperable}, manual: true,
		},
		{
			name: "inoperable flag on the server itself",
			ms:   newMS().vc("LS3", "P3", true).edit("LS3", func(l *LogicalServer) { l.Inoperable = true }), vs: vcemProfiles("+P3"),
			want: []Code{CodeLSInoperable}, manual: true,
		},
		{
			name: "unmanaged inoperable server: nothing to recommend",
			ms:   newMS().vc("LS3", "P3", true).edit("LS3", func(l *LogicalServer) { l.Inoperable = true; l.Managed = false }), vs: vcemProfiles("+P3"),
		},
		{
			name: "VM-based IO server activated after backup: power off in DB, on live",
			ms:   newMS().vm("VM1", "vm-1", PowerOff), vs: vcemProfiles(), vm: map[string]PowerState{"vm-1": PowerOn},
			want: []Code{CodeLSPowerChanged}, changes: []Change{SetPowerState{LogicalServerID: "VM1", Power: PowerOn}},
		},
		{
			name: "VM-based IO server deactivated after backup: power on in DB, off live",
			ms:   newMS().vm("VM1", "vm-1", PowerOn), vs: vcemProfiles(), vm: map[string]PowerState{"vm-1": PowerOff},
			want: []Code{CodeLSPowerChanged}, changes: []Change{SetPowerState{LogicalServerID: "VM1", Power: PowerOff}},
		},
		{
			name: "VM not reported by VMM: manual",
			ms:   newMS().vm("VM1", "vm-1", PowerOn), vs: vcemProfiles(), vm: map[string]PowerState{},
			want: []Code{CodeLSVMMissing}, manual: true,
		},
		{
			name: "in line: activated and assigned, deactivated and unassigned, VM power equal",
			ms:   newMS().vc("LS1", "P1", true).vc("LS2", "P2", false).vm("VM1", "vm-1", PowerOn),
			vs:   vcemProfiles("+P1", "P2"), vm: map[string]PowerState{"vm-1": PowerOn},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := tc.ms.build(t)
			fs, err := AnalyzeLSRefresh(ms, tc.vs, tc.vm)
			require.NoError(t, err)
			checkFindings(t, fs)
			assert.Equal(t, tc.want, codes(fs))
			assert.Equal(t, tc.changes, []Change(ChangesOf(fs)))
			for _, f := range fs {
				assert.Equal(t, tc.manual, f.Manual != "", "manual text of %s", f.Code)
				assert.NotEmpty(t, f.Subject.LogicalServerID)
				assert.NotEmpty(t, f.Message)
			}
		})
	}
}

// Table 15 (BR70 p58), one case per sample row, plus our own cases.
func TestAnalyzeLSMAnalyzerTable15(t *testing.T) {
	w1, w2, w3, w4, w5, w7, w9 := wwn(t, "50:01:43:80:02:a3:00:01"), wwn(t, "50:01:43:80:02:a3:00:02"), wwn(t, "50:01:43:80:02:a3:00:03"),
		wwn(t, "50:01:43:80:02:a3:00:04"), wwn(t, "50:01:43:80:02:a3:00:05"), wwn(t, "50:01:43:80:02:a3:00:07"), wwn(t, "50:01:43:80:02:a3:00:09")
	tests := []struct {
		name      string
		ms        *msBuilder
		restored  *spmBuilder
		current   *spmBuilder
		want      []Code
		changes   []Change
		manualFor []Code
	}{
		{
			name:     "row 1: Volume2 imported after backup, used by SPE2/LS2 created after backup: delete from SPM",
			ms:       newMS(),
			restored: newSPM(),
			current:  newSPM().svc("svc2", true).vol("Volume2", "svc2", w2),
			want:     []Code{CodeVolumeNewInUse}, changes: []Change{DeleteVolumeFromSPM{VolumeID: "Volume2"}},
		},
		{
			name:     "row 2: Volume4 presented but catalog thought available; Volume8 presented to a reused WWN of pre-backup SPE1",
			ms:       newMS().spe("SPE1", SPECatalog, []string{"Volume1"}, w1).vc("LS1", "P1", true, "SPE1"),
			restored: newSPM().vol("Volume1", "svc1").vol("Volume4", "").vol("Volume8", ""),
			current:  newSPM().svc("svc1", true).vol("Volume1", "svc1", w1).vol("Volume4", "", w4).vol("Volume8", "", w1),
			want:     []Code{CodeVolumePresentedNoSPE, CodeVolumeWWNReused},
			changes:  []Change{DeleteVolumeFromSPM{VolumeID: "Volume4"}, AddVolumeToSPE{SPEID: "SPE1", VolumeID: "Volume8"}},
		},
		{
			name:     "row 3: Volume5 in SPE5 of LS5, service conformant: no action",
			ms:       newMS().spe("SPE5", SPECatalog, []string{"Volume5"}, w5).vc("LS5", "P5", true, "SPE5"),
			restored: newSPM().vol("Volume5", "svc5", w5),
			current:  newSPM().svc("svc5", true).vol("Volume5", "svc5", w5),
		},
		{
			name: "row 4: LS3 deleted, Volume3 presentation matches: none; S2/SPE7 deleted, Volume7 mismatch, service non-conformant: remove from SPE7",
			ms: newMS().spe("SPE3", SPECatalog, []string{"Volume3"}, w3).spe("SPE7", SPECatalog, []string{"Volume7"}, w7).
				vc("S2-1", "P7", true, "SPE7").service("S2", "S2", "S2-1"),
			restored: newSPM().vol("Volume3", "svc3", w3).vol("Volume7", "svc7", w7),
			current:  newSPM().svc("svc3", true).svc("svc7", false).vol("Volume3", "svc3", w3).vol("Volume7", "svc7"),
			want:     []Code{CodeVolumeServiceDeleted}, changes: []Change{RemoveVolumeFromSPE{SPEID: "SPE7", VolumeID: "Volume7"}},
		},
		{
			name:     "mismatch with the SPM service gone altogether: remove from SPE",
			ms:       newMS().spe("SPE7", SPECatalog, []string{"Volume7"}, w7),
			restored: newSPM().vol("Volume7", "svc7", w7),
			current:  newSPM().vol("Volume7", "svc7"),
			want:     []Code{CodeVolumeServiceDeleted}, changes: []Change{RemoveVolumeFromSPE{SPEID: "SPE7", VolumeID: "Volume7"}},
		},
		{
			name:     "removed from a deleted service's SPE and presented to another SPE's WWPN: remove, then add",
			ms:       newMS().spe("SPE7", SPECatalog, []string{"Volume7"}, w7).spe("SPE1", SPECatalog, nil, w1),
			restored: newSPM().vol("Volume7", "svc7", w7),
			current:  newSPM().svc("svc7", false).vol("Volume7", "svc7", w1),
			want:     []Code{CodeVolumeServiceDeleted, CodeVolumeWWNReused},
			changes:  []Change{RemoveVolumeFromSPE{SPEID: "SPE7", VolumeID: "Volume7"}, AddVolumeToSPE{SPEID: "SPE1", VolumeID: "Volume7"}},
		},
		{
			name:      "mismatch while the service is conformant: manual",
			ms:        newMS().spe("SPE5", SPECatalog, []string{"Volume5"}, w5),
			restored:  newSPM().vol("Volume5", "svc5", w5),
			current:   newSPM().svc("svc5", true).vol("Volume5", "svc5", w9),
			want:      []Code{CodePresentationMismatch},
			manualFor: []Code{CodePresentationMismatch},
		},
		{
			name:      "presented to WWPNs of two SPEs: ambiguous, manual",
			ms:        newMS().spe("SPE1", SPECatalog, nil, w1).spe("SPE2", SPECatalog, nil, w2),
			restored:  newSPM(),
			current:   newSPM().vol("VolumeX", "", w1, w2),
			want:      []Code{CodeVolumeWWNAmbiguous},
			manualFor: []Code{CodeVolumeWWNAmbiguous},
		},
		{
			name:      "presented to a carved SPE's WWPN: ambiguous, manual",
			ms:        newMS().spe("SPEc", SPECarved, []string{"arr-lun-1"}, w1),
			restored:  newSPM(),
			current:   newSPM().vol("VolumeX", "", w1),
			want:      []Code{CodeVolumeWWNAmbiguous},
			manualFor: []Code{CodeVolumeWWNAmbiguous},
		},
		{
			name:     "partial path: presented to one of the SPE's two WWPNs is not a mismatch",
			ms:       newMS().spe("SPE5", SPECatalog, []string{"Volume5"}, w5, w9),
			restored: newSPM().vol("Volume5", "svc5", w5, w9),
			current:  newSPM().svc("svc5", true).vol("Volume5", "svc5", w5),
		},
		{
			name:     "available volume in no SPE and not presented: no finding, even if new",
			ms:       newMS(),
			restored: newSPM().vol("Old", ""),
			current:  newSPM().vol("Old", "").vol("New", ""),
		},
		{
			name:     "catalog SPE lists a volume SPM no longer has: remove it from the SPE",
			ms:       newMS().spe("SPE1", SPECatalog, []string{"Gone"}, w1),
			restored: newSPM().vol("Gone", "", w1),
			current:  newSPM(),
			want:     []Code{CodeSPEVolumeNotInCatalog}, changes: []Change{RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "Gone"}},
		},
		{
			name:     "carved SPE volumes are not catalog volumes: no finding",
			ms:       newMS().spe("SPEc", SPECarved, []string{"arr-lun-1"}, w1),
			restored: newSPM(),
			current:  newSPM(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := tc.ms.build(t)
			fs, err := AnalyzeLSMAnalyzer(ms, tc.restored.s, tc.current.s)
			require.NoError(t, err)
			checkFindings(t, fs)
			assert.Equal(t, tc.want, codes(fs))
			assert.Equal(t, tc.changes, []Change(ChangesOf(fs)))
			for _, f := range fs {
				manual := false
				for _, c := range tc.manualFor {
					manual = manual || c == f.Code
				}
				assert.Equal(t, manual, f.Manual != "", "manual text of %s", f.Code)
				assert.Equal(t, !manual, len(f.Changes) > 0, "changes of %s", f.Code)
				assert.NotEmpty(t, f.Subject.VolumeID)
			}
		})
	}
}

func TestAnalyzeStorageNilInputs(t *testing.T) {
	ms := NewSnapshot()
	_, err := AnalyzeLSRefresh(ms, nil, nil)
	assert.Error(t, err)
	_, err = AnalyzeLSMAnalyzer(ms, &spm.Snapshot{}, nil)
	assert.Error(t, err)
}

// DeleteVolumeFromSPM's SPM part is spm.RemoveVolume of the same volume,
// applied by spm.Apply: the volume and its presentations leave the catalog.
// No other change has an SPM part.
func TestDeleteVolumeFromSPMSPMChange(t *testing.T) {
	w1 := wwn(t, "50:01:43:80:02:a3:00:01")
	assert.Equal(t, spm.Change(spm.RemoveVolume{VolumeID: "V1"}), DeleteVolumeFromSPM{VolumeID: "V1"}.SPMChange())
	tests := []struct {
		name    string
		changes []Change
		want    []spm.Change
		left    []string // volumes left in the catalog
		wantErr error
	}{
		{"delete removes volume and presentations", []Change{DeleteVolumeFromSPM{VolumeID: "V1"}},
			[]spm.Change{spm.RemoveVolume{VolumeID: "V1"}}, []string{"V2"}, nil},
		{"pointer form, nil skipped, other changes have no SPM part",
			[]Change{DropLS{LogicalServerID: "LS1"}, nil, (*DeleteVolumeFromSPM)(nil), &DeleteVolumeFromSPM{VolumeID: "V2"}},
			[]spm.Change{spm.RemoveVolume{VolumeID: "V2"}}, []string{"V1"}, nil},
		{"delete of an unknown volume", []Change{DeleteVolumeFromSPM{VolumeID: "nope"}},
			[]spm.Change{spm.RemoveVolume{VolumeID: "nope"}}, []string{"V1", "V2"}, spm.ErrNotFound},
		{"no SPM part at all", []Change{TerminateRequest{RequestID: "R1", From: RequestScheduled, To: RequestCancelled}}, nil, []string{"V1", "V2"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := newSPM().vol("V1", "", w1, w1).vol("V2", "", w1).s
			s := orig.Clone()
			got := SPMChangesOf(tc.changes)
			assert.Equal(t, tc.want, got)
			for _, c := range got {
				err := spm.Apply(s, c)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					continue
				}
				require.NoError(t, err)
			}
			assert.ElementsMatch(t, tc.left, slices.Collect(maps.Keys(s.Volumes)))
			for _, p := range s.Presentations {
				assert.Contains(t, tc.left, p.VolumeID, "presentations go with their volume")
			}
			assert.Len(t, orig.Volumes, 2, "the input's maps are not shared with the result")
			assert.Len(t, orig.Presentations, 3)
		})
	}
}
