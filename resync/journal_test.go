package resync

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
)

func appendN(t *testing.T, j *Journal, n int) {
	t.Helper()
	for i := range n {
		_, err := j.Append(Record{Type: RecChangeApplied, Section: SectionVCEM, Phase: 1, Step: i + 1,
			Change: json.RawMessage(`{"kind":"vcem.DeleteProfile","profileId":"P1"}`)})
		require.NoError(t, err)
	}
}

func TestJournalAppendReopen(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	require.NoError(t, err)
	appendN(t, j, 3)
	_, err = j.Append(Record{Type: RecRecoveryModeSet, Mode: &spm.ModeChange{Path: `C:\SPM\state\ApplicationConfig.xml`, Previous: "Normal", Value: "InternalRecovery", Changed: true}})
	require.NoError(t, err)
	require.NoError(t, j.Close())
	require.NoError(t, j.Close(), "Close twice is fine")

	j2, err := OpenJournal(dir)
	require.NoError(t, err)
	defer j2.Close()
	recs := j2.Records()
	require.Len(t, recs, 4)
	for i, r := range recs {
		assert.Equal(t, int64(i+1), r.Seq)
		assert.False(t, r.Time.IsZero())
	}
	assert.Equal(t, "Normal", recs[3].Mode.Previous)
	assert.False(t, j2.Torn())
	r, err := j2.Append(Record{Type: RecExecuteFinished})
	require.NoError(t, err)
	assert.Equal(t, int64(5), r.Seq, "sequence continues after reopen")

	read, err := ReadJournal(dir)
	require.NoError(t, err)
	assert.Len(t, read, 5, "ReadJournal sees a locked journal too")
}

func TestJournalTornLastLine(t *testing.T) {
	for _, tail := range []string{`{"crc":"0000`, `{"crc":"00000000","record":{"seq":4}}` + "\n", "\n\n"[:1]} {
		t.Run(strings.TrimSpace(tail), func(t *testing.T) {
			dir := t.TempDir()
			j, err := OpenJournal(dir)
			require.NoError(t, err)
			appendN(t, j, 3)
			require.NoError(t, j.Close())
			path := filepath.Join(dir, JournalFileName)
			good, err := os.ReadFile(path)
			require.NoError(t, err)
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString(tail)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			j, err = OpenJournal(dir)
			require.NoError(t, err)
			assert.True(t, j.Torn())
			assert.Len(t, j.Records(), 3, "the torn line is ignored")
			appendN(t, j, 1)
			require.NoError(t, j.Close())
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(after), string(good)), "good lines kept byte for byte")
			recs, err := ReadJournal(dir)
			require.NoError(t, err)
			assert.Len(t, recs, 4, "the next record replaced the torn line")
		})
	}
}

func TestJournalCorruptMiddleLine(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	require.NoError(t, err)
	appendN(t, j, 3)
	require.NoError(t, j.Close())
	path := filepath.Join(dir, JournalFileName)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(b), "\n")
	tests := map[string]string{
		"flipped byte":   strings.Replace(lines[1], `"step":2`, `"step":9`, 1),
		"not json":       "garbage\n",
		"sequence break": lines[2],
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(lines[0]+bad+lines[2]), 0o640))
			_, err := OpenJournal(dir)
			require.ErrorIs(t, err, ErrJournalCorrupt)
			assert.Contains(t, err.Error(), "line 2")
		})
	}
}

func TestJournalLockRefusesSecondExecute(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	require.NoError(t, err)
	_, err = OpenJournal(dir)
	require.ErrorIs(t, err, ErrJournalLocked)
	require.NoError(t, j.Close())
	j2, err := OpenJournal(dir)
	require.NoError(t, err, "the lock is released on Close")
	require.NoError(t, j2.Close())
}

// TestJournalLockAcrossProcesses: a lock held by another process refuses,
// and a process that dies (however) leaves the journal openable.
func TestJournalLockAcrossProcesses(t *testing.T) {
	if os.Getenv("RESYNC_TEST_HOLD_JOURNAL") != "" {
		j, err := OpenJournal(os.Getenv("RESYNC_TEST_HOLD_JOURNAL"))
		if err != nil {
			os.Exit(3)
		}
		_ = j
		os.Stdout.WriteString("locked\n")
		select {} // hold until killed
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestJournalLockAcrossProcesses$")
	cmd.Env = append(os.Environ(), "RESYNC_TEST_HOLD_JOURNAL="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	buf := make([]byte, 7)
	_, err = out.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "locked\n", string(buf))

	_, err = OpenJournal(dir)
	assert.ErrorIs(t, err, ErrJournalLocked)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	j, err := OpenJournal(dir)
	require.NoError(t, err, "a killed process leaves no stale lock")
	require.NoError(t, j.Close())
}

func TestJournalRecordTooLarge(t *testing.T) {
	j, err := OpenJournal(t.TempDir())
	require.NoError(t, err)
	defer j.Close()
	_, err = j.Append(Record{Type: RecChangeIntent, Message: strings.Repeat("x", maxRecordSize)})
	assert.ErrorContains(t, err, "too large")
	assert.Empty(t, j.Records())
}

func FuzzJournalLines(f *testing.F) {
	f.Add([]byte(`{"crc":"00000000","record":{"seq":1,"time":"2026-01-01T00:00:00Z","type":"execute-started"}}` + "\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, JournalFileName), b, 0o640))
		j, err := OpenJournal(dir)
		if err != nil {
			return
		}
		n := len(j.Records())
		_, err = j.Append(Record{Type: RecExecuteFinished})
		require.NoError(t, err)
		require.NoError(t, j.Close())
		recs, err := ReadJournal(dir)
		require.NoError(t, err)
		require.Len(t, recs, n+1)
	})
}
