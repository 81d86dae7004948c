package vcm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mxsync-go/mxsync/vcem"
)

// Defaults of a [Client]'s limits.
const (
	DefaultMaxConns       = 8
	DefaultConcurrency    = 4
	DefaultCommandTimeout = 2 * time.Minute
	DefaultDialTimeout    = 30 * time.Second
	DefaultMaxOutput      = 64 << 20
	DefaultPort           = "22"
)

// DomainConfig is one entry of the directory a [Client] reads: VC knows
// nothing of VCEM's domain IDs or groups, so the caller maps each VCEM
// domain ID to its VC Manager.
type DomainConfig struct {
	ID string
	// Name is reported by ListDomains; a read replaces it with the domain
	// name the device prints.
	Name string
	// Address of the VC Manager: host or host:port (port 22 by default).
	Address string
	// GroupID is the domain's VC Domain Group as the caller knows it: VC's
	// CLI does not print VCEM groups, so every read reports this value.
	GroupID string
	// Credentials log in with password or keyboard-interactive
	// authentication; Signers, when given, are tried first (public key).
	Credentials vcem.Credentials
	Signers     []ssh.Signer
	// HostKeys pins the VC Manager's host key (either module's, since a
	// standby module redirects to the other) as SHA256:… fingerprints.
	HostKeys []string
}

// Client reads live VC domains from their VC Managers over SSH; it
// implements [vcem.Live] for a configured directory of domains. It is safe
// for concurrent use; Close releases its connections.
type Client struct {
	dialect  Dialect
	domains  map[string]*domainEntry
	ids      []string // sorted
	byAddr   map[string]*domainEntry
	hostKeys hostKeys
	pool     *pool
	log      *slog.Logger
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	algos    ssh.Algorithms

	concurrency    int
	commandTimeout time.Duration
	dialTimeout    time.Duration
	maxOutput      int64
}

var _ vcem.Live = (*Client)(nil)

// domainEntry is a configured domain. The password sits behind a closure
// so that no formatting of the client can print it.
type domainEntry struct {
	ref  vcem.DomainRef
	addr string // host:port
	auth auth
	pins []string
}

// auth is how to log in. password is a closure for the same reason.
type auth struct {
	user     string
	password func() string
	signers  []ssh.Signer
}

func credsAuth(c vcem.Credentials, signers []ssh.Signer) auth {
	pw := c.Password()
	return auth{user: c.Username(), password: func() string { return pw }, signers: slices.Clone(signers)}
}

// Option configures [New].
type Option func(*config) error

type config struct {
	dialect        Dialect
	knownHosts     []string
	pins           map[string][]string
	insecure       bool
	log            *slog.Logger
	maxConns       int
	concurrency    int
	commandTimeout time.Duration
	dialTimeout    time.Duration
	maxOutput      int64
	dial           func(ctx context.Context, network, addr string) (net.Conn, error)
	algorithms     ssh.Algorithms
}

// WithDialect replaces [DefaultDialect], e.g. with column names taken from
// a device capture.
func WithDialect(d Dialect) Option {
	return func(c *config) error {
		if err := d.validate(); err != nil {
			return err
		}
		c.dialect = d
		return nil
	}
}

// WithKnownHosts verifies host keys against OpenSSH known_hosts files
// (golang.org/x/crypto/ssh/knownhosts) for addresses without a pin.
func WithKnownHosts(files ...string) Option {
	return func(c *config) error {
		if len(files) == 0 {
			return errors.New("vcm: known_hosts: no file given")
		}
		c.knownHosts = append(c.knownHosts, files...)
		return nil
	}
}

// WithHostKey pins the host key of an address (host or host:port) that is
// not in the directory, e.g. a domain read with caller-supplied
// credentials. Fingerprints are in ssh-keygen's SHA256:… form.
func WithHostKey(address string, fingerprints ...string) Option {
	return func(c *config) error {
		addr, err := normAddr(address)
		if err != nil {
			return err
		}
		fps, err := parseFingerprints(fingerprints)
		if err != nil {
			return err
		}
		if len(fps) == 0 {
			return fmt.Errorf("vcm: host key of %s: no fingerprint given", address)
		}
		if c.pins == nil {
			c.pins = map[string][]string{}
		}
		c.pins[addr] = append(c.pins[addr], fps...)
		return nil
	}
}

