package addrpool

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Address is the set of address types the generic containers accept.
type Address interface {
	MAC | WWN
	String() string
	AppendText(b []byte) ([]byte, error)
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

// ParseError reports text that is not a MAC or WWN. It quotes a bounded
// prefix of the input and, where one character is at fault, gives its
// 1-based position.
type ParseError struct {
	Kind   string // "MAC" or "WWN"
	Input  string // the text as given, untrimmed, cut to at most maxQuoted bytes
	Len    int    // the length of the whole input, in bytes
	Pos    int    // 1-based position in the trimmed text, 0 when not about one character
	Reason string
}

// maxQuoted bounds the prefix of a bad input kept and quoted by a
// [ParseError]: a MAC is 17 characters, a WWN with its 0x prefix 25, so any
// realistic input is quoted whole, and a 50 MB one costs 64 bytes.
const maxQuoted = 64

// Error implements error: "addrpool: parse MAC "…": reason at position N".
func (e *ParseError) Error() string {
	return "addrpool: parse " + e.Kind + " " + e.detail()
}

// detail is the error without its package and kind: the quoted input, the
// reason and the position.
func (e *ParseError) detail() string {
	q := strconv.Quote(e.Input)
	if e.Len > len(e.Input) {
		q += "… (" + strconv.Itoa(e.Len) + " bytes)"
	}
	if e.Pos > 0 {
		return q + ": " + e.Reason + " at position " + strconv.Itoa(e.Pos)
	}
	return q + ": " + e.Reason
}

// fieldError is a [ParseError] returned by UnmarshalText: a decoder that
// names the field (internal/strictjson, as in
// `profiles["d1:web"].ethernet[0].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17`)
// already says where and what, so its text is the detail alone. errors.As
// still finds the *ParseError.
type fieldError struct{ pe *ParseError }

// Error is the ParseError's detail, without package and kind.
func (e fieldError) Error() string { return e.pe.detail() }

// Unwrap returns the *ParseError.
func (e fieldError) Unwrap() error { return e.pe }

func asFieldError(err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return fieldError{pe}
	}
	return err
}

// text is what the parsers accept: a string, or the bytes UnmarshalText
// gets (parsed in place, so a huge input is never copied).
type text interface{ ~string | ~[]byte }

func parseErr[T text](kind string, input T, pos int, reason string) *ParseError {
	n := len(input)
	cut := min(n, maxQuoted)
	for cut > 0 && cut < n && !utf8.RuneStart(input[cut]) {
		cut--
	}
	return &ParseError{Kind: kind, Input: string(input[:cut]), Len: n, Pos: pos, Reason: reason}
}

