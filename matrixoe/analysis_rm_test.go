package matrixoe

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyzeRM(t *testing.T) {
	base := func() *msBuilder {
		return newMS().vc("LS1", "P1", true).vc("LS2", "P2", true).
			rg("RG1", "SET-A", "LS1").rg("RG2", "SET-A", "LS2")
	}
	rg1 := RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1"}, Enabled: true}
	rg2 := RecoveryGroup{Name: "RG2", Set: "SET-A", ProtectedLS: []string{"LS2"}, Enabled: true}
	tests := []struct {
		name    string
		ms      *msBuilder
		export  *RMExport
		want    []Code
		changes []Change
	}{
		{name: "export equal to the DB: nothing", ms: base(), export: export(rg1, rg2)},
		{name: "no export provided", ms: base(), export: nil, want: []Code{CodeRMExportMissing}},
		{
			name: "group changed after backup (disabled, LS2 added): apply the export",
			ms:   base(), export: export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}}, rg2),
			want:    []Code{CodeRMExportApply},
			changes: []Change{ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS2"}}, rg2)}},
		},
		{
			name: "group created after backup: apply the export",
			ms:   base(), export: export(rg1, rg2, RecoveryGroup{Name: "RG3", Set: "SET-B", Enabled: true}),
			want:    []Code{CodeRMExportApply},
			changes: []Change{ApplyRMExport{Export: *export(rg1, rg2, RecoveryGroup{Name: "RG3", Set: "SET-B", Enabled: true})}},
		},
		{
			name: "same name in a different recovery group set: import fails",
			ms:   base(), export: export(RecoveryGroup{Name: "RG1", Set: "SET-B", ProtectedLS: []string{"LS1"}}, rg2),
			want: []Code{CodeRMExportConflict},
		},
		{
			name: "replication group held by a group of a different set: import fails",
			ms:   base().rg("RG9", "SET-Z").srg("RG9", "SRG9"),
			export: export(rg1, rg2, RecoveryGroup{Name: "RG9", Set: "SET-Z", ReplicationGroups: []string{"SRG9"}},
				RecoveryGroup{Name: "RG3", Set: "SET-A", ReplicationGroups: []string{"SRG9"}}),
			want: []Code{CodeRMExportConflict},
		},
		{
			name: "replication group held by a group of the same set: allowed",
			ms:   base().srg("RG2", "SRG2"),
			export: export(rg1, RecoveryGroup{Name: "RG2", Set: "SET-A", ProtectedLS: []string{"LS2"}, ReplicationGroups: []string{"SRG2"}, Enabled: true},
				RecoveryGroup{Name: "RG3", Set: "SET-A", ReplicationGroups: []string{"SRG2"}}),
			want: []Code{CodeRMExportApply},
			changes: []Change{ApplyRMExport{Export: *export(rg1, RecoveryGroup{Name: "RG2", Set: "SET-A", ProtectedLS: []string{"LS2"}, ReplicationGroups: []string{"SRG2"}, Enabled: true},
				RecoveryGroup{Name: "RG3", Set: "SET-A", ReplicationGroups: []string{"SRG2"}})}},
		},
		{
			name: "group in DB but not in the export (deleted after backup?): manual",
			ms:   base(), export: export(rg1),
			want: []Code{CodeRMGroupNotInExport},
		},
		{
			name:    "protected LS dropped in storage phase 2 (absent from predicted state): update the group",
			ms:      newMS().vc("LS1", "P1", true).rg("RG1", "SET-A", "LS1", "LS-gone"),
			export:  export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS-gone"}, Enabled: true}),
			want:    []Code{CodeRMGroupDeletedLS},
			changes: []Change{UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS-gone"}}},
		},
		{
			name: "no export, stale group still updated",
			ms:   newMS().rg("RG1", "SET-A", "LS-gone"), export: nil,
			want:    []Code{CodeRMExportMissing, CodeRMGroupDeletedLS},
			changes: []Change{UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS-gone"}}},
		},
		{
			name:   "export lists a deleted LS: import, then update the imported group",
			ms:     newMS().vc("LS1", "P1", true).rg("RG1", "SET-A", "LS1"),
			export: export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS-x"}, Enabled: false}),
			want:   []Code{CodeRMExportApply, CodeRMGroupDeletedLS},
			changes: []Change{
				ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-A", ProtectedLS: []string{"LS1", "LS-x"}, Enabled: false})},
				UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"LS-x"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := tc.ms.build(t)
			fs, err := AnalyzeRM(ms, tc.export)
			require.NoError(t, err)
			checkFindings(t, fs)
			assert.Equal(t, tc.want, codes(fs))
			assert.Equal(t, tc.changes, []Change(ChangesOf(fs)))
			for _, f := range fs {
				assert.NotEqual(t, len(f.Changes) > 0, f.Manual != "", "%s: changes xor manual", f.Code)
			}
		})
	}
}

