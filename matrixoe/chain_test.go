package matrixoe

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChainFingerprintIsSnapshotFingerprint(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			start := randomEstate(t, seed).ms
			startFP, err := start.Fingerprint()
			require.NoError(t, err)
			c := NewChain(start)
			applied, failed := 0, 0
			for step := range 60 {
				if r.IntN(3) > 0 { // batches without a fingerprint between them accumulate
					got, err := c.Fingerprint()
					require.NoError(t, err)
					want, err := c.Snapshot().Fingerprint()
					require.NoError(t, err)
					require.Equal(t, want, got, "step %d", step)
				}
				batch := make([]Change, 1+r.IntN(3))
				for i := range batch {
					batch[i] = randomChange(r, c.Snapshot())
				}
				if err := c.Apply(batch...); err != nil {
					failed++
				} else {
					applied++
				}
			}
			got, err := c.Fingerprint()
			require.NoError(t, err)
			want, err := c.Snapshot().Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, want, got)
			again, err := start.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, startFP, again, "the chain changed the snapshot it started from")
			assert.Positive(t, applied)
			assert.Positive(t, failed, "no batch failed: the rollback path went untested")
		})
	}
}

func TestChainFingerprintOfEmptyAndNil(t *testing.T) {
	want, err := (*Snapshot)(nil).Fingerprint()
	require.NoError(t, err)
	for name, s := range map[string]*Snapshot{"nil": nil, "empty": {}, "new": NewSnapshot()} {
		t.Run(name, func(t *testing.T) {
			got, err := NewChain(s).Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestChainSeesKeysAddedBehindItsBack(t *testing.T) {
	c := NewChain(randomEstate(t, 1).ms)
	_, err := c.Fingerprint()
	require.NoError(t, err)
	c.Snapshot().Requests["R-extra"] = Request{ID: "R-extra", Name: "x", State: RequestCompleted}
	got, err := c.Fingerprint()
	require.NoError(t, err)
	want, err := c.Snapshot().Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, want, got, "a section whose key count moved is encoded afresh")
}

// A section large enough that build sizes its buffer from its first
// records, changed a few records at a time.
func TestChainFingerprintOfLargeSections(t *testing.T) {
	s := NewSnapshot()
	for i := range 3 * 256 {
		id := fmt.Sprintf("LS%04d", i)
		s.LogicalServers[id] = LogicalServer{ID: id, Name: id, Kind: LSVirtual, Activated: true, VMID: "vm" + id, Power: PowerOff, Managed: true}
	}
	c := NewChain(s)
	for i, id := range []string{"LS0000", "LS0500", "LS0767"} {
		drop := fmt.Sprintf("LS%04d", 100*i+1)
		require.NoError(t, c.Apply(SetPowerState{LogicalServerID: id, Power: PowerOn}, DropLS{LogicalServerID: drop}))
		got, err := c.Fingerprint()
		require.NoError(t, err)
		want, err := c.Snapshot().Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, want, got, id)
	}
	assert.Len(t, c.Snapshot().LogicalServers, 3*256-3)
}
