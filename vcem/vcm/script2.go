package vcm

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxsync-go/mxsync/vcem"
)

// Output is one command's answer in the VC CLI's script2 format: blocks
// separated by lines of dashes (one per profile in `show profile *`), each
// holding tables separated by blank lines, each table a ';'-separated header
// row followed by data rows.
type Output struct {
	Command string
	Blocks  []Block
}

// Block is the part of an output between two dash lines.
type Block struct {
	Line   int // line number of its first table's header, 1-based
	Tables []*Table
}

// Table is a header row and the rows under it. Values are unquoted and
// trimmed; the dialect's empty markers (<Unassigned>, -- --) are "".
type Table struct {
	Command string
	Line    int // line number of the header, 1-based
	Header  []string
	Rows    []Row
	cols    map[string]int // column name, as printed and lower-cased -> index
}

// Row is one data row; Values has one entry per header column.
type Row struct {
	Line   int
	Values []string
}

// Tables returns every table of every block, in output order.
func (o *Output) Tables() []*Table {
	var out []*Table
	for _, b := range o.Blocks {
		out = append(out, b.Tables...)
	}
	return out
}

// col returns the index of a column (case-insensitive), trying the name as
// given first: the dialect's names usually match the device's case.
func (t *Table) col(name string) (int, bool) {
	if name == "" {
		return 0, false
	}
	if i, ok := t.cols[name]; ok {
		return i, true
	}
	i, ok := t.cols[strings.ToLower(name)]
	return i, ok
}

// Has reports whether the table has the column (case-insensitive).
func (t *Table) Has(name string) bool {
	_, ok := t.col(name)
	return ok
}

// HasAll reports whether the table has every named column.
func (t *Table) HasAll(names []string) bool {
	for _, n := range names {
		if !t.Has(n) {
			return false
		}
	}
	return len(names) > 0
}