// WithInsecureIgnoreHostKey accepts any host key. It is never the default,
// cannot be combined with known_hosts or pins, and lets anyone on the path
// read the credentials: for labs only.
func WithInsecureIgnoreHostKey() Option {
	return func(c *config) error { c.insecure = true; return nil }
}

// WithLogger logs connections, commands and retries at Debug and Warn
// levels. Without it nothing is logged; credentials never are.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.log = l; return nil }
}

// WithMaxConns bounds the SSH connections open at once (default
// [DefaultMaxConns]).
func WithMaxConns(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("vcm: max connections %d, want >= 1", n)
		}
		c.maxConns = n
		return nil
	}
}

// WithConcurrency bounds the domains [Client.ReadDomains] reads at once
// (default [DefaultConcurrency]).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("vcm: concurrency %d, want >= 1", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithCommandTimeout bounds each command (default
// [DefaultCommandTimeout]); a command that does not answer in time makes
// the domain inaccessible.
func WithCommandTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("vcm: command timeout %v, want > 0", d)
		}
		c.commandTimeout = d
		return nil
	}
}

// WithDialTimeout bounds connecting and logging in (default
// [DefaultDialTimeout]).
func WithDialTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("vcm: dial timeout %v, want > 0", d)
		}
		c.dialTimeout = d
		return nil
	}
}

// WithMaxOutput bounds what is read of one command's output (default
// [DefaultMaxOutput], 64 MiB); a longer answer is an
// [*OutputTooLargeError].
func WithMaxOutput(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("vcm: max output %d, want >= 1", n)
		}
		c.maxOutput = n
		return nil
	}
}

// WithAlgorithms sets the SSH key exchanges, ciphers, MACs and host-key
// algorithms offered (an empty list keeps x/crypto's default). Older VC
// firmware may only speak algorithms x/crypto leaves out by default (see
// ssh.InsecureAlgorithms); which ones is not verified.
func WithAlgorithms(a ssh.Algorithms) Option {
	return func(c *config) error {
		c.algorithms = a
		return nil
	}
}

// WithDialer replaces the TCP dialer (a net.Dialer's DialContext by
// default), e.g. to reach the VC Managers through a jump host. The host-key
// check still uses the configured address.
func WithDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) Option {
	return func(c *config) error {
		if dial == nil {
			return errors.New("vcm: nil dialer")
		}
		c.dial = dial
		return nil
	}
}

