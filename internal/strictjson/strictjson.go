// Package strictjson decodes JSON strictly at every level of nesting, for the
// files and plans a restore depends on: a typo must be an error, not a silent
// default.
//
// encoding/json accepts, and this package refuses:
//   - an object key that matches no field of the target struct (json's
//     DisallowUnknownFields does this only for the outer types it decodes
//     itself, not inside types with their own UnmarshalJSON);
//   - a key that matches a field only case-insensitively ("PROFILES");
//   - a key given twice in one object (json keeps the last);
//   - a missing field: every struct field without omitempty or omitzero is
//     required, because the SDK's encoders always write those fields;
//   - null where the target cannot be absent (a struct, a string, a number,
//     a bool, or a value type that decodes itself);
//   - trailing data after the value, and nesting deeper than MaxDepth.
//
// Unmarshal checks and decodes in one pass, without encoding/json: it sets
// the fields, elements and map entries of the target as it reads them, with
// encoding/json's meaning (a fresh target, null leaving a pointer, slice or
// map nil, [] an empty non-nil slice), and writes the target only when the
// document is clean. Values whose type decodes itself (json.Unmarshaler,
// encoding.TextUnmarshaler) are decoded once, by their own method, and their
// error is reported with the JSON path that leads to them:
//
//	profiles["d1:web"].ethernet[0].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 12, column 20)
//
// A container type with its own UnmarshalJSON exposes the shape it decodes
// through [Shaper]; Check walks that shape in place, and Unmarshal hands the
// value to its UnmarshalJSON, which must itself decode strictly with this
// package.
//
// Errors and work are bounded: at most MaxProblems problems are reported (all
// of them found in one pass), values are quoted by a short prefix only, and
// the work is a linear scan of the input (plus one syntax-only scan of each
// value that decodes itself). A large value that decodes itself (from
// 1 MiB: a plan's sections) is decoded on a goroutine of its own while the
// walk goes on, at most GOMAXPROCS at a time; its problems are reported at
// their place in document order all the same, and a panic of its decoder
// reaches the caller.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects accepted.
const MaxDepth = 128

// MaxProblems is the most problems one error lists; the rest are counted.
const MaxProblems = 20

// maxQuote is the longest prefix of a value quoted in a message.
const maxQuote = 64

// Shaper is implemented by types that decode themselves from JSON into a
// private shape: JSONShape returns a nil pointer of that shape's type (for
// example (*snapshotJSON)(nil)), and Check walks it as if the value were of
// that type. A Shaper's UnmarshalJSON must decode strictly itself (with
// Unmarshal into that shape): Unmarshal calls it instead of walking the
// shape, so that the value is read once.
type Shaper interface {
	JSONShape() any
}

// Problem is one thing wrong with a JSON document.
type Problem struct {
	// Path is where in the document, e.g. `profiles["d1:web"].ethernet[0].mac`;
	// empty for the document itself.
	Path string
	// Offset is the byte offset of the value or key at fault.
	Offset int
	// Line and Column (from 1) locate Offset in the input.
	Line, Column int
	// Msg says what is wrong.
	Msg string
	// Err is the error of a value that decoded itself, if any.
	Err error
}

// Error renders "path: msg (line L, column C)".
func (p *Problem) Error() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	if p.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", p.Line, p.Column)
	}
	return b.String()
}

// Unwrap returns the error of the value that decoded itself, if any.
func (p *Problem) Unwrap() error { return p.Err }

// Error is every problem found in one document, in document order.
type Error struct {
	Problems []*Problem
	// More counts the problems found beyond MaxProblems.
	More int
}

// Error lists the problems, one per line after the first.
func (e *Error) Error() string {
	parts := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		parts = append(parts, p.Error())
	}
	if e.More > 0 {
		parts = append(parts, fmt.Sprintf("… and %d more problems", e.More))
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the problems, so errors.Is and errors.As see the errors of
// values that decoded themselves.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Nest returns err as problems located under path (for a decoder that
// decodes the elements of a list itself): the problems of a *Error get path
// as a prefix of their own and lose their position (it was relative to the
// element); any other error becomes one problem at path. wrap, when not
// nil, gives each problem's Err (so errors.Is still finds a sentinel).
func Nest(path string, err error, wrap func(p *Problem) error) []*Problem {
	var se *Error
	if !errors.As(err, &se) {
		return []*Problem{{Path: path, Msg: err.Error(), Err: err}}
	}
	out := make([]*Problem, 0, len(se.Problems))
	for _, p := range se.Problems {
		q := *p
		switch {
		case p.Path == "":
			q.Path = path
		case p.Path[0] == '[':
			q.Path = path + p.Path
		default:
			q.Path = path + "." + p.Path
		}
		q.Offset, q.Line, q.Column = 0, 0, 0
		if wrap != nil {
			q.Err = wrap(p)
		}
		out = append(out, &q)
	}
	return out
}

// Unmarshal checks data against v's type (see the package documentation)
// and decodes it into v in the same pass. On error v is left as it was,
// and the error is an *Error.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nonPointer(v)
	}
	w := walker{types: map[reflect.Type]*typeInfo{}}
	return decode(data, rv, w.info(rv.Type().Elem()))
}

