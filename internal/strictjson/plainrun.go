package strictjson

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// PlainRun returns the position of the first byte at or after p that a
// JSON string scanner must look at: a quote, a backslash, a control
// character or a byte of a multi-byte UTF-8 sequence; len(data) if there
// is none. It reads eight bytes at a time (strings are most of a large
// document's bytes, and a byte-by-byte scan was a tenth of decoding one).
// The module's string scanners use it for their plain runs.
func PlainRun(data []byte, p int) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for p+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[p:])
		// Per byte, the high bit of: below 0x20 (of the bytes below
		// 0x80), equal to '"', equal to '\\', at or above 0x80. The
		// borrows of the subtractions can only flag bytes after a true
		// one, so the lowest flag is exact.
		q, b := x^(lo*'"'), x^(lo*'\\')
		m := (x-lo*0x20)&^x&hi | (q-lo)&^q&hi | (b-lo)&^b&hi | x&hi
		if m != 0 {
			return p + bits.TrailingZeros64(m)/8
		}
		p += 8
	}
	for ; p < len(data); p++ {
		if c := data[p]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return p
		}
	}
	return p
}
