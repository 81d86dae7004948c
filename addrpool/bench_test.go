package addrpool

import (
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
)

func macInputs() []string {
	rng := rand.New(rand.NewPCG(1, 1))
	var in []string
	for i := range 1024 {
		m := MAC(rng.Uint64N(uint64(MaxMAC)))
		s := m.String()
		switch i % 3 {
		case 1:
			s = strings2colon(s)
		case 2:
			s = fmt.Sprintf("%04x.%04x.%04x", uint64(m)>>32, uint64(m)>>16&0xFFFF, uint64(m)&0xFFFF)
		}
		in = append(in, s)
	}
	return in
}

func strings2colon(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '-' {
			b[i] = ':'
		}
	}
	return string(b)
}

// BenchmarkParseMAC compares ParseMAC with net.ParseMAC on the same inputs
// (dash, colon and dotted forms, which both accept).
func BenchmarkParseMAC(b *testing.B) {
	in := macInputs()
	b.Run("addrpool", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := ParseMAC(in[i%len(in)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := net.ParseMAC(in[i%len(in)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAllocateNearlyFull measures next-free allocation in a 2^20
// address range that is 99.9 % full, with the free addresses spread at
// random: each op allocates one address and releases a random in-use one.
func BenchmarkAllocateNearlyFull(b *testing.B) {
	const size = 1 << 20
	p, err := NewPool([]Range[MAC]{MustRange(MAC(0), MAC(size-1))}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for range size {
		if _, err := p.Allocate("o"); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for p.Counts().Free < size/1000 {
		_ = p.Release(MAC(rng.Uint64N(size)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for {
			if err := p.Release(MAC(rng.Uint64N(size))); err == nil {
				break
			}
		}
		if _, err := p.Allocate("o"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiff diffs 512k live addresses against a restored assignment of
// the same size (half shared, a quarter of those with another owner), next to
// a bare slices.Sort of the same number of addresses.
func BenchmarkDiff(b *testing.B) {
	const n = 512 * 1024
	rng := rand.New(rand.NewPCG(8, 8))
	base := uint64(VCEMDefinedWWN().First) &^ 0xFFFFFF
	perm := rng.Perm(2 * n)
	owners := make([]string, 4096)
	for i := range owners {
		owners[i] = fmt.Sprintf("profile-%d", i)
	}
	restored := make([]Assignment[WWN], n)
	live := make([]Assignment[WWN], n)
	for i := range n {
		restored[i] = Assignment[WWN]{WWN(base + uint64(perm[i])), owners[i%len(owners)]}
		j := i + n/2 // live shares half of the restored addresses
		o := owners[j%len(owners)]
		if i%4 == 0 {
			o = owners[(j+1)%len(owners)]
		}
		live[i] = Assignment[WWN]{WWN(base + uint64(perm[j])), o}
	}
	rng.Shuffle(n, func(i, j int) { live[i], live[j] = live[j], live[i] })
	b.Run("Diff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Diff(restored, live); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		keys := make([]uint64, n)
		for b.Loop() {
			for i, a := range live {
				keys[i] = uint64(a.Addr)
			}
			slices.Sort(keys)
		}
	})
}
