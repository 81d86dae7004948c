package addrpool

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMAC(t *testing.T) {
	want := MAC(0x0017A4770000)
	for _, in := range []string{
		"00-17-A4-77-00-00", "00:17:a4:77:00:00", "0017.a477.0000", "0017A4770000",
		"  00-17-a4-77-00-00\t", "\n0017a4770000\r\n",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseMAC(in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, "00-17-A4-77-00-00", got.String())
		})
	}
}

func TestParseMACRejects(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", "empty"},
		{"   ", "empty"},
		{"00-17-A4-77-00", "length 14, want 17"},
		{"00-17-A4-77-00-0", "length 16"},
		{"00-17-A4-77-00-000", "length 18"},
		{"00-17:A4-77-00-00", "mixed separators '-' and ':' at position 6"},
		{"00-17-G4-77-00-00", "bad hex digit 'G' at position 7"},
		{"0017A477000Z", "bad hex digit 'Z' at position 12"},
		{"00.17.A4.77.00.00", "length 17, want 14"},
		{"0017-a477-0000", "length 14, want 17"},
		{"0017.a477:0000", "mixed separators '.' and ':' at position 10"},
		{"001-7A4-770000", "length 14, want 17"},
		{"00-17-A4-77-00-00-", "length 18"},
		{"0017A4770000.", "length 13"},
		{"00117-A4-77-00-00", "missing separator at position 3"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseMAC(tc.in)
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, "MAC", pe.Kind)
			assert.Contains(t, err.Error(), `"`+tc.in+`"`, "error quotes the input")
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestParseWWN(t *testing.T) {
	want := WWN(0x50060B0000C26200)
	for _, in := range []string{
		"50:06:0B:00:00:C2:62:00", "50-06-0b-00-00-c2-62-00", "50060B0000C26200",
		"0x50060b0000c26200", "0X50060B0000C26200", " 0x50:06:0b:00:00:c2:62:00 ",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseWWN(in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, "50:06:0B:00:00:C2:62:00", got.String())
		})
	}
}

func TestParseWWNRejects(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", "empty"},
		{"0x", "empty"},
		{"50:06:0B:00:00:C2:62", "length 20"},
		{"50060B0000C262", "length 14"},
		{"50:06-0B:00:00:C2:62:00", "mixed separators ':' and '-' at position 6"},
		{"50:06:0B:00:00:C2:62:0G", "bad hex digit 'G' at position 23"},
		{"50.06.0B.00.00.C2.62.00", "separator '.' not allowed"},
		{"0x0x50060B0000C262", "bad hex digit 'x' at position 4"},
		{"0x50060B0000C2620Q", "bad hex digit 'Q' at position 18"},
		{"50060B0000C2620-", "length 16, want 23"},
		{"50:06:0B:00:00:C2:6200", "length 22, want 23"},
		{"5006:0B:00:00:C2:62:00", "length 22"},
		{"500:6:0B:00:00:C2:62:00", "missing separator at position 3"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseWWN(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), `"`+tc.in+`"`)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// A huge bad value makes a small error: the input is quoted by a short
// prefix (with its length), and parsing allocates only that error, not a
// copy of the input (a 50 MB bad MAC once made a 52 MB error and 600 MiB of
// allocation).
func TestParseErrorsAreBounded(t *testing.T) {
	huge := "00-17-A4-77-00-0Z" + strings.Repeat("9", 8<<20)
	hugeBytes := []byte(huge)
	tests := []struct {
		name  string
		parse func() error
		want  string
	}{
		{"ParseMAC", func() error { _, err := ParseMAC(huge); return err },
			`addrpool: parse MAC "00-17-A4-77-00-0Z9999`},
		{"ParseWWN", func() error { _, err := ParseWWN(huge); return err },
			`addrpool: parse WWN "00-17-A4-77-00-0Z9999`},
		{"MAC.UnmarshalText", func() error { var m MAC; return m.UnmarshalText(hugeBytes) },
			`"00-17-A4-77-00-0Z9999`},
		{"WWN.UnmarshalText", func() error { var w WWN; return w.UnmarshalText(hugeBytes) },
			`"00-17-A4-77-00-0Z9999`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), err.Error())
			assert.Less(t, len(err.Error()), 200)
			assert.Contains(t, err.Error(), fmt.Sprintf("… (%d bytes)", len(huge)))
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.LessOrEqual(t, len(pe.Input), maxQuoted)
			assert.Equal(t, len(huge), pe.Len)

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 10 {
				_ = tt.parse()
			}
			runtime.ReadMemStats(&after)
			// TotalAlloc counts the whole process (the runtime's and the race
			// detector's own allocations too), so the bound is loose; a copy
			// of the input per parse would be 80 MiB.
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated by 10 parses of an 8 MiB input")
			assert.LessOrEqual(t, testing.AllocsPerRun(10, func() { _ = tt.parse() }), 16.0, "the error and its parts (more under -race), nothing per byte")
		})
	}
}

