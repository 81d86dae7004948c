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
)

// Element names in ApplicationConfig.xml. RecoveryMode is FOUND [BR70 p41],
// ResourceOutOfDateTimespan FOUND [SPM23 p54]; where in the file they sit
// is a GAP, so the SDK looks for each one anywhere and requires it to be
// unique.
const (
	ElemRecoveryMode              = "RecoveryMode"
	ElemResourceOutOfDateTimespan = "ResourceOutOfDateTimespan"
)

// maxTimespanMinutes is the largest ResourceOutOfDateTimespan that
// [AppConfig.ResyncInterval] can express as a time.Duration (about 292
// years); a larger value is refused rather than silently overflowed.
const maxTimespanMinutes = int64(math.MaxInt64 / time.Minute)

// ErrElementNotFound is wrapped by a *ConfigError when the file has no
// RecoveryMode element. It wraps [ErrNotFound].
var ErrElementNotFound error = &kindError{"element not found", ErrNotFound}

// ConfigPath returns <SPM>\state\ApplicationConfig.xml for an SPM install
// folder, with the separators of the platform the SDK runs on.
func ConfigPath(spmInstallDir string) string {
	return filepath.Join(spmInstallDir, "state", "ApplicationConfig.xml")
}

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

// span is where RecoveryMode's value sits in the file's bytes.
type span struct {
	open, close int    // value bytes are data[open:close] (white space trimmed)
	selfClosing bool   // <RecoveryMode/>: open is the offset of "/>"
	name        string // element name as written (with prefix)
}

