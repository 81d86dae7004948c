package spm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
)

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

// A ResourceOutOfDateTimespan too large for a time.Duration must be refused
// with the value named, not overflow into a wrong interval.
func TestResourceOutOfDateTimespanRange(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		ok      bool
		minutes int
	}{
		{"default", "60", true, 60},
		{"zero", "0", true, 0},
		{"largest that fits", "153722867", true, 153722867},
		{"overflows a Duration", "9999999999999", false, 0},
		{"overflows int", "99999999999999999999", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := "<c>\n<RecoveryMode>None</RecoveryMode>\n<ResourceOutOfDateTimespan>" + tt.value + "</ResourceOutOfDateTimespan>\n</c>\n"
			p := writeConfig(t, []byte(content))
			cfg, err := spm.ReadConfig(context.Background(), p)
			if !tt.ok {
				var ce *spm.ConfigError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, 3, ce.Line)
				assert.Contains(t, err.Error(), tt.value)
				_, err = spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
				require.Error(t, err)
				b, rerr := os.ReadFile(p)
				require.NoError(t, rerr)
				assert.Equal(t, content, string(b), "file left untouched")
				return
			}
			require.NoError(t, err)
			d, ok := cfg.ResyncInterval()
			require.True(t, ok)
			assert.Positive(t, d+1, "no overflow")
			assert.Equal(t, int64(tt.minutes), int64(d.Minutes()))
		})
	}
}

// Shapes of ApplicationConfig.xml the fixture does not have: each edit keeps
// every other byte, and the restore gives back the original bytes.
func TestSetRecoveryModeOtherShapes(t *testing.T) {
	tests := []struct {
		name, content, edited string
	}{
		{"UTF-8 BOM and CRLF",
			"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<c>\r\n<RecoveryMode>None</RecoveryMode>\r\n</c>\r\n",
			"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<c>\r\n<RecoveryMode>InternalRecovery</RecoveryMode>\r\n</c>\r\n"},
		{"attributes kept in order", `<c><RecoveryMode b="2" a='1'>None</RecoveryMode></c>`,
			`<c><RecoveryMode b="2" a='1'>InternalRecovery</RecoveryMode></c>`},
		{"namespace prefix", `<c xmlns:x="u"><x:RecoveryMode>None</x:RecoveryMode></c>`,
			`<c xmlns:x="u"><x:RecoveryMode>InternalRecovery</x:RecoveryMode></c>`},
		{"look-alike in a comment", `<c><!-- <RecoveryMode>X</RecoveryMode> --><RecoveryMode>None</RecoveryMode></c>`,
			`<c><!-- <RecoveryMode>X</RecoveryMode> --><RecoveryMode>InternalRecovery</RecoveryMode></c>`},
		{"look-alike in CDATA", `<c><x><![CDATA[<RecoveryMode>X</RecoveryMode>]]></x><RecoveryMode>None</RecoveryMode></c>`,
			`<c><x><![CDATA[<RecoveryMode>X</RecoveryMode>]]></x><RecoveryMode>InternalRecovery</RecoveryMode></c>`},
		{"odd indentation", "<c>\n      <a>\n\t  \t<RecoveryMode>\n  None \n   </RecoveryMode>\n  </a>\n</c>",
			"<c>\n      <a>\n\t  \t<RecoveryMode>\n  InternalRecovery \n   </RecoveryMode>\n  </a>\n</c>"},
		{"self-closing comes back self-closing", `<c><RecoveryMode /></c>`,
			`<c><RecoveryMode >InternalRecovery</RecoveryMode></c>`},
		{"self-closing without space", `<c><RecoveryMode/></c>`,
			`<c><RecoveryMode>InternalRecovery</RecoveryMode></c>`},
		{"character reference comes back as a reference", `<c><RecoveryMode>&#78;one</RecoveryMode></c>`,
			`<c><RecoveryMode>InternalRecovery</RecoveryMode></c>`},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.content))
			mc, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
			require.NoError(t, err)
			require.True(t, mc.Changed)
			assertFile(t, p, tt.edited)
			bak, err := os.ReadFile(mc.Backup)
			require.NoError(t, err)
			assert.Equal(t, tt.content, string(bak), "backup holds the original bytes")

			back, err := spm.RestoreRecoveryMode(ctx, mc)
			require.NoError(t, err)
			assert.True(t, back.Changed)
			assertFile(t, p, tt.content)
			cfg, err := spm.ReadConfig(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, mc.Previous, cfg.RecoveryMode)
			assert.Len(t, dirEntries(t, p), 3, "the file and two backups, no temporary file")
		})
	}
}

