//go:build windows

package spm

// syncDir is a no-op on Windows: NTFS journals the rename (MoveFileEx with
// MOVEFILE_REPLACE_EXISTING) and folders cannot be opened for flushing.
func syncDir(string) {}
