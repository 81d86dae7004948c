package faultrule_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/faultrule"
)

type call struct {
	op      string
	targets []string
}

func TestCheckMatching(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	tests := []struct {
		name  string
		rules []faultrule.Rule
		calls []call
		want  []error         // Check's result per call
		hits  []faultrule.Hit // the log after every call
	}{
		{
			name:  "exact op and target",
			rules: []faultrule.Rule{{Op: "x.Read", Target: "d1", Err: errA}},
			calls: []call{{"x.Read", []string{"d1"}}, {"x.Read", []string{"d2"}}, {"x.Write", []string{"d1"}}},
			want:  []error{errA, nil, nil},
			hits:  []faultrule.Hit{{Op: "x.Read", Target: "d1", Rule: 0}},
		},
		{
			name:  "empty op matches every operation",
			rules: []faultrule.Rule{{Target: "d1", Err: errA}},
			calls: []call{{"x.Read", []string{"d1"}}, {"y.Apply", []string{"d1"}}, {"y.Apply", []string{"d2"}}},
			want:  []error{errA, errA, nil},
			hits:  []faultrule.Hit{{Op: "x.Read", Target: "d1"}, {Op: "y.Apply", Target: "d1"}},
		},
		{
			name:  "empty target matches any target and none",
			rules: []faultrule.Rule{{Op: "x.Read", Err: errA}},
			calls: []call{{"x.Read", []string{"zz"}}, {"x.Read", nil}, {"x.Read", []string{""}}},
			want:  []error{errA, errA, errA},
			hits:  []faultrule.Hit{{Op: "x.Read", Target: "zz"}, {Op: "x.Read"}, {Op: "x.Read"}},
		},
		{
			name:  "a target rule never matches a call without target",
			rules: []faultrule.Rule{{Op: "x.Read", Target: "d1", Err: errA}},
			calls: []call{{"x.Read", nil}, {"x.Read", []string{""}}},
			want:  []error{nil, nil},
		},
		{
			name:  "any of several targets",
			rules: []faultrule.Rule{{Op: "x.Apply", Target: "kind.Drop", Err: errA}},
			calls: []call{{"x.Apply", []string{"kind.Add", "ls1", "kind.Drop", "ls2"}}, {"x.Apply", []string{"kind.Add", "ls1"}}},
			want:  []error{errA, nil},
			hits:  []faultrule.Hit{{Op: "x.Apply", Target: "kind.Drop"}},
		},
		{
			name:  "count limits, then the next rule applies",
			rules: []faultrule.Rule{{Op: "x.Apply", Err: errA, Count: 2}, {Op: "x.Apply", Err: errB}},
			calls: []call{{"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}},
			want:  []error{errA, errA, errB, errB},
			hits: []faultrule.Hit{
				{Op: "x.Apply", Rule: 0}, {Op: "x.Apply", Rule: 0}, {Op: "x.Apply", Rule: 1}, {Op: "x.Apply", Rule: 1},
			},
		},
		{
			name:  "first matching rule wins",
			rules: []faultrule.Rule{{Op: "x.Apply", Target: "t", Err: errA}, {Op: "x.Apply", Err: errB}},
			calls: []call{{"x.Apply", []string{"t"}}, {"x.Apply", []string{"u"}}},
			want:  []error{errA, errB},
			hits:  []faultrule.Hit{{Op: "x.Apply", Target: "t", Rule: 0}, {Op: "x.Apply", Target: "u", Rule: 1}},
		},
		{
			name:  "delay-only rule fires and lets the call proceed",
			rules: []faultrule.Rule{{Op: "x.Read", Delay: time.Nanosecond}, {Op: "x.Read", Err: errB}},
			calls: []call{{"x.Read", nil}},
			want:  []error{nil},
			hits:  []faultrule.Hit{{Op: "x.Read", Rule: 0}},
		},
		{
			name:  "probability 1 always fires",
			rules: []faultrule.Rule{{Op: "x.Read", Err: errA, Probability: 1}},
			calls: []call{{"x.Read", nil}, {"x.Read", nil}, {"x.Read", nil}},
			want:  []error{errA, errA, errA},
			hits:  []faultrule.Hit{{Op: "x.Read"}, {Op: "x.Read"}, {Op: "x.Read"}},
		},
		{
			name:  "no rules",
			calls: []call{{"x.Read", []string{"d1"}}},
			want:  []error{nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := faultrule.NewSet(1)
			for _, r := range tt.rules {
				require.NoError(t, s.Add(r))
			}
			require.Len(t, tt.want, len(tt.calls))
			for i, c := range tt.calls {
				err := s.Check(context.Background(), c.op, c.targets...)
				if tt.want[i] == nil {
					assert.NoError(t, err, "call %d", i)
				} else {
					assert.Same(t, tt.want[i], err, "call %d returns the rule's error unchanged", i)
				}
			}
			assert.Equal(t, tt.hits, s.Hits())
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		rule   faultrule.Rule
		errHas string // "" = valid
	}{
		{"plain", faultrule.Rule{Op: "x"}, ""},
		{"probability 0", faultrule.Rule{Probability: 0}, ""},
		{"probability 1", faultrule.Rule{Probability: 1}, ""},
		{"probability above 1", faultrule.Rule{Op: "x.Get", Target: "/p", Probability: 1.5}, `rule (op "x.Get", target "/p"): probability 1.5 outside [0,1]`},
		{"negative probability", faultrule.Rule{Probability: -0.1}, "probability -0.1"},
		{"NaN probability", faultrule.Rule{Probability: math.NaN()}, "probability NaN"},
		{"negative count", faultrule.Rule{Op: "x.Apply", Count: -1}, `count -1 is negative`},
		{"negative delay", faultrule.Rule{Delay: -time.Second}, "delay -1s is negative"},
		{"negative skip", faultrule.Rule{Op: "x.Apply", Skip: -2}, `rule (op "x.Apply", target ""): skip -2 is negative`},
		{"skip", faultrule.Rule{Skip: 3, Count: 1}, ""},
		{"HTTP 503", faultrule.Rule{Err: faultrule.HTTPError{Status: 503}}, ""},
		{"HTTP 404 wrapped", faultrule.Rule{Err: fmt.Errorf("w: %w", faultrule.HTTPError{Status: 404})}, ""},
		{"HTTP 200 is no failure", faultrule.Rule{Err: faultrule.HTTPError{Status: 200}}, "HTTP status 200 is not a 4xx or 5xx failure"},
		{"HTTP 600", faultrule.Rule{Err: faultrule.HTTPError{Status: 600}}, "HTTP status 600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			s := faultrule.NewSet(1)
			addErr := s.Add(tt.rule)
			if tt.errHas == "" {
				assert.NoError(t, err)
				assert.NoError(t, addErr)
				return
			}
			assert.ErrorContains(t, err, tt.errHas)
			assert.Equal(t, err, addErr, "Add refuses what Validate refuses")
			assert.Nil(t, s.Pick(tt.rule.Op, tt.rule.Target), "a refused rule is not added")
		})
	}
}

// Skip lets the first N matching calls pass, then the rule fires (Count
// times, or forever): a test walks a crash through every point of a
// sequence by raising Skip one at a time.
func TestSkip(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	tests := []struct {
		name  string
		rules []faultrule.Rule
		calls []call
		want  []error
		hits  []faultrule.Hit
	}{
		{
			name:  "skip 2 count 1 fires on the third matching call only",
			rules: []faultrule.Rule{{Op: "x.Apply", Skip: 2, Count: 1, Err: errA}},
			calls: []call{{"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}},
			want:  []error{nil, nil, errA, nil},
			hits:  []faultrule.Hit{{Op: "x.Apply"}},
		},
		{
			name:  "skip without count fires on every call after the skipped ones",
			rules: []faultrule.Rule{{Op: "x.Apply", Skip: 1, Err: errA}},
			calls: []call{{"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}},
			want:  []error{nil, errA, errA},
			hits:  []faultrule.Hit{{Op: "x.Apply"}, {Op: "x.Apply"}},
		},
		{
			name:  "only matching calls count towards skip",
			rules: []faultrule.Rule{{Op: "x.Apply", Target: "d1", Skip: 1, Count: 1, Err: errA}},
			calls: []call{{"x.Apply", []string{"d2"}}, {"x.Read", []string{"d1"}}, {"x.Apply", []string{"d1"}}, {"x.Apply", []string{"d1"}}},
			want:  []error{nil, nil, nil, errA},
			hits:  []faultrule.Hit{{Op: "x.Apply", Target: "d1"}},
		},
		{
			name: "a skipped call is offered to the later rules",
			rules: []faultrule.Rule{
				{Op: "x.Apply", Skip: 1, Count: 1, Err: errA},
				{Op: "x.Apply", Count: 1, Err: errB},
			},
			calls: []call{{"x.Apply", nil}, {"x.Apply", nil}, {"x.Apply", nil}},
			want:  []error{errB, errA, nil},
			hits:  []faultrule.Hit{{Op: "x.Apply", Rule: 1}, {Op: "x.Apply", Rule: 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := faultrule.NewSet(1)
			for _, r := range tt.rules {
				require.NoError(t, s.Add(r))
			}
			for i, c := range tt.calls {
				assert.Equal(t, tt.want[i], s.Check(context.Background(), c.op, c.targets...), "call %d", i)
			}
			assert.Equal(t, tt.hits, s.Hits())
		})
	}
}

// Skipped calls draw nothing from the generator: with Skip the random
// sequence of the firing calls is the same as without it, shifted.
func TestSkipDrawsNoProbability(t *testing.T) {
	fired := func(skip int) []bool {
		s := faultrule.NewSet(7)
		require.NoError(t, s.Add(faultrule.Rule{Op: "x", Probability: 0.5, Skip: skip, Err: faultrule.ErrInjected}))
		var out []bool
		for range 40 + skip {
			out = append(out, s.Check(context.Background(), "x") != nil)
		}
		return out[skip:]
	}
	assert.Equal(t, fired(0), fired(5))
}

// The error names the rule; check the exact wording once.
func TestValidateMessage(t *testing.T) {
	err := faultrule.Rule{Op: "x.Get", Target: "/p", Probability: 2}.Validate()
	assert.EqualError(t, err, `faultrule: rule (op "x.Get", target "/p"): probability 2 outside [0,1]`)
}

func TestProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64, p float64) []bool {
		s := faultrule.NewSet(seed)
		require.NoError(t, s.Add(faultrule.Rule{Op: "x.Job", Err: faultrule.ErrInjected, Probability: p}))
		out := make([]bool, 400)
		for i := range out {
			out[i] = s.Check(context.Background(), "x.Job") != nil
		}
		return out
	}
	count := func(xs []bool) int {
		n := 0
		for _, x := range xs {
			if x {
				n++
			}
		}
		return n
	}
	for _, p := range []float64{0.1, 0.3, 0.5, 0.9} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			a, b := run(42, p), run(42, p)
			assert.Equal(t, a, b, "same seed, same firing sequence")
			assert.NotEqual(t, a, run(43, p), "another seed, another sequence")
			n := count(a)
			assert.InDelta(t, p*400, n, 60, "about %v of 400 calls fire", p)
		})
	}
}

// A draw is made only for a matching, unspent rule: calls of other
// operations do not move the sequence.
func TestProbabilityDrawsOnlyForMatchingRules(t *testing.T) {
	run := func(interleave bool) []bool {
		s := faultrule.NewSet(9)
		require.NoError(t, s.Add(faultrule.Rule{Op: "x.A", Err: faultrule.ErrInjected, Probability: 0.5}))
		require.NoError(t, s.Add(faultrule.Rule{Op: "x.B", Err: faultrule.ErrInjected, Count: 1, Probability: 0.5}))
		var out []bool
		for range 100 {
			if interleave {
				_ = s.Check(context.Background(), "x.C")
				_ = s.Check(context.Background(), "x.B") // spent after its first firing
			}
			out = append(out, s.Check(context.Background(), "x.A") != nil)
		}
		return out
	}
	plain := run(false)
	assert.NotEqual(t, plain, run(true), "x.B draws until it fires once")
	s := faultrule.NewSet(9)
	require.NoError(t, s.Add(faultrule.Rule{Op: "x.A", Err: faultrule.ErrInjected, Probability: 0.5}))
	var got []bool
	for range 100 {
		_ = s.Check(context.Background(), "x.C")
		got = append(got, s.Check(context.Background(), "x.A") != nil)
	}
	assert.Equal(t, plain, got, "non-matching calls draw nothing")
}

func TestCheckContext(t *testing.T) {
	cancelled := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	tests := []struct {
		name     string
		rule     faultrule.Rule
		ctx      context.Context
		want     error
		hitCount int
	}{
		// lateCtx lets Check past its upfront test, so the rule fires and
		// the delay's wait must end with ctx's error.
		{"long delay ends with ctx", faultrule.Rule{Op: "x", Delay: time.Hour}, &lateCtx{Context: cancelled()}, context.Canceled, 1},
		{"done ctx consults no rule", faultrule.Rule{Op: "x", Err: faultrule.ErrInjected}, cancelled(), context.Canceled, 0},
		{"done ctx beats a panic rule", faultrule.Rule{Op: "x", Panic: "boom"}, cancelled(), context.Canceled, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := faultrule.NewSet(1)
			require.NoError(t, s.Add(tt.rule))
			assert.ErrorIs(t, s.Check(tt.ctx, "x"), tt.want)
			assert.Len(t, s.Hits(), tt.hitCount)
		})
	}
}

// lateCtx reports no error on its first Err call, so Check gets past its
// upfront test and must honour Done during the delay.
type lateCtx struct {
	context.Context
	mu    sync.Mutex
	asked bool
}

func (c *lateCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.asked {
		c.asked = true
		return nil
	}
	return c.Context.Err()
}

func TestPanic(t *testing.T) {
	s := faultrule.NewSet(1)
	require.NoError(t, s.Add(faultrule.Rule{Op: "x.Snapshot", Panic: "kaboom", Err: faultrule.ErrInjected, Count: 1}))
	require.PanicsWithValue(t, "kaboom", func() { _ = s.Check(context.Background(), "x.Snapshot") })
	assert.NotPanics(t, func() { assert.NoError(t, s.Check(context.Background(), "x.Snapshot")) }, "spent")
	assert.Len(t, s.Hits(), 1)
}

func TestPickNeitherWaitsNorPanics(t *testing.T) {
	s := faultrule.NewSet(1)
	rule := faultrule.Rule{Op: "x.JobRun", Target: "d1", Err: faultrule.ErrInjected, Delay: time.Hour, Panic: "p", Count: 1}
	require.NoError(t, s.Add(rule))
	var got *faultrule.Rule
	require.NotPanics(t, func() { got = s.Pick("x.JobRun", "d1") })
	require.NotNil(t, got)
	assert.Equal(t, rule, *got)
	got.Err = nil // a copy: the set's rule is unaffected
	assert.Nil(t, s.Pick("x.JobRun", "d1"), "count spent")
	assert.Equal(t, []faultrule.Hit{{Op: "x.JobRun", Target: "d1"}}, s.Hits())
}

func TestClearKeepsHits(t *testing.T) {
	s := faultrule.NewSet(1)
	require.NoError(t, s.Add(faultrule.Rule{Op: "x", Err: faultrule.ErrInjected}))
	require.Error(t, s.Check(context.Background(), "x"))
	s.Clear()
	assert.NoError(t, s.Check(context.Background(), "x"))
	require.NoError(t, s.Add(faultrule.Rule{Op: "y", Err: faultrule.ErrInjected}))
	require.Error(t, s.Check(context.Background(), "y"))
	assert.Equal(t, []faultrule.Hit{{Op: "x"}, {Op: "y"}}, s.Hits(), "indexes restart after Clear")
}

func TestNilAndZeroSets(t *testing.T) {
	var nilSet *faultrule.Set
	assert.NoError(t, nilSet.Check(context.Background(), "x", "t"))
	assert.Nil(t, nilSet.Pick("x"))
	assert.Nil(t, nilSet.Hits())
	assert.NotPanics(t, nilSet.Clear)
	assert.ErrorContains(t, nilSet.Add(faultrule.Rule{Op: "x"}), "nil Set")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, nilSet.Check(ctx, "x"), context.Canceled, "a done ctx fails even without rules")

	var zero faultrule.Set
	require.NoError(t, zero.Add(faultrule.Rule{Op: "x", Err: faultrule.ErrInjected, Probability: 0.5}))
	fired := 0
	for range 100 {
		if zero.Check(context.Background(), "x") != nil {
			fired++
		}
	}
	seeded := faultrule.NewSet(0)
	require.NoError(t, seeded.Add(faultrule.Rule{Op: "x", Err: faultrule.ErrInjected, Probability: 0.5}))
	want := 0
	for range 100 {
		if seeded.Check(context.Background(), "x") != nil {
			want++
		}
	}
	assert.Equal(t, want, fired, "the zero value is seeded with 0")
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"HTTPError", faultrule.HTTPError{Status: 429}, 429},
		{"wrapped", fmt.Errorf("ui: %w", faultrule.HTTPError{Status: 500}), 500},
		{"other error", faultrule.ErrInjected, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, faultrule.HTTPStatus(tt.err))
		})
	}
	assert.Equal(t, "injected HTTP 429 Too Many Requests", faultrule.HTTPError{Status: 429}.Error())
}

