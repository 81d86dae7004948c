package resync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// endState is what an execute leaves that matters: the stores, the
// RecoveryMode value and the domains in maintenance.
func (e *miniEstate) endState(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	vs, err := e.vstore.Snapshot(ctx)
	require.NoError(t, err)
	vfp, err := vs.Fingerprint()
	require.NoError(t, err)
	cs, err := e.catalog.Snapshot(ctx)
	require.NoError(t, err)
	cfp, err := cs.Fingerprint()
	require.NoError(t, err)
	ms, err := e.mstore.Snapshot(ctx)
	require.NoError(t, err)
	mfp, err := ms.Fingerprint()
	require.NoError(t, err)
	mode, err := e.mode.RecoveryMode(ctx)
	require.NoError(t, err)
	return fmt.Sprintf("vcem %s\nspm %s\nmatrixoe %s\nmode %s\nmaintenance %v", vfp, cfp, mfp, mode, e.vmgr.InMaintenance())
}

func reusedAddressHistory(t testing.TB, e *miniEstate) {
	t.Helper()
	require.NoError(t, e.vlive.DeleteProfile("d1", "web"))
	_, err := e.vlive.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:4", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	require.NoError(t, e.vlive.UnassignProfile("d1", "db"))
	e.vlive.RestoreVCEM("d1")
}

// TestCrashResumeAtEveryRecord stops an execute as a crash would at each
// journal record in turn — only the journal and the stores survive — and
// resumes it: the end state is the uninterrupted run's, every time.
func TestCrashResumeAtEveryRecord(t *testing.T) {
	ctx := context.Background()
	ref := newMiniEstate(t)
	reusedAddressHistory(t, ref)
	plan, err := resync.Analyze(ctx, ref.env)
	require.NoError(t, err)
	dir := t.TempDir()
	res, err := resync.Execute(ctx, ref.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir))
	require.NoError(t, err)
	require.True(t, res.Complete)
	want := ref.endState(t)
	recs, err := resync.ReadJournal(dir)
	require.NoError(t, err)
	require.Greater(t, len(recs), 10)

	for k := 1; k <= len(recs); k++ {
		t.Run(fmt.Sprintf("crash after record %d (%s)", k, recs[k-1].Type), func(t *testing.T) {
			e := newMiniEstate(t)
			reusedAddressHistory(t, e)
			p, err := resync.Analyze(ctx, e.env, resync.WithClock(func() time.Time { return plan.Created }))
			require.NoError(t, err)
			dir := t.TempDir()
			n := 0
			_, err = resync.Execute(ctx, e.env, p, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir),
				resync.WithJournalHook(func(resync.Record) error {
					if n++; n == k {
						return resync.ErrSimulatedCrash
					}
					return nil
				}))
			require.ErrorIs(t, err, resync.ErrSimulatedCrash)
			res, err := resync.Resume(ctx, e.env, dir, resync.WithPrompter(resync.Yes()))
			require.NoError(t, err)
			assert.True(t, res.Complete)
			assert.Equal(t, want, e.endState(t))
			again, err := resync.Resume(ctx, e.env, dir, resync.WithPrompter(resync.Yes()))
			require.NoError(t, err, "resuming a finished execute is a no-op")
			assert.True(t, again.Complete)
			assert.Equal(t, want, e.endState(t))
		})
	}
}

func TestResumeRefusesMovedStore(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	reusedAddressHistory(t, e)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	dir := t.TempDir()
	n := 0
	_, err = resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir),
		resync.WithJournalHook(func(r resync.Record) error {
			if r.Type == resync.RecChangeApplied && r.Section == resync.SectionVCEM {
				if n++; n == 1 {
					return resync.ErrSimulatedCrash
				}
			}
			return nil
		}))
	require.ErrorIs(t, err, resync.ErrSimulatedCrash)
	// Someone else changes the VCEM database meanwhile.
	vs, err := e.vstore.Snapshot(ctx)
	require.NoError(t, err)
	for id := range vs.Profiles {
		require.NoError(t, e.vstore.Apply(ctx, vcem.DeleteProfile{ProfileID: id}))
		break
	}
	_, err = resync.Resume(ctx, e.env, dir, resync.WithPrompter(resync.Yes()))
	require.Error(t, err)
	assert.True(t, errors.Is(err, resync.ErrStalePlan), "%v", err)
	assert.Contains(t, err.Error(), "does not hold what the journal says was applied")
}

// TestResumeSettlesInFlightChange: the crash came after the store applied
// the change but before the journal said so. Resume sees its effect and
// does not apply it again (a DeleteProfile applied twice would fail).
func TestResumeSettlesInFlightChange(t *testing.T) {
	ctx := context.Background()
	for _, effect := range []bool{true, false} {
		t.Run(fmt.Sprintf("effect present %v", effect), func(t *testing.T) {
			ref := newMiniEstate(t)
			reusedAddressHistory(t, ref)
			plan, err := resync.Analyze(ctx, ref.env)
			require.NoError(t, err)
			_, err = resync.Execute(ctx, ref.env, plan, resync.WithPrompter(resync.Yes()))
			require.NoError(t, err)

			e := newMiniEstate(t)
			reusedAddressHistory(t, e)
			p, err := resync.Analyze(ctx, e.env)
			require.NoError(t, err)
			dir := t.TempDir()
			var inflight resync.Record
			_, err = resync.Execute(ctx, e.env, p, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir),
				resync.WithJournalHook(func(r resync.Record) error {
					if r.Type == resync.RecChangeIntent && r.Section == resync.SectionVCEM && r.Step == 1 {
						inflight = r
						return resync.ErrSimulatedCrash
					}
					return nil
				}))
			require.ErrorIs(t, err, resync.ErrSimulatedCrash)
			c, err := resync.DecodeChange(inflight.Change)
			require.NoError(t, err)
			require.IsType(t, vcem.DeleteProfile{}, c, "the first VCEM change deletes the stale profile")
			if effect {
				require.NoError(t, e.vstore.Apply(ctx, c.(vcem.Change)))
			}
			res, err := resync.Resume(ctx, e.env, dir, resync.WithPrompter(resync.Yes()))
			require.NoError(t, err)
			assert.True(t, res.Complete)
			assert.Equal(t, ref.endState(t), e.endState(t))
		})
	}
}

func TestCheckpointRunsBeforeEveryRecord(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	reusedAddressHistory(t, e)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	var order []string
	dir := t.TempDir()
	_, err = resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir),
		resync.WithCheckpoint(func(r resync.Record) error { order = append(order, "checkpoint "+string(r.Type)); return nil }),
		resync.WithJournalHook(func(r resync.Record) error { order = append(order, "record "+string(r.Type)); return nil }))
	require.NoError(t, err)
	require.NotEmpty(t, order)
	for i := 0; i < len(order); i += 2 {
		require.Equal(t, "checkpoint"+order[i+1][len("record"):], order[i], "a checkpoint precedes record %d", i/2+1)
	}
	stop := errors.New("disk full")
	e2 := newMiniEstate(t)
	reusedAddressHistory(t, e2)
	_, err = resync.Execute(ctx, e2.env, plan, resync.WithPrompter(resync.Yes()),
		resync.WithCheckpoint(func(resync.Record) error { return stop }))
	assert.ErrorIs(t, err, stop)
}
