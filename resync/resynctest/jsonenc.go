package resynctest

import (
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"
)

// encoder writes the estate format's bulk without reflection, byte for byte
// as encoding/json writes the same values (fields in struct order,
// omitempty as tagged, map keys sorted, strings escaped alike), to a writer
// through a bounded buffer, so that saving a Large estate neither takes
// seconds nor holds the whole document in memory.
//
// Containers are written with objStart/field/objEnd and arrStart/elem/
// arrEnd; field and elem write the comma their position needs, and the
// value writers write none.
type encoder struct {
	w     io.Writer
	buf   []byte
	err   error
	first []bool // per open container: nothing written in it yet
}

const encoderFlush = 256 << 10

func newEncoder(w io.Writer) *encoder {
	return &encoder{w: w, buf: make([]byte, 0, encoderFlush+64<<10)}
}

func (e *encoder) flush() error {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
	return e.err
}

func (e *encoder) objStart() {
	e.buf = append(e.buf, '{')
	e.first = append(e.first, true)
}

func (e *encoder) objEnd() {
	e.buf = append(e.buf, '}')
	e.first = e.first[:len(e.first)-1]
	if len(e.buf) >= encoderFlush {
		e.flush()
	}
}

func (e *encoder) arrStart() {
	e.buf = append(e.buf, '[')
	e.first = append(e.first, true)
}

func (e *encoder) arrEnd() {
	e.buf = append(e.buf, ']')
	e.first = e.first[:len(e.first)-1]
}

// comma writes the separator before a member or element.
func (e *encoder) comma() {
	n := len(e.first) - 1
	if e.first[n] {
		e.first[n] = false
		return
	}
	e.buf = append(e.buf, ',')
}

// field writes a member's key: a constant field name, which needs no
// escaping.
func (e *encoder) field(k string) {
	e.comma()
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, k...)
	e.buf = append(e.buf, '"', ':')
}

// key writes a map key, escaped.
func (e *encoder) key(k string) {
	e.comma()
	e.buf = appendString(e.buf, k)
	e.buf = append(e.buf, ':')
}

func (e *encoder) elem() { e.comma() }

func (e *encoder) str(s string)      { e.buf = appendString(e.buf, s) }
func (e *encoder) integer(n int)     { e.buf = strconv.AppendInt(e.buf, int64(n), 10) }
func (e *encoder) unsigned(n uint64) { e.buf = strconv.AppendUint(e.buf, n, 10) }
func (e *encoder) boolean(b bool)    { e.buf = strconv.AppendBool(e.buf, b) }
func (e *encoder) null()             { e.buf = append(e.buf, "null"...) }
func (e *encoder) rawText(s string) {
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, '"')
}
func (e *encoder) strField(k, s string)       { e.field(k); e.str(s) }
func (e *encoder) intField(k string, n int)   { e.field(k); e.integer(n) }
func (e *encoder) boolField(k string, b bool) { e.field(k); e.boolean(b) }

// Optional members, as omitempty writes them.
func (e *encoder) optStr(k, s string) {
	if s != "" {
		e.strField(k, s)
	}
}

func (e *encoder) optInt(k string, n int) {
	if n != 0 {
		e.intField(k, n)
	}
}

func (e *encoder) optBool(k string, b bool) {
	if b {
		e.boolField(k, true)
	}
}

// strList writes a list of strings (nil as null, as encoding/json does).
func (e *encoder) strList(s []string) {
	if s == nil {
		e.null()
		return
	}
	e.arrStart()
	for _, x := range s {
		e.elem()
		e.str(x)
	}
	e.arrEnd()
}

func (e *encoder) optStrList(k string, s []string) {
	if len(s) > 0 {
		e.field(k)
		e.strList(s)
	}
}

// marshal writes v with encoding/json (the small parts: changes, the
// manager's history, the RM export).
func (e *encoder) marshal(v any) {
	b, err := json.Marshal(v)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.buf = append(e.buf, b...)
	if len(e.buf) >= encoderFlush {
		e.flush()
	}
}

// appendString appends s as encoding/json writes a string: HTML-safe
// escapes, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
