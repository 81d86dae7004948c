package spm

import (
	"math/rand/v2"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oddChangeStrings need every escape json.Marshal writes.
var oddChangeStrings = []string{"", "vol1", `q"uote`, `back\slash`, "<b>&amp;", "tab\tnl\n\x01\x7f", "é", "\u2028\u2029", "bad\xffutf8", "\x00"}

// The hand-written change encoders write what the reflective codec writes
// (json.Marshal of the tagged form), byte for byte, for every kind.
func TestChangeAppendJSONIsTheCodecs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	odd := func() string { return oddChangeStrings[r.IntN(len(oddChangeStrings))] }
	presentations := func() []Presentation {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return []Presentation{}
		}
		ps := make([]Presentation, 1+r.IntN(3))
		for i := range ps {
			ps[i] = Presentation{VolumeID: odd(), Initiator: addrpool.WWN(r.Uint64()), Host: odd(), LUN: r.IntN(300) - 100}
		}
		return ps
	}
	seen := map[string]bool{}
	for range 2000 {
		var c Change
		switch r.IntN(5) {
		case 0:
			c = Quarantine{VolumeID: odd()}
		case 1:
			c = MarkServiceNonConformant{ServiceID: odd()}
		case 2:
			c = SetSignatureState{VolumeID: odd(), State: SignatureState(odd())}
		case 3:
			c = RemoveVolume{VolumeID: odd()}
		default:
			c = SetPresentations{VolumeID: odd(), Presentations: presentations()}
		}
		seen[c.Kind()] = true
		want, err := codec.Marshal(c)
		require.NoError(t, err)
		got, err := c.MarshalJSON()
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%#v", c)
		got, err = c.(interface{ AppendJSON([]byte) ([]byte, error) }).AppendJSON([]byte("prefix"))
		require.NoError(t, err)
		require.Equal(t, "prefix"+string(want), string(got))
		back, err := DecodeChange(got[len("prefix"):])
		require.NoError(t, err)
		// Invalid UTF-8 came back as U+FFFD, which json.Marshal writes
		// unescaped: one more case for the encoders.
		want, err = codec.Marshal(back)
		require.NoError(t, err)
		again, err := back.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(again))
	}
	assert.Len(t, seen, len(codec.Kinds()), "a kind went untested")
}

// FuzzChangeAppendJSON holds every change's hand-written JSON to the
// reflective codec's on any strings.
func FuzzChangeAppendJSON(f *testing.F) {
	for _, s := range oddChangeStrings {
		f.Add(s, "Valid", uint64(0x5001), "host<&>", 3)
	}
	f.Fuzz(func(t *testing.T, id, state string, initiator uint64, host string, lun int) {
		ps := []Presentation{{VolumeID: id, Initiator: addrpool.WWN(initiator), Host: host, LUN: lun}}
		for _, c := range []Change{Quarantine{id}, MarkServiceNonConformant{id}, SetSignatureState{id, SignatureState(state)},
			RemoveVolume{id}, SetPresentations{id, ps}, SetPresentations{VolumeID: id}} {
			want, err := codec.Marshal(c)
			require.NoError(t, err)
			got, err := c.MarshalJSON()
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		}
	})
}
