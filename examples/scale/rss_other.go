//go:build !unix && !windows

package main

import "errors"

var errNoReset = errors.New("the peak RSS cannot be reset on this platform")

// peakRSS is not measured on this platform.
func peakRSS() (uint64, error) {
	return 0, errors.New("not measured on this platform")
}

// resetPeakRSS is not possible on this platform.
func resetPeakRSS() error { return errNoReset }
