package vcemcli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mxsync-go/mxsync/vcem"
)

// Defaults of a [Client].
const (
	DefaultPath         = "vcemcli" // found on PATH; vcemcli.exe on the CMS
	DefaultPollInterval = 10 * time.Second
	// MaxErrorOutput bounds the output an error keeps for diagnosis: the
	// first and last halves of it when longer.
	MaxErrorOutput = 4 << 10
)

// Client drives VCEM through vcemcli, one process per operation; it
// implements [vcem.Manager]. It is safe for concurrent use (it holds no
// mutable state; VCEM serialises what it must).
//
// No operation is retried: StartMaintenance in particular must not be (a
// retry of a request that took effect would answer "already in maintenance"
// and the domain would stay in maintenance), and the others are left to the
// caller, which knows whether they are safe.
type Client struct {
	path     string
	runner   Runner
	dialect  Dialect
	user     string
	password func() string // a closure, so that no fmt verb prints it
	env      []string
	names    map[string]string // domain ID -> VCEM domain name
	ids      map[string]string // VCEM domain name -> domain ID
	interval time.Duration
	log      *slog.Logger
}

var _ vcem.Manager = (*Client)(nil)

// Option configures [New].
type Option func(*config) error

type config struct {
	path     string
	runner   Runner
	dialect  Dialect
	env      []string
	names    map[string]string
	interval time.Duration
	log      *slog.Logger
}

// WithPath sets the vcemcli executable (default [DefaultPath]).
func WithPath(path string) Option {
	return func(c *config) error {
		if strings.TrimSpace(path) == "" {
			return errors.New("vcemcli: empty path")
		}
		c.path = path
		return nil
	}
}

// WithRunner replaces the [ExecRunner], e.g. with one that runs vcemcli on
// the CMS over SSH or WinRM.
func WithRunner(r Runner) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("vcemcli: nil runner")
		}
		c.runner = r
		return nil
	}
}

// WithDialect replaces [DefaultDialect].
func WithDialect(d Dialect) Option {
	return func(c *config) error {
		if err := d.validate(); err != nil {
			return err
		}
		c.dialect = d
		return nil
	}
}

// WithEnv adds NAME=value entries to vcemcli's environment.
func WithEnv(env ...string) Option {
	return func(c *config) error {
		for _, e := range env {
			if name, _, ok := strings.Cut(e, "="); !ok || name == "" {
				return fmt.Errorf("vcemcli: environment entry %q: want NAME=value", e)
			}
		}
		c.env = append(c.env, env...)
		return nil
	}
}

// WithDomainNames maps the SDK's domain IDs to the names vcemcli knows the
// domains by; an ID not in the map is passed as it is.
func WithDomainNames(names map[string]string) Option {
	return func(c *config) error {
		seen := map[string]string{}
		for id, n := range names {
			if id == "" || n == "" {
				return fmt.Errorf("vcemcli: domain names: empty ID or name (%q -> %q)", id, n)
			}
			if other, dup := seen[n]; dup {
				return fmt.Errorf("vcemcli: domain names: %q and %q both map to %q", other, id, n)
			}
			seen[n] = id
		}
		c.names = maps.Clone(names)
		return nil
	}
}

// WithPollInterval sets how often WaitJob reads the job (default
// [DefaultPollInterval]; each read is a vcemcli process and a VCEM login).
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("vcemcli: poll interval %v, want > 0", d)
		}
		c.interval = d
		return nil
	}
}

// WithLogger logs every run at Debug (arguments scrubbed, exit code, time)
// and failures at Warn. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.log = l; return nil }
}