// hexTab maps a byte to its hex value, or badHex. It is computed at init and
// never written after.
var hexTab = func() (t [256]byte) {
	for i := range t {
		t[i] = badHex
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

// badHex marks a non-hex byte in hexTab; OR-ing table values keeps the high
// bits set if any byte was bad, so a whole address is checked with one test.
const badHex = 0xF0

func isSep(c byte) bool { return c == ':' || c == '-' || c == '.' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpace[T text](s T) T {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// octets decodes n octets from s starting at i, stride bytes apart (2 with
// no separators, 3 with one after each octet). bad has badHex bits set if a
// digit was not hex.
func octets[T text](s T, i, n, stride int) (v uint64, bad byte) {
	for k := 0; k < n; k++ {
		hi, lo := hexTab[s[i]], hexTab[s[i+1]]
		bad |= hi | lo
		v = v<<8 | uint64(hi)<<4 | uint64(lo)
		i += stride
	}
	return v, bad
}

// quads decodes three groups of four hex digits separated by sep (the
// dotted MAC form xxxx.xxxx.xxxx).
func quads[T text](s T) (v uint64, bad byte) {
	for g := 0; g < 3; g++ {
		x, b := octets(s, g*5, 2, 2)
		v, bad = v<<16|x, bad|b
	}
	return v, bad
}

// separated reports whether s has one separator, ':' or '-', at every
// stride-th byte from first on (the separators of the grouped forms).
func separated[T text](s T, first, stride int) bool {
	sep := s[first]
	if sep != ':' && sep != '-' {
		return false
	}
	for i := first + stride; i < len(s); i += stride {
		if s[i] != sep {
			return false
		}
	}
	return true
}

// parseGrouped reads hex digits in groups of size group separated by one
// separator character from allowed; group 0 means no separators at all.
// Positions in errors are shifted by off (a stripped 0x prefix). It is the
// slow path that explains what is wrong; the fast paths above it only say
// whether the input is well formed.
func parseGrouped[T text](kind string, input, s T, group int, allowed string, off int) (uint64, error) {
	var v uint64
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if group > 0 && (i+1)%(group+1) == 0 {
			// A separator is expected here.
			if !isSep(c) {
				if hexTab[c] != badHex {
					return 0, parseErr(kind, input, off+i+1, "missing separator")
				}
				return 0, parseErr(kind, input, off+i+1, fmt.Sprintf("bad separator %q", c))
			}
			if sep == 0 {
				if !strings.Contains(allowed, string(c)) {
					return 0, parseErr(kind, input, off+i+1, fmt.Sprintf("separator %q not allowed in this form", c))
				}
				sep = c
			} else if c != sep {
				return 0, parseErr(kind, input, off+i+1, fmt.Sprintf("mixed separators %q and %q", sep, c))
			}
			continue
		}
		d := hexTab[c]
		if d == badHex {
			if isSep(c) {
				return 0, parseErr(kind, input, off+i+1, fmt.Sprintf("unexpected separator %q", c))
			}
			return 0, parseErr(kind, input, off+i+1, fmt.Sprintf("bad hex digit %q", c))
		}
		v = v<<4 | uint64(d)
	}
	return v, nil
}

// firstSep returns the first separator character among the first bytes of
// s and its index, or 0. A well-formed address has its first separator
// within five bytes; looking further only serves error messages, so the
// scan is bounded.
func firstSep[T text](s T) (byte, int) {
	for i := 0; i < len(s) && i < maxQuoted; i++ {
		if isSep(s[i]) {
			return s[i], i
		}
	}
	return 0, -1
}

func lengthErr[T text](kind string, input T, got, want int, form string) error {
	return parseErr(kind, input, 0, fmt.Sprintf("length %d, want %d characters for the %s form", got, want, form))
}

// ParseMAC parses a MAC address written as 00-17-A4-77-00-00,
// 00:17:a4:77:00:00, 0017.a477.0000 or 0017A4770000. Case is ignored and
// surrounding white space trimmed. The first separator decides the form.
//
// Well-formed input takes a table-driven path with no allocation; an error
// quotes at most a short prefix of the input, so a huge bad value costs a
// small error.
func ParseMAC(s string) (MAC, error) { return parseMAC(s) }

func parseMAC[T text](s T) (MAC, error) {
	t := trimSpace(s)
	switch len(t) {
	case 17:
		if separated(t, 2, 3) {
			if v, bad := octets(t, 0, 6, 3); bad&badHex == 0 {
				return MAC(v), nil
			}
		}
	case 14:
		if t[4] == '.' && t[9] == '.' {
			if v, bad := quads(t); bad&badHex == 0 {
				return MAC(v), nil
			}
		}
	case 12:
		if v, bad := octets(t, 0, 6, 2); bad&badHex == 0 {
			return MAC(v), nil
		}
	case 0:
		return 0, parseErr("MAC", s, 0, "empty")
	}
	return 0, explainMAC(s, t)
}

// explainMAC is the slow path of ParseMAC: it says why t (s trimmed) is not
// a MAC.
func explainMAC[T text](s, t T) error {
	var err error
	switch sep, _ := firstSep(t); sep {
	case 0:
		if len(t) != 12 {
			return lengthErr("MAC", s, len(t), 12, "bare hex")
		}
		_, err = parseGrouped("MAC", s, t, 0, "", 0)
	case '.':
		if len(t) != 14 {
			return lengthErr("MAC", s, len(t), 14, "dotted xxxx.xxxx.xxxx")
		}
		_, err = parseGrouped("MAC", s, t, 4, ".", 0)
	default:
		if len(t) != 17 {
			return lengthErr("MAC", s, len(t), 17, fmt.Sprintf("xx%cxx%c… separated", sep, sep))
		}
		_, err = parseGrouped("MAC", s, t, 2, ":-", 0)
	}
	if err == nil { // the fast path refused what the slow one accepts: a bug, say so
		err = parseErr("MAC", s, 0, "internal error: rejected by the fast path only")
	}
	return err
}

// ParseWWN parses a WWN written as 50:06:0B:00:00:C2:62:00,
// 50-06-0b-00-00-c2-62-00 or 50060B0000C26200, each optionally prefixed by
// 0x. Case is ignored and surrounding white space trimmed. Like [ParseMAC],
// it does not allocate on well-formed input and quotes a short prefix of a
// bad one.
func ParseWWN(s string) (WWN, error) { return parseWWN(s) }

func parseWWN[T text](s T) (WWN, error) {
	t := trimSpace(s)
	off := 0
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t, off = t[2:], 2
	}
	switch len(t) {
	case 23:
		if separated(t, 2, 3) {
			if v, bad := octets(t, 0, 8, 3); bad&badHex == 0 {
				return WWN(v), nil
			}
		}
	case 16:
		if v, bad := octets(t, 0, 8, 2); bad&badHex == 0 {
			return WWN(v), nil
		}
	case 0:
		return 0, parseErr("WWN", s, 0, "empty")
	}
	return 0, explainWWN(s, t, off)
}

// explainWWN is the slow path of ParseWWN.
func explainWWN[T text](s, t T, off int) error {
	var err error
	switch sep, at := firstSep(t); sep {
	case 0:
		if len(t) != 16 {
			return lengthErr("WWN", s, len(t), 16, "bare hex")
		}
		_, err = parseGrouped("WWN", s, t, 0, "", off)
	case '.':
		return parseErr("WWN", s, off+at+1, "separator '.' not allowed; use ':' or '-'")
	default:
		if len(t) != 23 {
			return lengthErr("WWN", s, len(t), 23, fmt.Sprintf("xx%cxx%c… separated", sep, sep))
		}
		_, err = parseGrouped("WWN", s, t, 2, ":-", off)
	}
	if err == nil {
		err = parseErr("WWN", s, 0, "internal error: rejected by the fast path only")
	}
	return err
}

const upperHex = "0123456789ABCDEF"

func format(v uint64, octets int, sep byte) string {
	return string(appendFormat(make([]byte, 0, octets*3), v, octets, sep))
}

func appendFormat(buf []byte, v uint64, octets int, sep byte) []byte {
	for i := octets - 1; i >= 0; i-- {
		b := byte(v >> (8 * uint(i)))
		buf = append(buf, upperHex[b>>4], upperHex[b&0xF])
		if i > 0 {
			buf = append(buf, sep)
		}
	}
	return buf
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

// UnmarshalText implements encoding.TextUnmarshaler with [ParseMAC],
// reading b in place. Its error is the *[ParseError] without the
// "addrpool: parse MAC" prefix, because decoders name the field.
func (m *MAC) UnmarshalText(b []byte) error {
	v, err := parseMAC(b)
	if err != nil {
		return asFieldError(err)
	}
	*m = v
	return nil
}

// AppendText implements encoding.TextAppender: MarshalText's form
// appended to b, without an allocation of its own.
func (m MAC) AppendText(b []byte) ([]byte, error) {
	if m > MaxMAC {
		return b, fmt.Errorf("addrpool: MAC value %#x exceeds 48 bits", uint64(m))
	}
	return appendFormat(b, uint64(m), 6, '-'), nil
}

// MarshalText implements encoding.TextMarshaler with the canonical form.
func (w WWN) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// AppendText implements encoding.TextAppender: MarshalText's form
// appended to b.
func (w WWN) AppendText(b []byte) ([]byte, error) { return appendFormat(b, uint64(w), 8, ':'), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseWWN], like
// [MAC.UnmarshalText].
func (w *WWN) UnmarshalText(b []byte) error {
	v, err := parseWWN(b)
	if err != nil {
		return asFieldError(err)
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
