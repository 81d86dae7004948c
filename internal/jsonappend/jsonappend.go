// Package jsonappend appends JSON values to a byte slice exactly as
// encoding/json's Marshal writes them (HTML-safe escaping included), for
// the hand-written encoders of the SDK's large values: no reflection, one
// buffer, and output that encoding/json would leave as it is.
package jsonappend

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// String appends s as a JSON string, escaped as json.Marshal escapes it.
func String(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // the rare string that needs escapes: encoding/json's own
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// Key appends s as an object key and its colon.
func Key(dst []byte, s string) []byte { return append(String(dst, s), ':') }

// Int appends n.
func Int(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// Uint appends n.
func Uint(dst []byte, n uint64) []byte { return strconv.AppendUint(dst, n, 10) }

// Bool appends true or false.
func Bool(dst []byte, v bool) []byte { return strconv.AppendBool(dst, v) }

// Strings appends a list of strings; nil as null, as json.Marshal does.
func Strings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = String(dst, s)
	}
	return append(dst, ']')
}

// Slice appends s as an array, each element by elem; nil as null, as
// json.Marshal does.
func Slice[T any](dst []byte, s []T, elem func([]byte, *T) []byte) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = elem(dst, &s[i])
	}
	return append(dst, ']')
}

// Map appends m as an object with its keys in order, each value by value;
// nil as null, as json.Marshal does.
func Map[V any](dst []byte, m map[string]V, value func([]byte, *V) []byte) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = Key(dst, k)
		v := m[k]
		dst = value(dst, &v)
	}
	return append(dst, '}')
}
