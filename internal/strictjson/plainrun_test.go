package strictjson

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// plainRunRef is PlainRun byte by byte.
func plainRunRef(data []byte, p int) int {
	for ; p < len(data); p++ {
		if c := data[p]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return p
		}
	}
	return p
}

func TestPlainRun(t *testing.T) {
	tests := []struct {
		name string
		in   string
		p    int
		want int
	}{
		{"empty", "", 0, 0},
		{"all plain", "abcdefghijklmnopq", 0, 17},
		{"quote in the first word", `abc"defghij`, 0, 3},
		{"quote in the second word", `abcdefghij"k`, 0, 10},
		{"backslash", `abcdefghijk\n`, 0, 11},
		{"control character", "abcdefgh\x1fij", 0, 8},
		{"0x1f then 0x20", "\x20\x1f", 0, 1},
		{"multi-byte UTF-8", "abcdé", 0, 4},
		{"DEL is plain", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\"", 0, 9},
		{"0x21 and 0x23 beside a quote", "!#!#!#!\"", 0, 7},
		{"from an offset", `"abc"`, 1, 4},
		{"a tail shorter than a word", `abcdefghi"`, 0, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, PlainRun([]byte(tc.in), tc.p))
			assert.Equal(t, tc.want, plainRunRef([]byte(tc.in), tc.p), "the reference agrees")
		})
	}
	// Every byte value at every position of a word, among plain bytes.
	for c := range 256 {
		for at := range 9 {
			b := []byte("abcdefghijklmnop")
			b[at] = byte(c)
			assert.Equal(t, plainRunRef(b, 0), PlainRun(b, 0), "byte %#x at %d", c, at)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aZ09 !#-_./:\"\\\x00\x1f\x20\x7f\x80\xc3\xa9\xff")
	for range 2000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		p := rng.IntN(len(b) + 1)
		assert.Equal(t, plainRunRef(b, p), PlainRun(b, p), "%q from %d", b, p)
	}
}

func FuzzPlainRun(f *testing.F) {
	f.Add([]byte(`abcdefgh"ij\k`), 0)
	f.Fuzz(func(t *testing.T, b []byte, p int) {
		if p < 0 || p > len(b) {
			return
		}
		if got, want := PlainRun(b, p), plainRunRef(b, p); got != want {
			t.Fatalf("PlainRun(%q, %d) = %d, want %d", b, p, got, want)
		}
	})
}
