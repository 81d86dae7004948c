package resync_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

// FuzzDecodePlan: whatever the bytes, DecodePlan returns a plan or an
// error, never panics; a plan it accepts encodes back to bytes it accepts
// with the same ID.
func FuzzDecodePlan(f *testing.F) {
	e := newMiniEstate(f)
	reusedAddressHistory(f, e)
	plan, err := resync.Analyze(context.Background(), e.env)
	require.NoError(f, err)
	b, err := json.Marshal(plan)
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := resync.DecodePlan(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(p)
		require.NoError(t, err)
		q, err := resync.DecodePlan(again)
		require.NoError(t, err)
		require.Equal(t, p.ID, q.ID)
	})
}

// FuzzDecodeManifest: DecodeManifest never panics, and what it accepts
// round-trips.
func FuzzDecodeManifest(f *testing.F) {
	e := newMiniEstate(f)
	m, err := resync.Capture(context.Background(), e.env)
	require.NoError(f, err)
	b, err := json.Marshal(m)
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"schema":1,"fingerprints":{},"state":{},"id":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := resync.DecodeManifest(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(m)
		require.NoError(t, err)
		_, err = resync.DecodeManifest(again)
		require.NoError(t, err)
	})
}
