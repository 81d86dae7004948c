package addrpool

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRange(t *testing.T) {
	r, err := NewRange(MAC(10), MAC(19))
	require.NoError(t, err)
	assert.Equal(t, uint64(10), r.Count())
	assert.True(t, r.Contains(10) && r.Contains(19))
	assert.False(t, r.Contains(9) || r.Contains(20))
	assert.True(t, r.Overlaps(MustRange(MAC(19), MAC(30))))
	assert.False(t, r.Overlaps(MustRange(MAC(20), MAC(30))))
	assert.True(t, r.ContainsRange(MustRange(MAC(12), MAC(19))))
	assert.False(t, r.ContainsRange(MustRange(MAC(12), MAC(20))))

	var got []MAC
	for a := range r.All() {
		got = append(got, a)
	}
	assert.Len(t, got, 10)
	assert.Equal(t, MAC(10), got[0])
	assert.Equal(t, MAC(19), got[9])

	// Iteration ends exactly at the top of the address space.
	top := MustRange(MaxWWN-2, MaxWWN)
	n := 0
	for range top.All() {
		n++
	}
	assert.Equal(t, 3, n)

	_, err = NewRange(MAC(5), MAC(4))
	assert.ErrorContains(t, err, "00-00-00-00-00-05..00-00-00-00-00-04: last is below first")
	_, err = NewRange(WWN(0), MaxWWN)
	assert.ErrorContains(t, err, "whole 64-bit space")
}

