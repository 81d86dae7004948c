package spm

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRetryPolicy(t *testing.T) {
	r, err := NewReadiness("https://cms:8000/")
	require.NoError(t, err)
	assert.Nil(t, r.client.Logger, "silent unless WithLogger")

	resp := func(code int) *http.Response {
		return &http.Response{StatusCode: code, Body: http.NoBody, Header: http.Header{}}
	}
	refused := &url.Error{Op: "Get", URL: "https://cms:8000/", Err: errors.New("connect: connection refused")}
	tlsErr := &url.Error{Op: "Get", URL: "https://cms:8000/", Err: x509.UnknownAuthorityError{}}
	tests := []struct {
		name   string
		method string
		resp   *http.Response
		err    error
		retry  bool
	}{
		{"GET 503", http.MethodGet, resp(503), nil, true},
		{"GET 500", http.MethodGet, resp(500), nil, true},
		{"GET 429", http.MethodGet, resp(429), nil, true},
		{"GET 501", http.MethodGet, resp(501), nil, false},
		{"GET 404", http.MethodGet, resp(404), nil, false},
		{"GET 401", http.MethodGet, resp(401), nil, false},
		{"GET refused", http.MethodGet, nil, refused, true},
		{"GET TLS", http.MethodGet, nil, tlsErr, false},
		{"GET pin mismatch", http.MethodGet, nil, &url.Error{Err: &PinMismatchError{}}, false},
		{"GET redirect refused", http.MethodGet, nil, &url.Error{Err: ErrRedirect}, false},
		{"PUT 503 (idempotent)", http.MethodPut, resp(503), nil, true},
		{"POST 503 never", http.MethodPost, resp(503), nil, false},
		{"POST refused never", http.MethodPost, nil, refused, false},
		{"PATCH 500 never", http.MethodPatch, resp(500), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &pollState{method: tt.method}
			ctx := context.WithValue(context.Background(), pollKey{}, st)
			retry, _ := r.checkRetry(ctx, tt.resp, tt.err)
			assert.Equal(t, tt.retry, retry)
			assert.Equal(t, 1, st.polls)
		})
	}

	t.Run("cancelled context never retries", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), pollKey{}, &pollState{method: http.MethodGet}))
		cancel()
		retry, err := r.checkRetry(ctx, resp(503), nil)
		assert.False(t, retry)
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("foreign request never retries", func(t *testing.T) {
		retry, _ := r.checkRetry(context.Background(), resp(503), nil)
		assert.False(t, retry)
	})
	t.Run("2xx without the label is polled again, with it not", func(t *testing.T) {
		st := &pollState{method: http.MethodGet}
		ctx := context.WithValue(context.Background(), pollKey{}, st)
		page := &http.Response{StatusCode: 200, Body: http.NoBody}
		retry, _ := r.checkRetry(ctx, page, nil)
		assert.True(t, retry)
		page = &http.Response{StatusCode: 200, Body: ioNop("<b>Manual Recovery Mode</b>")}
		retry, _ = r.checkRetry(ctx, page, nil)
		assert.False(t, retry)
		assert.True(t, st.matched)
	})
}

func ioNop(s string) *nopBody { return &nopBody{strings.NewReader(s)} }

type nopBody struct{ *strings.Reader }

func (*nopBody) Close() error { return nil }

func TestCappedBackoff(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "3600")
	resp := &http.Response{StatusCode: 503, Header: h}
	assert.Equal(t, 2*time.Second, cappedBackoff(time.Second, 2*time.Second, 0, resp), "Retry-After is capped")
	assert.Equal(t, time.Second, cappedBackoff(time.Second, 8*time.Second, 0, nil))
	assert.Equal(t, 4*time.Second, cappedBackoff(time.Second, 8*time.Second, 2, nil))
	assert.Equal(t, 8*time.Second, cappedBackoff(time.Second, 8*time.Second, 60, nil))
}
