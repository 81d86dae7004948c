package spm

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// maxTimespanMinutes is the largest ResourceOutOfDateTimespan that
// [AppConfig.ResyncInterval] can express as a time.Duration (about 292
// years); a larger value is refused rather than silently overflowed.
const maxTimespanMinutes = int64(math.MaxInt64 / time.Minute)

// ErrElementNotFound is wrapped by a *ConfigError when the file has no
// RecoveryMode element. It wraps [ErrNotFound].
var ErrElementNotFound error = &kindError{"element not found", ErrNotFound}

// ConfigError reports a problem with ApplicationConfig.xml. It names the file
// and, when known, the line (1-based; 0 when unknown). The file was not
// modified.
type ConfigError struct {
	Path string
	Line int
	Err  error
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("spm: %s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("spm: %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// AppConfig is what the SDK reads from ApplicationConfig.xml.
type AppConfig struct {
	Path string `json:"path"`
	// RecoveryMode is the element's text with surrounding white space
	// removed ("" when the element is empty).
	RecoveryMode     string `json:"recoveryMode"`
	RecoveryModeLine int    `json:"recoveryModeLine"`
	// ResourceOutOfDateTimespan is the automatic resync interval in minutes
	// (SPM's default is 60, FOUND [SPM23 p54]); nil when the element is
	// absent — the SDK does not fill in the default itself.
	ResourceOutOfDateTimespan *int `json:"resourceOutOfDateTimespan,omitempty"`
}

// ResyncInterval returns ResourceOutOfDateTimespan as a duration, and false
// when the file does not set it.
func (c *AppConfig) ResyncInterval() (time.Duration, bool) {
	if c.ResourceOutOfDateTimespan == nil {
		return 0, false
	}
	return time.Duration(*c.ResourceOutOfDateTimespan) * time.Minute, true
}

// ReadConfig reads ApplicationConfig.xml. A missing file, malformed XML, a
// missing or repeated RecoveryMode element, markup inside it, or a
// ResourceOutOfDateTimespan that is not a whole number of minutes a
// time.Duration can hold gives a *ConfigError naming the file and the line.
func ReadConfig(ctx context.Context, path string) (*AppConfig, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	cfg, _, err := parseConfig(path, data)
	return cfg, err
}

// span is where RecoveryMode sits in the file's bytes.
type span struct {
	start, end  int    // the whole element: data[start:end], from "<" to the end of its end tag (or "/>")
	open, close int    // value bytes are data[open:close] (white space trimmed)
	selfClosing bool   // <RecoveryMode/>: open is the offset of "/>"
	name        string // element name as written (with prefix)
}

func parseConfig(path string, data []byte) (*AppConfig, span, error) {
	if err := wellFormed(data); err != nil {
		cerr := &ConfigError{Path: path, Err: fmt.Errorf("malformed XML: %w", err)}
		var se *xml.SyntaxError
		if errors.As(err, &se) { // the line goes in the ConfigError, not twice in the text
			cerr.Line, cerr.Err = se.Line, errors.New("malformed XML: "+se.Msg)
		}
		return nil, span{}, cerr
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{PreserveCData: true, CharsetReader: charsetReader}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, span{}, &ConfigError{Path: path, Err: fmt.Errorf("malformed XML: %w", err)}
	}
	cfg := &AppConfig{Path: path}
	rm, err := uniqueElement(doc, ElemRecoveryMode)
	if err != nil {
		return nil, span{}, &ConfigError{Path: path, Err: err}
	}
	if len(rm.ChildElements()) > 0 {
		return nil, span{}, &ConfigError{Path: path, Err: fmt.Errorf("<%s> holds child elements; expected a plain value", ElemRecoveryMode)}
	}
	cfg.RecoveryMode = strings.TrimSpace(rm.Text())

	ts, err := uniqueElement(doc, ElemResourceOutOfDateTimespan)
	switch {
	case errors.Is(err, ErrElementNotFound):
	case err != nil:
		return nil, span{}, &ConfigError{Path: path, Err: err}
	default:
		text := strings.TrimSpace(ts.Text())
		n, perr := strconv.Atoi(text)
		if perr != nil || n < 0 || int64(n) > maxTimespanMinutes {
			return nil, span{}, &ConfigError{Path: path, Line: elementLine(data, ElemResourceOutOfDateTimespan),
				Err: fmt.Errorf("<%s> is %s; expected a whole number of minutes from 0 to %d", ElemResourceOutOfDateTimespan, strictjson.QuoteShort(text), maxTimespanMinutes)}
		}
		cfg.ResourceOutOfDateTimespan = &n
	}

	sp, err := locate(data, ElemRecoveryMode)
	if err != nil {
		return nil, span{}, &ConfigError{Path: path, Line: elementLine(data, ElemRecoveryMode), Err: err}
	}
	cfg.RecoveryModeLine = lineAt(data, sp.open)
	return cfg, sp, nil
}

// utf8BOM may start the file; it is the only text allowed outside the root
// element, and the XML declaration may follow it.
const utf8BOM = "\xef\xbb\xbf"

// wellFormed checks the whole document: every character an XML 1.0 Char
// in valid UTF-8 (encoding/xml lets a NUL byte or invalid UTF-8 through in
// a comment), then encoding/xml's strict decoder, whose errors carry the
// line, and what that decoder accepts but XML forbids: text outside the
// root element, an XML declaration anywhere but at the start, a reserved
// processing-instruction target, a DOCTYPE after the root or inside it,
// and an attribute given twice (also through two prefixes of one
// namespace). (etree's ValidateInput is not used: it rejects the white
// space that usually follows the root element.)
func wellFormed(data []byte) error {
	if err := xmlChars(data); err != nil {
		return err
	}
	syntax := func(off int, format string, args ...any) error {
		return &xml.SyntaxError{Msg: fmt.Sprintf(format, args...), Line: lineAt(data, off)}
	}
	docStart := 0
	if bytes.HasPrefix(data, []byte(utf8BOM)) {
		docStart = len(utf8BOM)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = charsetReader
	roots, depth := 0, 0
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			if roots == 0 {
				return errors.New("no root element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return syntax(off, "more than one root element")
				}
			}
			depth++
			seen := make(map[xml.Name]bool, len(t.Attr))
			for _, a := range t.Attr {
				if seen[a.Name] {
					return syntax(off, "attribute %s given twice in <%s>", attrName(a.Name), t.Name.Local)
				}
				seen[a.Name] = true
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 {
				text := []byte(t)
				if off == 0 {
					text = bytes.TrimPrefix(text, []byte(utf8BOM))
				}
				if len(bytes.Trim(text, " \t\r\n")) > 0 {
					where := "before"
					if roots > 0 {
						where = "after"
					}
					return syntax(off, "text %s the root element: %s", where, strictjson.QuoteShort(string(bytes.TrimSpace(text))))
				}
			}
		case xml.ProcInst:
			switch {
			case t.Target == "xml" && off != docStart:
				return syntax(off, "XML declaration not at the start of the file (only a byte order mark may come before it)")
			case t.Target != "xml" && strings.EqualFold(t.Target, "xml"):
				return syntax(off, "processing instruction target %s is reserved (the declaration is <?xml …?>)", strictjson.QuoteShort(t.Target))
			}
		case xml.Directive:
			if roots > 0 {
				return syntax(off, "declaration <!…> after the start of the root element")
			}
		}
	}
}

func attrName(n xml.Name) string {
	if n.Space == "" {
		return strconv.Quote(n.Local)
	}
	return strconv.Quote(n.Space + ":" + n.Local)
}

// xmlChars reports the first byte that is not valid UTF-8 or not an XML
// 1.0 Char (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]), with its line.
func xmlChars(data []byte) error {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return &xml.SyntaxError{Msg: fmt.Sprintf("invalid UTF-8: byte 0x%02x", data[i]), Line: lineAt(data, i)}
		case r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
		default:
			return &xml.SyntaxError{Msg: fmt.Sprintf("character %U is not allowed in XML", r), Line: lineAt(data, i)}
		}
		i += size
	}
	return nil
}

