package resync

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
)

// Journal file names inside the directory the caller gives.
const (
	JournalFileName = "journal.jsonl"
	LockFileName    = "journal.lock"
)

// maxRecordSize bounds one journal line: a record holds one change, never a
// snapshot.
const maxRecordSize = 4 << 20

// ErrJournalLocked: another execute holds the journal's lock.
var ErrJournalLocked = errors.New("resync: the journal is in use by another execute")

// ErrJournalCorrupt is wrapped by errors about a journal line that is not a
// torn last line: the journal cannot be trusted.
var ErrJournalCorrupt = errors.New("resync: journal corrupt")

var errLockHeld = errors.New("lock held")

// RecordType says what step a journal record marks.
type RecordType string

// Record types, in the order an execute writes them.
const (
	RecExecuteStarted       RecordType = "execute-started"        // Plan: the plan's ID
	RecPhaseStarted         RecordType = "phase-started"          // Section, Phase
	RecChangeIntent         RecordType = "change-intent"          // Step, Change: about to be applied
	RecChangeApplied        RecordType = "change-applied"         // Step, Change: applied
	RecMaintenanceStarted   RecordType = "maintenance-started"    // Domain: VCEM maintenance requested
	RecMaintenanceEnded     RecordType = "maintenance-ended"      // Domain, Outcome
	RecDomainResynced       RecordType = "domain-resynced"        // Domain, Outcome: the domain's resync is over
	RecRecoveryModeSet      RecordType = "recovery-mode-set"      // Mode: the value RecoveryMode replaced
	RecRecoveryModeRestored RecordType = "recovery-mode-restored" // Mode
	RecAcknowledged         RecordType = "acknowledged"           // Question or Questions: what a person confirmed or acknowledged
	RecPhaseVerified        RecordType = "phase-verified"         // Fingerprints: re-analysis found the phase clean
	RecExecuteFinished      RecordType = "execute-finished"       // Message: the outcome
)

// Record is one durable step of an execute. It never holds credentials:
// changes, IDs, outcomes and fingerprints only.
type Record struct {
	Seq          int64             `json:"seq"`
	Time         time.Time         `json:"time"`
	Type         RecordType        `json:"type"`
	Plan         string            `json:"plan,omitempty"`
	Section      Section           `json:"section,omitempty"`
	Phase        int               `json:"phase,omitempty"`
	Step         int               `json:"step,omitempty"` // 1-based position of the change in its phase
	Change       json.RawMessage   `json:"change,omitempty"`
	Domain       string            `json:"domain,omitempty"`
	Outcome      string            `json:"outcome,omitempty"`
	Mode         *spm.ModeChange   `json:"mode,omitempty"`
	Question     string            `json:"question,omitempty"`
	Questions    []string          `json:"questions,omitempty"` // several acknowledged at once
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	Message      string            `json:"message,omitempty"`
}

