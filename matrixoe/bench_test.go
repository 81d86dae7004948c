package matrixoe

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

func BenchmarkAnalyzeLSRefresh64k(b *testing.B) {
	ms, vs, _ := largeEstate(b, 64000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := AnalyzeLSRefresh(ms, vs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyzeLSMAnalyzer64k(b *testing.B) {
	ms, _, cat := largeEstate(b, 64000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := AnalyzeLSMAnalyzer(ms, cat, cat); err != nil {
			b.Fatal(err)
		}
	}
}

// Dry run of storage phase 2: clone, then apply every change.
func BenchmarkPhase2DryRun64k(b *testing.B) {
	ms, vs, _ := largeEstate(b, 64000)
	fs, err := AnalyzeLSRefresh(ms, vs, nil)
	if err != nil {
		b.Fatal(err)
	}
	changes := ChangesOf(fs)
	b.ReportMetric(float64(len(changes)), "changes")
	b.ResetTimer()
	for b.Loop() {
		c := ms.Clone()
		for _, ch := range changes {
			if err := Apply(c, ch); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkCloneFingerprintValidate64k(b *testing.B) {
	ms, _, _ := largeEstate(b, 64000)
	for i := range 4096 {
		a := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		ms.IPs[a] = IPAllocation{Address: a}
	}
	b.Run("Clone", func(b *testing.B) {
		for b.Loop() {
			_ = ms.Clone()
		}
	})
	b.Run("Fingerprint", func(b *testing.B) {
		for b.Loop() {
			if _, err := ms.Fingerprint(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Fingerprinter", func(b *testing.B) {
		var f Fingerprinter // the chain's case: the IDs stay, records change
		for b.Loop() {
			if _, err := f.Fingerprint(ms); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Chain", func(b *testing.B) {
		c := NewChain(ms) // the chain's case: a change, then a fingerprint
		if _, err := c.Fingerprint(); err != nil {
			b.Fatal(err)
		}
		power := []PowerState{PowerOn, PowerOff}
		i := 0
		for b.Loop() {
			i++
			if err := c.Apply(SetPowerState{LogicalServerID: fmt.Sprintf("LS%d", i%64000), Power: power[i%2]}); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Fingerprint(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Validate", func(b *testing.B) {
		for b.Loop() {
			if err := ms.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
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
