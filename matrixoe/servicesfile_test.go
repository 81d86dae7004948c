package matrixoe

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ioWorld(t testing.TB) *Snapshot {
	return newMS().service("S1", "web").service("S2", "db").service("S3", "batch job").build(t)
}

func TestFormatServicesFile(t *testing.T) {
	b, err := FormatServicesFile(ioWorld(t))
	require.NoError(t, err)
	assert.Equal(t, "batch job\r\ndb\r\nweb\r\n", string(b))

	empty, err := FormatServicesFile(NewSnapshot())
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func TestFormatServicesFileRejectsUnwritableNames(t *testing.T) {
	for _, name := range []string{"*star", " padded", "line\nbreak", "\uFEFFbom", "bad\xffutf8"} {
		t.Run(name, func(t *testing.T) {
			s := NewSnapshot()
			s.Services["S9"] = Service{ID: "S9", Name: name}
			_, err := FormatServicesFile(s)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), `service "S9"`)
		})
	}
}

func TestParseServicesFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		deleted []string
	}{
		{"as written", "batch job\r\ndb\r\nweb\r\n", nil},
		{"leading star", "batch job\r\n*db\r\nweb\r\n", []string{"db"}},
		{"star, spaces, tabs", "  *  batch job \r\n\t*\tdb\r\nweb", []string{"batch job", "db"}},
		{"BOM and LF only", "\uFEFFweb\n*db\nbatch job\n", []string{"db"}},
		{"BOM then star", "\uFEFF*web\r\ndb\r\nbatch job\r\n", []string{"web"}},
		{"blank lines and trailing spaces ignored", "\r\n\r\n  web  \r\n\r\ndb\r\n   \r\nbatch job\r\n\r\n", nil},
		{"any order", "web\r\n*batch job\r\ndb", []string{"batch job"}},
		{"star inside a name is part of the name", "web\r\ndb\r\nbatch job", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseServicesFile([]byte(tc.in), ioWorld(t))
			require.NoError(t, err)
			assert.Equal(t, tc.deleted, f.Deleted())
			assert.Len(t, f.Entries, 3)
			for _, e := range f.Entries {
				assert.NotEmpty(t, e.ServiceID)
				assert.Positive(t, e.Line)
			}
		})
	}
}

func utf16File(t *testing.T, text string, bigEndian bool) []byte {
	t.Helper()
	units := utf16.Encode([]rune("\uFEFF" + text))
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestParseServicesFileUTF16(t *testing.T) {
	for _, be := range []bool{false, true} {
		t.Run(map[bool]string{false: "LE", true: "BE"}[be], func(t *testing.T) {
			f, err := ParseServicesFile(utf16File(t, "batch job\r\n*db\r\nweb\r\n", be), ioWorld(t))
			require.NoError(t, err)
			assert.Equal(t, []string{"db"}, f.Deleted())
		})
	}
	_, err := ParseServicesFile([]byte{0xFF, 0xFE, 'w'}, ioWorld(t))
	require.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, "matrixoe: InfrastructureServices.txt: UTF-16 file with an odd number of bytes (3)", err.Error())
}

func TestParseServicesFileLineNumbers(t *testing.T) {
	f, err := ParseServicesFile([]byte("\uFEFF\r\nweb\r\n\r\n* db\r\nbatch job\r\n"), ioWorld(t))
	require.NoError(t, err)
	assert.Equal(t, []ServiceEntry{
		{Line: 2, Name: "web", ServiceID: "S1"},
		{Line: 4, Name: "db", ServiceID: "S2", Deleted: true},
		{Line: 5, Name: "batch job", ServiceID: "S3"},
	}, f.Entries)
}

func TestParseServicesFileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"unknown name", "web\r\ndb\r\nbatch job\r\nmail\r\n", []string{`InfrastructureServices.txt:4: "mail": no service of that name`}},
		{"wrong case is unknown", "WEB\r\ndb\r\nbatch job\r\n", []string{`:1: "WEB": no service of that name`, `"web": service missing from the file`}},
		{"duplicate", "web\r\ndb\r\n*web\r\nbatch job\r\n", []string{`:3: "web": listed again (first on line 1)`}},
		{"star without name", "web\r\ndb\r\n  * \r\nbatch job\r\n", []string{`:3: "  * ": '*' with no service name`}},
		{"double star", "**web\r\ndb\r\nbatch job\r\n", []string{`:1: "*web": no service of that name`}},
		{"star not first", "web*\r\ndb\r\nbatch job\r\n", []string{`:1: "web*": no service of that name`}},
		{"missing line", "web\r\ndb\r\n", []string{`"batch job": service missing from the file`}},
		{"invalid UTF-8 (saved as ANSI)", "web\r\ndb\xe9\r\nbatch job\r\n", []string{`:2: `, "not valid UTF-8"}},
		{"several problems at once", "mail\r\nweb\r\nweb\r\n", []string{`:1: "mail"`, `:3: "web": listed again`, `"db": service missing`, `"batch job": service missing`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseServicesFile([]byte(tc.in), ioWorld(t))
			assert.Nil(t, f, "no partial result")
			var fe *ServicesFileError
			require.ErrorAs(t, err, &fe)
			require.ErrorIs(t, err, ErrInvalid)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestServicesFilePath(t *testing.T) {
	// Literal expectations (not built with filepath.Join, which would make
	// the test agree with any implementation): the CMS is Windows.
	sim, want := "/opt/sim", "/opt/sim/mxsync/data/InfrastructureServices.txt"
	if runtime.GOOS == "windows" {
		sim, want = `C:\Program Files\HP\Systems Insight Manager`, `C:\Program Files\HP\Systems Insight Manager\mxsync\data\InfrastructureServices.txt`
	}
	p := ServicesFilePath(sim)
	assert.Equal(t, want, p)
	assert.Equal(t, ServicesFileName, filepath.Base(p))
}

func TestWriteReadServicesFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := ServicesFilePath(dir)
	s := ioWorld(t)

	require.NoError(t, WriteServicesFile(ctx, path, s))
	_, err := os.Stat(path + ".bak")
	assert.True(t, os.IsNotExist(err), "no backup when nothing was overwritten")

	// The operator marks db, saving with a BOM as Notepad does.
	require.NoError(t, os.WriteFile(path, []byte("\uFEFFbatch job\r\n*db\r\nweb\r\n"), 0o644))
	f, err := ReadServicesFile(ctx, path, s)
	require.NoError(t, err)
	assert.Equal(t, []string{"db"}, f.Deleted())

	// Rewriting keeps the edited file as .bak.
	require.NoError(t, WriteServicesFile(ctx, path, s))
	bak, err := os.ReadFile(path + ".bak")
	require.NoError(t, err)
	assert.Equal(t, "\uFEFFbatch job\r\n*db\r\nweb\r\n", string(bak))
	cur, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "batch job\r\ndb\r\nweb\r\n", string(cur))

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "no temporary file left: %s", e.Name())
	}
}

func TestServicesFileIOErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ServicesFileName)
	s := ioWorld(t)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, WriteServicesFile(cancelled, path, s), context.Canceled)
	_, err := os.Stat(path)
	assert.True(t, os.IsNotExist(err), "nothing written after cancellation")
	_, err = ReadServicesFile(cancelled, path, s)
	require.ErrorIs(t, err, context.Canceled)

	_, err = ReadServicesFile(context.Background(), path, s)
	require.ErrorIs(t, err, os.ErrNotExist)

	require.NoError(t, os.WriteFile(path, []byte("nope\r\n"), 0o644))
	_, err = ReadServicesFile(context.Background(), path, s)
	var fe *ServicesFileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, path, fe.Path)
	assert.Contains(t, err.Error(), path+":1:")

	bad := NewSnapshot()
	bad.Services["S1"] = Service{ID: "S1", Name: "*x"}
	require.ErrorIs(t, WriteServicesFile(context.Background(), path, bad), ErrInvalid)
	cur, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "nope\r\n", string(cur), "no partial write")
}

