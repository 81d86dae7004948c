package matrixoe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ServicesFileName is the file mxsync writes for IO phase 2 (BR70 p42).
const ServicesFileName = "InfrastructureServices.txt"

// ServicesFilePath returns <SIM>\mxsync\data\InfrastructureServices.txt for
// the Systems Insight Manager install directory simDir (joined with the
// platform's separator).
func ServicesFilePath(simDir string) string {
	return filepath.Join(simDir, "mxsync", "data", ServicesFileName)
}

// ServiceEntry is one service line of the file.
type ServiceEntry struct {
	Line      int    // 1-based line number in the file
	Name      string // service name
	ServiceID string // ID of the service of that name in the snapshot
	Deleted   bool   // marked with '*'
}

// ServicesFile is InfrastructureServices.txt as read back: every service of
// the snapshot, once, with its mark.
type ServicesFile struct {
	Entries []ServiceEntry
}

// Deleted returns the names of the services marked deleted, sorted.
func (f *ServicesFile) Deleted() []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, e := range f.Entries {
		if e.Deleted {
			out = append(out, e.Name)
		}
	}
	slices.Sort(out)
	return out
}

// LineProblem is one bad line of the services file. Line is 0 for a
// problem about the file as a whole (a service missing from it).
type LineProblem struct {
	Line    int
	Name    string
	Problem string
}

// ServicesFileError lists every problem found in the services file; no
// marks are returned with it. It wraps [ErrInvalid]. Problems holds them
// all; Error names the first [MaxListedProblems] and counts the rest, so a
// wrong file of a million lines does not make a message of megabytes.
type ServicesFileError struct {
	Path     string // empty when parsing bytes
	Problems []LineProblem
}

// Error implements error.
func (e *ServicesFileError) Error() string {
	where := e.Path
	if where == "" {
		where = ServicesFileName
	}
	parts := make([]string, 0, min(len(e.Problems), MaxListedProblems)+1)
	for i, p := range e.Problems {
		if i == MaxListedProblems {
			parts = append(parts, fmt.Sprintf("... and %d more", len(e.Problems)-i))
			break
		}
		loc := where
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", where, p.Line)
		}
		if p.Name != "" {
			loc = fmt.Sprintf("%s: %s", loc, q(p.Name))
		}
		parts = append(parts, loc+": "+p.Problem)
	}
	return "matrixoe: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is match ErrInvalid.
func (e *ServicesFileError) Unwrap() error { return ErrInvalid }

// MaxListedProblems is how many problems [ServicesFileError.Error] spells
// out before summarising the rest as a count.
const MaxListedProblems = 20

// checkServiceName reports a name that cannot be written to and read back
// from the services file unchanged.
func checkServiceName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty name")
	case !utf8.ValidString(name):
		return fmt.Errorf("name %s is not valid UTF-8", q(name))
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("name %s has leading or trailing white space", q(name))
	case strings.HasPrefix(name, "*"):
		return fmt.Errorf("name %s starts with '*', the deletion mark", q(name))
	case strings.HasPrefix(name, "\uFEFF"):
		return fmt.Errorf("name %s starts with a byte order mark", q(name))
	case strings.ContainsAny(name, "\r\n"):
		return fmt.Errorf("name %s contains a line break", q(name))
	}
	return nil
}

