package spm_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// oddStrings need every kind of escape json.Marshal writes: quotes and
// backslashes, control characters, HTML characters, U+2028/U+2029,
// invalid UTF-8 (written as U+FFFD) and plain non-ASCII.
var oddStrings = []string{"", "plain", `q"uote`, `back\slash`, "<b>&amp;", "tab\tnl\n\x01\x7f", "é", "\u2028\u2029", "bad\xffutf8", "\x00"}

// bigSnapshot returns a generated catalog of n volumes with every optional
// field set on some records and odd strings throughout.
func bigSnapshot(n int) *spm.Snapshot {
	r := rand.New(rand.NewPCG(uint64(n), 11))
	odd := func() string { return oddStrings[r.IntN(len(oddStrings))] }
	s := spm.NewSnapshot("catalog-" + odd())
	for i := range 8 {
		id := fmt.Sprintf("array-%d%s", i, odd())
		s.Arrays[id] = spm.Array{ID: id, Name: odd(), Type: []spm.ArrayType{spm.Array3PAR, spm.ArrayEVA, spm.ArrayXP}[i%3], Quarantined: i%4 == 1}
	}
	for i := range n {
		id := fmt.Sprintf("vol%05d", i)
		v := spm.Volume{ID: id, ArrayID: fmt.Sprintf("array-%d", i%8), Name: "SPM_" + id, WWN: spmtest.SampleWWN("volume", i), SizeBytes: uint64(i) << 30}
		if i%3 == 0 {
			v.Quarantined, v.Signature, v.OwningCatalog, v.ServiceID, v.Offline, v.Activation = true, spm.SignatureStates()[i%9], odd(), "svc-"+odd(), i%2 == 0, odd()
		}
		s.Volumes[id] = v
		for j := range i % 3 {
			s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: id, Initiator: spmtest.SampleWWN("initiator", j), Host: "LSM_" + odd(), LUN: i + j - 1})
		}
	}
	for i := range 20 {
		id := fmt.Sprintf("svc-%d", i)
		s.Services[id] = spm.Service{ID: id, Name: odd(), TemplateID: []string{"", "t1"}[i%2], Conformant: i%3 == 0}
		s.Templates[id] = spm.Template{ID: id, Name: odd(), ParentID: []string{"", "t1"}[i%2]}
	}
	return s
}

// TestSnapshotAppendJSONIsEncodingJSONs checks the hand-written encoder
// against json.Marshal, byte for byte.
func TestSnapshotAppendJSONIsEncodingJSONs(t *testing.T) {
	odd := spm.NewSnapshot("c<&>\u2028\xff")
	odd.Arrays["a\"1"] = spm.Array{ID: "a\"1", Name: "\t", Type: "MSA<>", Quarantined: true}
	odd.Volumes["v\\1"] = spm.Volume{ID: "v\\1", ArrayID: "a\"1", WWN: addrpool.WWN(1<<64 - 1), SizeBytes: 1<<64 - 1, Quarantined: true,
		Signature: "Not present", OwningCatalog: "é", ServiceID: "s", Offline: true, Activation: "\u2029"}
	odd.Volumes[""] = spm.Volume{}
	odd.Presentations = []spm.Presentation{{}, {VolumeID: "v\\1", Initiator: 1, Host: "<h>", LUN: -1}}
	odd.Services["s"] = spm.Service{ID: "s", TemplateID: "t", Conformant: true}
	odd.Services[""] = spm.Service{}
	odd.Templates["t"] = spm.Template{ID: "t", Name: "&", ParentID: "p"}
	odd.Templates[""] = spm.Template{}
	for name, s := range map[string]*spm.Snapshot{
		"nil":     nil,
		"zero":    {},
		"new":     spm.NewSnapshot(""),
		"empty":   {Presentations: []spm.Presentation{}},
		"odd":     odd,
		"sample":  spmtest.Sample(),
		"big":     bigSnapshot(5000),
		"no maps": {CatalogID: "c", Presentations: odd.Presentations},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(s)
			require.NoError(t, err)
			got, err := s.AppendJSON([]byte("prefix"))
			require.NoError(t, err)
			assert.Equal(t, "prefix"+string(want), string(got))
		})
	}
}

// TestLiveAppendJSONIsEncodingJSONs checks the live side's encoder against
// json.Marshal, byte for byte.
func TestLiveAppendJSONIsEncodingJSONs(t *testing.T) {
	big, err := spmtest.LiveFromSnapshot(bigSnapshot(5000))
	require.NoError(t, err)
	odd := &spm.Live{Arrays: map[string]spm.LiveArray{
		"<a>": {ID: "<a>", Type: "XP\u2028", Volumes: []spm.LiveVolume{
			{},
			{WWN: addrpool.WWN(1<<64 - 1), Name: "bad\xff", SizeBytes: 1<<64 - 1,
				Signature: spm.Signature{Present: true, Corrupt: true, Version: -3, OwningCatalog: "&", ServiceID: `"`, Activation: "\n"}},
		}, Presentations: []spm.LivePresentation{{}, {VolumeWWN: 2, Initiator: 3, Host: "<h>", LUN: -1}}},
		"":      {},
		"empty": {Volumes: []spm.LiveVolume{}, Presentations: []spm.LivePresentation{}},
	}}
	for name, l := range map[string]*spm.Live{
		"nil":    nil,
		"zero":   {},
		"empty":  {Arrays: map[string]spm.LiveArray{}},
		"odd":    odd,
		"sample": liveOf(t, spmtest.Sample()),
		"big":    big,
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(l)
			require.NoError(t, err)
			got, err := l.AppendJSON([]byte("prefix"))
			require.NoError(t, err)
			assert.Equal(t, "prefix"+string(want), string(got))
		})
	}
}

// TestAppendJSONRandomIsEncodingJSONs compares the encoders with
// json.Marshal on random snapshots (nil and empty collections mixed) and
// random live sides.
func TestAppendJSONRandomIsEncodingJSONs(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 3))
	for i := range 300 {
		s := randomSnapshot(r)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		got, err := s.AppendJSON(nil)
		require.NoError(t, err)
		if !assert.Equal(t, string(want), string(got), "snapshot %d", i) {
			return
		}
		if s == nil {
			continue
		}
		l := scramble(t, spmtest.Sample(), uint64(i))
		want, err = json.Marshal(l)
		require.NoError(t, err)
		got, err = l.AppendJSON(nil)
		require.NoError(t, err)
		if !assert.Equal(t, string(want), string(got), "live %d", i) {
			return
		}
	}
}
