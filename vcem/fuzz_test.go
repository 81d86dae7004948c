package vcem_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

func FuzzDecodeChange(f *testing.F) {
	for _, s := range []string{
		`{"kind":"vcem.MarkExternalMAC","mac":"00-21-5A-9B-00-01"}`,
		`{"kind":"vcem.MarkExternalWWN","wwn":"50:01:43:80:02:A3:00:01"}`,
		`{"kind":"vcem.DeleteProfile","profileId":"d1:web"}`,
		`{"kind":"x"}`, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := vcem.DecodeChange(b)
		if err != nil {
			assert.Nil(t, c)
			return
		}
		out, err := json.Marshal(c)
		require.NoError(t, err)
		back, err := vcem.DecodeChange(out)
		require.NoError(t, err)
		assert.Equal(t, c, back)
	})
}

func FuzzSnapshotJSON(f *testing.F) {
	b, err := json.Marshal(baseSnapshot(f))
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"groups":{},"domains":{},"macs":null,"wwns":null,"profiles":{"a":{"id":"a","name":"a","domainId":"d"},"a":{"id":"a","name":"a","domainId":"d"}}}`))
	f.Add([]byte(snapDoc))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s vcem.Snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		_ = s.Validate() // must not panic on any decoded input
		if s.Validate() != nil {
			return
		}
		out, err := json.Marshal(&s)
		require.NoError(t, err)
		var back vcem.Snapshot
		require.NoError(t, json.Unmarshal(out, &back))
		assert.True(t, s.Equal(&back))
		_, err = vcem.AnalyzePhase2(&s)
		assert.NoError(t, err)
	})
}