// FormatServicesFile renders the services file for s: every service name,
// sorted byte-wise, one per line, each line ended by CRLF (the operator
// edits it on the Windows CMS), no byte order mark, no marks. A name that
// could not be read back unchanged is an error naming the service.
func FormatServicesFile(s *Snapshot) ([]byte, error) {
	if s == nil {
		return nil, invalid("matrixoe: %s: nil snapshot", ServicesFileName)
	}
	names := make([]string, 0, len(s.Services))
	for _, id := range sortedKeys(s.Services) {
		name := s.Services[id].Name
		if err := checkServiceName(name); err != nil {
			return nil, fmt.Errorf("matrixoe: %s: service %s: %w: %w", ServicesFileName, q(id), err, ErrInvalid)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, n := range names {
		b.WriteString(n)
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// ParseServicesFile reads the services file the operator edited, against
// the snapshot it was written from. The syntax, exactly:
//
//   - UTF-8; an optional byte order mark at the very start is skipped;
//     a file that starts with a UTF-16 byte order mark (Notepad's
//     "Unicode" encodings) is decoded as UTF-16; lines end with LF or CRLF;
//   - white space around a line is ignored, and blank lines are skipped;
//   - a line is a service name, optionally preceded by one '*' (the mark
//     of a service deleted after the backup); white space may separate the
//     '*' from the name ("*web", "* web" and "  *  web" all mark "web");
//     the '*' must be the first non-blank character of the line;
//   - names are compared exactly (case-sensitive).
//
// Errors, all collected into one *[ServicesFileError] naming line and
// name: a name the snapshot does not hold, a name on two lines, a '*'
// with no name, invalid UTF-8, and a service of the snapshot missing from
// the file (delete no lines: mark them). On error no result is returned.
func ParseServicesFile(data []byte, s *Snapshot) (*ServicesFile, error) {
	if s == nil {
		return nil, invalid("matrixoe: %s: nil snapshot", ServicesFileName)
	}
	byName := map[string]string{}
	for id, sv := range s.Services {
		byName[sv.Name] = id
	}
	data, err := decodeUTF16(data)
	if err != nil {
		return nil, &ServicesFileError{Problems: []LineProblem{{Problem: err.Error()}}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var probs []LineProblem
	var entries []ServiceEntry
	seen := map[string]int{}
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		if !utf8.ValidString(raw) {
			probs = append(probs, LineProblem{Line: line, Name: raw, Problem: "not valid UTF-8"})
			continue
		}
		text := strings.TrimSpace(raw)
		if text == "" {
			continue
		}
		deleted := false
		if rest, ok := strings.CutPrefix(text, "*"); ok {
			deleted = true
			text = strings.TrimSpace(rest)
			if text == "" {
				probs = append(probs, LineProblem{Line: line, Name: raw, Problem: "'*' with no service name"})
				continue
			}
		}
		id, known := byName[text]
		switch {
		case !known:
			probs = append(probs, LineProblem{Line: line, Name: text, Problem: "no service of that name in the restored database"})
			continue
		case seen[text] > 0:
			probs = append(probs, LineProblem{Line: line, Name: text, Problem: fmt.Sprintf("listed again (first on line %d)", seen[text])})
			continue
		}
		seen[text] = line
		entries = append(entries, ServiceEntry{Line: line, Name: text, ServiceID: id, Deleted: deleted})
	}
	named := make(map[string]bool, len(probs)) // names a bad line already mentions
	for _, p := range probs {
		named[p.Name] = true
	}
	for _, name := range sortedKeys(byName) {
		if seen[name] == 0 && !named[name] {
			probs = append(probs, LineProblem{Name: name, Problem: "service missing from the file (mark deleted services with '*', do not remove lines)"})
		}
	}
	if len(probs) > 0 {
		return nil, &ServicesFileError{Problems: probs}
	}
	return &ServicesFile{Entries: entries}, nil
}

// decodeUTF16 converts a file starting with a UTF-16 byte order mark to
// UTF-8 (keeping the mark, as U+FEFF); other data is returned as is.
func decodeUTF16(data []byte) ([]byte, error) {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = binary.BigEndian
	default:
		return data, nil
	}
	if len(data)%2 != 0 {
		return nil, fmt.Errorf("UTF-16 file with an odd number of bytes (%d)", len(data))
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	return []byte(string(utf16.Decode(units))), nil
}

// WriteServicesFile writes [FormatServicesFile] of s to path atomically
// (temporary file in the same directory, synced, then renamed over path).
// An existing file is first copied to path + ".bak" (replacing an older
// backup), also atomically. The directory is created if missing. ctx is
// checked before each step.
func WriteServicesFile(ctx context.Context, path string, s *Snapshot) error {
	data, err := FormatServicesFile(s)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("matrixoe: write %s: %w", path, err)
	}
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeAtomic(path+".bak", old); err != nil {
			return fmt.Errorf("matrixoe: back up %s: %w", path, err)
		}
	case !os.IsNotExist(err):
		return fmt.Errorf("matrixoe: write %s: %w", path, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("matrixoe: write %s: %w", path, err)
	}
	return nil
}

// ReadServicesFile reads and parses the services file at path (see
// [ParseServicesFile]); errors carry the path.
func ReadServicesFile(ctx context.Context, path string, s *Snapshot) (*ServicesFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("matrixoe: read %s: %w", ServicesFileName, err)
	}
	f, err := ParseServicesFile(data, s)
	if err != nil {
		if fe, ok := err.(*ServicesFileError); ok {
			fe.Path = path
		}
		return nil, err
	}
	return f, nil
}

func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