// charsetReader accepts the encodings whose bytes the SDK can edit in place.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return nil, errorf("encoding %q is not supported (UTF-8 only)", label)
}

func uniqueElement(doc *etree.Document, name string) (*etree.Element, error) {
	p, err := etree.CompilePath("//" + name)
	if err != nil {
		return nil, fmt.Errorf("path for <%s>: %w", name, err)
	}
	els := doc.FindElementsPath(p)
	switch len(els) {
	case 0:
		return nil, fmt.Errorf("no <%s> element: %w", name, ErrElementNotFound)
	case 1:
		return els[0], nil
	}
	return nil, fmt.Errorf("%d <%s> elements; expected exactly one", len(els), name)
}

// locate finds the bytes of the (unique) element and of its text with a
// raw token scan, so that an edit can replace exactly those bytes.
func locate(data []byte, local string) (span, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = charsetReader
	depth, inside := 0, -1
	var sp span
	for {
		before := int(dec.InputOffset())
		tok, err := dec.RawToken()
		if err == io.EOF {
			return span{}, fmt.Errorf("no <%s> element: %w", local, ErrElementNotFound)
		}
		if err != nil {
			return span{}, err
		}
		after := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if inside >= 0 {
				return span{}, fmt.Errorf("<%s> holds child elements; expected a plain value", local)
			}
			if t.Name.Local == local {
				inside = depth
				sp.name = t.Name.Local
				if t.Name.Space != "" {
					sp.name = t.Name.Space + ":" + t.Name.Local
				}
				sp.start, sp.open = before, after
				if bytes.HasSuffix(data[before:after], []byte("/>")) {
					sp.selfClosing = true
					sp.open, sp.close, sp.end = after-2, after-2, after
					return sp, nil
				}
			}
		case xml.EndElement:
			if inside == depth {
				raw := data[sp.open:before]
				trimmed := bytes.TrimLeft(raw, " \t\r\n")
				sp.open += len(raw) - len(trimmed)
				sp.close = sp.open + len(bytes.TrimRight(trimmed, " \t\r\n"))
				sp.end = after
				return sp, nil
			}
			depth--
		case xml.CharData:
		default:
			if inside >= 0 {
				return span{}, fmt.Errorf("<%s> holds markup (comment, CDATA or instruction); edit it by hand", local)
			}
		}
	}
}

