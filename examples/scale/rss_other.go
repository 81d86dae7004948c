//go:build !unix && !windows

package main

import "errors"

// peakRSS is not measured on this platform.
func peakRSS() (uint64, error) {
	return 0, errors.New("not measured on this platform")
}
