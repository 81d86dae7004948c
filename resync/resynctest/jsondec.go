package resynctest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/vcem"
)

// decoder is a strict streaming JSON decoder for the estate format's bulk
// (profiles, volumes, presentations, logical servers: hundreds of
// thousands of small objects in a Large estate). It keeps internal/
// strictjson's rules and words — exact-case keys, no repeated key, no
// unknown field, every field without omitempty required, null only for
// lists, maps and pointers, no trailing data, nesting bounded by
// strictjson.MaxDepth — and reports every problem at once (up to
// strictjson.MaxProblems, the rest counted) as a *strictjson.Error whose
// paths and line and column are strictjson's. It decodes in one pass
// without reflection, so a 200 MB estate decodes in about a second where a
// reflective check-then-decode takes ten; the parts that are small, or
// that have decoders of their own (changes, the manager's history, the RM
// export), go to those decoders, and their problems are reported at their
// place in the document.
type decoder struct {
	data  []byte
	pos   int
	path  []pathSeg
	probs []*strictjson.Problem
	more  int
	fatal bool // a syntax error: nothing after it can be read
	depth int
	// interned holds one copy of each value of the repetitive fields
	// (address types, networks, domain IDs, states): a Large estate
	// repeats a few hundred values a million times.
	interned map[string]string
	// Scratch lists for the small arrays read hundreds of thousands of
	// times (a profile's connections, a domain's profiles): each is read
	// into its list and copied out at its exact length, where appending
	// to a fresh slice would allocate about twice its size.
	eth      scratch[vcem.EthernetConnection]
	iscsi    scratch[vcem.ISCSIConnection]
	fcoe     scratch[vcem.FCoEConnection]
	fc       scratch[vcem.FCConnection]
	profiles scratch[vcem.Profile]
	wwns     scratch[addrpool.WWN]
	strs     scratch[string]

	// children decode values of the document on goroutines of their own
	// (see spawn); result waits for them and merges their problems.
	children []*decoder
	wg       sync.WaitGroup
	panicked any // a child's panic, raised again by gather
}

// spawn decodes the next value with fn on a goroutine of its own, by a
// decoder of its own at the value (this one's path and depth), while this
// one goes on after it: a Large estate's sections are tens of megabytes
// each, and decoding them one after the other left a core idle. It finds
// the value's end with strictjson.SkipValue (syntax only, a tenth of the
// cost of decoding); a value whose syntax is wrong is decoded here, so
// that the syntax error is reported as a single decoder reports it. fn
// must only write what no other part of the decoding reads.
func (d *decoder) spawn(fn func(*decoder)) {
	d.ws()
	if d.fatal || d.pos >= len(d.data) {
		fn(d)
		return
	}
	end, ok := strictjson.SkipValue(d.data, d.pos)
	if !ok {
		fn(d)
		return
	}
	c := &decoder{data: d.data, pos: d.pos, path: slices.Clone(d.path), depth: d.depth}
	d.children = append(d.children, c)
	d.wg.Go(func() {
		defer func() { c.panicked = recover() }()
		fn(c)
	})
	d.pos = end
}

// gather waits for the children, then merges their problems into d's in
// document order, keeping strictjson.MaxProblems of them and counting the
// rest.
func (d *decoder) gather() {
	d.wg.Wait()
	if len(d.children) == 0 {
		return
	}
	for _, c := range d.children {
		c.gather()
		if c.panicked != nil {
			panic(c.panicked)
		}
		d.probs = append(d.probs, c.probs...)
		d.more += c.more
		d.fatal = d.fatal || c.fatal
	}
	d.children = nil
	slices.SortStableFunc(d.probs, func(a, b *strictjson.Problem) int { return a.Offset - b.Offset })
	if n := len(d.probs) - strictjson.MaxProblems; n > 0 {
		d.probs, d.more = d.probs[:strictjson.MaxProblems], d.more+n
	}
}

