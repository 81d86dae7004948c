package resync_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// everyOp is every operation of every fake an Env is made of: the Op
// constants of vcemtest, spmtest and matrixoetest.
var everyOp = []string{
	vcemtest.OpSnapshot, vcemtest.OpApply, vcemtest.OpListDomains, vcemtest.OpReadDomain,
	vcemtest.OpReadDomainWithCredentials, vcemtest.OpStartMaintenance, vcemtest.OpCheckInSync,
	vcemtest.OpCompleteMaintenance, vcemtest.OpCancelMaintenance, vcemtest.OpResync, vcemtest.OpJob,
	vcemtest.OpWaitJob, vcemtest.OpJobRun,
	spmtest.OpSnapshot, spmtest.OpApply, spmtest.OpLive, spmtest.OpStatus, spmtest.OpStart, spmtest.OpCrash,
	spmtest.OpStop, spmtest.OpWait, spmtest.OpRecoveryMode, spmtest.OpUIGet,
	matrixoetest.OpSnapshot, matrixoetest.OpApply, matrixoetest.OpVMPowerStates, matrixoetest.OpIPAllocations,
	matrixoetest.OpRMExport, matrixoetest.OpWriteServicesFile, matrixoetest.OpReadServicesFile,
}

var (
	errInjected        = errors.New("safety: injected fault")
	errInjectedTimeout = fmt.Errorf("safety: injected timeout: %w", context.DeadlineExceeded)
)

// faultRules gives every operation one rule firing on 20 % of its calls,
// of a kind drawn from rng: an error, a timeout (a delay, then an error
// wrapping context.DeadlineExceeded), a slow call (a delay only) or a
// panic. Delays are a few milliseconds.
func faultRules(rng *rand.Rand) []resynctest.Fault {
	var out []resynctest.Fault
	for _, op := range everyOp {
		f := resynctest.Fault{Op: op, Probability: 0.2}
		switch rng.IntN(4) {
		case 0:
			f.Err = errInjected
		case 1:
			f.Err, f.Delay = errInjectedTimeout, time.Duration(1+rng.IntN(2))*time.Millisecond
		case 2:
			f.Delay = time.Duration(1+rng.IntN(3)) * time.Millisecond
		case 3:
			f.Panic = "safety: injected panic in " + op
		}
		out = append(out, f)
	}
	return out
}

// call runs fn, turning a panic that reaches the caller into an error.
func call[T any](fn func() (T, error)) (v T, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	v, err = fn()
	return v, err, false
}

// faultOutcomes counts how the fault-injected runs went.
type faultOutcomes struct {
	runs, analyzeFailed, completed, stopped, panicked, leftReported, resumed, rerun, hits int
}

// TestSafetyFaults injects faults on every port of every section — one
// resynctest.Faults set with a rule on every operation of every fake (20 %
// of calls: errors, timeouts, slow calls, panics) — into the analysis and
// the execute of seeded random histories, and asserts:
//   - a failed analysis writes nothing;
//   - every execute either completes, or stops with an error (a panic that
//     reaches the caller counts as one) leaving no VC domain in
//     maintenance that its result does not report, and a journal from
//     which Resume, with the faults cleared, completes (an execute that
//     stopped before journaling anything wrote nothing, and is run again);
//   - after the completed run no VC domain is in maintenance, RecoveryMode
//     is the backup's value (never left at InternalRecovery), the stores
//     end as the plan predicts and hold the invariants, and no change was
//     applied twice: the VCEM and Matrix OE stores' Applied lists are the
//     plan's changes exactly, the SPM catalog's are the plan's plus SPM's
//     own Internal Recovery (VCEM's own resync writes are not in Applied).
//
// CI runs a few hundred seeds; MXSYNC_FAULT_RUNS=1000 the full size.
func TestSafetyFaults(t *testing.T) {
	ctx := context.Background()
	var out faultOutcomes
	start := time.Now()
	for _, seed := range seeds(t, runs(t, envFaultRuns, 200)) {
		if !faultRun(ctx, t, seed, &out) {
			return
		}
	}
	t.Logf("%d fault-injected runs in %s: analysis failed %d; execute completed %d, stopped with an error %d (of which a panic reached the caller %d, and left a domain in maintenance, reported, %d), completed by Resume %d, run again (nothing journaled) %d; %d faults fired",
		out.runs, time.Since(start).Round(time.Millisecond), out.analyzeFailed, out.completed, out.stopped, out.panicked, out.leftReported, out.resumed, out.rerun, out.hits)
}

