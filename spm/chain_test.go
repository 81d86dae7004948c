package spm_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainCatalog is a catalog of n volumes on two arrays, each presented to
// one to three initiators, with a service per eight volumes.
func chainCatalog(n int) *spm.Snapshot {
	s := spm.NewSnapshot("c1")
	s.Arrays["a1"] = spm.Array{ID: "a1", Name: "one", Type: spm.ArrayType("3PAR")}
	s.Arrays["a2"] = spm.Array{ID: "a2", Name: "two", Type: spm.ArrayType("XP")}
	s.Templates["t1"] = spm.Template{ID: "t1", Name: "tpl"}
	for i := range n {
		id := fmt.Sprintf("vol%04d", i)
		svc := fmt.Sprintf("svc%03d", i/8)
		s.Services[svc] = spm.Service{ID: svc, Name: svc, TemplateID: "t1", Conformant: true}
		s.Volumes[id] = spm.Volume{ID: id, ArrayID: []string{"a1", "a2"}[i%2], Name: id, WWN: addrpool.WWN(0x50000000000 + i),
			SizeBytes: 1 << 30, Signature: spm.SignatureState("Valid"), ServiceID: svc}
		for j := range 1 + i%3 {
			// Appended out of canonical order: the chain sorts them.
			s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: id, Initiator: spmtest.SampleWWN("initiator", 9-j), Host: "h", LUN: j})
		}
	}
	slices.Reverse(s.Presentations)
	return s
}

// sortedCopy is s's presentations in canonical order.
func sortedCopy(s *spm.Snapshot) []spm.Presentation {
	c := s.Clone()
	c.SortPresentations()
	return c.Presentations
}

// changeErr is what a test compares of an Apply error: nil, or the
// failing change's index, kind and target.
func changeErr(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return "nil"
	}
	var ce *spm.ChangeError
	require.True(t, errors.As(err, &ce), "%v", err)
	return fmt.Sprint(ce.Index, ce.Kind, ce.Target, ce.Err)
}

// A chain's state and errors are ApplyAll's, batch for batch (failed
// batches included), and its fingerprint is its state's.
func TestChainIsApplyAll(t *testing.T) {
	for _, n := range []int{6, 700} { // 700: past the point where a section sizes its buffer
		for seed := range uint64(8) {
			t.Run(fmt.Sprint(n, "/", seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, uint64(n)))
				start := chainCatalog(n)
				startFP := fingerprint(t, start)
				ref := start.Clone()
				c := spm.NewChain(start)
				failed := 0
				for step := range 60 {
					if rng.IntN(3) > 0 { // batches between fingerprints accumulate
						got, err := c.Fingerprint()
						require.NoError(t, err)
						require.Equal(t, fingerprint(t, c.Snapshot()), got, "step %d", step)
					}
					batch := make([]spm.Change, 1+rng.IntN(4))
					for i := range batch {
						batch[i] = randomChange(rng, c.Snapshot())
					}
					want := spm.ApplyAll(ref, batch...)
					got := c.Apply(batch...)
					require.Equal(t, changeErr(t, want), changeErr(t, got), "step %d", step)
					if got != nil {
						failed++
					}
					require.True(t, ref.Equal(c.Snapshot()), "step %d: the chain's state is not ApplyAll's", step)
					require.Equal(t, sortedCopy(c.Snapshot()), c.Snapshot().Presentations, "step %d: presentations out of order", step)
				}
				got, err := c.Fingerprint()
				require.NoError(t, err)
				assert.Equal(t, fingerprint(t, ref), got)
				assert.Equal(t, startFP, fingerprint(t, start), "the chain changed the snapshot it started from")
				assert.Positive(t, failed, "no batch failed: the undo went untested")
			})
		}
	}
}

// Random small catalogs, valid or not (duplicate presentations, keys that
// are not IDs, nil maps): the chain still fingerprints as Fingerprint does.
func TestChainOfRandomSnapshots(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 77))
		s := randomSnapshot(rng)
		c := spm.NewChain(s)
		for step := range 4 {
			got, err := c.Fingerprint()
			require.NoError(t, err)
			require.Equal(t, fingerprint(t, s.Clone()), fingerprint(t, spm.NewChain(s).Snapshot()), "seed %d", seed)
			require.Equal(t, fingerprint(t, c.Snapshot()), got, "seed %d step %d", seed, step)
			_ = c.Apply(randomChange(rng, c.Snapshot()), randomChange(rng, c.Snapshot()))
		}
	}
}

func TestChainOfNilAndEmpty(t *testing.T) {
	want := fingerprint(t, nil)
	for name, s := range map[string]*spm.Snapshot{"nil": nil, "empty": {}, "new": spm.NewSnapshot("")} {
		t.Run(name, func(t *testing.T) {
			c := spm.NewChain(s)
			require.NoError(t, c.Apply(), "an empty batch")
			got, err := c.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, want, got)
			err = c.Apply(spm.Quarantine{VolumeID: "v1"})
			assert.ErrorIs(t, err, spm.ErrNotFound)
		})
	}
}

// A failed batch leaves everything as it was, the presentations it had set
// and the volume it had removed included.
func TestChainUndoesAFailedBatch(t *testing.T) {
	c := spm.NewChain(chainCatalog(4))
	before := c.Snapshot().Clone()
	fp, err := c.Fingerprint()
	require.NoError(t, err)
	err = c.Apply(
		spm.SetPresentations{VolumeID: "vol0001", Presentations: []spm.Presentation{{VolumeID: "vol0001", Initiator: 7, Host: "x", LUN: 3}}},
		spm.RemoveVolume{VolumeID: "vol0002"},
		spm.Quarantine{VolumeID: "vol0003"},
		spm.MarkServiceNonConformant{ServiceID: "svc000"},
		spm.Quarantine{VolumeID: "vol0002"}, // removed above: the batch fails here
	)
	var ce *spm.ChangeError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 4, ce.Index)
	assert.True(t, before.Equal(c.Snapshot()), "the failed batch left a trace")
	assert.Equal(t, before.Presentations, c.Snapshot().Presentations)
	got, err := c.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, fp, got)
}