func FuzzParseServicesFile(f *testing.F) {
	f.Add([]byte("batch job\r\n*db\r\nweb\r\n"), "alpha")
	f.Add([]byte("\uFEFF * web\n\ndb\nbatch job"), "x y")
	f.Add([]byte("**\r\n\xff"), "*")
	f.Fuzz(func(t *testing.T, data []byte, extra string) {
		s := ioWorld(t)
		// Never panics; a result is all-or-nothing and consistent.
		got, err := ParseServicesFile(data, s)
		if err == nil {
			assert.Len(t, got.Entries, len(s.Services))
		} else {
			assert.Nil(t, got)
		}
		// Round trip with an extra fuzzed name when it is writable.
		s.Services["S9"] = Service{ID: "S9", Name: extra}
		if s.Validate() != nil {
			return
		}
		out, err := FormatServicesFile(s)
		if err != nil {
			return
		}
		back, err := ParseServicesFile(out, s)
		require.NoError(t, err)
		assert.Empty(t, back.Deleted())
		assert.Len(t, back.Entries, 4)
		lines := strings.Split(string(out), "\r\n")
		for i, l := range lines {
			if l == extra {
				lines[i] = "*" + l
			}
		}
		back, err = ParseServicesFile([]byte(strings.Join(lines, "\r\n")), s)
		require.NoError(t, err)
		assert.Equal(t, []string{extra}, back.Deleted())
	})
}

// A services file with many bad lines keeps every problem in
// Problems but spells out only MaxListedProblems in the message.
func TestServicesFileErrorMessageIsBounded(t *testing.T) {
	s := newMS().service("S1", "web").build(t)
	tests := []struct {
		name     string
		badLines int
		wantMore string
	}{
		{"few problems: all listed", 3, ""},
		{"exactly the limit: all listed", MaxListedProblems - 1, ""},
		{"many problems: the rest counted", 100000, "... and 99981 more"}, // 100000 bad + 1 missing - 20 listed
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Repeat("nope\r\n", tc.badLines)
			_, err := ParseServicesFile([]byte(data), s)
			var fe *ServicesFileError
			require.ErrorAs(t, err, &fe)
			assert.Len(t, fe.Problems, tc.badLines+1, "every bad line and the missing service")
			msg := err.Error()
			assert.Less(t, len(msg), 4096)
			assert.Contains(t, msg, "InfrastructureServices.txt:1: \"nope\"")
			if tc.wantMore == "" {
				assert.NotContains(t, msg, "more")
				assert.Equal(t, tc.badLines+1, strings.Count(msg, "InfrastructureServices.txt"))
			} else {
				assert.Contains(t, msg, tc.wantMore)
				assert.Equal(t, MaxListedProblems, strings.Count(msg, "InfrastructureServices.txt"))
			}
		})
	}
}

// BenchmarkParseServicesFileManyProblems: a file with many unknown lines
// against a database with many services (every service then missing).
func BenchmarkParseServicesFileManyProblems(b *testing.B) {
	s := NewSnapshot()
	for i := range 5000 {
		id := fmt.Sprintf("S%d", i)
		s.Services[id] = Service{ID: id, Name: "service " + id}
	}
	data := []byte(strings.Repeat("no such service\r\n", 20000))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseServicesFile(data, s); err == nil {
			b.Fatal("want an error")
		}
	}
}

// A huge line — one 8 MiB name, or a '*' and megabytes of blanks — makes a
// small error, quickly; invalid UTF-8 is quoted by a prefix too.
func TestParseServicesFileHugeLines(t *testing.T) {
	s := ioWorld(t)
	huge := strings.Repeat("n", 8<<20)
	tests := []struct {
		name string
		data string
		want string
	}{
		{"huge unknown name", "batch job\r\ndb\r\nweb\r\n" + huge + "\r\n", `InfrastructureServices.txt:4: "nnnn`},
		{"huge marked name", "batch job\r\ndb\r\nweb\r\n*" + huge, "no service of that name"},
		{"a star and megabytes of blanks", "batch job\r\ndb\r\nweb\r\n*" + strings.Repeat(" ", 8<<20), "'*' with no service name"},
		{"huge invalid UTF-8 line", "batch job\r\ndb\r\nweb\r\n" + strings.Repeat("\xff", 1<<20), "not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseServicesFile([]byte(tc.data), s)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.Less(t, len(err.Error()), 1024, "a bounded error")
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
	_, err := FormatServicesFile(&Snapshot{Services: map[string]Service{"S1": {ID: "S1", Name: "*" + huge}}})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Less(t, len(err.Error()), 1024)
}
