package addrpool

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkFastPool decodes b by the fast path, by the reflective walk and by
// UnmarshalJSON, and asserts what the fast path promises: when it accepts
// b, the walk does too, with a deep-equal pool; and UnmarshalJSON gives the
// walk's pool or the walk's error, word for word. It reports whether the
// fast path accepted b.
func checkFastPool[A Address](t testing.TB, b []byte) bool {
	t.Helper()
	fast, ok := decodePoolFast[A](b)
	var walked Pool[A]
	werr := walked.unmarshalWalked(b)
	if ok {
		require.NoError(t, werr, "the fast path accepted what the walk refuses: %q", b)
		require.True(t, reflect.DeepEqual(fast, &walked), "the paths disagree on %q", b)
		require.True(t, fast.Equal(&walked))
	}
	var got Pool[A]
	err := got.UnmarshalJSON(b)
	if werr != nil {
		require.EqualError(t, err, werr.Error())
		return ok
	}
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(&got, &walked), "UnmarshalJSON and the walk disagree on %q", b)
	return ok
}

// randomPool is a pool of a few ranges with exclusions, owners (some of
// them on addresses far apart) and External addresses.
func randomPool(t *testing.T, r *rand.Rand) *Pool[MAC] {
	base := MAC(r.Uint64N(1 << 40))
	var ranges, excl []Range[MAC]
	for k := range 1 + r.IntN(3) {
		first := base + MAC(k)*0x10000
		ranges = append(ranges, MustRange(first, first+MAC(r.IntN(4000))))
		if r.IntN(2) == 0 {
			x := first + MAC(r.IntN(10))
			excl = append(excl, MustRange(x, x+MAC(r.IntN(5))))
		}
	}
	p := mustPool(t, ranges, excl)
	for i := range r.IntN(300) {
		owner := fmt.Sprintf("d%d:p%d", i%7, i%13)
		if r.IntN(10) == 0 {
			owner = "é owner " + owner
		}
		if _, err := p.Allocate(owner); err != nil {
			break
		}
	}
	for range r.IntN(20) {
		rg := ranges[r.IntN(len(ranges))]
		_ = p.MarkExternal(rg.First + MAC(r.Uint64N(rg.Count()))) // an In use one is refused
	}
	return p
}

// What MarshalJSON writes takes the fast path, and decodes as by the walk.
func TestFastPoolDecodeTakesMarshalJSONsForm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		p := randomPool(t, r)
		b, err := p.MarshalJSON()
		require.NoError(t, err)
		require.True(t, checkFastPool[MAC](t, b), "case %d: MarshalJSON's form left the fast path: %s", i, b)
	}
	w := mustPool(t, []Range[WWN]{VCEMDefinedWWN()}, []Range[WWN]{MustRange(VCEMDefinedWWN().First+100, VCEMDefinedWWN().First+199)})
	for i := range 10 {
		_, err := w.Allocate(fmt.Sprintf("p%d", i))
		require.NoError(t, err)
	}
	require.NoError(t, w.MarkExternal(VCEMDefinedWWN().First+150))
	b, err := w.MarshalJSON()
	require.NoError(t, err)
	require.True(t, checkFastPool[WWN](t, b))
	empty, err := (&Pool[MAC]{}).MarshalJSON()
	require.NoError(t, err)
	require.True(t, checkFastPool[MAC](t, empty))
}

// Valid documents in other forms: the fast path takes the plain ones and
// leaves the rest to the walk; either way the pool is the walk's.
func TestFastPoolDecodeAgreesWithTheWalk(t *testing.T) {
	const r10 = `"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09"}]`
	tests := []struct {
		name string
		js   string
		fast bool
	}{
		{"white space everywhere", " {\n\t\"ranges\" : [ { \"last\" : \"00-00-00-00-00-09\" , \"first\" : \"00:00:00:00:00:00\" } ] ,\r\n \"inUse\" : [ { \"owner\" : \"p\" , \"address\" : \"000000000001\" } ] } ", true},
		{"nulls", `{"ranges":null,"exclusions":null,"inUse":null,"external":null}`, true},
		{"empty lists", `{"ranges":[],"exclusions":[],"inUse":[],"external":[]}`, true},
		{"an owner in two runs", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"a"},{"address":"00-00-00-00-00-02","owner":"b"},{"address":"00-00-00-00-00-03","owner":"a"}]}`, true},
		{"an External range over an exclusion", `{` + r10 + `,"exclusions":[{"first":"00-00-00-00-00-04","last":"00-00-00-00-00-05"}],"external":[{"first":"00-00-00-00-00-03","last":"00-00-00-00-00-06"}]}`, true},
		{"External marked twice", `{` + r10 + `,"external":[{"first":"00-00-00-00-00-03","last":"00-00-00-00-00-06"},{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-07"}]}`, true},
		{"a UTF-8 owner", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"été"}]}`, true},
		{"a padded address", `{` + r10 + `,"inUse":[{"address":" 00-00-00-00-00-01 ","owner":"a"}]}`, true},
		{"keys in another order", `{"inUse":[{"address":"00-00-00-00-00-01","owner":"a"}],` + r10 + `}`, false},
		{"external before inUse", `{` + r10 + `,"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-05"}],"inUse":[{"address":"00-00-00-00-00-01","owner":"a"}]}`, false},
		{"an escaped owner", `{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"\u0061"}]}`, false},
		{"an escaped key", `{"r\u0061nges":[]}`, false},
		{"a one-address pool, all External", `{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-00"}],"external":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-00"}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.fast, checkFastPool[MAC](t, []byte(tt.js)))
			var p Pool[MAC]
			require.NoError(t, p.UnmarshalJSON([]byte(tt.js)))
		})
	}
}

