package resynctest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Schema is the version of the estate format: the "schema" member of every
// estate file and saved Backup. Load refuses another.
const Schema = 1

// MaxEstateSize bounds the estate file Load reads (1 GiB: a Large estate
// is about 100 MB), so that a wrong file cannot exhaust memory.
const MaxEstateSize = 1 << 30

// Save writes the estate in the estate format (see the package
// documentation): deterministic, compact JSON, streamed to w through a
// bounded buffer.
func (e *Estate) Save(w io.Writer) error {
	if e == nil {
		return errors.New("resynctest: save: nil estate")
	}
	e.mu.Lock()
	st, err := e.data()
	e.mu.Unlock()
	if err != nil {
		return err
	}
	return encodeState(st, w)
}

// MarshalJSON is Save into memory.
func (e *Estate) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := e.Save(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeState(st *state, w io.Writer) error {
	enc := newEncoder(w)
	enc.estate(st)
	if err := enc.flush(); err != nil {
		return fmt.Errorf("resynctest: save estate: %w", err)
	}
	return nil
}

// Load reads an estate file and builds the estate it describes, wired as
// New wires one (the options are New's; faults default to a set of the
// estate's own, seeded with 1). Decoding is strict at every level: an
// unknown, repeated or case-folded key, a missing field, null where a value
// is required, a bad value (an address, a number) or trailing data is an
// error naming its JSON path, the field and the value, every problem at
// once, e.g.
//
//	resynctest: estate JSON: vcem.live.domains["d1"].profiles[3].ethernet[1].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 1, column 2313)
//
// Then every database and the live side are checked as the fakes check
// them (vcem.Snapshot.Validate, …), errors naming the records. On error no
// estate is built.
func Load(r io.Reader, opts ...Option) (*Estate, error) {
	if r == nil {
		return nil, errors.New("resynctest: load: nil reader")
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxEstateSize+1))
	if err != nil {
		return nil, fmt.Errorf("resynctest: load: %w", err)
	}
	if len(b) > MaxEstateSize {
		return nil, fmt.Errorf("resynctest: load: the estate file is larger than %d bytes", MaxEstateSize)
	}
	return Decode(b, opts...)
}

// Decode is Load from bytes.
func Decode(b []byte, opts ...Option) (*Estate, error) {
	st, err := decodeState(b)
	if err != nil {
		return nil, err
	}
	return build(st, collect(1, opts))
}

func decodeState(b []byte) (*state, error) {
	d := &decoder{data: b}
	st := &state{}
	d.document(func() { d.estate(st) })
	if err := d.result(); err != nil {
		return nil, fmt.Errorf("resynctest: estate JSON: %w", err)
	}
	return st, nil
}

// MarshalJSON writes the backup as {"schema": 1, "vcem": …, "spm": …,
// "recoveryMode": …, "matrixoe": …}, each database as the estate format
// writes it (the VCEM database's pools without inUse).
func (b *Backup) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	var buf bytes.Buffer
	e := newEncoder(&buf)
	e.objStart()
	e.intField("schema", Schema)
	e.field("vcem")
	if b.VCEM == nil {
		e.null()
	} else {
		e.vcemSnapshot(b.VCEM)
	}
	e.field("spm")
	if b.SPM == nil {
		e.null()
	} else {
		e.spmSnapshot(b.SPM)
	}
	e.strField("recoveryMode", b.RecoveryMode)
	e.field("matrixoe")
	if b.MatrixOE == nil {
		e.null()
	} else {
		e.moeSnapshot(b.MatrixOE)
	}
	e.objEnd()
	if err := e.flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalJSON reads a backup MarshalJSON wrote, strictly (as Load reads
// an estate), and checks its databases as Restore does. On error b is
// unchanged.
func (b *Backup) UnmarshalJSON(data []byte) error {
	d := &decoder{data: data}
	var out Backup
	d.document(func() {
		d.fields([]string{"schema", "vcem", "spm", "recoveryMode", "matrixoe"}, 0b11111, func(i int) {
			switch i {
			case 0:
				start := d.pos
				if n := d.integer(); n != Schema {
					d.problemAt(start, "", nil, "schema %d: this SDK reads schema %d", n, Schema)
				}
			case 1:
				out.VCEM = nullOr(d, d.vcemSnapshot)
			case 2:
				out.SPM = nullOr(d, d.spmSnapshot)
			case 3:
				out.RecoveryMode = d.str()
			case 4:
				out.MatrixOE = nullOr(d, d.moeSnapshot)
			}
		})
	})
	if err := d.result(); err != nil {
		return fmt.Errorf("resynctest: backup JSON: %w", err)
	}
	if err := out.validate(); err != nil {
		return err
	}
	*b = out
	return nil
}

// nullOr reads null as nil, anything else with read.
func nullOr[T any](d *decoder, read func() *T) *T {
	if c, ok := d.next(); ok && c == 'n' {
		d.literal("null")
		return nil
	}
	return read()
}
