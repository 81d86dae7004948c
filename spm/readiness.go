package spm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Matcher decides from one HTTP 2xx answer of the SPM UI whether SPM shows
// Manual Recovery Mode. The default, [ContainsManualRecoveryLabel], is INFER
// (see [ManualRecoveryLabel]).
type Matcher func(status int, body []byte) bool

// ContainsManualRecoveryLabel is the default Matcher: the page text contains
// [ManualRecoveryLabel].
func ContainsManualRecoveryLabel(_ int, body []byte) bool {
	return bytes.Contains(body, []byte(ManualRecoveryLabel))
}

// UIURL returns https://<cms>:8000/, the SPM browser UI on a CMS.
func UIURL(cms string) string {
	return "https://" + net.JoinHostPort(cms, DefaultUIPort) + "/"
}

// Readiness waits for the SPM UI to answer and show Manual Recovery Mode.
// It is safe for concurrent use: each Wait keeps its own state.
//
// Retry policy (ours, not go-retryablehttp's default): only idempotent
// methods are ever retried; a cancelled or expired ctx stops at once;
// TLS and certificate failures are never retried ([*TLSError]); connection
// errors, 429 and 5xx other than 501 are retried with exponential backoff
// (Retry-After honoured up to the maximum interval); a 2xx page without the label is polled again; any
// other status (3xx, 4xx other than 429, 501) is terminal at once
// ([*StatusError]), since waiting does not cure a wrong URL or refused
// credentials. The overall deadline is ctx's; when it ends first the error is
// a [*NotReadyError] that wraps ctx.Err() and tells what was seen last.
type Readiness struct {
	url    string
	client *retryablehttp.Client
	match  Matcher
	user   string
	// password is behind a *secret, so that no fmt verb, reflection-based
	// dump or slog handler can print it (see secret).
	password *secret
	maxBody  int64
	maxTries int
}

// ReadinessOption configures [NewReadiness].
type ReadinessOption func(*readinessConfig) error

type readinessConfig struct {
	tls              tlsOptions
	logger           *slog.Logger
	waitMin, waitMax time.Duration
	match            Matcher
	user             string
	password         *secret
	maxBody          int64
	maxTries         int
	timeout          time.Duration
}

// WithCABundle trusts the PEM certificates in pem instead of the system
// roots.
func WithCABundle(pem []byte) ReadinessOption {
	return func(c *readinessConfig) error {
		if len(bytes.TrimSpace(pem)) == 0 {
			return errors.New("spm: CA bundle is empty")
		}
		c.tls.caPEM = bytes.Clone(pem)
		return nil
	}
}

// WithPinSHA256 accepts the server whose leaf certificate has this SHA-256
// digest (see [ParsePin] for the forms accepted), e.g. SPM's self-signed
// certificate. Without a CA bundle the pin replaces chain and host name
// checks; with one, both must pass.
func WithPinSHA256(pin string) ReadinessOption {
	return func(c *readinessConfig) error {
		b, err := ParsePin(pin)
		if err != nil {
			return err
		}
		c.tls.pin = b
		return nil
	}
}

// WithInsecureSkipVerify turns off every certificate check. It is never
// the default and cannot be combined with a CA bundle or a pin; prefer a pin.
func WithInsecureSkipVerify() ReadinessOption {
	return func(c *readinessConfig) error { c.tls.insecure = true; return nil }
}

// WithLogger logs requests and retries (at Debug) and failures (at Error)
// to l. Without it nothing is logged. URLs are logged without user info;
// credentials never are.
func WithLogger(l *slog.Logger) ReadinessOption {
	return func(c *readinessConfig) error { c.logger = l; return nil }
}

// WithPollInterval sets the backoff between polls: min doubling up to max
// (defaults 1s and 15s).
func WithPollInterval(min, max time.Duration) ReadinessOption {
	return func(c *readinessConfig) error {
		if min <= 0 || max < min {
			return fmt.Errorf("spm: poll interval: need 0 < min <= max, got %s, %s", min, max)
		}
		c.waitMin, c.waitMax = min, max
		return nil
	}
}

// WithMatcher replaces the test for Manual Recovery Mode.
func WithMatcher(m Matcher) ReadinessOption {
	return func(c *readinessConfig) error {
		if m == nil {
			return errors.New("spm: nil matcher")
		}
		c.match = m
		return nil
	}
}

// WithBasicAuth sends HTTP basic credentials. The password is never
// logged nor put in errors, String output or any fmt or slog rendering of
// the Readiness (or of a caller's struct that holds it): it is kept behind
// a redacting type from here on.
func WithBasicAuth(user, password string) ReadinessOption {
	pw := newSecret(password)
	return func(c *readinessConfig) error {
		if user == "" {
			return errors.New("spm: basic auth: empty user name")
		}
		c.user, c.password = user, pw
		return nil
	}
}

