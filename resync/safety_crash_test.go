package resync_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
)

// drillRun is the main restore drill (resynctest.DrillHistory) on a fresh
// Small estate, up to the plan: setup, backup and manifest, history,
// restore, InfrastructureServices.txt written, the operator's steps, the
// analysis (with the credentials the drill names and the manifest).
type drillRun struct {
	e      *resynctest.Estate
	drill  resynctest.Drill
	creds  map[string]vcem.CredentialedDomain
	backup *resynctest.Backup
	plan   *resync.Plan
	opts   []resync.Option
}

// drillCreated is the clock of every drill plan, so that they are equal.
var drillCreated = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func newDrillRun(ctx context.Context, t testing.TB, seed uint64, m resynctest.Model, opts ...resync.Option) *drillRun {
	t.Helper()
	m.Seed = seed
	e, err := resynctest.New(m)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	d, err := resynctest.DrillHistory(e)
	require.NoError(t, err)
	r := &drillRun{e: e, drill: d}
	require.NoError(t, e.Play(ctx, d.Setup))
	r.creds = e.Credentials(d.Credentials...)
	clock := resync.WithClock(func() time.Time { return drillCreated })
	manifest, err := resync.Capture(ctx, e.Env(), append(opts, resync.WithCredentials(r.creds), clock)...)
	require.NoError(t, err)
	r.backup, err = e.Backup()
	require.NoError(t, err)
	require.NoError(t, e.Play(ctx, d.History))
	require.NoError(t, e.Restore(r.backup))
	require.NoError(t, resync.WriteServicesFile(ctx, e.Env()))
	require.NoError(t, e.Play(ctx, d.Operator))
	r.opts = append(opts, resync.WithCredentials(r.creds), clock)
	r.plan, err = resync.Analyze(ctx, e.Env(), append(r.opts, resync.WithManifest(manifest))...)
	require.NoError(t, err)
	return r
}

// answers are the drill's: yes, every manual step acknowledged, no
// deleted service named beyond the file's marks, the drill's credentials.
func (r *drillRun) answers() *resync.Answers {
	yes := true
	return &resync.Answers{Services: &yes, Proceed: &yes, AcknowledgeAll: true, Deleted: []string{}, Domains: r.creds}
}

// TestSafetyCrashResume crashes the main drill's execute at each journal
// record in turn (WithJournalHook returning ErrSimulatedCrash: only the
// journal and the stores survive — the estate's fakes are the stores) and
// resumes it: the end state — the databases' and the hardware's
// fingerprints, RecoveryMode, the domains in maintenance — is the
// uninterrupted run's at every crash point, and resuming the finished
// execute again changes nothing.
//
// CI crashes at every 4th record (and the first and last two); MXSYNC_CRASH_ALL=1
// at every one.
func TestSafetyCrashResume(t *testing.T) {
	ctx := context.Background()
	ref := newDrillRun(ctx, t, 1, resynctest.SmallModel())
	dir := t.TempDir()
	res, err := resync.Execute(ctx, ref.e.Env(), ref.plan, append(ref.opts, resync.WithPrompter(ref.answers()), resync.WithJournal(dir))...)
	require.NoError(t, err)
	require.True(t, res.Complete)
	want := endState(ctx, t, ref.e)
	require.Equal(t, ref.backup.RecoveryMode, modeOf(ctx, t, ref.e))
	recs, err := resync.ReadJournal(dir)
	require.NoError(t, err)
	require.Greater(t, len(recs), 50, "a drill-sized journal")

	every := 4
	if raceEnabled || testing.Short() {
		every = 20
	}
	if os.Getenv(envCrashAll) != "" {
		every = 1
	}
	crashed := 0
	start := time.Now()
	for k := 1; k <= len(recs); k++ {
		if k%every != 0 && k > 1 && k < len(recs)-1 {
			continue
		}
		crashed++
		t.Run(fmt.Sprintf("record %d %s", k, recs[k-1].Type), func(t *testing.T) {
			r := newDrillRun(ctx, t, 1, resynctest.SmallModel())
			require.Equal(t, ref.plan.ID, r.plan.ID, "the same drill gives the same plan")
			dir := t.TempDir()
			n := 0
			crash := resync.WithJournalHook(func(resync.Record) error {
				if n++; n == k {
					return fmt.Errorf("crash after record %d: %w", k, resync.ErrSimulatedCrash)
				}
				return nil
			})
			_, err := resync.Execute(ctx, r.e.Env(), r.plan, append(r.opts, resync.WithPrompter(r.answers()), resync.WithJournal(dir), crash)...)
			require.ErrorIs(t, err, resync.ErrSimulatedCrash)
			res, err := resync.Resume(ctx, r.e.Env(), dir, append(r.opts, resync.WithPrompter(r.answers()))...)
			require.NoError(t, err)
			assert.True(t, res.Complete)
			assert.Equal(t, want, endState(ctx, t, r.e), "the end state of an uninterrupted run")
			again, err := resync.Resume(ctx, r.e.Env(), dir, append(r.opts, resync.WithPrompter(r.answers()))...)
			require.NoError(t, err, "resuming a finished execute")
			assert.True(t, again.Complete)
			assert.Equal(t, want, endState(ctx, t, r.e), "resuming a finished execute changes nothing")
		})
	}
	t.Logf("%d journal records; crashed and resumed at %d of them in %s", len(recs), crashed, time.Since(start).Round(time.Millisecond))
}
