package keyorder

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSorted(t *testing.T) {
	sorts := 0
	sort := func(ks []string) { sorts++; slices.Sort(ks) }
	var c Cache[string]
	tests := []struct {
		name      string
		m         map[string]int
		want      []string
		wantSorts int
	}{
		{"first sort", map[string]int{"b": 1, "a": 2, "c": 3}, []string{"a", "b", "c"}, 1},
		{"same keys, other values: remembered", map[string]int{"a": 9, "b": 9, "c": 9}, []string{"a", "b", "c"}, 1},
		{"a key replaced, same length", map[string]int{"a": 1, "b": 1, "d": 1}, []string{"a", "b", "d"}, 2},
		{"a key added", map[string]int{"a": 1, "b": 1, "d": 1, "e": 1}, []string{"a", "b", "d", "e"}, 3},
		{"a key removed", map[string]int{"a": 1, "e": 1, "d": 1}, []string{"a", "d", "e"}, 4},
		{"empty", map[string]int{}, []string{}, 5},
		{"nil map, same (empty) key set: remembered", nil, []string{}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Sorted(&c, tc.m, sort))
			assert.Equal(t, tc.wantSorts, sorts)
		})
	}
	t.Run("nil cache sorts every time", func(t *testing.T) {
		before := sorts
		m := map[string]int{"y": 1, "x": 1}
		assert.Equal(t, []string{"x", "y"}, Sorted(nil, m, sort))
		assert.Equal(t, []string{"x", "y"}, Sorted(nil, m, sort))
		assert.Equal(t, before+2, sorts)
	})
}