// Files the edit would accept and edit before although they are not
// well-formed XML: each is refused with the file and the line, and left
// untouched.
func TestConfigRefusesMalformedXML(t *testing.T) {
	tests := []struct {
		name, content string
		line          int
		msg           string
	}{
		{"NUL in a comment", "<c>\n<!-- a\x00b -->\n<RecoveryMode>None</RecoveryMode></c>", 2, "character U+0000 is not allowed in XML"},
		{"invalid UTF-8 in a comment", "<c>\n\n<!-- caf\xe9 -->\n<RecoveryMode>None</RecoveryMode></c>", 3, "invalid UTF-8: byte 0xe9"},
		{"U+FFFE", "<c><RecoveryMode>None</RecoveryMode>\uFFFE</c>", 1, "character U+FFFE is not allowed"},
		{"text after the root element", "<c>\n<RecoveryMode>None</RecoveryMode>\n</c>\ngarbage\n", 3, `text after the root element: "garbage"`},
		{"text before the root element", "junk<c><RecoveryMode>None</RecoveryMode></c>", 1, `text before the root element: "junk"`},
		{"XML declaration not at the start", "\n<?xml version=\"1.0\"?>\n<c><RecoveryMode>None</RecoveryMode></c>", 2, "XML declaration not at the start of the file"},
		{"XML declaration after the root", "<c><RecoveryMode>None</RecoveryMode></c>\n<?xml version=\"1.0\"?>", 2, "XML declaration not at the start of the file"},
		{"second XML declaration", "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><c><RecoveryMode>None</RecoveryMode></c>", 1, "XML declaration not at the start of the file"},
		{"reserved target in capitals", "<?XML version=\"1.0\"?><c><RecoveryMode>None</RecoveryMode></c>", 1, `processing instruction target "XML" is reserved`},
		{"duplicate attribute", "<c>\n<RecoveryMode a=\"1\" a=\"2\">None</RecoveryMode></c>", 2, `attribute "a" given twice in <RecoveryMode>`},
		{"duplicate attribute through two prefixes", "<c xmlns:a='u' xmlns:b='u' a:x='1' b:x='2'><RecoveryMode>None</RecoveryMode></c>", 1, `attribute "u:x" given twice in <c>`},
		{"namespace declared twice", "<c xmlns:a='u' xmlns:a='v'><RecoveryMode>None</RecoveryMode></c>", 1, `attribute "xmlns:a" given twice`},
		{"DOCTYPE after the root", "<c><RecoveryMode>None</RecoveryMode></c>\n<!DOCTYPE c>", 2, "declaration <!…> after the start of the root element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.content))
			for _, op := range []string{"read", "set"} {
				var err error
				if op == "read" {
					_, err = spm.ReadConfig(context.Background(), p)
				} else {
					_, err = spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
				}
				var ce *spm.ConfigError
				require.ErrorAs(t, err, &ce, op)
				assert.Equal(t, p, ce.Path, op)
				assert.Equal(t, tt.line, ce.Line, op)
				assert.Contains(t, err.Error(), "malformed XML: "+tt.msg, op)
				assert.Contains(t, err.Error(), p+":"+strconv.Itoa(tt.line)+":", "the error names the file and the line")
			}
			assertFile(t, p, tt.content)
			assert.Equal(t, []string{"ApplicationConfig.xml"}, dirEntries(t, p), "no temporary or backup file")
		})
	}
}

