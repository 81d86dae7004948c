package vcem

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
)

// canonicalBytes returns the whole canonical encoding of s.
func canonicalBytes(t *testing.T, s *Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, newCanonEncoder(&buf).snapshot(s))
	return buf.Bytes()
}

func TestCanonicalEncodingStartsWithItsVersion(t *testing.T) {
	s, err := NewSnapshot([]addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](0x10, 0x1F)}, nil, nil, nil)
	require.NoError(t, err)
	s.Profiles["p"] = Profile{ID: "p", Name: "web"}
	tests := []struct {
		name string
		s    *Snapshot
	}{{"nil snapshot", nil}, {"empty snapshot", &Snapshot{}}, {"snapshot with a profile", s}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := canonicalBytes(t, tt.s)
			n, k := binary.Uvarint(b)
			require.Positive(t, k)
			require.GreaterOrEqual(t, len(b), k+int(n))
			assert.Equal(t, FingerprintVersion, string(b[k:k+int(n)]))

			sum := sha256.Sum256(b)
			fp, err := tt.s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), fp, "Fingerprint must hash exactly the canonical encoding")
		})
	}
}

func TestCanonicalStringsLongerThanTheBuffer(t *testing.T) {
	tests := []struct {
		name   string
		prefix int // bytes already buffered
		size   int
	}{
		{"empty", 0, 0},
		{"fits", 10, 100},
		{"longest one-byte length", 10, 0x7F},
		{"shortest two-byte length", 10, 0x80},
		{"short but the buffer is nearly full", canonBufSize - 5, 10},
		{"exactly fills the buffer", 3, canonBufSize - 3 - 2}, // the length takes 2 bytes
		{"spans two buffers", 100, canonBufSize},
		{"spans several buffers", canonBufSize - 1, 3*canonBufSize + 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newCanonEncoder(&out)
			pre := strings.Repeat("p", tt.prefix)
			for i := range pre {
				e.byte1(pre[i])
			}
			s := strings.Repeat("abcdefg", tt.size/7+1)[:tt.size]
			e.str(s)
			e.byte1('!')
			require.NoError(t, e.flush())
			want := append([]byte(pre), binary.AppendUvarint(nil, uint64(len(s)))...)
			want = append(append(want, s...), '!')
			assert.Equal(t, want, out.Bytes())
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(b), nil
}

func TestCanonicalEncoderReportsWriteErrors(t *testing.T) {
	s := &Snapshot{Profiles: map[string]Profile{}}
	for i := range 2000 {
		id := fmt.Sprintf("%s-%05d", strings.Repeat("x", 40), i)
		s.Profiles[id] = Profile{ID: id}
	}
	tests := []struct {
		name  string
		after int
	}{{"first write fails", 0}, {"a later write fails", 2}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Greater(t, len(canonicalBytes(t, s)), 3*canonBufSize, "the snapshot must need several writes")
			err := newCanonEncoder(&failingWriter{after: tt.after}).snapshot(s)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "disk full")
		})
	}
}

// TestWriteCanonicalParallelPathWritesTheSameBytes forces the concurrent
// pools path and compares it with the sequential encoder.
func TestWriteCanonicalParallelPathWritesTheSameBytes(t *testing.T) {
	full := func(t *testing.T) *Snapshot {
		s, err := NewSnapshot(
			[]addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](0x00215A9B0000, 0x00215A9B0FFF)}, []addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](0x00215A9B0F00, 0x00215A9B0FFF)},
			[]addrpool.Range[addrpool.WWN]{addrpool.MustRange[addrpool.WWN](0x5001438002A30000, 0x5001438002A30FFF)}, nil)
		require.NoError(t, err)
		s.Groups["g"] = DomainGroup{ID: "g", Name: "G"}
		s.Domains["d"] = Domain{ID: "d", GroupID: "g", Enclosures: []string{"e"}}
		for i := range 300 {
			id := fmt.Sprintf("d:p%03d", i)
			mac, err := s.MACs.Allocate(id)
			require.NoError(t, err)
			wwn, err := s.WWNs.Allocate(id)
			require.NoError(t, err)
			s.Profiles[id] = Profile{ID: id, Name: id, DomainID: "d",
				Ethernet: []EthernetConnection{{Port: 1, MAC: mac, AddressType: AddressVCEMPool}},
				FC:       []FCConnection{{Port: 1, PortWWN: wwn, NodeWWN: wwn + 1, AddressType: AddressVCEMPool}}}
		}
		for _, a := range []addrpool.MAC{0x00215A9B0800, 0x00215A9B0801, 0x00215A9B0F10} {
			require.NoError(t, s.MACs.MarkExternal(a))
		}
		return s
	}
	tests := []struct {
		name string
		snap func(t *testing.T) *Snapshot
	}{
		{"pools with owners, exclusions and External runs", full},
		{"no WWN pool", func(t *testing.T) *Snapshot { s := full(t); s.WWNs = nil; return s }},
		{"no pools", func(t *testing.T) *Snapshot { s := full(t); s.MACs, s.WWNs = nil, nil; return s }},
		{"empty snapshot", func(*testing.T) *Snapshot { return &Snapshot{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.snap(t)
			var seq, par bytes.Buffer
			require.NoError(t, writeCanonical(&seq, s, ^uint64(0), nil, nil))
			require.NoError(t, writeCanonical(&par, s, 0, nil, nil))
			assert.Equal(t, canonicalBytes(t, s), seq.Bytes())
			assert.Equal(t, seq.Bytes(), par.Bytes())
		})
	}
	t.Run("a Fingerprinter's pools buffer, reused", func(t *testing.T) {
		var f Fingerprinter
		for _, s := range []*Snapshot{full(t), {}, full(t)} {
			var seq, par bytes.Buffer
			require.NoError(t, writeCanonical(&seq, s, ^uint64(0), nil, nil))
			require.NoError(t, writeCanonical(&par, s, 0, &f, nil))
			assert.Equal(t, seq.Bytes(), par.Bytes())
		}
		assert.NotZero(t, cap(f.pools), "the buffer is kept for the next fingerprint")
	})
	t.Run("a failing writer", func(t *testing.T) {
		err := writeCanonical(&failingWriter{after: 1}, full(t), 0, nil, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "disk full")
	})
}
