package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// estateFile is an estate file loaded into memory: its fakes are the
// restored stores and the live side. An execute changes the stores, so the
// file is written back: atomically (a temporary file in the same folder,
// flushed, renamed), with the original kept once as <file>.mxsync-<UTC>.bak.
type estateFile struct {
	path   string
	e      *resynctest.Estate
	backup string // set once the original was copied
	last   []byte // the bytes last written (or read): unchanged state is not rewritten
}

func openEstate(path string) (*estateFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	e, err := resynctest.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &estateFile{path: path, e: e, last: b}, nil
}

func (f *estateFile) env() *resync.Env { return f.e.Env() }

func (f *estateFile) close() { f.e.Close() }

// save writes the estate back when its state changed.
func (f *estateFile) save() error {
	var buf bytes.Buffer
	if err := f.e.Save(&buf); err != nil {
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	if bytes.Equal(buf.Bytes(), f.last) {
		return nil
	}
	if f.backup == "" {
		bak := fmt.Sprintf("%s.mxsync-%s.bak", f.path, time.Now().UTC().Format("20060102T150405Z"))
		if err := writeAtomic(bak, f.last); err != nil {
			return err
		}
		f.backup = bak
	}
	if err := writeAtomic(f.path, buf.Bytes()); err != nil {
		return err
	}
	f.last = buf.Bytes()
	return nil
}

func writeAtomic(path string, b []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(b); err != nil {
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
