package addrpool

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustPool[A Address](t *testing.T, ranges, excl []Range[A]) *Pool[A] {
	t.Helper()
	p, err := NewPool(ranges, excl)
	require.NoError(t, err)
	return p
}

func TestNewPoolRejects(t *testing.T) {
	for _, tc := range []struct {
		name         string
		ranges, excl []Range[MAC]
		msg          string
	}{
		{"overlap", []Range[MAC]{MustRange(MAC(0), MAC(10)), MustRange(MAC(10), MAC(20))}, nil, "overlap"},
		{"exclusion outside", []Range[MAC]{MustRange(MAC(0), MAC(10))}, []Range[MAC]{MustRange(MAC(11), MAC(12))}, "exclusion range 00-00-00-00-00-0B..00-00-00-00-00-0C lies outside every pool range"},
		{"exclusion across two ranges", []Range[MAC]{MustRange(MAC(0), MAC(10)), MustRange(MAC(11), MAC(20))}, []Range[MAC]{MustRange(MAC(9), MAC(12))}, "outside every pool range"},
		{"inverted range", []Range[MAC]{{First: 5, Last: 1}}, nil, "last is below first"},
		{"inverted exclusion", []Range[MAC]{MustRange(MAC(0), MAC(10))}, []Range[MAC]{{First: 5, Last: 1}}, "last is below first"},
		{"too large", []Range[MAC]{MustRange(MAC(0), MAC(MaxPoolSize))}, nil, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPool(tc.ranges, tc.excl)
			assert.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestPoolStates(t *testing.T) {
	r := MustRange(MAC(0x0017A4770000), MAC(0x0017A47703FF))
	x := MustRange(MAC(0x0017A4770010), MAC(0x0017A477001F))
	p := mustPool(t, []Range[MAC]{r}, []Range[MAC]{x})
	assert.Equal(t, Counts{Free: 1024 - 16, Excluded: 16}, p.Counts())

	a, err := p.Allocate("profile-1")
	require.NoError(t, err)
	assert.Equal(t, r.First, a, "lowest free first")
	st, owner, ok := p.Lookup(a)
	require.True(t, ok)
	assert.Equal(t, InUse, st)
	assert.Equal(t, "profile-1", owner)

	// An allocation skips the exclusion.
	for range 15 {
		_, err := p.Allocate("p")
		require.NoError(t, err)
	}
	next, err := p.Allocate("p")
	require.NoError(t, err)
	assert.Equal(t, x.Last+1, next)

	// Allocating a given address.
	target := MAC(0x0017A4770100)
	require.NoError(t, p.AllocateAddr(target, "profile-2"))
	err = p.AllocateAddr(target, "profile-3")
	assert.ErrorIs(t, err, ErrWrongState)
	assert.ErrorContains(t, err, `00-17-A4-77-01-00: address is In use by "profile-2"`)
	assert.ErrorIs(t, p.AllocateAddr(x.First, "p"), ErrWrongState)
	assert.ErrorIs(t, p.AllocateAddr(MAC(1), "p"), ErrNotInPool)
	assert.ErrorContains(t, p.AllocateAddr(target+1, ""), "owner must not be empty")

	// External: Free -> External, idempotent, In use refused, Excluded -> External stays External.
	ext := MAC(0x0017A4770200)
	require.NoError(t, p.MarkExternal(ext))
	require.NoError(t, p.MarkExternal(ext))
	st, _, _ = p.Lookup(ext)
	assert.Equal(t, External, st)
	assert.ErrorContains(t, p.MarkExternal(target), `In use by "profile-2"`)
	require.NoError(t, p.MarkExternal(x.First+3))
	st, _, _ = p.Lookup(x.First + 3)
	assert.Equal(t, External, st, "an External address inside an exclusion stays External")
	assert.ErrorIs(t, p.AllocateAddr(ext, "p"), ErrWrongState)

	c := p.Counts()
	assert.Equal(t, uint64(1024), c.Total())
	assert.Equal(t, Counts{Free: 1024 - 16 - 18 - 1, InUse: 18, External: 2, Excluded: 15}, c)
	assert.Equal(t, []MAC{x.First + 3, ext}, slices.Collect(p.External()))

	// Release.
	require.NoError(t, p.Release(ext))
	require.NoError(t, p.Release(x.First+3))
	st, _, _ = p.Lookup(x.First + 3)
	assert.Equal(t, Excluded, st, "releasing an External address in an exclusion returns it to Excluded")
	require.NoError(t, p.Release(a))
	assert.ErrorIs(t, p.Release(a), ErrWrongState)
	assert.ErrorIs(t, p.Release(x.First), ErrWrongState)
	again, err := p.Allocate("profile-9")
	require.NoError(t, err)
	assert.Equal(t, a, again, "a released address is the lowest free again")

	_, _, ok = p.Lookup(MAC(7))
	assert.False(t, ok)
	assert.False(t, p.Contains(MAC(7)))
	assert.Equal(t, []Range[MAC]{r}, p.Ranges())
	assert.Equal(t, []Range[MAC]{x}, p.Exclusions())
}

func TestPoolExhaustedAndMultiRange(t *testing.T) {
	p := mustPool(t, []Range[WWN]{MustRange(WWN(200), WWN(201)), MustRange(WWN(100), WWN(100))}, nil)
	var got []WWN
	for range 3 {
		a, err := p.Allocate("o")
		require.NoError(t, err)
		got = append(got, a)
	}
	assert.Equal(t, []WWN{100, 200, 201}, got, "lowest address across ranges")
	_, err := p.Allocate("o")
	assert.ErrorIs(t, err, ErrExhausted)
	_, err = p.Allocate("")
	assert.Error(t, err)
}

func TestPoolCloneIsIndependent(t *testing.T) {
	p := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(99))}, []Range[MAC]{MustRange(MAC(50), MAC(59))})
	require.NoError(t, p.AllocateAddr(3, "a"))
	c := p.Clone()
	require.NoError(t, c.AllocateAddr(4, "b"))
	require.NoError(t, c.MarkExternal(52))
	require.NoError(t, c.Release(3))
	st, _, _ := p.Lookup(4)
	assert.Equal(t, Free, st)
	st, _, _ = p.Lookup(52)
	assert.Equal(t, Excluded, st)
	st, o, _ := p.Lookup(3)
	assert.Equal(t, InUse, st)
	assert.Equal(t, "a", o)
}

