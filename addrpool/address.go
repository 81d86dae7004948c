package addrpool

import (
	"errors"
	"fmt"
	"strconv"
)

// Address is the set of address types the generic containers accept.
type Address interface {
	MAC | WWN
	String() string
}

// MAC is a 48-bit IEEE 802 MAC address stored in the low 48 bits of a uint64.
// The zero value is 00-00-00-00-00-00.
type MAC uint64

// WWN is a 64-bit Fibre Channel World Wide Name (port or node name).
type WWN uint64

const (
	// MaxMAC is the largest MAC address, FF-FF-FF-FF-FF-FF.
	MaxMAC MAC = 1<<48 - 1
	// MaxWWN is the largest WWN, FF:FF:FF:FF:FF:FF:FF:FF.
	MaxWWN WWN = 1<<64 - 1
)

// ErrOverflow is wrapped by arithmetic errors that leave the address space.
var ErrOverflow = errors.New("address arithmetic leaves the address space")

// ParseError reports text that is not a MAC or WWN. It quotes the input and,
// where one character is at fault, gives its 1-based position.
type ParseError struct {
	Kind   string // "MAC" or "WWN"
	Input  string // the text as given, untrimmed
	Pos    int    // 1-based position in the trimmed text, 0 when not about one character
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("addrpool: parse %s %q: %s at position %d", e.Kind, e.Input, e.Reason, e.Pos)
	}
	return fmt.Sprintf("addrpool: parse %s %q: %s", e.Kind, e.Input, e.Reason)
}

func hexVal(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

func isSep(c byte) bool { return c == ':' || c == '-' || c == '.' }

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t' || s[j-1] == '\n' || s[j-1] == '\r') {
		j--
	}
	return s[i:j]
}

// parseGrouped reads hex digits in groups of size group separated by one
// separator character from allowed; group 0 means no separators at all.
// Positions in errors are shifted by off (a stripped 0x prefix).
func parseGrouped(kind, input, s string, group int, allowed string, off int) (uint64, error) {
	var v uint64
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if group > 0 && (i+1)%(group+1) == 0 {
			// A separator is expected here.
			if !isSep(c) {
				if _, ok := hexVal(c); ok {
					return 0, &ParseError{kind, input, off + i + 1, "missing separator"}
				}
				return 0, &ParseError{kind, input, off + i + 1, fmt.Sprintf("bad separator %q", c)}
			}
			if sep == 0 {
				ok := false
				for j := 0; j < len(allowed); j++ {
					ok = ok || allowed[j] == c
				}
				if !ok {
					return 0, &ParseError{kind, input, off + i + 1, fmt.Sprintf("separator %q not allowed in this form", c)}
				}
				sep = c
			} else if c != sep {
				return 0, &ParseError{kind, input, off + i + 1, fmt.Sprintf("mixed separators %q and %q", sep, c)}
			}
			continue
		}
		d, ok := hexVal(c)
		if !ok {
			if isSep(c) {
				return 0, &ParseError{kind, input, off + i + 1, fmt.Sprintf("unexpected separator %q", c)}
			}
			return 0, &ParseError{kind, input, off + i + 1, fmt.Sprintf("bad hex digit %q", c)}
		}
		v = v<<4 | d
	}
	return v, nil
}

// firstSep returns the first separator character of s and its index, or 0.
func firstSep(s string) (byte, int) {
	for i := 0; i < len(s); i++ {
		if isSep(s[i]) {
			return s[i], i
		}
	}
	return 0, -1
}

func lengthErr(kind, input string, got, want int, form string) error {
	return &ParseError{Kind: kind, Input: input, Reason: fmt.Sprintf("length %d, want %d characters for the %s form", got, want, form)}
}

// ParseMAC parses a MAC address written as 00-17-A4-77-00-00,
// 00:17:a4:77:00:00, 0017.a477.0000 or 0017A4770000. Case is ignored and
// surrounding white space trimmed. The first separator decides the form.
func ParseMAC(s string) (MAC, error) {
	t := trimSpace(s)
	if t == "" {
		return 0, &ParseError{Kind: "MAC", Input: s, Reason: "empty"}
	}
	var v uint64
	var err error
	switch sep, _ := firstSep(t); sep {
	case 0:
		if len(t) != 12 {
			return 0, lengthErr("MAC", s, len(t), 12, "bare hex")
		}
		v, err = parseGrouped("MAC", s, t, 0, "", 0)
	case '.':
		if len(t) != 14 {
			return 0, lengthErr("MAC", s, len(t), 14, "dotted xxxx.xxxx.xxxx")
		}
		v, err = parseGrouped("MAC", s, t, 4, ".", 0)
	default:
		if len(t) != 17 {
			return 0, lengthErr("MAC", s, len(t), 17, fmt.Sprintf("xx%cxx%c… separated", sep, sep))
		}
		v, err = parseGrouped("MAC", s, t, 2, ":-", 0)
	}
	return MAC(v), err
}