// decode decodes data into *rv, of the type ti describes.
func decode(data []byte, rv reflect.Value, ti *typeInfo) error {
	w := walker{data: data}
	tmp := reflect.New(rv.Type().Elem())
	if ti.self {
		// The whole document decodes itself: no need to find its end.
		w.nested(0, tmp.Interface().(json.Unmarshaler).UnmarshalJSON(data))
	} else {
		w.slots = runtime.GOMAXPROCS(0) - 1
		w.document(ti, tmp.Elem())
		w.join()
	}
	if err := w.result(); err != nil {
		return err
	}
	rv.Elem().Set(tmp.Elem())
	return nil
}

// Decoder is Unmarshal for one type whose description is built once, for
// the many small values of one type a package decodes (its changes). It
// is immutable and safe for concurrent use.
type Decoder struct {
	t  reflect.Type
	ti *typeInfo
}

// NewDecoder returns the Decoder of values of type t.
func NewDecoder(t reflect.Type) *Decoder {
	w := walker{types: map[reflect.Type]*typeInfo{}}
	return &Decoder{t: t, ti: w.info(t)}
}

// Unmarshal is [Unmarshal] for v, a non-nil pointer to a value of the
// Decoder's type.
func (d *Decoder) Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem() != d.t {
		return &Error{Problems: []*Problem{{Msg: fmt.Sprintf("strictjson: decode into %T, want *%s", v, d.t)}}}
	}
	return decode(data, rv, d.ti)
}

// StringMember returns the value of the member name of the JSON object
// data, when data is an object that has it as a string without escapes:
// a quick look (at a tagged change's kind) that checks no more than it
// needs to find the member; false in every other case.
func StringMember(data []byte, name string) (string, bool) {
	p := skipWS(data, 0)
	if p >= len(data) || data[p] != '{' {
		return "", false
	}
	p++
	for {
		p = skipWS(data, p)
		keyStart := p
		var ok bool
		if p, ok = skipKey(data, p); !ok {
			return "", false
		}
		key := data[keyStart:p]
		p = skipWS(data, p)
		valStart := p
		end, ok := skipSyntax(data, p)
		if !ok {
			return "", false
		}
		if k := bytes.TrimRight(key[:len(key)-1], " \t\r\n"); len(k) == len(name)+2 && string(k[1:len(k)-1]) == name {
			v := data[valStart:end]
			if len(v) < 2 || v[0] != '"' || bytes.IndexByte(v, '\\') >= 0 {
				return "", false
			}
			return string(v[1 : len(v)-1]), true
		}
		p = skipWS(data, end)
		if p >= len(data) || data[p] != ',' {
			return "", false
		}
		p++
	}
}

// Check reports every problem of data as JSON for v's type without decoding
// it into v. v must be a non-nil pointer.
func Check(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nonPointer(v)
	}
	w := walker{data: data, types: map[reflect.Type]*typeInfo{}}
	w.document(w.info(rv.Type().Elem()), reflect.Value{})
	return w.result()
}

func nonPointer(v any) error {
	return &Error{Problems: []*Problem{{Msg: fmt.Sprintf("strictjson: decode into non-pointer or nil %T", v)}}}
}

// Validate checks that data is one JSON value with no repeated keys, no
// trailing data and bounded depth, whatever the target: for raw messages.
func Validate(data []byte) error {
	w := walker{data: data, types: map[reflect.Type]*typeInfo{}}
	w.document(nil, reflect.Value{})
	return w.result()
}

// --- type information -------------------------------------------------------

type kind uint8

const (
	kAny     kind = iota // interface or unknown: anything, checked for syntax
	kRaw                 // json.RawMessage
	kDecoder             // json.Unmarshaler: decoded by its own method
	kText                // encoding.TextUnmarshaler: a string, decoded by its own method
	kStruct              // struct
	kMap                 // map
	kSlice               // slice (not []byte)
	kArray               // fixed array
	kBytes               // []byte: a base64 string
	kPtr                 // pointer: null or the element
	kString              // string kind
	kBool                // bool kind
	kInt                 // signed integer kinds
	kUint                // unsigned integer kinds
	kFloat               // float kinds
	kBad                 // a type encoding/json cannot decode into (chan, func, ...)
)

type typeInfo struct {
	t        reflect.Type
	kind     kind
	elem     *typeInfo             // map, slice, array, ptr
	key      *typeInfo             // map keys: kString, kText, kInt or kUint
	fields   map[string]*fieldInfo // struct
	ordered  []*fieldInfo          // struct fields in declaration order
	nullable bool                  // null is a valid value
	bits     int                   // integer size
	// self marks a Shaper that decodes itself: Check walks its shape (the
	// rest of this description), Unmarshal calls its UnmarshalJSON.
	self bool
}

type fieldInfo struct {
	name     string
	info     *typeInfo
	required bool
	quoted   bool  // ",string" option: the value is a JSON string holding the value
	index    int   // position in ordered
	path     []int // the reflect field index, through embedded structs
	// quotedType is a one-field struct holding the field with its ",string"
	// option, decoded by encoding/json (the option is rare: no fast path).
	quotedType reflect.Type
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	shaperType          = reflect.TypeFor[Shaper]()
)

// anyInfo describes a value of any shape, checked for syntax only.
var anyInfo = &typeInfo{kind: kAny, nullable: true}

