package spm_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

const tiny = time.Millisecond

func TestReadinessTLS(t *testing.T) {
	ui := spmtest.NewUI(1)
	defer ui.Close()
	other := spmtest.NewUI(1)
	defer other.Close()

	tests := []struct {
		name  string
		opts  []spm.ReadinessOption
		ok    bool
		check func(t *testing.T, err error)
	}{
		{"self-signed rejected by default", nil, false, func(t *testing.T, err error) {
			var ua x509.UnknownAuthorityError
			assert.ErrorAs(t, err, &ua)
		}},
		{"accepted with the CA bundle", []spm.ReadinessOption{spm.WithCABundle(ui.CAPEM())}, true, nil},
		{"accepted with the pin", []spm.ReadinessOption{spm.WithPinSHA256(ui.Pin())}, true, nil},
		{"accepted with the pin in colon form", []spm.ReadinessOption{spm.WithPinSHA256(colons(ui.Pin()))}, true, nil},
		{"accepted with CA and pin", []spm.ReadinessOption{spm.WithCABundle(ui.CAPEM()), spm.WithPinSHA256(ui.Pin())}, true, nil},
		{"wrong pin rejected", []spm.ReadinessOption{spm.WithPinSHA256(other.Pin())}, false, func(t *testing.T, err error) {
			var pm *spm.PinMismatchError
			require.ErrorAs(t, err, &pm)
			assert.Equal(t, ui.Pin(), pm.Got)
		}},
		{"other CA rejected", []spm.ReadinessOption{spm.WithCABundle(other.CAPEM())}, false, nil},
		{"right pin but other CA rejected", []spm.ReadinessOption{spm.WithCABundle(other.CAPEM()), spm.WithPinSHA256(ui.Pin())}, false, nil},
		{"insecure when asked", []spm.ReadinessOption{spm.WithInsecureSkipVerify()}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ui.Polls()
			r, err := spm.NewReadiness(ui.URL(), append(tt.opts, spm.WithPollInterval(tiny, tiny))...)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := r.Wait(ctx)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, 1, res.Polls)
				return
			}
			var te *spm.TLSError
			require.ErrorAs(t, err, &te, "TLS failures are typed")
			assert.NoError(t, ctx.Err(), "a TLS failure ends the wait at once, not at the deadline")
			assert.Equal(t, before, ui.Polls(), "no request reached the handler")
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func colons(hex string) string {
	var b strings.Builder
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ToUpper(hex[i : i+2]))
	}
	return b.String()
}

func TestReadinessReachesManualRecoveryAfterNPolls(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ui := spmtest.NewUI(n)
			defer ui.Close()
			r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny))
			require.NoError(t, err)
			res, err := r.Wait(context.Background())
			require.NoError(t, err)
			assert.Equal(t, n, res.Polls)
			assert.Equal(t, n, ui.Polls())
			assert.True(t, ui.Manual())
		})
	}
}

func TestReadinessSwitchedByCall(t *testing.T) {
	ui := spmtest.NewUI(0)
	defer ui.Close()
	r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny), spm.WithMaxPolls(3))
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	var nr *spm.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Equal(t, 3, nr.Polls)
	assert.Equal(t, 200, nr.LastStatus)
	assert.Contains(t, err.Error(), "without Manual Recovery Mode")

	ui.SetManualRecovery(true)
	res, err := r.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, res.Polls)
}

func TestReadinessStatusHandling(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		failures int  // answers with status before the page
		ok       bool // the wait succeeds
		polls    int
	}{
		{"503 retried", 503, 3, true, 4},
		{"500 retried", 500, 2, true, 3},
		{"429 retried", 429, 2, true, 3},
		{"404 terminal", 404, 1, false, 1},
		{"403 terminal", 403, 1, false, 1},
		{"501 terminal", 501, 1, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ui := spmtest.NewUI(1)
			defer ui.Close()
			require.NoError(t, ui.Faults().Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: tt.status}, Count: tt.failures}))
			r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny))
			require.NoError(t, err)
			res, err := r.Wait(context.Background())
			assert.Equal(t, tt.polls, ui.Polls())
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, tt.polls, res.Polls)
				return
			}
			var se *spm.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.status, se.StatusCode)
		})
	}
}

