package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/vcem"
)

// terminalPrompter asks mxsync's questions on the terminal: y/n answers,
// credentials with the password read without echo, the deleted services as
// a list. It is used only when stdin is a terminal and no answers file is
// given; otherwise a missing answer is an error naming the question.
type terminalPrompter struct {
	in     *bufio.Reader
	out    io.Writer
	fd     int // stdin's descriptor, for reading a password without echo
	always map[resync.QuestionKind]bool
}

func newTerminalPrompter(in *os.File, out io.Writer) *terminalPrompter {
	return &terminalPrompter{in: bufio.NewReader(in), out: out, fd: int(in.Fd()), always: map[resync.QuestionKind]bool{}}
}

var errAborted = errors.New("aborted at the prompt")

func (p *terminalPrompter) line(ctx context.Context, prompt string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	fmt.Fprint(p.out, prompt)
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("%w: %v", errAborted, err)
	}
	return strings.TrimSpace(s), nil
}

// Confirm asks y/n; "a" answers yes to every later question of the same kind.
func (p *terminalPrompter) Confirm(ctx context.Context, q resync.Question) (bool, error) {
	if p.always[q.Kind] {
		return true, nil
	}
	label := map[resync.QuestionKind]string{resync.AskServices: "service", resync.AskProceed: "next phase", resync.AskManual: "manual step"}[q.Kind]
	for {
		fmt.Fprintf(p.out, "\n[%s] %s\n", label, q.Text)
		if q.Kind == resync.AskManual {
			fmt.Fprintf(p.out, "  (%s) done, or accepted to do by hand?\n", q.ID)
		}
		a, err := p.line(ctx, "  y = yes, n = no (stop here), a = yes to all of this kind: ")
		if err != nil {
			return false, err
		}
		switch strings.ToLower(a) {
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		case "a", "all":
			p.always[q.Kind] = true
			return true, nil
		}
	}
}

// Credentials asks for a VC Manager user and password; the password is
// never echoed.
func (p *terminalPrompter) Credentials(ctx context.Context, q resync.Question) (vcem.Credentials, error) {
	fmt.Fprintf(p.out, "\n[credentials] %s\n", q.Text)
	user, err := p.line(ctx, "  user name: ")
	if err != nil {
		return vcem.Credentials{}, err
	}
	fmt.Fprint(p.out, "  password: ")
	pw, err := term.ReadPassword(p.fd)
	fmt.Fprintln(p.out)
	if err != nil {
		return vcem.Credentials{}, fmt.Errorf("%w: read password: %v", errAborted, err)
	}
	return vcem.NewCredentials(user, string(pw)), nil
}

// DeletedServices lists the restored IO services and asks which were
// deleted after the backup.
func (p *terminalPrompter) DeletedServices(ctx context.Context, q resync.Question) ([]string, error) {
	fmt.Fprintf(p.out, "\n[services] %s\n  restored IO services: %s\n", q.Text, strings.Join(q.Services, ", "))
	for {
		a, err := p.line(ctx, "  names deleted after the backup, comma-separated (empty: none): ")
		if err != nil {
			return nil, err
		}
		var out []string
		bad := ""
		for _, n := range strings.Split(a, ",") {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if !slices.Contains(q.Services, n) {
				bad = n
				break
			}
			out = append(out, n)
		}
		if bad == "" {
			return out, nil
		}
		fmt.Fprintf(p.out, "  %q is not a restored IO service\n", bad)
	}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
