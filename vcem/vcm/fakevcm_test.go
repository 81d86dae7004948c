package vcm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// answer is how the fake VC Manager answers one command.
type answer struct {
	stdout, stderr []byte
	delay          time.Duration // before answering; cut short when the connection closes
	drops          int           // close the connection on this many execs first
	noExitStatus   bool          // close the channel without an exit status
}

// fakeVCM is a real SSH server on 127.0.0.1:0 that answers exec requests
// from recorded outputs, as a VC Manager's CLI does in exec mode: one
// command per session. It checks a password (or a public key), counts
// connections, logins and commands, and can drop connections or stall.
type fakeVCM struct {
	ln       net.Listener
	hostKey  ssh.Signer
	user     string
	password string
	authKey  ssh.PublicKey
	banner   string
	ciphers  []string      // offered by the server; nil for x/crypto's defaults
	inflight *atomic.Int32 // shared by servers to measure parallel commands
	maxIn    *atomic.Int32

	mu       sync.Mutex
	answers  map[string]*answer
	execs    map[string]int
	logins   int
	authTry  int
	active   int
	maxAct   int
	conns    []net.Conn
	sharedMx *connGauge
}

// connGauge counts connections open across several fake servers.
type connGauge struct {
	mu         sync.Mutex
	open, peak int
	total      int
}

func (g *connGauge) add(d int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open += d
	if d > 0 {
		g.total++
	}
	g.peak = max(g.peak, g.open)
}

func (g *connGauge) get() (open, peak, total int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open, g.peak, g.total
}

func newHostKey(t testing.TB) ssh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	s, err := ssh.NewSignerFromKey(priv)
	require.NoError(t, err)
	return s
}

// newFake starts a server answering the given commands. Options run
// before it starts, so that they race with nothing.
func newFake(answers map[string]*answer, opts ...func(*fakeVCM)) (*fakeVCM, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	hostKey, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	f := &fakeVCM{
		ln: ln, hostKey: hostKey, user: "Administrator", password: "vc-Secr3t!",
		answers: answers, execs: map[string]int{},
		inflight: new(atomic.Int32), maxIn: new(atomic.Int32),
	}
	for _, o := range opts {
		o(f)
	}
	go f.serve()
	return f, nil
}

// startFake is newFake for a test, stopped when it ends.
func startFake(t *testing.T, answers map[string]*answer, opts ...func(*fakeVCM)) *fakeVCM {
	t.Helper()
	f, err := newFake(answers, opts...)
	require.NoError(t, err)
	t.Cleanup(f.stop)
	return f
}

func (f *fakeVCM) addr() string { return f.ln.Addr().String() }

func (f *fakeVCM) fingerprint() string { return ssh.FingerprintSHA256(f.hostKey.PublicKey()) }

func (f *fakeVCM) stop() {
	_ = f.ln.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		_ = c.Close()
	}
}

func (f *fakeVCM) execCount(cmd string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.execs[cmd]
}

func (f *fakeVCM) totalExecs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, v := range f.execs {
		n += v
	}
	return n
}

func (f *fakeVCM) stats() (logins, authTries, active, maxActive int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins, f.authTry, f.active, f.maxAct
}

func (f *fakeVCM) serve() {
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			f.mu.Lock()
			f.authTry++
			f.mu.Unlock()
			if c.User() == f.user && string(pw) == f.password && f.password != "" {
				return nil, nil
			}
			return nil, errAuth
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if f.authKey != nil && c.User() == f.user && string(key.Marshal()) == string(f.authKey.Marshal()) {
				return nil, nil
			}
			return nil, errAuth
		},
		BannerCallback: func(ssh.ConnMetadata) string { return f.banner },
	}
	cfg.Ciphers = f.ciphers
	cfg.AddHostKey(f.hostKey)
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.handle(nc, cfg)
	}
}

var (
	errAuth    = errors.New("fake VC: access denied")
	errNoRoute = errors.New("no route to host (test dialer)")
)