// Require returns a [*MissingColumnsError] naming every column the table
// lacks, or nil.
func (t *Table) Require(names ...string) error {
	var missing []string
	for _, n := range names {
		if !t.Has(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &MissingColumnsError{Command: t.Command, Line: t.Line, Columns: missing, Header: t.Header}
}

// Value returns the row's value in the named column, or "" when the table
// has no such column.
func (t *Table) Value(r Row, name string) string {
	i, ok := t.col(name)
	if !ok || i >= len(r.Values) {
		return ""
	}
	return r.Values[i]
}

// MissingColumnsError is a table without columns the adapter needs: the
// device speaks another dialect than [Dialect] assumes.
type MissingColumnsError struct {
	Command string
	Line    int
	Columns []string
	Header  []string
}

// Error names the command, the line, the missing columns and the header.
func (e *MissingColumnsError) Error() string {
	return fmt.Sprintf("vcm: %s: line %d: missing column(s) %s (header: %s)",
		e.Command, e.Line, quoteList(e.Columns), short(strings.Join(e.Header, ";"), 200))
}

// ParseError is output that is not well-formed script2.
type ParseError struct {
	Command string
	Line    int
	Column  string // column name or position, when known
	Value   string // a short prefix of the offending text
	Msg     string
}

// Error names the command, line, column and value.
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vcm: %s: line %d", e.Command, e.Line)
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Value != "" {
		fmt.Fprintf(&b, ": %s", quoteShort(e.Value))
	}
	return b.String()
}

// DeviceError is a command the VC Manager refused or could not run: its
// ERROR: lines (or other failure text), as the device printed them.
// Unreachable is set for the message saying the VC Manager does not answer;
// the error then wraps [vcem.ErrDomainInaccessible].
type DeviceError struct {
	Command     string
	Address     string // the VC Manager address, set by the client
	Line        int
	Texts       []string // at most maxDeviceTexts, each at most maxDeviceText bytes
	More        int      // further error lines not kept
	Unreachable bool
}

const (
	maxDeviceTexts = 8
	maxDeviceText  = 512
)

// Error names the command, the address and the device's text.
func (e *DeviceError) Error() string {
	var b strings.Builder
	b.WriteString("vcm: ")
	if e.Address != "" {
		b.WriteString(e.Address)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: line %d: device says: %s", e.Command, e.Line, strings.Join(e.Texts, " | "))
	if e.More > 0 {
		fmt.Fprintf(&b, " (and %d more error lines)", e.More)
	}
	return b.String()
}

// Is makes an unreachable VC Manager match [vcem.ErrDomainInaccessible].
func (e *DeviceError) Is(target error) bool {
	return e.Unreachable && target == vcem.ErrDomainInaccessible
}

// RedirectError is the standby module's answer: the VC Manager runs at To.
// The client follows it once; a second redirect is returned with Via set to
// every address tried.
type RedirectError struct {
	Command string
	Via     []string // addresses that answered with a redirect, in order
	To      string
}

// Error names every address involved.
func (e *RedirectError) Error() string {
	if len(e.Via) > 1 {
		return fmt.Sprintf("vcm: %s: redirected more than once: %s, then to %s; not followed",
			e.Command, strings.Join(e.Via, " -> "), e.To)
	}
	return fmt.Sprintf("vcm: %s: %s is a standby module; VC Manager is at %s", e.Command, strings.Join(e.Via, ""), e.To)
}

// Parse reads one command's output: it reports the standby redirect, the
// unreachable message and ERROR: lines as typed errors, and otherwise splits
// the output into blocks and tables. CR before LF is dropped; lines of
// prompts and SUCCESS: confirmations are skipped; a "No … exist" line
// between tables stands for no rows. Work is linear in the output's size and
// the first malformed line stops it with a [*ParseError].
func (d Dialect) Parse(command string, out []byte) (*Output, error) {
	if err := d.messages(command, out); err != nil {
		return nil, err
	}
	p := parser{d: &d, out: &Output{Command: command}}
	for n, rest := 1, out; len(rest) > 0; n++ {
		var line []byte
		line, rest = cutLine(rest)
		if err := p.line(n, string(bytes.TrimSuffix(line, []byte{'\r'}))); err != nil {
			return nil, err
		}
	}
	p.endBlock()
	return p.out, nil
}

// cutLine splits off the first line of rest (without its '\n').
func cutLine(rest []byte) (line, tail []byte) {
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		return rest[:i], rest[i+1:]
	}
	return rest, nil
}

// messages finds the whole-output answers: a redirect, the unreachable text,
// ERROR: lines.
func (d Dialect) messages(command string, out []byte) error {
	var dev *DeviceError
	// A cheap test lets most data lines pass without a conversion: a message
	// starts with the error or redirect prefix or holds an unreachable text.
	prefixes := [][]byte{[]byte(d.ErrorPrefix), []byte(d.RedirectPrefix)}
	var texts [][]byte
	for _, u := range d.UnreachableTexts {
		if u != "" {
			texts = append(texts, []byte(u))
		}
	}
	maybe := func(b []byte) bool {
		for _, p := range prefixes {
			if len(p) > 0 && bytes.HasPrefix(b, p) {
				return true
			}
		}
		for _, u := range texts {
			if bytes.Contains(b, u) {
				return true
			}
		}
		return false
	}
	for n, rest := 1, out; len(rest) > 0; n++ {
		var line []byte
		line, rest = cutLine(rest)
		b := bytes.TrimSpace(line)
		if !maybe(b) {
			continue
		}
		s := string(b)
		if d.RedirectPrefix != "" && strings.HasPrefix(s, d.RedirectPrefix) {
			to := strings.TrimRight(strings.TrimSpace(strings.TrimPrefix(s, d.RedirectPrefix)), ".")
			if net.ParseIP(to) == nil {
				return &ParseError{Command: command, Line: n, Msg: "redirect names no IP address", Value: s}
			}
			return &RedirectError{Command: command, To: to}
		}
		for _, u := range d.UnreachableTexts {
			if u != "" && strings.Contains(s, u) {
				return &DeviceError{Command: command, Line: n, Texts: []string{short(s, maxDeviceText)}, Unreachable: true}
			}
		}
		if d.ErrorPrefix == "" || !strings.HasPrefix(s, d.ErrorPrefix) {
			continue
		}
		if dev == nil {
			dev = &DeviceError{Command: command, Line: n}
		}
		if len(dev.Texts) < maxDeviceTexts {
			dev.Texts = append(dev.Texts, short(strings.TrimSpace(strings.TrimPrefix(s, d.ErrorPrefix)), maxDeviceText))
		} else {
			dev.More++
		}
	}
	if dev != nil {
		return dev
	}
	return nil
}

type parser struct {
	d     *Dialect
	out   *Output
	block *Block
	table *Table
}

func (p *parser) line(n int, raw string) error {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		p.table = nil
		return nil
	case isDashLine(s):
		p.endBlock()
		return nil
	case p.d.SuccessPrefix != "" && strings.HasPrefix(s, p.d.SuccessPrefix),
		p.d.PromptPrefix != "" && strings.HasPrefix(s, p.d.PromptPrefix):
		return nil
	case p.table == nil && p.noneExist(s):
		return nil
	}
	fields, err := splitFields(p.out.Command, n, raw)
	if err != nil {
		return err
	}
	if p.table == nil {
		return p.header(n, fields)
	}
	t := p.table
	if len(fields) == len(t.Header)+1 && fields[len(fields)-1] == "" {
		fields = fields[:len(fields)-1] // a trailing separator
	}
	if len(fields) != len(t.Header) {
		return &ParseError{Command: p.out.Command, Line: n, Value: raw,
			Msg: fmt.Sprintf("row has %d fields, the header at line %d has %d", len(fields), t.Line, len(t.Header))}
	}
	for i, f := range fields {
		fields[i] = p.d.empty(f)
	}
	t.Rows = append(t.Rows, Row{Line: n, Values: fields})
	return nil
}