// hint counts the elements of the array or members of the object that
// begins at the next value, for sizing the slice or map it decodes into:
// appending a hundred thousand elements one at a time allocates the slice
// about five times over. It only looks for commas outside strings and
// nested values, so on bad syntax the count is merely wrong (the decoding
// that follows reports the syntax); and it is bounded by the value's
// length over minSize, the fewest bytes one valid element takes, so that
// memory stays in proportion to the input whatever it holds.
func (d *decoder) hint(minSize int) int {
	d.ws()
	data, pos := d.data, d.pos
	if pos >= len(data) || data[pos] != '[' && data[pos] != '{' {
		return 0
	}
	n, depth, empty := 1, 0, true
	for i := pos; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			empty = false
		case '{', '[':
			if depth++; depth > 1 {
				empty = false
			}
		case '}', ']':
			if depth--; depth == 0 {
				if empty {
					return 0
				}
				return min(n, (i-pos)/max(minSize, 1))
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
	return 0
}

// scratch is a reusable list for reading arrays of T. Reads may nest (an
// element's reading may read another array of T): each read appends after
// the ones in progress and truncates back to where it began.
type scratch[T any] struct{ buf []T }

// read reads an array of T with elem and returns its elements in a slice
// of their exact length, nil for an empty array or null (as appending to a
// nil slice would leave it).
func (s *scratch[T]) read(d *decoder, elem func() T) []T {
	start := len(s.buf)
	d.array(func(int) {
		v := elem()
		s.buf = append(s.buf, v)
	})
	if len(s.buf) == start {
		return nil
	}
	out := slices.Clone(s.buf[start:])
	clear(s.buf[start:]) // drop references to what out now holds
	s.buf = s.buf[:start]
	return out
}

// maxInterned bounds the interned values, so that a file whose values
// all differ costs no more than plain decoding.
const maxInterned = 1 << 14

type segKind uint8

const (
	segField segKind = iota
	segKey
	segIndex
)

type pathSeg struct {
	name  string
	index int
	kind  segKind
}

func (d *decoder) push(s pathSeg) { d.path = append(d.path, s) }
func (d *decoder) pop()           { d.path = d.path[:len(d.path)-1] }

func (d *decoder) pushField(name string) { d.push(pathSeg{name: name, kind: segField}) }
func (d *decoder) pushKey(key string)    { d.push(pathSeg{name: key, kind: segKey}) }
func (d *decoder) pushIndex(i int)       { d.push(pathSeg{index: i, kind: segIndex}) }

// pathString renders the path as strictjson does:
// `profiles["d1:web"].ethernet[0].mac`.
func (d *decoder) pathString(extra string) string {
	var b strings.Builder
	for _, s := range d.path {
		switch s.kind {
		case segKey:
			b.WriteByte('[')
			b.WriteString(strictjson.QuoteShort(s.name))
			b.WriteByte(']')
		case segField:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		}
	}
	if extra != "" {
		if b.Len() > 0 && !strings.HasPrefix(extra, "[") {
			b.WriteByte('.')
		}
		b.WriteString(extra)
	}
	return b.String()
}

// problemAt records a problem at offset off of the path (plus extra).
func (d *decoder) problemAt(off int, extra string, err error, format string, args ...any) {
	if len(d.probs) >= strictjson.MaxProblems {
		d.more++
		return
	}
	d.probs = append(d.probs, &strictjson.Problem{Path: d.pathString(extra), Offset: off, Msg: fmt.Sprintf(format, args...), Err: err})
}

// syntax records a syntax error at the current position; decoding stops.
func (d *decoder) syntax(format string, args ...any) {
	if !d.fatal {
		d.problemAt(d.pos, "", nil, format, args...)
	}
	d.fatal = true
}

// result returns the problems as a *strictjson.Error, with their lines and
// columns, or nil.
func (d *decoder) result() error {
	d.gather()
	if len(d.probs) == 0 && d.more == 0 {
		return nil
	}
	var lines []int
	for _, p := range d.probs {
		if lines == nil {
			lines = []int{0}
			for i, c := range d.data {
				if c == '\n' {
					lines = append(lines, i+1)
				}
			}
		}
		lo, hi := 0, len(lines)
		for lo+1 < hi {
			mid := (lo + hi) / 2
			if lines[mid] <= p.Offset {
				lo = mid
			} else {
				hi = mid
			}
		}
		p.Line = lo + 1
		p.Column = utf8.RuneCount(d.data[lines[lo]:min(p.Offset, len(d.data))]) + 1
	}
	return &strictjson.Error{Problems: d.probs, More: d.more}
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// document decodes the whole input with value and refuses trailing data.
func (d *decoder) document(value func()) {
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax("empty input, want a JSON value")
		return
	}
	value()
	if d.fatal {
		return
	}
	d.ws()
	if d.pos < len(d.data) {
		d.problemAt(d.pos, "", nil, "unexpected data after the JSON value: %s", quotePrefix(d.data[d.pos:]))
	}
}

func quotePrefix(b []byte) string {
	const max = 64
	if len(b) > max {
		return strictjson.QuoteShort(string(b[:max])) + "…"
	}
	return strictjson.QuoteShort(string(b))
}

func quoteChar(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("%#02x", c)
}

// next returns the first byte of the next value (after white space); false
// at the end of the input, which is a syntax error.
func (d *decoder) next() (byte, bool) {
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax("unexpected end of input, want a JSON value")
		return 0, false
	}
	return d.data[d.pos], true
}

