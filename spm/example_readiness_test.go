package spm_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Wait for a self-signed SPM UI: the system roots reject its certificate at
// once (a TLS failure is never retried); pinning its SHA-256 digest accepts
// it, and the wait polls until the page shows Manual Recovery Mode.
func ExampleReadiness_Wait() {
	ui := spmtest.NewUI(3) // shows Manual Recovery Mode from the 3rd poll
	defer ui.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fast := spm.WithPollInterval(time.Millisecond, time.Millisecond)

	byDefault, err := spm.NewReadiness(ui.URL(), fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = byDefault.Wait(ctx)
	var tlsErr *spm.TLSError
	fmt.Println("default trust, TLS error:", errors.As(err, &tlsErr), "- polls answered:", ui.Polls())

	pinned, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := pinned.Wait(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pinned: Manual Recovery Mode after %d polls (HTTP %d)\n", res.Polls, res.Status)
	// Output:
	// default trust, TLS error: true - polls answered: 0
	// pinned: Manual Recovery Mode after 3 polls (HTTP 200)
}