func TestAnalyzeRMConflictSeverityAndNoImport(t *testing.T) {
	ms := newMS().rg("RG1", "SET-A").build(t)
	fs, err := AnalyzeRM(ms, export(RecoveryGroup{Name: "RG1", Set: "SET-B"}))
	require.NoError(t, err)
	checkFindings(t, fs)
	require.Len(t, fs, 1)
	assert.Equal(t, SeverityError, fs[0].Severity)
	assert.Contains(t, fs[0].Message, `"SET-A"`)
	assert.Contains(t, fs[0].Message, `"SET-B"`)

	// Applying the export directly fails the same way, leaving s unchanged.
	before, err := ms.Fingerprint()
	require.NoError(t, err)
	err = Apply(ms, ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG1", Set: "SET-B"})})
	var ce *ExportConflictError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), `RM import fails: recovery group "RG1" is in set "SET-A" here but "SET-B" in the export`)
	assert.ErrorIs(t, err, ErrConflict)
	after, err := ms.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestAnalyzeRMInvalidExport(t *testing.T) {
	ms := newMS().build(t)
	_, err := AnalyzeRM(ms, &RMExport{Format: "hp-exportconfig", Version: 1})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "hp-exportconfig")
}

// Pins the INFER reading documented on rmConflicts — an export
// that moves a replication group from a replaced group to a group of
// another set is refused as a conflict, not imported.
func TestAnalyzeRMReplicationGroupMovedAcrossSets(t *testing.T) {
	ms := newMS().rg("RG-A", "SET-1").srg("RG-A", "SRG1").build(t)
	exp := export(
		RecoveryGroup{Name: "RG-A", Set: "SET-1", ReplicationGroups: []string{"SRG2"}, Enabled: true},
		RecoveryGroup{Name: "RG-B", Set: "SET-2", ReplicationGroups: []string{"SRG1"}, Enabled: true},
	)
	fs, err := AnalyzeRM(ms, exp)
	require.NoError(t, err)
	checkFindings(t, fs)
	assert.Equal(t, []Code{CodeRMExportConflict}, codes(fs))
	assert.Contains(t, fs[0].Message, `storage replication group "SRG1" of recovery group "RG-B" (set "SET-2") is held by recovery group "RG-A" of set "SET-1"`)
	assert.ErrorIs(t, Apply(ms, ApplyRMExport{Export: *exp}), ErrConflict)
}

// A hostile export — one replication group referenced by a great many
// groups — is judged in bounded time with a bounded list of conflicts.
func TestAnalyzeRMHostileExportIsBounded(t *testing.T) {
	const n = 20000 // a quadratic check would take minutes
	tests := []struct {
		name      string
		set       func(i int) string
		conflicts bool
	}{
		{"one set: no conflict", func(int) string { return "SET-A" }, false},
		{"two sets", func(i int) string { return []string{"SET-A", "SET-B"}[i%2] }, true},
		{"a set each", func(i int) string { return fmt.Sprintf("SET-%d", i) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			groups := make([]RecoveryGroup, n)
			for i := range groups {
				groups[i] = RecoveryGroup{Name: fmt.Sprintf("RG%d", i), Set: tc.set(i), ReplicationGroups: []string{"SRG"}, Enabled: true}
			}
			start := time.Now()
			fs, err := AnalyzeRM(NewSnapshot(), export(groups...))
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 2*time.Second)
			if !tc.conflicts {
				assert.Equal(t, []Code{CodeRMExportApply}, codes(fs))
				return
			}
			require.Equal(t, []Code{CodeRMExportConflict}, codes(fs))
			assert.Less(t, len(fs[0].Message), 8192, "a bounded message")
			assert.Contains(t, fs[0].Message, "… and")
		})
	}
}