func TestReadinessDeadlineAndCancel(t *testing.T) {
	ui := spmtest.NewUI(0)
	defer ui.Close()
	require.NoError(t, ui.Faults().Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: 503}}))
	r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, 2*tiny))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ui.Polls() < 3 {
			time.Sleep(tiny)
		}
		cancel()
	}()
	_, err = r.Wait(ctx)
	var nr *spm.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.ErrorIs(t, err, context.Canceled)
	assert.GreaterOrEqual(t, nr.Polls, 3)
	assert.Equal(t, 503, nr.LastStatus)

	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer dcancel()
	_, err = r.Wait(dctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	pre, pcancel := context.WithCancel(context.Background())
	pcancel()
	before := ui.Polls()
	_, err = r.Wait(pre)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, before, ui.Polls(), "a cancelled context sends nothing")
}

func TestReadinessConnectionRefusedIsRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "Manual Recovery Mode")
	}))
	srv.StartTLS()
	url := srv.URL
	pin := spm.CertificatePin(srv.Certificate())
	srv.Close() // nothing listens now
	r, err := spm.NewReadiness(url, spm.WithPinSHA256(pin), spm.WithPollInterval(tiny, tiny), spm.WithMaxPolls(4))
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	var nr *spm.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Equal(t, 4, nr.Polls, "transport errors are retried")
	assert.Error(t, nr.LastErr)
	assert.Zero(t, nr.LastStatus)
}

func TestReadinessBasicAuthNeverLeaks(t *testing.T) {
	const user, pass = "spmadmin", "S3cr3t-P4ss"
	ui := spmtest.NewUI(1)
	defer ui.Close()
	ui.RequireBasicAuth(user, pass)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny),
		spm.WithBasicAuth(user, pass), spm.WithLogger(logger))
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	require.NoError(t, err)

	wrong, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny),
		spm.WithBasicAuth(user, "wrong-"+pass), spm.WithLogger(logger))
	require.NoError(t, err)
	_, err = wrong.Wait(context.Background())
	var se *spm.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnauthorized, se.StatusCode, "401 is terminal")

	js, jerr := json.Marshal(se)
	require.NoError(t, jerr)
	assert.NotEmpty(t, logs.String(), "the logger was used")
	for _, out := range []string{logs.String(), err.Error(), r.String(), wrong.String(), fmt.Sprintf("%+v %#v", r, r), string(js)} {
		assert.NotContains(t, out, pass)
	}
	assert.Contains(t, r.String(), user)
}

func TestNewReadinessRejects(t *testing.T) {
	tests := []struct {
		name string
		url  string
		opts []spm.ReadinessOption
		msg  string
	}{
		{"http", "http://cms:8000/", nil, "want https"},
		{"credentials in URL", "https://u:secretpw@cms:8000/", nil, "WithBasicAuth"},
		{"bad PEM", "https://cms:8000/", []spm.ReadinessOption{spm.WithCABundle([]byte("not a cert"))}, "no PEM certificate"},
		{"empty PEM", "https://cms:8000/", []spm.ReadinessOption{spm.WithCABundle(nil)}, "empty"},
		{"short pin", "https://cms:8000/", []spm.ReadinessOption{spm.WithPinSHA256("abcd")}, "2 bytes, want 32"},
		{"non-hex pin", "https://cms:8000/", []spm.ReadinessOption{spm.WithPinSHA256(strings.Repeat("zz", 32))}, "not hex"},
		{"insecure with pin", "https://cms:8000/", []spm.ReadinessOption{spm.WithInsecureSkipVerify(), spm.WithPinSHA256(strings.Repeat("ab", 32))}, "cannot be combined"},
		{"bad interval", "https://cms:8000/", []spm.ReadinessOption{spm.WithPollInterval(2*time.Second, time.Second)}, "min <= max"},
		{"nil matcher", "https://cms:8000/", []spm.ReadinessOption{spm.WithMatcher(nil)}, "nil matcher"},
		{"empty user", "https://cms:8000/", []spm.ReadinessOption{spm.WithBasicAuth("", "x")}, "empty user"},
		{"zero polls", "https://cms:8000/", []spm.ReadinessOption{spm.WithMaxPolls(0)}, "at least 1"},
		{"nil option", "https://cms:8000/", []spm.ReadinessOption{nil}, "nil readiness option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := spm.NewReadiness(tt.url, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), "secretpw")
		})
	}
}

