package resync_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// TestSafetyQuietHistories: a backup, no activity, a restore — on many
// seeds of the Small estate, with and without the backup-time manifest.
// False positives are the worst bug an operator can meet at 3 a.m., so the
// plan holds nothing but what resynctest documents every restore yields by
// design: the service check, VCEM phase 2's resync of each managed domain,
// and storage phase 1's Signature State of each catalog volume (Valid or
// Not present: SPM quarantines every volume in Internal Recovery) with the
// manual re-entry checklist. No finding outside the service check carries a
// change.
//
// CI runs a few hundred seeds; MXSYNC_HISTORIES runs as many as the random
// histories (see safety_helpers_test.go).
func TestSafetyQuietHistories(t *testing.T) {
	ctx := context.Background()
	byDesign := map[string]bool{
		string(vcem.CodeDomainMayNeedResync): true,
		string(spm.CodeSignatureValid):       true,
		string(spm.CodeSignatureNotPresent):  true,
		string(spm.CodeManualReentry):        true,
	}
	for _, seed := range seeds(t, runs(t, envHistories, 300)) {
		e, err := resynctest.Small(seed)
		require.NoError(t, err)
		withManifest := seed%2 == 0
		var opts []resync.Option
		if withManifest {
			m, err := resync.Capture(ctx, e.Env())
			require.NoError(t, err)
			opts = append(opts, resync.WithManifest(m))
		}
		b, err := e.Backup()
		require.NoError(t, err)
		require.NoError(t, e.Restore(b))
		plan, err := resync.Analyze(ctx, e.Env(), opts...)
		require.NoError(t, err)
		e.Close()

		msg := fmt.Sprintf("seed %d (manifest %v): rerun with %s=%d", seed, withManifest, envSeed, seed)
		count := map[string]int{}
		for _, f := range plan.Findings() {
			count[f.Code]++
			if f.Phase.Section == resync.SectionServices {
				continue
			}
			assert.True(t, byDesign[f.Code], "%s: not by design: %s", msg, f)
			assert.Empty(t, f.Changes, "%s: %s", msg, f)
		}
		managed := 0
		for _, d := range b.VCEM.Domains {
			if d.GroupID != "" {
				managed++
			}
		}
		assert.Equal(t, managed, count[string(vcem.CodeDomainMayNeedResync)], "%s: one resync per managed domain", msg)
		assert.Equal(t, len(b.SPM.Volumes), count[string(spm.CodeSignatureValid)]+count[string(spm.CodeSignatureNotPresent)],
			"%s: one Signature State per catalog volume", msg)
		assert.Equal(t, 1, count[string(spm.CodeManualReentry)], "%s: one re-entry checklist", msg)
		if t.Failed() {
			return
		}
	}
}
