package strictjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAny reads any value with a Cursor, as a fast-path decoder would: nil,
// bool, int64, string, []any, map[string]any. A repeated key is not ok
// (the decoder's check), and so is nesting deeper than depth.
func readAny(c *Cursor, depth int) (any, bool) {
	if depth == 0 {
		return nil, false
	}
	switch b := c.Peek(); {
	case b == '{':
		c.Open('{')
		m := map[string]any{}
		for i := 0; c.Next('}', i); i++ {
			k, ok := c.Key()
			if !ok {
				return nil, false
			}
			if _, dup := m[string(k)]; dup {
				return nil, false
			}
			if m[string(k)], ok = readAny(c, depth-1); !ok {
				return nil, false
			}
		}
		return m, !c.Failed()
	case b == '[':
		c.Open('[')
		a := []any{}
		for i := 0; c.Next(']', i); i++ {
			v, ok := readAny(c, depth-1)
			if !ok {
				return nil, false
			}
			a = append(a, v)
		}
		return a, !c.Failed()
	case b == '"':
		s, ok := c.Str()
		return string(s), ok
	case b == 't', b == 'f':
		return c.Bool()
	case b == 'n':
		return nil, c.Null()
	}
	return c.Int()
}

// readDoc reads one document with readAny.
func readDoc(data []byte) (any, bool) {
	c := NewCursor(data)
	v, ok := readAny(&c, 32)
	return v, ok && c.End()
}