func parseConfig(path string, data []byte) (*AppConfig, span, error) {
	if err := wellFormed(data); err != nil {
		cerr := &ConfigError{Path: path, Err: fmt.Errorf("malformed XML: %w", err)}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			cerr.Line = se.Line
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
				Err: fmt.Errorf("<%s> is %q; expected a whole number of minutes from 0 to %d", ElemResourceOutOfDateTimespan, text, maxTimespanMinutes)}
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

// wellFormed checks the whole document with encoding/xml's strict decoder,
// whose errors carry the line. (etree's ValidateInput is not used: it
// rejects the white space that usually follows the root element.)
func wellFormed(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = charsetReader
	roots, depth := 0, 0
	for {
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
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					line, _ := dec.InputPos()
					return &xml.SyntaxError{Msg: "more than one root element", Line: line}
				}
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// charsetReader accepts the encodings whose bytes the SDK can edit in place.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported (UTF-8 only)", label)
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

// locate finds the bytes of the (unique) element's text with a raw token
// scan, so that an edit can replace exactly those bytes.
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
				sp.open = after
				if bytes.HasSuffix(data[before:after], []byte("/>")) {
					sp.selfClosing = true
					sp.open = after - 2
					sp.close = after - 2
					return sp, nil
				}
			}
		case xml.EndElement:
			if inside == depth {
				raw := data[sp.open:before]
				trimmed := bytes.TrimLeft(raw, " \t\r\n")
				sp.open += len(raw) - len(trimmed)
				sp.close = sp.open + len(bytes.TrimRight(trimmed, " \t\r\n"))
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

// ModeChange records one edit of RecoveryMode: the value found before (to be
// put back at the end of the section with [RestoreRecoveryMode]), the value
// written, and the backup copy of the original file.
type ModeChange struct {
	Path     string `json:"path"`
	Previous string `json:"previous"`
	Value    string `json:"value"`
	// Changed is false when the file already held Value; nothing was
	// written and no backup made. Then Previous is Value too: after an
	// interrupted run that already wrote InternalRecovery, only the first
	// run's ModeChange (or its backup file) knows the original value, so
	// keep that ModeChange (it is JSON) until the value is put back.
	Changed bool `json:"changed"`
	// Backup is the copy of the file as it was before the edit:
	// <file>.mxsync-<UTC time>.bak in the same folder ("" when unchanged).
	Backup string `json:"backup,omitempty"`
}

// SetRecoveryMode sets the RecoveryMode element of the file to value (e.g.
// [RecoveryModeInternal]) and returns what it found. Every byte other than
// the old value stays as it was. The edit is atomic: the original is first
// copied to a backup (see [ModeChange.Backup]), the new content is written
// to a temporary file in the same folder, flushed to disk and renamed over
// the original. On any error the file is left untouched and no temporary
// file is left. value is escaped as XML text (& < >); control characters and
// leading or trailing white space are refused. SPM must be stopped: it reads the file when it starts.
func SetRecoveryMode(ctx context.Context, path, value string) (*ModeChange, error) {
	return setRecoveryMode(ctx, path, value, time.Now, os.Rename)
}

// RestoreRecoveryMode writes back the value that mc found (possibly empty),
// as the end of the storage section does; it is SetRecoveryMode(mc.Path,
// mc.Previous) and makes its own backup. A ModeChange that changed nothing
// is a no-op. It restores the value, not always its original spelling in
// bytes: an empty <RecoveryMode/> comes back as <RecoveryMode></RecoveryMode>
// and a character reference (&#78;one) as plain text (None); the backup in
// mc.Backup keeps the original bytes. It does not check that the file still
// holds mc.Value: whatever is there is replaced by mc.Previous.
func RestoreRecoveryMode(ctx context.Context, mc *ModeChange) (*ModeChange, error) {
	if mc == nil || !mc.Changed {
		return &ModeChange{}, nil
	}
	return setRecoveryMode(ctx, mc.Path, mc.Previous, time.Now, os.Rename)
}

func setRecoveryMode(ctx context.Context, path, value string, now func() time.Time, rename func(string, string) error) (*ModeChange, error) {
	if err := checkPlainValue(value); err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	cfg, sp, err := parseConfig(path, data)
	if err != nil {
		return nil, err
	}
	mc := &ModeChange{Path: path, Previous: cfg.RecoveryMode, Value: value}
	if cfg.RecoveryMode == value {
		return mc, nil
	}
	out := edit(data, sp, value)
	// Prove the edit: the new bytes parse and read back the new value.
	check, _, err := parseConfig(path, out)
	if err != nil || check.RecoveryMode != value {
		return nil, &ConfigError{Path: path, Err: fmt.Errorf("internal error: edited content does not read back %q (%v)", value, err)}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	backup, err := writeBackup(path, data, info.Mode().Perm(), now())
	if err != nil {
		return nil, &ConfigError{Path: path, Err: fmt.Errorf("backup: %w", err)}
	}
	if err := writeAtomic(path, out, info.Mode().Perm(), rename); err != nil {
		return nil, &ConfigError{Path: path, Err: err}
	}
	mc.Changed, mc.Backup = true, backup
	return mc, nil
}

func checkPlainValue(v string) error {
	for i, r := range v {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == utf8.RuneError {
			return fmt.Errorf("RecoveryMode value %q: character %q at %d is not allowed", v, r, i)
		}
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("RecoveryMode value %q has leading or trailing white space", v)
	}
	return nil
}

// escapeText escapes a value for element content (&, < and >; quotes need
// no escaping there and are kept as they are).
func escapeText(v string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(v)
}

func edit(data []byte, sp span, value string) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + len(value) + len(sp.name) + 3)
	b.Write(data[:sp.open])
	if sp.selfClosing {
		if value == "" {
			return bytes.Clone(data)
		}
		// <RecoveryMode/> becomes <RecoveryMode>value</RecoveryMode>; the
		// bytes before "/>" (name, attributes, spacing) stay.
		b.WriteString(">" + escapeText(value) + "</" + sp.name + ">")
		b.Write(data[sp.open+2:])
		return b.Bytes()
	}
	b.WriteString(escapeText(value))
	b.Write(data[sp.close:])
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