func (p *parser) header(n int, fields []string) error {
	if len(fields) > 1 && fields[len(fields)-1] == "" {
		fields = fields[:len(fields)-1]
	}
	t := &Table{Command: p.out.Command, Line: n, Header: fields, cols: make(map[string]int, 2*len(fields))}
	lower := make([]string, len(fields))
	for i, f := range fields {
		if f == "" {
			return &ParseError{Command: p.out.Command, Line: n, Column: "#" + strconv.Itoa(i+1), Msg: "empty column name in header"}
		}
		lower[i] = strings.ToLower(f)
		if j, dup := t.cols[lower[i]]; dup {
			return &ParseError{Command: p.out.Command, Line: n, Column: strconv.Quote(f),
				Msg: fmt.Sprintf("column name repeats column #%d", j+1)}
		}
		t.cols[lower[i]] = i
	}
	for i, f := range fields {
		t.cols[f] = i // the name as printed, for lookups that skip lower-casing
	}
	if p.block == nil {
		p.block = &Block{Line: n}
	}
	p.block.Tables = append(p.block.Tables, t)
	p.table = t
	return nil
}

func (p *parser) endBlock() {
	if p.block != nil {
		p.out.Blocks = append(p.out.Blocks, *p.block)
	}
	p.block, p.table = nil, nil
}

func (p *parser) noneExist(s string) bool {
	d := p.d
	return d.NoneExistPrefix != "" && d.NoneExistSuffix != "" && !strings.Contains(s, ";") &&
		strings.HasPrefix(s, d.NoneExistPrefix) && strings.HasSuffix(strings.TrimRight(s, "."), d.NoneExistSuffix)
}

// empty maps the dialect's empty markers to "".
func (d *Dialect) empty(v string) string {
	for _, e := range d.EmptyValues {
		if v == e {
			return ""
		}
	}
	return v
}

func isDashLine(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			return false
		}
	}
	return true
}

// splitFields splits a line on ';'. A field that starts with '"' (after
// spaces) runs to the next lone '"'; "" inside it is one '"'. Unquoted
// fields are trimmed.
func splitFields(command string, n int, line string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i < len(line) && line[i] == '"' {
			v, next, err := quoted(line, i)
			if err != nil {
				return nil, &ParseError{Command: command, Line: n, Column: "#" + strconv.Itoa(len(out)+1), Msg: err.Error(), Value: line[i:]}
			}
			out = append(out, v)
			i = next
		} else {
			j := strings.IndexByte(line[i:], ';')
			if j < 0 {
				out = append(out, strings.TrimSpace(line[i:]))
				return out, nil
			}
			out = append(out, strings.TrimSpace(line[i:i+j]))
			i += j
		}
		// i is at ';' or at the end of the line.
		if i >= len(line) {
			return out, nil
		}
		i++ // past ';'
		if i == len(line) {
			return append(out, ""), nil
		}
	}
}

var (
	errUnterminated = errors.New("quoted value has no closing quote")
	errAfterQuote   = errors.New("text after a closing quote")
)

// quoted reads the quoted field starting at line[i] == '"' and returns it and
// the index of the ';' after it (or len(line)).
func quoted(line string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for {
		k := strings.IndexByte(line[j:], '"')
		if k < 0 {
			return "", 0, errUnterminated
		}
		b.WriteString(line[j : j+k])
		j += k + 1
		if j < len(line) && line[j] == '"' {
			b.WriteByte('"')
			j++
			continue
		}
		break
	}
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j < len(line) && line[j] != ';' {
		return "", 0, errAfterQuote
	}
	return b.String(), j, nil
}

// short returns at most n bytes of s, cut at a rune boundary, with "…" when
// cut.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// quoteShort quotes a short prefix of s, so that a huge value never floods
// an error.
func quoteShort(s string) string {
	const n = 60
	if len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(short(s, n)[:len(short(s, n))-len("…")]) + "…"
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
