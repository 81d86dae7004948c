package spm_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
)

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
// every other byte, and the restore puts the value back.
func TestSetRecoveryModeOtherShapes(t *testing.T) {
	tests := []struct {
		name, content, edited, restored string
	}{
		{"UTF-8 BOM and CRLF",
			"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<c>\r\n<RecoveryMode>None</RecoveryMode>\r\n</c>\r\n",
			"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<c>\r\n<RecoveryMode>InternalRecovery</RecoveryMode>\r\n</c>\r\n", ""},
		{"attributes kept in order", `<c><RecoveryMode b="2" a='1'>None</RecoveryMode></c>`,
			`<c><RecoveryMode b="2" a='1'>InternalRecovery</RecoveryMode></c>`, ""},
		{"namespace prefix", `<c xmlns:x="u"><x:RecoveryMode>None</x:RecoveryMode></c>`,
			`<c xmlns:x="u"><x:RecoveryMode>InternalRecovery</x:RecoveryMode></c>`, ""},
		{"look-alike in a comment", `<c><!-- <RecoveryMode>X</RecoveryMode> --><RecoveryMode>None</RecoveryMode></c>`,
			`<c><!-- <RecoveryMode>X</RecoveryMode> --><RecoveryMode>InternalRecovery</RecoveryMode></c>`, ""},
		{"white space around the value", "<c><RecoveryMode>\n  None \n</RecoveryMode></c>",
			"<c><RecoveryMode>\n  InternalRecovery \n</RecoveryMode></c>", ""},
		{"self-closing comes back as an empty pair", `<c><RecoveryMode /></c>`,
			`<c><RecoveryMode >InternalRecovery</RecoveryMode></c>`, `<c><RecoveryMode ></RecoveryMode></c>`},
		{"character reference comes back as text", `<c><RecoveryMode>&#78;one</RecoveryMode></c>`,
			`<c><RecoveryMode>InternalRecovery</RecoveryMode></c>`, `<c><RecoveryMode>None</RecoveryMode></c>`},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, []byte(tt.content))
			mc, err := spm.SetRecoveryMode(ctx, p, spm.RecoveryModeInternal)
			require.NoError(t, err)
			require.True(t, mc.Changed)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, tt.edited, string(b))
			bak, err := os.ReadFile(mc.Backup)
			require.NoError(t, err)
			assert.Equal(t, tt.content, string(bak), "backup holds the original bytes")

			_, err = spm.RestoreRecoveryMode(ctx, mc)
			require.NoError(t, err)
			b, err = os.ReadFile(p)
			require.NoError(t, err)
			want := tt.restored
			if want == "" {
				want = tt.content
			}
			assert.Equal(t, want, string(b))
			cfg, err := spm.ReadConfig(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, mc.Previous, cfg.RecoveryMode)
		})
	}
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