func TestPoolJSONRoundTrip(t *testing.T) {
	p := mustPool(t, []Range[WWN]{VCEMDefinedWWN()}, []Range[WWN]{MustRange(VCEMDefinedWWN().First+100, VCEMDefinedWWN().First+199)})
	for i := range 10 {
		_, err := p.Allocate(fmt.Sprintf("p%d", i))
		require.NoError(t, err)
	}
	require.NoError(t, p.MarkExternal(VCEMDefinedWWN().First+500))
	require.NoError(t, p.MarkExternal(VCEMDefinedWWN().First+501))
	require.NoError(t, p.MarkExternal(VCEMDefinedWWN().First+150))
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Pool[WWN]
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p.Counts(), back.Counts())
	assert.Equal(t, slices.Collect(p.External()), slices.Collect(back.External()))
	b2, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))

	for _, bad := range []struct{ js, msg string }{
		{`{"ranges":[{"first":"00:00:00:00:00:00:00:00","last":"00:00:00:00:00:00:00:09"}],"inUse":[{"address":"00:00:00:00:00:00:00:01","owner":"a"},{"address":"00:00:00:00:00:00:00:01","owner":"b"}]}`, `inUse[1]`},
		{`{"ranges":[{"first":"00:00:00:00:00:00:00:00","last":"00:00:00:00:00:00:00:09"}],"inUse":[{"address":"00:00:00:00:00:00:00:11","owner":"a"}]}`, `outside every range`},
		{`{"ranges":[{"first":"00:00:00:00:00:00:00:00","last":"00:00:00:00:00:00:00:09"}],"exclusions":[{"first":"00:00:00:00:00:00:00:10","last":"00:00:00:00:00:00:00:11"}]}`, `outside every pool range`},
		{`{"ranges":"x"}`, `pool`},
	} {
		err := json.Unmarshal([]byte(bad.js), &back)
		assert.ErrorContains(t, err, bad.msg)
	}
}

