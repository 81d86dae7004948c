package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDrillEndsClean runs the README's main job in-process: the Small drill
// ends clean, exit 0, and its JSON summary says so.
func TestDrillEndsClean(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-seed", "3"}, &out, &errb)
	require.Equal(t, 0, code, "stderr: %s\nstdout tail: %s", errb.String(), tail(out.String()))
	assert.Contains(t, out.String(), "== VCEM phase 1")
	assert.Contains(t, out.String(), "clean: every change applied and verified")

	out.Reset()
	errb.Reset()
	code = run(context.Background(), []string{"-json", "-journal", t.TempDir()}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	var s summary
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	assert.True(t, s.Clean)
	assert.Empty(t, s.Missing)
	assert.Empty(t, s.Remaining)
	assert.Len(t, s.Sections, 5)
	assert.Contains(t, errb.String(), "ISSUE ", "with -json the report goes to stderr")
}

func TestDrillRefusesBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 1, run(context.Background(), []string{"-preset", "huge"}, &out, &errb))
	assert.Contains(t, errb.String(), `unknown preset "huge"`)
	assert.Equal(t, 1, run(context.Background(), []string{"-nope"}, &out, &errb))
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
