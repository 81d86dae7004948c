package resynctest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Random histories are valid for the state they are generated on (no
// generated activity fails), reproducible from the seed, and replay exactly
// from their JSON on an estate built the same way.
func TestRandomHistoryReplays(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	for seed := uint64(1); seed <= 6; seed++ {
		e, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		h, failed := randomHistory(rand.New(rand.NewPCG(seed, 7)), e, n)
		require.Empty(t, failed, "generated activities that failed")
		require.Len(t, h, n)

		again, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(again.Close)
		h2 := RandomHistory(rand.New(rand.NewPCG(seed, 7)), again, n)
		require.Equal(t, h, h2, "the same rng gives the same history")

		decoded, err := DecodeHistory([]byte(HistoryJSON(h)))
		require.NoError(t, err, Replay(seed, h))
		replayed, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(replayed.Close)
		require.NoError(t, replayed.Play(context.Background(), decoded), Replay(seed, h))
		assertSameState(t, e, replayed)
	}
}

// assertSameState compares two estates' databases and hardware.
func assertSameState(t *testing.T, a, b *Estate) {
	t.Helper()
	fa, err := a.Fingerprints()
	require.NoError(t, err)
	fb, err := b.Fingerprints()
	require.NoError(t, err)
	assert.Equal(t, fa, fb, "databases")
	la, err := a.LiveFingerprints()
	require.NoError(t, err)
	lb, err := b.LiveFingerprints()
	require.NoError(t, err)
	assert.Equal(t, la, lb, "hardware")
	da, db := a.vcemLive.Data(), b.vcemLive.Data()
	assert.Equal(t, da.Domains, db.Domains, "VC domains")
	assert.Equal(t, da.VCEMKnows, db.VCEMKnows, "the domains the live VCEM knows")
	assert.True(t, da.MACs.Equal(db.MACs) && da.WWNs.Equal(db.WWNs), "the live VCEM's pools")
	assert.Equal(t, a.moeLive.Data(), b.moeLive.Data(), "Matrix OE live side")
}

// Every step of a random history leaves every database valid (a restore
// of it would be accepted) and the activity kinds all occur.
func TestRandomHistoryKeepsDatabasesValid(t *testing.T) {
	seeds, steps := uint64(12), 150
	if testing.Short() {
		seeds, steps = 3, 60
	}
	seen := map[Kind]bool{}
	for seed := uint64(1); seed <= seeds; seed++ {
		e, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		rng := rand.New(rand.NewPCG(seed, 11))
		var h []Activity
		for range steps {
			step, failed := randomHistory(rng, e, 1)
			require.Empty(t, failed, Replay(seed, h))
			h = append(h, step...)
			for _, a := range step {
				seen[a.Kind] = true
			}
			b, err := e.Backup()
			require.NoError(t, err)
			require.NoError(t, b.validate(), Replay(seed, h))
		}
	}
	if !testing.Short() {
		for _, k := range Kinds() {
			if k.Kind != KindMarkServicesFile {
				assert.True(t, seen[k.Kind], "random histories never chose %s", k.Kind)
			}
		}
	}
}