// Run with -race: many goroutines share one set; a counted rule fires
// exactly Count times in all, and Add, Clear and Hits interleave safely.
func TestConcurrentUse(t *testing.T) {
	s := faultrule.NewSet(5)
	require.NoError(t, s.Add(faultrule.Rule{Op: "x.Apply", Err: faultrule.ErrInjected, Count: 100}))
	require.NoError(t, s.Add(faultrule.Rule{Op: "x.Read", Err: faultrule.ErrInjected, Probability: 0.5}))
	const workers, calls = 16, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for i := range calls {
				if s.Check(context.Background(), "x.Apply", fmt.Sprint(w, i)) != nil {
					n++
				}
				_ = s.Check(context.Background(), "x.Read")
				_ = s.Hits()
			}
			mu.Lock()
			failed += n
			mu.Unlock()
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			assert.NoError(t, s.Add(faultrule.Rule{Op: "x.Other", Delay: time.Nanosecond}))
		}
	}()
	wg.Wait()
	assert.Equal(t, 100, failed, "a counted rule fires exactly Count times across goroutines")
	applyHits := 0
	for _, h := range s.Hits() {
		if h.Op == "x.Apply" {
			applyHits++
		}
	}
	assert.Equal(t, 100, applyHits)
	s.Clear()
	assert.NoError(t, s.Check(context.Background(), "x.Apply", "any"))
}

func BenchmarkCheck(b *testing.B) {
	s := faultrule.NewSet(1)
	for i := range 16 {
		if err := s.Add(faultrule.Rule{Op: "x.Other", Target: fmt.Sprint(i), Err: faultrule.ErrInjected}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Check(ctx, "x.Apply", "t"); err != nil {
			b.Fatal(err)
		}
	}
}
