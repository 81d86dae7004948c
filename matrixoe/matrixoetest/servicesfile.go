package matrixoetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// ServicesFile is an in-memory [matrixoe.ServicesFileStore]:
// InfrastructureServices.txt as the engine writes it and the operator
// edits it. [ServicesFile.Mark] plays the operator (a '*' before each
// named service), [ServicesFile.SetContent] a hand edit of any kind. It
// writes and reads with matrixoe's own FormatServicesFile and
// ParseServicesFile, so it accepts and refuses exactly what the file on
// disk would. Safe for concurrent use.
type ServicesFile struct {
	mu      sync.Mutex
	content []byte
	written bool
	faults  *Faults
}

var _ matrixoe.ServicesFileStore = (*ServicesFile)(nil)

// NewServicesFile returns a services file not yet written.
func NewServicesFile(opts ...Option) *ServicesFile {
	return &ServicesFile{faults: buildOptions(opts).faults}
}

// WriteServicesFile writes the services of s (replacing the content). A
// fault rule on OpWriteServicesFile (no target) fails it; an unwritable
// service name is matrixoe.FormatServicesFile's error.
func (f *ServicesFile) WriteServicesFile(ctx context.Context, s *matrixoe.Snapshot) error {
	if err := f.faults.Check(ctx, OpWriteServicesFile); err != nil {
		return err
	}
	data, err := matrixoe.FormatServicesFile(s)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.content, f.written = data, true
	return nil
}

// ReadServicesFile parses the content against s. A file never written is
// an error wrapping matrixoe.ErrNotFound; a fault rule on
// OpReadServicesFile (no target) fails it.
func (f *ServicesFile) ReadServicesFile(ctx context.Context, s *matrixoe.Snapshot) (*matrixoe.ServicesFile, error) {
	if err := f.faults.Check(ctx, OpReadServicesFile); err != nil {
		return nil, err
	}
	f.mu.Lock()
	data, written := append([]byte(nil), f.content...), f.written
	f.mu.Unlock()
	if !written {
		return nil, fmt.Errorf("matrixoetest: %s was never written: %w", matrixoe.ServicesFileName, matrixoe.ErrNotFound)
	}
	return matrixoe.ParseServicesFile(data, s)
}

// Mark plays the operator of IO phase 2: a '*' before each named service's
// line (see [MarkServicesFile]). A name with no line, or a file never
// written, is an error and changes nothing.
func (f *ServicesFile) Mark(names ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.written {
		return fmt.Errorf("matrixoetest: %s was never written: %w", matrixoe.ServicesFileName, matrixoe.ErrNotFound)
	}
	marked, err := MarkServicesFile(f.content, names...)
	if err != nil {
		return err
	}
	f.content = marked
	return nil
}

// Content returns a copy of the file's bytes (nil when never written).
func (f *ServicesFile) Content() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.content...)
}

// SetContent replaces the file's bytes, as an operator's editor would.
func (f *ServicesFile) SetContent(b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.content, f.written = append([]byte(nil), b...), true
}

// Faults returns the file's rule set (nil when [WithFaults] gave nil).
func (f *ServicesFile) Faults() *Faults { return f.faults }

// ServicesFileData is the whole state of a [ServicesFile] as plain,
// JSON-serialisable data (the content as bytes: an operator's file need
// not be valid UTF-8). Its JSON is decoded strictly.
type ServicesFileData struct {
	Content []byte `json:"content"`
	Written bool   `json:"written"`
}

type servicesFileDataJSON ServicesFileData

// JSONShape lets a strict decoder of an enclosing type check the data
// without decoding it twice.
func (*ServicesFileData) JSONShape() any { return (*servicesFileDataJSON)(nil) }

// UnmarshalJSON decodes strictly; on error d is unchanged.
func (d *ServicesFileData) UnmarshalJSON(b []byte) error {
	shape, err := decodeData[servicesFileDataJSON](b, "services file data")
	if err != nil {
		return err
	}
	*d = ServicesFileData(shape)
	return nil
}

// Data returns a copy of the file's state.
func (f *ServicesFile) Data() ServicesFileData {
	f.mu.Lock()
	defer f.mu.Unlock()
	return ServicesFileData{Content: append([]byte(nil), f.content...), Written: f.written}
}

// NewServicesFileFromData returns a services file holding a copy of d.
// Content without Written is an error (an unwritten file has none).
func NewServicesFileFromData(d ServicesFileData, opts ...Option) (*ServicesFile, error) {
	if !d.Written && len(d.Content) > 0 {
		return nil, fmt.Errorf("matrixoetest: services file data: content but not written: %w", matrixoe.ErrInvalid)
	}
	f := NewServicesFile(opts...)
	f.content, f.written = append([]byte(nil), d.Content...), d.Written
	return f, nil
}