// TestPoolAgainstNaiveModel drives random operations and compares every
// address's state and the counts with a map-based model.
func TestPoolAgainstNaiveModel(t *testing.T) {
	type entry struct {
		st    State
		owner string
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for round := range 200 {
		r1 := MustRange(MAC(0), MAC(rng.Uint64N(200)))
		r2 := MustRange(MAC(1000), MAC(1000+rng.Uint64N(130)))
		xlo := rng.Uint64N(uint64(r1.Last) + 1)
		x := MustRange(MAC(xlo), MAC(min(xlo+rng.Uint64N(10), uint64(r1.Last))))
		p := mustPool(t, []Range[MAC]{r2, r1}, []Range[MAC]{x})
		model := map[MAC]*entry{}
		for _, r := range []Range[MAC]{r1, r2} {
			for a := range r.All() {
				model[a] = &entry{st: Free}
				if x.Contains(a) {
					model[a].st = Excluded
				}
			}
		}
		lowestFree := func() (MAC, bool) {
			var best MAC
			found := false
			for a, e := range model {
				if e.st == Free && (!found || a < best) {
					best, found = a, true
				}
			}
			return best, found
		}
		for op := range 400 {
			a := MAC(rng.Uint64N(1200))
			e, in := model[a]
			owner := fmt.Sprintf("o%d", rng.IntN(5))
			switch rng.IntN(4) {
			case 0:
				want, ok := lowestFree()
				got, err := p.Allocate(owner)
				if !ok {
					require.ErrorIs(t, err, ErrExhausted)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, want, got, "round %d op %d", round, op)
				model[got] = &entry{InUse, owner}
			case 1:
				err := p.AllocateAddr(a, owner)
				if in && e.st == Free {
					require.NoError(t, err)
					e.st, e.owner = InUse, owner
				} else {
					require.Error(t, err)
				}
			case 2:
				err := p.MarkExternal(a)
				if in && e.st != InUse {
					require.NoError(t, err)
					e.st = External
				} else {
					require.Error(t, err)
				}
			case 3:
				err := p.Release(a)
				if in && (e.st == InUse || e.st == External) {
					require.NoError(t, err)
					e.st, e.owner = Free, ""
					if x.Contains(a) {
						e.st = Excluded
					}
				} else {
					require.Error(t, err)
				}
			}
		}
		var want Counts
		for a, e := range model {
			st, o, ok := p.Lookup(a)
			require.True(t, ok)
			require.Equal(t, e.st, st, "round %d addr %s", round, a)
			require.Equal(t, e.owner, o)
			switch e.st {
			case Free:
				want.Free++
			case InUse:
				want.InUse++
			case External:
				want.External++
			case Excluded:
				want.Excluded++
			}
		}
		require.Equal(t, want, p.Counts())

		var wantInUse []Assignment[MAC]
		var wantExt []MAC
		for a, e := range model {
			switch e.st {
			case InUse:
				wantInUse = append(wantInUse, Assignment[MAC]{a, e.owner})
			case External:
				wantExt = append(wantExt, a)
			}
		}
		slices.SortFunc(wantInUse, func(x, y Assignment[MAC]) int { return int(x.Addr) - int(y.Addr) })
		slices.Sort(wantExt)
		var gotInUse []Assignment[MAC]
		for a, o := range p.InUse() {
			gotInUse = append(gotInUse, Assignment[MAC]{a, o})
		}
		require.Equal(t, wantInUse, gotInUse, "round %d: InUse in ascending order", round)
		require.Equal(t, wantExt, slices.Collect(p.External()), "round %d: External in ascending order", round)
	}
}

func TestPoolIteratorsStopEarly(t *testing.T) {
	p := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(199))}, nil)
	for i := range 10 {
		require.NoError(t, p.AllocateAddr(MAC(i*10), "o"))
		require.NoError(t, p.MarkExternal(MAC(i*10+1)))
	}
	n := 0
	for range p.InUse() {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	n = 0
	for range p.External() {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func TestPoolMemory(t *testing.T) {
	// The per-address state of a 2^20-address range is one bit plus a 1/64
	// summary: well under the 160 KiB budget.
	p := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(1<<20-1))}, nil)
	var bytes int
	for _, s := range p.segs {
		bytes += 8 * (len(s.taken) + len(s.full))
	}
	assert.LessOrEqual(t, bytes, 160*1024)
}

func TestStateText(t *testing.T) {
	for _, s := range []State{Free, InUse, External, Excluded} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back State
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	var s State
	assert.ErrorContains(t, s.UnmarshalText([]byte("Reserved")), `"Reserved"`)
	_, err := State(9).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "State(9)", State(9).String())
}