// New returns a client for the given directory of domains. A host-key
// policy is required: known_hosts, pins (per domain or per address), or the
// explicit insecure switch; every domain must be covered by one. IDs must be
// unique and non-empty, addresses non-empty and distinct, and each domain
// needs a user name.
func New(domains []DomainConfig, opts ...Option) (*Client, error) {
	cfg := config{
		dialect:        DefaultDialect(),
		maxConns:       DefaultMaxConns,
		concurrency:    DefaultConcurrency,
		commandTimeout: DefaultCommandTimeout,
		dialTimeout:    DefaultDialTimeout,
		maxOutput:      DefaultMaxOutput,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{
		dialect:        cfg.dialect,
		domains:        map[string]*domainEntry{},
		byAddr:         map[string]*domainEntry{},
		hostKeys:       hostKeys{pins: cfg.pins, insecure: cfg.insecure},
		log:            cfg.log,
		dial:           cfg.dial,
		algos:          cfg.algorithms,
		concurrency:    cfg.concurrency,
		commandTimeout: cfg.commandTimeout,
		dialTimeout:    cfg.dialTimeout,
		maxOutput:      cfg.maxOutput,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.dial == nil {
		var d net.Dialer
		c.dial = d.DialContext
	}
	if len(cfg.knownHosts) > 0 {
		for _, f := range cfg.knownHosts {
			if _, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("vcm: known_hosts: %w", err)
			}
		}
		cb, err := knownhosts.New(cfg.knownHosts...)
		if err != nil {
			return nil, fmt.Errorf("vcm: known_hosts: %w", err)
		}
		c.hostKeys.knownHosts = cb
	}
	for i, dc := range domains {
		e, err := newEntry(i, dc)
		if err != nil {
			return nil, err
		}
		if _, dup := c.domains[e.ref.ID]; dup {
			return nil, fmt.Errorf("vcm: domains[%d]: domain ID %q is listed twice", i, e.ref.ID)
		}
		if other, dup := c.byAddr[e.addr]; dup {
			return nil, fmt.Errorf("vcm: domains[%d]: domain %q has the VC Manager address %s of domain %q", i, e.ref.ID, e.addr, other.ref.ID)
		}
		c.domains[e.ref.ID] = e
		c.byAddr[e.addr] = e
		c.ids = append(c.ids, e.ref.ID)
	}
	slices.Sort(c.ids)
	anyPins := false
	for _, e := range c.domains {
		anyPins = anyPins || len(e.pins) > 0
	}
	if c.hostKeys.insecure && (c.hostKeys.knownHosts != nil || len(c.hostKeys.pins) > 0 || anyPins) {
		return nil, errInsecureMixed
	}
	if !c.hostKeys.any() && !anyPins {
		return nil, errors.New("vcm: no host-key policy: give known_hosts files, pinned host keys, or (for labs only) the insecure switch")
	}
	for _, id := range c.ids {
		e := c.domains[id]
		if !c.hostKeys.covers(e.addr, e.pins) {
			return nil, fmt.Errorf("vcm: domain %q (%s): no host-key policy covers it: pin its host key or give a known_hosts file", id, e.addr)
		}
	}
	c.pool = newPool(cfg.maxConns)
	return c, nil
}

func newEntry(i int, dc DomainConfig) (*domainEntry, error) {
	if dc.ID == "" {
		return nil, fmt.Errorf("vcm: domains[%d]: empty domain ID", i)
	}
	if strings.TrimSpace(dc.Address) == "" {
		return nil, fmt.Errorf("vcm: domain %q: empty VC Manager address", dc.ID)
	}
	addr, err := normAddr(dc.Address)
	if err != nil {
		return nil, fmt.Errorf("vcm: domain %q: %w", dc.ID, err)
	}
	if dc.Credentials.Username() == "" {
		return nil, fmt.Errorf("vcm: domain %q: credentials have no user name", dc.ID)
	}
	if dc.Credentials.Password() == "" && len(dc.Signers) == 0 {
		return nil, fmt.Errorf("vcm: domain %q: user %q has neither a password nor a key", dc.ID, dc.Credentials.Username())
	}
	pins, err := parseFingerprints(dc.HostKeys)
	if err != nil {
		return nil, fmt.Errorf("vcm: domain %q: %w", dc.ID, err)
	}
	return &domainEntry{
		ref:  vcem.DomainRef{ID: dc.ID, Name: dc.Name, Manager: dc.Address, GroupID: dc.GroupID},
		addr: addr,
		auth: credsAuth(dc.Credentials, dc.Signers),
		pins: pins,
	}, nil
}

// normAddr returns host:port, adding port 22 when none is given.
func normAddr(a string) (string, error) {
	a = strings.TrimSpace(a)
	if a == "" {
		return "", errors.New("vcm: empty address")
	}
	if host, port, err := net.SplitHostPort(a); err == nil {
		if host == "" || port == "" {
			return "", fmt.Errorf("vcm: address %s: want host or host:port", quoteShort(a))
		}
		return a, nil
	}
	return net.JoinHostPort(strings.Trim(a, "[]"), DefaultPort), nil
}

// Close closes the idle connections and makes later calls fail; reads under
// way finish and close theirs.
func (c *Client) Close() error {
	c.pool.close()
	return nil
}

// ListDomains implements [vcem.Live]: the configured domains, sorted by ID.
func (c *Client) ListDomains(ctx context.Context) ([]vcem.DomainRef, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]vcem.DomainRef, 0, len(c.ids))
	for _, id := range c.ids {
		out = append(out, c.domains[id].ref)
	}
	return out, nil
}

