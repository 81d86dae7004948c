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
// Values whose type decodes itself (json.Unmarshaler, encoding.TextUnmarshaler)
// are decoded once on a scratch value during the check, so their error is
// reported with the JSON path that leads to them:
//
//	profiles["d1:web"].ethernet[0].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 12, column 20)
//
// A container type with its own UnmarshalJSON can expose the shape it decodes
// through [Shaper]; the check then walks that shape instead of decoding the
// value twice.
//
// Errors and work are bounded: at most MaxProblems problems are reported (all
// of them found in one pass), values are quoted by a short prefix only, and
// the check is a single linear scan of the input.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
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
// example (*snapshotJSON)(nil)), and the check walks it as if the value were
// of that type.
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
// and, if it is clean, decodes it into v with encoding/json. On error v is
// left as it was, and the error is an *Error.
func Unmarshal(data []byte, v any) error {
	if err := Check(data, v); err != nil {
		return err
	}
	return decodeChecked(data, v)
}

// Check reports every problem of data as JSON for v's type without decoding
// it into v. v must be a non-nil pointer.
func Check(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Problems: []*Problem{{Msg: fmt.Sprintf("strictjson: decode into non-pointer or nil %T", v)}}}
	}
	w := walker{data: data, types: map[reflect.Type]*typeInfo{}}
	w.document(w.info(rv.Type().Elem()))
	return w.result()
}

// Validate checks that data is one JSON value with no repeated keys, no
// trailing data and bounded depth, whatever the target: for raw messages.
func Validate(data []byte) error {
	w := walker{data: data, types: map[reflect.Type]*typeInfo{}}
	w.document(nil)
	return w.result()
}

// decodeChecked decodes checked data; a decoder error (which the check
// should have caught) becomes an *Error too, and v is only written on success.
func decodeChecked(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	tmp := reflect.New(rv.Type().Elem())
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(tmp.Interface()); err != nil {
		msg := err.Error()
		var ute *json.UnmarshalTypeError
		path := ""
		if errors.As(err, &ute) {
			path = ute.Field
		}
		return &Error{Problems: []*Problem{{Path: path, Msg: msg, Err: err}}}
	}
	rv.Elem().Set(tmp.Elem())
	return nil
}

// --- type information -------------------------------------------------------

type kind uint8

const (
	kAny     kind = iota // interface or unknown: anything, checked for syntax
	kRaw                 // json.RawMessage
	kDecoder             // json.Unmarshaler: decoded on a scratch value
	kText                // encoding.TextUnmarshaler: a string, decoded on a scratch value
	kStruct              // struct decoded by encoding/json
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
}

