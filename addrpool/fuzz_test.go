package addrpool

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
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

// FuzzPoolJSON: any input either fails to decode or decodes to a pool whose
// counts add up, whose JSON decodes back to an Equal pool; and decoding is
// quick whatever the ranges say (External ranges are marked as ranges).
func FuzzPoolJSON(f *testing.F) {
	for _, s := range []string{
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-00-00-FF"}],"exclusions":[{"first":"00-00-00-00-00-10","last":"00-00-00-00-00-1F"}],"inUse":[{"address":"00-00-00-00-00-01","owner":"p"}],"external":[{"first":"00-00-00-00-00-05","last":"00-00-00-00-00-15"}]}`,
		`{"ranges":[{"first":"00-00-00-00-00-00","last":"00-00-00-FF-FF-FF"}],"external":[{"first":"00-00-00-00-00-00","last":"00-00-00-FF-FF-FF"}]}`,
		`{"ranges":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Pool[MAC]
		start := time.Now()
		err := p.UnmarshalJSON(b)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("decoding %d bytes took %v", len(b), d)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "addrpool: MAC pool") {
				t.Fatalf("error does not say what it decoded: %v", err)
			}
			return
		}
		c := p.Counts()
		var total uint64
		for _, r := range p.Ranges() {
			total += r.Count()
		}
		if c.Total() != total {
			t.Fatalf("counts %+v do not add up to %d", c, total)
		}
		out, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		var back Pool[MAC]
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if !p.Equal(&back) {
			t.Fatalf("round trip changed the pool")
		}
	})
}
