package vcemtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// Without Adopt a fake keeps a copy of what it is given: changing the
// input afterwards changes nothing in it. With Adopt it keeps the input
// itself, reads the same, and building it copies nothing (fewer
// allocations than the copying constructor).
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	t.Run("store", func(t *testing.T) {
		s := estate(t)
		want := s.Clone()
		st, err := vcemtest.NewStore(s)
		require.NoError(t, err)
		for k := range s.Profiles {
			delete(s.Profiles, k)
		}
		got, err := st.Snapshot(ctx)
		require.NoError(t, err)
		assert.True(t, got.Equal(want), "the copying store kept its copy")

		s = estate(t)
		adopted, err := vcemtest.NewStore(s, vcemtest.Adopt())
		require.NoError(t, err)
		got, err = adopted.Snapshot(ctx)
		require.NoError(t, err)
		assert.True(t, got.Equal(s))

		copying := testing.AllocsPerRun(20, func() { _, _ = vcemtest.NewStore(s) })
		adopting := testing.AllocsPerRun(20, func() { _, _ = vcemtest.NewStore(s, vcemtest.Adopt()) })
		assert.Less(t, adopting, copying)
	})
	t.Run("live", func(t *testing.T) {
		l, err := vcemtest.NewLive(estate(t))
		require.NoError(t, err)
		data := l.Data()
		adopted, err := vcemtest.LiveFromData(l.Data(), vcemtest.Adopt())
		require.NoError(t, err)
		back := adopted.Data()
		assert.Equal(t, data.Domains, back.Domains)
		assert.True(t, data.MACs.Equal(back.MACs))
		assert.True(t, data.WWNs.Equal(back.WWNs))

		copying := testing.AllocsPerRun(20, func() { _, _ = vcemtest.LiveFromData(data) })
		adopting := testing.AllocsPerRun(20, func() { _, _ = vcemtest.LiveFromData(data, vcemtest.Adopt()) })
		assert.Less(t, adopting, copying)
	})
}
