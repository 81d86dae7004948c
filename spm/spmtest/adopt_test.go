package spmtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Without Adopt a fake keeps a copy of what it is given: changing the
// input afterwards changes nothing in it. With Adopt it keeps the input
// itself, reads the same, and building it copies nothing (fewer
// allocations than the copying constructor).
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	t.Run("catalog", func(t *testing.T) {
		s := spmtest.Sample()
		want := s.Clone()
		cat, err := spmtest.NewCatalog(s)
		require.NoError(t, err)
		clear(s.Volumes)
		got, err := cat.Snapshot(ctx)
		require.NoError(t, err)
		assert.True(t, got.Equal(want), "the copying catalog kept its copy")

		s = spmtest.Sample()
		adopted, err := spmtest.NewCatalog(s, spmtest.Adopt())
		require.NoError(t, err)
		got, err = adopted.Snapshot(ctx)
		require.NoError(t, err)
		assert.True(t, got.Equal(s))

		copying := testing.AllocsPerRun(20, func() { _, _ = spmtest.NewCatalog(s) })
		adopting := testing.AllocsPerRun(20, func() { _, _ = spmtest.NewCatalog(s, spmtest.Adopt()) })
		assert.Less(t, adopting, copying)
	})
	t.Run("arrays", func(t *testing.T) {
		live := liveOf(t, spmtest.Sample())
		want := live.Clone()
		adopted, err := spmtest.NewArraysFromData(spmtest.ArraysData{Live: live}, spmtest.Adopt())
		require.NoError(t, err)
		assert.Equal(t, want, adopted.Data().Live)

		copying := testing.AllocsPerRun(20, func() { _, _ = spmtest.NewArraysFromData(spmtest.ArraysData{Live: live}) })
		adopting := testing.AllocsPerRun(20, func() { _, _ = spmtest.NewArraysFromData(spmtest.ArraysData{Live: live}, spmtest.Adopt()) })
		assert.Less(t, adopting, copying)
	})
}
