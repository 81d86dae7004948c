//go:build unix && !linux

package main

import (
	"runtime"
	"syscall"
)

// peakRSS reads ru_maxrss: bytes on Darwin, kilobytes on the BSDs.
func peakRSS() (uint64, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return uint64(ru.Maxrss), nil
	}
	return uint64(ru.Maxrss) << 10, nil
}
