package spm

import (
	"bytes"
	"testing"
)

// FuzzEditRecoveryMode: for any document the parser accepts, the edit
// changes only the element's bytes, the result parses and reads back the
// new value, and putting the original element back restores every byte
// (self-closing elements and character references included). The seeds
// include the malformed files the parser must refuse.
func FuzzEditRecoveryMode(f *testing.F) {
	for _, seed := range []string{
		"<c><RecoveryMode>Old</RecoveryMode></c>",
		"<?xml version=\"1.0\"?>\r\n<!-- x -->\r\n<c a='1' b=\"2\">\r\n\t<RecoveryMode>  None </RecoveryMode>\r\n</c>\r\n",
		"<c><RecoveryMode/></c>",
		"<c><RecoveryMode a='1' /></c>",
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<c>\r\n<RecoveryMode>None</RecoveryMode>\r\n</c>\r\n",
		"<c xmlns:s='u'><s:RecoveryMode>A&amp;B</s:RecoveryMode><ResourceOutOfDateTimespan>60</ResourceOutOfDateTimespan></c>",
		"<c><RecoveryMode><![CDATA[x]]></RecoveryMode></c>",
		"<c><x><![CDATA[<RecoveryMode>y</RecoveryMode>]]></x><RecoveryMode>&#78;one</RecoveryMode></c>",
		"<c>\n      <a>\n\t  \t<RecoveryMode>\n None\n   </RecoveryMode>\n  </a>\n</c>",
		// malformed: each must be refused
		"<c><!-- a\x00b --><RecoveryMode>None</RecoveryMode></c>",
		"<c><!-- a\xffb --><RecoveryMode>None</RecoveryMode></c>",
		"<c><RecoveryMode>None</RecoveryMode></c>trailing text",
		"<c><RecoveryMode>None</RecoveryMode></c>\n<?xml version=\"1.0\"?>",
		"<c a='1' a='2'><RecoveryMode>None</RecoveryMode></c>",
		"<c xmlns:a='u' xmlns:b='u' a:x='1' b:x='2'><RecoveryMode>None</RecoveryMode></c>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, sp, err := parseConfig("fuzz.xml", data)
		if err != nil {
			return
		}
		if xmlChars(data) != nil {
			t.Fatalf("accepted a document with a character XML forbids: %q", data)
		}
		const v = "InternalRecovery"
		elem := newElement(data, sp, v)
		out := splice(data, sp, elem)
		if !bytes.HasPrefix(out, data[:sp.start]) || !bytes.HasSuffix(out, data[sp.end:]) {
			t.Fatalf("bytes outside the element changed")
		}
		got, sp2, err := parseConfig("fuzz.xml", out)
		if err != nil {
			t.Fatalf("edited document does not parse: %v\n%q", err, out)
		}
		if got.RecoveryMode != v {
			t.Fatalf("read back %q", got.RecoveryMode)
		}
		if !bytes.Equal(out[sp2.start:sp2.end], elem) {
			t.Fatalf("the element found after the edit is not the one written: %q vs %q", out[sp2.start:sp2.end], elem)
		}
		back := splice(out, sp2, data[sp.start:sp.end])
		if !bytes.Equal(back, data) {
			t.Fatalf("restore does not give back the original bytes:\n%q\n%q", data, back)
		}
		if again, _, err := parseConfig("fuzz.xml", back); err != nil || again.RecoveryMode != cfg.RecoveryMode {
			t.Fatalf("restored document reads %v, %v", again, err)
		}
	})
}
