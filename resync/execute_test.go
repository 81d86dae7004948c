package resync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func TestMiniEstateAnalyzeExecute(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	// After the backup: web deleted, and its addresses reused by web2.
	require.NoError(t, e.vlive.DeleteProfile("d1", "web"))
	_, err := e.vlive.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:4", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	e.vlive.RestoreVCEM("d1")

	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	t.Log(plan.Report())
	codes := map[string]bool{}
	for _, f := range plan.Findings() {
		codes[f.Code] = true
	}
	assert.True(t, codes[string(vcem.CodeAddrReassigned)])
	assert.True(t, codes["LSM-LS-PROFILE-DELETED"], "storage 2 sees what VCEM 1 will delete")

	res, err := resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(t.TempDir()))
	require.NoError(t, err, "%+v", res)
	assert.True(t, res.Complete)
	mode, err := e.mode.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Normal", mode, "RecoveryMode put back")

	again, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	for _, f := range again.Findings() {
		if f.Phase.Section == resync.SectionServices {
			continue // services run again after a resync; the check is for the next one
		}
		assert.Empty(t, f.Changes, "second analysis proposes no change: %s", f)
	}
}

func TestExecuteRefusesStalePlan(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		move  func(t *testing.T, e *miniEstate)
		input string
		diff  string
	}{
		{"restored side", func(t *testing.T, e *miniEstate) {
			require.NoError(t, e.vstore.Apply(ctx, vcem.DeleteProfile{ProfileID: vcemtest.ProfileID("d1", "app")}))
		}, resync.InputVCEMRestored, `profile "` + vcemtest.ProfileID("d1", "app") + `" removed`},
		{"live side", func(t *testing.T, e *miniEstate) {
			require.NoError(t, e.vlive.UnassignProfile("d1", "app"))
		}, resync.InputVCEMLive, "d1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMiniEstate(t)
			plan, err := resync.Analyze(ctx, e.env)
			require.NoError(t, err)
			tt.move(t, e)
			before := e.endState(t)
			_, err = resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()))
			var se *resync.StaleError
			require.ErrorAs(t, err, &se)
			assert.ErrorIs(t, err, resync.ErrStalePlan)
			require.Len(t, se.Moved, 1)
			assert.Equal(t, tt.input, se.Moved[0].Input)
			assert.Contains(t, err.Error(), tt.diff)
			assert.Equal(t, before, e.endState(t), "nothing written")
		})
	}
}

func TestExecuteRefusals(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)

	_, err = resync.Execute(ctx, e.env, plan)
	assert.ErrorContains(t, err, "needs a Prompter")

	edited := *plan
	edited.Phases = append([]resync.PhasePlan(nil), plan.Phases...)
	edited.Phases[0].Findings = nil
	_, err = resync.Execute(ctx, e.env, &edited, resync.WithPrompter(resync.Yes()))
	assert.ErrorContains(t, err, "changed after Analyze")

	// The ID does not cover the prior snapshots' JSON; their fingerprints
	// in Inputs do.
	require.NotNil(t, plan.Prior.VCEM)
	priorEdited := *plan
	priorEdited.Prior.VCEM = plan.Prior.VCEM.Clone()
	priorEdited.Prior.VCEM.Domains = nil
	_, err = resync.Execute(ctx, e.env, &priorEdited, resync.WithPrompter(resync.Yes()))
	assert.ErrorContains(t, err, "prior state of vcem.restored")
	assert.ErrorIs(t, err, resync.ErrInvalid)
	priorEdited.Prior.VCEM = nil
	_, err = resync.Execute(ctx, e.env, &priorEdited, resync.WithPrompter(resync.Yes()))
	assert.ErrorContains(t, err, "no prior state for input vcem.")

	whatIf := *plan
	whatIf.WhatIf = true
	_, err = resync.Execute(ctx, e.env, &whatIf, resync.WithPrompter(resync.Yes()))
	assert.ErrorContains(t, err, "what-if plan")

	dir := t.TempDir()
	j, err := resync.OpenJournal(dir)
	require.NoError(t, err)
	_, err = resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir))
	assert.ErrorIs(t, err, resync.ErrJournalLocked, "a second execute on one journal")
	_, err = j.Append(resync.Record{Type: resync.RecExecuteStarted, Plan: "other"})
	require.NoError(t, err)
	require.NoError(t, j.Close())
	_, err = resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir))
	assert.ErrorIs(t, err, resync.ErrJournalInUse)
}

