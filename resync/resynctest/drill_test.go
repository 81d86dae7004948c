package resynctest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// A quiet history — a backup, nothing, a restore — gives only what every
// restore gives: VCEM phase 2's per-domain resync (info), and SPM's per-
// volume Signature State and re-entry checklist (Internal Recovery always
// quarantines every volume); no finding carries a change.
func TestQuietHistory(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 42} {
		e, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		b, err := e.Backup()
		require.NoError(t, err)
		require.NoError(t, e.Restore(b))
		a := analyze(t, e, nil, nil)
		assert.ElementsMatch(t, quietCodes(), a.codeSet(), "seed %d", seed)
		for _, f := range a.vcem {
			assert.Empty(t, f.Changes, "%s", f)
		}
		for _, f := range a.spm {
			assert.Empty(t, f.Changes, "%s", f)
		}
		assert.Empty(t, a.moe)
		assert.Equal(t, SmallModel().Domains, a.codes()["VCEM-DOMAIN-MAY-NEED-RESYNC"])
	}
}

func TestDrillsProduceTheirCodes(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 7} {
		fresh, err := Small(seed)
		require.NoError(t, err)
		drills, err := Drills(fresh)
		fresh.Close()
		require.NoError(t, err)
		for _, d := range drills {
			t.Run(d.Name, func(t *testing.T) {
				e, err := Small(seed)
				require.NoError(t, err)
				t.Cleanup(e.Close)
				require.NoError(t, e.Play(ctx, d.Setup))
				b, err := e.Backup()
				require.NoError(t, err)
				require.NoError(t, e.Play(ctx, d.History))
				require.NoError(t, e.Restore(b))
				a := analyze(t, e, d.Credentials, b.SPM)
				assert.Equal(t, d.Codes, a.codeSet(), "after the restore")
				if len(d.Operator) > 0 {
					require.NoError(t, e.Play(ctx, d.Operator))
					a = analyze(t, e, d.Credentials, b.SPM)
					assert.Equal(t, d.OperatorCodes, a.codeSet(), "after the operator's steps")
				}
			})
		}
	}
}

// The drills together claim every finding code of vcem, spm and matrixoe,
// and TestDrillsProduceTheirCodes proves each claim.
func TestDrillsCoverEveryCode(t *testing.T) {
	e, err := Small(1)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	drills, err := Drills(e)
	require.NoError(t, err)
	claimed := map[string]bool{}
	for _, d := range drills {
		for _, c := range append(d.Codes, d.OperatorCodes...) {
			claimed[c] = true
		}
	}
	var all []string
	for _, c := range vcem.Codes() {
		all = append(all, string(c.Code))
	}
	for _, c := range spm.Codes() {
		all = append(all, string(c.Code))
	}
	for _, c := range matrixoe.Codes() {
		all = append(all, string(c.Code))
	}
	for _, c := range all {
		assert.True(t, claimed[c], "no drill produces %s", c)
	}
	assert.Len(t, claimed, len(all), "the drills claim only real codes")
}