// target is one read: where, as whom, and what to report.
type target struct {
	domain    vcem.Domain // ID, Name, Manager, GroupID to report
	addr      string
	auth      auth
	pins      []string
	poolKey   string
	transient bool
}

// ReadDomain implements [vcem.Live]: it reads a configured domain with its
// configured credentials. A domain not in the directory, one that does not
// answer (dial failure, command timeout, the device's "Unable to
// communicate" message) or that refuses the configured credentials (the
// error then also wraps [vcem.ErrCredentialsRejected]) wraps
// [vcem.ErrDomainInaccessible], so that [vcem.GatherLive] asks for
// credentials.
func (c *Client) ReadDomain(ctx context.Context, domainID string) (vcem.LiveDomain, error) {
	e, ok := c.domains[domainID]
	if !ok {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: domain %q is not in the directory: %w: %w", domainID, vcem.ErrDomainInaccessible, vcem.ErrUnknownDomain)
	}
	t := target{
		domain:  vcem.Domain{ID: e.ref.ID, Name: e.ref.Name, Manager: e.ref.Manager, GroupID: e.ref.GroupID},
		addr:    e.addr,
		auth:    e.auth,
		pins:    e.pins,
		poolKey: "domain:" + e.ref.ID,
	}
	ld, err := c.read(ctx, t)
	if err != nil && errors.Is(err, vcem.ErrCredentialsRejected) {
		err = fmt.Errorf("%w (%w)", err, vcem.ErrDomainInaccessible)
	}
	return ld, err
}

// ReadDomainWithCredentials implements [vcem.Live]: it reads target.Manager
// with creds on a connection of its own, closed afterwards. The result has
// ViaCredentials set and Domain.ID = target.ID; its GroupID is that of the
// directory's domain at the same address, if any. Host keys: the address's
// pins ([WithHostKey]), those of a directory domain at the same address,
// known_hosts, or the insecure switch.
func (c *Client) ReadDomainWithCredentials(ctx context.Context, tg vcem.DomainTarget, creds vcem.Credentials) (vcem.LiveDomain, error) {
	if tg.ID == "" || strings.TrimSpace(tg.Manager) == "" {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: read with credentials: target needs an ID and a VC Manager address (ID %q, manager %q)", tg.ID, tg.Manager)
	}
	addr, err := normAddr(tg.Manager)
	if err != nil {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: read domain %q with credentials: %w", tg.ID, err)
	}
	if creds.Username() == "" {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: read domain %q with credentials: no user name: %w", tg.ID, vcem.ErrCredentialsRejected)
	}
	t := target{
		domain:    vcem.Domain{ID: tg.ID, Manager: tg.Manager},
		addr:      addr,
		auth:      credsAuth(creds, nil),
		poolKey:   "target:" + tg.ID,
		transient: true,
	}
	if e, ok := c.byAddr[addr]; ok {
		t.domain.GroupID, t.domain.Name, t.pins = e.ref.GroupID, e.ref.Name, e.pins
	}
	if !c.hostKeys.covers(addr, t.pins) {
		return vcem.LiveDomain{}, &HostKeyError{Address: addr, Fingerprint: "(not fetched)"}
	}
	ld, err := c.read(ctx, t)
	if err != nil {
		return vcem.LiveDomain{}, err
	}
	ld.ViaCredentials = true
	return ld, nil
}