// A read-only file is refused: Windows would refuse to replace it, and on
// Linux the rename would silently replace it.
func TestSetRecoveryModeRefusesReadOnlyFile(t *testing.T) {
	content := "<c><RecoveryMode>None</RecoveryMode></c>"
	p := writeConfig(t, []byte(content))
	require.NoError(t, os.Chmod(p, 0o444))
	t.Cleanup(func() { _ = os.Chmod(p, 0o644) })
	_, err := spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
	var ce *spm.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, spm.ErrReadOnly)
	assert.ErrorIs(t, err, spm.ErrConflict)
	assert.Contains(t, err.Error(), p)
	assert.Contains(t, err.Error(), "file is read-only")
	assertFile(t, p, content)
	assert.Equal(t, []string{"ApplicationConfig.xml"}, dirEntries(t, p))
	info, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o444), info.Mode().Perm(), "still read-only")

	cfg, err := spm.ReadConfig(context.Background(), p)
	require.NoError(t, err, "reading a read-only file is fine")
	assert.Equal(t, "None", cfg.RecoveryMode)
}

// A symbolic link stays a link: the file it resolves to is edited, and
// the backup and temporary file live beside that file.
func TestSetRecoveryModeFollowsSymbolicLink(t *testing.T) {
	content := "<c>\r\n<RecoveryMode/>\r\n</c>\r\n"
	real := writeConfig(t, []byte(content))
	linkDir := t.TempDir()
	link := filepath.Join(linkDir, "ApplicationConfig.xml")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	ctx := context.Background()
	mc, err := spm.SetRecoveryMode(ctx, link, spm.RecoveryModeInternal)
	require.NoError(t, err)
	assert.Equal(t, link, mc.Path)
	assert.Equal(t, real, mc.Resolved)
	assert.Equal(t, filepath.Dir(real), filepath.Dir(mc.Backup), "backup beside the real file")

	li, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, li.Mode()&os.ModeSymlink, "the link is still a link")
	assertFile(t, real, "<c>\r\n<RecoveryMode>InternalRecovery</RecoveryMode>\r\n</c>\r\n")
	v, err := spm.ConfigFile{Path: link}.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, spm.RecoveryModeInternal, v, "read through the link")
	assert.Equal(t, []string{"ApplicationConfig.xml"}, dirEntries(t, link), "nothing written beside the link")

	_, err = spm.RestoreRecoveryMode(ctx, mc)
	require.NoError(t, err)
	assertFile(t, real, content)
	li, err = os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, li.Mode()&os.ModeSymlink)

	t.Run("restore refuses a link that points elsewhere now", func(t *testing.T) {
		mc, err := spm.SetRecoveryMode(ctx, link, spm.RecoveryModeInternal)
		require.NoError(t, err)
		other := writeConfig(t, []byte("<c><RecoveryMode>InternalRecovery</RecoveryMode></c>"))
		require.NoError(t, os.Remove(link))
		require.NoError(t, os.Symlink(other, link))
		_, err = spm.RestoreRecoveryMode(ctx, mc)
		assert.ErrorIs(t, err, spm.ErrModeChanged)
		assert.ErrorContains(t, err, "the path now leads to "+other)
		assertFile(t, other, "<c><RecoveryMode>InternalRecovery</RecoveryMode></c>")
	})
}

