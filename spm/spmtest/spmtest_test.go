package spmtest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestFaultRules(t *testing.T) {
	ctx := context.Background()
	custom := errors.New("array offline")
	tests := []struct {
		name  string
		rule  spmtest.Fault
		calls []string // targets checked, op OpStart
		fails []bool
		is    error
	}{
		{"matches op and target", spmtest.Fault{Op: spmtest.OpStart, Target: "a", Err: spmtest.ErrInjected}, []string{"a", "b", "a"}, []bool{true, false, true}, spmtest.ErrInjected},
		{"empty target matches all", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected}, []string{"a", "b"}, []bool{true, true}, spmtest.ErrInjected},
		{"count limits", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected, Count: 2}, []string{"a", "a", "a"}, []bool{true, true, false}, spmtest.ErrInjected},
		{"custom error", spmtest.Fault{Op: spmtest.OpStart, Err: custom, Count: 1}, []string{"x", "x"}, []bool{true, false}, custom},
		{"other op never fires", spmtest.Fault{Op: spmtest.OpStop, Err: spmtest.ErrInjected}, []string{"a"}, []bool{false}, nil},
		{"delay only", spmtest.Fault{Op: spmtest.OpStart, Delay: time.Microsecond}, []string{"a"}, []bool{false}, nil},
		// Since the shared engine, a rule without Err only delays: there is
		// no default error (it used to be ErrInjected).
		{"no Err means no failure", spmtest.Fault{Op: spmtest.OpStart}, []string{"a"}, []bool{false}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := spmtest.NewFaults(7)
			require.NoError(t, f.Add(tt.rule))
			for i, target := range tt.calls {
				err := f.Check(ctx, spmtest.OpStart, target)
				if tt.fails[i] {
					require.Error(t, err, "call %d", i)
					assert.ErrorIs(t, err, tt.is)
					hits := f.Hits()
					require.NotEmpty(t, hits)
					assert.Equal(t, target, hits[len(hits)-1].Target, "the hit names the target")
				} else {
					assert.NoError(t, err, "call %d", i)
				}
			}
		})
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []bool {
		f := spmtest.NewFaults(seed)
		require.NoError(t, f.Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.ErrInjected, Probability: 0.5}))
		var out []bool
		for range 64 {
			out = append(out, f.Check(context.Background(), spmtest.OpUIGet, "/") != nil)
		}
		return out
	}
	a, b := run(42), run(42)
	assert.Equal(t, a, b, "same seed, same faults")
	fired := 0
	for _, x := range a {
		if x {
			fired++
		}
	}
	assert.Greater(t, fired, 10)
	assert.Less(t, fired, 54)
	assert.NotEqual(t, a, run(43))
}

func TestFaultDelayHonoursContext(t *testing.T) {
	f := spmtest.NewFaults(1)
	require.NoError(t, f.Add(spmtest.Fault{Op: spmtest.OpLive, Delay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, f.Check(ctx, spmtest.OpLive), context.Canceled)
}

func TestFaultRuleValidation(t *testing.T) {
	f := spmtest.NewFaults(1)
	assert.Error(t, f.Add(spmtest.Fault{Probability: 1.5}))
	assert.Error(t, f.Add(spmtest.Fault{Count: -1}))
	require.NoError(t, f.Add(spmtest.Fault{Op: "x"}))
	f.Clear()
	assert.NoError(t, f.Check(context.Background(), "x", ""))
}

func TestCatalogFaultsAndApply(t *testing.T) {
	ctx := context.Background()
	cat, err := spmtest.NewCatalog(spmtest.Sample())
	require.NoError(t, err)
	require.NoError(t, cat.Faults.Add(spmtest.Fault{Op: spmtest.OpApply, Target: spm.KindRemoveVolume, Err: spmtest.ErrInjected, Count: 1}))
	err = cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"})
	assert.ErrorIs(t, err, spmtest.ErrInjected)
	require.NoError(t, cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"}))
	err = cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"})
	assert.ErrorIs(t, err, spm.ErrNotFound, "the fake applies with spm.Apply")
	assert.Equal(t, []spm.Change{spm.RemoveVolume{VolumeID: "vol3"}}, cat.Applied())

	s, err := cat.Snapshot(ctx)
	require.NoError(t, err)
	s.Volumes["x"] = spm.Volume{ID: "x"}
	again, err := cat.Snapshot(ctx)
	require.NoError(t, err)
	assert.NotContains(t, again.Volumes, "x", "snapshots are copies")

	bad := spmtest.Sample()
	bad.Presentations = append(bad.Presentations, spm.Presentation{VolumeID: "ghost"})
	_, err = spmtest.NewCatalog(bad)
	assert.ErrorContains(t, err, "ghost")
}

func TestArraysScriptingKeepsStateValid(t *testing.T) {
	a, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(spmtest.Sample()))
	require.NoError(t, err)
	vol3 := spmtest.SampleWWN("volume", 3)
	tests := []struct {
		name string
		do   func() error
		msg  string
	}{
		{"unknown array", func() error { return a.ImportVolume("msa", spm.LiveVolume{WWN: 1}) }, `no array "msa"`},
		{"duplicate volume", func() error { return a.ImportVolume(spmtest.Array3PAR, spm.LiveVolume{WWN: vol3}) }, "listed twice"},
		{"present unknown volume", func() error {
			return a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: 99, Initiator: 1})
		}, "does not hold"},
		{"duplicate presentation", func() error {
			return a.Present(spmtest.Array3PAR, spm.LivePresentation{VolumeWWN: vol3, Initiator: spmtest.SampleWWN("initiator", 3)})
		}, "presented twice"},
		{"unpresent missing", func() error { return a.Unpresent(spmtest.Array3PAR, vol3, 12345) }, "does not present"},
		{"delete missing", func() error { return a.DeleteVolume(spmtest.Array3PAR, 12345) }, "holds no volume"},
		{"change WWN", func() error {
			return a.UpdateVolume(spmtest.Array3PAR, vol3, func(v *spm.LiveVolume) { v.WWN++ })
		}, "may not change the WWN"},
		{"duplicate array", func() error { return a.AddArray(spm.LiveArray{ID: spmtest.ArrayXP, Type: spm.ArrayXP}) }, "exists"},
	}
	ctx := context.Background()
	before, err := a.Live(ctx)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			after, err := a.Live(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused script step changes nothing")
		})
	}
}

// Many goroutines use every fake at once (run with -race).
func TestFakesConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := spmtest.Sample()
	cat, err := spmtest.NewCatalog(s)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(s))
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
