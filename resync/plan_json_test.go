package resync_test

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// drillPlan analyses the main restore drill played on e.
func drillPlan(tb testing.TB, e *resynctest.Estate) *resync.Plan {
	tb.Helper()
	ctx := context.Background()
	d, err := resynctest.DrillHistory(e)
	require.NoError(tb, err)
	require.NoError(tb, e.Play(ctx, d.Setup))
	b, err := e.Backup()
	require.NoError(tb, err)
	require.NoError(tb, e.Play(ctx, d.History))
	require.NoError(tb, e.Restore(b))
	plan, err := resync.Analyze(ctx, e.Env(), resync.WithDeletedServices())
	require.NoError(tb, err)
	return plan
}

// TestPlanJSONBytesUnchanged checks that the plan's encoders write the
// bytes encoding/json writes for its fields (schema 1, byte for byte),
// that json.Marshal and AppendJSON agree, and that those bytes decode to a
// plan that encodes to them again.
func TestPlanJSONBytesUnchanged(t *testing.T) {
	e, err := resynctest.Small(1)
	require.NoError(t, err)
	defer e.Close()
	plan := drillPlan(t, e)
	require.NotNil(t, plan.Prior.VCEM)
	require.NotEmpty(t, plan.Prior.VCEMLive)

	want, err := resync.ReferencePlanJSON(plan)
	require.NoError(t, err)
	got, err := json.Marshal(plan)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "json.Marshal")
	appended, err := plan.AppendJSON([]byte("prefix"))
	require.NoError(t, err)
	assert.Equal(t, "prefix"+string(want), string(appended), "AppendJSON")

	back, err := resync.DecodePlan(want)
	require.NoError(t, err)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(again), "decode then encode gives the same bytes")
	ref, err := resync.ReferencePlanJSON(back)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(ref))

	var viaUnmarshal resync.Plan
	require.NoError(t, strictjson.Unmarshal(want, &viaUnmarshal))
	assert.Equal(t, back.Report(), viaUnmarshal.Report())
}

// BenchmarkPlanJSON measures a drill plan's JSON encoding (json.Marshal,
// and AppendJSON, which Save uses) and strict decoding (DecodePlan, and
// the strict decoding alone). The plan is the Small estate's unless
// MXSYNC_BENCH_LARGE=1 (the Large estate: building its plan takes about
// 40 s, so CI's one-iteration smoke run skips it). "heap-MB" is the
// decoded plan's in-memory size.
func BenchmarkPlanJSON(b *testing.B) {
	build := resynctest.Small
	if os.Getenv("MXSYNC_BENCH_LARGE") == "1" {
		build = resynctest.Large
	}
	e, err := build(1)
	require.NoError(b, err)
	plan := drillPlan(b, e)
	e.Close()
	doc, err := json.Marshal(plan)
	require.NoError(b, err)

	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(plan); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := plan.AppendJSON(nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var p resync.Plan
			if err := strictjson.Unmarshal(doc, &p); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		var p resync.Plan
		require.NoError(b, strictjson.Unmarshal(doc, &p))
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "heap-MB")
		runtime.KeepAlive(&p)
	})
	b.Run("DecodePlan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := resync.DecodePlan(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
