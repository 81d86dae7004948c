package vcm

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// HostKeyError is a VC Manager whose SSH host key is not trusted: it does
// not match the pinned fingerprints or the known_hosts file, or no policy
// covers its address. Nothing is sent to such a host, credentials included.
type HostKeyError struct {
	Address     string
	Fingerprint string   // SHA256:… of the key the host showed
	Want        []string // pinned fingerprints, when pins decided
	Err         error    // the known_hosts verdict, when it decided
}

// Error names the address and the fingerprints.
func (e *HostKeyError) Error() string {
	switch {
	case len(e.Want) > 0:
		return fmt.Sprintf("vcm: host key of %s is %s, not a pinned one (%s)", e.Address, e.Fingerprint, strings.Join(e.Want, ", "))
	case e.Err != nil:
		return fmt.Sprintf("vcm: host key %s of %s: %v", e.Fingerprint, e.Address, e.Err)
	}
	return fmt.Sprintf("vcm: host key %s of %s: no host-key policy covers this address", e.Fingerprint, e.Address)
}

// Unwrap returns the known_hosts error (a *knownhosts.KeyError for an
// unknown or changed key).
func (e *HostKeyError) Unwrap() error { return e.Err }

// ParseFingerprint checks a host-key fingerprint in the form ssh-keygen -l
// prints: "SHA256:" and 43 characters of unpadded base64.
func ParseFingerprint(s string) (string, error) {
	fp := strings.TrimSpace(s)
	b64, ok := strings.CutPrefix(fp, "SHA256:")
	if !ok {
		return "", fmt.Errorf("vcm: host key fingerprint %s: want SHA256:<base64>", quoteShort(s))
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		return "", fmt.Errorf("vcm: host key fingerprint %s: not 32 bytes of unpadded base64", quoteShort(s))
	}
	return fp, nil
}

func parseFingerprints(ss []string) ([]string, error) {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		fp, err := ParseFingerprint(s)
		if err != nil {
			return nil, err
		}
		out = append(out, fp)
	}
	return out, nil
}

// hostKeys is the host-key policy of a client: pins by address, a
// known_hosts database, or (only when asked for) no check at all.
type hostKeys struct {
	pins       map[string][]string // address (host:port) -> fingerprints
	knownHosts ssh.HostKeyCallback
	insecure   bool
}

func (h *hostKeys) any() bool { return h.insecure || h.knownHosts != nil || len(h.pins) > 0 }

// covers reports whether an address with the given domain pins has a
// policy.
func (h *hostKeys) covers(addr string, domainPins []string) bool {
	return len(domainPins) > 0 || len(h.pins[addr]) > 0 || h.knownHosts != nil || h.insecure
}

// callback checks the key of the host dialled at addr: the pins of the
// domain and of the address, when there are any, decide; otherwise
// known_hosts; otherwise the insecure switch.
func (h *hostKeys) callback(addr string, domainPins []string) ssh.HostKeyCallback {
	pins := slices.Concat(domainPins, h.pins[addr])
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		fp := ssh.FingerprintSHA256(key)
		switch {
		case len(pins) > 0:
			if slices.Contains(pins, fp) {
				return nil
			}
			return &HostKeyError{Address: addr, Fingerprint: fp, Want: pins}
		case h.knownHosts != nil:
			if err := h.knownHosts(hostname, remote, key); err != nil {
				return &HostKeyError{Address: addr, Fingerprint: fp, Err: err}
			}
			return nil
		case h.insecure:
			return nil
		}
		return &HostKeyError{Address: addr, Fingerprint: fp}
	}
}

var errInsecureMixed = errors.New("vcm: the insecure host-key switch cannot be combined with known_hosts or pinned host keys")
