// Package changecodec is the one tagged-JSON codec for the changes of the
// domain packages (vcem, spm, matrixoe): a change is written as one object
// whose "kind" member names its type, followed by the type's own fields,
//
//	{"kind":"vcem.MarkExternalMAC","mac":"00-17-A4-77-00-00"}
//
// and read back strictly (internal/strictjson): an unknown kind, an unknown,
// repeated, case-folded or missing field, or a bad value is an error naming
// the field. Each package builds one immutable Codec at init from zero values
// of its change types and calls it from its Change types' MarshalJSON, its
// DecodeChange and its Changes list type.
package changecodec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Kinder is what every change type is: a value with a stable kind.
type Kinder interface{ Kind() string }

// Codec encodes and decodes the changes of one package. It is immutable
// after New and safe for concurrent use.
type Codec[C Kinder] struct {
	pkg        string
	errUnknown error
	errInvalid error
	kinds      map[string]*kindInfo
}

type kindInfo struct {
	concrete reflect.Type // the change's struct type
	plain    reflect.Type // the same fields after a "kind" string, no methods
	dec      *strictjson.Decoder
}

// New returns the codec of package pkg for the given change types, one zero
// value each (they must be structs of exported, non-embedded fields, with
// distinct kinds). errUnknown is wrapped by errors for an unknown kind,
// errInvalid by every other decoding error.
func New[C Kinder](pkg string, errUnknown, errInvalid error, types ...C) (*Codec[C], error) {
	c := &Codec[C]{pkg: pkg, errUnknown: errUnknown, errInvalid: errInvalid, kinds: map[string]*kindInfo{}}
	for _, v := range types {
		t := reflect.TypeOf(v)
		if t == nil || t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("changecodec: %s: change type %T is not a struct", pkg, v)
		}
		k := v.Kind()
		if _, dup := c.kinds[k]; dup {
			return nil, fmt.Errorf("changecodec: %s: kind %q registered twice", pkg, k)
		}
		fields := []reflect.StructField{{Name: "Kind", Type: reflect.TypeFor[string](), Tag: `json:"kind"`}}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Anonymous {
				return nil, fmt.Errorf("changecodec: %s: %s.%s: change fields must be exported and not embedded", pkg, t.Name(), f.Name)
			}
			if f.Name == "Kind" || f.Tag.Get("json") == "kind" {
				return nil, fmt.Errorf("changecodec: %s: %s has a field named kind", pkg, t.Name())
			}
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
		plain := reflect.StructOf(fields)
		c.kinds[k] = &kindInfo{concrete: t, plain: plain, dec: strictjson.NewDecoder(plain)}
	}
	return c, nil
}

// MustNew is New for the package-level codecs built at init from constant
// inputs; a failure is a programming error caught by every test run.
func MustNew[C Kinder](pkg string, errUnknown, errInvalid error, types ...C) *Codec[C] {
	c, err := New(pkg, errUnknown, errInvalid, types...)
	if err != nil {
		panic(err)
	}
	return c
}

// Kinds returns the registered kinds, for documentation and tests.
func (c *Codec[C]) Kinds() []string {
	out := make([]string, 0, len(c.kinds))
	for k := range c.kinds {
		out = append(out, k)
	}
	return out
}

// Error is a change that could not be encoded or decoded.
type Error struct {
	Pkg  string // "vcem"
	Kind string // the change's kind, when known
	Err  error  // what is wrong (often a *strictjson.Error naming the field)

	sentinel error
}

// Error renders "pkg: change KIND: what".
func (e *Error) Error() string {
	if e.Kind == "" {
		return fmt.Sprintf("%s: change: %v", e.Pkg, e.Err)
	}
	return fmt.Sprintf("%s: change %s: %v", e.Pkg, e.Kind, e.Err)
}

// Unwrap gives the package's sentinel (ErrUnknownChange or ErrInvalid) and
// the cause.
func (e *Error) Unwrap() []error {
	if e.sentinel == nil {
		return []error{e.Err}
	}
	return []error{e.sentinel, e.Err}
}

// Marshal writes v, one of the codec's change types, in its tagged form.
func (c *Codec[C]) Marshal(v C) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return nil, &Error{Pkg: c.pkg, Err: errors.New("nil change"), sentinel: c.errInvalid}
	}
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, &Error{Pkg: c.pkg, Err: errors.New("nil change"), sentinel: c.errInvalid}
		}
		rv = rv.Elem()
	}
	k := v.Kind()
	ki := c.kinds[k]
	if ki == nil || rv.Type() != ki.concrete {
		return nil, &Error{Pkg: c.pkg, Kind: k, Err: fmt.Errorf("type %s is not a registered change", rv.Type()), sentinel: c.errUnknown}
	}
	plain := reflect.New(ki.plain).Elem()
	plain.Field(0).SetString(k)
	for i := 0; i < rv.NumField(); i++ {
		plain.Field(i + 1).Set(rv.Field(i))
	}
	b, err := json.Marshal(plain.Interface())
	if err != nil {
		return nil, &Error{Pkg: c.pkg, Kind: k, Err: err, sentinel: c.errInvalid}
	}
	return b, nil
}

