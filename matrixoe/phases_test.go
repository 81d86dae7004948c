package matrixoe

import (
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On many random estates, every phase in mxsync's order proposes
// changes that apply together (ApplyAll), leave a valid snapshot, and
// resolve the phase: re-analysis proposes no change (what remains is
// manual, for a human).
func TestRandomEstatesPhasesResolveThemselves(t *testing.T) {
	for seed := range uint64(400) {
		e := randomEstate(t, seed)
		predicted := e.ms.Clone()
		for _, ph := range phases() {
			fs := ph.analyze(t, predicted, e)
			next := predicted.Clone()
			changes := ChangesOf(fs)
			require.NoError(t, ApplyAll(next, changes...), "seed %d phase %s: %v", seed, ph.name, fs)
			require.NoError(t, next.Validate(), "seed %d phase %s", seed, ph.name)
			nextSPM := e.spmC.Clone()
			for _, sc := range SPMChangesOf(changes) {
				require.NoError(t, spm.Apply(nextSPM, sc), "seed %d phase %s", seed, ph.name)
			}
			e.spmC = nextSPM
			for _, f := range ph.analyze(t, next, e) {
				assert.Empty(t, f.Changes, "seed %d after %s: %s still has changes: %s", seed, ph.name, f.Code, f.Message)
			}
			predicted = next
		}
	}
}

// TestPhasesResolveThemselves: for each phase in mxsync's order, analysing
// the predicted state, applying the phase's changes to a clone (and the SPM
// side of DeleteVolumeFromSPM to the predicted catalog) and analysing again
// proposes no change (what remains is manual); the predicted state stays
// valid.
func TestPhasesResolveThemselves(t *testing.T) {
	e := sampleEstate(t)
	restoredFP, err := e.ms.Fingerprint()
	require.NoError(t, err)
	predicted := e.ms.Clone()
	for _, ph := range phases() {
		t.Run(ph.name, func(t *testing.T) {
			fs := ph.analyze(t, predicted, e)
			assert.Equal(t, ph.want, codes(fs))
			next := predicted.Clone()
			nextSPM := e.spmC.Clone()
			for _, c := range ChangesOf(fs) {
				// The engine's routing: the change to the Matrix OE state,
				// its SPM part (if any) to the SPM catalog.
				require.NoError(t, Apply(next, c))
				for _, sc := range SPMChangesOf([]Change{c}) {
					require.NoError(t, spm.Apply(nextSPM, sc))
				}
			}
			require.NoError(t, next.Validate())
			e.spmC = nextSPM
			again := ph.analyze(t, next, e)
			for _, f := range again {
				assert.Empty(t, f.Changes, "after %s: %s still has changes: %s", ph.name, f.Code, f.Message)
			}
			predicted = next
		})
	}
	after, err := e.ms.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, restoredFP, after, "the restored snapshot is never written by a dry run")

	// Spot-check the predicted end state.
	assert.NotContains(t, predicted.LogicalServers, "LS2")
	assert.False(t, predicted.LogicalServers["LS1"].Activated)
	assert.Equal(t, PowerOn, predicted.LogicalServers["VM1"].Power)
	assert.Equal(t, []string{"Volume1", "Volume8"}, predicted.SPEs["SPE1"].VolumeIDs)
	assert.Empty(t, predicted.SPEs["SPE7"].VolumeIDs)
	assert.NotContains(t, predicted.Services, "S2")
	assert.Equal(t, RequestCancelled, predicted.Requests["R1"].State)
	assert.NotContains(t, predicted.Requests, "R4", "removed with service S2")
	assert.True(t, predicted.IPs[addr(t, "10.0.0.2")].Allocated)
	assert.False(t, predicted.IPs[addr(t, "10.0.0.3")].Allocated, "freed with service S2")
	assert.Equal(t, []string{"LS1"}, predicted.RecoveryGroups["RG1"].ProtectedLS)
	assert.Contains(t, predicted.RecoveryGroups, "RG9")
}