func faultRun(ctx context.Context, t *testing.T, seed uint64, out *faultOutcomes) bool {
	t.Helper()
	// A run that hangs (a wait without end) fails with its seed instead of
	// the whole test binary timing out.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	faults := resynctest.NewFaults(seed)
	e, err := resynctest.Small(seed, resynctest.WithFaults(faults))
	require.NoError(t, err)
	defer e.Close()
	s := newScenario(ctx, t, e, seed, 3, 8)
	env := e.Env()
	rng := rand.New(rand.NewPCG(seed, 0xfa17))
	rules := faultRules(rng)
	arm := func() {
		for _, r := range rules {
			require.NoError(t, faults.Add(r))
		}
	}
	fail := func(format string, args ...any) bool {
		t.Errorf("seed %d: "+format+"\nfaults fired: %v\n%s", append(append([]any{seed}, args...), faults.Hits(), s.replay(t))...)
		return false
	}
	out.runs++
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	opts := []resync.Option{resync.WithCredentials(s.creds), resync.WithClock(func() time.Time { return created })}
	if seed%3 == 0 {
		opts = append(opts, resync.WithResyncConcurrency(2))
	}

	// A quarter of the runs have faults from the analysis on; the others
	// from a random journal record of the execute on, so that executes stop
	// at every depth (with faults on every call from the start, nearly all
	// stop at the first reads).
	before := endState(ctx, t, e)
	armAt := 0
	if rng.IntN(4) != 0 {
		armAt = 1 + rng.IntN(80)
	}
	plan, err := resync.Analyze(ctx, env, opts...)
	require.NoError(t, err, s.replay(t))
	if armAt == 0 {
		arm()
		var p *resync.Plan
		p, err, _ = call(func() (*resync.Plan, error) { return resync.Analyze(ctx, env, opts...) })
		switch {
		case err != nil:
			out.analyzeFailed++
			faults.Clear()
			if got := endState(ctx, t, e); got != before {
				return fail("a failed analysis (%v) wrote:\n%s\nwant\n%s", err, got, before)
			}
			arm()
		case p.ID != plan.ID:
			return fail("the analysis under faults that did not fail gave another plan")
		}
	}

	dir := t.TempDir()
	answers := s.answers()
	records := 0
	hook := resync.WithJournalHook(func(resync.Record) error {
		if records++; records == armAt {
			arm()
		}
		return nil
	})
	res, err, panicked := call(func() (*resync.Result, error) {
		return resync.Execute(ctx, env, plan, append(opts, resync.WithPrompter(answers), resync.WithJournal(dir), hook)...)
	})
	out.hits += len(faults.Hits())
	faults.Clear()
	switch {
	case err == nil:
		out.completed++
	default:
		out.stopped++
		if panicked {
			out.panicked++
		}
		if left := e.Fakes().VCEMManager.InMaintenance(); len(left) > 0 {
			if !reportedLeft(res, left) {
				return fail("the execute stopped (%v) and left %v in maintenance without reporting it", err, left)
			}
			out.leftReported++
		}
		recs, rerr := resync.ReadJournal(dir)
		if errors.Is(rerr, fs.ErrNotExist) {
			recs, rerr = nil, nil
		}
		if rerr != nil {
			return fail("the execute stopped (%v): its journal: %v", err, rerr)
		}
		if len(recs) == 0 {
			if got := endState(ctx, t, e); got != before {
				return fail("the execute stopped (%v) before journaling anything, yet wrote:\n%s\nwant\n%s", err, got, before)
			}
			out.rerun++
			_ = os.RemoveAll(filepath.Join(dir, resync.LockFileName))
			if res, err = resync.Execute(ctx, env, plan, append(opts, resync.WithPrompter(answers), resync.WithJournal(dir))...); err != nil {
				return fail("execute again without faults: %v", err)
			}
			break
		}
		out.resumed++
		first := err
		if res, err = resync.Resume(ctx, env, dir, append(opts, resync.WithPrompter(answers))...); err != nil {
			return fail("the execute stopped (%v, panic %v); Resume without faults: %v", errFirstLine(first), panicked, err)
		}
	}
	if !assert.True(t, res.Complete, "seed %d: complete", seed) {
		return fail("not complete")
	}
	ok := assert.Empty(t, e.Fakes().VCEMManager.InMaintenance(), "seed %d: no domain left in maintenance", seed)
	ok = assert.Equal(t, s.backup.RecoveryMode, modeOf(ctx, t, e), "seed %d: RecoveryMode put back", seed) && ok
	ok = assert.NotEqual(t, spm.RecoveryModeInternal, modeOf(ctx, t, e), "seed %d: RecoveryMode not left at InternalRecovery", seed) && ok
	got, err := e.Fingerprints()
	require.NoError(t, err)
	for store, fp := range predictEnd(t, plan) {
		ok = assert.Equal(t, fp, got[store], "seed %d: %s ends as the plan predicts", seed, store) && ok
	}
	ok = assert.Empty(t, violations(ctx, t, e, s.backup, plan), "seed %d: invariants", seed) && ok
	ok = assertAppliedOnce(t, e, plan) && ok
	if !ok {
		return fail("see above")
	}
	return true
}

