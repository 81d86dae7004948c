package resynctest_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// After a restore the products act on the restored databases as they do
// on a CMS: VCEM's resync of an out-of-sync domain writes the bay the
// domain reports into VCEM's database; a domain that agrees is completed
// without a job.
func TestVCEMResyncUpdatesTheDatabase(t *testing.T) {
	ctx := context.Background()
	e := small(t)
	b, err := e.Backup()
	require.NoError(t, err)
	require.NoError(t, e.Do(resynctest.Activity{Kind: resynctest.KindUnassignProfile, Domain: "d2", Profile: "p1"}))
	require.NoError(t, e.Restore(b))

	env := e.Env()
	restored, err := env.VCEM.Store.Snapshot(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, restored.Profiles["d2:p1"].Bay, "the backup has the profile assigned")
	results, err := vcem.ResyncDomains(ctx, env.VCEM.Manager, []string{"d1", "d2", "d3"})
	require.NoError(t, err)
	for _, r := range results {
		assert.Equal(t, vcem.OutcomeCompleted, r.Outcome, r.DomainID)
		assert.Equal(t, r.DomainID == "d2", r.Resynced, "only d2 disagrees with VCEM: %s", r.DomainID)
	}
	after, err := env.VCEM.Store.Snapshot(ctx)
	require.NoError(t, err)
	assert.Empty(t, after.Profiles["d2:p1"].Bay, "VCEM's resync wrote the domain's bay")
	assert.Empty(t, e.Fakes().VCEMManager.InMaintenance())
}

// Storage phase 1 runs end to end on the estate's ports: SPM stopped,
// RecoveryMode set, SPM started, Internal Recovery played on the catalog,
// Manual Recovery Mode read over HTTPS through the pinned readiness, and
// RecoveryMode put back.
func TestInternalRecoveryOnTheEstate(t *testing.T) {
	ctx := context.Background()
	e := small(t)
	b, err := e.Backup()
	require.NoError(t, err)
	require.NoError(t, e.Do(resynctest.Activity{Kind: resynctest.KindDeleteVolume, Volume: "avail-3par-1-1"}))
	require.NoError(t, e.Restore(b))

	env := e.Env()
	res, err := spm.Phase1{Services: env.Services, Config: env.Storage.RecoveryMode, Ready: env.Storage.Readiness, StopSPMIfRunning: true}.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, resynctest.RecoveryModeNormal, res.Mode.Previous)
	assert.True(t, e.Fakes().UI.Manual())
	cat, err := env.Storage.Catalog.Snapshot(ctx)
	require.NoError(t, err)
	for id, v := range cat.Volumes {
		assert.True(t, v.Quarantined, "Internal Recovery quarantines every volume: %s", id)
	}
	_, err = env.Storage.RecoveryMode.RestoreRecoveryMode(ctx, res.Mode)
	require.NoError(t, err)
	mode, err := env.Storage.RecoveryMode.RecoveryMode(ctx)
	require.NoError(t, err)
	assert.Equal(t, resynctest.RecoveryModeNormal, mode)
}

// Activities, port calls, saves and inspection may run at once.
func TestEstateIsSafeForConcurrentUse(t *testing.T) {
	ctx := context.Background()
	e := small(t)
	env := e.Env()
	var wg sync.WaitGroup
	wg.Go(func() { resynctest.RandomHistory(rand.New(rand.NewPCG(1, 2)), e, 80) })
	wg.Go(func() {
		for range 20 {
			_, _ = env.VCEM.Live.ReadDomain(ctx, "d1")
			_, _ = env.Storage.Arrays.Live(ctx)
			_, _ = env.MatrixOE.Store.Snapshot(ctx)
			_, _ = env.VCEM.Store.Snapshot(ctx)
		}
	})
	wg.Go(func() {
		for range 5 {
			_, err := e.MarshalJSON()
			assert.NoError(t, err)
			_, err = e.LiveFingerprints()
			assert.NoError(t, err)
			_, err = e.Backup()
			assert.NoError(t, err)
		}
	})
	wg.Wait()
	doc, err := e.MarshalJSON()
	require.NoError(t, err)
	back, err := resynctest.Decode(doc)
	require.NoError(t, err, "the estate is consistent after concurrent use")
	back.Close()
}
