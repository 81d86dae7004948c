package spm_test

import (
	"fmt"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
)

// BenchmarkPredictInternalRecovery measures the Internal Recovery
// prediction (analysis included) on catalogs where every tenth volume lost
// a presentation on its array.
func BenchmarkPredictInternalRecovery(b *testing.B) {
	for _, size := range []struct{ arrays, per int }{{4, 250}, {20, 1000}} {
		b.Run(fmt.Sprintf("volumes=%d", size.arrays*size.per), func(b *testing.B) {
			s, live := bigCatalog(b, size.arrays, size.per)
			cs, err := spm.PredictInternalRecovery(s, live, spm.DefaultSignatureRules())
			if err != nil || len(cs) == 0 {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := spm.PredictInternalRecovery(s, live, spm.DefaultSignatureRules()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cs)), "changes")
		})
	}
}
