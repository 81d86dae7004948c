package vcem_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

// FuzzFingerprintJSONRoundTrip: for any snapshot JSON decodes (valid or
// not), Validate does not panic, and a JSON round trip keeps Equal and the
// fingerprint; a clone with one address marked External does not.
func FuzzFingerprintJSONRoundTrip(f *testing.F) {
	b, err := json.Marshal(fullSnapshot(f))
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"groups":{},"domains":{},"wwns":null,"macs":{"ranges":[{"first":"00-21-5A-9B-00-00","last":"00-21-5A-9B-00-0F"}],"inUse":[{"address":"00-21-5A-9B-00-01","owner":"ghost"}]},"profiles":{"p":{"id":"p","name":"p","domainId":"d","ethernet":[{"port":1,"mac":"00-21-5A-9B-00-01","addressType":"vcem-pool"},{"port":2,"mac":"00-21-5A-9B-00-01","addressType":"vcem-pool"}]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s vcem.Snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		_ = s.Issues() // must not panic on any decoded input
		fp, err := s.Fingerprint()
		require.NoError(t, err)
		out, err := json.Marshal(&s)
		require.NoError(t, err)
		var back vcem.Snapshot
		require.NoError(t, json.Unmarshal(out, &back))
		assert.True(t, s.Equal(&back))
		fb, err := back.Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, fp, fb)
		if s.MACs == nil {
			return
		}
		for _, r := range s.MACs.Ranges() {
			c := s.Clone()
			if c.MACs.MarkExternal(r.First) != nil {
				continue // In use, or External already: no change
			}
			fc, err := c.Fingerprint()
			require.NoError(t, err)
			assert.NotEqual(t, fp, fc)
			assert.False(t, s.Equal(c))
			return
		}
	})
}