// info returns the (per-call cached) description of t.
func (w *walker) info(t reflect.Type) *typeInfo {
	if ti, ok := w.types[t]; ok {
		return ti
	}
	ti := &typeInfo{t: t}
	w.types[t] = ti // before recursing: recursive types
	if t.Kind() == reflect.Pointer {
		ti.kind, ti.nullable = kPtr, true
		ti.elem = w.info(t.Elem())
		return ti
	}
	pt := reflect.PointerTo(t)
	switch {
	case t == rawMessageType:
		ti.kind, ti.nullable = kRaw, true
		return ti
	case pt.Implements(shaperType) && pt.Implements(unmarshalerType):
		st := reflect.TypeOf(reflect.New(t).Interface().(Shaper).JSONShape())
		for st != nil && st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		if st == nil {
			ti.kind, ti.nullable = kDecoder, true
			return ti
		}
		*ti = *w.info(st)
		ti.t, ti.self = t, true
		return ti
	case pt.Implements(unmarshalerType):
		ti.kind, ti.nullable = kDecoder, true
		return ti
	case pt.Implements(textUnmarshalerType):
		ti.kind = kText
		return ti
	}
	switch t.Kind() {
	case reflect.Interface:
		ti.kind, ti.nullable = kAny, true
	case reflect.Struct:
		ti.kind = kStruct
		ti.fields = map[string]*fieldInfo{}
		w.structFields(ti, t)
	case reflect.Map:
		ti.kind, ti.nullable = kMap, true
		ti.elem = w.info(t.Elem())
		kt := t.Key()
		switch {
		case kt.Kind() == reflect.String && !reflect.PointerTo(kt).Implements(textUnmarshalerType):
			ti.key = &typeInfo{t: kt, kind: kString}
		case reflect.PointerTo(kt).Implements(textUnmarshalerType):
			ti.key = &typeInfo{t: kt, kind: kText}
		case kt.Kind() >= reflect.Int && kt.Kind() <= reflect.Int64:
			ti.key = &typeInfo{t: kt, kind: kInt, bits: kt.Bits()}
		case kt.Kind() >= reflect.Uint && kt.Kind() <= reflect.Uintptr:
			ti.key = &typeInfo{t: kt, kind: kUint, bits: kt.Bits()}
		default:
			ti.kind = kBad
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(unmarshalerType) && !reflect.PointerTo(t.Elem()).Implements(textUnmarshalerType) {
			ti.kind, ti.nullable = kBytes, true
			return ti
		}
		ti.kind, ti.nullable = kSlice, true
		ti.elem = w.info(t.Elem())
	case reflect.Array:
		ti.kind = kArray
		ti.elem = w.info(t.Elem())
	case reflect.String:
		ti.kind = kString
	case reflect.Bool:
		ti.kind = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		ti.kind, ti.bits = kInt, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		ti.kind, ti.bits = kUint, t.Bits()
	case reflect.Float32, reflect.Float64:
		ti.kind, ti.bits = kFloat, t.Bits()
	default:
		ti.kind = kBad
	}
	return ti
}

// structFields collects the JSON fields of t (promoting untagged embedded
// structs as encoding/json does; a name defined at a shallower depth wins).
func (w *walker) structFields(ti *typeInfo, t reflect.Type) {
	depthOf := map[string]int{}
	seen := map[reflect.Type]bool{}
	type pending struct {
		t     reflect.Type
		depth int
		path  []int
	}
	queue := []pending{{t, 0, nil}}
	dupAtDepth := map[string]bool{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur.t] {
			continue
		}
		seen[cur.t] = true
		for i := 0; i < cur.t.NumField(); i++ {
			sf := cur.t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			path := append(append([]int(nil), cur.path...), i)
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				et := sf.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					queue = append(queue, pending{et, cur.depth + 1, path})
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if d, ok := depthOf[name]; ok {
				if d == cur.depth {
					dupAtDepth[name] = true
				}
				continue
			}
			depthOf[name] = cur.depth
			fi := &fieldInfo{name: name, info: w.info(sf.Type), index: len(ti.ordered), path: path}
			for _, o := range strings.Split(opts, ",") {
				switch o {
				case "string":
					switch sf.Type.Kind() {
					case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64:
						fi.quoted = true
						fi.quotedType = reflect.StructOf([]reflect.StructField{{Name: "V", Type: sf.Type, Tag: `json:"v,string"`}})
					}
				}
			}
			fi.required = !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,")
			ti.fields[name] = fi
			ti.ordered = append(ti.ordered, fi)
		}
	}
	for name := range dupAtDepth { // ambiguous at one depth: encoding/json ignores both
		if fi := ti.fields[name]; fi != nil && depthOf[name] > 0 {
			delete(ti.fields, name)
			fi.required = false
		}
	}
}

