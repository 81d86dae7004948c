package spm

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// PinMismatchError reports a server certificate whose SHA-256 digest is not
// the pinned one. It is a TLS failure and is never retried.
type PinMismatchError struct {
	Want, Got string // hex digests of the leaf certificate (DER)
}

// Error implements error.
func (e *PinMismatchError) Error() string {
	return fmt.Sprintf("spm: server certificate SHA-256 %s does not match the pinned %s", e.Got, e.Want)
}

// ParsePin parses a SHA-256 certificate fingerprint written as 64 hex digits,
// optionally separated by ':' or spaces (as Windows and browsers show it).
func ParsePin(s string) ([]byte, error) {
	clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(clean)
	if err != nil {
		return nil, errorf("spm: certificate pin %q: not hex: %w", s, err)
	}
	if len(b) != sha256.Size {
		return nil, errorf("spm: certificate pin %q: %d bytes, want %d (SHA-256)", s, len(b), sha256.Size)
	}
	return b, nil
}

// CertificatePin returns the SHA-256 digest of a certificate's DER bytes as
// lower-case hex, the form [WithPinSHA256] takes.
func CertificatePin(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// tlsOptions are the trust choices of a Readiness client.
type tlsOptions struct {
	caPEM    []byte
	pin      []byte
	insecure bool
}

// config builds the tls.Config: system roots by default; a CA bundle
// replaces them; a pin accepts the leaf whose digest matches (checked after
// the CA chain when a bundle is given, instead of the chain otherwise, which
// is what a self-signed SPM needs); insecure disables every check.
func (o tlsOptions) config(serverName string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	var roots *x509.CertPool
	if len(o.caPEM) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(o.caPEM) {
			return nil, errors.New("spm: CA bundle holds no PEM certificate")
		}
		cfg.RootCAs = roots
	}
	if o.insecure {
		if o.pin != nil || roots != nil {
			return nil, errors.New("spm: the insecure switch cannot be combined with a CA bundle or a pin")
		}
		cfg.InsecureSkipVerify = true
		return cfg, nil
	}
	if o.pin == nil {
		return cfg, nil
	}
	pin := bytes.Clone(o.pin)
	// The standard check is replaced by VerifyConnection below.
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("spm: server sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		if roots != nil {
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: serverName}); err != nil {
				return err
			}
		}
		sum := sha256.Sum256(leaf.Raw)
		if !bytes.Equal(sum[:], pin) {
			return &PinMismatchError{Want: hex.EncodeToString(pin), Got: hex.EncodeToString(sum[:])}
		}
		return nil
	}
	return cfg, nil
}

// isTLSError reports errors of certificate trust or of the TLS handshake,
// which waiting will not cure.
func isTLSError(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		host     x509.HostnameError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		pinErr   *PinMismatchError
		sysRoots x509.SystemRootsError
	)
	return errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &host) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) ||
		errors.As(err, &pinErr) || errors.As(err, &sysRoots)
}