// The engine journals the ModeChange (JSON) before SPM starts and, after a
// crash, restores from the decoded record in a new process.
func TestRestoreRecoveryModeFromJournal(t *testing.T) {
	ctx := context.Background()
	orig := "<c>\r\n  <RecoveryMode   />\r\n  <Other>x</Other>\r\n</c>\r\n"
	setUp := func(t *testing.T) (string, *spm.ModeChange) {
		p := writeConfig(t, []byte(orig))
		mc, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
		require.NoError(t, err)
		b, err := json.Marshal(mc)
		require.NoError(t, err)
		var journaled spm.ModeChange
		require.NoError(t, json.Unmarshal(b, &journaled))
		require.Equal(t, *mc, journaled)
		return p, &journaled
	}
	t.Run("original bytes back, then a replay is a no-op", func(t *testing.T) {
		p, mc := setUp(t)
		back, err := spm.ConfigFile{Path: p}.RestoreRecoveryMode(ctx, mc)
		require.NoError(t, err)
		assert.True(t, back.Changed)
		assertFile(t, p, orig)
		again, err := spm.RestoreRecoveryMode(ctx, mc)
		require.NoError(t, err)
		assert.False(t, again.Changed, "already put back")
		assertFile(t, p, orig)
	})
	t.Run("other parts of the file changed since: kept", func(t *testing.T) {
		p, mc := setUp(t)
		replaceInFile(t, p, "<Other>x</Other>", "<Other>y</Other>")
		_, err := spm.RestoreRecoveryMode(ctx, mc)
		require.NoError(t, err)
		assertFile(t, p, strings.Replace(orig, "<Other>x</Other>", "<Other>y</Other>", 1))
	})
	t.Run("element rewritten with the same value: the value goes back as text", func(t *testing.T) {
		p, mc := setUp(t)
		replaceInFile(t, p, mc.Written, "<RecoveryMode>InternalRecovery</RecoveryMode>")
		_, err := spm.RestoreRecoveryMode(ctx, mc)
		require.NoError(t, err)
		assertFile(t, p, strings.Replace(orig, "<RecoveryMode   />", "<RecoveryMode></RecoveryMode>", 1))
	})
	t.Run("value changed since: refused, naming why", func(t *testing.T) {
		p, mc := setUp(t)
		changed := replaceInFile(t, p, "InternalRecovery", "ManualRecovery")
		before := dirEntries(t, p)
		_, err := spm.RestoreRecoveryMode(ctx, mc)
		var ce *spm.ConfigError
		require.ErrorAs(t, err, &ce)
		assert.ErrorIs(t, err, spm.ErrModeChanged)
		assert.ErrorIs(t, err, spm.ErrConflict)
		assert.Equal(t, 2, ce.Line)
		assert.Contains(t, err.Error(), `it holds "ManualRecovery", not the "InternalRecovery" that was written (the value before was "")`)
		assertFile(t, p, changed)
		assert.Equal(t, before, dirEntries(t, p), "no backup or temporary file")
	})
	t.Run("a record without the element bytes", func(t *testing.T) {
		p, mc := setUp(t)
		mc.Original = ""
		_, err := spm.RestoreRecoveryMode(ctx, mc)
		assert.ErrorIs(t, err, spm.ErrInvalid)
		_, err = spm.ConfigFile{Path: p + ".other"}.RestoreRecoveryMode(ctx, &spm.ModeChange{Path: p, Changed: true})
		assert.ErrorIs(t, err, spm.ErrInvalid)
		assert.ErrorContains(t, err, "not of this file")
	})
	t.Run("nothing to restore", func(t *testing.T) {
		mc, err := spm.RestoreRecoveryMode(ctx, nil)
		require.NoError(t, err)
		assert.False(t, mc.Changed)
		mc, err = spm.RestoreRecoveryMode(ctx, &spm.ModeChange{Path: "nowhere", Previous: "X", Value: "X"})
		require.NoError(t, err)
		assert.False(t, mc.Changed)
	})
}

func TestConfigRefusesWhatItCannotEditSafely(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"DTD entity", `<!DOCTYPE c [<!ENTITY e "None">]><c><RecoveryMode>&e;</RecoveryMode></c>`, "malformed XML"},
		{"UTF-16 declared", `<?xml version="1.0" encoding="UTF-16"?><c><RecoveryMode>None</RecoveryMode></c>`, "UTF-8 only"},
		{"Latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><c><RecoveryMode>None</RecoveryMode></c>`, "UTF-8 only"},
		{"prefixed and plain twice", `<c xmlns:x="u"><x:RecoveryMode>A</x:RecoveryMode><RecoveryMode>None</RecoveryMode></c>`, "2 <RecoveryMode> elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.content))
			_, err := spm.SetRecoveryMode(context.Background(), p, spm.RecoveryModeInternal)
			var ce *spm.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, p, ce.Path)
			assert.Contains(t, err.Error(), tt.want)
			b, rerr := os.ReadFile(p)
			require.NoError(t, rerr)
			assert.Equal(t, tt.content, string(b))
			assert.Len(t, dirEntries(t, p), 1, "no backup or temporary file left")
		})
	}
}
