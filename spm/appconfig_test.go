package spm_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
)

// writeConfig puts content into <dir>/state/ApplicationConfig.xml and
// returns the path.
func writeConfig(t *testing.T, content []byte) string {
	t.Helper()
	dir := t.TempDir()
	p := spm.ConfigPath(dir)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, content, 0o644))
	return p
}

func fixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ApplicationConfig.xml"))
	require.NoError(t, err)
	require.True(t, bytes.Contains(b, []byte("\r\n")), "fixture must keep CRLF line endings")
	return b
}

// dirEntries lists the names in the folder of path.
func dirEntries(t *testing.T, path string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestConfigPath(t *testing.T) {
	got := spm.ConfigPath(filepath.Join("base", "SPM"))
	assert.Equal(t, filepath.Join("base", "SPM", "state", "ApplicationConfig.xml"), got)
	if runtime.GOOS == "windows" {
		assert.Equal(t, `C:\Program Files\HP\SPM\state\ApplicationConfig.xml`, spm.ConfigPath(`C:\Program Files\HP\SPM`))
	} else {
		assert.Equal(t, "/opt/spm/state/ApplicationConfig.xml", spm.ConfigPath("/opt/spm"))
	}
}

func TestReadConfigFixture(t *testing.T) {
	p := writeConfig(t, fixture(t))
	cfg, err := spm.ReadConfig(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, "None", cfg.RecoveryMode)
	assert.Equal(t, 7, cfg.RecoveryModeLine)
	require.NotNil(t, cfg.ResourceOutOfDateTimespan)
	assert.Equal(t, 60, *cfg.ResourceOutOfDateTimespan)
	d, ok := cfg.ResyncInterval()
	assert.True(t, ok)
	assert.Equal(t, "1h0m0s", d.String())
}

func TestSetRecoveryModeByteStable(t *testing.T) {
	orig := fixture(t)
	p := writeConfig(t, orig)
	ctx := context.Background()

	mc, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
	require.NoError(t, err)
	assert.True(t, mc.Changed)
	assert.Equal(t, "None", mc.Previous)
	assert.Equal(t, spm.RecoveryModeInternal, mc.Value)

	got, err := os.ReadFile(p)
	require.NoError(t, err)
	want := bytes.Replace(orig, []byte(">  None  <"), []byte(">  InternalRecovery  <"), 1)
	require.NotEqual(t, orig, want, "the fixture must contain the old value")
	assert.Equal(t, string(want), string(got), "only the value may change")

	// The backup holds the original bytes and is named as documented.
	require.NotEmpty(t, mc.Backup)
	assert.Equal(t, filepath.Dir(p), filepath.Dir(mc.Backup))
	assert.True(t, strings.HasPrefix(filepath.Base(mc.Backup), "ApplicationConfig.xml.mxsync-"))
	assert.True(t, strings.HasSuffix(mc.Backup, ".bak"))
	bak, err := os.ReadFile(mc.Backup)
	require.NoError(t, err)
	assert.Equal(t, orig, bak)

	// Setting the same value again writes nothing.
	again, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
	require.NoError(t, err)
	assert.False(t, again.Changed)
	assert.Empty(t, again.Backup)
	assert.Len(t, dirEntries(t, p), 2, "file and one backup, no temporary files")

	// Restoring puts the original bytes back exactly.
	back, err := spm.RestoreRecoveryMode(ctx, mc)
	require.NoError(t, err)
	assert.Equal(t, "None", back.Value)
	got, err = os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, orig, got)
}