// ReadDomains reads configured domains in parallel, at most the configured
// concurrency at once (default [DefaultConcurrency]), and returns one result
// per ID in order; the errors of the failed reads are joined, each naming
// its domain (their results are zero).
func (c *Client) ReadDomains(ctx context.Context, ids ...string) ([]vcem.LiveDomain, error) {
	out := make([]vcem.LiveDomain, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, c.concurrency)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = fmt.Errorf("vcm: read domain %q: %w", id, ctx.Err())
				return
			}
			defer func() { <-sem }()
			ld, err := c.ReadDomain(ctx, id)
			out[i], errs[i] = ld, err
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// read runs the dialect's commands for one domain on one connection and
// builds the result.
func (c *Client) read(ctx context.Context, t target) (vcem.LiveDomain, error) {
	start := time.Now()
	l, err := c.pool.acquire(ctx, t.poolKey, t.transient)
	if err != nil {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: read domain %q: %w", t.domain.ID, err)
	}
	defer c.pool.release(l)
	d := &c.dialect
	var o outputs
	for _, step := range []struct {
		dst  **Output
		text string
	}{
		{&o.domain, d.ShowDomain},
		{&o.enclosures, d.ShowEnclosures},
		{&o.interconnects, d.ShowInterconnect},
		{&o.servers, d.ShowServers},
		{&o.profiles, d.ShowProfiles},
	} {
		out, err := c.run(ctx, t, l, command{text: step.text})
		if err != nil {
			return vcem.LiveDomain{}, fmt.Errorf("vcm: read domain %q: %w", t.domain.ID, err)
		}
		*step.dst = out
	}
	ld, err := d.build(t.domain, o)
	if err != nil {
		return vcem.LiveDomain{}, fmt.Errorf("vcm: read domain %q at %s: %w", t.domain.ID, l.c.addr, err)
	}
	c.log.DebugContext(ctx, "vcm: domain read", "domain", t.domain.ID, "address", l.c.addr,
		"profiles", len(ld.Profiles), "modules", len(ld.Domain.Modules), "elapsed", time.Since(start))
	return ld, nil
}

// run runs one command on the lease's connection, dialling it when needed.
// A dropped connection is dialled again and the command re-sent once, for
// commands that only read; a standby module's redirect is followed once.
func (c *Client) run(ctx context.Context, t target, l *lease, cmd command) (*Output, error) {
	retried := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if l.c == nil {
			cn, err := c.connect(ctx, t, t.addr, nil)
			if err != nil {
				return nil, err
			}
			l.c = cn
		}
		out, err := c.exec(ctx, l, cmd)
		var dropped *droppedError
		var red *RedirectError
		switch {
		case err == nil:
			return out, nil
		case errors.As(err, &dropped):
			l.c.close()
			l.c = nil
			if cmd.writes || retried {
				return nil, fmt.Errorf("%w: %w", err, vcem.ErrDomainInaccessible)
			}
			retried = true
			c.log.WarnContext(ctx, "vcm: connection dropped; reconnecting once", "domain", t.domain.ID, "command", cmd.text, "error", err)
		case errors.As(err, &red):
			via := append(slices.Clone(l.c.via), l.c.addr)
			l.c.close()
			l.c = nil
			if len(via) > 1 {
				red.Via = via
				return nil, red
			}
			to := net.JoinHostPort(red.To, portOf(t.addr))
			c.log.DebugContext(ctx, "vcm: standby module redirects", "domain", t.domain.ID, "from", via[0], "to", to)
			cn, err := c.connect(ctx, t, to, via)
			if err != nil {
				return nil, err
			}
			l.c = cn
		default:
			return nil, err
		}
	}
}

func portOf(addr string) string {
	if _, p, err := net.SplitHostPort(addr); err == nil {
		return p
	}
	return DefaultPort
}

// exec runs cmd once under the per-command timeout and parses the answer.
func (c *Client) exec(ctx context.Context, l *lease, cmd command) (*Output, error) {
	cctx, cancel := context.WithTimeout(ctx, c.commandTimeout)
	defer cancel()
	start := time.Now()
	addr := l.c.addr
	stdout, stderr, err := execOnce(cctx, l.c.client, addr, cmd.text, c.maxOutput)
	if err != nil {
		if ctx.Err() == nil && cctx.Err() != nil {
			l.c.close()
			l.c = nil
			return nil, fmt.Errorf("vcm: %s: %s: no answer within %v: %w: %w", addr, cmd.text, c.commandTimeout, vcem.ErrDomainInaccessible, cctx.Err())
		}
		if ctx.Err() != nil {
			l.c.close()
			l.c = nil
		}
		return nil, err
	}
	c.log.DebugContext(ctx, "vcm: command", "address", l.c.addr, "command", cmd.text, "bytes", len(stdout), "elapsed", time.Since(start))
	if s := strings.TrimSpace(string(stderr)); s != "" {
		if err := c.dialect.messages(cmd.text, stderr); err != nil {
			return nil, c.withAddr(err, l.c.addr)
		}
		if c.dialect.StderrIsError {
			return nil, &DeviceError{Command: cmd.text, Address: l.c.addr, Texts: []string{"stderr: " + short(s, maxDeviceText)}}
		}
	}
	out, err := c.dialect.Parse(cmd.text, stdout)
	if err != nil {
		return nil, c.withAddr(err, l.c.addr)
	}
	return out, nil
}

