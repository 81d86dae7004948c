package vcemcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Invocation is one run of vcemcli. It may hold the password (in Args, Env
// or Stdin, as the dialect says); every fmt verb and slog print it with the
// password replaced, so a Runner that logs what it runs does not leak it.
type Invocation struct {
	Path  string
	Args  []string
	Env   []string // added to the environment vcemcli inherits
	Stdin []byte   // nil: no standard input
	// secret is the password, known so that printing can scrub it.
	secret string
}

// Result is what a finished run produced. ExitCode is -1 when the process
// did not exit normally.
type Result struct {
	Stdout, Stderr []byte
	ExitCode       int
}

// Runner runs vcemcli once. Implementations must stop the process when ctx
// ends and return ctx's error then; a run that exited (whatever its code) is
// a nil error with the code in Result.
type Runner interface {
	Run(ctx context.Context, inv Invocation) (Result, error)
}

// ExecRunner runs vcemcli as a child process (os/exec), inheriting the
// environment. When ctx ends the process is killed; its output pipes are
// abandoned WaitDelay later (default 5 s) if a grandchild holds them.
// ExecRunner is safe for concurrent use.
type ExecRunner struct {
	// MaxOutput bounds what is kept of each of stdout and stderr (default
	// 1 MiB); more is an error, after the process has ended.
	MaxOutput int
	WaitDelay time.Duration
}

var _ Runner = ExecRunner{}

// DefaultMaxRunOutput is ExecRunner's default MaxOutput.
const DefaultMaxRunOutput = 1 << 20

// Run implements [Runner].
func (r ExecRunner) Run(ctx context.Context, inv Invocation) (Result, error) {
	limit := r.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxRunOutput
	}
	cmd := exec.CommandContext(ctx, inv.Path, inv.Args...)
	cmd.Env = append(os.Environ(), inv.Env...)
	if inv.Stdin != nil {
		cmd.Stdin = bytes.NewReader(inv.Stdin)
	}
	stdout, stderr := &capped{max: limit}, &capped{max: limit}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = r.WaitDelay
	if cmd.WaitDelay <= 0 {
		cmd.WaitDelay = 5 * time.Second
	}
	err := cmd.Run()
	res := Result{Stdout: stdout.buf.Bytes(), Stderr: stderr.buf.Bytes(), ExitCode: -1}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, err
	}
	if stdout.over || stderr.over {
		return res, fmt.Errorf("vcemcli: output exceeds %d bytes", limit)
	}
	return res, nil
}

// capped keeps the first max bytes written and discards the rest (without
// failing the writer, so the process is not broken off mid-write).
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	c.buf.Write(p)
	return len(p), nil
}

// scrubber replaces a password with [REDACTED].
type scrubber string

const redacted = "[REDACTED]"

func (s scrubber) str(v string) string {
	if s == "" {
		return v
	}
	v = strings.ReplaceAll(v, string(s), redacted)
	// A %q of the text would show an escaped form of the password.
	if q := strconv.Quote(string(s)); len(q) > 2 && q[1:len(q)-1] != string(s) {
		v = strings.ReplaceAll(v, q[1:len(q)-1], redacted)
	}
	return v
}

func (s scrubber) strs(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = s.str(v)
	}
	return out
}

// String shows the path, the arguments and the names of the added
// environment variables, with the password scrubbed.
func (inv Invocation) String() string {
	s := scrubber(inv.secret)
	var b strings.Builder
	b.WriteString(s.str(inv.Path))
	for _, a := range s.strs(inv.Args) {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(a))
	}
	for _, e := range inv.Env {
		name, _, _ := strings.Cut(e, "=")
		fmt.Fprintf(&b, " env:%s=%s", s.str(name), redacted)
	}
	if inv.Stdin != nil {
		fmt.Fprintf(&b, " stdin:%d bytes", len(inv.Stdin))
	}
	return b.String()
}

// Format prints [Invocation.String] for every verb (%v, %+v, %#v, %s, %q,
// %x, %d …), so that no verb reaches the raw fields.
func (inv Invocation) Format(f fmt.State, verb rune) {
	s := inv.String()
	switch verb {
	case 'q':
		s = strconv.Quote(s)
	case 'x':
		s = fmt.Sprintf("%x", s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue logs [Invocation.String].
func (inv Invocation) LogValue() slog.Value { return slog.StringValue(inv.String()) }

var (
	_ fmt.Formatter  = Invocation{}
	_ slog.LogValuer = Invocation{}
)
