package addrpool

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

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
		{"overlap", []Range[MAC]{MustRange(MAC(10), MAC(20)), MustRange(MAC(0), MAC(10))}, nil,
			"addrpool: MAC pool: ranges[0] 00-00-00-00-00-0A..00-00-00-00-00-14 and ranges[1] 00-00-00-00-00-00..00-00-00-00-00-0A overlap"},
		{"exclusion outside", []Range[MAC]{MustRange(MAC(0), MAC(10))}, []Range[MAC]{MustRange(MAC(11), MAC(12))},
			"addrpool: MAC pool: exclusions[0] 00-00-00-00-00-0B..00-00-00-00-00-0C lies outside every pool range"},
		{"exclusion across two ranges", []Range[MAC]{MustRange(MAC(0), MAC(10)), MustRange(MAC(11), MAC(20))}, []Range[MAC]{MustRange(MAC(1), MAC(2)), MustRange(MAC(9), MAC(12))},
			"addrpool: MAC pool: exclusions[1] 00-00-00-00-00-09..00-00-00-00-00-0C lies outside every pool range"},
		{"inverted range", []Range[MAC]{MustRange(MAC(0), MAC(1)), {First: 5, Last: 1}}, nil,
			"addrpool: MAC pool: ranges[1] 00-00-00-00-00-05..00-00-00-00-00-01: last is below first"},
		{"inverted exclusion", []Range[MAC]{MustRange(MAC(0), MAC(10))}, []Range[MAC]{{First: 5, Last: 1}},
			"addrpool: MAC pool: exclusions[0] 00-00-00-00-00-05..00-00-00-00-00-01: last is below first"},
		{"too large", []Range[MAC]{MustRange(MAC(0), MAC(MaxPoolSize))}, nil,
			"addrpool: MAC pool: ranges[0] 00-00-00-00-00-00..00-00-01-00-00-00: the pool would hold more than 16777216 addresses (MaxPoolSize)"},
		{"too large together", []Range[MAC]{MustRange(MAC(0), MAC(MaxPoolSize/2)), MustRange(MAC(1<<30), MAC(1<<30+MaxPoolSize/2))}, nil,
			"ranges[1] 00-00-40-00-00-00..00-00-40-80-00-00: the pool would hold more than 16777216 addresses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPool(tc.ranges, tc.excl)
			assert.ErrorContains(t, err, tc.msg)
		})
	}
	_, err := NewPool([]Range[WWN]{{First: 9, Last: 1}}, nil)
	assert.EqualError(t, err, "addrpool: WWN pool: ranges[0] 00:00:00:00:00:00:00:09..00:00:00:00:00:00:00:01: last is below first")
}

// MarkExternalRange marks a whole run at once, all or nothing; its counts
// and states agree with marking each address.
func TestPoolMarkExternalRange(t *testing.T) {
	r1, r2 := MustRange(MAC(0), MAC(199)), MustRange(MAC(200), MAC(299)) // adjacent ranges
	x := MustRange(MAC(60), MAC(69))
	p := mustPool(t, []Range[MAC]{r1, r2}, []Range[MAC]{x})
	require.NoError(t, p.AllocateAddr(150, "owner-a"))

	err := p.MarkExternalRange(MustRange(MAC(100), MAC(160)))
	assert.EqualError(t, err, `addrpool: mark external 00-00-00-00-00-64..00-00-00-00-00-A0: 00-00-00-00-00-96 is In use by "owner-a": address is not in a state that allows this`)
	assert.ErrorIs(t, err, ErrWrongState)
	err = p.MarkExternalRange(MustRange(MAC(290), MAC(310)))
	assert.EqualError(t, err, `addrpool: mark external 00-00-00-00-01-22..00-00-00-00-01-36: 00-00-00-00-01-2C: address is outside every range of the pool`)
	assert.ErrorIs(t, err, ErrNotInPool)
	assert.Equal(t, Counts{Free: 289, InUse: 1, Excluded: 10}, p.Counts(), "a refused range marks nothing")

	require.NoError(t, p.MarkExternalRange(MustRange(MAC(55), MAC(64))))   // Free and Excluded
	require.NoError(t, p.MarkExternalRange(MustRange(MAC(190), MAC(210)))) // across the two ranges
	require.NoError(t, p.MarkExternalRange(MustRange(MAC(58), MAC(62))))   // again: no-op
	assert.Equal(t, Counts{Free: 289 - 5 - 21, InUse: 1, External: 10 + 21, Excluded: 5}, p.Counts())
	assert.Equal(t, []Range[MAC]{MustRange(MAC(55), MAC(64)), MustRange(MAC(190), MAC(210))}, slices.Collect(p.ExternalRanges()))
	st, _, _ := p.Lookup(63)
	assert.Equal(t, External, st)
	require.NoError(t, p.Release(63))
	st, _, _ = p.Lookup(63)
	assert.Equal(t, Excluded, st)
	assert.Error(t, p.MarkExternalRange(Range[MAC]{First: 5, Last: 1}))
}

