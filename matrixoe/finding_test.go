package matrixoe

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestActionableAndBlocking(t *testing.T) {
	tests := []struct {
		name                 string
		f                    Finding
		actionable, blocking bool
	}{
		{"nothing to do", Finding{Severity: SeverityInfo}, false, false},
		{"changes only", Finding{Severity: SeverityWarning, Changes: Changes{DropLS{LogicalServerID: "LS1"}}}, true, false},
		{"manual step", Finding{Severity: SeverityWarning, Manual: "unmanage it"}, true, true},
		{"error with a manual step", Finding{Severity: SeverityError, Manual: "resolve it"}, true, true},
		{"error without a manual step still blocks", Finding{Severity: SeverityError}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.actionable, tc.f.Actionable())
			assert.Equal(t, tc.blocking, tc.f.Blocking())
		})
	}
}

func TestSubjectString(t *testing.T) {
	w7, w8 := wwn(t, "50:01:43:80:02:a3:00:07"), wwn(t, "50:01:43:80:02:a3:00:08")
	tests := []struct {
		s    Subject
		want string
	}{
		{Subject{}, ""},
		{Subject{LogicalServerID: "LS1", ProfileID: "P1"}, "logical server LS1 profile P1"},
		{Subject{VolumeID: "V7", WWPNs: []addrpool.WWN{w7, w8}}, "volume V7 (WWPNs 50:01:43:80:02:A3:00:07, 50:01:43:80:02:A3:00:08)"},
		{Subject{VolumeID: "V7", SPEID: "SPE7", LogicalServerID: "LS2"}, "logical server LS2 storage pool entry SPE7 volume V7"},
		{Subject{WWPNs: []addrpool.WWN{w7, w7, w7, w7, w7, w7}}, "(WWPNs 50:01:43:80:02:A3:00:07, 50:01:43:80:02:A3:00:07, 50:01:43:80:02:A3:00:07, 50:01:43:80:02:A3:00:07, +2)"},
		{Subject{RequestID: "R1", ServiceID: "S1"}, "service S1 request R1"},
		{Subject{Address: addr(t, "10.0.0.7")}, "IP 10.0.0.7"},
		{Subject{RecoveryGroup: "RG1"}, "recovery group RG1"},
		{Subject{ServiceID: strings.Repeat("s", 1000)}, "service " + strings.Repeat("s", maxShort) + "…(1000 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.s.String())
		})
	}
}

// codeConstants parses the package's non-test sources and returns the
// value of every constant of type Code, with duplicates.
func codeConstants(t *testing.T) []Code {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var out []Code
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
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
					lit := v.(*ast.BasicLit)
					s, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out = append(out, Code(s))
				}
			}
		}
	}
	return out
}

// Every Code constant of the package is in Codes() exactly once, and each
// entry is well formed.
func TestCodesListsEveryCodeOnce(t *testing.T) {
	consts := codeConstants(t)
	require.NotEmpty(t, consts)
	var listed []Code
	for _, ci := range Codes() {
		listed = append(listed, ci.Code)
		assert.Contains(t, []string{"storage", "orchestration", "recovery"}, ci.Section, ci.Code)
		assert.Contains(t, []Severity{SeverityInfo, SeverityWarning, SeverityError}, ci.Severity, ci.Code)
		assert.Positive(t, ci.Phase, ci.Code)
		assert.NotEmpty(t, ci.Resolution, ci.Code)
		assert.NotContains(t, ci.Resolution, "\n", ci.Code)
	}
	assert.ElementsMatch(t, consts, listed, "constants and Codes() (each once)")
	seen := map[Code]int{}
	for _, c := range listed {
		seen[c]++
		assert.Equal(t, 1, seen[c], "%s listed twice", c)
	}
	for _, c := range consts {
		assert.Equal(t, 1, seen[c], "%s: constant not in Codes() once", c)
	}
}

// The package doc's code table lists exactly Codes(), in order, column for
// column.
func TestDocCodeTableIsCodes(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "doc.go", nil, parser.ParseComments)
	require.NoError(t, err)
	text := f.Doc.Text()
	_, table, ok := strings.Cut(text, "# Finding codes")
	require.True(t, ok, "the doc has a Finding codes section")
	row := regexp.MustCompile(`^\s+([A-Z]+-[A-Z0-9-]+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$`)
	var got []CodeInfo
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "# ") {
			break
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ph, err := strconv.Atoi(m[3])
		require.NoError(t, err)
		got = append(got, CodeInfo{Code: Code(m[1]), Section: m[2], Phase: ph, Severity: Severity(m[4]), Resolution: m[5]})
	}
	assert.Equal(t, Codes(), got)
}
