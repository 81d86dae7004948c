package vcemtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultsMatchByOperationAndDomain(t *testing.T) {
	errA := errors.New("a")
	tests := []struct {
		name   string
		rule   Fault
		op     string
		domain string
		fires  bool
	}{
		{"exact match", Fault{Op: OpReadDomain, Target: "d1", Err: errA}, OpReadDomain, "d1", true},
		{"other domain", Fault{Op: OpReadDomain, Target: "d1", Err: errA}, OpReadDomain, "d2", false},
		{"other operation", Fault{Op: OpReadDomain, Target: "d1", Err: errA}, OpResync, "d1", false},
		{"any operation", Fault{Target: "d1", Err: errA}, OpResync, "d1", true},
		{"any domain", Fault{Op: OpResync, Err: errA}, OpResync, "zz", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFaults(1)
			require.NoError(t, f.Add(tt.rule))
			err := f.Check(context.Background(), tt.op, tt.domain)
			if tt.fires {
				assert.ErrorIs(t, err, errA)
				assert.Equal(t, []FaultHit{{Op: tt.op, Target: tt.domain, Rule: 0}}, f.Hits())
			} else {
				assert.NoError(t, err)
				assert.Empty(t, f.Hits())
			}
		})
	}
}

func TestFaultsCountAndOrder(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	f := NewFaults(1)
	require.NoError(t, f.Add(Fault{Op: OpApply, Err: errA, Count: 2}))
	require.NoError(t, f.Add(Fault{Op: OpApply, Err: errB}))
	var got []error
	for range 4 {
		got = append(got, f.Check(context.Background(), OpApply, ""))
	}
	assert.Equal(t, []error{errA, errA, errB, errB}, got)
	f.Clear()
	assert.NoError(t, f.Check(context.Background(), OpApply, ""))
}

func TestFaultsProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []bool {
		f := NewFaults(seed)
		require.NoError(t, f.Add(Fault{Op: OpJob, Err: errors.New("x"), Probability: 0.3}))
		out := make([]bool, 200)
		for i := range out {
			out[i] = f.Check(context.Background(), OpJob, "") != nil
		}
		return out
	}
	a, b := run(42), run(42)
	assert.Equal(t, a, b, "same seed, same sequence")
	n := 0
	for _, x := range a {
		if x {
			n++
		}
	}
	assert.InDelta(t, 60, n, 30, "about 30%% of 200 calls fail")
	assert.NotEqual(t, a, run(7))
}

func TestFaultsDelayHonoursContext(t *testing.T) {
	f := NewFaults(1)
	require.NoError(t, f.Add(Fault{Op: OpResync, Delay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.Check(ctx, OpResync, "d")
	assert.ErrorIs(t, err, context.Canceled)

	f2 := NewFaults(1)
	require.NoError(t, f2.Add(Fault{Op: OpResync, Delay: time.Millisecond}))
	assert.NoError(t, f2.Check(context.Background(), OpResync, "d"), "a delay-only rule lets the call proceed")
}

func TestFaultsPanic(t *testing.T) {
	f := NewFaults(1)
	require.NoError(t, f.Add(Fault{Op: OpSnapshot, Panic: "kaboom", Count: 1}))
	require.PanicsWithValue(t, "kaboom", func() { _ = f.Check(context.Background(), OpSnapshot, "") })
	assert.NotPanics(t, func() { _ = f.Check(context.Background(), OpSnapshot, "") })
}

func TestNilFaultsNeverFire(t *testing.T) {
	var f *Faults
	assert.NoError(t, f.Check(context.Background(), OpApply, ""))
	assert.NoError(t, jobFault(f, "d"))
}
