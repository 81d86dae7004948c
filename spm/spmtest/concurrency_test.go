package spmtest_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Many goroutines use every fake at once (run with -race).
func TestFakesConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := spmtest.Sample()
	cat, err := spmtest.NewCatalog(s)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(liveOf(t, s))
	require.NoError(t, err)
	svcs, err := spmtest.NewPhase1Services(spm.DefaultServiceNames())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = cat.Apply(ctx, spm.Quarantine{VolumeID: "vol5"})
			_, _ = cat.Snapshot(ctx)
			live, err := arrays.Live(ctx)
			if err == nil {
				_, _ = spm.Analyze(s, live)
			}
			_ = arrays.ImportVolume(spmtest.ArrayEVA, spm.LiveVolume{WWN: spmtest.SampleWWN("volume", 100+i)})
			_ = spm.StartServices(ctx, svcs, spm.DefaultServiceNames().Prerequisites)
		}()
	}
	wg.Wait()
	live, err := arrays.Live(ctx)
	require.NoError(t, err)
	assert.Len(t, live.Arrays[spmtest.ArrayEVA].Volumes, 17)
	snap, err := cat.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, snap.Volumes["vol5"].Quarantined)
	assert.Len(t, cat.Applied(), 16)
}
