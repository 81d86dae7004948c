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

// Each gives the keys in order with their values; with a stale remembered
// order (a key replaced, same count) it stops, reports false and forgets,
// and the next call sorts afresh.
func TestEach(t *testing.T) {
	var c Cache[string]
	collect := func(m map[string]int) ([]string, []int, bool) {
		var ks []string
		var vs []int
		ok := Each(&c, m, slices.Sort, func(k string, v int) { ks, vs = append(ks, k), append(vs, v) })
		return ks, vs, ok
	}
	tests := []struct {
		name   string
		m      map[string]int
		keys   []string
		values []int
		ok     bool
	}{
		{"first: sorted", map[string]int{"b": 2, "a": 1}, []string{"a", "b"}, []int{1, 2}, true},
		{"same keys: remembered", map[string]int{"a": 3, "b": 4}, []string{"a", "b"}, []int{3, 4}, true},
		{"a key replaced: stale part way", map[string]int{"a": 1, "c": 3}, []string{"a"}, []int{1}, false},
		{"then sorted afresh", map[string]int{"a": 1, "c": 3}, []string{"a", "c"}, []int{1, 3}, true},
		{"a key added", map[string]int{"a": 1, "c": 3, "b": 2}, []string{"a", "b", "c"}, []int{1, 2, 3}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ks, vs, ok := collect(tc.m)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.keys, ks)
			assert.Equal(t, tc.values, vs)
		})
	}
	var got []string
	assert.True(t, Each(nil, map[string]int{"y": 1, "x": 2}, slices.Sort, func(k string, _ int) { got = append(got, k) }))
	assert.Equal(t, []string{"x", "y"}, got, "a nil cache")
}
