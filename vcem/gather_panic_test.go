package vcem_test

import (
	"fmt"
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// A Live port that panics (a broken adapter) makes GatherLive fail with an
// error naming the domain, at any read concurrency: with several domains
// read at once on worker goroutines, the panic used to end the whole
// program, beyond any recover of the caller's (found by resync's fault
// injection safety test).
func TestGatherLivePanickingPortIsAnError(t *testing.T) {
	for _, op := range []string{vcemtest.OpReadDomain, vcemtest.OpReadDomainWithCredentials} {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/concurrency %d", op, n), func(t *testing.T) {
				var creds map[string]vcem.CredentialedDomain
				target := "d2"
				if op == vcemtest.OpReadDomainWithCredentials {
					target, creds = "d9", credsFor("d9", "10.0.0.9")
				}
				gatherCase(t, n, &vcemtest.Fault{Op: op, Target: target, Panic: "adapter bug"}, creds, false, nil,
					fmt.Sprintf("read domain %q: panic: adapter bug", target), nil)
			})
		}
	}
}