func lineAt(data []byte, off int) int { return bytes.Count(data[:off], []byte("\n")) + 1 }

// elementLine returns the line of the first <name or 0.
func elementLine(data []byte, name string) int {
	for _, pat := range []string{"<" + name + ">", "<" + name + " ", "<" + name + "/", "<" + name + "\t", "<" + name + "\r", "<" + name + "\n", ":" + name + ">"} {
		if i := bytes.Index(data, []byte(pat)); i >= 0 {
			return lineAt(data, i)
		}
	}
	return 0
}

// ModeChange records one edit of RecoveryMode: the value found before (to
// be put back at the end of the section with [RestoreRecoveryMode]), the
// value written, the element's bytes before and after (so that the restore
// gives back the original bytes exactly), and the backup copy of the
// original file. It is plain data that round-trips through JSON (strictly
// decoded), so a journal can keep it across a crash: RestoreRecoveryMode
// works from a decoded ModeChange in another process.
type ModeChange struct {
	// Path is the file as the caller named it (give an absolute path when
	// another process may restore from this record).
	Path     string `json:"path"`
	Previous string `json:"previous"`
	Value    string `json:"value"`
	// Changed is false when the file already held Value; nothing was
	// written and no backup made. Then Previous is Value too: after an
	// interrupted run that already wrote InternalRecovery, only the first
	// run's ModeChange (or its backup file) knows the original value, so
	// keep that ModeChange until the value is put back.
	Changed bool `json:"changed"`
	// Backup is the copy of the file as it was before the edit:
	// <file>.mxsync-<UTC time>.bak beside the file edited ("" when
	// unchanged, and for stores that keep no file).
	Backup string `json:"backup,omitempty"`
	// Resolved is the file edited when Path is a symbolic link (its target
	// at the time of the edit); "" otherwise.
	Resolved string `json:"resolved,omitempty"`
	// Original and Written are the RecoveryMode element's bytes, from "<"
	// to the end of its end tag, before and after the edit ("" when
	// unchanged, and for stores that keep no file).
	Original string `json:"original,omitempty"`
	Written  string `json:"written,omitempty"`
}

