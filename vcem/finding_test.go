package vcem_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindingJSONRoundTrip(t *testing.T) {
	tc := phase1Cases()[len(phase1Cases())-1] // everything at once
	require.Equal(t, "everything at once", tc.name)
	_, _, _, fs := runPhase1Case(t, tc)
	require.NotEmpty(t, fs)
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	var back []vcem.Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fs, back)

	var bad []vcem.Finding
	err = json.Unmarshal([]byte(`[{"code":"X","changes":[{"kind":"vcem.DeleteProfile","profileId":"a"},{"kind":"zz"}]}]`), &bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[1]")
}

// packageFiles parses the package's non-test Go files.
func packageFiles(t *testing.T) []*ast.File {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	return files
}

// Every Code constant of the package is in Codes() exactly once, and Codes()
// holds nothing else: the catalog is generated from the code.
func TestCodesListEveryCodeConstantOnce(t *testing.T) {
	var consts []string
	for _, f := range packageFiles(t) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
					for i := range vs.Names {
						lit := vs.Values[i].(*ast.BasicLit)
						consts = append(consts, strings.Trim(lit.Value, `"`))
					}
				}
			}
		}
	}
	require.NotEmpty(t, consts)
	var listed []string
	for _, ci := range vcem.Codes() {
		listed = append(listed, string(ci.Code))
		assert.Equal(t, "vcem", ci.Section)
		assert.Contains(t, []int{1, 2}, ci.Phase)
		assert.NotEmpty(t, ci.Resolution)
		assert.NotContains(t, ci.Resolution, "\n", "one line")
	}
	assert.ElementsMatch(t, consts, listed, "each Code constant once in Codes()")
	assert.Len(t, listed, len(slices.Compact(slices.Sorted(slices.Values(listed)))), "no code twice")
}

var codeWord = regexp.MustCompile(`^VCEM-[A-Z-]+$`)

// The package documentation's code table lists exactly Codes(), in order,
// with the phase and severity Codes() gives.
func TestDocCodeTableMatchesCodes(t *testing.T) {
	var doc string
	for _, f := range packageFiles(t) {
		if f.Doc != nil {
			doc += f.Doc.Text()
		}
	}
	var rows [][]string
	for _, line := range strings.Split(doc, "\n") {
		fs := strings.Fields(line)
		if len(fs) >= 3 && codeWord.MatchString(fs[0]) {
			rows = append(rows, fs[:3])
		}
	}
	var want [][]string
	for _, ci := range vcem.Codes() {
		want = append(want, []string{string(ci.Code), strconv.Itoa(ci.Phase), string(ci.Severity)})
	}
	assert.Equal(t, want, rows)
}

// The severity rule, Actionable and Blocking on hand-made findings.
func TestFindingActionableAndBlocking(t *testing.T) {
	change := vcem.Changes{vcem.MarkExternalMAC{MAC: 1}}
	tests := []struct {
		name                 string
		f                    vcem.Finding
		actionable, blocking bool
	}{
		{"info", vcem.Finding{Severity: vcem.SeverityInfo}, false, false},
		{"changes", vcem.Finding{Severity: vcem.SeverityWarning, Changes: change}, true, false},
		{"manual", vcem.Finding{Severity: vcem.SeverityWarning, Manual: "do it"}, true, true},
		{"changes and manual", vcem.Finding{Severity: vcem.SeverityWarning, Changes: change, Manual: "do it"}, true, true},
		{"error", vcem.Finding{Severity: vcem.SeverityError, Manual: "settle it"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.actionable, tt.f.Actionable())
			assert.Equal(t, tt.blocking, tt.f.Blocking())
		})
	}
	f := vcem.Finding{Code: vcem.CodeAddrConflict, Severity: vcem.SeverityError, Message: "m"}
	assert.Equal(t, "VCEM-ADDR-CONFLICT [error] m", f.String())
	assert.Equal(t, vcem.Changes{change[0], change[0]}, vcem.ChangesOf([]vcem.Finding{{Changes: change}, {}, {Changes: change}}))
	assert.Nil(t, vcem.ChangesOf(nil))
}

func TestSubjectString(t *testing.T) {
	mac := func(v uint64) vcem.AddressRef {
		return vcem.AddressRef{Family: vcem.FamilyMAC, Value: addrpool.MAC(v).String()}
	}
	tests := []struct {
		s    vcem.Subject
		want string
	}{
		{vcem.Subject{}, ""},
		{vcem.Subject{DomainID: "d1"}, "domain d1"},
		{vcem.Subject{DomainID: "d1", GroupID: "g1", ProfileID: "d1:web"}, "domain d1 group g1 profile d1:web"},
		{vcem.Subject{LiveProfiles: []vcem.ProfileKey{{DomainID: "d1", Name: "a"}, {DomainID: "d2", Name: "b"}}, Addresses: []vcem.AddressRef{mac(1)}},
			"live d1/a,d2/b mac 00-00-00-00-00-01"},
		{vcem.Subject{Addresses: []vcem.AddressRef{mac(1), mac(2), mac(3), mac(4), mac(5)}},
			"mac 00-00-00-00-00-01 mac 00-00-00-00-00-02 mac 00-00-00-00-00-03 +2 more"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.s.String())
		})
	}
}

// Findings decode strictly: a typo in a saved plan is an error, not a
// silently dropped field.
func TestFindingJSONRejects(t *testing.T) {
	var f vcem.Finding
	err := json.Unmarshal([]byte(`{"code":"VCEM-X","severity":"info","subject":{"domainID":"d1"},"message":"m"}`), &f)
	assert.ErrorContains(t, err, `vcem: finding JSON: subject.domainID: unknown field "domainID" (field names are case-sensitive: did you mean "domainId"?)`)
	err = json.Unmarshal([]byte(`{"code":"VCEM-X","severity":"info","subject":{},"message":"m","phase":1}`), &f)
	assert.ErrorContains(t, err, `phase: unknown field "phase"`)
}
