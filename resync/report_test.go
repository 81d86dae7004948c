package resync_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

// TestReportGolden pins the text report of the main drill's plan.
// MXSYNC_UPDATE_GOLDEN=1 go test ./resync -run TestReportGolden rewrites it.
func TestReportGolden(t *testing.T) {
	e, _, err := drillEstate()
	require.NoError(t, err)
	defer e.Close()
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	plan, err := resync.Analyze(context.Background(), e.Env(), resync.WithDeletedServices(), resync.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, plan.WriteReport(&b, resync.ReportOptions{MaxChanges: 3}))
	path := filepath.Join("testdata", "drill-report.golden")
	if os.Getenv("MXSYNC_UPDATE_GOLDEN") != "" {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())

	// The report's shape, independently of the golden bytes.
	text := b.String()
	for _, p := range resync.Phases() {
		assert.Contains(t, text, "== "+p.Title())
	}
	assert.Contains(t, text, "ISSUE VCEM-ADDR-REASSIGNED ")
	assert.Contains(t, text, "    MANUAL: ")
	assert.Contains(t, text, "… and ")
	assert.Contains(t, text, "predicted (SPM Internal Recovery, done by the product itself)")
	assert.Contains(t, text, "Summary\n")
}
