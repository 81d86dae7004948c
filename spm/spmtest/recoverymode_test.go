package spmtest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// The fake store restores with the meaning of spm.RestoreRecoveryMode.
func TestRecoveryModeRestore(t *testing.T) {
	ctx := context.Background()
	rm := spmtest.NewRecoveryMode("Normal")
	mc, err := rm.SetRecoveryMode(ctx, spm.RecoveryModeInternal)
	require.NoError(t, err)
	require.True(t, mc.Changed)

	back, err := rm.RestoreRecoveryMode(ctx, mc)
	require.NoError(t, err)
	assert.True(t, back.Changed)
	v, err := rm.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Normal", v)

	again, err := rm.RestoreRecoveryMode(ctx, mc)
	require.NoError(t, err)
	assert.False(t, again.Changed, "already put back")
	assert.Equal(t, 2, rm.Writes())

	_, err = rm.SetRecoveryMode(ctx, spm.RecoveryModeInternal)
	require.NoError(t, err)
	_, err = rm.SetRecoveryMode(ctx, "Other")
	require.NoError(t, err)
	_, err = rm.RestoreRecoveryMode(ctx, mc)
	assert.ErrorIs(t, err, spm.ErrModeChanged)
	assert.ErrorContains(t, err, `it holds "Other", not the "InternalRecovery" that was written`)

	_, err = rm.RestoreRecoveryMode(ctx, &spm.ModeChange{Path: "/etc/x", Changed: true})
	assert.ErrorIs(t, err, spm.ErrInvalid)
	nothing, err := rm.RestoreRecoveryMode(ctx, nil)
	require.NoError(t, err)
	assert.False(t, nothing.Changed)
}

func TestRecoveryModeData(t *testing.T) {
	ctx := context.Background()
	rm := spmtest.NewRecoveryMode("Normal")
	_, err := rm.SetRecoveryMode(ctx, spm.RecoveryModeInternal)
	require.NoError(t, err)
	b, err := json.Marshal(rm.Data())
	require.NoError(t, err)
	assert.JSONEq(t, `{"value":"InternalRecovery","writes":1}`, string(b))
	var d spmtest.RecoveryModeData
	require.NoError(t, strictjson.Unmarshal(b, &d))
	again, err := spmtest.NewRecoveryModeFromData(d)
	require.NoError(t, err)
	assert.Equal(t, rm.Data(), again.Data())
	_, err = spmtest.NewRecoveryModeFromData(spmtest.RecoveryModeData{Writes: -1})
	assert.ErrorIs(t, err, spm.ErrInvalid)
}
