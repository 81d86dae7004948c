package jsonappend

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStringIsJSONMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", "d001:p001", `q"uote`, `back\slash`, "<html>&", "tab\tnl\n\x01\x7f", "é", "\u2028\u2029", "bad\xffutf8", "00-17-A4-77-00-0Z"} {
		t.Run(s, func(t *testing.T) {
			want, err := json.Marshal(s)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(String(nil, s)))
			assert.Equal(t, string(want)+":", string(Key(nil, s)))
		})
	}
}

func TestScalarsAreJSONMarshal(t *testing.T) {
	for _, v := range []any{int64(-42), uint64(1 << 63), true, false, []string(nil), []string{}, []string{"a", "<b>"}} {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		var got []byte
		switch x := v.(type) {
		case int64:
			got = Int(nil, x)
		case uint64:
			got = Uint(nil, x)
		case bool:
			got = Bool(nil, x)
		case []string:
			got = Strings(nil, x)
		}
		assert.Equal(t, string(want), string(got), "%#v", v)
	}
}

func FuzzString(f *testing.F) {
	f.Add("a<b>\u2028\xff\"\\")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		assert.Equal(t, string(want), string(String(nil, s)))
	})
}

func TestMapIsJSONMarshal(t *testing.T) {
	for name, m := range map[string]map[string]int64{
		"nil":   nil,
		"empty": {},
		"odd":   {"b": 2, "a": 1, "<&>": 3, "": 0, "\u2028": 4, "bad\xff": 5, "é": 6, "Z": 7},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(m)
			require.NoError(t, err)
			got := Map([]byte("x"), m, func(b []byte, v *int64) []byte { return Int(b, *v) })
			assert.Equal(t, "x"+string(want), string(got))
		})
	}
}

func TestSlice(t *testing.T) {
	elem := func(b []byte, n *int) []byte { return Int(b, int64(*n)) }
	for _, tc := range []struct {
		name string
		in   []int
	}{{"nil", nil}, {"empty", []int{}}, {"one", []int{7}}, {"several", []int{1, -2, 3}}} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.in)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(Slice(nil, tc.in, elem)))
		})
	}
}
