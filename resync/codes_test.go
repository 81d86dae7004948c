package resync

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const catalogHead = "//\tcode                                       phase            severity  resolution\n"

func catalogText() string {
	var b strings.Builder
	b.WriteString(catalogHead)
	for _, c := range Codes() {
		fmt.Fprintf(&b, "//\t%-42s %-16s %-9s %s\n", c.Code, fmt.Sprintf("%s %d", c.Section, c.Phase), c.Severity, c.Resolution)
	}
	return b.String()
}

// TestCodeCatalogInDoc keeps the package documentation's catalog equal to
// Codes(). MXSYNC_UPDATE_DOC=1 rewrites it.
func TestCodeCatalogInDoc(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	doc := string(b)
	i := strings.Index(doc, catalogHead)
	j := strings.Index(doc, "package resync")
	require.True(t, i > 0 && j > i, "doc.go has the catalog heading")
	want := catalogText()
	if os.Getenv("MXSYNC_UPDATE_DOC") != "" {
		require.NoError(t, os.WriteFile("doc.go", []byte(doc[:i]+want+doc[j:]), 0o644))
		return
	}
	assert.Equal(t, want, doc[i:j], "run MXSYNC_UPDATE_DOC=1 go test ./resync to regenerate")
}

func TestCodesComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes() {
		assert.False(t, seen[c.Code], "code %s listed twice", c.Code)
		seen[c.Code] = true
		assert.True(t, c.Section.Valid(), c.Code)
		assert.Contains(t, []Severity{SeverityInfo, SeverityWarning, SeverityError}, c.Severity, c.Code)
		assert.NotEmpty(t, c.Resolution, c.Code)
		ok := false
		for _, p := range Phases() {
			ok = ok || p == PhaseID{c.Section, c.Phase}
		}
		assert.True(t, ok, "code %s in a known phase", c.Code)
	}
}
