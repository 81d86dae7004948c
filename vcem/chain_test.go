package vcem_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainEstate is a snapshot of n profiles in two domains.
func chainEstate(t *testing.T, n int) *vcem.Snapshot {
	bld := vcemtest.NewBuilder(
		addrpool.MustRange(testMACFirst, testMACFirst+1<<12-1),
		addrpool.MustRange(testWWNFirst, testWWNFirst+1<<12-1),
	).Group("g1", "all")
	for d := range 2 {
		id := fmt.Sprintf("d%d", d)
		bld.Domain(vcem.Domain{ID: id, GroupID: "g1"})
		for p := range n / 2 {
			bld.Profile(id, vcemtest.ProfileSpec{Name: fmt.Sprintf("p%04d", p), Bay: "1", Ethernet: 1, FC: 1})
		}
	}
	s, err := bld.Build()
	require.NoError(t, err)
	return s
}

// randomVCEMChange is a change of a random kind, on a profile or address
// that may be absent or in the wrong state, so that batches fail too.
func randomVCEMChange(rng *rand.Rand, s *vcem.Snapshot) vcem.Change {
	ids := append(slices.Sorted(maps.Keys(s.Profiles)), "absent")
	id := ids[rng.IntN(len(ids))]
	switch rng.IntN(4) {
	case 0:
		return vcem.DeleteProfile{ProfileID: id}
	case 1:
		return vcem.SetProfileBay{ProfileID: id, Bay: fmt.Sprintf("enc:%d", rng.IntN(3))}
	case 2:
		return vcem.MarkExternalMAC{MAC: testMACFirst + addrpool.MAC(rng.IntN(1<<13))}
	default:
		return vcem.MarkExternalWWN{WWN: testWWNFirst + addrpool.WWN(rng.IntN(1<<13))}
	}
}

func TestChainFingerprintIsSnapshotFingerprint(t *testing.T) {
	for _, n := range []int{8, 1200} { // 1200: past the point where the cache sizes its buffer
		for seed := range uint64(6) {
			t.Run(fmt.Sprint(n, "/", seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, uint64(n)))
				start := chainEstate(t, n)
				startFP := fingerprint(t, start)
				c := vcem.NewChain(start)
				applied, failed := 0, 0
				for step := range 40 {
					if rng.IntN(3) > 0 { // batches between fingerprints accumulate
						got, err := c.Fingerprint()
						require.NoError(t, err)
						require.Equal(t, fingerprint(t, c.Snapshot()), got, "step %d", step)
					}
					batch := make([]vcem.Change, 1+rng.IntN(3))
					for i := range batch {
						batch[i] = randomVCEMChange(rng, c.Snapshot())
					}
					if c.Apply(batch...) == nil {
						applied++
					} else {
						failed++
					}
				}
				got, err := c.Fingerprint()
				require.NoError(t, err)
				assert.Equal(t, fingerprint(t, c.Snapshot()), got)
				assert.Equal(t, startFP, fingerprint(t, start), "the chain changed the snapshot it started from")
				assert.Positive(t, applied)
				assert.Positive(t, failed, "no batch failed: the undo path went untested")
			})
		}
	}
}

func TestChainFingerprintOfNilAndEmpty(t *testing.T) {
	want := fingerprint(t, nil)
	for name, s := range map[string]*vcem.Snapshot{"nil": nil, "empty": {}} {
		got, err := vcem.NewChain(s).Fingerprint()
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
}

func TestChainSeesProfilesAddedBehindItsBack(t *testing.T) {
	c := vcem.NewChain(chainEstate(t, 8))
	_, err := c.Fingerprint()
	require.NoError(t, err)
	c.Snapshot().Profiles["extra"] = vcem.Profile{ID: "extra", Name: "extra", DomainID: "d0"}
	got, err := c.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, fingerprint(t, c.Snapshot()), got, "a profile count that moved makes the profiles encoded afresh")
}
