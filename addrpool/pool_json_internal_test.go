package addrpool

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceJSON is the pool's JSON as encoding/json writes its shape: what
// the hand-written encoder must match byte for byte.
func referenceJSON[A Address](t *testing.T, p *Pool[A]) []byte {
	j := poolJSON[A]{Ranges: raws(p.ranges), Exclusions: raws(p.exclList)}
	if j.Ranges == nil {
		j.Ranges = []rawRange[A]{}
	}
	for a, o := range p.InUse() {
		j.InUse = append(j.InUse, Assignment[A]{a, o})
	}
	j.External = raws(slices.Collect(p.ExternalRanges()))
	b, err := json.Marshal(j)
	require.NoError(t, err)
	return b
}

func raws[A Address](rs []Range[A]) []rawRange[A] {
	if rs == nil {
		return nil
	}
	out := make([]rawRange[A], len(rs))
	for i, r := range rs {
		out[i] = rawRange[A](r)
	}
	return out
}

func TestPoolJSONIsEncodingJSONs(t *testing.T) {
	owners := []string{"d1:web", "d2:<db>&", "prof\"ile", "é"}
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var ranges, excl []Range[WWN]
		lo := WWN(rng.Uint64N(1000))
		for range rng.IntN(4) {
			hi := lo + WWN(rng.Uint64N(300))
			ranges = append(ranges, MustRange(lo, hi))
			if rng.IntN(2) == 0 {
				excl = append(excl, MustRange(lo, lo+WWN(rng.Uint64N(uint64(hi-lo)+1))))
			}
			lo = hi + 2 + WWN(rng.Uint64N(50))
		}
		p, err := NewPool(ranges, excl)
		require.NoError(t, err)
		for range rng.IntN(200) {
			_ = p.AllocateAddr(WWN(rng.Uint64N(uint64(lo)+1)), owners[rng.IntN(len(owners))])
			a := WWN(rng.Uint64N(uint64(lo) + 1))
			_ = p.MarkExternalRange(MustRange(a, a+WWN(rng.Uint64N(5))))
		}
		got, err := p.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(referenceJSON(t, p)), string(got), "seed %d", seed)
		var back Pool[WWN]
		require.NoError(t, json.Unmarshal(got, &back))
		assert.True(t, back.Equal(p), "seed %d", seed)
	}
	empty, err := NewPool[MAC](nil, nil)
	require.NoError(t, err)
	got, err := empty.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, string(referenceJSON(t, empty)), string(got))
	assert.Equal(t, `{"ranges":[]}`, string(got))
}

func TestAppendTextIsMarshalText(t *testing.T) {
	for _, m := range []MAC{0, 1, 0x0017A4770000, MaxMAC} {
		want, err := m.MarshalText()
		require.NoError(t, err)
		got, err := m.AppendText([]byte("x"))
		require.NoError(t, err)
		assert.Equal(t, "x"+string(want), string(got))
	}
	_, err := (MaxMAC + 1).AppendText(nil)
	assert.Error(t, err)
	for _, w := range []WWN{0, 0x50060B0000C26200, MaxWWN} {
		want, _ := w.MarshalText()
		got, err := w.AppendText(nil)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}
