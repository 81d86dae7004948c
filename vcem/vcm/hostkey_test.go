package vcm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mxsync-go/mxsync/vcem"
)

func TestParseFingerprint(t *testing.T) {
	key := newHostKey(t).PublicKey()
	fp := ssh.FingerprintSHA256(key)
	for _, tc := range []struct {
		in, want, err string
	}{
		{fp, fp, ""},
		{"  " + fp + "\n", fp, ""},
		{"MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", "", "want SHA256:<base64>"},
		{"SHA256:" + fp[7:20], "", "not 32 bytes"},
		{"SHA256:!!!" + fp[10:], "", "not 32 bytes of unpadded base64"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFingerprint(tc.in)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestClientHostKeys(t *testing.T) {
	f := startFake(t, scenario(t, "lab"))
	other := newHostKey(t)
	dir := t.TempDir()
	writeKnownHosts := func(name string, key ssh.PublicKey) string {
		p := filepath.Join(dir, name)
		line := knownhosts.Line([]string{knownhosts.Normalize(f.addr())}, key)
		require.NoError(t, os.WriteFile(p, []byte(line+"\n"), 0o600))
		return p
	}
	good := writeKnownHosts("good", f.hostKey.PublicKey())
	bad := writeKnownHosts("bad", other.PublicKey())
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	noPin := func() DomainConfig { d := domainFor(f, "d1"); d.HostKeys = nil; return d }

	for _, tc := range []struct {
		name   string
		domain DomainConfig
		opts   []Option
		check  func(t *testing.T, err error)
	}{
		{"pin matches", domainFor(f, "d1"), nil, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"pin differs", func() DomainConfig {
			d := domainFor(f, "d1")
			d.HostKeys = []string{ssh.FingerprintSHA256(other.PublicKey())}
			return d
		}(), nil, func(t *testing.T, err error) {
			var hk *HostKeyError
			require.ErrorAs(t, err, &hk)
			assert.Equal(t, f.fingerprint(), hk.Fingerprint)
			assert.NotErrorIs(t, err, vcem.ErrDomainInaccessible, "a wrong key is not an unreachable domain")
		}},
		{"known_hosts matches", noPin(), []Option{WithKnownHosts(good)}, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"known_hosts differs", noPin(), []Option{WithKnownHosts(bad)}, func(t *testing.T, err error) {
			var ke *knownhosts.KeyError
			require.ErrorAs(t, err, &ke)
			assert.NotEmpty(t, ke.Want, "the host is known with another key")
		}},
		{"known_hosts lacks the host", noPin(), []Option{WithKnownHosts(empty)}, func(t *testing.T, err error) {
			var ke *knownhosts.KeyError
			require.ErrorAs(t, err, &ke)
			assert.Empty(t, ke.Want, "an unknown host is refused too")
		}},
		{"address pin", noPin(), []Option{WithHostKey(f.addr(), f.fingerprint())}, func(t *testing.T, err error) { assert.NoError(t, err) }},
		{"insecure", noPin(), []Option{WithInsecureIgnoreHostKey()}, func(t *testing.T, err error) { assert.NoError(t, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, triesBefore, _, _ := f.stats()
			execsBefore := f.totalExecs()
			c := newClient(t, []DomainConfig{tc.domain}, tc.opts...)
			_, err := c.ReadDomain(context.Background(), "d1")
			tc.check(t, err)
			if err != nil {
				_, tries, _, _ := f.stats()
				assert.Equal(t, triesBefore, tries, "no password is sent to an untrusted host")
				assert.Equal(t, execsBefore, f.totalExecs())
			}
		})
	}
}
