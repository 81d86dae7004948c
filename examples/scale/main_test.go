package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lastLine runs the program and decodes its last line.
func lastLine(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	require.Equal(t, 0, code, "stderr: %s", errOut.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var fig map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &fig), "last line: %s", lines[len(lines)-1])
	return fig
}

func TestScaleFigures(t *testing.T) {
	fig := lastLine(t, "-domains", "12", "-profiles", "16", "-runs", "2", "-execute", "-codecs", "-latency", "1ms")
	for _, k := range []string{"addresses", "analyze_seconds", "peak_rss_bytes", "sort_seconds", "ratio",
		"serial_seconds", "parallel_seconds", "speedup", "execute_seconds",
		"estate_encode_seconds", "estate_decode_seconds", "plan_encode_seconds", "plan_decode_seconds",
		"analyze_peak_live_heap_bytes", "analyze_peak_heap_bytes"} {
		t.Run(k, func(t *testing.T) {
			v, ok := fig[k].(float64)
			require.True(t, ok, "%s missing or not a number: %v", k, fig[k])
			assert.Positive(t, v)
		})
	}
	assert.Equal(t, float64(12*16), fig["profiles"])
	assert.Equal(t, float64(12), fig["resync_domains"])
	assert.Len(t, fig["analyze_runs"], 2)
	assert.GreaterOrEqual(t, fig["analyze_peak_heap_bytes"], fig["analyze_peak_live_heap_bytes"], "garbage included, the heap is at least the live heap")
	assert.Greater(t, fig["analyze_peak_live_heap_bytes"], fig["heap_before_analyze_bytes"], "the analyses hold more than the estate")
	// Each domain: start maintenance, check, resync, wait, complete.
	assert.GreaterOrEqual(t, fig["manager_calls"], float64(12*4))
}

func TestScaleFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-runs", "0"}, "-runs 0: want at least 1"},
		{[]string{"-concurrency", "0"}, "-concurrency 0: want at least 1"},
		{[]string{"-latency", "-1s"}, "-latency -1s: want zero or more"},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"-sections", "vcem,bogus"}, "-sections: "},
	} {
		t.Run(tt.want, func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, 1, run(context.Background(), tt.args, &out, &errOut))
			assert.Contains(t, errOut.String(), tt.want)
			assert.Empty(t, out.String())
		})
	}
}