// describe names the JSON value starting with c, for "want X, have Y".
func (d *decoder) describe(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// open starts a value that must begin with c ('{' or '['); a null is
// refused unless nullable (then open returns false, having consumed it),
// any other value is reported and skipped.
func (d *decoder) open(c byte, want string, nullable bool) bool {
	got, ok := d.next()
	if !ok {
		return false
	}
	if got == c {
		return true
	}
	start := d.pos
	if got == 'n' {
		if d.literal("null") && !nullable {
			d.problemAt(start, "", nil, "null is not allowed here: want %s", want)
		}
		return false
	}
	d.skip()
	d.problemAt(start, "", nil, "want %s, have %s", want, d.describe(got))
	return false
}

// members calls fn for each member of the object at d.pos ('{' already
// checked), with the key (its bytes are valid until the next read) and the
// key's offset; fn must consume the value.
func (d *decoder) members(fn func(key []byte, off int)) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > strictjson.MaxDepth {
		d.syntax("nesting deeper than %d", strictjson.MaxDepth)
		return
	}
	d.pos++ // {
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return
	}
	for {
		d.ws()
		off := d.pos
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			d.syntax("want an object key")
			return
		}
		key, ok := d.strBytes()
		if !ok {
			return
		}
		d.ws()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			d.syntax("want ':' after object key %s", strictjson.QuoteShort(string(key)))
			return
		}
		d.pos++
		fn(key, off)
		if !d.another('}', "an object", "an object value") {
			return
		}
	}
}

// another reads what follows a member or element: a comma (true: another
// follows) or the container's end (false, as on a syntax error).
func (d *decoder) another(end byte, in, after string) bool {
	if d.fatal {
		return false
	}
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax("unexpected end of input in %s", in)
		return false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		return true
	case end:
		d.pos++
		return false
	}
	d.syntax("invalid character %s after %s", quoteChar(d.data[d.pos]), after)
	return false
}

// fields decodes an object into a struct whose JSON field names are names:
// fn(i) decodes the value of names[i]. Unknown and repeated keys are
// problems; so is a missing field whose bit is set in required.
func (d *decoder) fields(names []string, required uint64, fn func(i int)) {
	if _, ok := d.next(); !ok {
		return
	}
	start := d.pos
	if !d.open('{', "an object", false) {
		return
	}
	var seen uint64
	d.members(func(key []byte, off int) {
		i := indexOf(names, key)
		if i < 0 {
			k := string(key)
			d.pushField(k)
			if alt := foldMatch(names, k); alt != "" {
				d.problemAt(off, "", nil, "unknown field %s (field names are case-sensitive: did you mean %q?)", strictjson.QuoteShort(k), alt)
			} else {
				d.problemAt(off, "", nil, "unknown field %s", strictjson.QuoteShort(k))
			}
			d.pop()
			d.skip()
			return
		}
		d.pushField(names[i])
		if seen&(1<<i) != 0 {
			d.problemAt(off, "", nil, "key %s repeated in one object (the JSON would silently keep only the last)", strictjson.QuoteShort(names[i]))
		}
		seen |= 1 << i
		fn(i)
		d.pop()
	})
	if d.fatal {
		return
	}
	for i, n := range names {
		if required&(1<<i) != 0 && seen&(1<<i) == 0 {
			d.problemAt(start, n, nil, "missing field %q", n)
		}
	}
}

