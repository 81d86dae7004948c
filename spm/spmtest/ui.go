package spmtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/internal/faultrule"
	"github.com/mxsync-go/mxsync/spm"
)

// UI is a fake SPM browser UI over HTTPS (httptest.NewTLSServer, so its
// certificate is self-signed). Its page shows "Internal Recovery" until
// ReadyAfter polls have been answered or SetManualRecovery(true) is called,
// then "Manual Recovery Mode". Fault rules are checked on every request with
// op [OpUIGet] and the URL path as target: a rule's Delay holds the answer
// (up to the request's end), and a rule's Err is answered instead of the
// page, with the status of an [HTTPError] or else 503. A Panic aborts the
// request, as net/http does for a panicking handler.
//
// The UI keeps only the SHA-256 digest of the password RequireBasicAuth
// gives it, so neither a dump of the UI nor its Data holds the password.
type UI struct {
	srv      *httptest.Server
	mu       sync.Mutex
	polls    int
	after    int
	manual   bool
	user     string
	passHash [sha256.Size]byte
	faults   *Faults
}

// NewUI starts a fake UI that switches to Manual Recovery Mode after
// readyAfter polls (0: only when SetManualRecovery is called). Close it
// when done.
func NewUI(readyAfter int, opts ...Option) *UI {
	return newUI(UIData{ReadyAfter: readyAfter}, buildOptions(opts))
}

// UIData is the state of a [UI] as plain, JSON-able data. The server
// itself is not state: a UI rebuilt from data listens on a new URL with a
// new certificate (take them again from URL, Pin and CAPEM).
type UIData struct {
	ReadyAfter int  `json:"readyAfter"`
	Polls      int  `json:"polls"`
	Manual     bool `json:"manual"`
	// BasicAuthUser and BasicAuthSHA256 (hex) are what RequireBasicAuth
	// set; the password itself is never kept.
	BasicAuthUser   string `json:"basicAuthUser,omitempty"`
	BasicAuthSHA256 string `json:"basicAuthSha256,omitempty"`
}

// Data returns the UI's state.
func (u *UI) Data() UIData {
	u.mu.Lock()
	defer u.mu.Unlock()
	d := UIData{ReadyAfter: u.after, Polls: u.polls, Manual: u.manual, BasicAuthUser: u.user}
	if u.user != "" {
		d.BasicAuthSHA256 = hex.EncodeToString(u.passHash[:])
	}
	return d
}

// NewUIFromData starts a fake UI in the state of [UI.Data]. Close it when
// done.
func NewUIFromData(d UIData, opts ...Option) (*UI, error) {
	if d.ReadyAfter < 0 || d.Polls < 0 {
		return nil, fmt.Errorf("spmtest: UI data: negative readyAfter %d or polls %d: %w", d.ReadyAfter, d.Polls, spm.ErrInvalid)
	}
	if (d.BasicAuthUser == "") != (d.BasicAuthSHA256 == "") {
		return nil, fmt.Errorf("spmtest: UI data: basicAuthUser and basicAuthSha256 go together: %w", spm.ErrInvalid)
	}
	if d.BasicAuthSHA256 != "" {
		if b, err := hex.DecodeString(d.BasicAuthSHA256); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("spmtest: UI data: basicAuthSha256 is not 64 hex digits: %w", spm.ErrInvalid)
		}
	}
	return newUI(d, buildOptions(opts)), nil
}

func newUI(d UIData, o options) *UI {
	u := &UI{after: d.ReadyAfter, polls: d.Polls, manual: d.Manual, user: d.BasicAuthUser, faults: o.faults}
	if d.BasicAuthSHA256 != "" {
		b, _ := hex.DecodeString(d.BasicAuthSHA256) // checked by NewUIFromData
		copy(u.passHash[:], b)
	}
	u.srv = httptest.NewUnstartedServer(http.HandlerFunc(u.serve))
	if cert, err := selfSigned(); err == nil {
		u.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} // else httptest's shared test certificate is used
	u.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected in tests
	u.srv.StartTLS()
	return u
}

// Faults returns the rule set the UI consults (see [WithFaults]).
func (u *UI) Faults() *Faults { return u.faults }

// selfSigned makes a fresh self-signed certificate for 127.0.0.1, ::1 and
// localhost, as SPM's own: each UI has its own, so pins differ.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "spmtest SPM UI"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// RequireBasicAuth makes the UI answer 401 unless these credentials come
// (an empty user turns the check off).
func (u *UI) RequireBasicAuth(user, password string) {
	sum := sha256.Sum256([]byte(password))
	u.mu.Lock()
	defer u.mu.Unlock()
	u.user, u.passHash = user, sum
}

func (u *UI) serve(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.polls++
	n, user, passHash := u.polls, u.user, u.passHash
	u.mu.Unlock()
	if err := u.faults.Check(r.Context(), OpUIGet, r.URL.Path); err != nil {
		if r.Context().Err() != nil {
			return // the client is gone
		}
		http.Error(w, "injected fault", faultrule.HTTPStatus(err))
		return
	}
	if user != "" {
		gu, gp, ok := r.BasicAuth()
		got := sha256.Sum256([]byte(gp))
		if !ok || gu != user || subtle.ConstantTimeCompare(got[:], passHash[:]) != 1 {
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