// ExternalRanges gives maximal runs whatever their alignment to the 64-bit
// words of the bitmap.
func TestPoolExternalRangesAgainstAddresses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		p := mustPool(t, []Range[WWN]{MustRange(WWN(0), WWN(499)), MustRange(WWN(500), WWN(700))}, nil)
		for range 30 {
			lo := WWN(rng.Uint64N(700))
			require.NoError(t, p.MarkExternalRange(MustRange(lo, min(lo+WWN(rng.Uint64N(140)), 700))))
		}
		want := NewSet[WWN]()
		for a := range p.External() {
			want.Insert(a)
		}
		assert.Equal(t, slices.Collect(want.Ranges()), slices.Collect(p.ExternalRanges()))
		assert.Equal(t, want.Count(), p.Counts().External)
	}
}

func TestPoolEqual(t *testing.T) {
	mk := func() *Pool[MAC] {
		return mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(99))}, []Range[MAC]{MustRange(MAC(50), MAC(59))})
	}
	a, b := mk(), mk()
	assert.True(t, a.Equal(b))
	require.NoError(t, a.AllocateAddr(3, "x"))
	assert.False(t, a.Equal(b))
	require.NoError(t, b.AllocateAddr(3, "y"))
	assert.False(t, a.Equal(b), "same address, another owner")
	require.NoError(t, b.Release(3))
	require.NoError(t, b.AllocateAddr(3, "x"))
	assert.True(t, a.Equal(b))
	require.NoError(t, a.MarkExternal(52))
	assert.False(t, a.Equal(b))
	assert.True(t, a.Equal(a.Clone()))
	assert.False(t, a.Equal(nil))
	assert.True(t, (*Pool[MAC])(nil).Equal(nil))
	other := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(98))}, nil)
	assert.False(t, mk().Equal(other))
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

}

