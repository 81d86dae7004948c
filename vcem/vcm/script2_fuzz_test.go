package vcm

import (
	"errors"
	"strings"
	"testing"
)

// format writes o back as script2 with every value quoted (so that no line
// can be read as a message, a separator or blank).
func format(o *Output) string {
	var b strings.Builder
	q := func(vals []string) {
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(v, `"`, `""`))
			b.WriteByte('"')
		}
		b.WriteString("\r\n")
	}
	for i, bl := range o.Blocks {
		if i > 0 {
			b.WriteString("--------\r\n")
		}
		for j, t := range bl.Tables {
			if j > 0 {
				b.WriteString("\r\n")
			}
			q(t.Header)
			for _, r := range t.Rows {
				q(r.Values)
			}
		}
	}
	return b.String()
}

// FuzzParse checks that Parse never panics, that what it returns is
// well-formed (rows as wide as their header, named unique columns, lines in
// order), that errors are typed and short, and that a parsed output written
// back parses to the same tables.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"A;B\r\n1;2\r\n",
		"Name;Serial Number\n\"a;b\";\"x\"\"y\"\n\nPort;MAC Address\n1;-- --\n----\nName\n<Unassigned>\n",
		"ERROR: bad\n",
		"Virtual Connect Manager not found at this IP address. Please use IP Address: 10.0.0.1\n",
		"No profiles exist\n",
		"A;B;\n1;\"unterminated\n",
	} {
		f.Add([]byte(s))
	}
	d := DefaultDialect()
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := d.Parse("show x", in)
		if err != nil {
			var pe *ParseError
			var dev *DeviceError
			var red *RedirectError
			if !errors.As(err, &pe) && !errors.As(err, &dev) && !errors.As(err, &red) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if n := len(err.Error()); n == 0 || n > 8*(maxDeviceText+16)+400 {
				t.Fatalf("error of %d bytes", n)
			}
			return
		}
		last := 0
		for _, b := range o.Blocks {
			if len(b.Tables) == 0 {
				t.Fatal("empty block")
			}
			for _, tb := range b.Tables {
				if tb.Line <= last {
					t.Fatalf("table at line %d after line %d", tb.Line, last)
				}
				last = tb.Line
				seen := map[string]bool{}
				for _, h := range tb.Header {
					if h == "" || seen[strings.ToLower(h)] {
						t.Fatalf("bad header %q", tb.Header)
					}
					seen[strings.ToLower(h)] = true
				}
				for _, r := range tb.Rows {
					if len(r.Values) != len(tb.Header) || r.Line <= last {
						t.Fatalf("row %v at line %d under header %q", r.Values, r.Line, tb.Header)
					}
					last = r.Line
				}
			}
		}
		again, err := d.Parse("show x", []byte(format(o)))
		if err != nil {
			t.Fatalf("formatted output does not parse: %v\n%s", err, format(o))
		}
		a, b := view(o), view(again)
		if len(a) != len(b) {
			t.Fatalf("round trip: %d blocks, then %d", len(a), len(b))
		}
		for i := range a {
			if len(a[i]) != len(b[i]) {
				t.Fatalf("round trip: block %d has %d tables, then %d", i, len(a[i]), len(b[i]))
			}
			for j := range a[i] {
				x, y := a[i][j], b[i][j]
				if strings.Join(x.Header, "\x00") != strings.Join(y.Header, "\x00") || len(x.Rows) != len(y.Rows) {
					t.Fatalf("round trip: table %d.%d: %q then %q", i, j, x.Header, y.Header)
				}
				for k := range x.Rows {
					if strings.Join(x.Rows[k], "\x00") != strings.Join(y.Rows[k], "\x00") {
						t.Fatalf("round trip: row %q then %q", x.Rows[k], y.Rows[k])
					}
				}
			}
		}
	})
}