func TestRangeAllDoesNotAllocatePerAddress(t *testing.T) {
	r := MustRange(MAC(0), MAC(9999))
	allocs := testing.AllocsPerRun(10, func() {
		var sum uint64
		for a := range r.All() {
			sum += uint64(a)
		}
		_ = sum
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

func TestRangeJSON(t *testing.T) {
	r := MustRange(WWN(0x5001438002A30000), WWN(0x5001438002A4FFFF))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"first":"50:01:43:80:02:A3:00:00","last":"50:01:43:80:02:A4:FF:FF"}`, string(b))
	var back Range[WWN]
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)

	for _, bad := range []string{
		`{"first":"50:01:43:80:02:A4:FF:FF","last":"50:01:43:80:02:A3:00:00"}`,
		`{"first":"50:01:43:80:02:A3:00:00"}`,
		`{"first":"nope","last":"50:01:43:80:02:A3:00:00"}`,
		`[1,2]`,
	} {
		assert.Error(t, json.Unmarshal([]byte(bad), &back), bad)
	}
}

func TestKnownRanges(t *testing.T) {
	for _, k := range KnownWWNRanges() {
		assert.True(t, k.Verified, k.Name)
		assert.NotEmpty(t, k.Source)
	}
	for _, k := range KnownMACRanges() {
		assert.False(t, k.Verified, "MAC ranges are recalled, not verified: %s", k.Name)
		assert.Contains(t, k.Name, "unverified")
	}
	assert.Equal(t, uint64(131072), VCEMDefinedWWN().Count())
	assert.Equal(t, uint64(65536), HPPredefinedWWN().Count())
	b1, err := HPPredefinedWWNBlock(1)
	require.NoError(t, err)
	assert.Equal(t, "50:06:0B:00:00:C2:62:00..50:06:0B:00:00:C2:65:FF", b1.String())
	b64, err := HPPredefinedWWNBlock(64)
	require.NoError(t, err)
	assert.Equal(t, HPPredefinedWWN().Last, b64.Last)
	m2, err := HPPredefinedMACBlock(2)
	require.NoError(t, err)
	assert.Equal(t, "00-17-A4-77-04-00..00-17-A4-77-07-FF", m2.String())
	_, err = HPPredefinedWWNBlock(0)
	assert.ErrorContains(t, err, "block 0: want 1..64")
	_, err = HPPredefinedMACBlock(65)
	assert.Error(t, err)
}

// naive is a reference model of a Set over a small universe.
type naive map[uint64]bool

func (n naive) sorted() []uint64 {
	var out []uint64
	for k, v := range n {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func members(s *Set[MAC]) []uint64 {
	var out []uint64
	for r := range s.Ranges() {
		for a := range r.All() {
			out = append(out, uint64(a))
		}
	}
	return out
}

func checkCanonical(t *testing.T, s *Set[MAC]) {
	t.Helper()
	for i, sp := range s.spans {
		require.LessOrEqual(t, sp.lo, sp.hi)
		if i > 0 {
			require.Greater(t, sp.lo, s.spans[i-1].hi+1, "spans must be sorted, disjoint and not adjacent: %v", s)
		}
	}
}

func randomSet(rng *rand.Rand, universe uint64) (*Set[MAC], naive) {
	s, n := &Set[MAC]{}, naive{}
	for range rng.IntN(12) {
		lo := rng.Uint64N(universe)
		hi := min(lo+rng.Uint64N(8), universe-1)
		r := MustRange(MAC(lo), MAC(hi))
		if rng.IntN(3) == 0 {
			s.Remove(r)
			for v := lo; v <= hi; v++ {
				n[v] = false
			}
		} else {
			s.Add(r)
			for v := lo; v <= hi; v++ {
				n[v] = true
			}
		}
	}
	return s, n
}

func TestSetAgainstNaiveModel(t *testing.T) {
	const universe = 64
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		a, na := randomSet(rng, universe)
		b, nb := randomSet(rng, universe)
		checkCanonical(t, a)
		require.Equal(t, na.sorted(), members(a), "case %d: add/remove", i)
		for v := uint64(0); v < universe; v++ {
			require.Equal(t, na[v], a.Contains(MAC(v)), "case %d: contains %d in %v", i, v, a)
		}
		require.Equal(t, uint64(len(na.sorted())), a.Count())

		union, inter, diff := naive{}, naive{}, naive{}
		for v := uint64(0); v < universe; v++ {
			union[v] = na[v] || nb[v]
			inter[v] = na[v] && nb[v]
			diff[v] = na[v] && !nb[v]
		}
		for name, tc := range map[string]struct {
			got  *Set[MAC]
			want naive
		}{"union": {a.Union(b), union}, "intersection": {a.Intersection(b), inter}, "difference": {a.Difference(b), diff}} {
			checkCanonical(t, tc.got)
			require.Equal(t, tc.want.sorted(), members(tc.got), "case %d: %s of %v and %v", i, name, a, b)
		}
		require.Equal(t, na.sorted(), members(a), "operands must not change")
	}
}

func TestSetEdges(t *testing.T) {
	s := NewSet(MustRange(MaxWWN-1, MaxWWN), MustRange(WWN(0), WWN(1)))
	assert.True(t, s.Contains(MaxWWN))
	assert.True(t, s.Contains(0))
	assert.Equal(t, 2, s.Len())
	s.Add(MustRange(WWN(2), MaxWWN-2))
	assert.Equal(t, 1, s.Len(), "adjacent ranges merge across the whole space")
	assert.Equal(t, uint64(1<<64-1), s.Count(), "count saturates")
	s.Remove(MustRange(WWN(5), WWN(5)))
	assert.False(t, s.Contains(5))
	assert.True(t, s.ContainsRange(MustRange(WWN(0), WWN(4))))
	assert.False(t, s.ContainsRange(MustRange(WWN(0), WWN(5))))

	m := NewSet(MustRange(MAC(1), MAC(3)), MustRange(MAC(7), MAC(9)))
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back Set[MAC]
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, m.Equal(&back))
	assert.Equal(t, "{00-00-00-00-00-01..00-00-00-00-00-03, 00-00-00-00-00-07..00-00-00-00-00-09}", m.String())
	c := m.Clone()
	c.Insert(5)
	assert.False(t, m.Contains(5), "clone is independent")
	assert.True(t, (&Set[MAC]{}).IsEmpty())
}
