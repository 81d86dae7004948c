package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hexByte decodes itself from text; it refuses anything but two hex digits.
type hexByte byte

var errBadHex = errors.New("bad hex")

func (h *hexByte) UnmarshalText(b []byte) error {
	var v byte
	if _, err := fmt.Sscanf(string(b), "%02x", &v); err != nil || len(b) != 2 {
		return fmt.Errorf("%q: %w", b, errBadHex)
	}
	*h = hexByte(v)
	return nil
}

type conn struct {
	Port int     `json:"port"`
	MAC  hexByte `json:"mac"`
	Net  string  `json:"network,omitempty"`
}

type profile struct {
	Name     string `json:"name"`
	Ethernet []conn `json:"ethernet,omitempty"`
}

type doc struct {
	Version  int                `json:"version"`
	Profiles map[string]profile `json:"profiles"`
	Nested   *nested            `json:"nested,omitempty"`
	Any      any                `json:"any,omitempty"`
}

type nested struct {
	embedded
	Own string `json:"own"`
}

type embedded struct {
	Deep  uint8 `json:"deep"`
	Opt   bool  `json:"opt,omitzero"`
	Count int   `json:"count,string,omitempty"`
}

// selfDecoder has its own UnmarshalJSON that is strict itself.
type selfDecoder struct{ V string }

func (s *selfDecoder) UnmarshalJSON(b []byte) error {
	var shape struct {
		V string `json:"v"`
	}
	if err := Unmarshal(b, &shape); err != nil {
		return err
	}
	s.V = shape.V
	return nil
}

type withSelf struct {
	Items []selfDecoder `json:"items"`
}

// shaped exposes its shape so the walk does not decode it twice.
type shaped struct{ n, calls int }

type shapedJSON struct {
	N int `json:"n"`
}

func (*shaped) JSONShape() any { return (*shapedJSON)(nil) }

// UnmarshalJSON decodes strictly, as a Shaper's must; calls counts the
// calls, to show that Unmarshal reads a Shaper once.
func (s *shaped) UnmarshalJSON(b []byte) error {
	var v shapedJSON
	if err := Unmarshal(b, &v); err != nil {
		return err
	}
	s.n = v.N
	s.calls++
	return nil
}

func TestUnmarshalAccepts(t *testing.T) {
	in := `{"version":1,"profiles":{"d1:web":{"name":"web","ethernet":[{"port":1,"mac":"0a"}]}},
	        "nested":{"deep":3,"own":"x","count":"7"},"any":{"free":[1,{"form":null}]}}`
	var d doc
	require.NoError(t, Unmarshal([]byte(in), &d))
	assert.Equal(t, hexByte(0x0a), d.Profiles["d1:web"].Ethernet[0].MAC)
	assert.Equal(t, uint8(3), d.Nested.Deep)
	assert.Equal(t, 7, d.Nested.Count)

	var w withSelf
	require.NoError(t, Unmarshal([]byte(`{"items":[{"v":"a"},{"v":"b"}]}`), &w))
	assert.Equal(t, "b", w.Items[1].V)

	var s struct {
		S shaped `json:"s"`
	}
	require.NoError(t, Unmarshal([]byte(`{"s":{"n":4}}`), &s))
	assert.Equal(t, 4, s.S.n)
	assert.Equal(t, 1, s.S.calls, "a Shaper is decoded once")
}

func TestUnmarshalRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error, in order of problems
	}{
		{"unknown field deep", `{"version":1,"profiles":{"p":{"name":"a","ethernet":[{"port":1,"mac":"0a","netwrk":"x"}]}}}`,
			[]string{`profiles["p"].ethernet[0].netwrk: unknown field "netwrk"`}},
		{"case folded key", `{"version":1,"PROFILES":{}}`,
			[]string{`PROFILES: unknown field "PROFILES" (field names are case-sensitive: did you mean "profiles"?)`, `missing field "profiles"`}},
		{"repeated key", `{"version":1,"version":2,"profiles":{}}`,
			[]string{`version: key "version" repeated`}},
		{"repeated map key escaped", `{"version":1,"profiles":{"a":{"name":"x"},"\u0061":{"name":"y"}}}`,
			[]string{`profiles["a"]: key "a" repeated`}},
		{"missing field", `{"version":1,"profiles":{"p":{}}}`,
			[]string{`profiles["p"].name: missing field "name"`}},
		{"bad leaf with path", `{"version":1,"profiles":{"p":{"name":"a","ethernet":[{"port":1,"mac":"0a"},{"port":2,"mac":"zz"}]}}}`,
			[]string{`profiles["p"].ethernet[1].mac: "zz": bad hex`}},
		{"null not allowed", `{"version":null,"profiles":{}}`,
			[]string{`version: null is not allowed here: want a number`}},
		{"wrong type", `{"version":"1","profiles":[]}`,
			[]string{`version: want a number, have string "1"`, `profiles: want an object, have an array`}},
		{"negative uint", `{"version":1,"profiles":{},"nested":{"deep":-1,"own":""}}`,
			[]string{`nested.deep: want a non-negative integer that fits uint8, have "-1"`}},
		{"trailing data", `{"version":1,"profiles":{}} {}`,
			[]string{`unexpected data after the JSON value`}},
		{"syntax", `{"version":1,"profiles":{]`,
			[]string{`profiles: want an object key`}},
		{"self decoder path", `{"items":[{"v":"a"},{"v":"b","w":1}]}`,
			[]string{`items[1].w: unknown field "w"`}},
		{"empty", ``, []string{"empty input"}},
		{"invalid utf8", "{\"version\":1,\"profiles\":{\"\xff\":{}}}", []string{"invalid UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var target any = &doc{Version: 99}
			if strings.HasPrefix(tt.in, `{"items"`) {
				target = &withSelf{}
			}
			err := Unmarshal([]byte(tt.in), target)
			require.Error(t, err)
			var se *Error
			require.ErrorAs(t, err, &se)
			require.GreaterOrEqual(t, len(se.Problems), len(tt.want), err.Error())
			for i, w := range tt.want {
				assert.Contains(t, se.Problems[i].Error(), w)
			}
			if d, ok := target.(*doc); ok {
				assert.Equal(t, 99, d.Version, "target untouched on error")
			}
		})
	}
}

func TestProblemsLocatedAndWrapped(t *testing.T) {
	in := "{\n  \"version\": 1,\n  \"profiles\": {\"p\": {\"name\": \"a\", \"ethernet\": [{\"port\": 1, \"mac\": \"zz\"}]}}\n}"
	err := Unmarshal([]byte(in), &doc{})
	require.Error(t, err)
	assert.ErrorIs(t, err, errBadHex, "the leaf's own error is reachable")
	var se *Error
	require.ErrorAs(t, err, &se)
	p := se.Problems[0]
	assert.Equal(t, 3, p.Line)
	assert.Equal(t, `"zz"`, in[p.Offset:p.Offset+4])
	assert.Contains(t, err.Error(), "(line 3, column ")
}

func TestEveryProblemAtOnceBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":1,"profiles":{`)
	for i := range 100 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"p%d":{"name":"a","bogus":1}`, i)
	}
	b.WriteString(`}}`)
	err := Unmarshal([]byte(b.String()), &doc{})
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Len(t, se.Problems, MaxProblems)
	assert.Equal(t, 100-MaxProblems, se.More)
	assert.Contains(t, err.Error(), "and 80 more problems")
}

func TestHugeValueQuotedShort(t *testing.T) {
	huge := strings.Repeat("Z", 1<<20)
	err := Unmarshal([]byte(`{"version":"`+huge+`","profiles":{}}`), &doc{})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400, "a huge value is quoted by a prefix")
	assert.Contains(t, err.Error(), "(1048576 bytes)")
}

func TestDepthBounded(t *testing.T) {
	in := strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5)
	var v any
	err := Unmarshal([]byte(in), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nesting deeper than")
	require.NoError(t, Validate([]byte(strings.Repeat("[", 10)+strings.Repeat("]", 10))))
}

func TestCheckNeedsPointer(t *testing.T) {
	assert.Error(t, Check([]byte(`{}`), doc{}))
	assert.Error(t, Check([]byte(`{}`), (*doc)(nil)))
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"version":1,"profiles":{"p":{"name":"a","ethernet":[{"port":1,"mac":"0a"}]}}}`))
	f.Add([]byte(`{"version":1,"version":1}`))
	f.Add([]byte(`[1,2,{"a":"\u0061"}]`))
	f.Add([]byte(`{"version":1,"profiles":null,"nested":{"deep":1,"own":"\u00e9","count":"-3"},"any":[1.5,"x",true,null]}`))
	f.Add([]byte(`{"version":1,"profiles":{"p":{"name":"a","ethernet":[]}},"any":{"a":{"b":[{}]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d doc
		err := Unmarshal(b, &d)
		if err == nil {
			// What the strict decoder accepts, the standard one accepts
			// too, and decodes to the same value.
			var d2 doc
			if err := json.Unmarshal(b, &d2); err != nil {
				t.Fatalf("strict accepted what encoding/json refuses: %v", err)
			}
			assert.Equal(t, d2, d, "strict and encoding/json decode alike")
		}
		var sh struct {
			S  *shaped    `json:"s"`
			W  []withSelf `json:"w"`
			Ds []doc      `json:"ds,omitempty"`
		}
		if Unmarshal(b, &sh) == nil && Check(b, &sh) != nil {
			t.Fatalf("Unmarshal accepted what Check refuses")
		}
		// Validate checks syntax (a number too large for float64, like
		// 1e700, is valid JSON that only some targets cannot hold).
		if Validate(b) == nil && !json.Valid(b) {
			t.Fatalf("Validate accepted invalid JSON %q", b)
		}
	})
}

// TestUnmarshalDecodesAsEncodingJSON pins the decoding to encoding/json's
// meaning, case by case.
func TestUnmarshalDecodesAsEncodingJSON(t *testing.T) {
	type inner struct {
		A int `json:"a"`
	}
	type Embedded struct {
		E string `json:"e"`
	}
	type all struct {
		*Embedded
		Str    string            `json:"str"`
		Bytes  []byte            `json:"bytes"`
		Nil    []int             `json:"nil"`
		Empty  []int             `json:"empty"`
		Ptr    *inner            `json:"ptr"`
		NilPtr *inner            `json:"nilPtr"`
		Raw    json.RawMessage   `json:"raw"`
		RawNul json.RawMessage   `json:"rawNull"`
		Any    any               `json:"any"`
		Arr    [2]uint16         `json:"arr"`
		F      float32           `json:"f"`
		IntKey map[int8]string   `json:"intKey"`
		Text   map[hexByte]bool  `json:"text"`
		Quoted int64             `json:"quoted,string"`
		Shaped shaped            `json:"shaped"`
		NilMap map[string]string `json:"nilMap"`
		Big    map[string]int    `json:"big"`
	}
	var big strings.Builder
	big.WriteByte('{')
	for i := range 40 {
		if i > 0 {
			big.WriteByte(',')
		}
		fmt.Fprintf(&big, `"k%d":%d`, i, i)
	}
	big.WriteByte('}')
	in := `{"e":"emb","str":"a\"b\u00e9","bytes":"aGk=","nil":null,"empty":[],"ptr":{"a":-7},"nilPtr":null,
		"raw":{"x": [1, 2]},"rawNull":null,"any":{"k":[1,"s",false,null,{"n":2.5}]},"arr":[1,65535],"f":1.5e2,
		"intKey":{"-3":"m"},"text":{"0a":true},"quoted":"42","shaped":{"n":9},"nilMap":null,"big":` + big.String() + `}`
	var want, got all
	require.NoError(t, json.Unmarshal([]byte(in), &want))
	require.NoError(t, Unmarshal([]byte(in), &got))
	assert.Equal(t, want.Embedded, got.Embedded)
	want.Embedded, got.Embedded = nil, nil
	want.Shaped.calls, got.Shaped.calls = 0, 0 // encoding/json's plain call counts too
	assert.Equal(t, want, got)
	assert.NotNil(t, got.Empty, "[] is an empty slice")
	assert.Nil(t, got.Nil, "null is a nil slice")
	assert.Equal(t, json.RawMessage("null"), got.RawNul, "a raw null is kept, as encoding/json does")
}

// TestShaperProblemsAtTheirPath checks that a Shaper's problems, syntax
// errors included, are reported at their full path and place.
func TestShaperProblemsAtTheirPath(t *testing.T) {
	type outer struct {
		Items []shaped `json:"items"`
	}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"unknown field", `{"items":[{"n":1},{"n":2,"m":3}]}`, []string{`items[1].m: unknown field "m" (line 1, column 26)`}},
		{"missing and null", `{"items":[{},{"n":null}]}`, []string{`items[0].n: missing field "n"`, `items[1].n: null is not allowed here: want a number`}},
		{"syntax inside", `{"items":[{"n":1},{"n":2,}]}`, []string{`items[1]: want an object key (line 1, column 26)`}},
		{"unterminated", `{"items":[{"n":"`, []string{`items[0].n: unterminated string`}},
		{"repeated", `{"items":[{"n":1,"n":2}]}`, []string{`items[0].n: key "n" repeated`}},
		{"after", `{"items":[{"n":1}] x`, []string{`invalid character 'x' after an object value`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o outer
			err := Unmarshal([]byte(tt.in), &o)
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Len(t, se.Problems, len(tt.want), err.Error())
			for i, w := range tt.want {
				assert.Contains(t, se.Problems[i].Error(), w)
			}
			assert.Equal(t, err.Error(), Check([]byte(tt.in), &o).Error(), "Check walks the shape and says the same")
		})
	}
}

// TestSkipSyntaxAgreesWithValidate compares the syntax-only scan with the
// walk's syntax check (Validate: encoding/json's, but refusing invalid
// UTF-8) on well-formed and broken values.
func TestSkipSyntaxAgreesWithValidate(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `{"a":[1,-2.5e+3,true,false,null,"\u00e9\n"]}`, `"x"`, `0`, `[[[]]]`, `{"a":{"b":{}}}`,
		`{`, `[1,]`, `{"a"}`, `{"a":1,}`, `"\x"`, "\"\x01\"", "\"\xff\"", `01`, `1.`, `-`, `tru`, `[1 2]`, `{"a":1]`, `"\u12"`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
	} {
		end, ok := skipSyntax([]byte(in), 0)
		valid := Validate([]byte(in)) == nil
		if ok && end < len(in) {
			ok = false // trailing data: not one value
		}
		assert.Equal(t, valid, ok, "%q", in)
	}
	_, ok := skipSyntax([]byte(strings.Repeat("[", MaxDepth+1)+strings.Repeat("]", MaxDepth+1)), 0)
	assert.False(t, ok, "deeper than MaxDepth")
}

func TestStringMember(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{`{"kind":"a.B","x":1}`, "a.B", true},
		{` { "x" : [1,{"kind":"no"}] , "kind" : "a.C" } `, "a.C", true},
		{`{"x":1}`, "", false},
		{`{"kind":1}`, "", false},
		{`{"kind":"a\"b"}`, "", false},
		{`{"\u006bind":"a.B"}`, "", false},
		{`["kind","a"]`, "", false},
		{`{"x":[1,}`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := StringMember([]byte(tt.in), "kind")
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecoderIsUnmarshal(t *testing.T) {
	dec := NewDecoder(reflect.TypeFor[doc]())
	in := []byte(`{"version":1,"profiles":{"p":{"name":"a","ethernet":[{"port":1,"mac":"0a"}]}}}`)
	var a, b doc
	require.NoError(t, dec.Unmarshal(in, &a))
	require.NoError(t, Unmarshal(in, &b))
	assert.Equal(t, b, a)
	bad := []byte(`{"version":1,"profiles":{"p":{"name":"a","bogus":1}}}`)
	assert.Equal(t, Unmarshal(bad, &b).Error(), dec.Unmarshal(bad, &a).Error())
	assert.Error(t, dec.Unmarshal(in, &withSelf{}), "another type is refused")
}

// bigShaped is a Shaper whose values can be large enough to decode on a
// goroutine of their own.
type bigShaped struct{ pad string }

type bigShapedJSON struct {
	Pad string `json:"pad"`
	N   int    `json:"n,omitempty"`
}

func (*bigShaped) JSONShape() any { return (*bigShapedJSON)(nil) }

func (s *bigShaped) UnmarshalJSON(b []byte) error {
	var v bigShapedJSON
	if err := Unmarshal(b, &v); err != nil {
		return err
	}
	if v.N < 0 {
		panic("negative n")
	}
	s.pad = v.Pad
	return nil
}

func TestLargeValuesDecodeInParallelInOrder(t *testing.T) {
	type outer struct {
		A   bigShaped   `json:"a"`
		B   []bigShaped `json:"b"`
		Own int         `json:"own"`
	}
	pad := strings.Repeat("p", parallelMin)
	big := func(extra string) string { return `{"pad":"` + pad + `"` + extra + `}` }
	var bad strings.Builder
	for i := range 15 {
		fmt.Fprintf(&bad, `,"x%d":1`, i)
	}

	t.Run("clean", func(t *testing.T) {
		var o outer
		require.NoError(t, Unmarshal([]byte(`{"a":`+big("")+`,"b":[`+big("")+`,{"pad":"s"}],"own":1}`), &o))
		assert.Len(t, o.A.pad, parallelMin)
		assert.Len(t, o.B[0].pad, parallelMin)
		assert.Equal(t, "s", o.B[1].pad)
	})
	t.Run("problems in document order", func(t *testing.T) {
		in := `{"zz":1,"a":` + big(`,"q":1`) + `,"b":[{"pad":"s","r":1},` + big(bad.String()) + `],"own":"x","yy":2,"ww":3}`
		var o outer
		err := Unmarshal([]byte(in), &o)
		var se *Error
		require.ErrorAs(t, err, &se)
		require.Len(t, se.Problems, MaxProblems)
		assert.Equal(t, 1+1+1+15+3-MaxProblems, se.More)
		paths := make([]string, 0, len(se.Problems))
		for _, p := range se.Problems {
			paths = append(paths, p.Path)
		}
		want := []string{"zz", "a.q", "b[0].r"}
		for i := range 15 {
			want = append(want, fmt.Sprintf("b[1].x%d", i))
		}
		want = append(want, "own", "yy") // and "ww", counted
		assert.Equal(t, want, paths)
		for i := 1; i < len(se.Problems); i++ {
			assert.Less(t, se.Problems[i-1].Offset, se.Problems[i].Offset, "document order")
		}
		assert.Equal(t, 0, o.Own, "target untouched")
	})
	t.Run("panic reaches the caller", func(t *testing.T) {
		var o outer
		assert.PanicsWithValue(t, "negative n", func() {
			_ = Unmarshal([]byte(`{"a":`+big(`,"n":-1`)+`,"b":[],"own":1}`), &o)
		})
	})
}
