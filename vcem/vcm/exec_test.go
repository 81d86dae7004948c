package vcm

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

func TestClientSlowServer(t *testing.T) {
	answers := scenario(t, "lab")
	answers[DefaultDialect().ShowProfiles].delay = 20 * time.Second
	f := startFake(t, answers)

	t.Run("command timeout", func(t *testing.T) {
		c := newClient(t, []DomainConfig{domainFor(f, "d1")}, WithCommandTimeout(150*time.Millisecond))
		start := time.Now()
		_, err := c.ReadDomain(context.Background(), "d1")
		assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorContains(t, err, "no answer within 150ms")
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, 1, f.execCount(DefaultDialect().ShowProfiles), "a timeout is not retried")
	})
	t.Run("cancelled context", func(t *testing.T) {
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.ReadDomain(ctx, "d1")
		assert.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, vcem.ErrDomainInaccessible, "the caller gave up; the domain did not fail")
		assert.Less(t, time.Since(start), 5*time.Second)
		// The connection was closed with the command: the next read dials anew.
		assert.Eventually(t, func() bool { _, _, active, _ := f.stats(); return active == 0 }, 5*time.Second, 10*time.Millisecond)
	})
}

func TestClientDroppedConnection(t *testing.T) {
	d := DefaultDialect()
	t.Run("read retried once", func(t *testing.T) {
		answers := scenario(t, "lab")
		answers[d.ShowServers].drops = 1
		f := startFake(t, answers)
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		ld, err := c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err)
		assert.Len(t, ld.Profiles, 1)
		assert.Equal(t, 2, f.execCount(d.ShowServers))
		logins, _, _, _ := f.stats()
		assert.Equal(t, 2, logins, "the retry runs on a new connection")
	})
	t.Run("dropped twice", func(t *testing.T) {
		answers := scenario(t, "lab")
		answers[d.ShowServers].drops = 2
		f := startFake(t, answers)
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		_, err := c.ReadDomain(context.Background(), "d1")
		assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
		assert.ErrorContains(t, err, "connection dropped")
		assert.Equal(t, 2, f.execCount(d.ShowServers), "one retry, not more")
		assert.Zero(t, f.execCount(d.ShowProfiles))
	})
	t.Run("write never retried", func(t *testing.T) {
		const write = "set domain Name=Renamed -quiet"
		f := startFake(t, map[string]*answer{write: {stdout: []byte("SUCCESS: domain renamed\r\n"), drops: 1}})
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		e := c.domains["d1"]
		tg := target{domain: vcem.Domain{ID: "d1"}, addr: e.addr, auth: e.auth, pins: e.pins, poolKey: "domain:d1"}
		l, err := c.pool.acquire(context.Background(), tg.poolKey, false)
		require.NoError(t, err)
		defer c.pool.release(l)
		_, err = c.run(context.Background(), tg, l, command{text: write, writes: true})
		assert.ErrorContains(t, err, "connection dropped")
		assert.Equal(t, 1, f.execCount(write), "a command that writes is sent once")
		_, err = c.run(context.Background(), tg, l, command{text: write, writes: false})
		assert.NoError(t, err, "the same command as a read would be retried, here on a fresh connection")
	})
	t.Run("idle connection closed by the device", func(t *testing.T) {
		f := startFake(t, scenario(t, "lab"))
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		_, err := c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err)
		f.stop() // closes every connection and the listener
		f2 := startFakeAt(t, f)
		_, err = c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err, "the dead idle connection is replaced")
		assert.Equal(t, 5, f2.totalExecs())
	})
	t.Run("no exit status", func(t *testing.T) {
		answers := scenario(t, "lab")
		for _, a := range answers {
			a.noExitStatus = true
		}
		f := startFake(t, answers)
		c := newClient(t, []DomainConfig{domainFor(f, "d1")})
		_, err := c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err, "a channel closed without exit status on a live connection is a complete answer")
		assert.Equal(t, 5, f.totalExecs())
	})
}

// startFakeAt starts a new server on the address and host key of a stopped
// one, as a device that came back.
func startFakeAt(t *testing.T, old *fakeVCM) *fakeVCM {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", old.addr()); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
	f := &fakeVCM{ln: ln, hostKey: old.hostKey, user: old.user, password: old.password,
		answers: scenario(t, "lab"), execs: map[string]int{}, inflight: new(atomic.Int32), maxIn: new(atomic.Int32)}
	go f.serve()
	t.Cleanup(f.stop)
	return f
}

// countingDialer dials TCP and counts the sockets open at once.
func countingDialer(g *connGauge) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		nc, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		g.add(1)
		return &countedConn{Conn: nc, g: g}, nil
	}
}

type countedConn struct {
	net.Conn
	g    *connGauge
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.g.add(-1) })
	return c.Conn.Close()
}

func TestClientOutputLimit(t *testing.T) {
	f := startFake(t, scenario(t, "rack1"))
	domain, err := os.ReadFile(filepath.Join("testdata", "rack1", "domain.txt"))
	require.NoError(t, err)
	limit := int64(len(domain)) // exactly fits; enclosure.txt is longer
	c := newClient(t, []DomainConfig{domainFor(f, "d1")}, WithMaxOutput(limit))
	_, err = c.ReadDomain(context.Background(), "d1")
	var big *OutputTooLargeError
	require.ErrorAs(t, err, &big)
	assert.Equal(t, limit, big.Limit)
	assert.Equal(t, DefaultDialect().ShowEnclosures, big.Command, "domain.txt fits, enclosure.txt does not")
}

func TestClientStderr(t *testing.T) {
	answers := scenario(t, "lab")
	answers[DefaultDialect().ShowDomain].stderr = []byte("warning: something odd\r\n")
	f := startFake(t, answers)
	c := newClient(t, []DomainConfig{domainFor(f, "d1")})
	_, err := c.ReadDomain(context.Background(), "d1")
	var dev *DeviceError
	require.ErrorAs(t, err, &dev)
	assert.Equal(t, []string{"stderr: warning: something odd"}, dev.Texts)

	d := DefaultDialect()
	d.StderrIsError = false
	c2 := newClient(t, []DomainConfig{domainFor(f, "d1")}, WithDialect(d))
	_, err = c2.ReadDomain(context.Background(), "d1")
	assert.NoError(t, err)
}
