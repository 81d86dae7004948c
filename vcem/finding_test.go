package vcem_test

import (
	"encoding/json"
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindingJSONRoundTrip(t *testing.T) {
	restored := baseSnapshot(t)
	tc := phase1Cases()[len(phase1Cases())-1] // everything at once
	require.Equal(t, "everything at once", tc.name)
	_, _, _, fs := runPhase1Case(t, tc)
	require.NotEmpty(t, fs)
	_ = restored
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	var back []vcem.Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fs, back)

	var bad []vcem.Finding
	err = json.Unmarshal([]byte(`[{"code":"X","changes":[{"kind":"vcem.DeleteProfile","profileId":"a"},{"kind":"zz"}]}]`), &bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[1]")
}