// line is the form of one journal line: the record's bytes and their CRC-32C.
type line struct {
	CRC    string          `json:"crc"`
	Record json.RawMessage `json:"record"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Journal is the append-only record of one execute: one JSON line per step,
// each with a checksum and flushed to disk (fsync) before the step proceeds.
// An execute holds its lock for as long as the Journal is open, so two
// executes cannot share one; the operating system releases the lock when the
// process ends, so a crashed execute can be resumed.
//
// A Journal is safe for concurrent use.
type Journal struct {
	dir     string
	mu      sync.Mutex
	f       *os.File
	lock    *os.File
	records []Record
	next    int64
	torn    bool
	memory  bool // kept in memory only (an execute without WithJournal)
	closed  bool
	now     func() time.Time
}

// newMemoryJournal is the journal of an execute given no directory: the same
// records, kept in memory, so the execute runs the same way but cannot be
// resumed after a crash.
func newMemoryJournal(now func() time.Time) *Journal {
	return &Journal{memory: true, now: now}
}

// OpenJournal opens (creating it if needed) the journal in dir and takes its
// lock. A torn last line — a crash while writing it — is detected, ignored
// and cut off; any other bad line is an error wrapping ErrJournalCorrupt
// naming the line. A journal held by another execute is ErrJournalLocked.
func OpenJournal(dir string) (*Journal, error) {
	if dir == "" {
		return nil, errors.New("resync: journal: empty directory name")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("resync: journal: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, LockFileName), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("resync: journal: %w", err)
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		if errors.Is(err, errLockHeld) {
			return nil, fmt.Errorf("%w (%s)", ErrJournalLocked, dir)
		}
		return nil, fmt.Errorf("resync: journal: lock %s: %w", dir, err)
	}
	path := filepath.Join(dir, JournalFileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		unlockFile(lock)
		lock.Close()
		return nil, fmt.Errorf("resync: journal: %w", err)
	}
	records, good, torn, err := readRecords(f, path)
	if err == nil && len(records) == 0 {
		err = syncDir(dir) // the new file's directory entry is durable too
	}
	if err == nil && torn {
		// Cut the torn line so the next record starts on a line of its own.
		if err = f.Truncate(good); err == nil {
			err = f.Sync()
		}
	}
	if err == nil {
		_, err = f.Seek(good, io.SeekStart)
	}
	if err != nil {
		f.Close()
		unlockFile(lock)
		lock.Close()
		return nil, err
	}
	j := &Journal{dir: dir, f: f, lock: lock, records: records, torn: torn, now: time.Now}
	if n := len(records); n > 0 {
		j.next = records[n-1].Seq
	}
	return j, nil
}

// ReadJournal reads the records of the journal in dir without taking its
// lock (to inspect a running or finished execute). A torn last line is
// ignored.
func ReadJournal(dir string) ([]Record, error) {
	path := filepath.Join(dir, JournalFileName)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("resync: journal: %w", err)
	}
	defer f.Close()
	records, _, _, err := readRecords(f, path)
	return records, err
}

// readRecords reads every line; it returns the records, the offset after the
// last good line and whether a torn last line followed it.
func readRecords(r io.Reader, path string) ([]Record, int64, bool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var records []Record
	var off int64
	for n := 1; ; n++ {
		raw, err := readLine(br)
		if err == io.EOF && len(raw) == 0 {
			return records, off, false, nil
		}
		complete := err == nil
		if err != nil && err != io.EOF {
			if errors.Is(err, errLineTooLong) {
				return nil, 0, false, fmt.Errorf("%w: %s line %d: longer than %d bytes", ErrJournalCorrupt, path, n, maxRecordSize)
			}
			return nil, 0, false, fmt.Errorf("resync: journal: %s: %w", path, err)
		}
		rec, perr := parseLine(raw)
		if perr != nil || !complete {
			// Only the last line may be torn: is anything after it?
			if _, peek := br.Peek(1); peek == io.EOF {
				return records, off, true, nil
			}
			return nil, 0, false, fmt.Errorf("%w: %s line %d: %v", ErrJournalCorrupt, path, n, perr)
		}
		if want := int64(len(records)) + 1; rec.Seq != want {
			return nil, 0, false, fmt.Errorf("%w: %s line %d: sequence %d, want %d", ErrJournalCorrupt, path, n, rec.Seq, want)
		}
		records = append(records, rec)
		off += int64(len(raw)) + 1
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns one line without its newline; a last line without one
// comes with io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxRecordSize {
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return buf[:len(buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return buf, err
		}
	}
}

func parseLine(raw []byte) (Record, error) {
	var l line
	if err := strictjson.Unmarshal(raw, &l); err != nil {
		return Record{}, err
	}
	if got := fmt.Sprintf("%08x", crc32.Checksum(l.Record, castagnoli)); got != l.CRC {
		return Record{}, fmt.Errorf("checksum %s, want %s", l.CRC, got)
	}
	var rec Record
	if err := strictjson.Unmarshal(l.Record, &rec); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

// Records returns a copy of the records read and written so far.
func (j *Journal) Records() []Record {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Record(nil), j.records...)
}

// Torn reports whether a torn last line was found and cut off when opening.
func (j *Journal) Torn() bool { return j.torn }

// Append writes r durably: it sets Seq and Time, writes one line and flushes
// it to disk before returning. On error the journal must not be used further.
func (j *Journal) Append(r Record) (Record, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed || j.f == nil && !j.memory {
		return Record{}, errors.New("resync: journal: closed")
	}
	r.Seq = j.next + 1
	r.Time = j.now().UTC()
	body, err := json.Marshal(r)
	if err != nil {
		return Record{}, fmt.Errorf("resync: journal: encode %s: %w", r.Type, err)
	}
	if len(body) > maxRecordSize-64 {
		return Record{}, fmt.Errorf("resync: journal: %s record of %d bytes is too large", r.Type, len(body))
	}
	var b bytes.Buffer
	b.Grow(len(body) + 40)
	b.WriteString(`{"crc":"`)
	fmt.Fprintf(&b, "%08x", crc32.Checksum(body, castagnoli))
	b.WriteString(`","record":`)
	b.Write(body)
	b.WriteString("}\n")
	if j.f != nil {
		if _, err := j.f.Write(b.Bytes()); err != nil {
			return Record{}, fmt.Errorf("resync: journal: write: %w", err)
		}
		if err := j.f.Sync(); err != nil {
			return Record{}, fmt.Errorf("resync: journal: sync: %w", err)
		}
	}
	j.next = r.Seq
	j.records = append(j.records, r)
	return r, nil
}

// Close flushes the journal and releases its lock. It is safe to call more
// than once.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	if uerr := unlockFile(j.lock); err == nil {
		err = uerr
	}
	if cerr := j.lock.Close(); err == nil {
		err = cerr
	}
	return err
}
