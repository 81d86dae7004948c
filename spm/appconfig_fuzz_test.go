package spm

import (
	"bytes"
	"testing"
)

// FuzzEditRecoveryMode: for any document the parser accepts, the edit
// changes only the value's bytes, reads back the new value, and putting the
// old value back restores every byte (self-closing elements aside).
func FuzzEditRecoveryMode(f *testing.F) {
	for _, seed := range []string{
		"<c><RecoveryMode>Old</RecoveryMode></c>",
		"<?xml version=\"1.0\"?>\r\n<!-- x -->\r\n<c a='1' b=\"2\">\r\n\t<RecoveryMode>  None </RecoveryMode>\r\n</c>\r\n",
		"<c><RecoveryMode/></c>",
		"<c xmlns:s='u'><s:RecoveryMode>A&amp;B</s:RecoveryMode><ResourceOutOfDateTimespan>60</ResourceOutOfDateTimespan></c>",
		"<c><RecoveryMode><![CDATA[x]]></RecoveryMode></c>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, sp, err := parseConfig("fuzz.xml", data)
		if err != nil {
			return
		}
		const v = "InternalRecovery"
		out := edit(data, sp, v)
		if !bytes.HasPrefix(out, data[:sp.open]) {
			t.Fatalf("prefix changed")
		}
		tail := data[sp.close:]
		if sp.selfClosing {
			tail = data[sp.open+2:]
		}
		if !bytes.HasSuffix(out, tail) {
			t.Fatalf("suffix changed")
		}
		got, sp2, err := parseConfig("fuzz.xml", out)
		if err != nil {
			t.Fatalf("edited document does not parse: %v\n%q", err, out)
		}
		if got.RecoveryMode != v {
			t.Fatalf("read back %q", got.RecoveryMode)
		}
		if sp.selfClosing || checkPlainValue(cfg.RecoveryMode) != nil {
			return
		}
		back := edit(out, sp2, cfg.RecoveryMode)
		again, _, err := parseConfig("fuzz.xml", back)
		if err != nil || again.RecoveryMode != cfg.RecoveryMode {
			t.Fatalf("restore failed: %v %q", err, back)
		}
	})
}
