package spmtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
)

// UI is a fake SPM browser UI over HTTPS (httptest.NewTLSServer, so its
// certificate is self-signed). Its page shows "Internal Recovery" until
// ReadyAfter polls have been answered or SetManualRecovery(true) is called,
// then "Manual Recovery Mode". Fault rules are checked with op "get" and the
// URL path as target; a rule that fires answers with its Status (503 when 0)
// instead of the page.
type UI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	polls  int
	after  int
	manual bool
	user   string
	pass   string
	Faults *Faults
}

// NewUI starts a fake UI that switches to Manual Recovery Mode after
// readyAfter polls (0: only when SetManualRecovery is called). Close it
// when done.
func NewUI(readyAfter int) *UI {
	u := &UI{after: readyAfter, Faults: NewFaults(4)}
	u.srv = httptest.NewTLSServer(http.HandlerFunc(u.serve))
	return u
}

// RequireBasicAuth makes the UI answer 401 unless these credentials come.
func (u *UI) RequireBasicAuth(user, password string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.user, u.pass = user, password
}

func (u *UI) serve(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.polls++
	n, user, pass := u.polls, u.user, u.pass
	u.mu.Unlock()
	if rule, ok := u.Faults.match("get", r.URL.Path); ok {
		status := rule.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		if !rule.DelayOnly {
			http.Error(w, "injected fault", status)
			return
		}
	}
	if user != "" {
		gu, gp, ok := r.BasicAuth()
		if !ok || gu != user || gp != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="SPM"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	u.mu.Lock()
	if u.after > 0 && n >= u.after {
		u.manual = true
	}
	manual := u.manual
	u.mu.Unlock()
	mode := "Internal Recovery"
	if manual {
		mode = "Manual Recovery Mode"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><body><div class=\"header-right\">%s</div></body></html>\n", mode)
}

// URL returns the UI's base URL (https://127.0.0.1:port).
func (u *UI) URL() string { return u.srv.URL + "/" }

// Polls returns how many requests the UI answered.
func (u *UI) Polls() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.polls
}

// SetManualRecovery switches the page to (or from) Manual Recovery Mode.
func (u *UI) SetManualRecovery(on bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.manual = on
}

// CAPEM returns the server's self-signed certificate in PEM, to use as a
// CA bundle.
func (u *UI) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: u.srv.Certificate().Raw})
}

// Pin returns the SHA-256 digest of the server's certificate in hex.
func (u *UI) Pin() string {
	sum := sha256.Sum256(u.srv.Certificate().Raw)
	return hex.EncodeToString(sum[:])
}

// Close stops the server.
func (u *UI) Close() { u.srv.Close() }

// Manual reports whether the page currently shows Manual Recovery Mode.
func (u *UI) Manual() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.manual
}
