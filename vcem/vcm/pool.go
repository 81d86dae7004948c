package vcm

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/crypto/ssh"
)

// errClosed is returned by calls on a closed client.
var errClosed = errors.New("vcm: client is closed")

// conn is one SSH connection to a VC Manager. via lists the addresses that
// redirected to addr (standby modules), so a second redirect can be refused.
type conn struct {
	client *ssh.Client
	addr   string
	via    []string
}

func (c *conn) close() {
	if c != nil && c.client != nil {
		_ = c.client.Close()
	}
}

// pool keeps at most max SSH connections open: one per key (a configured
// domain), reused for the next read of that domain, or transient ones (reads
// with caller-supplied credentials) closed after use. A key is used by one
// read at a time; a read of a busy key, or one that finds every slot taken
// by busy connections, waits for a release or its ctx. An idle connection
// of another key is closed to make room. pool is safe for concurrent use.
type pool struct {
	mu      sync.Mutex
	max     int
	open    int // slots taken: open connections plus dials under way
	idle    map[string]*idleConn
	busy    map[string]bool
	tick    uint64
	changed chan struct{} // closed and replaced on every release
	closed  bool
}

type idleConn struct {
	c    *conn
	used uint64
}

// lease is a slot of the pool held by one read. c is nil until the read
// dials; a read that finds the connection broken closes it and sets c to nil.
type lease struct {
	key       string
	transient bool
	c         *conn
}

func newPool(max int) *pool {
	return &pool{max: max, idle: map[string]*idleConn{}, busy: map[string]bool{}, changed: make(chan struct{})}
}

// acquire takes the slot of key (transient: a fresh one, closed on release).
func (p *pool) acquire(ctx context.Context, key string, transient bool) (*lease, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errClosed
		}
		if !transient && !p.busy[key] {
			if ic, ok := p.idle[key]; ok {
				delete(p.idle, key)
				p.busy[key] = true
				p.mu.Unlock()
				return &lease{key: key, c: ic.c}, nil
			}
		}
		if transient || !p.busy[key] {
			var evict *conn
			ok := p.open < p.max
			if !ok {
				if victim, found := p.oldestIdle(); found {
					evict = p.idle[victim].c
					delete(p.idle, victim)
					ok = true
				}
			} else {
				p.open++
			}
			if ok {
				if !transient {
					p.busy[key] = true
				}
				p.mu.Unlock()
				evict.close() // its slot passes to this lease
				return &lease{key: key, transient: transient}, nil
			}
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}

func (p *pool) oldestIdle() (string, bool) {
	var key string
	var best uint64
	found := false
	for k, ic := range p.idle {
		if !found || ic.used < best {
			key, best, found = k, ic.used, true
		}
	}
	return key, found
}

// release returns the lease's connection to the pool (or closes it when the
// lease is transient, the connection was dropped, or the pool is closed).
func (p *pool) release(l *lease) {
	if l == nil {
		return
	}
	p.mu.Lock()
	if !l.transient {
		delete(p.busy, l.key)
	}
	var toClose *conn
	switch {
	case l.c == nil:
		p.open--
	case l.transient || p.closed:
		toClose = l.c
		p.open--
	default:
		p.tick++
		p.idle[l.key] = &idleConn{c: l.c, used: p.tick}
	}
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	toClose.close()
}

// openCount returns the slots taken (for tests and logs).
func (p *pool) openCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open
}

// close closes the idle connections and makes every later acquire fail;
// busy connections are closed when released.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = map[string]*idleConn{}
	p.open -= len(idle)
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	for _, ic := range idle {
		ic.c.close()
	}
}
