package resync_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// scenario is one seeded restore on a Small estate: a random history
// before the backup (requests in flight, inoperable servers, …), the
// backup, a random history after it, the restore, and the operator's marks
// in InfrastructureServices.txt for some of the services deleted after the
// backup.
type scenario struct {
	seed    uint64
	setup   []resynctest.Activity
	history []resynctest.Activity
	backup  *resynctest.Backup
	// creds are the VC Manager credentials of the domains that moved into
	// or out of a group after the backup (VCEM cannot reach them).
	creds map[string]vcem.CredentialedDomain
}

// newScenario plays the scenario of seed on e, a fresh Small estate built
// with the same seed. maxSetup and maxHistory bound the histories' lengths.
func newScenario(ctx context.Context, t testing.TB, e *resynctest.Estate, seed uint64, maxSetup, maxHistory int) *scenario {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5afe))
	s := &scenario{seed: seed}
	s.setup = resynctest.RandomHistory(rng, e, rng.IntN(maxSetup+1))
	var err error
	s.backup, err = e.Backup()
	require.NoError(t, err, s.replay(t))
	s.history = resynctest.RandomHistory(rng, e, 1+rng.IntN(maxHistory))
	require.NoError(t, e.Restore(s.backup), s.replay(t))
	s.creds = e.Credentials(groupChanged(s.history)...)
	if rng.IntN(2) == 0 {
		var marks []string
		for _, a := range s.history {
			if sv, ok := s.backup.MatrixOE.Services[a.Service]; a.Kind == resynctest.KindDeleteService && ok {
				marks = append(marks, sv.Name)
			}
		}
		if len(marks) > 0 {
			require.NoError(t, e.Do(resynctest.Activity{Kind: resynctest.KindMarkServicesFile, Services: marks}), s.replay(t))
		}
	}
	return s
}

func (s *scenario) replay(t testing.TB) string {
	return reproduce(t.Name(), s.seed, s.setup, s.history)
}

// answers are the operator's: yes to every question, every manual step
// acknowledged, and the credentials of the domains VCEM cannot reach.
func (s *scenario) answers() *resync.Answers {
	a := resync.Yes()
	a.Domains = s.creds
	return a
}

// TestSafetyRandomHistories: for seeded random histories before and after
// the backup of a Small estate, analyse the restored CMS, execute the plan
// (Answers with the credentials of the domains VCEM cannot reach) and
// assert what makes the SDK safe to run on a production CMS:
//   - the execute completes, RecoveryMode is back to the backup's value and
//     no VC domain is left in maintenance;
//   - the dry run equals the execution: every change the plan listed is
//     what Execute applied, in order, and each store ends as the plan
//     predicts (its changes and the products' own applied to its Prior);
//   - the invariants (violations): no address Free in the VCEM database
//     while in use live, none held by two profiles, no activated logical
//     server without its profile, no volume presented live unknown to the
//     catalog or unquarantined, no request in flight at backup runnable;
//   - a second analysis proposes no change outside the service check.
//
// CI runs a few hundred seeds; MXSYNC_HISTORIES=10000 runs the full size
// (see safety_helpers_test.go).
func TestSafetyRandomHistories(t *testing.T) {
	ctx := context.Background()
	n := runs(t, envHistories, 300)
	start := time.Now()
	for _, seed := range seeds(t, n) {
		if !historyRun(ctx, t, seed) {
			return // the first failure says it all; its seed reruns it
		}
	}
	t.Logf("%d random histories in %s", n, time.Since(start).Round(time.Millisecond))
}

func historyRun(ctx context.Context, t *testing.T, seed uint64) bool {
	t.Helper()
	e, err := resynctest.Small(seed)
	require.NoError(t, err)
	defer e.Close()
	s := newScenario(ctx, t, e, seed, 4, 12)
	env := e.Env()
	fail := func(format string, args ...any) bool {
		t.Errorf("seed %d: "+format+"\n%s", append(append([]any{seed}, args...), s.replay(t))...)
		return false
	}

	plan, err := resync.Analyze(ctx, env, resync.WithCredentials(s.creds))
	if err != nil {
		return fail("analyze: %v", err)
	}
	res, err := resync.Execute(ctx, env, plan, resync.WithPrompter(s.answers()))
	if err != nil {
		return fail("execute: %v", err)
	}
	ok := assert.True(t, res.Complete, "seed %d: complete", seed)
	ok = assert.Equal(t, plan.Changes(), appliedChanges(res), "seed %d: the changes applied are the plan's, in order", seed) && ok
	got, err := e.Fingerprints()
	require.NoError(t, err)
	want := predictEnd(t, plan)
	for store, fp := range want {
		ok = assert.Equal(t, fp, got[store], "seed %d: %s ends as the plan predicts", seed, store) && ok
	}
	ok = assert.Equal(t, s.backup.RecoveryMode, modeOf(ctx, t, e), "seed %d: RecoveryMode put back", seed) && ok
	ok = assert.Empty(t, e.Fakes().VCEMManager.InMaintenance(), "seed %d: no domain left in maintenance", seed) && ok
	ok = assert.Empty(t, violations(ctx, t, e, s.backup, plan), "seed %d: invariants", seed) && ok
	ok = assert.True(t, slices.ContainsFunc(plan.Findings(), func(f resync.Finding) bool { return f.Code == string(spm.CodeManualReentry) }),
		"seed %d: the plan asks for the manual re-entry", seed) && ok

	again, err := resync.Analyze(ctx, env, resync.WithCredentials(s.creds))
	if err != nil {
		return fail("second analysis: %v", err)
	}
	ok = assert.Empty(t, changesOutsideServices(again), "seed %d: a second analysis proposes no change", seed) && ok
	if !ok {
		return fail("see above")
	}
	return true
}

func modeOf(ctx context.Context, t testing.TB, e *resynctest.Estate) string {
	t.Helper()
	m, err := e.Fakes().RecoveryMode.RecoveryMode(ctx)
	require.NoError(t, err)
	return m
}