// indexOf finds key among names; an empty name is a slot no key takes.
func indexOf(names []string, key []byte) int {
	for i, n := range names {
		if n != "" && n == string(key) {
			return i
		}
	}
	return -1
}

func foldMatch(names []string, key string) string {
	for _, n := range names {
		if n != "" && strings.EqualFold(n, key) {
			return n
		}
	}
	return ""
}

// object decodes an object used as a map: fn(key, off) decodes each value
// (and reports a repeated key: the caller knows its map). A null is an
// empty map.
func (d *decoder) object(fn func(key string, off int)) {
	if !d.open('{', "an object", true) {
		return
	}
	d.members(func(key []byte, off int) {
		k := string(key)
		d.pushKey(k)
		fn(k, off)
		d.pop()
	})
}

// repeated reports a map key given twice.
func (d *decoder) repeated(key string, off int) {
	d.problemAt(off, "", nil, "key %s repeated in one object (the JSON would silently keep only the last)", strictjson.QuoteShort(key))
}

// array calls fn(i) for each element of an array; null is an empty list.
func (d *decoder) array(fn func(i int)) {
	if !d.open('[', "an array", true) {
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > strictjson.MaxDepth {
		d.syntax("nesting deeper than %d", strictjson.MaxDepth)
		return
	}
	d.pos++ // [
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return
	}
	for i := 0; ; i++ {
		d.pushIndex(i)
		fn(i)
		d.pop()
		if !d.another(']', "an array", "an array element") {
			return
		}
	}
}

// strBytes reads a JSON string at d.pos; the bytes are the input's own
// when the string has no escape (valid until the input changes).
func (d *decoder) strBytes() ([]byte, bool) {
	start := d.pos
	p := d.pos + 1
	escaped, ascii := false, true
	for {
		if p = strictjson.PlainRun(d.data, p); p >= len(d.data) {
			break
		}
		c := d.data[p]
		switch {
		case c == '"':
			d.pos = p + 1
			raw := d.data[start:d.pos]
			if !escaped {
				body := raw[1 : len(raw)-1]
				if !ascii && !utf8.Valid(body) {
					d.pos = start
					d.syntax("invalid UTF-8 in a string")
					return nil, false
				}
				return body, true
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				d.pos = start
				d.syntax("invalid string %s: %v", quotePrefix(raw), err)
				return nil, false
			}
			return []byte(s), true
		case c == '\\':
			escaped = true
			p += 2
		case c < 0x20:
			d.pos = p
			d.syntax("control character %s in a string", quoteChar(c))
			return nil, false
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			p++
		}
	}
	d.syntax("unterminated string")
	return nil, false
}

// scalar checks that the next value starts like want's values (c) and is
// not null; it reports and skips anything else.
func (d *decoder) scalar(want string, ok func(c byte) bool) (int, bool) {
	c, more := d.next()
	if !more {
		return d.pos, false
	}
	start := d.pos
	if ok(c) {
		return start, true
	}
	if c == 'n' {
		if d.literal("null") {
			d.problemAt(start, "", nil, "null is not allowed here: want %s", want)
		}
		return start, false
	}
	d.skip()
	d.problemAt(start, "", nil, "want %s, have %s", want, d.describe(c))
	return start, false
}

func isQuote(c byte) bool  { return c == '"' }
func isNumber(c byte) bool { return c == '-' || c >= '0' && c <= '9' }
func isBool(c byte) bool   { return c == 't' || c == 'f' }

// str reads a string.
func (d *decoder) str() string {
	if _, ok := d.scalar("a string", isQuote); !ok {
		return ""
	}
	b, ok := d.strBytes()
	if !ok {
		return ""
	}
	return string(b)
}

// enum reads a string of a field whose values repeat, keeping one copy of
// each value.
func (d *decoder) enum() string {
	if _, ok := d.scalar("a string", isQuote); !ok {
		return ""
	}
	b, ok := d.strBytes()
	if !ok {
		return ""
	}
	if v, ok := d.interned[string(b)]; ok {
		return v
	}
	v := string(b)
	if d.interned == nil {
		d.interned = map[string]string{}
	}
	if len(d.interned) < maxInterned {
		d.interned[v] = v
	}
	return v
}

