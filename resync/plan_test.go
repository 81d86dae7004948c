package resync_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

func TestPlanJSONRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	reusedAddressHistory(t, e)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	b, err := json.Marshal(plan)
	require.NoError(t, err)
	back, err := resync.DecodePlan(b)
	require.NoError(t, err)
	assert.Equal(t, plan.ID, back.ID)
	assert.Equal(t, plan.Changes(), back.Changes())
	assert.Equal(t, plan.Report(), back.Report())
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2), "encode, decode, encode is stable")

	// A saved plan executes like the one in memory.
	path := t.TempDir() + "/plan.json"
	require.NoError(t, plan.Save(path))
	loaded, err := resync.LoadPlan(path)
	require.NoError(t, err)
	res, err := resync.Execute(ctx, e.env, loaded, resync.WithPrompter(resync.Yes()))
	require.NoError(t, err)
	assert.True(t, res.Complete)
}

func TestDecodePlanRefuses(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	reusedAddressHistory(t, e)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	b, err := json.Marshal(plan)
	require.NoError(t, err)
	good := string(b)
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown field", `"schema":1,`, `"schema":1,"extra":true,`, `extra: unknown field "extra"`},
		{"repeated key", `"schema":1,`, `"schema":1,"schema":1,`, `schema: key "schema" repeated`},
		{"schema", `"schema":1,`, `"schema":2,`, `schema 2, want 1`},
		{"unknown change kind", `"kind":"vcem.DeleteProfile"`, `"kind":"vcem.DeleteProfil"`, `unknown kind "vcem.DeleteProfil"`},
		{"bad change field", `"kind":"vcem.MarkExternalMAC","mac":"`, `"kind":"vcem.MarkExternalMAC","mac":"ZZ`, `.changes[`},
		{"edited", `"message":"`, `"message":"edited `, `edited after it was saved`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.from)
			_, err := resync.DecodePlan([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err = resync.DecodePlan([]byte(strings.Replace(good, `"kind":"vcem.DeleteProfile"`, `"kind":"vcem.DeleteProfil"`, 1)))
	assert.Contains(t, err.Error(), "phases[", "the error names the JSON path")
}

// TestDecodePlanErrorText: a bad value deep in a saved plan is named by its
// full JSON path.
func TestDecodePlanErrorText(t *testing.T) {
	e := newMiniEstate(t)
	reusedAddressHistory(t, e)
	plan, err := resync.Analyze(context.Background(), e.env)
	require.NoError(t, err)
	b, _ := json.Marshal(plan)
	_, err = resync.DecodePlan([]byte(strings.Replace(string(b), `"kind":"vcem.MarkExternalMAC","mac":"`, `"kind":"vcem.MarkExternalMAC","mac":"ZZ`, 1)))
	require.Error(t, err)
	assert.Regexp(t, `^resync: plan: phases\[1\]\.findings\[\d+\]\.changes\[\d+\]\.mac: vcem change vcem\.MarkExternalMAC: "ZZ00-21-5A-9B-00-00": length 19, want 17 characters`, err.Error())
}