// The text form's error is the detail alone, for decoders that name the
// field; the exact wording is part of the contract.
func TestUnmarshalTextErrorIsTheDetail(t *testing.T) {
	var m MAC
	err := m.UnmarshalText([]byte("00-17-A4-77-00-0Z"))
	assert.EqualError(t, err, `"00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17`)
	_, err = ParseMAC("00-17-A4-77-00-0Z")
	assert.EqualError(t, err, `addrpool: parse MAC "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17`)
	var w WWN
	err = w.UnmarshalText([]byte("50:06"))
	assert.EqualError(t, err, `"50:06": length 5, want 23 characters for the xx:xx:… separated form`)
}

func TestTextAndJSONRoundTrip(t *testing.T) {
	type rec struct {
		M MAC `json:"m"`
		W WWN `json:"w"`
	}
	in := rec{M: 0x0017A4770001, W: 0x5001438002A30000}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"m":"00-17-A4-77-00-01","w":"50:01:43:80:02:A3:00:00"}`, string(b))
	var out rec
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	err = json.Unmarshal([]byte(`{"m":"00-17-A4-77-00","w":"50:01:43:80:02:A3:00:00"}`), &out)
	assert.ErrorContains(t, err, "00-17-A4-77-00")

	_, err = MAC(1 << 48).MarshalText()
	assert.ErrorContains(t, err, "exceeds 48 bits")
}

func TestArithmetic(t *testing.T) {
	m, err := MAC(0x0017A47700FF).Next()
	require.NoError(t, err)
	assert.Equal(t, MAC(0x0017A4770100), m)

	_, err = MaxMAC.Next()
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = MAC(0).Add(-1)
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = MaxWWN.Next()
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = WWN(5).Add(-9223372036854775808)
	assert.ErrorIs(t, err, ErrOverflow)

	w, err := WWN(0x100).Add(-0x100)
	require.NoError(t, err)
	assert.Equal(t, WWN(0), w)
	top, err := MAC(MaxMAC - 10).Add(10)
	require.NoError(t, err)
	assert.Equal(t, MaxMAC, top)

	assert.Equal(t, uint64(1024), Distance(MAC(0x0017A4770000), MAC(0x0017A4770400)))
	assert.Equal(t, uint64(1024), Distance(MAC(0x0017A4770400), MAC(0x0017A4770000)))
}

func TestBitsAndNAA(t *testing.T) {
	mc, _ := ParseMAC("01-00-5E-00-00-01")
	assert.True(t, mc.IsMulticast())
	assert.False(t, mc.IsLocallyAdministered())
	la, _ := ParseMAC("02-00-00-00-00-01")
	assert.True(t, la.IsLocallyAdministered())
	assert.False(t, la.IsMulticast())
	hp, _ := ParseMAC("00-17-A4-77-00-00")
	assert.False(t, hp.IsMulticast() || hp.IsLocallyAdministered())

	w, _ := ParseWWN("50:06:0B:00:00:C2:62:00")
	assert.Equal(t, NAARegistered, w.NAA())
	assert.Equal(t, "IEEE Registered", w.NAA().String())
	w1, _ := ParseWWN("10:00:00:00:C9:12:34:56")
	assert.Equal(t, NAAIEEE, w1.NAA())
	assert.Equal(t, "NAA 12", WWN(0xC<<60).NAA().String())
}
