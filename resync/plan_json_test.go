package resync_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
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

// TestPlanJSONShapes checks AppendJSON, which builds the document from
// the pieces the ID hashes, against encoding/json's bytes and the ID as
// it was computed on its own, on plans of every shape: no phases, no
// findings (nil and empty), strings that look like the keys it splices
// at, and an SPM catalog as restored.
func TestPlanJSONShapes(t *testing.T) {
	e, err := resynctest.Small(1)
	require.NoError(t, err)
	defer e.Close()
	drill := drillPlan(t, e)
	require.NotEmpty(t, drill.Phases)
	require.NotEmpty(t, drill.Findings())
	edit := func(f func(p *resync.Plan)) *resync.Plan {
		cp := *drill
		cp.Phases = slices.Clone(drill.Phases)
		f(&cp)
		return &cp
	}
	odd := `"findings":null,"phases":null,"prior":{} <&> ` + "\u2028\xff"
	for name, plan := range map[string]*resync.Plan{
		"drill":      drill,
		"nil phases": edit(func(p *resync.Plan) { p.Phases = nil }),
		"no phases":  edit(func(p *resync.Plan) { p.Phases = []resync.PhasePlan{} }),
		"no findings": edit(func(p *resync.Plan) {
			p.Phases[0].Findings = nil
			p.Phases[len(p.Phases)-1].Findings = []resync.Finding{}
		}),
		"odd strings": edit(func(p *resync.Plan) {
			p.Manifest, p.DeletedServices = odd, []string{odd}
			p.Inputs = maps.Clone(p.Inputs)
			p.Inputs[odd] = odd
			p.Phases[0].Title, p.Phases[0].Skipped, p.Phases[0].PredictedBy = odd, odd, odd
			p.Phases[0].Findings = append(slices.Clone(p.Phases[0].Findings), resync.Finding{Code: odd, Subject: odd, Message: odd, Manual: odd})
			p.Prior.Services = []resync.ServiceStatus{{Name: odd}}
		}),
		"spm as restored": edit(func(p *resync.Plan) { p.Prior.SPMAsRestored = p.Prior.SPM }),
	} {
		t.Run(name, func(t *testing.T) {
			want, err := resync.ReferencePlanJSON(plan)
			require.NoError(t, err)
			got, err := plan.AppendJSON(nil)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			id, err := resync.ReferencePlanID(plan)
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(string(got), `"id":"`+id+`"}`), "the ID as it was computed on its own")
		})
	}
}

// TestPriorAppendersAreEncodingJSONs checks each section's appender that
// the plan's prior uses against json.Marshal, byte for byte, on the drill
// plans of the Small and, with MXSYNC_BENCH_LARGE=1, Large presets.
func TestPriorAppendersAreEncodingJSONs(t *testing.T) {
	for name, build := range map[string]func(uint64, ...resynctest.Option) (*resynctest.Estate, error){"small": resynctest.Small, "large": resynctest.Large} {
		t.Run(name, func(t *testing.T) {
			if name == "large" && os.Getenv("MXSYNC_BENCH_LARGE") != "1" {
				t.Skip("MXSYNC_BENCH_LARGE=1: the Large estate takes 10 s")
			}
			e, err := build(1)
			require.NoError(t, err)
			plan := drillPlan(t, e)
			pr := plan.Prior
			e.Close()
			require.NotNil(t, pr.SPM)
			require.NotNil(t, pr.SPMLive)
			require.NotNil(t, pr.MatrixOE)
			require.NotNil(t, pr.MatrixOELive)
			t.Run("document and size hint", func(t *testing.T) {
				all, err := plan.AppendJSON(nil)
				require.NoError(t, err)
				doc, err := json.Marshal(struct{ Prior resync.Prior }{pr})
				require.NoError(t, err)
				size, hint := len(doc)-len(`{"Prior":}`), resync.PriorSizeHint(plan)
				t.Logf("prior %d bytes, hint %d (%.2f); plan %d bytes, capacity %d", size, hint, float64(hint)/float64(size), len(all), cap(all))
				if name == "large" { // the estate its figures come from
					assert.InDelta(t, 1.05, float64(hint)/float64(size), 0.05, "the hint is a little more than the size")
					assert.InDelta(t, 1.05, float64(cap(all))/float64(len(all)), 0.05, "one allocation, not grown")
				}
				want, err := resync.ReferencePlanJSON(plan)
				require.NoError(t, err)
				assert.True(t, string(want) == string(all), "the whole document is encoding/json's") // not assert.Equal: 180 MB
				id, err := resync.ReferencePlanID(plan)
				require.NoError(t, err)
				assert.Equal(t, id, plan.ID, "the ID as it was computed on its own")
			})
			for part, c := range map[string]struct {
				v   any
				enc func([]byte) ([]byte, error)
			}{
				"vcem":          {pr.VCEM, pr.VCEM.AppendJSON},
				"vcemLive":      {pr.VCEMLive, func(b []byte) ([]byte, error) { return vcem.AppendLiveJSON(b, pr.VCEMLive) }},
				"spm":           {pr.SPM, pr.SPM.AppendJSON},
				"spmLive":       {pr.SPMLive, pr.SPMLive.AppendJSON},
				"matrixoe":      {pr.MatrixOE, pr.MatrixOE.AppendJSON},
				"matrixoeLive":  {pr.MatrixOELive, pr.MatrixOELive.AppendJSON},
				"spmAsRestored": {pr.SPMAsRestored, pr.SPMAsRestored.AppendJSON},
			} {
				t.Run(part, func(t *testing.T) {
					want, err := json.Marshal(c.v)
					require.NoError(t, err)
					got, err := c.enc(nil)
					require.NoError(t, err)
					if string(want) != string(got) { // not assert.Equal: the diff of two 50 MB strings
						i := 0
						for i < min(len(want), len(got)) && want[i] == got[i] {
							i++
						}
						from := max(i-40, 0)
						t.Errorf("%d bytes from json.Marshal, %d from the appender; first difference at %d: %q vs %q",
							len(want), len(got), i, want[from:min(i+40, len(want))], got[from:min(i+40, len(got))])
					}
				})
			}
		})
	}
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