func (c *Client) withAddr(err error, addr string) error {
	var dev *DeviceError
	if errors.As(err, &dev) {
		dev.Address = addr
	}
	return err
}

// connect dials addr and logs in. via are the addresses that redirected
// here. A dial or handshake failure wraps [vcem.ErrDomainInaccessible];
// refused credentials wrap [vcem.ErrCredentialsRejected]; an untrusted host
// key is a [*HostKeyError].
func (c *Client) connect(ctx context.Context, t target, addr string, via []string) (*conn, error) {
	dctx, cancel := context.WithTimeout(ctx, c.dialTimeout)
	defer cancel()
	nc, err := c.dial(dctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("vcm: domain %q: connect to %s: %w: %w", t.domain.ID, addr, vcem.ErrDomainInaccessible, err)
	}
	stop := context.AfterFunc(dctx, func() { _ = nc.Close() })
	var banner strings.Builder
	cfg := &ssh.ClientConfig{
		Config: ssh.Config{
			KeyExchanges: c.algos.KeyExchanges,
			Ciphers:      c.algos.Ciphers,
			MACs:         c.algos.MACs,
		},
		HostKeyAlgorithms: c.algos.HostKeys,
		User:              t.auth.user,
		Auth:              t.auth.methods(),
		HostKeyCallback:   c.hostKeys.callback(addr, t.pins),
		BannerCallback: func(msg string) error {
			if banner.Len() < maxDeviceText {
				banner.WriteString(short(msg, maxDeviceText))
			}
			return nil
		},
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if !stop() {
		if err == nil {
			_ = sc.Close()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("vcm: domain %q: log in to %s: no answer within %v: %w", t.domain.ID, addr, c.dialTimeout, vcem.ErrDomainInaccessible)
	}
	if err != nil {
		_ = nc.Close()
		var hk *HostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, hk
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("vcm: domain %q: %s refused user %q: %w", t.domain.ID, addr, t.auth.user, vcem.ErrCredentialsRejected)
		}
		return nil, fmt.Errorf("vcm: domain %q: log in to %s: %w: %w", t.domain.ID, addr, vcem.ErrDomainInaccessible, err)
	}
	cl := ssh.NewClient(sc, chans, reqs)
	c.log.DebugContext(ctx, "vcm: connected", "domain", t.domain.ID, "address", addr, "user", t.auth.user)
	cn := &conn{client: cl, addr: addr, via: via}
	if b := banner.String(); b != "" {
		var red *RedirectError
		if err := c.dialect.messages("(login banner)", []byte(b)); errors.As(err, &red) {
			// The standby module may say so at login instead of on exec.
			cn.close()
			return c.followBanner(ctx, t, cn, red)
		}
	}
	return cn, nil
}

func (c *Client) followBanner(ctx context.Context, t target, cn *conn, red *RedirectError) (*conn, error) {
	via := append(slices.Clone(cn.via), cn.addr)
	if len(via) > 1 {
		red.Via = via
		return nil, red
	}
	return c.connect(ctx, t, net.JoinHostPort(red.To, portOf(t.addr)), via)
}

func (a auth) methods() []ssh.AuthMethod {
	var m []ssh.AuthMethod
	if len(a.signers) > 0 {
		m = append(m, ssh.PublicKeys(a.signers...))
	}
	if a.password != nil && a.password() != "" {
		pw := a.password
		m = append(m, ssh.PasswordCallback(func() (string, error) { return pw(), nil }),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw()
				}
				return answers, nil
			}))
	}
	return m
}