func TestSetRecoveryModeShapes(t *testing.T) {
	tests := []struct {
		name, in, want, prev string
	}{
		{"plain", "<c><RecoveryMode>Old</RecoveryMode></c>", "<c><RecoveryMode>InternalRecovery</RecoveryMode></c>", "Old"},
		{"empty element", "<c>\n <RecoveryMode></RecoveryMode>\n</c>", "<c>\n <RecoveryMode>InternalRecovery</RecoveryMode>\n</c>", ""},
		{"self-closing with attributes", "<c><RecoveryMode z=\"1\" a=\"2\" /></c>", "<c><RecoveryMode z=\"1\" a=\"2\" >InternalRecovery</RecoveryMode></c>", ""},
		{"prefixed", "<c xmlns:s=\"urn:x\"><s:RecoveryMode>Old</s:RecoveryMode></c>", "<c xmlns:s=\"urn:x\"><s:RecoveryMode>InternalRecovery</s:RecoveryMode></c>", "Old"},
		{"multi-line value", "<c><RecoveryMode>\r\n\tOld\r\n</RecoveryMode></c>", "<c><RecoveryMode>\r\n\tInternalRecovery\r\n</RecoveryMode></c>", "Old"},
		{"nested deep", "<a><b x='1'><RecoveryMode>Old</RecoveryMode></b></a>", "<a><b x='1'><RecoveryMode>InternalRecovery</RecoveryMode></b></a>", "Old"},
		{"escaped old value", "<c><RecoveryMode>A&amp;B</RecoveryMode></c>", "<c><RecoveryMode>InternalRecovery</RecoveryMode></c>", "A&B"},
		{"utf-8 BOM", "\ufeff<c><RecoveryMode>Old</RecoveryMode></c>", "\ufeff<c><RecoveryMode>InternalRecovery</RecoveryMode></c>", "Old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.in))
			mc, err := spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
			require.NoError(t, err)
			assert.Equal(t, tt.prev, mc.Previous)
			got, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestConfigErrorsLeaveFileUntouched(t *testing.T) {
	tests := []struct {
		name    string
		content string
		value   string
		line    int
		is      error
		msg     string
	}{
		{name: "malformed", content: "<c>\n<RecoveryMode>Old</RecoveryMode>\n<x>\n</c>\n", value: "InternalRecovery", line: 4, msg: "malformed XML"},
		{name: "missing element", content: "<c><Other/></c>", value: "InternalRecovery", is: spm.ErrElementNotFound, msg: "no <RecoveryMode>"},
		{name: "two elements", content: "<c><RecoveryMode>a</RecoveryMode><d><RecoveryMode>b</RecoveryMode></d></c>", value: "InternalRecovery", msg: "2 <RecoveryMode> elements"},
		{name: "child element", content: "<c><RecoveryMode><v>a</v></RecoveryMode></c>", value: "InternalRecovery", msg: "child elements"},
		{name: "comment inside", content: "<c><RecoveryMode>a<!-- x --></RecoveryMode></c>", value: "InternalRecovery", msg: "holds markup"},
		{name: "bad timespan", content: "<c>\n<ResourceOutOfDateTimespan>soon</ResourceOutOfDateTimespan><RecoveryMode>a</RecoveryMode></c>", value: "InternalRecovery", line: 2, msg: `"soon"`},
		{name: "control character in value", content: "<c><RecoveryMode>a</RecoveryMode></c>", value: "a\x01b", msg: "not allowed"},
		{name: "value with spaces", content: "<c><RecoveryMode>a</RecoveryMode></c>", value: " a", msg: "white space"},
		{name: "encoding", content: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><c><RecoveryMode>a</RecoveryMode></c>", value: "InternalRecovery", msg: "UTF-8 only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.content))
			_, err := spm.SetRecoveryMode(context.Background(), p, tt.value)
			require.Error(t, err)
			var ce *spm.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, p, ce.Path)
			assert.Contains(t, err.Error(), p, "the error names the file")
			assert.Contains(t, err.Error(), tt.msg)
			if tt.line > 0 {
				assert.Equal(t, tt.line, ce.Line)
			}
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			got, rerr := os.ReadFile(p)
			require.NoError(t, rerr)
			assert.Equal(t, tt.content, string(got), "file untouched")
			assert.Equal(t, []string{"ApplicationConfig.xml"}, dirEntries(t, p), "no temporary or backup file")
		})
	}
}

func TestConfigMissingFile(t *testing.T) {
	p := spm.ConfigPath(t.TempDir())
	_, err := spm.ReadConfig(context.Background(), p)
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "ApplicationConfig.xml")

	_, err = spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, statErr := os.Stat(p)
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "nothing created")
}

func TestConfigCancelled(t *testing.T) {
	orig := fixture(t)
	p := writeConfig(t, orig)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
	assert.ErrorIs(t, err, context.Canceled)
	got, _ := os.ReadFile(p)
	assert.Equal(t, orig, got)
	_, err = spm.ReadConfig(ctx, p)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestConfigFileStore(t *testing.T) {
	p := writeConfig(t, fixture(t))
	store := spm.ConfigFile{Path: p}
	ctx := context.Background()
	v, err := store.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, "None", v)
	mc, err := store.SetRecoveryMode(ctx, spm.RecoveryModeInternal)
	require.NoError(t, err)
	assert.Equal(t, "None", mc.Previous)
	v, err = store.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, spm.RecoveryModeInternal, v)
}

// A value that needs escaping is written escaped, and putting back the
// value found restores the original bytes.
func TestRecoveryModeEscaping(t *testing.T) {
	orig := "<c>\r\n <RecoveryMode>A&amp;B</RecoveryMode>\r\n</c>\r\n"
	p := writeConfig(t, []byte(orig))
	ctx := context.Background()
	mc, err := spm.SetRecoveryMode(ctx, p, "x<y")
	require.NoError(t, err)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Contains(t, string(got), "<RecoveryMode>x&lt;y</RecoveryMode>")
	cfg, err := spm.ReadConfig(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "x<y", cfg.RecoveryMode)
	_, err = spm.RestoreRecoveryMode(ctx, mc)
	require.NoError(t, err)
	got, err = os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, orig, string(got))
}
