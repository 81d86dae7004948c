package matrixoe

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

// BenchmarkParseServicesFileManyProblems: a file with many unknown lines
// against a database with many services (every service then missing).
func BenchmarkParseServicesFileManyProblems(b *testing.B) {
	s := NewSnapshot()
	for i := range 5000 {
		id := fmt.Sprintf("S%d", i)
		s.Services[id] = Service{ID: id, Name: "service " + id}
	}
	data := []byte(strings.Repeat("no such service\r\n", 20000))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseServicesFile(data, s); err == nil {
			b.Fatal("want an error")
		}
	}
}

// BenchmarkPhase3DryRun64k: storage phase 3 on the large estate with 4,000
// volumes imported after the backup — half presented to unknown WWPNs
// (DeleteVolumeFromSPM), half to reused WWPNs of existing entries
// (AddVolumeToSPE) — then every change applied to a clone.
func BenchmarkPhase3DryRun64k(b *testing.B) {
	ms, _, cat := largeEstate(b, 64000)
	cur := cat.Clone()
	for i := range 4000 {
		vol := fmt.Sprintf("NEW%d", i)
		cur.Volumes[vol] = spm.Volume{ID: vol}
		w := addrpool.WWN(0x2000000000000000 + uint64(i))
		if i%2 == 1 {
			w = ms.SPEs[fmt.Sprintf("SPE%d", 16*i+1)].WWPNs[0]
		}
		cur.Presentations = append(cur.Presentations, spm.Presentation{VolumeID: vol, Initiator: w})
	}
	fs, err := AnalyzeLSMAnalyzer(ms, cat, cur)
	if err != nil {
		b.Fatal(err)
	}
	changes := ChangesOf(fs)
	b.ReportMetric(float64(len(changes)), "changes")
	b.ResetTimer()
	for b.Loop() {
		if err := ApplyAll(ms.Clone(), changes...); err != nil {
			b.Fatal(err)
		}
	}
}
