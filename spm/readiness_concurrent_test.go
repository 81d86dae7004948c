package spm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// One Readiness is documented as safe for concurrent use: each Wait keeps
// its own poll count, and a failing Wait does not disturb another's (run
// with -race).
func TestReadinessConcurrentWaits(t *testing.T) {
	ui := spmtest.NewUI(0)
	defer ui.Close()
	// Every request to /fail answers 503; the page itself shows Manual
	// Recovery Mode once switched on below.
	require.NoError(t, ui.Faults().Add(spmtest.Fault{Op: spmtest.OpUIGet, Target: "/fail", Err: spmtest.HTTPError{Status: 503}}))
	good, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny))
	require.NoError(t, err)
	bad, err := spm.NewReadiness(ui.URL()+"fail", spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny), spm.WithMaxPolls(3))
	require.NoError(t, err)

	const n = 8
	var wg sync.WaitGroup
	results := make([]spm.ReadyResult, n)
	errs := make([]error, n)
	badErrs := make([]error, n)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range n {
		wg.Add(2)
		go func() { defer wg.Done(); results[i], errs[i] = good.Wait(ctx) }()
		go func() { defer wg.Done(); _, badErrs[i] = bad.Wait(ctx) }()
	}
	for ui.Polls() < 2*n {
		time.Sleep(tiny)
	}
	ui.SetManualRecovery(true)
	wg.Wait()
	total := 0
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, 200, results[i].Status)
		assert.GreaterOrEqual(t, results[i].Polls, 1)
		total += results[i].Polls
		var nr *spm.NotReadyError
		require.ErrorAs(t, badErrs[i], &nr)
		assert.Equal(t, 3, nr.Polls, "each Wait counts only its own polls")
		assert.Equal(t, 503, nr.LastStatus)
	}
	assert.Equal(t, ui.Polls(), total+3*n, "every request is counted by exactly one Wait")
}