type fieldInfo struct {
	name     string
	info     *typeInfo
	required bool
	quoted   bool // ",string" option: the value is a JSON string holding the value
	index    int  // position in ordered
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	shaperType          = reflect.TypeFor[Shaper]()
)

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
	case pt.Implements(shaperType):
		st := reflect.TypeOf(reflect.New(t).Interface().(Shaper).JSONShape())
		for st != nil && st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		if st == nil {
			ti.kind, ti.nullable = kAny, true
			return ti
		}
		*ti = *w.info(st)
		ti.t = t
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
		w.structFields(ti, t, nil, map[reflect.Type]bool{})
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
func (w *walker) structFields(ti *typeInfo, t reflect.Type, depthOf map[string]int, seen map[reflect.Type]bool) {
	if depthOf == nil {
		depthOf = map[string]int{}
	}
	type pending struct {
		t     reflect.Type
		depth int
	}
	queue := []pending{{t, 0}}
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
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				et := sf.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					queue = append(queue, pending{et, cur.depth + 1})
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
			fi := &fieldInfo{name: name, info: w.info(sf.Type), index: len(ti.ordered)}
			for _, o := range strings.Split(opts, ",") {
				switch o {
				case "string":
					switch sf.Type.Kind() {
					case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64:
						fi.quoted = true
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

// --- the walk -----------------------------------------------------------------

type pathElem struct {
	field string // struct field or object key of an unknown shape
	key   string // map key
	index int    // array index, when field == "" and !isKey
	isKey bool
}

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
}

func (w *walker) result() error {
	if len(w.probs) == 0 {
		return nil
	}
	return &Error{Problems: w.probs, More: w.more}
}

func (w *walker) document(ti *typeInfo) {
	w.skipSpace()
	if w.pos >= len(w.data) {
		w.syntax("empty input, want a JSON value")
		return
	}
	w.value(ti)
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

// value walks one JSON value at w.pos against ti (nil: anything).
func (w *walker) value(ti *typeInfo) {
	if w.fatal {
		return
	}
	if ti == nil {
		ti = &typeInfo{kind: kAny, nullable: true}
	}
	start := w.pos
	if w.pos >= len(w.data) {
		w.syntax("unexpected end of input")
		return
	}
	c := w.data[w.pos]
	switch ti.kind {
	case kDecoder, kText:
		end := w.skipValue()
		if w.fatal {
			return
		}
		w.decodeScratch(ti, start, end)
		return
	case kPtr:
		if c == 'n' {
			w.literal("null")
			return
		}
		w.value(ti.elem)
		return
	case kBad:
		w.skipValue()
		w.problemAt(start, "", nil, "a value of Go type %s cannot be decoded from JSON", ti.t)
		return
	}
	switch c {
	case '{':
		w.object(ti, start)
	case '[':
		w.array(ti, start)
	case '"':
		s, ok := w.str()
		if !ok {
			return
		}
		switch ti.kind {
		case kAny, kRaw, kString:
		case kBytes:
			if _, err := decodeBase64(s); err != nil {
				w.problemAt(start, "", nil, "want base64 data, have %s", quoteShort(s))
			}
		default:
			w.problemAt(start, "", nil, "want %s, have string %s", want(ti), quoteShort(s))
		}
	case 't', 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		if !w.literal(lit) {
			return
		}
		if ti.kind != kAny && ti.kind != kRaw && ti.kind != kBool {
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
			w.checkNumber(ti, start, num)
			return
		}
		w.syntax("invalid character %s looking for a JSON value", quoteChar(c))
	}
}

func (w *walker) checkNumber(ti *typeInfo, start int, num string) {
	switch ti.kind {
	case kAny, kRaw:
	case kInt:
		if _, err := strconv.ParseInt(num, 10, ti.bits); err != nil {
			w.problemAt(start, "", nil, "want an integer that fits %s, have %s", ti.t, quoteShort(num))
		}
	case kUint:
		if _, err := strconv.ParseUint(num, 10, ti.bits); err != nil {
			w.problemAt(start, "", nil, "want a non-negative integer that fits %s, have %s", ti.t, quoteShort(num))
		}
	case kFloat:
		if _, err := strconv.ParseFloat(num, ti.bits); err != nil {
			w.problemAt(start, "", nil, "want a number that fits %s, have %s", ti.t, quoteShort(num))
		}
	default:
		w.problemAt(start, "", nil, "want %s, have number %s", want(ti), quoteShort(num))
	}
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

// decodeScratch decodes data[start:end] into a scratch value of ti's type,
// so a self-decoding value's error is reported at its path.
func (w *walker) decodeScratch(ti *typeInfo, start, end int) {
	raw := w.data[start:end]
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
		v := reflect.New(ti.t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(s)); err != nil {
			w.problemAt(start, "", err, "%s", boundedErr(err))
		}
		return
	}
	v := reflect.New(ti.t).Interface().(json.Unmarshaler)
	if err := v.UnmarshalJSON(raw); err != nil {
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
}

// boundedErr is an error's text cut to a bounded length.
func boundedErr(err error) string {
	s := err.Error()
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

func (w *walker) object(ti *typeInfo, start int) {
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
	var seenSmall []string
	var seenBig map[string]struct{}
	var present []bool
	if isStruct {
		present = make([]bool, len(ti.ordered))
	}
	n := 0
	w.skipSpace()
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		w.missing(ti, present, start)
		return
	}
	for {
		w.skipSpace()
		keyStart := w.pos
		if w.pos >= len(w.data) || w.data[w.pos] != '"' {
			w.syntax("want an object key")
			return
		}
		key, ok := w.str()
		if !ok {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) || w.data[w.pos] != ':' {
			w.syntax("want ':' after object key %s", quoteShort(key))
			return
		}
		w.pos++
		w.skipSpace()
		// repeated key?
		dup := false
		if n < 16 {
			for _, k := range seenSmall {
				if k == key {
					dup = true
					break
				}
			}
			seenSmall = append(seenSmall, key)
		} else {
			if seenBig == nil {
				seenBig = make(map[string]struct{}, 32)
				for _, k := range seenSmall {
					seenBig[k] = struct{}{}
				}
			}
			if _, dup = seenBig[key]; !dup {
				seenBig[key] = struct{}{}
			}
		}
		n++
		var elem *typeInfo
		var pe pathElem
		switch {
		case isStruct:
			pe = pathElem{field: key}
			fi := ti.fields[key]
			if fi == nil {
				w.path = append(w.path, pe)
				if alt := foldMatch(ti, key); alt != "" {
					w.problemAt(keyStart, "", nil, "unknown field %s (field names are case-sensitive: did you mean %q?)", quoteShort(key), alt)
				} else {
					w.problemAt(keyStart, "", nil, "unknown field %s", quoteShort(key))
				}
				w.path = w.path[:len(w.path)-1]
				w.skipValue()
				goto next
			}
			present[fi.index] = true
			elem = fi.info
			if fi.quoted {
				elem = &typeInfo{t: fi.info.t, kind: kString}
			}
		case isMap:
			pe = pathElem{key: key, isKey: true}
			w.checkMapKey(ti.key, key, keyStart)
			elem = ti.elem
		default:
			pe = pathElem{field: key}
		}
		w.path = append(w.path, pe)
		if dup {
			w.problemAt(keyStart, "", nil, "key %s repeated in one object (the JSON would silently keep only the last)", quoteShort(key))
		}
		w.value(elem)
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
			w.missing(ti, present, start)
			return
		default:
			w.syntax("invalid character %s after an object value", quoteChar(w.data[w.pos]))
			return
		}
	}
}

// missing reports the required fields absent from a struct's object.
func (w *walker) missing(ti *typeInfo, present []bool, start int) {
	if ti.kind != kStruct {
		return
	}
	for i, fi := range ti.ordered {
		if fi.required && !present[i] && ti.fields[fi.name] == fi {
			w.problemAt(start, fi.name, nil, "missing field %q", fi.name)
		}
	}
}

func (w *walker) checkMapKey(k *typeInfo, key string, off int) {
	if k == nil {
		return
	}
	switch k.kind {
	case kText:
		v := reflect.New(k.t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(key)); err != nil {
			w.path = append(w.path, pathElem{key: key, isKey: true})
			w.problemAt(off, "", err, "bad key: %s", boundedErr(err))
			w.path = w.path[:len(w.path)-1]
		}
	case kInt:
		if _, err := strconv.ParseInt(key, 10, k.bits); err != nil {
			w.problemAt(off, "", nil, "bad key %s: want an integer that fits %s", quoteShort(key), k.t)
		}
	case kUint:
		if _, err := strconv.ParseUint(key, 10, k.bits); err != nil {
			w.problemAt(off, "", nil, "bad key %s: want a non-negative integer that fits %s", quoteShort(key), k.t)
		}
	}
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

func (w *walker) array(ti *typeInfo, start int) {
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
		w.arrayLen(ti, 0, start)
		return
	}
	for i := 0; ; i++ {
		w.path = append(w.path, pathElem{index: i})
		w.skipSpace()
		w.value(elem)
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
	w.value(&typeInfo{kind: kAny, nullable: true})
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

// str reads a JSON string at w.pos and returns its value.
func (w *walker) str() (string, bool) {
	start := w.pos
	w.pos++ // opening quote
	escaped := false
	for w.pos < len(w.data) {
		c := w.data[w.pos]
		switch {
		case c == '"':
			w.pos++
			raw := w.data[start:w.pos]
			if !escaped {
				if !utf8.Valid(raw) {
					w.pos = start
					w.syntax("invalid UTF-8 in a string")
					return "", false
				}
				return string(raw[1 : len(raw)-1]), true
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				w.pos = start
				w.syntax("invalid string %s: %v", quotePrefix(raw), err)
				return "", false
			}
			return s, true
		case c == '\\':
			escaped = true
			w.pos += 2
		case c < 0x20:
			w.syntax("control character %s in a string", quoteChar(c))
			return "", false
		default:
			w.pos++
		}
	}
	w.pos = start
	w.syntax("unterminated string")
	return "", false
}

// number reads a JSON number at w.pos.
func (w *walker) number() (string, bool) {
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
		return "", false
	}
	if p < len(d) && d[p] == '.' {
		p++
		if p >= len(d) || d[p] < '0' || d[p] > '9' {
			w.syntax("invalid number %s", quotePrefix(d[start:]))
			return "", false
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
			return "", false
		}
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	}
	w.pos = p
	return string(d[start:p]), true
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
