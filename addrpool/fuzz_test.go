package addrpool

import (
	"net"
	"strings"
	"testing"
)

func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"00-17-A4-77-00-00", "00:17:a4:77:00:00", "0017.a477.0000", "0017A4770000", "", "zz", "00-17:A4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMAC(s)
		// net.ParseMAC accepts the dash, colon and dotted forms of six
		// octets too (and longer EUI-64 forms, not ours): both must agree.
		if hw, nerr := net.ParseMAC(s); nerr == nil && len(hw) == 6 {
			if err != nil {
				t.Fatalf("ParseMAC(%q) refused what net accepts: %v", s, err)
			}
			if want := MAC(uint64(hw[0])<<40 | uint64(hw[1])<<32 | uint64(hw[2])<<24 | uint64(hw[3])<<16 | uint64(hw[4])<<8 | uint64(hw[5])); m != want {
				t.Fatalf("ParseMAC(%q) = %v, net says %v", s, m, want)
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), "MAC") || strings.Contains(err.Error(), "internal error") {
				t.Fatalf("error does not say what it parsed, or the fast path disagrees: %v", err)
			}
			return
		}
		if m > MaxMAC {
			t.Fatalf("ParseMAC(%q) = %#x, more than 48 bits", s, uint64(m))
		}
		back, err := ParseMAC(m.String())
		if err != nil || back != m {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}

func FuzzParseWWN(f *testing.F) {
	for _, s := range []string{"50:06:0B:00:00:C2:62:00", "50-06-0b-00-00-c2-62-00", "50060B0000C26200", "0x50060b0000c26200", "0x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWWN(s)
		if err != nil {
			if !strings.Contains(err.Error(), "WWN") || strings.Contains(err.Error(), "internal error") {
				t.Fatalf("error does not say what it parsed: %v", err)
			}
			return
		}
		back, err := ParseWWN(w.String())
		if err != nil || back != w {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}
