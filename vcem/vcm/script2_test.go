package vcm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

// tableView is a table as plain data, for comparisons.
type tableView struct {
	Line   int
	Header []string
	Rows   [][]string
}

func view(o *Output) [][]tableView {
	var out [][]tableView
	for _, b := range o.Blocks {
		var bt []tableView
		for _, t := range b.Tables {
			tv := tableView{Line: t.Line, Header: t.Header}
			for _, r := range t.Rows {
				tv.Rows = append(tv.Rows, r.Values)
			}
			bt = append(bt, tv)
		}
		out = append(out, bt)
	}
	return out
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     [][]tableView
	}{
		{"one table", "A;B\n1;2\n3;4\n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"1", "2"}, {"3", "4"}}}}}},
		{"CRLF and no final newline", "A;B\r\n1;2\r\n3;4", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"1", "2"}, {"3", "4"}}}}}},
		{"quoted separator and quote", "A;B\n\"x;y\";\"say \"\"hi\"\"\"\n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"x;y", `say "hi"`}}}}}},
		{"quoted empty and spaces", "A;B\n  \"\"  ; \" padded \" \n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"", " padded "}}}}}},
		{"unquoted values trimmed, inner quote literal", "A;B\n 5\" disk ; x \n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{`5" disk`, "x"}}}}}},
		{"empty markers", "A;B;C\n<Unassigned>;-- --;\"<Unassigned>\"\n", [][]tableView{{{1, []string{"A", "B", "C"}, [][]string{{"", "", ""}}}}}},
		{"trailing separator", "A;B;\n1;2;\n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"1", "2"}}}}}},
		{"empty last value kept", "A;B\n1;\n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"1", ""}}}}}},
		{"blank lines split tables", "A\n1\n\n  \nB;C\n2;3\n", [][]tableView{{
			{1, []string{"A"}, [][]string{{"1"}}},
			{5, []string{"B", "C"}, [][]string{{"2", "3"}}},
		}}},
		{"dash lines split blocks", "---\nA\n1\n-----\r\nA\n2\n------\n", [][]tableView{
			{{2, []string{"A"}, [][]string{{"1"}}}},
			{{5, []string{"A"}, [][]string{{"2"}}}},
		}},
		{"header without rows", "A;B\n", [][]tableView{{{1, []string{"A", "B"}, nil}}}},
		{"prompt, echo and SUCCESS lines skipped", "->show x\nSUCCESS: done\nA\n1\n->\n", [][]tableView{{{3, []string{"A"}, [][]string{{"1"}}}}}},
		{"none exist", "No profiles exist\r\n", nil},
		{"none exist with a period", "No networks exist.\n", nil},
		{"empty output", "", nil},
		{"dash value is not a separator", "A;B\n--;-- --\n", [][]tableView{{{1, []string{"A", "B"}, [][]string{{"--", ""}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := DefaultDialect().Parse("show x", []byte(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, view(o))
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		column   string
		msg      string
	}{
		{"too many fields", "A;B\n1;2\n1;2;3\n", 3, "", "row has 3 fields, the header at line 1 has 2"},
		{"too few fields", "A;B\r\n1\r\n", 2, "", "row has 1 fields"},
		{"unterminated quote", "A;B\n1;\"open\n", 2, "#2", "quoted value has no closing quote"},
		{"text after quote", "A;B\n\"x\"y;2\n", 2, "#1", "text after a closing quote"},
		{"empty column name", "A;;B\n", 1, "#2", "empty column name"},
		{"repeated column name", "Name;name\n", 1, `"name"`, "column name repeats column #1"},
		{"bad redirect", "Virtual Connect Manager not found at this IP address. Please use IP Address: somewhere\n", 1, "", "redirect names no IP address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DefaultDialect().Parse("show x", []byte(tc.in))
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "show x", pe.Command)
			assert.Equal(t, tc.line, pe.Line)
			assert.Equal(t, tc.column, pe.Column)
			assert.ErrorContains(t, err, tc.msg)
			assert.ErrorContains(t, err, "vcm: show x: line ")
		})
	}
}

func TestParseHugeValueQuotedShort(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	_, err := DefaultDialect().Parse("show x", []byte("A;B\n1;\""+huge+"\n"))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "the error quotes a short prefix only")
}

func TestParseMessages(t *testing.T) {
	d := DefaultDialect()
	t.Run("ERROR lines", func(t *testing.T) {
		in := "A;B\r\n1;2\r\nERROR: Invalid parameter: enc9\r\n"
		_, err := d.Parse("show server enc9:1", []byte(in))
		var dev *DeviceError
		require.ErrorAs(t, err, &dev)
		assert.Equal(t, []string{"Invalid parameter: enc9"}, dev.Texts)
		assert.Equal(t, 3, dev.Line)
		assert.NotErrorIs(t, err, vcem.ErrDomainInaccessible)
	})
	t.Run("many ERROR lines are bounded", func(t *testing.T) {
		in := strings.Repeat("ERROR: "+strings.Repeat("y", 2000)+"\n", 100)
		_, err := d.Parse("show x", []byte(in))
		var dev *DeviceError
		require.ErrorAs(t, err, &dev)
		assert.Len(t, dev.Texts, maxDeviceTexts)
		assert.Equal(t, 100-maxDeviceTexts, dev.More)
		for _, s := range dev.Texts {
			assert.LessOrEqual(t, len(s), maxDeviceText+len("…"))
		}
		assert.ErrorContains(t, err, "(and 92 more error lines)")
	})
	t.Run("unreachable", func(t *testing.T) {
		_, err := d.Parse("show domain", []byte("Unable to communicate with the Virtual Connect Manager\r\n"))
		assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
	})
	t.Run("redirect", func(t *testing.T) {
		_, err := d.Parse("show domain", []byte("\r\nVirtual Connect Manager not found at this IP address. Please use IP Address: 10.1.2.3\r\n"))
		var red *RedirectError
		require.ErrorAs(t, err, &red)
		assert.Equal(t, "10.1.2.3", red.To)
	})
	t.Run("IPv6 redirect", func(t *testing.T) {
		_, err := d.Parse("show domain", []byte("Virtual Connect Manager not found at this IP address. Please use IP Address: fe80::1\n"))
		var red *RedirectError
		require.ErrorAs(t, err, &red)
		assert.Equal(t, "fe80::1", red.To)
	})
}

func TestTableLookup(t *testing.T) {
	o, err := DefaultDialect().Parse("show x", []byte("Server ID;Server Profile\nenc0:1;web\n"))
	require.NoError(t, err)
	tb := o.Tables()[0]
	assert.True(t, tb.Has("server id"), "names match case-insensitively")
	assert.False(t, tb.Has(""))
	assert.True(t, tb.HasAll([]string{"Server ID", "SERVER PROFILE"}))
	assert.False(t, tb.HasAll(nil))
	assert.Equal(t, "web", tb.Value(tb.Rows[0], "Server Profile"))
	assert.Equal(t, "", tb.Value(tb.Rows[0], "Status"))
	assert.NoError(t, tb.Require("Server ID"))
	err = tb.Require("Server ID", "Status", "Power")
	var mc *MissingColumnsError
	require.ErrorAs(t, err, &mc)
	assert.Equal(t, []string{"Status", "Power"}, mc.Columns)
	assert.Equal(t, 1, mc.Line)
}
