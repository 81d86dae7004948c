package spmtest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// The UI turns a rule's error into an HTTP status; a rule without Err only
// holds the answer back.
func TestUIFaults(t *testing.T) {
	tests := []struct {
		name     string
		rule     *spmtest.Fault
		status   int
		bodyHas  string
		hitCount int
	}{
		{"no rule", nil, http.StatusOK, "Internal Recovery", 0},
		{"HTTPError sets the status", &spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: 429}}, http.StatusTooManyRequests, "injected fault", 1},
		{"any other error answers 503", &spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.ErrInjected}, http.StatusServiceUnavailable, "injected fault", 1},
		{"delay-only rule serves the page", &spmtest.Fault{Op: spmtest.OpUIGet, Delay: time.Millisecond}, http.StatusOK, "Internal Recovery", 1},
		{"rule on another path", &spmtest.Fault{Op: spmtest.OpUIGet, Target: "/other", Err: spmtest.ErrInjected}, http.StatusOK, "Internal Recovery", 0},
		{"rule on the path", &spmtest.Fault{Op: spmtest.OpUIGet, Target: "/", Err: spmtest.HTTPError{Status: 500}}, http.StatusInternalServerError, "injected fault", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ui := spmtest.NewUI(0)
			defer ui.Close()
			if tt.rule != nil {
				require.NoError(t, ui.Faults.Add(*tt.rule))
			}
			pool := x509.NewCertPool()
			require.True(t, pool.AppendCertsFromPEM(ui.CAPEM()))
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
			defer client.CloseIdleConnections()
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, ui.URL(), nil)
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Contains(t, string(body), tt.bodyHas)
			assert.Len(t, ui.Faults.Hits(), tt.hitCount)
		})
	}
}

func TestUIFaultRefusesNonFailureStatus(t *testing.T) {
	ui := spmtest.NewUI(0)
	defer ui.Close()
	err := ui.Faults.Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: 200}})
	assert.ErrorContains(t, err, "HTTP status 200 is not a 4xx or 5xx failure")
}

// OpCrash: a rule with an Err makes Start succeed and the service stop
// again; a rule without Err only delays the start.
func TestServicesCrashRule(t *testing.T) {
	tests := []struct {
		name    string
		rule    spmtest.Fault
		crashed bool
	}{
		{"crash with an error", spmtest.Fault{Op: spmtest.OpCrash, Target: "svc", Err: spmtest.ErrInjected}, true},
		{"no Err only delays", spmtest.Fault{Op: spmtest.OpCrash, Target: "svc", Delay: time.Microsecond}, false},
		{"other service", spmtest.Fault{Op: spmtest.OpCrash, Target: "other", Err: spmtest.ErrInjected}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			sc := spmtest.NewServices()
			require.NoError(t, sc.Define("svc", spm.ServiceStopped))
			require.NoError(t, sc.Faults.Add(tt.rule))
			require.NoError(t, sc.Start(ctx, "svc"), "Start itself succeeds")
			st, err := sc.Status(ctx, "svc")
			require.NoError(t, err)
			err = sc.WaitFor(ctx, "svc", spm.ServiceRunning)
			if tt.crashed {
				assert.Equal(t, spm.ServiceStopped, st)
				assert.ErrorContains(t, err, "exit code 1067")
				assert.Equal(t, []string{"crash svc"}, sc.Events())
			} else {
				assert.Equal(t, spm.ServiceRunning, st)
				assert.NoError(t, err)
				assert.Equal(t, []string{"start svc"}, sc.Events())
			}
		})
	}
}