// TestExecuteGatesOnManualSteps: the recovery phase has a manual step (no
// RM export); answers that do not acknowledge it stop the execute there,
// naming the question, after every earlier phase completed.
func TestExecuteGatesOnManualSteps(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	plan, err := resync.Analyze(ctx, e.env)
	require.NoError(t, err)
	yes := true
	answers := &resync.Answers{Services: &yes, Proceed: &yes,
		Acknowledge: []string{"SPM-MANUAL-REENTRY", "SPM-SIGNATURE-VALID", "SPM-SIGNATURE-NOT-PRESENT"}}
	res, err := resync.Execute(ctx, e.env, plan, resync.WithPrompter(answers))
	var be *resync.BlockedError
	require.ErrorAs(t, err, &be, "%v", err)
	assert.ErrorIs(t, err, resync.ErrUnanswered)
	assert.Equal(t, resync.PhaseID{Section: resync.SectionRecovery, Phase: 1}, be.Phase)
	assert.Equal(t, "RM-EXPORT-MISSING", be.Question.Code)
	assert.False(t, res.Complete)
	verified := 0
	for _, p := range res.Phases {
		if p.Verified {
			verified++
		}
	}
	assert.Equal(t, 9, verified, "every phase before recovery management ran")
	mode, err := e.mode.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Normal", mode, "the storage section was done: RecoveryMode is back")

	no := false
	_, err = resync.Execute(ctx, newMiniEstate(t).env, plan, resync.WithPrompter(&resync.Answers{Services: &no}))
	require.ErrorAs(t, err, &be)
	assert.Equal(t, resync.AskServices, be.Question.Kind, "declining the service actions stops before anything runs")
}

// TestDryRunEqualsExecution: for seeded random post-backup histories, every
// change the plan listed is what the execute applied, in order, and each
// store ends as the plan predicted (Execute checks it after every phase and
// would fail otherwise).
func TestDryRunEqualsExecution(t *testing.T) {
	ctx := context.Background()
	for seed := range int64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			e := newMiniEstate(t)
			names := []string{"web", "db", "app"}
			var history []string
			for i := range rng.IntN(6) {
				name := names[rng.IntN(len(names))]
				switch rng.IntN(4) {
				case 0:
					if e.vlive.DeleteProfile("d1", name) == nil {
						history = append(history, "delete "+name)
					}
				case 1:
					n := fmt.Sprintf("new%d", i)
					if _, err := e.vlive.CreateProfile("d1", vcemtest.ProfileSpec{Name: n, Bay: fmt.Sprintf("enc1:%d", 5+i), Ethernet: 1, FC: rng.IntN(2)}); err == nil {
						history = append(history, "create "+n)
					}
				case 2:
					if e.vlive.UnassignProfile("d1", name) == nil {
						history = append(history, "unassign "+name)
					}
				case 3:
					if e.vlive.AssignProfile("d1", name, fmt.Sprintf("enc1:%d", 9+i)) == nil {
						history = append(history, "assign "+name)
					}
				}
			}
			e.vlive.RestoreVCEM("d1")
			plan, err := resync.Analyze(ctx, e.env)
			require.NoError(t, err, "history %v", history)
			res, err := resync.Execute(ctx, e.env, plan, resync.WithPrompter(resync.Yes()))
			require.NoError(t, err, "history %v", history)
			require.True(t, res.Complete)
			var applied resync.Changes
			for _, p := range res.Phases {
				applied = append(applied, p.Applied...)
			}
			assert.Equal(t, plan.Changes(), applied, "history %v", history)
		})
	}
}