// Every way a pool's JSON can be wrong is an error naming the path or the
// entry (by index) and the address kind; nothing is silently dropped (an
// "externl" key once dropped every External mark).
func TestPoolJSONRejects(t *testing.T) {
	const r10 = `"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09"}]`
	tests := []struct{ name, js, want string }{
		{"unknown field", `{` + r10 + `,"externl":[{"first":"00-00-00-00-00-01","last":"00-00-00-00-00-01"}]}`,
			`addrpool: MAC pool: externl: unknown field "externl" (line 1, column 70)`},
		{"unknown field in a range", `{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09","lst":"x"}]}`,
			`addrpool: MAC pool: ranges[0].lst: unknown field "lst" (line 1, column 68)`},
		{"repeated key", `{` + r10 + `,"ranges":[]}`,
			`addrpool: MAC pool: ranges: key "ranges" repeated in one object (the JSON would silently keep only the last) (line 1, column 70)`},
		{"case-folded key", `{"RANGES":[]}`,
			"addrpool: MAC pool: RANGES: unknown field \"RANGES\" (field names are case-sensitive: did you mean \"ranges\"?) (line 1, column 2)\nranges: missing field \"ranges\" (line 1, column 1)"},
		{"trailing data", `{` + r10 + `} x`, `addrpool: MAC pool: unexpected data after the JSON value: "x" (line 1, column 71)`},
		{"bad address", `{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-0Z"}]}`,
			`addrpool: MAC pool: ranges[0].last: "00-00-00-00-00-0Z": bad hex digit 'Z' at position 17 (line 1, column 48)`},
		{"inverted range", `{"ranges":[{"first":"00-00-00-00-00-09","last":"00-00-00-00-00-00"}]}`,
			`addrpool: MAC pool: ranges[0] 00-00-00-00-00-09..00-00-00-00-00-00: last is below first`},
		{"external outside", `{` + r10 + `,"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-0F"}]}`,
			`addrpool: MAC pool: external[0] 00-00-00-00-00-05..00-00-00-00-00-0F: 00-00-00-00-00-0A: address is outside every range of the pool`},
		{"external over in use", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-07","owner":"p"}],"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-08"}]}`,
			`addrpool: MAC pool: external[0] 00-00-00-00-00-05..00-00-00-00-00-08: 00-00-00-00-00-07 is In use by "p": address is not in a state that allows this`},
		{"in use twice", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"a"},{"address":"00-00-00-00-00-01","owner":"b"}]}`,
			`addrpool: MAC pool: inUse[1] 00-00-00-00-00-01: given to "b", but already In use by "a": address is not in a state that allows this`},
		{"in use outside", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-11","owner":"a"}]}`,
			`addrpool: MAC pool: inUse[0] 00-00-00-00-00-11: address is outside every range of the pool`},
		{"in use without owner", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":""}]}`,
			`addrpool: MAC pool: inUse[0] 00-00-00-00-00-01: owner is empty`},
		{"exclusion outside", `{` + r10 + `,"exclusions":[{"first":"00-00-00-00-00-10","last":"00-00-00-00-00-11"}]}`,
			`addrpool: MAC pool: exclusions[0] 00-00-00-00-00-10..00-00-00-00-00-11 lies outside every pool range`},
		{"not an object", `{"ranges":"x"}`, `addrpool: MAC pool: ranges: want an array, have string "x" (line 1, column 11)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(3))}, nil)
			err := back.UnmarshalJSON([]byte(tt.js))
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, uint64(4), back.Counts().Total(), "on error the pool is unchanged")
		})
	}
	var w Pool[WWN]
	err := json.Unmarshal([]byte(`{"ranges":[{"first":"00:00:00:00:00:00:00:09","last":"00:00:00:00:00:00:00:00"}]}`), &w)
	assert.EqualError(t, err, "addrpool: WWN pool: ranges[0] 00:00:00:00:00:00:00:09..00:00:00:00:00:00:00:00: last is below first")
}

// A small document cannot make much work: External ranges are marked as
// ranges, and pools beyond MaxPoolSize are refused before anything is
// allocated. (Once a 358-byte snapshot whose External ranges covered two
// 2^28-address pools took 6.7 s to decode.)
func TestPoolJSONWorkIsBounded(t *testing.T) {
	full := func(last string) string {
		return `{"ranges":[{"first":"00-00-00-00-00-00","last":"` + last + `"}],"external":[{"first":"00-00-00-00-00-00","last":"` + last + `"}]}`
	}
	tests := []struct {
		name, js, err string
	}{
		{"a pool at MaxPoolSize, all External", full("00-00-00-FF-FF-FF"), ""},
		{"a pool of 2^28 addresses", full("00-00-0F-FF-FF-FF"),
			"addrpool: MAC pool: ranges[0] 00-00-00-00-00-00..00-00-0F-FF-FF-FF: the pool would hold more than 16777216 addresses (MaxPoolSize)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Pool[MAC]
			start := time.Now()
			err := json.Unmarshal([]byte(tt.js), &p)
			elapsed := time.Since(start)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, Counts{External: MaxPoolSize}, p.Counts())
			}
			assert.Less(t, elapsed, 500*time.Millisecond, "decoding %d bytes", len(tt.js))
		})
	}
}

// Set's JSON is strict, and a long list in descending order (each range
// inserted at the front, a quadratic number of moves before the ranges were
// sorted once) decodes to the merged set.
func TestSetJSON(t *testing.T) {
	var s Set[MAC]
	require.NoError(t, json.Unmarshal([]byte(`[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-09"},{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-04"},{"first":"00-00-00-00-00-20","last":"00-00-00-00-00-20"}]`), &s))
	assert.Equal(t, "{00-00-00-00-00-00..00-00-00-00-00-09, 00-00-00-00-00-20..00-00-00-00-00-20}", s.String())
	assert.EqualError(t, json.Unmarshal([]byte(`[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-09","x":1}]`), &s),
		`addrpool: MAC set: [0].x: unknown field "x" (line 1, column 58)`)
	assert.EqualError(t, json.Unmarshal([]byte(`[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-01"}]`), &s),
		`addrpool: MAC set: [0]: addrpool: MAC range 00-00-00-00-00-05..00-00-00-00-00-01: last is below first`)

	var b strings.Builder
	b.WriteByte('[')
	const n = 20000
	for i := n; i > 0; i-- {
		if i < n {
			b.WriteByte(',')
		}
		a := MAC(2 * i).String()
		fmt.Fprintf(&b, `{"first":%q,"last":%q}`, a, a)
	}
	b.WriteByte(']')
	require.NoError(t, json.Unmarshal([]byte(b.String()), &s))
	assert.Equal(t, n, s.Len())
	rs := slices.Collect(s.Ranges())
	assert.Equal(t, MustRange(MAC(2), MAC(2)), rs[0])
	assert.Equal(t, MustRange(MAC(2*n), MAC(2*n)), rs[n-1])
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
	// The per-address state of a 2^20-address range is three bits plus a
	// 1/64 summary; owner pages are allocated only where addresses are In
	// use: one In use address costs one page.
	p := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(1<<20-1))}, nil)
	require.NoError(t, p.AllocateAddr(MAC(1<<19), "o"))
	var bytes int
	for _, s := range p.segs {
		bytes += 8 * (len(s.taken) + len(s.full) + len(s.inUse) + len(s.ext))
		for _, pg := range s.owners {
			bytes += 8 + 4*len(pg)
		}
	}
	assert.LessOrEqual(t, bytes, 400*1024+ownerPage*4)
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