// ErrReadOnly is wrapped by a *ConfigError when ApplicationConfig.xml is
// read-only: Windows refuses to replace such a file, and although Linux
// would let the rename through, the SDK refuses on every platform. It wraps
// [ErrConflict].
var ErrReadOnly error = &kindError{"file is read-only", ErrConflict}

// ErrModeChanged is wrapped by a *ConfigError when RestoreRecoveryMode finds
// that the RecoveryMode element no longer holds what the edit wrote:
// something else (a person, or SPM itself) changed it since. It wraps
// [ErrConflict].
var ErrModeChanged error = &kindError{"RecoveryMode changed since it was set", ErrConflict}

// SetRecoveryMode sets the RecoveryMode element of the file to value (e.g.
// [RecoveryModeInternal]) and returns what it found. Every byte other than
// the old value stays as it was. The edit is atomic: the original is first
// copied to a backup (see [ModeChange.Backup]), the new content is written
// to a temporary file in the same folder, flushed to disk and renamed over
// the original. On any error the file is left untouched and no temporary
// file is left.
//
// When path is a symbolic link, the file it resolves to is edited (and the
// backup and temporary file are made beside that file), so the link stays
// a link; the ModeChange records the target in Resolved. A read-only file
// is refused ([ErrReadOnly]), as Windows would — even when it already holds
// value, since the value found must be written back at the end. A file that is not
// well-formed XML is refused with the line (see [ReadConfig]): SPM would
// otherwise be started on a broken configuration.
//
// value is escaped as XML text (& < >); control characters and leading or
// trailing white space are refused. SPM must be stopped: it reads the file
// when it starts.
func SetRecoveryMode(ctx context.Context, path, value string) (*ModeChange, error) {
	return setRecoveryMode(ctx, path, value, time.Now, os.Rename)
}

// RestoreRecoveryMode puts back what mc found, as the end of the storage
// section does, and returns the ModeChange of that restore (with its own
// backup). It works from mc alone, so from a ModeChange decoded from a
// journal by another process:
//
//   - when the element still holds exactly the bytes mc wrote, they are
//     replaced by mc's original bytes, so the file comes back byte for byte
//     (an empty <RecoveryMode/> stays self-closing, a character reference
//     stays a reference);
//   - when it holds mc's value in other bytes (reformatted since), the
//     value mc.Previous is written back as text;
//   - when it already holds mc.Previous, nothing is written (Changed false):
//     a restore replayed after a crash is harmless;
//   - when it holds anything else, or the symbolic link of mc.Path now
//     points elsewhere, it refuses with a *ConfigError wrapping
//     [ErrModeChanged] that says what the file holds: something else
//     changed the value since, and only a person can tell which value is
//     right. Nothing is written.
//
// Other parts of the file may have changed since the edit; they are kept.
// A nil mc, or one that changed nothing, is a no-op. A ModeChange without
// the element bytes (not made by SetRecoveryMode) is refused with
// [ErrInvalid].
func RestoreRecoveryMode(ctx context.Context, mc *ModeChange) (*ModeChange, error) {
	return restoreRecoveryMode(ctx, mc, time.Now, os.Rename)
}

func setRecoveryMode(ctx context.Context, path, value string, now func() time.Time, rename func(string, string) error) (*ModeChange, error) {
	if err := checkPlainValue(value); err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	t, err := openTarget(ctx, path)
	if err != nil {
		return nil, err
	}
	mc := &ModeChange{Path: path, Previous: t.cfg.RecoveryMode, Value: value, Resolved: t.resolved}
	if t.cfg.RecoveryMode == value {
		return mc, nil
	}
	elem := newElement(t.data, t.sp, value)
	if err := t.replace(ctx, elem, value, now, rename); err != nil {
		return nil, err
	}
	mc.Changed, mc.Backup = true, t.backup
	mc.Original, mc.Written = string(t.data[t.sp.start:t.sp.end]), string(elem)
	return mc, nil
}

