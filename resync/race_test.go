//go:build race

package resync_test

// raceEnabled: the race detector slows the safety tests tenfold; they run
// a tenth of their runs under it.
const raceEnabled = true
