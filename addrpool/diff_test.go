package addrpool

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	restored := []Assignment[MAC]{{5, "A"}, {1, "A"}, {3, "B"}, {9, "C"}}
	live := []Assignment[MAC]{{3, "B"}, {9, "D"}, {7, "E"}, {1, "A"}}
	in := slices.Clone(restored)
	got, err := Diff(restored, live)
	require.NoError(t, err)
	assert.Equal(t, []Delta[MAC]{
		{1, SameOwner, "A", "A"},
		{3, SameOwner, "B", "B"},
		{5, OnlyRestored, "A", ""},
		{7, OnlyLive, "", "E"},
		{9, DifferentOwner, "C", "D"},
	}, got)
	assert.Equal(t, in, restored, "inputs are not modified")

	empty, err := Diff[WWN](nil, nil)
	require.NoError(t, err)
	assert.Empty(t, empty)

	_, err = Diff(restored, []Assignment[MAC]{{3, "X"}, {3, "Y"}})
	var dup *DuplicateError
	require.True(t, errors.As(err, &dup))
	assert.Equal(t, "live", dup.Side)
	assert.ErrorContains(t, err, `live address 00-00-00-00-00-03 is assigned twice (owners "X" and "Y")`)
	_, err = Diff([]Assignment[MAC]{{4, "X"}, {4, "X"}}, nil)
	assert.ErrorContains(t, err, "restored address")

	for k, s := range map[DeltaKind]string{OnlyLive: "only live", OnlyRestored: "only restored", SameOwner: "same owner", DifferentOwner: "different owner", 0: "DeltaKind(0)"} {
		assert.Equal(t, s, k.String())
	}
}

func TestDiffAgainstMaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		n := rng.IntN(300)
		restored, live := map[WWN]string{}, map[WWN]string{}
		// Addresses vary in every 16-bit digit in some rounds and only in the low bits in others.
		spread := []uint64{1 << 10, 1 << 40, 1<<64 - 1}[round%3]
		for range n {
			restored[WWN(rng.Uint64N(spread))] = fmt.Sprint(rng.IntN(4))
			live[WWN(rng.Uint64N(spread))] = fmt.Sprint(rng.IntN(4))
		}
		toSlice := func(m map[WWN]string) []Assignment[WWN] {
			var out []Assignment[WWN]
			for a, o := range m {
				out = append(out, Assignment[WWN]{a, o})
			}
			return out
		}
		got, err := Diff(toSlice(restored), toSlice(live))
		require.NoError(t, err)
		seen := map[WWN]bool{}
		for i, d := range got {
			if i > 0 {
				require.Less(t, got[i-1].Addr, d.Addr, "ascending, one entry per address")
			}
			seen[d.Addr] = true
			ro, rok := restored[d.Addr]
			lo, lok := live[d.Addr]
			want := map[[2]bool]DeltaKind{{true, false}: OnlyRestored, {false, true}: OnlyLive}[[2]bool{rok, lok}]
			if rok && lok {
				want = SameOwner
				if ro != lo {
					want = DifferentOwner
				}
			}
			require.Equal(t, Delta[WWN]{d.Addr, want, ro, lo}, d)
		}
		for a := range restored {
			require.True(t, seen[a])
		}
		for a := range live {
			require.True(t, seen[a])
		}
	}
}
