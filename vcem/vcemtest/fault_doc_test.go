package vcemtest_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/faultrule"
)

// go doc cannot show the fields of an alias of an internal type, so Fault's
// doc comment lists them, one line each; this test fails when a field of
// faultrule.Rule is missing from that list, so the list cannot drift.
func TestFaultDocListsEveryRuleField(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "faults.go", nil, parser.ParseComments)
	require.NoError(t, err)
	p, err := doc.NewFromFiles(fset, []*ast.File{f}, "vcemtest")
	require.NoError(t, err)
	var comment string
	for _, ty := range p.Types {
		if ty.Name == "Fault" {
			comment = ty.Doc
		}
	}
	require.NotEmpty(t, comment, "Fault has a doc comment")
	rule := reflect.TypeFor[faultrule.Rule]()
	require.Positive(t, rule.NumField())
	for f := range rule.Fields() {
		line := regexp.MustCompile(`(?m)^\s+` + f.Name + `\s+\S`)
		assert.Regexp(t, line, comment, "the doc of Fault lists field %s on a line of its own", f.Name)
	}
}
