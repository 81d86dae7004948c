package strictjson

import "unicode/utf8"

// Cursor reads a JSON document token by token, for the fast path of a
// hand-written decoder of one known shape (a snapshot's hundred thousand
// profiles, a pool's assignments), where the reflective walk of Unmarshal
// costs most of a large document's decoding.
//
// It has no error messages of its own: a method meets anything it does not
// expect (bad syntax, the end of the input, a string with an escape, a
// number that is not a plain integer) by reporting false, and the Cursor
// has failed from then on: every later method reports false or a zero
// value, and the position is unspecified. The decoder then gives up and
// decodes the same bytes with Unmarshal, which says what is wrong and where.
//
// What a Cursor accepts, Unmarshal accepts with the same value: white space
// is JSON's four characters; strings have no escapes and are valid UTF-8
// without control characters, and come back as the input's own bytes;
// integers are JSON's (no leading zero, no fraction or exponent) of at most
// 18 digits. Keys are not checked for repetition or case, nor is depth
// bounded: the decoder knows its fields and its shape's depth.
//
// The zero Cursor reads an empty document.
type Cursor struct {
	data   []byte
	pos    int
	failed bool
}

// NewCursor returns a Cursor at the start of data.
func NewCursor(data []byte) Cursor { return Cursor{data: data} }

// Pos returns the offset of the next byte to read.
func (c *Cursor) Pos() int { return c.pos }

// Remaining returns the number of bytes left to read.
func (c *Cursor) Remaining() int { return len(c.data) - c.pos }

// Failed reports whether a method has met something it did not expect.
func (c *Cursor) Failed() bool { return c.failed }

// fail marks the Cursor failed and returns false.
func (c *Cursor) fail() bool {
	c.failed = true
	return false
}

// ws skips white space.
func (c *Cursor) ws() { c.pos = skipWS(c.data, c.pos) }

// Peek skips white space and returns the next byte without reading it: 0
// at the end of the input or once the Cursor has failed.
func (c *Cursor) Peek() byte {
	if c.failed {
		return 0
	}
	c.ws()
	if c.pos >= len(c.data) {
		return 0
	}
	return c.data[c.pos]
}

// Open reads the opening delimiter of an object ('{') or an array ('[')
// after white space.
func (c *Cursor) Open(delim byte) bool {
	if c.Peek() != delim || delim != '{' && delim != '[' {
		return c.fail()
	}
	c.pos++
	return true
}

// Next steps through the members of an object or the elements of an array
// that Open began: i is the number of members read so far. It reports
// true when a member follows (after the comma, for i > 0) and false at the
// closing delimiter end ('}' or ']'), which it reads, and on anything else
// (the Cursor fails). The loop is
//
//	for i := 0; c.Next('}', i); i++ { key, _ := c.Key(); … }
//	if c.Failed() { … }
func (c *Cursor) Next(end byte, i int) bool {
	switch b := c.Peek(); {
	case b == end && b != 0:
		c.pos++
		return false
	case i == 0:
		return b != 0 || c.fail()
	case b == ',':
		c.pos++
		return true
	}
	return c.fail()
}

// Key reads an object key (a string as Str reads it) and its colon.
func (c *Cursor) Key() ([]byte, bool) {
	k, ok := c.Str()
	if !ok {
		return nil, false
	}
	if c.Peek() != ':' {
		return nil, c.fail()
	}
	c.pos++
	return k, true
}

// Str reads a string without escapes and returns its content, the input's
// own bytes. A string with an escape, a control character or invalid
// UTF-8 fails the Cursor.
func (c *Cursor) Str() ([]byte, bool) {
	if c.Peek() != '"' {
		return nil, c.fail()
	}
	d := c.data
	start := c.pos + 1
	ascii := true
	for p := start; ; p++ {
		if p = PlainRun(d, p); p >= len(d) {
			return nil, c.fail()
		}
		switch b := d[p]; {
		case b == '"':
			if !ascii && !utf8.Valid(d[start:p]) {
				return nil, c.fail()
			}
			c.pos = p + 1
			return d[start:p:p], true
		case b >= utf8.RuneSelf:
			ascii = false
		default: // a backslash or a control character
			return nil, c.fail()
		}
	}
}

