package spm_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
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
	live := spmtest.LiveFromSnapshot(s)
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
		_ = s.Fingerprint()
	}
}