// Decode reads one change in its tagged form.
func (c *Codec[C]) Decode(b []byte) (C, error) {
	// The quick way for a well-formed change: its kind, then its fields
	// in one strict pass. Whatever it refuses takes the slow way below,
	// whose checks in order give the error.
	if k, ok := strictjson.StringMember(b, "kind"); ok {
		if ki := c.kinds[k]; ki != nil {
			plain := reflect.New(ki.plain)
			if ki.dec.Unmarshal(b, plain.Interface()) == nil {
				return ki.change(plain.Elem()).(C), nil
			}
		}
	}
	return c.decodeSlow(b)
}

// change converts a decoded plain value to its change.
func (ki *kindInfo) change(plain reflect.Value) Kinder {
	out := reflect.New(ki.concrete).Elem()
	for i := 0; i < out.NumField(); i++ {
		out.Field(i).Set(plain.Field(i + 1))
	}
	return out.Interface().(Kinder)
}

// decodeSlow reads one change checking, in order, its syntax, that it is
// an object, its kind and its fields.
func (c *Codec[C]) decodeSlow(b []byte) (C, error) {
	var zero C
	if err := strictjson.Validate(b); err != nil {
		return zero, &Error{Pkg: c.pkg, Err: err, sentinel: c.errInvalid}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return zero, &Error{Pkg: c.pkg, Err: fmt.Errorf("want a JSON object: %w", err), sentinel: c.errInvalid}
	}
	raw, ok := members["kind"]
	if !ok {
		return zero, &Error{Pkg: c.pkg, Err: errors.New(`missing field "kind"`), sentinel: c.errInvalid}
	}
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return zero, &Error{Pkg: c.pkg, Err: fmt.Errorf("kind: want a string, have %s", strictjson.QuoteShort(string(raw))), sentinel: c.errInvalid}
	}
	ki := c.kinds[k]
	if ki == nil {
		return zero, &Error{Pkg: c.pkg, Err: fmt.Errorf("unknown kind %s", strictjson.QuoteShort(k)), sentinel: c.errUnknown}
	}
	plain := reflect.New(ki.plain)
	if err := ki.dec.Unmarshal(b, plain.Interface()); err != nil {
		return zero, &Error{Pkg: c.pkg, Kind: k, Err: err, sentinel: c.errInvalid}
	}
	return ki.change(plain.Elem()).(C), nil
}

// MarshalList writes a list of changes as a JSON array (nil as []).
func (c *Codec[C]) MarshalList(vs []C) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, err := c.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}

// DecodeList reads a JSON array of tagged changes. Every bad element is
// reported at once, as a *strictjson.Error whose paths start with the
// element's index ("[3].mac"), so an enclosing decoder can prefix its own
// path; each problem unwraps to the element's *Error and so to the
// package's sentinel.
func (c *Codec[C]) DecodeList(b []byte) ([]C, error) {
	var raws []json.RawMessage
	if err := strictjson.Unmarshal(b, &raws); err != nil {
		return nil, err
	}
	out := make([]C, 0, len(raws))
	var probs []*strictjson.Problem
	more := 0
	for i, r := range raws {
		v, err := c.Decode(r)
		if err != nil {
			idx := "[" + strconv.Itoa(i) + "]"
			var ce *Error
			if errors.As(err, &ce) {
				for _, p := range strictjson.Nest(idx, ce.Err, func(p *strictjson.Problem) error {
					return &Error{Pkg: c.pkg, Kind: ce.Kind, Err: p, sentinel: ce.sentinel}
				}) {
					if ce.Kind != "" {
						p.Msg = fmt.Sprintf("%s change %s: %s", c.pkg, ce.Kind, p.Msg)
					} else if p.Err == nil || p.Msg == ce.Err.Error() {
						p.Msg, p.Err = err.Error(), err
					}
					probs = append(probs, p)
				}
			} else {
				probs = append(probs, &strictjson.Problem{Path: idx, Msg: err.Error(), Err: err})
			}
			continue
		}
		out = append(out, v)
	}
	if len(probs) > 0 {
		if len(probs) > strictjson.MaxProblems {
			more += len(probs) - strictjson.MaxProblems
			probs = probs[:strictjson.MaxProblems]
		}
		return nil, &strictjson.Error{Problems: probs, More: more}
	}
	return out, nil
}