// WithMaxPolls bounds the number of requests of one Wait (default: no bound
// but ctx's deadline).
func WithMaxPolls(n int) ReadinessOption {
	return func(c *readinessConfig) error {
		if n < 1 {
			return fmt.Errorf("spm: max polls %d: must be at least 1", n)
		}
		c.maxTries = n
		return nil
	}
}

// WithRequestTimeout bounds each single request (default 30s).
func WithRequestTimeout(d time.Duration) ReadinessOption {
	return func(c *readinessConfig) error {
		if d <= 0 {
			return fmt.Errorf("spm: request timeout %s: must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// NewReadiness returns a Readiness for the SPM UI at rawURL (see [UIURL]).
// The URL must be https and carry no credentials (use [WithBasicAuth]).
func NewReadiness(rawURL string, opts ...ReadinessOption) (*Readiness, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("spm: readiness URL: %w", err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("spm: readiness URL %q: want https://host:port/", u.Redacted())
	}
	if u.User != nil {
		return nil, fmt.Errorf("spm: readiness URL %q carries credentials; use WithBasicAuth", u.Redacted())
	}
	cfg := readinessConfig{waitMin: time.Second, waitMax: 15 * time.Second, match: ContainsManualRecoveryLabel,
		maxBody: 4 << 20, maxTries: math.MaxInt32, timeout: 30 * time.Second}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("spm: nil readiness option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	tcfg, err := cfg.tls.config(u.Hostname())
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tcfg,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConns:        2,
		IdleConnTimeout:     30 * time.Second,
	}
	r := &Readiness{url: u.String(), match: cfg.match, user: cfg.user, password: cfg.password, maxBody: cfg.maxBody, maxTries: cfg.maxTries}
	r.client = &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: tr, Timeout: cfg.timeout, CheckRedirect: checkRedirect},
		RetryWaitMin: cfg.waitMin,
		RetryWaitMax: cfg.waitMax,
		RetryMax:     cfg.maxTries - 1,
		CheckRetry:   r.checkRetry,
		Backoff:      cappedBackoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if cfg.logger != nil {
		r.client.Logger = slogLeveled{cfg.logger}
	}
	return r, nil
}

// String describes the client without credentials.
func (r *Readiness) String() string {
	if r.user != "" {
		return fmt.Sprintf("spm.Readiness(%s, basic auth user %q)", r.url, r.user)
	}
	return fmt.Sprintf("spm.Readiness(%s)", r.url)
}

// ReadyResult is what a successful Wait saw.
type ReadyResult struct {
	Polls  int `json:"polls"`  // requests made
	Status int `json:"status"` // HTTP status of the page that matched
}

// StatusError is a terminal HTTP answer (see [Readiness] for which).
type StatusError struct {
	URL        string // without credentials
	StatusCode int
	Status     string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("spm: GET %s: %s (not retried)", e.URL, e.Status)
}

// TLSError is a TLS or certificate failure; it is never retried.
type TLSError struct {
	URL string
	Err error
}

// Error implements error.
func (e *TLSError) Error() string {
	return fmt.Sprintf("spm: GET %s: TLS: %v (check the CA bundle or the certificate pin)", e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *TLSError) Unwrap() error { return e.Err }

// NotReadyError reports that SPM did not show Manual Recovery Mode in time.
// It wraps the reason the wait ended (ctx.Err(), or the last error when the
// poll budget ran out).
type NotReadyError struct {
	URL        string
	Polls      int
	LastStatus int   // 0 if no HTTP answer was received
	LastErr    error // last transport error, if any
	Err        error // why the wait ended
}

// Error implements error.
func (e *NotReadyError) Error() string {
	last := "no answer"
	switch {
	case e.LastStatus != 0:
		last = fmt.Sprintf("last status %d", e.LastStatus)
		if e.LastStatus/100 == 2 {
			last += " without " + ManualRecoveryLabel
		}
	case e.LastErr != nil:
		last = "last error: " + e.LastErr.Error()
	}
	return fmt.Sprintf("spm: %s not in Manual Recovery Mode after %d poll(s) (%s): %v", e.URL, e.Polls, last, e.Err)
}

// Unwrap returns why the wait ended.
func (e *NotReadyError) Unwrap() error { return e.Err }

// pollState is one Wait's record, reached from checkRetry through the
// request's context (only the goroutine running Wait touches it).
type pollState struct {
	method     string
	polls      int
	lastStatus int
	lastErr    error
	matched    bool
}

type pollKey struct{}

// Wait polls the UI until it shows Manual Recovery Mode, ctx ends, or a
// terminal error happens (see [Readiness]).
func (r *Readiness) Wait(ctx context.Context) (ReadyResult, error) {
	st := &pollState{method: http.MethodGet}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, pollKey{}, st), http.MethodGet, r.url, nil)
	if err != nil {
		return ReadyResult{}, fmt.Errorf("spm: readiness request: %w", err)
	}
	if r.user != "" {
		req.SetBasicAuth(r.user, r.password.reveal())
	}
	req.Header.Set("Accept", "text/html,*/*")
	resp, err := r.client.Do(req)
	if resp != nil {
		defer resp.Body.Close()
	}
	redacted := r.url
	switch {
	case st.matched:
		return ReadyResult{Polls: st.polls, Status: st.lastStatus}, nil
	case ctx.Err() != nil:
		return ReadyResult{}, &NotReadyError{URL: redacted, Polls: st.polls, LastStatus: st.lastStatus, LastErr: st.lastErr, Err: ctx.Err()}
	case err != nil && isTLSError(err):
		return ReadyResult{}, &TLSError{URL: redacted, Err: unwrapURLError(err)}
	case err != nil && errors.Is(err, ErrRedirect):
		return ReadyResult{}, fmt.Errorf("spm: GET %s: %w", redacted, unwrapURLError(err))
	case resp != nil && resp.StatusCode/100 != 2 && !retryableStatus(resp.StatusCode):
		return ReadyResult{}, &StatusError{URL: redacted, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	// The poll budget ran out.
	why := errors.New("poll limit reached")
	if err != nil {
		why = fmt.Errorf("poll limit reached: %w", unwrapURLError(err))
	}
	return ReadyResult{}, &NotReadyError{URL: redacted, Polls: st.polls, LastStatus: st.lastStatus, LastErr: st.lastErr, Err: why}
}

// cappedBackoff is retryablehttp's exponential backoff (which honours
// Retry-After on 429 and 503) bounded by max, so that a server cannot make
// one wait longer than the configured interval.
func cappedBackoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	return time.Duration(math.Min(float64(retryablehttp.DefaultBackoff(min, max, attempt, resp)), float64(max)))
}

// ErrRedirect is wrapped by the terminal error of a redirect that leaves
// HTTPS or loops (more than 10 hops).
var ErrRedirect = errors.New("refused redirect")

func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%w to %s (not https)", ErrRedirect, req.URL.Redacted())
	}
	if len(via) >= 10 {
		return fmt.Errorf("%w: more than 10 redirects", ErrRedirect)
	}
	return nil
}

// unwrapURLError drops *url.Error's wrapper (it repeats the URL).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// idempotent reports the methods RFC 9110 §9.2.2 calls idempotent.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// checkRetry is the client's retry policy (see [Readiness]). It also
// records each answer in the Wait's pollState and runs the matcher on 2xx
// bodies, putting the body back for the caller.
func (r *Readiness) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(pollKey{}).(*pollState)
	if st == nil {
		return false, err // not one of ours: never retry
	}
	st.polls++
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		st.lastErr = err
		if isTLSError(err) || !idempotent(st.method) {
			return false, err
		}
		if errors.Is(err, ErrRedirect) {
			return false, err
		}
		return true, nil
	}
	st.lastStatus, st.lastErr = resp.StatusCode, nil
	if !idempotent(st.method) {
		return false, nil
	}
	if resp.StatusCode/100 == 2 {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, r.maxBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			st.lastErr = rerr
			return true, nil
		}
		if r.match(resp.StatusCode, body) {
			st.matched = true
			return false, nil
		}
		return true, nil
	}
	return retryableStatus(resp.StatusCode), nil
}

// slogLeveled adapts *slog.Logger to retryablehttp.LeveledLogger.
type slogLeveled struct{ l *slog.Logger }

var _ retryablehttp.LeveledLogger = slogLeveled{}

// Error logs at slog level ERROR.
func (s slogLeveled) Error(msg string, kv ...any) { s.l.Error(msg, kv...) }

// Info logs at slog level INFO.
func (s slogLeveled) Info(msg string, kv ...any) { s.l.Info(msg, kv...) }

// Debug logs at slog level DEBUG.
func (s slogLeveled) Debug(msg string, kv ...any) { s.l.Debug(msg, kv...) }

// Warn logs at slog level WARN.
func (s slogLeveled) Warn(msg string, kv ...any) { s.l.Warn(msg, kv...) }