// maxIntDigits is the most digits Int reads: any 18-digit integer fits an
// int64.
const maxIntDigits = 18

// Int reads an integer: an optional '-', then 0 or a digit 1-9 and at
// most 17 more digits, not followed by a fraction, an exponent or another
// digit.
func (c *Cursor) Int() (int64, bool) {
	b := c.Peek()
	if c.failed {
		return 0, false
	}
	neg := b == '-'
	p := c.pos
	if neg {
		p++
	}
	d := c.data
	start := p
	var n int64
	for p < len(d) && d[p] >= '0' && d[p] <= '9' {
		n = n*10 + int64(d[p]-'0')
		p++
		if p-start > maxIntDigits || d[start] == '0' && p-start > 1 {
			return 0, c.fail()
		}
	}
	if p == start || p < len(d) && (d[p] == '.' || d[p] == 'e' || d[p] == 'E') {
		return 0, c.fail()
	}
	c.pos = p
	if neg {
		n = -n
	}
	return n, true
}

// Bool reads true or false.
func (c *Cursor) Bool() (v, ok bool) {
	switch c.Peek() {
	case 't':
		return true, c.literal("true")
	case 'f':
		return false, c.literal("false")
	}
	return false, c.fail()
}

// Null reads a null and reports true when the next value is one; otherwise
// it reads nothing and reports false, without failing the Cursor (the
// decoder then reads the value that may be null).
func (c *Cursor) Null() bool {
	if c.Peek() != 'n' {
		return false
	}
	return c.literal("null")
}

func (c *Cursor) literal(lit string) bool {
	if len(c.data)-c.pos < len(lit) || string(c.data[c.pos:c.pos+len(lit)]) != lit {
		return c.fail()
	}
	c.pos += len(lit)
	return true
}

// Skip reads one value of any shape, checking its syntax only (as
// SkipValue does, escapes included), and returns its bytes: for a value
// the decoder hands to another decoder.
func (c *Cursor) Skip() ([]byte, bool) {
	if c.Peek() == 0 {
		return nil, c.fail()
	}
	start := c.pos
	end, ok := skipSyntax(c.data, start)
	if !ok {
		return nil, c.fail()
	}
	c.pos = end
	return c.data[start:end:end], true
}

// End reports whether only white space is left.
func (c *Cursor) End() bool {
	if c.Peek() != 0 || c.pos < len(c.data) {
		return c.fail()
	}
	return !c.failed
}

// Count returns the number of elements of the array, or members of the
// object, that begins at the next value, without reading it: for sizing
// the slice or map a decoder reads it into, where growing one by appends
// allocates it several times over. It looks only at commas outside strings
// and nested values, so it checks nothing: on bad syntax the count is
// merely wrong (the read that follows fails). It is 0 when the next value
// is not an array or an object, and at most the value's length over
// minSize (the fewest bytes one valid element takes, at least 1), so that
// what it sizes stays in proportion to the input whatever it holds. Its
// work is a scan of the value.
func (c *Cursor) Count(minSize int) int {
	if b := c.Peek(); b != '[' && b != '{' {
		return 0
	}
	d := c.data
	start := c.pos
	n, depth := 0, 0
	empty := true
	p := start
scan:
	for ; p < len(d); p++ {
		switch d[p] {
		case '"':
			for p++; ; p++ {
				if p = PlainRun(d, p); p >= len(d) || d[p] == '"' {
					break
				}
				if d[p] == '\\' {
					p++
				}
			}
			empty = false
		case '{', '[':
			if depth == 1 {
				empty = false
			}
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				break scan
			}
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\n', '\r':
		default:
			empty = false
		}
	}
	if !empty {
		n++
	}
	p = min(p+1, len(d)) // past the closing delimiter
	return min(n, (p-start)/max(minSize, 1))
}
