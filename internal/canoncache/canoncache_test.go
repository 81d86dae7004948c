package canoncache

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeAll is the reference: every record of m in key order.
func encodeAll(m map[int]string) []byte {
	var b []byte
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b = fmt.Appendf(b, "%d=%s;", k, m[k])
	}
	return b
}

func encoderOf(m map[int]string) Encoder[int] {
	return func(b []byte, k int) ([]byte, bool) {
		v, ok := m[k]
		if !ok {
			return b, false
		}
		return fmt.Appendf(b, "%d=%s;", k, v), true
	}
}

func TestUpdateMatchesBuild(t *testing.T) {
	for seed := range uint64(30) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 3))
			m := map[int]string{}
			for range r.IntN(3 * sizeSample) {
				m[r.IntN(4*sizeSample)] = fmt.Sprint(r.IntN(1000))
			}
			var s Section[int]
			require.False(t, s.Built())
			s.Build(slices.Sorted(maps.Keys(m)), encoderOf(m))
			require.True(t, s.Built())
			require.Equal(t, string(encodeAll(m)), string(s.Bytes()))
			for step := range 40 {
				dirty := map[int]bool{}
				for range r.IntN(12) {
					k := r.IntN(4 * sizeSample)
					dirty[k] = true
					switch r.IntN(3) {
					case 0:
						delete(m, k)
					default: // changed, or added
						m[k] = fmt.Sprint(step, r.IntN(1000))
					}
				}
				ok := s.Update(len(m), slices.Sorted(maps.Keys(dirty)), cmp.Compare[int], encoderOf(m))
				require.True(t, ok)
				require.Equal(t, string(encodeAll(m)), string(s.Bytes()), "step %d", step)
				assert.Equal(t, len(m), s.Len())
			}
		})
	}
}

func TestUpdateReportsWritesItWasNotTold(t *testing.T) {
	m := map[int]string{1: "a", 2: "b"}
	var s Section[int]
	s.Build([]int{1, 2}, encoderOf(m))
	m[3] = "c" // not in dirty
	assert.False(t, s.Update(len(m), nil, cmp.Compare[int], encoderOf(m)))
	m[4] = "d"
	assert.False(t, s.Update(len(m), []int{4}, cmp.Compare[int], encoderOf(m)), "3 is still missing")
}

func TestBuildDropsKeysTheEncoderLacks(t *testing.T) {
	m := map[int]string{1: "a", 3: "c"}
	var s Section[int]
	s.Build([]int{1, 2, 3}, encoderOf(m))
	assert.Equal(t, "1=a;3=c;", string(s.Bytes()))
	assert.Equal(t, 2, s.Len())
}

func TestRefreshBuildsWhenItMust(t *testing.T) {
	m := map[int]string{1: "a", 2: "b"}
	sorted := func() []int { return slices.Sorted(maps.Keys(m)) }
	var s Section[int]
	s.Refresh(len(m), nil, cmp.Compare[int], sorted, encoderOf(m))
	require.True(t, s.Built(), "a section never built is built")
	assert.Equal(t, "1=a;2=b;", string(s.Bytes()))

	m[2], m[3] = "B", "c"
	s.Refresh(len(m), []int{2, 3}, cmp.Compare[int], sorted, encoderOf(m))
	assert.Equal(t, "1=a;2=B;3=c;", string(s.Bytes()), "updated at the dirty keys")

	m[4] = "d" // not told
	s.Refresh(len(m), nil, cmp.Compare[int], sorted, encoderOf(m))
	assert.Equal(t, "1=a;2=B;3=c;4=d;", string(s.Bytes()), "built afresh when the count moved")

	m[1] = "A" // not told, count unchanged: only a Reset makes it seen
	s.Reset()
	assert.False(t, s.Built())
	s.Refresh(len(m), nil, cmp.Compare[int], sorted, encoderOf(m))
	assert.Equal(t, "1=A;2=B;3=c;4=d;", string(s.Bytes()))
}

func TestRefreshMapIsEncodeAll(t *testing.T) {
	m := map[int]string{3: "c", 1: "a"}
	record := func(b []byte, k int, v string) []byte { return fmt.Appendf(b, "%d=%s;", k, v) }
	var s Section[int]
	RefreshMap(&s, m, nil, cmp.Compare[int], record)
	assert.Equal(t, string(encodeAll(m)), string(s.Bytes()))
	m[2] = "b"
	delete(m, 3)
	RefreshMap(&s, m, map[int]struct{}{2: {}, 3: {}}, cmp.Compare[int], record)
	assert.Equal(t, string(encodeAll(m)), string(s.Bytes()), "updated at the dirty keys")
	m[1] = "A" // not told, count unchanged
	RefreshMap(&s, m, nil, cmp.Compare[int], record)
	assert.Equal(t, "1=a;2=b;", string(s.Bytes()), "a write it was not told of is not seen while the count stays")
}