// reportedLeft reports whether res names every domain of left as left in
// maintenance (cancelling it failed too).
func reportedLeft(res *resync.Result, left []string) bool {
	if res == nil {
		return false
	}
	for _, id := range left {
		found := false
		for _, d := range res.Domains {
			found = found || d.DomainID == id && d.Outcome == vcem.OutcomeLeftInMaintenance
		}
		if !found {
			return false
		}
	}
	return true
}

// assertAppliedOnce checks that no store applied a change twice: the VCEM
// and Matrix OE stores applied exactly the plan's changes, in order, and
// the SPM catalog the plan's and SPM's own Internal Recovery (the plan's
// predicted changes, which SPM makes each time it starts in Internal
// Recovery; a change of the plan equal to one of them is not counted).
func assertAppliedOnce(t *testing.T, e *resynctest.Estate, plan *resync.Plan) bool {
	t.Helper()
	var wantV []string
	var wantM []string
	var wantS []string
	ir := map[string]bool{}
	for _, ph := range plan.Phases {
		if ph.Section == resync.SectionStorage && ph.Phase == 1 {
			for _, c := range ph.Predicted {
				ir[c.String()] = true
			}
		}
	}
	for _, c := range plan.Changes() {
		switch c := c.(type) {
		case vcem.Change:
			wantV = append(wantV, c.String())
		case matrixoe.Change:
			wantM = append(wantM, c.String())
		case spm.Change:
			if !ir[c.String()] {
				wantS = append(wantS, c.String())
			}
		}
	}
	fk := e.Fakes()
	var gotV, gotM, gotS []string
	for _, c := range fk.VCEMStore.Applied() {
		gotV = append(gotV, c.String())
	}
	for _, c := range fk.MatrixOE.Applied() {
		gotM = append(gotM, c.String())
	}
	for _, c := range fk.Catalog.Applied() {
		if !ir[c.String()] {
			gotS = append(gotS, c.String())
		}
	}
	ok := assert.Equal(t, wantV, gotV, "the VCEM store applied each change of the plan once")
	ok = assert.Equal(t, wantM, gotM, "the Matrix OE store applied each change of the plan once") && ok
	return assert.Equal(t, wantS, gotS, "the SPM catalog applied each change of the plan once") && ok
}

func errFirstLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
