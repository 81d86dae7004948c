package spm_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

// bigCatalog builds arrays×perArray volumes, each bound to a service and
// presented to two initiators, and a live side where every tenth volume
// lost a presentation.
func bigCatalog(b *testing.B, arrays, perArray int) (*spm.Snapshot, *spm.Live) {
	s := spm.NewSnapshot("cat")
	for a := range arrays {
		id := fmt.Sprintf("arr%03d", a)
		s.Arrays[id] = spm.Array{ID: id, Name: id, Type: spm.Array3PAR}
		for v := range perArray {
			n := a*perArray + v
			vid := fmt.Sprintf("vol%06d", n)
			sid := fmt.Sprintf("svc%06d", n)
			s.Services[sid] = spm.Service{ID: sid, Conformant: true}
			s.Volumes[vid] = spm.Volume{ID: vid, ArrayID: id, Name: vid, WWN: addrpool.WWN(0x6000000000000000 + n), SizeBytes: 1 << 30, ServiceID: sid, Activation: "active"}
			for i := range 2 {
				s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: vid, Initiator: addrpool.WWN(0x5000000000000000 + 2*n + i), Host: "LSM_" + vid, LUN: i})
			}
		}
	}
	live := liveOf(b, s)
	for id, la := range live.Arrays {
		kept := la.Presentations[:0]
		for i, p := range la.Presentations {
			if i%20 != 0 {
				kept = append(kept, p)
			}
		}
		la.Presentations = kept
		live.Arrays[id] = la
	}
	require.NoError(b, s.Validate())
	require.NoError(b, live.Validate())
	return s, live
}

func BenchmarkAnalyze(b *testing.B) {
	for _, size := range []struct{ arrays, per int }{{4, 250}, {20, 1000}} {
		b.Run(fmt.Sprintf("volumes=%d", size.arrays*size.per), func(b *testing.B) {
			s, live := bigCatalog(b, size.arrays, size.per)
			b.ResetTimer()
			for b.Loop() {
				fs, err := spm.Analyze(s, live)
				if err != nil || len(fs) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFingerprint(b *testing.B) {
	s, _ := bigCatalog(b, 20, 1000)
	for b.Loop() {
		_ = fingerprint(b, s)
	}
}

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

// BenchmarkApplyAll applies Internal Recovery's predicted changes (every
// volume quarantined and given a state, every tenth re-presented) in one
// batch, to a fresh copy each time.
func BenchmarkApplyAll(b *testing.B) {
	for _, size := range []struct{ arrays, per int }{{4, 250}, {20, 1000}} {
		b.Run(fmt.Sprintf("volumes=%d", size.arrays*size.per), func(b *testing.B) {
			s, live := bigCatalog(b, size.arrays, size.per)
			cs, err := spm.PredictInternalRecovery(s, live, spm.DefaultSignatureRules())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				c := s.Clone()
				b.StartTimer()
				if err := spm.ApplyAll(c, cs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cs)), "changes")
		})
	}
}

// BenchmarkEqual compares two equal 20000-volume catalogs.
func BenchmarkEqual(b *testing.B) {
	s, _ := bigCatalog(b, 20, 1000)
	c := s.Clone()
	for b.Loop() {
		if !s.Equal(c) {
			b.Fatal("not equal")
		}
	}
}
