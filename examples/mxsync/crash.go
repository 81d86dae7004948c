package main

import (
	"os"
	"strconv"

	"github.com/mxsync-go/mxsync/resync"
)

// crashHook is for the crash tests only: with MXSYNC_TEST_KILL_AFTER_RECORD=k
// the process kills itself (SIGKILL on Unix, TerminateProcess on Windows: no
// deferred function, no flush) right after the k-th journal record is
// durable, so a test can prove `mxsync resume` finishes what a killed
// execute started. Unset, it does nothing.
func crashHook() func(resync.Record) error {
	k, err := strconv.Atoi(os.Getenv("MXSYNC_TEST_KILL_AFTER_RECORD"))
	if err != nil || k < 1 {
		return nil
	}
	n := 0
	return func(resync.Record) error {
		if n++; n == k {
			p, _ := os.FindProcess(os.Getpid())
			_ = p.Kill()
			select {} // the kill is asynchronous on some systems
		}
		return nil
	}
}