func restoreRecoveryMode(ctx context.Context, mc *ModeChange, now func() time.Time, rename func(string, string) error) (*ModeChange, error) {
	if mc == nil {
		return &ModeChange{}, nil
	}
	if !mc.Changed {
		return &ModeChange{Path: mc.Path, Previous: mc.Value, Value: mc.Value, Resolved: mc.Resolved}, nil
	}
	if mc.Path == "" || mc.Original == "" || mc.Written == "" {
		return nil, &ConfigError{Path: mc.Path, Err: fmt.Errorf("the RecoveryMode change has no path or element bytes; it was not made by SetRecoveryMode: %w", ErrInvalid)}
	}
	t, err := openTarget(ctx, mc.Path)
	if err != nil {
		return nil, err
	}
	if t.resolved != mc.Resolved {
		return nil, &ConfigError{Path: mc.Path, Err: fmt.Errorf("%w: the edit was of %s, the path now leads to %s; nothing written",
			ErrModeChanged, orPath(mc.Resolved, mc.Path), orPath(t.resolved, mc.Path))}
	}
	back := &ModeChange{Path: mc.Path, Previous: t.cfg.RecoveryMode, Value: mc.Previous, Resolved: t.resolved}
	current := string(t.data[t.sp.start:t.sp.end])
	var elem []byte
	switch {
	case current == mc.Written:
		elem = []byte(mc.Original)
	case t.cfg.RecoveryMode == mc.Previous:
		return back, nil // already put back
	case t.cfg.RecoveryMode == mc.Value:
		if err := checkPlainValue(mc.Previous); err != nil {
			return nil, &ConfigError{Path: t.file, Line: t.cfg.RecoveryModeLine, Err: fmt.Errorf("%w: the element was rewritten since and the value found first cannot be written as text: %v", ErrModeChanged, err)}
		}
		elem = newElement(t.data, t.sp, mc.Previous)
	default:
		return nil, &ConfigError{Path: t.file, Line: t.cfg.RecoveryModeLine, Err: fmt.Errorf("%w: it holds %s, not the %s that was written (the value before was %s); nothing written: check the file, then set the value by hand or with SetRecoveryMode",
			ErrModeChanged, strictjson.QuoteShort(t.cfg.RecoveryMode), strictjson.QuoteShort(mc.Value), strictjson.QuoteShort(mc.Previous))}
	}
	if err := t.replace(ctx, elem, mc.Previous, now, rename); err != nil {
		return nil, err
	}
	back.Changed, back.Backup = true, t.backup
	back.Original, back.Written = current, string(elem)
	return back, nil
}

func orPath(resolved, path string) string {
	if resolved == "" {
		return path
	}
	return resolved
}

// target is ApplicationConfig.xml opened for an edit.
type target struct {
	path     string // as the caller named it
	file     string // the file edited: path, or the target of the link at path
	resolved string // file when path is a symbolic link, else ""
	perm     os.FileMode
	data     []byte
	cfg      *AppConfig
	sp       span
	backup   string // set by replace
}

