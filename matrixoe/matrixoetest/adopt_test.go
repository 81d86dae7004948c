package matrixoetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without Adopt the store keeps a copy of what it is given: changing the
// input afterwards changes nothing in it. With Adopt it keeps the input
// itself, reads the same, and building it copies nothing (fewer
// allocations than the copying constructor).
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	want := s.Clone()
	st, err := NewStore(s)
	require.NoError(t, err)
	clear(s.LogicalServers)
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "the copying store kept its copy")

	s = restored(t)
	adopted, err := NewStore(s, Adopt())
	require.NoError(t, err)
	got, err = adopted.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(s))

	copying := testing.AllocsPerRun(20, func() { _, _ = NewStore(s) })
	adopting := testing.AllocsPerRun(20, func() { _, _ = NewStore(s, Adopt()) })
	assert.Less(t, adopting, copying)
}