// field returns the settable field fi of the struct value v, allocating
// the embedded pointers on the way as encoding/json does; an invalid Value
// when one cannot be set (a nil pointer to an unexported embedded struct).
func field(v reflect.Value, fi *fieldInfo) reflect.Value {
	if len(fi.path) == 1 {
		return v.Field(fi.path[0])
	}
	for i, x := range fi.path {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// --- the walk -----------------------------------------------------------------

type pathElem struct {
	field string // struct field or object key of an unknown shape
	key   string // map key
	index int    // array index, when field == "" and !isKey
	isKey bool
}

// walker checks a document against a type and, when given a valid
// reflect.Value, decodes into it as it goes. The Value is always a fresh
// (zero) settable value of the type described.
type walker struct {
	data  []byte
	pos   int
	depth int
	path  []pathElem
	types map[reflect.Type]*typeInfo
	probs []*Problem
	more  int
	fatal bool // syntax error: the walk cannot continue
	lines []int
	jobs  []*job // values decoding themselves on goroutines of their own
	slots int    // how many more jobs may run at once
}

func (w *walker) result() error {
	if len(w.probs) == 0 && w.more == 0 {
		return nil
	}
	return &Error{Problems: w.probs, More: w.more}
}

func (w *walker) document(ti *typeInfo, rv reflect.Value) {
	w.skipSpace()
	if w.pos >= len(w.data) {
		w.syntax("empty input, want a JSON value")
		return
	}
	w.value(ti, rv)
	if w.fatal {
		return
	}
	w.skipSpace()
	if w.pos < len(w.data) {
		w.problemAt(w.pos, "", nil, "unexpected data after the JSON value: %s", quotePrefix(w.data[w.pos:]))
	}
}

func (w *walker) pathString() string {
	var b strings.Builder
	for _, e := range w.path {
		switch {
		case e.isKey:
			b.WriteByte('[')
			b.WriteString(quoteShort(e.key))
			b.WriteByte(']')
		case e.field != "":
			if isIdent(e.field) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(e.field)
			} else {
				b.WriteByte('[')
				b.WriteString(quoteShort(e.field))
				b.WriteByte(']')
			}
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (w *walker) lineCol(off int) (int, int) {
	if w.lines == nil {
		w.lines = []int{0}
		for i, c := range w.data {
			if c == '\n' {
				w.lines = append(w.lines, i+1)
			}
		}
	}
	lo, hi := 0, len(w.lines)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if w.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	col := utf8.RuneCount(w.data[w.lines[lo]:min(off, len(w.data))]) + 1
	return lo + 1, col
}

func (w *walker) problemAt(off int, extraPath string, err error, format string, args ...any) {
	if len(w.probs) >= MaxProblems {
		w.more++
		return
	}
	path := w.pathString()
	if extraPath != "" {
		switch {
		case path == "":
			path = extraPath
		case strings.HasPrefix(extraPath, "["):
			path += extraPath
		default:
			path += "." + extraPath
		}
	}
	line, col := w.lineCol(off)
	w.probs = append(w.probs, &Problem{Path: path, Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...), Err: err})
}

func (w *walker) syntax(format string, args ...any) {
	w.problemAt(w.pos, "", nil, format, args...)
	w.fatal = true
}

func (w *walker) skipSpace() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// value walks one JSON value at w.pos against ti (nil: anything), decoding
// it into rv when rv is valid.
func (w *walker) value(ti *typeInfo, rv reflect.Value) {
	if w.fatal {
		return
	}
	if ti == nil {
		ti = anyInfo
	}
	start := w.pos
	if w.pos >= len(w.data) {
		w.syntax("unexpected end of input")
		return
	}
	if ti.self && rv.IsValid() {
		w.selfDecode(rv, start)
		return
	}
	c := w.data[w.pos]
	switch ti.kind {
	case kDecoder, kText:
		if ti.kind == kText && c == '"' {
			if !rv.IsValid() {
				rv = reflect.New(ti.t).Elem()
			}
			w.text(rv, start)
			return
		}
		end := w.skipValue()
		if w.fatal {
			return
		}
		w.decodeScratch(ti, start, end, rv)
		return
	case kPtr:
		if c == 'n' {
			w.literal("null")
			return
		}
		if rv.IsValid() {
			if rv.IsNil() {
				rv.Set(reflect.New(ti.t.Elem()))
			}
			rv = rv.Elem()
		}
		w.value(ti.elem, rv)
		return
	case kBad:
		w.skipValue()
		w.problemAt(start, "", nil, "a value of Go type %s cannot be decoded from JSON", ti.t)
		return
	case kAny, kRaw:
		if rv.IsValid() {
			end := w.skipValue()
			if w.fatal {
				return
			}
			w.decodeOther(ti, rv, start, end)
			return
		}
	}
	switch c {
	case '{':
		w.object(ti, start, rv)
	case '[':
		w.array(ti, start, rv)
	case '"':
		b, ok := w.strBytes()
		if !ok {
			return
		}
		switch ti.kind {
		case kAny, kRaw:
		case kString:
			if rv.IsValid() {
				rv.SetString(string(b))
			}
		case kBytes:
			v, err := decodeBase64(string(b))
			if err != nil {
				w.problemAt(start, "", nil, "want base64 data, have %s", quoteShort(string(b)))
			} else if rv.IsValid() {
				rv.SetBytes(v)
			}
		default:
			w.problemAt(start, "", nil, "want %s, have string %s", want(ti), quoteShort(string(b)))
		}
	case 't', 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		if !w.literal(lit) {
			return
		}
		switch ti.kind {
		case kAny, kRaw:
		case kBool:
			if rv.IsValid() {
				rv.SetBool(c == 't')
			}
		default:
			w.problemAt(start, "", nil, "want %s, have %s", want(ti), lit)
		}
	case 'n':
		if !w.literal("null") {
			return
		}
		if !ti.nullable {
			w.problemAt(start, "", nil, "null is not allowed here: want %s", want(ti))
		}
	default:
		if c == '-' || c >= '0' && c <= '9' {
			num, ok := w.number()
			if !ok {
				return
			}
			w.checkNumber(ti, start, num, rv)
			return
		}
		w.syntax("invalid character %s looking for a JSON value", quoteChar(c))
	}
}

// decodeOther decodes a value of any shape (an interface, a raw message)
// that the walk checked from start to end.
func (w *walker) decodeOther(ti *typeInfo, rv reflect.Value, start, end int) {
	raw := w.data[start:end]
	if ti.kind == kRaw {
		rv.SetBytes(append([]byte(nil), raw...))
		return
	}
	if err := json.Unmarshal(raw, rv.Addr().Interface()); err != nil {
		w.problemAt(start, "", err, "%s", boundedErr(err))
	}
}

// selfDecode hands the value at start to rv's own UnmarshalJSON (a Shaper,
// which decodes strictly itself) after finding its end with a syntax-only
// scan. When the syntax is bad, the decoder gets the rest of the input, so
// that it reports the problem with its own path, and the walk stops.
func (w *walker) selfDecode(rv reflect.Value, start int) {
	end, ok := skipSyntax(w.data, start)
	u := rv.Addr().Interface().(json.Unmarshaler)
	if ok {
		w.pos = end
		if end-start >= parallelMin && w.slot() {
			w.spawn(u, start, end)
			return
		}
		w.nested(start, u.UnmarshalJSON(w.data[start:end]))
		return
	}
	n := len(w.probs) + w.more
	w.nested(start, u.UnmarshalJSON(w.data[start:]))
	if len(w.probs)+w.more == n {
		// The value's decoder did not report it: report it here.
		w.pos = start
		w.skipValue()
	}
	w.fatal = true
}

// nested records the error of a value's own decoder, which read the input
// from offset start: a *Error's problems at their place in this document,
// any other error at the value.
func (w *walker) nested(start int, err error) {
	if err == nil {
		return
	}
	var inner *Error
	if errors.As(err, &inner) {
		for _, p := range inner.Problems {
			w.problemAt(start+p.Offset, p.Path, p.Err, "%s", p.Msg)
		}
		w.more += inner.More
		return
	}
	w.problemAt(start, "", err, "%s", boundedErr(err))
}

// parallelMin is the size from which a value that decodes itself is
// decoded on a goroutine of its own while the walk goes on (a plan's
// sections): below it, a goroutine costs more than it saves.
const parallelMin = 1 << 20

// job is a value decoding itself on a goroutine of its own.
type job struct {
	at      int        // len(walker.probs) when it started: where its problems go
	start   int        // its offset
	path    []pathElem // its path
	done    chan struct{}
	counted bool // its slot was given back
	err     error
	panic   any // what its decoder panicked with, re-raised by join
}

// slot reports whether a goroutine may start: at most GOMAXPROCS-1 of one
// walk's jobs run at a time.
func (w *walker) slot() bool {
	if w.slots > 0 {
		return true
	}
	for _, j := range w.jobs {
		select {
		case <-j.done:
			if !j.counted {
				j.counted = true
				w.slots++
			}
		default:
		}
	}
	return w.slots > 0
}

// spawn decodes data[start:end] by u on a goroutine of its own; join
// waits for it and reports its problems at their place.
func (w *walker) spawn(u json.Unmarshaler, start, end int) {
	w.slots--
	j := &job{at: len(w.probs), start: start, path: slices.Clone(w.path), done: make(chan struct{})}
	w.jobs = append(w.jobs, j)
	raw := w.data[start:end]
	go func() {
		defer close(j.done)
		defer func() {
			if r := recover(); r != nil {
				j.panic = r
			}
		}()
		j.err = u.UnmarshalJSON(raw)
	}()
}

// join waits for the jobs and merges their problems into the walk's, in
// document order, keeping the first MaxProblems and counting the rest.
func (w *walker) join() {
	if len(w.jobs) == 0 {
		return
	}
	for _, j := range w.jobs {
		<-j.done
	}
	for _, j := range w.jobs {
		if j.panic != nil {
			panic(j.panic)
		}
	}
	own, more := w.probs, w.more
	var merged []*Problem
	k := 0
	saved := w.path
	for _, j := range w.jobs {
		merged = append(merged, own[k:j.at]...)
		k = j.at
		w.probs, w.more, w.path = nil, 0, j.path
		w.nested(j.start, j.err)
		merged = append(merged, w.probs...)
		more += w.more
	}
	w.path = saved
	merged = append(merged, own[k:]...)
	if len(merged) > MaxProblems {
		more += len(merged) - MaxProblems
		merged = merged[:MaxProblems]
	}
	w.probs, w.more, w.jobs = merged, more, nil
}

// text decodes a string into rv's own UnmarshalText.
func (w *walker) text(rv reflect.Value, start int) {
	b, ok := w.strBytes()
	if !ok {
		return
	}
	if err := rv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(b); err != nil {
		w.problemAt(start, "", err, "%s", boundedErr(err))
	}
}

func (w *walker) checkNumber(ti *typeInfo, start int, num []byte, rv reflect.Value) {
	switch ti.kind {
	case kAny, kRaw:
	case kInt:
		n, ok := parseInt(num, ti.bits)
		if !ok {
			w.problemAt(start, "", nil, "want an integer that fits %s, have %s", ti.t, quoteShort(string(num)))
		} else if rv.IsValid() {
			rv.SetInt(n)
		}
	case kUint:
		n, err := strconv.ParseUint(string(num), 10, ti.bits)
		if err != nil {
			w.problemAt(start, "", nil, "want a non-negative integer that fits %s, have %s", ti.t, quoteShort(string(num)))
		} else if rv.IsValid() {
			rv.SetUint(n)
		}
	case kFloat:
		f, err := strconv.ParseFloat(string(num), ti.bits)
		if err != nil {
			w.problemAt(start, "", nil, "want a number that fits %s, have %s", ti.t, quoteShort(string(num)))
		} else if rv.IsValid() {
			rv.SetFloat(f)
		}
	default:
		w.problemAt(start, "", nil, "want %s, have number %s", want(ti), quoteShort(string(num)))
	}
}

// parseInt is strconv.ParseInt(num, 10, bits) with a fast path for the
// short plain integers that make up nearly every document.
func parseInt(num []byte, bits int) (int64, bool) {
	if len(num) > 0 && len(num) < 19 {
		neg := num[0] == '-'
		digits := num
		if neg {
			digits = num[1:]
		}
		if len(digits) > 0 {
			var n int64
			for _, c := range digits {
				if c < '0' || c > '9' {
					goto slow
				}
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			if bits == 64 || n >= -1<<(bits-1) && n < 1<<(bits-1) {
				return n, true
			}
			return 0, false
		}
	}
slow:
	n, err := strconv.ParseInt(string(num), 10, bits)
	return n, err == nil
}

func want(ti *typeInfo) string {
	switch ti.kind {
	case kStruct:
		return "an object"
	case kMap:
		return "an object"
	case kSlice, kArray:
		return "an array"
	case kString, kText, kBytes:
		return "a string"
	case kBool:
		return "true or false"
	case kInt, kUint, kFloat:
		return "a number"
	default:
		return "a value of " + ti.t.String()
	}
}

// decodeScratch decodes data[start:end] by the value's own method: into rv
// when valid, else into a scratch value of ti's type, so that a
// self-decoding value's error is reported at its path.
func (w *walker) decodeScratch(ti *typeInfo, start, end int, rv reflect.Value) {
	raw := w.data[start:end]
	if !rv.IsValid() {
		rv = reflect.New(ti.t).Elem()
	}
	if ti.kind == kText {
		if raw[0] == 'n' {
			w.problemAt(start, "", nil, "null is not allowed here: want a string")
			return
		}
		if raw[0] != '"' {
			w.problemAt(start, "", nil, "want a string, have %s", quotePrefix(raw))
			return
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			w.problemAt(start, "", err, "%v", err)
			return
		}
		if err := rv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			w.problemAt(start, "", err, "%s", boundedErr(err))
		}
		return
	}
	w.nested(start, rv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw))
}

// boundedErr is an error's text cut to a bounded length.
func boundedErr(err error) string {
	s := err.Error()
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

// keySet remembers the keys of one object, to find a repeated one: a
// short list, then a set.
type keySet struct {
	small [16][]byte // the input's bytes (or an unescaped copy)
	n     int
	big   map[string]struct{}
}

// add records key and reports whether it was there already. str, when
// not empty, is key as a string the caller made already (a map's key),
// which the set keeps instead of a copy of its own.
func (s *keySet) add(key []byte, str string) bool {
	if s.big == nil {
		for _, k := range s.small[:s.n] {
			if string(k) == string(key) {
				return true
			}
		}
		if s.n < len(s.small) {
			s.small[s.n] = key
			s.n++
			return false
		}
		s.big = make(map[string]struct{}, 64)
		for _, k := range s.small {
			s.big[string(k)] = struct{}{}
		}
	}
	if _, dup := s.big[string(key)]; dup {
		return true
	}
	if str == "" {
		str = string(key)
	}
	s.big[str] = struct{}{}
	return false
}

func (w *walker) object(ti *typeInfo, start int, rv reflect.Value) {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > MaxDepth {
		w.syntax("nesting deeper than %d", MaxDepth)
		return
	}
	isStruct := ti.kind == kStruct
	isMap := ti.kind == kMap
	if !isStruct && !isMap && ti.kind != kAny && ti.kind != kRaw {
		w.problemAt(start, "", nil, "want %s, have an object", want(ti))
		w.skipValue()
		return
	}
	w.pos++ // {
	var seen keySet
	var presentBits uint64
	var presentMore []bool
	if isStruct && len(ti.ordered) > 64 {
		presentMore = make([]bool, len(ti.ordered))
	}
	var mapKey, mapElem reflect.Value
	if isMap && rv.IsValid() {
		if rv.IsNil() {
			rv.Set(reflect.MakeMap(ti.t))
		}
		mapKey = reflect.New(ti.t.Key()).Elem()
		mapElem = reflect.New(ti.t.Elem()).Elem()
	}
	w.skipSpace()
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		w.missing(ti, presentBits, presentMore, start)
		return
	}
	for {
		w.skipSpace()
		keyStart := w.pos
		if w.pos >= len(w.data) || w.data[w.pos] != '"' {
			w.syntax("want an object key")
			return
		}
		key, ok := w.strBytes()
		if !ok {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) || w.data[w.pos] != ':' {
			w.syntax("want ':' after object key %s", quoteShort(string(key)))
			return
		}
		w.pos++
		w.skipSpace()
		var (
			elem *typeInfo
			pe   pathElem
			dup  bool
			ev   reflect.Value // where the value decodes, if anywhere
			set  bool          // ev is mapElem, to be stored under mapKey
		)
		switch {
		case isStruct:
			fi := ti.fields[string(key)]
			if fi == nil {
				k := string(key)
				w.path = append(w.path, pathElem{field: k})
				if alt := foldMatch(ti, k); alt != "" {
					w.problemAt(keyStart, "", nil, "unknown field %s (field names are case-sensitive: did you mean %q?)", quoteShort(k), alt)
				} else {
					w.problemAt(keyStart, "", nil, "unknown field %s", quoteShort(k))
				}
				w.path = w.path[:len(w.path)-1]
				w.skipValue()
				goto next
			}
			pe = pathElem{field: fi.name}
			if presentMore != nil {
				dup = presentMore[fi.index]
				presentMore[fi.index] = true
			} else {
				dup = presentBits&(1<<fi.index) != 0
				presentBits |= 1 << fi.index
			}
			elem = fi.info
			if fi.quoted {
				elem = &typeInfo{t: fi.info.t, kind: kString}
				if rv.IsValid() && !dup {
					w.path = append(w.path, pe)
					w.quotedField(fi, field(rv, fi))
					w.path = w.path[:len(w.path)-1]
					goto next
				}
			} else if rv.IsValid() && !dup {
				ev = field(rv, fi)
			}
		case isMap:
			k := string(key)
			pe = pathElem{key: k, isKey: true}
			dup = seen.add(key, k)
			keyOK := w.mapKey(ti.key, k, keyStart, mapKey)
			elem = ti.elem
			if mapElem.IsValid() && keyOK && !dup {
				mapElem.SetZero()
				ev, set = mapElem, true
			}
		default:
			pe = pathElem{field: string(key)}
			dup = seen.add(key, pe.field)
		}
		w.path = append(w.path, pe)
		if dup {
			w.problemAt(keyStart, "", nil, "key %s repeated in one object (the JSON would silently keep only the last)", quoteShort(string(key)))
		}
		w.value(elem, ev)
		if set {
			rv.SetMapIndex(mapKey, mapElem)
		}
		w.path = w.path[:len(w.path)-1]
	next:
		if w.fatal {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.syntax("unexpected end of input in an object")
			return
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.pos++
			w.missing(ti, presentBits, presentMore, start)
			return
		default:
			w.syntax("invalid character %s after an object value", quoteChar(w.data[w.pos]))
			return
		}
	}
}

// quotedField checks and decodes a field with the ",string" option, with
// encoding/json (the check is the one of a plain string).
func (w *walker) quotedField(fi *fieldInfo, fv reflect.Value) {
	start := w.pos
	w.value(&typeInfo{t: fi.info.t, kind: kString}, reflect.Value{})
	if w.fatal || !fv.IsValid() {
		return
	}
	raw := w.data[start:w.pos]
	holder := reflect.New(fi.quotedType)
	doc := make([]byte, 0, len(raw)+6)
	doc = append(append(append(doc, `{"v":`...), raw...), '}')
	if err := json.Unmarshal(doc, holder.Interface()); err != nil {
		w.problemAt(start, "", err, "%s", boundedErr(err))
		return
	}
	fv.Set(holder.Elem().Field(0))
}

// missing reports the required fields absent from a struct's object.
func (w *walker) missing(ti *typeInfo, bits uint64, more []bool, start int) {
	if ti.kind != kStruct {
		return
	}
	for i, fi := range ti.ordered {
		present := bits&(1<<i) != 0
		if more != nil {
			present = more[i]
		}
		if fi.required && !present && ti.fields[fi.name] == fi {
			w.problemAt(start, fi.name, nil, "missing field %q", fi.name)
		}
	}
}

// mapKey checks a map key and, when kv is valid, sets it; false when the
// key is bad.
func (w *walker) mapKey(k *typeInfo, key string, off int, kv reflect.Value) bool {
	if k == nil {
		return true
	}
	switch k.kind {
	case kString:
		if kv.IsValid() {
			kv.SetString(key)
		}
	case kText:
		if !kv.IsValid() {
			kv = reflect.New(k.t).Elem()
		}
		if err := kv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
			w.path = append(w.path, pathElem{key: key, isKey: true})
			w.problemAt(off, "", err, "bad key: %s", boundedErr(err))
			w.path = w.path[:len(w.path)-1]
			return false
		}
	case kInt:
		n, err := strconv.ParseInt(key, 10, k.bits)
		if err != nil {
			w.problemAt(off, "", nil, "bad key %s: want an integer that fits %s", quoteShort(key), k.t)
			return false
		}
		if kv.IsValid() {
			kv.SetInt(n)
		}
	case kUint:
		n, err := strconv.ParseUint(key, 10, k.bits)
		if err != nil {
			w.problemAt(off, "", nil, "bad key %s: want a non-negative integer that fits %s", quoteShort(key), k.t)
			return false
		}
		if kv.IsValid() {
			kv.SetUint(n)
		}
	}
	return true
}

// foldMatch returns the field of ti whose name equals key ignoring case.
func foldMatch(ti *typeInfo, key string) string {
	for _, fi := range ti.ordered {
		if strings.EqualFold(fi.name, key) && ti.fields[fi.name] == fi {
			return fi.name
		}
	}
	return ""
}

func (w *walker) array(ti *typeInfo, start int, rv reflect.Value) {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > MaxDepth {
		w.syntax("nesting deeper than %d", MaxDepth)
		return
	}
	var elem *typeInfo
	switch ti.kind {
	case kSlice, kArray:
		elem = ti.elem
	case kAny, kRaw:
	default:
		w.problemAt(start, "", nil, "want %s, have an array", want(ti))
		w.skipValue()
		return
	}
	w.pos++ // [
	w.skipSpace()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
		w.pos++
		if ti.kind == kSlice && rv.IsValid() {
			rv.Set(reflect.MakeSlice(ti.t, 0, 0))
		}
		w.arrayLen(ti, 0, start)
		return
	}
	for i := 0; ; i++ {
		w.path = append(w.path, pathElem{index: i})
		w.skipSpace()
		var ev reflect.Value
		if rv.IsValid() {
			switch {
			case ti.kind == kArray:
				if i < rv.Len() {
					ev = rv.Index(i)
				}
			default:
				if i == rv.Cap() {
					grown := reflect.MakeSlice(ti.t, i, max(4, 2*i))
					reflect.Copy(grown, rv)
					rv.Set(grown)
				}
				rv.SetLen(i + 1)
				ev = rv.Index(i)
			}
		}
		w.value(elem, ev)
		w.path = w.path[:len(w.path)-1]
		if w.fatal {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.syntax("unexpected end of input in an array")
			return
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			w.arrayLen(ti, i+1, start)
			return
		default:
			w.syntax("invalid character %s after an array element", quoteChar(w.data[w.pos]))
			return
		}
	}
}

