package resync

import (
	"bytes"
	"encoding/json"

	"github.com/mxsync-go/mxsync/internal/jsonappend"
)

// appendFinding appends the finding as json.Marshal writes it: the plan's
// ID hashes and its document holds tens of thousands of findings, and
// encoding them by reflection was most of a Large plan's ID. The changes
// are written by appendChanges; a detail that is not already in the form
// json.Marshal gives it (compact, with <, >, & and U+2028/9 escaped) goes
// through json.Marshal.
func appendFinding(b []byte, f *Finding) ([]byte, error) {
	b = append(b, `{"phase":{"section":`...)
	b = jsonappend.String(b, string(f.Phase.Section))
	b = append(b, `,"phase":`...)
	b = jsonappend.Int(b, int64(f.Phase.Phase))
	b = append(b, `},"code":`...)
	b = jsonappend.String(b, f.Code)
	b = append(b, `,"severity":`...)
	b = jsonappend.String(b, string(f.Severity))
	b = append(b, `,"blocking":`...)
	b = jsonappend.Bool(b, f.Blocking)
	b = append(b, `,"subject":`...)
	b = jsonappend.String(b, f.Subject)
	b = append(b, `,"message":`...)
	b = jsonappend.String(b, f.Message)
	if len(f.Changes) > 0 {
		b = append(b, `,"changes":`...)
		var err error
		if b, err = appendChanges(b, f.Changes); err != nil {
			return nil, err
		}
	}
	if f.Manual != "" {
		b = append(b, `,"manual":`...)
		b = jsonappend.String(b, f.Manual)
	}
	if len(f.Detail) > 0 {
		b = append(b, `,"detail":`...)
		if marshalForm(f.Detail) {
			b = append(b, f.Detail...)
		} else {
			d, err := json.Marshal(f.Detail)
			if err != nil {
				return nil, err
			}
			b = append(b, d...)
		}
	}
	return append(b, '}'), nil
}

// marshalForm reports whether raw JSON is as json.Marshal would write it
// (compact, HTML-safe), assuming it is valid: it holds no white space and
// none of the bytes and runes json.Marshal escapes. White space inside a
// string makes it answer no, which only costs the slower path.
func marshalForm(raw []byte) bool {
	return !bytes.ContainsAny(raw, " \t\r\n<>&") && !bytes.Contains(raw, []byte("\u2028")) && !bytes.Contains(raw, []byte("\u2029"))
}
