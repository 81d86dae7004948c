package spm_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// parsePackage parses the package's non-test Go files.
func parsePackage(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.NotEmpty(t, files)
	return fset, files
}

// Every Code constant of the package is in Codes() exactly once, and
// Codes() holds nothing else.
func TestCodesListEveryCodeOnce(t *testing.T) {
	_, files := parsePackage(t)
	var consts []spm.Code
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for _, v := range vs.Values {
					lit, ok := v.(*ast.BasicLit)
					require.True(t, ok, "Code constants are string literals")
					s, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					consts = append(consts, spm.Code(s))
				}
			}
		}
	}
	require.NotEmpty(t, consts)
	count := map[spm.Code]int{}
	for _, ci := range spm.Codes() {
		count[ci.Code]++
		assert.Equal(t, "storage", ci.Section, ci.Code)
		assert.Equal(t, 1, ci.Phase, ci.Code)
		assert.Contains(t, []spm.Severity{spm.SeverityInfo, spm.SeverityWarning, spm.SeverityError}, ci.Severity, ci.Code)
		assert.NotEmpty(t, ci.Resolution, ci.Code)
		assert.NotContains(t, ci.Resolution, "\n", ci.Code)
	}
	for _, c := range consts {
		assert.Equal(t, 1, count[c], "code %s in Codes()", c)
		delete(count, c)
	}
	assert.Empty(t, count, "Codes() lists codes that are not constants")

	cs := spm.Codes()
	cs[0].Code = "changed"
	assert.NotEqual(t, spm.Code("changed"), spm.Codes()[0].Code, "Codes returns a copy")
}

// The package doc's code table lists exactly Codes(), in order, with the
// same severity and resolution.
func TestDocCodeTableMatchesCodes(t *testing.T) {
	fset, files := parsePackage(t)
	p, err := doc.NewFromFiles(fset, files, "github.com/mxsync-go/mxsync/spm")
	require.NoError(t, err)
	row := regexp.MustCompile(`^\s+(SPM-[A-Z-]+)\s+(\w+)\s+(.+)$`)
	var got []string
	for _, line := range strings.Split(p.Doc, "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			got = append(got, m[1]+" | "+m[2]+" | "+m[3])
		}
	}
	var want, table []string
	for _, ci := range spm.Codes() {
		want = append(want, string(ci.Code)+" | "+string(ci.Severity)+" | "+ci.Resolution)
		table = append(table, fmt.Sprintf("//\t%-40s  %-8s  %s", ci.Code, ci.Severity, ci.Resolution))
	}
	assert.Equal(t, want, got, "doc.go's table should read:\n%s", strings.Join(table, "\n"))
}

func TestFindingActionableAndBlocking(t *testing.T) {
	tests := []struct {
		name                 string
		f                    spm.Finding
		actionable, blocking bool
	}{
		{"info, nothing to do", spm.Finding{Severity: spm.SeverityInfo}, false, false},
		{"changes only", spm.Finding{Severity: spm.SeverityWarning, Changes: spm.Changes{spm.Quarantine{VolumeID: "v"}}}, true, false},
		{"manual step", spm.Finding{Severity: spm.SeverityWarning, Manual: "do it"}, true, true},
		{"error", spm.Finding{Severity: spm.SeverityError, Manual: "settle it"}, true, true},
		{"error without manual still blocks", spm.Finding{Severity: spm.SeverityError}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.actionable, tt.f.Actionable())
			assert.Equal(t, tt.blocking, tt.f.Blocking())
		})
	}
}

func TestSubjectString(t *testing.T) {
	w := spmtest.SampleWWN("volume", 3)
	tests := []struct {
		s    spm.Subject
		want string
	}{
		{spm.Subject{}, ""},
		{spm.Subject{ArrayID: "3par-1"}, "array 3par-1"},
		{spm.Subject{ArrayID: "3par-1", VolumeID: "vol3", VolumeWWN: w, ServiceID: "svc-ls3"}, "array 3par-1 volume vol3 (WWN " + w.String() + ") service svc-ls3"},
		{spm.Subject{ArrayID: "a", VolumeWWN: w}, "array a volume WWN " + w.String()},
		{spm.Subject{VolumeID: "my vol"}, `volume "my vol"`},
		{spm.Subject{ServiceID: strings.Repeat("s", 100)}, "service " + `"` + strings.Repeat("s", 64) + `"… (100 bytes)`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) { assert.Equal(t, tt.want, tt.s.String()) })
	}
}

func TestChangesOf(t *testing.T) {
	assert.Nil(t, spm.ChangesOf(nil))
	fs := []spm.Finding{
		{Changes: spm.Changes{spm.Quarantine{VolumeID: "a"}}},
		{Manual: "x"},
		{Changes: spm.Changes{spm.Quarantine{VolumeID: "b"}, spm.MarkServiceNonConformant{ServiceID: "s"}}},
	}
	assert.Equal(t, spm.Changes{spm.Quarantine{VolumeID: "a"}, spm.Quarantine{VolumeID: "b"}, spm.MarkServiceNonConformant{ServiceID: "s"}}, spm.ChangesOf(fs))
}

func TestFindingJSONRoundTrip(t *testing.T) {
	s, a := estate(t)
	require.NoError(t, a.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 7)))
	require.NoError(t, a.DeleteVolume(spmtest.Array3PAR, spmtest.SampleWWN("volume", 11)))
	fs := analyze(t, s, a)
	require.NotEmpty(t, spm.ChangesOf(fs))
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"spm.RemoveVolume"`)
	var back []spm.Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fs, back)
}

// The package doc's table of what applying a change again does lists
// every change kind once.
func TestDocReapplyTableListsEveryKind(t *testing.T) {
	fset, files := parsePackage(t)
	p, err := doc.NewFromFiles(fset, files, "github.com/mxsync-go/mxsync/spm")
	require.NoError(t, err)
	row := regexp.MustCompile(`(?m)^\s+(spm\.[A-Za-z]+)\s{2,}\S`)
	count := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(p.Doc, -1) {
		count[m[1]]++
	}
	want := map[string]int{}
	for _, c := range oneOfEachKind() {
		want[c.Kind()] = 1
	}
	assert.Equal(t, want, count)
}
