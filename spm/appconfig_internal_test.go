package spm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failing rename (the last step) leaves the original untouched and
// removes the temporary file; the backup copy of the original stays.
func TestSetRecoveryModeRenameFailure(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ApplicationConfig.xml")
	orig := []byte("<c>\r\n  <RecoveryMode>Old</RecoveryMode>\r\n</c>\r\n")
	require.NoError(t, os.WriteFile(p, orig, 0o644))
	boom := errors.New("disk full")
	fixed := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	_, err := setRecoveryMode(context.Background(), p, RecoveryModeInternal, func() time.Time { return fixed },
		func(string, string) error { return boom })
	require.ErrorIs(t, err, boom)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, orig, got)
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file left: %s", e.Name())
	}
	assert.ElementsMatch(t, []string{"ApplicationConfig.xml", "ApplicationConfig.xml.mxsync-20261125T130000.000Z.bak"}, names)
}

// Two edits at the same instant get distinct backups.
func TestBackupNamesDoNotCollide(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ApplicationConfig.xml")
	require.NoError(t, os.WriteFile(p, []byte("<c><RecoveryMode>A</RecoveryMode></c>"), 0o644))
	fixed := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	a, err := setRecoveryMode(context.Background(), p, "B", fixed, os.Rename)
	require.NoError(t, err)
	b, err := setRecoveryMode(context.Background(), p, "C", fixed, os.Rename)
	require.NoError(t, err)
	assert.NotEqual(t, a.Backup, b.Backup)
	assert.True(t, strings.HasSuffix(b.Backup, "-1.bak"), b.Backup)
	first, err := os.ReadFile(a.Backup)
	require.NoError(t, err)
	assert.Contains(t, string(first), ">A<")
}