// normalize turns encoding/json's numbers (UseNumber) into int64, as
// readAny reads them; false when one is not an int64.
func normalize(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case []any:
		for i := range x {
			var ok bool
			if x[i], ok = normalize(x[i]); !ok {
				return nil, false
			}
		}
	case map[string]any:
		for k := range x {
			var ok bool
			if x[k], ok = normalize(x[k]); !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// checkAccepted asserts what a Cursor promises of a document it read:
// Unmarshal accepts it, and encoding/json reads the same value.
func checkAccepted(t *testing.T, data []byte, got any) {
	t.Helper()
	require.NoError(t, Validate(data), "the Cursor accepted %q", data)
	var anyV any
	require.NoError(t, Unmarshal(data, &anyV))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want any
	require.NoError(t, dec.Decode(&want))
	want, ok := normalize(want)
	require.True(t, ok, "a number of %q is not an int64", data)
	require.True(t, reflect.DeepEqual(want, got), "%q: Cursor read %#v, encoding/json %#v", data, got, want)
}

func TestCursorReadsPlainDocuments(t *testing.T) {
	for _, doc := range []string{
		`{}`, `[]`, ` { } `, "\t[\r\n]\n", `null`, `true`, `false`, `0`, `-0`, `7`, `-42`,
		`123456789012345678`, `-123456789012345678`, `""`, `"abc"`, `"é ☃ 𝄞"`,
		`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`,
		` { "a" : [ 1 , 2 ] , "b" : "x" } `,
		"[[],{},[[]],\"a\x7f\"]",
	} {
		t.Run(doc, func(t *testing.T) {
			v, ok := readDoc([]byte(doc))
			require.True(t, ok, "%q", doc)
			checkAccepted(t, []byte(doc), v)
		})
	}
}

// Everything out of the plain case fails the Cursor, valid JSON or not.
func TestCursorFailsOnTheUnexpected(t *testing.T) {
	for _, doc := range []string{
		``, ` `, `{`, `[`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a" 1}`, `[1 2]`,
		`"abc`, `"a\"b"`, `"a\nb"`, `"\u0041"`, "\"a\x01b\"", "\"\xff\"", "\"\xc3\"",
		`01`, `-`, `--1`, `1.0`, `1e3`, `1E3`, `-01`, `+1`, `1234567890123456789`, `.5`,
		`tru`, `nul`, `nulll`, `truex`, `[true false]`, `{"a":1}{}`, `1 2`, "\x00", `[1]x`,
		`{1:2}`, `{"a":1,"a":2}`, `{"a":"\u00e9"}`,
	} {
		t.Run(doc, func(t *testing.T) {
			_, ok := readDoc([]byte(doc))
			assert.False(t, ok, "%q", doc)
		})
	}
}

func TestCursorMethods(t *testing.T) {
	t.Run("a failed Cursor stays failed", func(t *testing.T) {
		c := NewCursor([]byte(`x 1 "a" true null [`))
		assert.False(t, c.Open('{'))
		assert.True(t, c.Failed())
		_, ok := c.Int()
		assert.False(t, ok)
		_, ok = c.Str()
		assert.False(t, ok)
		_, ok = c.Bool()
		assert.False(t, ok)
		assert.False(t, c.Null())
		assert.False(t, c.Open('['))
		assert.False(t, c.Next(']', 0))
		_, ok = c.Skip()
		assert.False(t, ok)
		assert.False(t, c.End())
		assert.Equal(t, byte(0), c.Peek())
	})
	t.Run("Null reads nothing but a null", func(t *testing.T) {
		c := NewCursor([]byte(` 5`))
		assert.False(t, c.Null())
		assert.False(t, c.Failed())
		n, ok := c.Int()
		assert.True(t, ok)
		assert.Equal(t, int64(5), n)
		assert.True(t, c.End())
	})
	t.Run("Skip returns the value's bytes, escapes and all", func(t *testing.T) {
		c := NewCursor([]byte(`[ {"a":"\n","b":[1.5e3]} , 2]`))
		require.True(t, c.Open('['))
		require.True(t, c.Next(']', 0))
		raw, ok := c.Skip()
		require.True(t, ok)
		assert.Equal(t, `{"a":"\n","b":[1.5e3]}`, string(raw))
		assert.Equal(t, 24, c.Pos())
		require.True(t, c.Next(']', 1))
		_, ok = c.Int()
		require.True(t, ok)
		assert.False(t, c.Next(']', 2))
		assert.False(t, c.Failed())
		assert.True(t, c.End())
	})
	t.Run("Skip refuses bad syntax", func(t *testing.T) {
		c := NewCursor([]byte(`{"a":[}`))
		_, ok := c.Skip()
		assert.False(t, ok)
		assert.True(t, c.Failed())
	})
	t.Run("Str returns the input's bytes", func(t *testing.T) {
		data := []byte(`"abc"`)
		c := NewCursor(data)
		s, ok := c.Str()
		require.True(t, ok)
		assert.Equal(t, "abc", string(s))
		assert.Equal(t, 3, cap(s), "capped, so an append cannot write into the input")
	})
	t.Run("Open wants the delimiter asked for", func(t *testing.T) {
		c := NewCursor([]byte(`[`))
		assert.False(t, c.Open('{'))
		c = NewCursor([]byte(`"`))
		assert.False(t, c.Open('"'))
	})
	t.Run("Next at the end of the input", func(t *testing.T) {
		c := NewCursor([]byte(`[`))
		require.True(t, c.Open('['))
		assert.False(t, c.Next(']', 0))
		assert.True(t, c.Failed())
	})
	t.Run("long strings", func(t *testing.T) {
		s := strings.Repeat("abcdefg é", 100)
		v, ok := readDoc([]byte(`"` + s + `"`))
		require.True(t, ok)
		assert.Equal(t, s, v)
	})
}

// checkCount asserts that Count counts the elements or members of v, the
// value data holds.
func checkCount(t *testing.T, data []byte, v any) {
	t.Helper()
	c := NewCursor(data)
	n := c.Count(1)
	switch x := v.(type) {
	case []any:
		require.Equal(t, len(x), n, "%q", data)
	case map[string]any:
		require.Equal(t, len(x), n, "%q", data)
	default:
		require.Equal(t, 0, n, "%q", data)
	}
	require.Equal(t, 0, c.Pos()-len(data)+len(bytes.TrimLeft(data, " \t\r\n")), "Count reads nothing")
}

func TestCursorCount(t *testing.T) {
	for _, doc := range []string{
		`[]`, `{}`, ` [ ] `, `[1]`, `[[]]`, `[{}]`, `[[],[]]`, `{"a":[1,2,3],"b":{"c":1,"d":2}}`, `[",",",,"]`,
		`[1,2,3]`, `"x"`, `5`, `null`, `[true,false,null,"]"]`,
	} {
		v, ok := readDoc([]byte(doc))
		require.True(t, ok, doc)
		checkCount(t, []byte(doc), v)
	}
	c := NewCursor([]byte(`["a\"]",1]`))
	assert.Equal(t, 2, c.Count(1), "an escaped quote")
	c = NewCursor([]byte(`[1,2,3,4,5,6,7,8]`))
	assert.Equal(t, 4, c.Count(4), "bounded by the length over minSize")
	c = NewCursor([]byte(`[,,,,,,,,,,`))
	assert.Equal(t, 5, c.Count(2), "bad syntax: a count in proportion to the input")
	c = NewCursor([]byte(`["abc`))
	assert.Equal(t, 1, c.Count(0), "an unterminated string")
}

// FuzzCursor: a document the Cursor reads is one Unmarshal accepts, and
// encoding/json reads the same value from it; and no input panics it.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, `[]`, `-0`, `"é"`, `{"a":"\n"}`, `1.5`, `[1,]`,
		`{"groups":{},"profiles":{"d1:web":{"id":"d1:web","ethernet":[{"port":1,"mac":"00-17-A4-77-00-00"}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := readDoc(data)
		if ok {
			checkAccepted(t, data, v)
			checkCount(t, data, v)
		}
		c := NewCursor(data)
		if raw, ok := c.Skip(); ok {
			end, ok := SkipValue(data, bytes.Index(data, raw))
			require.True(t, ok)
			require.Equal(t, c.Pos(), end)
		}
	})
}