func TestReadinessCustomMatcher(t *testing.T) {
	ui := spmtest.NewUI(2)
	defer ui.Close()
	var calls int
	r, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny),
		spm.WithMatcher(func(status int, body []byte) bool {
			calls++
			return status == 200 && bytes.Contains(body, []byte("Internal Recovery"))
		}))
	require.NoError(t, err)
	res, err := r.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, res.Polls, "the custom matcher accepts the first page")
	assert.Equal(t, 1, calls)
}

func TestUIURL(t *testing.T) {
	assert.Equal(t, "https://cms01.example.com:8000/", spm.UIURL("cms01.example.com"))
	assert.Equal(t, "https://[fe80::1]:8000/", spm.UIURL("fe80::1"))
}

func TestReadinessRedirectToHTTPRefused(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.invalid/", http.StatusFound)
	}))
	defer srv.Close()
	r, err := spm.NewReadiness(srv.URL, spm.WithPinSHA256(spm.CertificatePin(srv.Certificate())), spm.WithPollInterval(tiny, tiny))
	require.NoError(t, err)
	_, err = r.Wait(context.Background())
	assert.ErrorIs(t, err, spm.ErrRedirect)
}

// The TLS client config never disables verification unless asked.
func TestTLSDefaultVerifies(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{MinVersion: tls.VersionTLS12})
	require.Error(t, err, "sanity: the test server is self-signed")
}

// wrapVerbExt is a variable so that vet lets the test misuse %w on purpose.
var wrapVerbExt = "%w"

// The readiness password, held by a Readiness and by a caller's struct in
// every way a caller could hold it, is printed by no fmt verb (bad ones,
// %w and %T included) and by neither slog handler.
func TestReadinessPasswordReachesNoPrinter(t *testing.T) {
	const pass = "XyZZy-hunter2-SECRET"
	opt := spm.WithBasicAuth("spmadmin", pass)
	r, err := spm.NewReadiness("https://cms.example:8000/", opt)
	require.NoError(t, err)
	type callerConfig struct {
		r      *spm.Readiness
		R      *spm.Readiness
		v      spm.Readiness
		V      spm.Readiness
		opt    spm.ReadinessOption
		Waiter spm.ReadinessWaiter
	}
	c := callerConfig{r: r, R: r, v: *r, V: *r, opt: opt, Waiter: r}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%z", "%p", "%10.4s", "% x", "%U", "%t"} {
		for _, arg := range []any{r, *r, c, &c, opt, []any{r, c}} {
			outs = append(outs, fmt.Sprintf(verb, arg))
		}
	}
	outs = append(outs, fmt.Errorf(wrapVerbExt, r).Error(), fmt.Errorf(wrapVerbExt, c).Error(), fmt.Sprint(r, c), r.String())
	var text, js bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&text, nil), slog.NewJSONHandler(&js, nil)} {
		slog.New(h).Info("waiting", "readiness", r, "caller", c, slog.Any("ptr", &c), slog.Any("value", *r))
	}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	outs = append(outs, text.String(), js.String(), string(b))
	for _, out := range outs {
		assert.NotContains(t, out, pass)
		assert.NotContains(t, out, fmt.Sprintf("%x", pass))
		assert.NotContains(t, out, fmt.Sprintf("%X", pass))
	}
	assert.Contains(t, text.String(), "spmadmin", "the user name is not secret")
}

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