func (f *fakeVCM) handle(nc net.Conn, cfg *ssh.ServerConfig) {
	f.mu.Lock()
	f.conns = append(f.conns, nc)
	f.active++
	f.maxAct = max(f.maxAct, f.active)
	gauge := f.sharedMx
	f.mu.Unlock()
	if gauge != nil {
		gauge.add(1)
	}
	closed := make(chan struct{})
	defer func() {
		_ = nc.Close()
		close(closed)
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
		if gauge != nil {
			gauge.add(-1)
		}
	}()
	sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	f.mu.Lock()
	f.logins++
	f.mu.Unlock()
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			return
		}
		go f.session(nc, ch, creqs, closed)
	}
}

func (f *fakeVCM) session(nc net.Conn, ch ssh.Channel, reqs <-chan *ssh.Request, closed <-chan struct{}) {
	for req := range reqs {
		if req.Type != "exec" || len(req.Payload) < 4 {
			_ = req.Reply(false, nil)
			continue
		}
		n := binary.BigEndian.Uint32(req.Payload)
		cmd := string(req.Payload[4:][:min(int(n), len(req.Payload)-4)])
		_ = req.Reply(true, nil)
		f.exec(nc, ch, cmd, closed)
		return
	}
}

func (f *fakeVCM) exec(nc net.Conn, ch ssh.Channel, cmd string, closed <-chan struct{}) {
	f.mu.Lock()
	f.execs[cmd]++
	a, ok := f.answers[cmd]
	drop := false
	if ok && a.drops > 0 {
		a.drops--
		drop = true
	}
	f.mu.Unlock()
	if drop {
		_ = nc.Close()
		return
	}
	if !ok {
		a = &answer{stdout: []byte("ERROR: Invalid command: " + cmd + "\r\n")}
	}
	in := f.inflight.Add(1)
	for {
		m := f.maxIn.Load()
		if in <= m || f.maxIn.CompareAndSwap(m, in) {
			break
		}
	}
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-closed:
			f.inflight.Add(-1)
			return
		}
	}
	// Out of flight before the answer: the client cannot start its next
	// command before this point, so the count never exceeds the client's.
	f.inflight.Add(-1)
	_, _ = ch.Write(a.stdout)
	_, _ = ch.Stderr().Write(a.stderr)
	if !a.noExitStatus {
		_, _ = ch.SendRequest("exit-status", false, []byte{0, 0, 0, 0})
	}
	_ = ch.Close()
}

// scenario reads testdata/<dir>: one file per command of the default
// dialect (domain.txt, enclosure.txt, interconnect.txt, server.txt,
// profile.txt); a missing file leaves the command unanswered (an ERROR).
func scenario(t testing.TB, dir string) map[string]*answer {
	t.Helper()
	out, err := loadScenario(dir)
	require.NoError(t, err)
	return out
}

func loadScenario(dir string) (map[string]*answer, error) {
	d := DefaultDialect()
	files := map[string]string{
		"domain.txt":       d.ShowDomain,
		"enclosure.txt":    d.ShowEnclosures,
		"interconnect.txt": d.ShowInterconnect,
		"server.txt":       d.ShowServers,
		"profile.txt":      d.ShowProfiles,
	}
	out := map[string]*answer{}
	found := 0
	for file, cmd := range files {
		b, err := os.ReadFile(filepath.Join("testdata", dir, file))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[cmd] = &answer{stdout: b}
		found++
	}
	if found == 0 {
		return nil, fmt.Errorf("scenario %s has no files", dir)
	}
	return out, nil
}

// withFile returns answers with one command's answer replaced by a file of
// testdata/errors.
func withFile(t testing.TB, answers map[string]*answer, cmd, file string) map[string]*answer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "errors", file))
	require.NoError(t, err)
	answers[cmd] = &answer{stdout: b}
	return answers
}

// mapDialer dials names (host:port) to the fake servers' real addresses,
// so that tests can use VC-like addresses and redirect IPs.
func mapDialer(m map[string]string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		real, ok := m[addr]
		if !ok {
			if strings.HasPrefix(addr, "127.0.0.1:") {
				real = addr
			} else {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errNoRoute}
			}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, real)
	}
}
