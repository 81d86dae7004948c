package matrixoe

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every field of an assumption type says where its default comes from.
func TestAssumptionsSaySource(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "assumptions.go", nil, parser.ParseComments)
	require.NoError(t, err)
	tag := regexp.MustCompile(`\b(FOUND|INFER|RECALL|GAP|ours)\b`)
	checked := 0
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok || ts.Name.Name == "Assumptions" {
				continue
			}
			for _, field := range st.Fields.List {
				checked++
				assert.Regexp(t, tag, field.Doc.Text(), "%s.%s says its source", ts.Name.Name, field.Names[0].Name)
			}
		}
	}
	assert.GreaterOrEqual(t, checked, 9)
	var a Assumptions
	require.NoError(t, json.Unmarshal([]byte(`{}`), &a), "Assumptions is plain data")
}

func TestDefaultsAreFreshValues(t *testing.T) {
	a := DefaultRequestStates()
	a.Unfinished[0] = "changed"
	assert.Equal(t, RequestScheduled, DefaultRequestStates().Unfinished[0], "no shared state to change")
	require.NoError(t, DefaultRequestStates().Validate())
	assert.Equal(t, RMImportRules{}, DefaultRMImportRules(), "the zero value is the default")
}

// Another request-state vocabulary: the analysis proposes changes in it,
// and Apply applies them without knowing it.
func TestRequestStatesOverride(t *testing.T) {
	custom := RequestStates{Unfinished: []RequestState{"queued", "running"}, Finished: []RequestState{"done", "aborted"}, Terminated: "aborted"}
	ms := newMS().request("R1", "", "queued").request("R2", "", "done").request("R3", "", "running").build(t)
	fs, err := AnalyzeIORequests(ms, WithRequestStates(custom))
	require.NoError(t, err)
	checkFindings(t, fs)
	assert.Equal(t, Changes{
		TerminateRequest{RequestID: "R1", From: "queued", To: "aborted"},
		TerminateRequest{RequestID: "R3", From: "running", To: "aborted"},
	}, ChangesOf(fs))
	require.NoError(t, ApplyAll(ms, ChangesOf(fs)...))
	again, err := AnalyzeIORequests(ms, WithRequestStates(custom))
	require.NoError(t, err)
	assert.Empty(t, again)

	_, err = AnalyzeIORequests(ms)
	require.ErrorIs(t, err, ErrInvalid, "the default vocabulary does not know these states")
	assert.Contains(t, err.Error(), `request "R1" is in state "aborted"`)

	bad := []struct {
		name string
		rs   RequestStates
		want string
	}{
		{"no unfinished state", RequestStates{Finished: []RequestState{"done"}, Terminated: "done"}, "no unfinished state"},
		{"terminated not finished", RequestStates{Unfinished: []RequestState{"a"}, Finished: []RequestState{"b"}, Terminated: "c"}, `terminated state "c"`},
		{"state in both lists", RequestStates{Unfinished: []RequestState{"a"}, Finished: []RequestState{"a", "b"}, Terminated: "b"}, `state "a" both`},
		{"empty state", RequestStates{Unfinished: []RequestState{""}, Finished: []RequestState{"b"}, Terminated: "b"}, "an empty state"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AnalyzeIORequests(NewSnapshot(), WithRequestStates(tc.rs))
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// Each RM import reading changes what AnalyzeRM proposes and what the
// change does, and travels in the change (and its JSON).
func TestRMImportRulesOverride(t *testing.T) {
	t.Run("groups not in the export are deleted", func(t *testing.T) {
		rules := RMImportRules{DeleteGroupsNotInExport: true}
		ms := newMS().rg("RG1", "SET-A").rg("RG2", "SET-A").build(t)
		exp := export(RecoveryGroup{Name: "RG1", Set: "SET-A", Enabled: true})
		def, err := AnalyzeRM(ms, exp)
		require.NoError(t, err)
		assert.Equal(t, []Code{CodeRMGroupNotInExport}, codes(def), "the default keeps RG2 and reports it")
		fs, err := AnalyzeRM(ms, exp, WithRMImportRules(rules))
		require.NoError(t, err)
		checkFindings(t, fs)
		require.Equal(t, []Code{CodeRMExportApply}, codes(fs))
		assert.Equal(t, Changes{ApplyRMExport{Export: *exp, Rules: rules}}, fs[0].Changes)
		b, err := json.Marshal(fs[0].Changes[0])
		require.NoError(t, err)
		assert.Contains(t, string(b), `"rules":{"deleteGroupsNotInExport":true}`)
		back, err := DecodeChange(b)
		require.NoError(t, err)
		require.NoError(t, Apply(ms, back))
		assert.Equal(t, []string{"RG1"}, sortedKeys(ms.RecoveryGroups))
		again, err := AnalyzeRM(ms, exp, WithRMImportRules(rules))
		require.NoError(t, err)
		assert.Empty(t, again)
	})
	t.Run("replication group shared across sets inside the export", func(t *testing.T) {
		ms := newMS().build(t)
		exp := export(
			RecoveryGroup{Name: "RG1", Set: "SET-A", ReplicationGroups: []string{"SRG"}},
			RecoveryGroup{Name: "RG2", Set: "SET-B", ReplicationGroups: []string{"SRG"}})
		assert.ErrorIs(t, Apply(ms.Clone(), ApplyRMExport{Export: *exp}), ErrConflict, "refused by default")
		assert.NoError(t, Apply(ms, ApplyRMExport{Export: *exp, Rules: RMImportRules{AllowSRGAcrossSetsInExport: true}}))
	})
	t.Run("replaced groups release their replication groups", func(t *testing.T) {
		ms := newMS().rg("RG-A", "SET-1").srg("RG-A", "SRG1").build(t)
		exp := export(
			RecoveryGroup{Name: "RG-A", Set: "SET-1", ReplicationGroups: []string{"SRG2"}},
			RecoveryGroup{Name: "RG-B", Set: "SET-2", ReplicationGroups: []string{"SRG1"}})
		fs, err := AnalyzeRM(ms, exp)
		require.NoError(t, err)
		assert.Equal(t, []Code{CodeRMExportConflict}, codes(fs), "the stricter default")
		fs, err = AnalyzeRM(ms, exp, WithRMImportRules(RMImportRules{ReplacedGroupsReleaseSRGs: true}))
		require.NoError(t, err)
		assert.Equal(t, []Code{CodeRMExportApply}, codes(fs))
		require.NoError(t, ApplyAll(ms, ChangesOf(fs)...))
		assert.Equal(t, []string{"SRG1"}, ms.RecoveryGroups["RG-B"].ReplicationGroups)
	})
}

// Each table-15 reading changes what lsmanalyzer proposes.
func TestLSMAnalyzerReadingsOverride(t *testing.T) {
	w5, w6, w9 := wwn(t, "50:01:43:80:02:a3:00:05"), wwn(t, "50:01:43:80:02:a3:00:06"), wwn(t, "50:01:43:80:02:a3:00:09")
	tests := []struct {
		name     string
		ms       *msBuilder
		current  *spmBuilder
		readings func(*LSMAnalyzerReadings)
		def      []Code
		custom   []Code
	}{
		{"a path down", newMS().spe("SPE5", SPECatalog, []string{"V5"}, w5, w6),
			newSPM().svc("svc5", false).vol("V5", "svc5", w5),
			func(r *LSMAnalyzerReadings) { r.PartialPathMatches = false },
			nil, []Code{CodeVolumeServiceDeleted}},
		{"a removed volume judged again", newMS().spe("SPE7", SPECatalog, []string{"V7"}, w5).spe("SPE9", SPECatalog, nil, w9),
			newSPM().svc("svc7", false).vol("V7", "svc7", w9),
			func(r *LSMAnalyzerReadings) { r.JudgeAfterRemoval = false },
			[]Code{CodeVolumeServiceDeleted, CodeVolumeWWNReused}, []Code{CodeVolumeServiceDeleted}},
		{"a volume the catalog lost", newMS().spe("SPE1", SPECatalog, []string{"Gone"}, w5),
			newSPM(),
			func(r *LSMAnalyzerReadings) { r.RemoveMissingVolumes = false },
			[]Code{CodeSPEVolumeNotInCatalog}, []Code{CodeSPEVolumeNotInCatalog}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := tc.ms.build(t)
			def, err := AnalyzeLSMAnalyzer(ms, newSPM().s, tc.current.s)
			require.NoError(t, err)
			checkFindings(t, def)
			assert.Equal(t, tc.def, codes(def))
			r := DefaultLSMAnalyzerReadings()
			tc.readings(&r)
			custom, err := AnalyzeLSMAnalyzer(ms, newSPM().s, tc.current.s, WithLSMAnalyzerReadings(r))
			require.NoError(t, err)
			checkFindings(t, custom)
			assert.Equal(t, tc.custom, codes(custom))
			if !r.RemoveMissingVolumes {
				require.Len(t, custom, 1)
				assert.Empty(t, custom[0].Changes)
				assert.NotEmpty(t, custom[0].Manual)
			}
		})
	}
}
