package spm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The recognisable secret every leak test greps for.
const leakMarker = "XyZZy-hunter2-SECRET"

// fmtVerbs are every way fmt can be asked to print a value, bad verbs
// included.
var fmtVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%z", "%p", "%10.4s", "%-8v", "% x", "%U", "%c", "%t", "%e", "%b", "%o"}

// wrapVerb is a variable so that vet lets the tests misuse %w on purpose.
var wrapVerb = "wrapped: %w"

// A *secret at the top level: no verb, no slog handler, no encoder prints
// it; reveal does.
func TestSecretRedactsEverywhere(t *testing.T) {
	s := newSecret(leakMarker)
	var outs []string
	for _, verb := range fmtVerbs {
		outs = append(outs, fmt.Sprintf(verb, s))
	}
	outs = append(outs, fmt.Errorf(wrapVerb, s).Error(), fmt.Sprint(s), fmt.Sprintln(s), fmt.Sprint([]any{s}), fmt.Sprintf("%v", map[string]any{"p": s}))
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("m", "pw", s, slog.Any("any", s))
	slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "pw", s, slog.Group("g", "pw", s))
	b, err := json.Marshal(map[string]any{"pw": s})
	require.NoError(t, err)
	tb, err := s.MarshalText()
	require.NoError(t, err)
	outs = append(outs, text.String(), js.String(), string(b), string(tb))
	for _, out := range outs {
		assert.NotContains(t, out, leakMarker)
		assert.NotContains(t, out, fmt.Sprintf("%x", leakMarker))
		assert.NotContains(t, out, fmt.Sprintf("%X", leakMarker))
	}
	assert.Contains(t, text.String(), redacted)
	assert.Contains(t, js.String(), redacted)
	assert.Equal(t, leakMarker, s.reveal())
	assert.Equal(t, "", (*secret)(nil).reveal())
}
