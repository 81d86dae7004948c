//go:build !windows

package spm

import "os"

// syncDir flushes a folder so that a rename in it survives a crash. Errors
// are ignored: the rename already happened and some file systems refuse.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