// openTarget resolves a symbolic link at path, refuses what the SDK must
// not replace (not a regular file, read-only), reads and parses the file.
func openTarget(ctx context.Context, path string) (*target, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := &target{path: path, file: path}
	li, err := os.Lstat(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	if li.Mode()&os.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, &ConfigError{Path: path, Err: fmt.Errorf("resolve symbolic link: %w", err)}
		}
		t.file, t.resolved = real, real
	}
	info, err := os.Stat(t.file)
	if err != nil {
		return nil, &ConfigError{Path: t.file, Err: err}
	}
	if !info.Mode().IsRegular() {
		return nil, &ConfigError{Path: t.file, Err: fmt.Errorf("not a regular file (%s): %w", info.Mode().Type(), ErrInvalid)}
	}
	t.perm = info.Mode().Perm()
	if t.perm&0o200 == 0 {
		return nil, &ConfigError{Path: t.file, Err: fmt.Errorf("%w (mode %v): make it writable first", ErrReadOnly, t.perm)}
	}
	if f, err := os.OpenFile(t.file, os.O_WRONLY, 0); err != nil {
		return nil, &ConfigError{Path: t.file, Err: fmt.Errorf("cannot be opened for writing: %w", err)}
	} else if err := f.Close(); err != nil {
		return nil, &ConfigError{Path: t.file, Err: err}
	}
	if t.data, err = os.ReadFile(t.file); err != nil {
		return nil, &ConfigError{Path: t.file, Err: err}
	}
	if t.cfg, t.sp, err = parseConfig(t.file, t.data); err != nil {
		return nil, err
	}
	return t, nil
}

// replace writes the file with the RecoveryMode element replaced by elem,
// after proving that the result parses and reads back want, and after
// backing up the original.
func (t *target) replace(ctx context.Context, elem []byte, want string, now func() time.Time, rename func(string, string) error) error {
	out := splice(t.data, t.sp, elem)
	check, _, err := parseConfig(t.file, out)
	if err != nil || check.RecoveryMode != want {
		return &ConfigError{Path: t.file, Err: fmt.Errorf("edited content does not read back %s (%v): %w", strictjson.QuoteShort(want), err, ErrInvalid)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	backup, err := writeBackup(t.file, t.data, t.perm, now())
	if err != nil {
		return &ConfigError{Path: t.file, Err: fmt.Errorf("backup: %w", err)}
	}
	if err := writeAtomic(t.file, out, t.perm, rename); err != nil {
		return &ConfigError{Path: t.file, Err: err}
	}
	t.backup = backup
	return nil
}

func checkPlainValue(v string) error {
	for i, r := range v {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == utf8.RuneError {
			return fmt.Errorf("RecoveryMode value %s: character %q at %d is not allowed", strictjson.QuoteShort(v), r, i)
		}
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("RecoveryMode value %s has leading or trailing white space", strictjson.QuoteShort(v))
	}
	return nil
}

// escapeText escapes a value for element content (&, < and >; quotes need
// no escaping there and are kept as they are).
func escapeText(v string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(v)
}

// splice returns data with the element at sp replaced by elem.
func splice(data []byte, sp span, elem []byte) []byte {
	out := make([]byte, 0, len(data)-(sp.end-sp.start)+len(elem))
	return append(append(append(out, data[:sp.start]...), elem...), data[sp.end:]...)
}

// newElement returns the RecoveryMode element with its value replaced:
// the bytes around the value (tags, attributes, white space) stay.
// <RecoveryMode/> becomes <RecoveryMode>value</RecoveryMode>, keeping the
// bytes before "/>".
func newElement(data []byte, sp span, value string) []byte {
	var b bytes.Buffer
	b.Write(data[sp.start:sp.open])
	if sp.selfClosing {
		b.WriteString(">" + escapeText(value) + "</" + sp.name + ">")
		return b.Bytes()
	}
	b.WriteString(escapeText(value))
	b.Write(data[sp.close:sp.end])
	return b.Bytes()
}

func writeBackup(path string, data []byte, perm os.FileMode, t time.Time) (string, error) {
	base := path + ".mxsync-" + t.UTC().Format("20060102T150405.000Z")
	for i := 0; i < 100; i++ {
		name := base + ".bak"
		if i > 0 {
			name = fmt.Sprintf("%s-%d.bak", base, i)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(name)
			return "", err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(name)
			return "", err
		}
		if err := f.Close(); err != nil {
			os.Remove(name)
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("no free backup name after %s.bak", base)
}

// writeAtomic replaces path with data through a temporary file in the same
// folder (flushed, then renamed), removing the temporary file on failure.
func writeAtomic(path string, data []byte, perm os.FileMode, rename func(string, string) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".mxsync-*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("flush %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err = rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s over the original: %w", tmp, err)
	}
	syncDir(dir)
	return nil
}
