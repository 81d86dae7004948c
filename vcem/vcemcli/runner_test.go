package vcemcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

func TestInvocationFormat(t *testing.T) {
	inv := Invocation{Path: "vcemcli", Args: []string{"-username", "u", "-password", secret}, Env: []string{"VCEMCLI_PASSWORD=" + secret}, Stdin: []byte(secret), secret: secret}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		s := fmt.Sprintf(verb, inv)
		assert.NotContains(t, s, secret, verb)
		assert.NotContains(t, s, fmt.Sprintf("%x", secret), verb)
	}
	assert.Equal(t, `vcemcli "-username" "u" "-password" "[REDACTED]" env:VCEMCLI_PASSWORD=[REDACTED] stdin:20 bytes`, inv.String())
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "inv", inv, "ptr", &inv)
	assert.NotContains(t, logs.String(), secret)
}

func TestCancelledContextKillsTheProcess(t *testing.T) {
	st := baseState()
	st.Sleep = 20 * time.Second
	f := newFakeCLI(t, st)
	c := newTestClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.StartMaintenance(ctx, "d1")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the child was killed")
	assert.False(t, f.load().Domains["d1"].InMaintenance, "it never got to act")

	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	assert.ErrorIs(t, c.StartMaintenance(ctx2, "d1"), context.Canceled, "no process for a done context")
}

func TestRunnerErrors(t *testing.T) {
	c, err := New(vcem.NewCredentials("cmsadmin", secret), WithPath(filepath.Join(t.TempDir(), "no-such-vcemcli")))
	require.NoError(t, err)
	err = c.StartMaintenance(context.Background(), "d1")
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "did not run", ce.Reason)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.NotContains(t, fmt.Sprintf("%+v", err), secret)

	leaky := runnerFunc(func(ctx context.Context, inv Invocation) (Result, error) {
		return Result{ExitCode: -1}, errors.New("could not start: " + strings.Join(inv.Args, " "))
	})
	c, err = New(vcem.NewCredentials("cmsadmin", secret), WithRunner(leaky))
	require.NoError(t, err)
	err = c.StartMaintenance(context.Background(), "d1")
	assert.ErrorContains(t, err, "-password "+redacted, "a runner's own error is scrubbed too")
	assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
}

func TestExecRunnerCapsOutput(t *testing.T) {
	st := baseState()
	st.Script = map[string]fakeScript{"-startvcdmaint": {Stdout: strings.Repeat("x", 5000)}}
	f := newFakeCLI(t, st)
	c := newTestClient(t, f, WithRunner(ExecRunner{MaxOutput: 1000}))
	err := c.StartMaintenance(context.Background(), "d1")
	assert.ErrorContains(t, err, "output exceeds 1000 bytes")
}

type runnerFunc func(ctx context.Context, inv Invocation) (Result, error)

func (f runnerFunc) Run(ctx context.Context, inv Invocation) (Result, error) { return f(ctx, inv) }
