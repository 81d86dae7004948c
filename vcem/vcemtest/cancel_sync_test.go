package vcemtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// A resync job that completed in a maintenance that is then cancelled
// wrote nothing (the hook runs only when maintenance completes), so the
// domain is still out of sync with VCEM's database: the next check must
// say so, and the next maintenance resync it again. The fake said in sync,
// so an execute resumed after such a cancel never resynced the domain and
// stopped as not clean (found by resync's fault-injection safety test).
func TestManagerCancelAfterCompletedResyncIsNotInSync(t *testing.T) {
	ctx := context.Background()
	hooked := 0
	m := vcemtest.NewManager(vcemtest.WithResyncHook(func(context.Context, string) error { hooked++; return nil }))
	require.NoError(t, m.AddDomain("d1", false))

	require.NoError(t, m.StartMaintenance(ctx, "d1"))
	id, err := m.Resync(ctx, "d1")
	require.NoError(t, err)
	job, err := m.WaitJob(ctx, id)
	require.NoError(t, err)
	require.Equal(t, vcem.JobCompleted, job.State)
	require.NoError(t, m.CancelMaintenance(ctx, "d1"))
	assert.Zero(t, hooked, "a cancelled maintenance writes nothing")
	in, err := m.InSync("d1")
	require.NoError(t, err)
	assert.False(t, in, "cancelled: the resync's writes were discarded")

	require.NoError(t, m.StartMaintenance(ctx, "d1"))
	in, err = m.CheckInSync(ctx, "d1")
	require.NoError(t, err)
	assert.False(t, in, "the check under maintenance says so too")
	id, err = m.Resync(ctx, "d1")
	require.NoError(t, err)
	_, err = m.WaitJob(ctx, id)
	require.NoError(t, err)
	require.NoError(t, m.CompleteMaintenance(ctx, "d1"))
	assert.Equal(t, 1, hooked)
	in, err = m.InSync("d1")
	require.NoError(t, err)
	assert.True(t, in, "completed: in sync")
}