func (w *walker) arrayLen(ti *typeInfo, n, start int) {
	if ti.kind == kArray && n != ti.t.Len() {
		w.problemAt(start, "", nil, "want an array of %d elements, have %d", ti.t.Len(), n)
	}
}

// skipValue skips one value (checking its syntax and repeated keys) and
// returns the offset after it.
func (w *walker) skipValue() int {
	w.value(anyInfo, reflect.Value{})
	return w.pos
}

func (w *walker) literal(lit string) bool {
	if !bytes.HasPrefix(w.data[w.pos:], []byte(lit)) {
		w.syntax("invalid literal %s", quotePrefix(w.data[w.pos:]))
		return false
	}
	w.pos += len(lit)
	return true
}

// strBytes reads a JSON string at w.pos and returns its value: the input's
// own bytes when the string has no escape, valid as long as the input.
func (w *walker) strBytes() ([]byte, bool) {
	start := w.pos
	d := w.data
	p := w.pos + 1 // opening quote
	ascii := true
	for {
		if p = PlainRun(d, p); p >= len(d) {
			break
		}
		c := d[p]
		switch {
		case c == '"':
			w.pos = p + 1
			body := d[start+1 : p]
			if !ascii && !utf8.Valid(body) {
				w.pos = start
				w.syntax("invalid UTF-8 in a string")
				return nil, false
			}
			return body, true
		case c == '\\':
			return w.escapedStr(start)
		case c < 0x20:
			w.pos = p
			w.syntax("control character %s in a string", quoteChar(c))
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p++
	}
	w.pos = start
	w.syntax("unterminated string")
	return nil, false
}

// escapedStr reads a string with escapes (the rare case) by encoding/json.
func (w *walker) escapedStr(start int) ([]byte, bool) {
	p := start + 1
	d := w.data
	for p < len(d) {
		c := d[p]
		switch {
		case c == '"':
			w.pos = p + 1
			raw := d[start:w.pos]
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				w.pos = start
				w.syntax("invalid string %s: %v", quotePrefix(raw), err)
				return nil, false
			}
			return []byte(s), true
		case c == '\\':
			p += 2
			continue
		case c < 0x20:
			w.pos = p
			w.syntax("control character %s in a string", quoteChar(c))
			return nil, false
		}
		p++
	}
	w.pos = start
	w.syntax("unterminated string")
	return nil, false
}

