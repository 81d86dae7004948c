//go:build !unix && !windows

package resync

import (
	"errors"
	"os"
)

// lockFile refuses: without a lock, two executes could share a journal.
func lockFile(*os.File) error {
	return errors.New("resync: journal locking is not supported on this platform")
}
func unlockFile(*os.File) error { return nil }

func syncDir(string) error { return nil }
