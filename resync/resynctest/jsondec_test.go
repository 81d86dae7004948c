package resynctest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// hint counts the elements or members of the next value, ignoring commas
// in strings and nested values, and stays bounded by the value's length
// over the smallest element, whatever the bytes.
func TestHint(t *testing.T) {
	tests := []struct {
		name, in string
		minSize  int
		want     int
	}{
		{"empty array", `[]`, 1, 0},
		{"empty object with spaces", ` { } `, 1, 0},
		{"array", `[1,2,3]`, 1, 3},
		{"object", `{"a":1,"b":[1,2,3],"c":{"x":1,"y":2}}`, 1, 3},
		{"commas in strings", `["a,b", "c\",d", "e\\"]`, 1, 3},
		{"nested empty", `[[],{}]`, 1, 2},
		{"one element", `[{}]`, 1, 1},
		{"bounded by length", `[1,2,3,4,5,6,7,8]`, 4, 4},
		{"not a list", `"x"`, 1, 0},
		{"unterminated", `[1,2,3`, 1, 0},
		{"unterminated string", `["a,b,c]`, 1, 0},
		{"end of input", ``, 1, 0},
		{"minSize 0 is 1", `[1,2]`, 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &decoder{data: []byte(tc.in)}
			assert.Equal(t, tc.want, d.hint(tc.minSize))
		})
	}
}
