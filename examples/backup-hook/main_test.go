package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

func TestBackupHook(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-dir", dir, "-nights", "2", "-max-manual", "1000"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	m, err := resync.LoadManifest(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err, "the manifest was written and reads back")
	assert.NotEmpty(t, m.Fingerprints)
	assert.Equal(t, 2, strings.Count(out.String(), "what-if: a restore now would apply"))
	assert.Contains(t, out.String(), "restored: the databases are the manifest's backup")

	out.Reset()
	code = run(context.Background(), []string{"-nights", "3", "-max-manual", "0"}, &out, &errb)
	assert.Equal(t, 2, code, "above the threshold the hook alerts")
	assert.Contains(t, out.String(), "ALERT")
	_, err = os.Stat(filepath.Join(dir, "x"))
	assert.True(t, os.IsNotExist(err))
}
