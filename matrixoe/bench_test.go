package matrixoe

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// largeEstate builds the ROADMAP's large preset shape: n VC-based logical
// servers (250 domains × 256 profiles = 64,000), each with one catalog SPE,
// one volume presented to two WWPNs; every 16th profile unassigned, every
// 32nd deleted, every 64th volume's service non-conformant and unpresented.
func largeEstate(b *testing.B, n int) (*Snapshot, *vcem.Snapshot, *spm.Snapshot) {
	ms := NewSnapshot()
	vs := &vcem.Snapshot{Profiles: make(map[string]vcem.Profile, n)}
	cat := &spm.Snapshot{Volumes: make(map[string]spm.Volume, n), Services: make(map[string]spm.Service, n)}
	base, err := addrpool.ParseWWN("50:01:43:80:02:A3:00:00")
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		ls, spe, vol, prof := fmt.Sprintf("LS%d", i), fmt.Sprintf("SPE%d", i), fmt.Sprintf("V%d", i), fmt.Sprintf("P%d", i)
		w1, w2 := base+addrpool.WWN(4*i), base+addrpool.WWN(4*i+2)
		ms.LogicalServers[ls] = LogicalServer{ID: ls, Name: ls, Kind: LSPhysicalVC, Activated: true, ProfileID: prof, SPEIDs: []string{spe}, Managed: true}
		ms.SPEs[spe] = StoragePoolEntry{ID: spe, Kind: SPECatalog, VolumeIDs: []string{vol}, WWPNs: []addrpool.WWN{w1, w2}, LogicalServerID: ls}
		if i%32 != 0 {
			bay := "b"
			if i%16 == 0 {
				bay = ""
			}
			vs.Profiles[prof] = vcem.Profile{ID: prof, Bay: bay}
		}
		svc := "svc" + vol
		cat.Volumes[vol] = spm.Volume{ID: vol, ServiceID: svc}
		cat.Services[svc] = spm.Service{ID: svc, Conformant: i%64 != 0}
		if i%64 != 0 {
			cat.Presentations = append(cat.Presentations, spm.Presentation{VolumeID: vol, Initiator: w1}, spm.Presentation{VolumeID: vol, Initiator: w2})
		}
	}
	if err := ms.Validate(); err != nil {
		b.Fatal(err)
	}
	return ms, vs, cat
}

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
	b.Run("Validate", func(b *testing.B) {
		for b.Loop() {
			if err := ms.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