// number reads a JSON number at w.pos.
func (w *walker) number() ([]byte, bool) {
	start := w.pos
	p := w.pos
	d := w.data
	if p < len(d) && d[p] == '-' {
		p++
	}
	switch {
	case p < len(d) && d[p] == '0':
		p++
	case p < len(d) && d[p] >= '1' && d[p] <= '9':
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	default:
		w.syntax("invalid number %s", quotePrefix(d[start:]))
		return nil, false
	}
	if p < len(d) && d[p] == '.' {
		p++
		if p >= len(d) || d[p] < '0' || d[p] > '9' {
			w.syntax("invalid number %s", quotePrefix(d[start:]))
			return nil, false
		}
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	}
	if p < len(d) && (d[p] == 'e' || d[p] == 'E') {
		p++
		if p < len(d) && (d[p] == '+' || d[p] == '-') {
			p++
		}
		if p >= len(d) || d[p] < '0' || d[p] > '9' {
			w.syntax("invalid number %s", quotePrefix(d[start:]))
			return nil, false
		}
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	}
	w.pos = p
	return d[start:p], true
}

// --- quoting ------------------------------------------------------------------

// QuoteShort quotes s, cut to a bounded prefix, for error messages.
func QuoteShort(s string) string { return quoteShort(s) }

func quoteShort(s string) string {
	if len(s) <= maxQuote {
		return strconv.Quote(s)
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}

func quotePrefix(b []byte) string {
	if len(b) > maxQuote {
		return quoteShort(string(b[:maxQuote])) + "…"
	}
	return quoteShort(string(b))
}

func quoteChar(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("%#02x", c)
}

func decodeBase64(s string) ([]byte, error) {
	var b []byte
	err := json.Unmarshal([]byte(strconv.Quote(s)), &b)
	return b, err
}
