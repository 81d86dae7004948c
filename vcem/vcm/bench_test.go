package vcm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
)

// bigProfiles writes a `show profile *` answer of n profiles, each with two
// Ethernet ports and two FC ports, CRLF-terminated.
func bigProfiles(n int) []byte {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString("--------------------------------------------------------------------------------\r\n")
		}
		fmt.Fprintf(&b, "Name;Device Bay;Server;Status;Serial Number;UUID\r\np%05d;<Unassigned>;<Unassigned>;OK;VCX%07d;uuid-%d\r\n\r\n", i, i, i)
		b.WriteString("Port;Network Name;Status;PXE;MAC Address;Allocated Speed\r\n")
		for p := range 2 {
			m := uint64(0x0017A4770000) + uint64(4*i+2*p)
			fmt.Fprintf(&b, "%d;\"net;%d\";OK;Enabled;%02X-%02X-%02X-%02X-%02X-%02X;5Gb\r\n", p+1, p,
				byte(m>>40), byte(m>>32), byte(m>>24), byte(m>>16), byte(m>>8), byte(m))
		}
		b.WriteString("\r\nPort;Connected To Bay;Status;Fabric Name;Speed;WWPN\r\n")
		for p := range 2 {
			w := uint64(0x50060B0000C20000) + uint64(4*i+2*p)
			fmt.Fprintf(&b, "%d;3;OK;SAN;Auto;%02X:%02X:%02X:%02X:%02X:%02X:%02X:%02X\r\n", p+1,
				byte(w>>56), byte(w>>48), byte(w>>40), byte(w>>32), byte(w>>24), byte(w>>16), byte(w>>8), byte(w))
		}
	}
	return []byte(b.String())
}

// BenchmarkParseProfiles parses and maps a 4,000-profile answer; b.SetBytes
// makes the figure a throughput.
func BenchmarkParseProfiles(b *testing.B) {
	in := bigProfiles(4000)
	d := DefaultDialect()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		o, err := d.Parse(d.ShowProfiles, in)
		if err != nil {
			b.Fatal(err)
		}
		ps, err := d.profiles(o, "d1")
		if err != nil || len(ps) != 4000 {
			b.Fatal(err, len(ps))
		}
		if err := checkLive(vcem.LiveDomain{Domain: vcem.Domain{ID: "d1"}, Profiles: ps}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOnly is the script2 parser alone on the same answer.
func BenchmarkParseOnly(b *testing.B) {
	in := bigProfiles(4000)
	d := DefaultDialect()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Parse(d.ShowProfiles, in); err != nil {
			b.Fatal(err)
		}
	}
}
