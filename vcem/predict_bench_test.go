package vcem_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

// BenchmarkPredictResync measures the phase-2 prediction (including the
// snapshot's Validate) on the ROADMAP's large preset, 250 domains × 256
// profiles, with every 16th live profile unassigned after the backup.
func BenchmarkPredictResync(b *testing.B) {
	restored, lds := largeEstate(b, 250, 256)
	lds = slices.Clone(lds)
	for i := range lds {
		lds[i].Profiles = slices.Clone(lds[i].Profiles)
		for j := range lds[i].Profiles {
			if j%16 == 0 {
				lds[i].Profiles[j].Bay = ""
			}
		}
	}
	cs, err := vcem.PredictResync(restored, lds)
	require.NoError(b, err)
	require.NotEmpty(b, cs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := vcem.PredictResync(restored, lds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cs)), "changes")
}