// New returns a client that logs in to VCEM with creds (a CMS user with a
// VCEM role that allows domain maintenance).
func New(creds vcem.Credentials, opts ...Option) (*Client, error) {
	cfg := config{path: DefaultPath, runner: ExecRunner{}, dialect: DefaultDialect(), interval: DefaultPollInterval}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if creds.Username() == "" {
		return nil, errors.New("vcemcli: credentials have no user name")
	}
	if creds.Password() == "" {
		return nil, fmt.Errorf("vcemcli: user %q has no password", creds.Username())
	}
	pw := creds.Password()
	c := &Client{
		path: cfg.path, runner: cfg.runner, dialect: cfg.dialect, user: creds.Username(),
		password: func() string { return pw },
		env:      cfg.env, names: cfg.names, ids: map[string]string{}, interval: cfg.interval, log: cfg.log,
	}
	for id, n := range cfg.names {
		c.ids[n] = id
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func (c *Client) domainName(id string) string {
	if n, ok := c.names[id]; ok {
		return n
	}
	return id
}

func (c *Client) domainArgs(verb []string, id string) []string {
	return append(append([]string(nil), verb...), c.dialect.DomainFlag, c.domainName(id))
}

// StartMaintenance implements [vcem.Manager] (-startvcdmaint). It is run
// once and never retried; "already in maintenance" wraps
// [vcem.ErrInMaintenance].
func (c *Client) StartMaintenance(ctx context.Context, domainID string) error {
	_, err := c.domainOp(ctx, "start maintenance", c.dialect.StartMaintenance, domainID)
	return err
}

// CompleteMaintenance implements [vcem.Manager] (-completevcdmaint).
func (c *Client) CompleteMaintenance(ctx context.Context, domainID string) error {
	_, err := c.domainOp(ctx, "complete maintenance", c.dialect.CompleteMaintenance, domainID)
	return err
}

// CancelMaintenance implements [vcem.Manager] (-cancelvcdmaint); "not in
// maintenance" wraps [vcem.ErrNotInMaintenance].
func (c *Client) CancelMaintenance(ctx context.Context, domainID string) error {
	_, err := c.domainOp(ctx, "cancel maintenance", c.dialect.CancelMaintenance, domainID)
	return err
}

// CheckInSync implements [vcem.Manager] with Dialect.SyncStatus (-show
// vcem-status about the domain; the choice is unverified, see
// assumptions.go). A state that is neither an in-sync nor an out-of-sync
// word is an error.
func (c *Client) CheckInSync(ctx context.Context, domainID string) (bool, error) {
	out, err := c.domainOp(ctx, "check sync", c.dialect.SyncStatus, domainID)
	if err != nil {
		return false, err
	}
	d := &c.dialect
	v, ok := keyValue(out, d.SyncStateKey)
	switch {
	case !ok:
		return false, c.outputErr("check sync", domainID, out, fmt.Sprintf("no %q line", d.SyncStateKey))
	case containsFold(d.InSync, v):
		return true, nil
	case containsFold(d.OutOfSync, v):
		return false, nil
	}
	return false, c.outputErr("check sync", domainID, out, fmt.Sprintf("sync state %q is neither in sync nor out of sync", v))
}

// Resync implements [vcem.Manager] with Dialect.Resync (NOT FOUND in the
// guides; a guess) and returns the job ID read from the output.
func (c *Client) Resync(ctx context.Context, domainID string) (string, error) {
	out, err := c.domainOp(ctx, "resync", c.dialect.Resync, domainID)
	if err != nil {
		return "", err
	}
	id, ok := keyValue(out, c.dialect.JobIDKey)
	if !ok || id == "" {
		return "", c.outputErr("resync", domainID, out, fmt.Sprintf("no %q line", c.dialect.JobIDKey))
	}
	return id, nil
}

// Job implements [vcem.Manager] (-show job). The state word is mapped with
// Dialect.JobStates; an unknown word is an error naming it.
func (c *Client) Job(ctx context.Context, jobID string) (vcem.Job, error) {
	if jobID == "" {
		return vcem.Job{}, errors.New("vcemcli: show job: empty job ID")
	}
	d := &c.dialect
	args := append(append([]string(nil), d.ShowJob...), d.JobFlag, jobID)
	out, err := c.run(ctx, "show job", "job "+quote(jobID), args)
	if err != nil {
		return vcem.Job{}, err
	}
	word, ok := keyValue(out, d.JobStateKey)
	if !ok {
		return vcem.Job{}, c.outputErr("show job", "", out, fmt.Sprintf("job %q: no %q line", jobID, d.JobStateKey))
	}
	st, ok := lookupFold(d.JobStates, word)
	if !ok {
		return vcem.Job{}, c.outputErr("show job", "", out, fmt.Sprintf("job %q: unknown job state %q", jobID, word))
	}
	j := vcem.Job{ID: jobID, State: st}
	j.Message, _ = keyValue(out, d.JobMessageKey)
	if n, ok := keyValue(out, d.JobDomainKey); ok {
		j.DomainID = n
		if id, known := c.ids[n]; known {
			j.DomainID = id
		}
	}
	return j, nil
}

// WaitJob implements [vcem.Manager] by polling Job every poll interval
// ([vcem.PollJob]).
func (c *Client) WaitJob(ctx context.Context, jobID string) (vcem.Job, error) {
	return vcem.PollJob(ctx, c, jobID, c.interval)
}

func (c *Client) domainOp(ctx context.Context, op string, verb []string, domainID string) (string, error) {
	if domainID == "" {
		return "", fmt.Errorf("vcemcli: %s: empty domain ID", op)
	}
	return c.run(ctx, op, "domain "+quote(domainID), c.domainArgs(verb, domainID))
}

// run runs vcemcli once with args and the credentials, and judges the
// answer from the exit code and the output together: a failure is a
// non-zero exit, an error line, or one of the dialect's condition texts
// (which also map to vcem's sentinels). The output is returned scrubbed.
func (c *Client) run(ctx context.Context, op, subject string, args []string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("vcemcli: %s of %s: %w", op, subject, err)
	}
	d := &c.dialect
	pw := c.password()
	inv := Invocation{Path: c.path, Args: slices.Concat(args, []string{d.UserFlag, c.user}), Env: slices.Clone(c.env), secret: pw}
	switch d.Password {
	case PasswordArg:
		inv.Args = append(inv.Args, d.PasswordFlag, pw)
	case PasswordEnv:
		inv.Env = append(inv.Env, d.PasswordEnv+"="+pw)
	case PasswordStdin:
		inv.Stdin = []byte(pw + "\n")
	}
	s := scrubber(pw)
	start := time.Now()
	res, runErr := c.runner.Run(ctx, inv)
	out := s.str(string(res.Stdout))
	if len(res.Stderr) > 0 {
		out += "\n" + s.str(string(res.Stderr))
	}
	ce := &CommandError{Op: op, Subject: subject, Args: s.strs(inv.Args), Exit: res.ExitCode, Output: bound(out)}
	c.log.DebugContext(ctx, "vcemcli: run", "op", op, "subject", subject, "invocation", inv, "exit", res.ExitCode,
		"bytes", len(res.Stdout)+len(res.Stderr), "elapsed", time.Since(start))
	switch {
	case runErr != nil && ctx.Err() != nil:
		ce.Reason, ce.Err = "stopped: "+ctx.Err().Error(), ctx.Err()
	case runErr != nil:
		ce.Reason, ce.Err = "did not run", &scrubbedError{msg: s.str(runErr.Error()), cause: runErr}
	default:
		ce.Reason, ce.Err = c.judge(out, res.ExitCode)
	}
	if ce.Reason == "" {
		return out, nil
	}
	c.log.WarnContext(ctx, "vcemcli: failed", "op", op, "subject", subject, "error", ce.Error())
	return out, ce
}

// judge returns why an exited run failed ("" if it did not) and the
// sentinel its text maps to.
func (c *Client) judge(out string, exit int) (string, error) {
	d := &c.dialect
	for _, m := range []struct {
		texts []string
		err   error
	}{
		{d.NotInMaintenanceTexts, vcem.ErrNotInMaintenance},
		{d.InMaintenanceTexts, vcem.ErrInMaintenance},
		{d.UnknownDomainTexts, vcem.ErrUnknownDomain},
		{d.UnknownJobTexts, vcem.ErrUnknownJob},
		{d.JobRunningTexts, vcem.ErrJobRunning},
		{d.RejectedTexts, vcem.ErrCredentialsRejected},
	} {
		if t, ok := containsAnyFold(out, m.texts); ok {
			return fmt.Sprintf("output says %q (exit %d)", t, exit), m.err
		}
	}
	line, hasError := errorLine(out, d.ErrorPrefixes)
	switch {
	case exit != 0 && hasError:
		return fmt.Sprintf("exit %d: %s", exit, line), nil
	case exit != 0:
		return fmt.Sprintf("exit %d", exit), nil
	case hasError:
		return "exit 0 but the output reports an error: " + line, nil
	}
	return "", nil
}

func (c *Client) outputErr(op, domainID, out, reason string) error {
	subject := ""
	if domainID != "" {
		subject = "domain " + quote(domainID)
	}
	return &CommandError{Op: op, Subject: subject, Exit: 0, Output: bound(out), Reason: "unexpected output: " + reason}
}

// CommandError is a vcemcli run that failed, with what is needed to see
// why: the operation, the arguments and the output (bounded to
// [MaxErrorOutput], password scrubbed). Err is the vcem sentinel the output
// maps to (errors.Is works through it), the context's error, or the reason
// the process did not run.
type CommandError struct {
	Op      string
	Subject string   // `domain "d1"`, `job "17"`
	Args    []string // password scrubbed
	Exit    int      // -1: did not exit
	Output  string
	Reason  string
	Err     error
}

// Error names the operation, the reason and the start of the output.
func (e *CommandError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vcemcli: %s", e.Op)
	if e.Subject != "" {
		fmt.Fprintf(&b, " of %s", e.Subject)
	}
	fmt.Fprintf(&b, ": %s", e.Reason)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if o := strings.Join(strings.Fields(e.Output), " "); o != "" {
		fmt.Fprintf(&b, "; output: %s", shorten(o, 300))
	}
	return b.String()
}

// Unwrap returns Err.
func (e *CommandError) Unwrap() error { return e.Err }

// scrubbedError keeps a cause for errors.Is/As while printing a scrubbed
// message.
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// bound keeps at most MaxErrorOutput bytes: the head and the tail.
func bound(s string) string {
	if len(s) <= MaxErrorOutput {
		return s
	}
	half := MaxErrorOutput / 2
	return shorten(s, half) + fmt.Sprintf(" [… %d bytes …] ", len(s)-2*half) + tail(s, half)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func tail(s string, n int) string {
	i := len(s) - n
	for i < len(s) && (s[i]&0xC0) == 0x80 {
		i++
	}
	return s[i:]
}

func quote(s string) string { return fmt.Sprintf("%q", shorten(s, 100)) }

// keyValue returns the value of the first "Key: Value" line whose key
// matches (case-insensitive, spaces around the colon ignored).
func keyValue(out, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// MaxLine is the longest output line keyValue reads; a longer one ends the
// search (the value is then "not found").
const MaxLine = 1 << 20

func errorLine(out string, prefixes []string) (string, bool) {
	for line := range strings.Lines(out) {
		t := strings.TrimSpace(line)
		for _, p := range prefixes {
			if p != "" && len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
				return shorten(t, 300), true
			}
		}
	}
	return "", false
}

func containsAnyFold(out string, texts []string) (string, bool) {
	lo := strings.ToLower(out)
	for _, t := range texts {
		if t != "" && strings.Contains(lo, strings.ToLower(t)) {
			return t, true
		}
	}
	return "", false
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func lookupFold(m map[string]vcem.JobState, w string) (vcem.JobState, bool) {
	for k, v := range m {
		if strings.EqualFold(k, strings.TrimSpace(w)) {
			return v, true
		}
	}
	return "", false
}