// ParseWWN parses a WWN written as 50:06:0B:00:00:C2:62:00,
// 50-06-0b-00-00-c2-62-00 or 50060B0000C26200, each optionally prefixed by
// 0x. Case is ignored and surrounding white space trimmed.
func ParseWWN(s string) (WWN, error) {
	t := trimSpace(s)
	off := 0
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t, off = t[2:], 2
	}
	if t == "" {
		return 0, &ParseError{Kind: "WWN", Input: s, Reason: "empty"}
	}
	var v uint64
	var err error
	switch sep, at := firstSep(t); sep {
	case 0:
		if len(t) != 16 {
			return 0, lengthErr("WWN", s, len(t), 16, "bare hex")
		}
		v, err = parseGrouped("WWN", s, t, 0, "", off)
	case '.':
		return 0, &ParseError{"WWN", s, off + at + 1, "separator '.' not allowed; use ':' or '-'"}
	default:
		if len(t) != 23 {
			return 0, lengthErr("WWN", s, len(t), 23, fmt.Sprintf("xx%cxx%c… separated", sep, sep))
		}
		v, err = parseGrouped("WWN", s, t, 2, ":-", off)
	}
	return WWN(v), err
}

const upperHex = "0123456789ABCDEF"

func format(v uint64, octets int, sep byte) string {
	buf := make([]byte, 0, octets*3)
	for i := octets - 1; i >= 0; i-- {
		b := byte(v >> (8 * uint(i)))
		buf = append(buf, upperHex[b>>4], upperHex[b&0xF])
		if i > 0 {
			buf = append(buf, sep)
		}
	}
	return string(buf)
}

// String returns the Virtual Connect form, upper case with dashes:
// 00-17-A4-77-00-00.
func (m MAC) String() string { return format(uint64(m), 6, '-') }

// String returns the canonical form, upper case with colons:
// 50:06:0B:00:00:C2:62:00.
func (w WWN) String() string { return format(uint64(w), 8, ':') }

// MarshalText implements encoding.TextMarshaler with the canonical form.
func (m MAC) MarshalText() ([]byte, error) {
	if m > MaxMAC {
		return nil, fmt.Errorf("addrpool: MAC value %#x exceeds 48 bits", uint64(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseMAC].
func (m *MAC) UnmarshalText(b []byte) error {
	v, err := ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalText implements encoding.TextMarshaler with the canonical form.
func (w WWN) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseWWN].
func (w *WWN) UnmarshalText(b []byte) error {
	v, err := ParseWWN(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// maxOf returns the largest value of the address type A.
func maxOf[A Address]() uint64 {
	var a A
	if _, ok := any(a).(MAC); ok {
		return uint64(MaxMAC)
	}
	return uint64(MaxWWN)
}

func kindOf[A Address]() string {
	var a A
	if _, ok := any(a).(MAC); ok {
		return "MAC"
	}
	return "WWN"
}

// Add returns a+n, or an error wrapping [ErrOverflow] when the result would
// leave the address space of A.
func Add[A Address](a A, n int64) (A, error) {
	v := uint64(a)
	if n >= 0 {
		u := uint64(n)
		if u > maxOf[A]()-v {
			return a, fmt.Errorf("addrpool: %s %s + %d: %w", kindOf[A](), a, n, ErrOverflow)
		}
		return A(v + u), nil
	}
	u := uint64(-(n + 1)) + 1 // |n| without overflowing on MinInt64
	if u > v {
		return a, fmt.Errorf("addrpool: %s %s - %d: %w", kindOf[A](), a, u, ErrOverflow)
	}
	return A(v - u), nil
}

// Distance returns |b - a|.
func Distance[A Address](a, b A) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

// Add returns m+n; see the generic [Add].
func (m MAC) Add(n int64) (MAC, error) { return Add(m, n) }

// Next returns the following address, or an error past FF-FF-FF-FF-FF-FF.
func (m MAC) Next() (MAC, error) { return Add(m, 1) }

// IsMulticast reports whether the I/G bit (lowest bit of the first octet) is set.
func (m MAC) IsMulticast() bool { return m&(1<<40) != 0 }

// IsLocallyAdministered reports whether the U/L bit (second-lowest bit of the
// first octet) is set; user-defined VC ranges must come from this space.
func (m MAC) IsLocallyAdministered() bool { return m&(1<<41) != 0 }

// Add returns w+n; see the generic [Add].
func (w WWN) Add(n int64) (WWN, error) { return Add(w, n) }

// Next returns the following WWN, or an error past FF:…:FF.
func (w WWN) Next() (WWN, error) { return Add(w, 1) }

// NAA is the Network Address Authority format of a WWN: its top four bits.
type NAA uint8

// NAA values defined by the FC standards.
const (
	NAAIEEE             NAA = 1 // IEEE 48-bit, 10:00:xx:xx:xx:xx:xx:xx
	NAAIEEEExtended     NAA = 2 // IEEE extended
	NAARegistered       NAA = 5 // IEEE registered, e.g. 50:06:0B:… (HP)
	NAARegisteredExtend NAA = 6 // IEEE registered extended
)

// NAA returns the WWN's Network Address Authority nibble.
func (w WWN) NAA() NAA { return NAA(w >> 60) }

// String names the NAA format.
func (n NAA) String() string {
	switch n {
	case NAAIEEE:
		return "IEEE"
	case NAAIEEEExtended:
		return "IEEE Extended"
	case 3:
		return "Locally Assigned"
	case NAARegistered:
		return "IEEE Registered"
	case NAARegisteredExtend:
		return "IEEE Registered Extended"
	}
	return "NAA " + strconv.Itoa(int(n))
}
