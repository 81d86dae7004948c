package addrpool

import (
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"testing"
)

// macForms are the forms ParseMAC accepts, each as a function writing m in
// it; net says whether net.ParseMAC accepts the form too.
var macForms = []struct {
	name  string
	write func(m MAC) string
	net   bool
}{
	{"dash-upper", func(m MAC) string { return m.String() }, true},
	{"dash-lower", func(m MAC) string { return strings.ToLower(m.String()) }, true},
	{"colon-lower", func(m MAC) string { return strings.ToLower(strings.ReplaceAll(m.String(), "-", ":")) }, true},
	{"colon-upper", func(m MAC) string { return strings.ReplaceAll(m.String(), "-", ":") }, true},
	{"dotted", func(m MAC) string {
		return fmt.Sprintf("%04x.%04x.%04x", uint64(m)>>32, uint64(m)>>16&0xFFFF, uint64(m)&0xFFFF)
	}, true},
	{"bare", func(m MAC) string { return strings.ReplaceAll(m.String(), "-", "") }, false},
	{"padded", func(m MAC) string { return " " + m.String() + "\n" }, false},
}

// macInputs returns 1,024 random MACs written in one form.
func macInputs(write func(MAC) string) []string {
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]string, 1024)
	for i := range in {
		in[i] = write(MAC(rng.Uint64N(uint64(MaxMAC))))
	}
	return in
}

// BenchmarkParseMAC compares ParseMAC with net.ParseMAC form by form, on the
// same random inputs, wherever net accepts the form:
//
//	go test -run '^$' -bench ParseMAC -benchmem ./addrpool/
func BenchmarkParseMAC(b *testing.B) {
	for _, f := range macForms {
		in := macInputs(f.write)
		b.Run(f.name+"/addrpool", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := ParseMAC(in[i%len(in)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		if !f.net {
			continue
		}
		b.Run(f.name+"/net", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := net.ParseMAC(in[i%len(in)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseWWN measures ParseWWN on its forms (net has no WWN parser).
func BenchmarkParseWWN(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, f := range []struct {
		name  string
		write func(WWN) string
	}{
		{"colon", WWN.String},
		{"bare-0x", func(w WWN) string { return "0x" + strings.ReplaceAll(w.String(), ":", "") }},
	} {
		in := make([]string, 1024)
		for i := range in {
			in[i] = f.write(WWN(rng.Uint64()))
		}
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := ParseWWN(in[i%len(in)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
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