// textBytes reads a string for a value that parses itself, and returns its
// bytes and offset.
func (d *decoder) textBytes() ([]byte, int, bool) {
	start, ok := d.scalar("a string", isQuote)
	if !ok {
		return nil, start, false
	}
	b, ok := d.strBytes()
	return b, start, ok
}

// mac, wwn and addr read addresses; concrete types keep the values on
// the stack.
func (d *decoder) mac() (m addrpool.MAC) {
	if b, start, ok := d.textBytes(); ok {
		d.textErr(start, m.UnmarshalText(b))
	}
	return m
}

func (d *decoder) wwn() (w addrpool.WWN) {
	if b, start, ok := d.textBytes(); ok {
		d.textErr(start, w.UnmarshalText(b))
	}
	return w
}

func (d *decoder) addr() (a netip.Addr) {
	if b, start, ok := d.textBytes(); ok {
		d.textErr(start, a.UnmarshalText(b))
	}
	return a
}

// textErr reports a value's own parse error at the value.
func (d *decoder) textErr(start int, err error) {
	if err != nil {
		d.problemAt(start, "", err, "%s", boundedErr(err))
	}
}

func boundedErr(err error) string {
	s := err.Error()
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

// boolean reads true or false.
func (d *decoder) boolean() bool {
	start, ok := d.scalar("true or false", isBool)
	if !ok {
		return false
	}
	if d.data[start] == 't' {
		return d.literal("true")
	}
	d.literal("false")
	return false
}

// number reads a JSON number's text.
func (d *decoder) number() ([]byte, bool) {
	data, start := d.data, d.pos
	end, ok := strictjson.SkipNumber(data, start)
	if !ok {
		d.syntax("invalid number %s", quotePrefix(data[start:]))
		return nil, false
	}
	d.pos = end
	return data[start:end], true
}

// integer reads a number that must fit an int.
func (d *decoder) integer() int {
	start, ok := d.scalar("a number", isNumber)
	if !ok {
		return 0
	}
	num, ok := d.number()
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(num), 10, strconv.IntSize)
	if err != nil {
		d.problemAt(start, "", nil, "want an integer that fits int, have %s", strictjson.QuoteShort(string(num)))
	}
	return int(n)
}

// unsigned reads a number that must fit a uint64.
func (d *decoder) unsigned() uint64 {
	start, ok := d.scalar("a number", isNumber)
	if !ok {
		return 0
	}
	num, ok := d.number()
	if !ok {
		return 0
	}
	n, err := strconv.ParseUint(string(num), 10, 64)
	if err != nil {
		d.problemAt(start, "", nil, "want a non-negative integer that fits uint64, have %s", strictjson.QuoteShort(string(num)))
	}
	return n
}

func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.syntax("invalid literal %s", quotePrefix(d.data[d.pos:]))
		return false
	}
	d.pos += len(lit)
	return true
}

// strings reads a list of strings.
func (d *decoder) strings() []string { return d.strs.read(d, d.str) }

// skip skips one value, checking its syntax, and returns where it began.
func (d *decoder) skip() int {
	c, ok := d.next()
	start := d.pos
	if !ok {
		return start
	}
	switch c {
	case '{':
		d.members(func([]byte, int) { d.skip() })
	case '[':
		d.array(func(int) { d.skip() })
	case '"':
		d.strBytes()
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		if isNumber(c) {
			d.number()
			return start
		}
		d.syntax("invalid character %s looking for a JSON value", quoteChar(c))
	}
	return start
}

// delegate hands the next value to a decoder of its own (fn, given the
// value's bytes) and reports that decoder's problems at their place in
// this document: strictjson's problems by their offset and path inside the
// value, any other error at the value.
func (d *decoder) delegate(fn func(raw []byte) error) {
	start := d.skip()
	if d.fatal {
		return
	}
	err := fn(d.data[start:d.pos])
	if err == nil {
		return
	}
	var se *strictjson.Error
	if errors.As(err, &se) {
		for _, p := range se.Problems {
			d.problemAt(start+p.Offset, p.Path, p.Err, "%s", p.Msg)
		}
		d.more += se.More
		return
	}
	d.problemAt(start, "", err, "%s", boundedErr(err))
}