// Every invalid document leaves the fast path, so its error is the walk's,
// word for word (TestPoolJSONRejects has the words).
func TestFastPoolDecodeRefusesWhatTheWalkRefuses(t *testing.T) {
	const r10 = `"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09"}]`
	for _, js := range []string{
		`{` + r10 + `,"externl":[]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09","lst":"x"}]}`,
		`{` + r10 + `,"ranges":[]}`,
		`{"RANGES":[]}`, `{}`, `{"exclusions":[]}`, `{` + r10 + `,"exclusions":[],"exclusions":[]}`,
		`{` + r10 + `} x`, `{` + r10 + `,}`, `{` + r10, `[` + r10 + `]`, `null`, ``,
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-0Z"}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-09","last":"00-00-00-00-00-00"}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00"}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00","first":"00-00-00-00-00-00","last":"00-00-00-00-00-01"}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-09"},{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-19"}]}`,
		`{` + r10 + `,"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-0F"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-07","owner":"p"}],"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-08"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"a"},{"address":"00-00-00-00-00-01","owner":"b"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-11","owner":"a"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":""}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":"a","owner":"a"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","Owner":"a"}]}`,
		`{` + r10 + `,"inUse":[{"address":"00-00-00-00-00-01","owner":null}]}`,
		`{` + r10 + `,"inUse":[null]}`,
		`{` + r10 + `,"exclusions":[{"first":"00-00-00-00-00-10","last":"00-00-00-00-00-11"}]}`,
		`{` + r10 + `,"exclusions":[{"first":"00-00-00-00-00-01","last":"00-00-00-00-00-02"}],"inUse":[{"address":"00-00-00-00-00-01","owner":"a"}]}`,
		`{"ranges":"x"}`, `{"ranges":[1]}`, `{"ranges":[{"first":1,"last":2}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-0F-FF-FF-FF"}]}`,
	} {
		t.Run(js, func(t *testing.T) {
			assert.False(t, checkFastPool[MAC](t, []byte(js)))
			var p Pool[MAC]
			assert.Error(t, p.UnmarshalJSON([]byte(js)))
		})
	}
}

// jsonNames returns the JSON names of t's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

// The fast path knows every field of the pool's JSON shape: a field added
// to poolJSON, Assignment or rawRange fails this test until decodePoolFast
// reads it (and this list names it), rather than sending every pool to the
// walk, or worse.
func TestFastPoolDecoderKnowsEveryField(t *testing.T) {
	assert.Equal(t, []string{"ranges", "exclusions", "inUse", "external"}, jsonNames(reflect.TypeFor[poolJSON[MAC]]()),
		"poolJSON's fields changed: teach decodePoolFast the new one")
	assert.Equal(t, []string{"address", "owner"}, jsonNames(reflect.TypeFor[Assignment[MAC]]()),
		"Assignment's fields changed: teach fastInUse the new one")
	assert.Equal(t, []string{"first", "last"}, jsonNames(reflect.TypeFor[rawRange[MAC]]()),
		"rawRange's fields changed: teach fastRange the new one")
	// A pool that uses every field writes every key, and the fast path
	// takes them all.
	p := mustPool(t, []Range[MAC]{MustRange(MAC(0), MAC(99))}, []Range[MAC]{MustRange(MAC(10), MAC(19))})
	_, err := p.Allocate("a")
	require.NoError(t, err)
	require.NoError(t, p.MarkExternal(50))
	b, err := p.MarshalJSON()
	require.NoError(t, err)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &keys))
	assert.Len(t, keys, len(jsonNames(reflect.TypeFor[poolJSON[MAC]]())))
	assert.True(t, checkFastPool[MAC](t, b))
}

// FuzzFastPoolDecode: on any input, the fast path accepts only what the
// walk accepts, with the same pool, and UnmarshalJSON's error is the
// walk's; for both address kinds.
func FuzzFastPoolDecode(f *testing.F) {
	for _, s := range []string{
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-FF"}],"exclusions":[{"first":"00-00-00-00-00-10","last":"00-00-00-00-00-1F"}],"inUse":[{"address":"00-00-00-00-00-01","owner":"p"},{"address":"00-00-00-00-00-02","owner":"p"}],"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-15"}]}`,
		`{"ranges":[{"first":"50:01:43:80:02:A0:00:00","last":"50:01:43:80:02:A0:00:FF"}],"inUse":[{"address":"50:01:43:80:02:A0:00:01","owner":"p"}]}`,
		`{"ranges":null,"inUse":null}`,
		`{"ranges":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFastPool[MAC](t, b)
		checkFastPool[WWN](t, b)
	})
}
