//go:build unix && !linux

package main

import (
	"errors"
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

// resetPeakRSS is not possible on this platform.
func resetPeakRSS() error { return errNoReset }

var errNoReset = errors.New("the peak RSS cannot be reset on this platform")
