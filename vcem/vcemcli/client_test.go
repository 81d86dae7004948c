package vcemcli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

// secret is recognisable in any output it leaks into.
const secret = "Pa55-Zebra-QUOKKA-91"

func baseState() fakeState {
	return fakeState{
		User: "cmsadmin", Password: secret, Via: PasswordArg,
		Domains:  map[string]*fakeDomain{"d1": {}, "d2": {InSync: true}},
		JobPolls: 3,
	}
}

func newTestClient(t *testing.T, f *fake, extra ...Option) *Client {
	t.Helper()
	c, err := New(vcem.NewCredentials("cmsadmin", secret), f.options(extra...)...)
	require.NoError(t, err)
	return c
}

func TestResyncDomainThroughVCEMCLI(t *testing.T) {
	f := newFakeCLI(t, baseState())
	c := newTestClient(t, f)
	res := vcem.ResyncDomain(context.Background(), c, "d1")
	require.NoError(t, res.Err)
	assert.Equal(t, vcem.OutcomeCompleted, res.Outcome)
	assert.True(t, res.Resynced)
	require.NotNil(t, res.Job)
	assert.Equal(t, vcem.Job{ID: "1", DomainID: "d1", State: vcem.JobCompleted}, *res.Job)
	assert.Equal(t, []string{
		"-startvcdmaint", "-show vcem-status", "-resyncvcd",
		"-show job", "-show job", "-show job", "-show job", // three polls running, the fourth completed
		"-completevcdmaint",
	}, f.verbs())
	st := f.load()
	assert.False(t, st.Domains["d1"].InMaintenance)
	assert.True(t, st.Domains["d1"].InSync)

	// An in-sync domain is completed without a job.
	res = vcem.ResyncDomain(context.Background(), c, "d2")
	require.NoError(t, res.Err)
	assert.False(t, res.Resynced)
	assert.True(t, res.InSync)
}

func TestResyncDomainFailedJobCancels(t *testing.T) {
	st := baseState()
	st.FailJobs, st.JobPolls = true, 1
	f := newFakeCLI(t, st)
	c := newTestClient(t, f)
	res := vcem.ResyncDomain(context.Background(), c, "d1")
	var je *vcem.JobError
	require.ErrorAs(t, res.Err, &je)
	assert.Equal(t, vcem.JobFailed, je.Job.State)
	assert.Equal(t, "VC Manager did not answer", je.Job.Message)
	assert.Equal(t, vcem.OutcomeCancelled, res.Outcome)
	assert.False(t, f.load().Domains["d1"].InMaintenance, "never left in maintenance")
	assert.Equal(t, "-cancelvcdmaint", f.verbs()[len(f.verbs())-1])
}

func TestMaintenanceSentinels(t *testing.T) {
	f := newFakeCLI(t, baseState())
	c := newTestClient(t, f)
	ctx := context.Background()
	require.NoError(t, c.StartMaintenance(ctx, "d1"))

	err := c.StartMaintenance(ctx, "d1")
	require.ErrorIs(t, err, vcem.ErrInMaintenance)
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 3, ce.Exit)
	assert.Contains(t, ce.Output, `VC Domain "d1" is already in maintenance mode.`)
	assert.Equal(t, 2, strings.Count(strings.Join(f.verbs(), ","), "-startvcdmaint"), "one process per call, no retry")

	// ResyncDomain leaves someone else's maintenance alone.
	res := vcem.ResyncDomain(ctx, c, "d1")
	assert.Equal(t, vcem.OutcomeNotStarted, res.Outcome)
	assert.True(t, f.load().Domains["d1"].InMaintenance)

	require.NoError(t, c.CancelMaintenance(ctx, "d1"))
	assert.ErrorIs(t, c.CancelMaintenance(ctx, "d1"), vcem.ErrNotInMaintenance)
	assert.ErrorIs(t, c.CompleteMaintenance(ctx, "d1"), vcem.ErrNotInMaintenance)
	_, err = c.CheckInSync(ctx, "d1")
	assert.ErrorIs(t, err, vcem.ErrNotInMaintenance)
	_, err = c.Resync(ctx, "d1")
	assert.ErrorIs(t, err, vcem.ErrNotInMaintenance)
	assert.ErrorIs(t, c.StartMaintenance(ctx, "nope"), vcem.ErrUnknownDomain)
	_, err = c.Job(ctx, "42")
	assert.ErrorIs(t, err, vcem.ErrUnknownJob)
}

func TestJudgeExitAndText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script fakeScript
		reason string // "" for success
	}{
		{"exit 0, plain text", fakeScript{Stdout: "VC Domain maintenance started.\n", Exit: 0}, ""},
		{"non-zero exit with success text", fakeScript{Stdout: "SUCCESS: VC Domain maintenance started.\n", Exit: 1}, "exit 1"},
		{"exit 0 with ERROR text", fakeScript{Stdout: "Working...\nERROR: VCEM service is not running\n", Exit: 0}, "exit 0 but the output reports an error: ERROR: VCEM service is not running"},
		{"non-zero exit with ERROR text", fakeScript{Stdout: "Error: bad thing\n", Exit: 7}, "exit 7: Error: bad thing"},
		{"condition text with exit 0", fakeScript{Stdout: "Domain already in maintenance\n", Exit: 0}, `output says "already in maintenance" (exit 0)`},
		{"rejected login", fakeScript{Stdout: "Login failed for user cmsadmin\n", Exit: 0}, `output says "login failed"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := baseState()
			st.Script = map[string]fakeScript{"-startvcdmaint": tc.script}
			f := newFakeCLI(t, st)
			c := newTestClient(t, f)
			err := c.StartMaintenance(context.Background(), "d1")
			if tc.reason == "" {
				assert.NoError(t, err)
				return
			}
			var ce *CommandError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.script.Exit, ce.Exit)
			assert.Contains(t, ce.Reason, tc.reason)
			assert.Equal(t, "start maintenance", ce.Op)
			assert.Equal(t, `domain "d1"`, ce.Subject)
			assert.Equal(t, strings.TrimSpace(tc.script.Stdout), strings.TrimSpace(ce.Output))
		})
	}
}

func TestJobStates(t *testing.T) {
	for _, tc := range []struct {
		word    string
		want    vcem.JobState
		wantErr string
	}{
		{"Running", vcem.JobRunning, ""},
		{"in progress", vcem.JobRunning, ""},
		{"COMPLETED", vcem.JobCompleted, ""},
		{"Completed with errors", vcem.JobFailed, ""},
		{"Queued", vcem.JobPending, ""},
		{"Paused", "", `unknown job state "Paused"`},
	} {
		t.Run(tc.word, func(t *testing.T) {
			st := baseState()
			st.Script = map[string]fakeScript{"-show job": {Stdout: "Job ID: 9\nJob State: " + tc.word + "\nVC Domain: rack-one\nMessage: step 2 of 5\n"}}
			f := newFakeCLI(t, st)
			c := newTestClient(t, f, WithDomainNames(map[string]string{"d1": "rack-one"}))
			j, err := c.Job(context.Background(), "9")
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, vcem.Job{ID: "9", DomainID: "d1", State: tc.want, Message: "step 2 of 5"}, j)
		})
	}
}

func TestOutputSurprises(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script map[string]fakeScript
		call   func(c *Client) error
		want   string
	}{
		{"resync without job ID", map[string]fakeScript{"-resyncvcd": {Stdout: "Resync submitted.\n"}},
			func(c *Client) error { _, err := c.Resync(context.Background(), "d1"); return err }, `no "Job ID" line`},
		{"sync state unknown", map[string]fakeScript{"-show vcem-status": {Stdout: "Status: Degraded\n"}},
			func(c *Client) error { _, err := c.CheckInSync(context.Background(), "d1"); return err }, `sync state "Degraded" is neither`},
		{"sync state missing", map[string]fakeScript{"-show vcem-status": {Stdout: "VCEM is running\n"}},
			func(c *Client) error { _, err := c.CheckInSync(context.Background(), "d1"); return err }, `no "Status" line`},
		{"job without state", map[string]fakeScript{"-show job": {Stdout: "Job ID: 1\n"}},
			func(c *Client) error { _, err := c.Job(context.Background(), "1"); return err }, `job "1": no "Job State" line`},
		{"empty domain ID", nil, func(c *Client) error { return c.StartMaintenance(context.Background(), "") }, "empty domain ID"},
		{"empty job ID", nil, func(c *Client) error { _, err := c.Job(context.Background(), ""); return err }, "empty job ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := baseState()
			st.Script = tc.script
			f := newFakeCLI(t, st)
			assert.ErrorContains(t, tc.call(newTestClient(t, f)), tc.want)
		})
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	for _, via := range []PasswordVia{PasswordArg, PasswordEnv, PasswordStdin} {
		t.Run(fmt.Sprint("via ", via), func(t *testing.T) {
			st := baseState()
			st.Via, st.EchoArgs = via, true
			f := newFakeCLI(t, st)
			d := DefaultDialect()
			d.Password = via
			var logs bytes.Buffer
			c := newTestClient(t, f, WithDialect(d), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, c.StartMaintenance(context.Background(), "d1"), "the fake accepted the password passed this way")
			err := c.StartMaintenance(context.Background(), "d1") // fails; the output echoes the command line
			require.ErrorIs(t, err, vcem.ErrInMaintenance)
			var ce *CommandError
			require.ErrorAs(t, err, &ce)
			if via == PasswordArg {
				assert.Contains(t, ce.Output, "-password "+redacted, "the echoed password was scrubbed")
				assert.Contains(t, ce.Args, redacted)
			}
			wrapped := fmt.Errorf("resync: %w", err)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				for _, v := range []any{err, wrapped, ce, *ce, c, *c} {
					s := fmt.Sprintf(verb, v)
					assert.NotContains(t, s, secret, "%s of %T", verb, v)
					assert.NotContains(t, s, fmt.Sprintf("%x", secret), "%s of %T (hex)", verb, v)
				}
			}
			assert.NotContains(t, logs.String(), secret)
			assert.Contains(t, logs.String(), "vcemcli: run")

			runs := f.runs()
			require.Len(t, runs, 2)
			switch via {
			case PasswordArg:
				assert.Contains(t, runs[0].Args, secret)
			case PasswordEnv:
				assert.NotContains(t, runs[0].Args, secret)
				assert.Equal(t, secret, runs[0].EnvPass)
			case PasswordStdin:
				assert.NotContains(t, runs[0].Args, secret)
				assert.Equal(t, len(secret)+1, runs[0].StdinLen)
			}
		})
	}
}

func TestOutputBounded(t *testing.T) {
	st := baseState()
	big := strings.Repeat("line of output\n", 10000) + "ERROR: at the end\n"
	st.Script = map[string]fakeScript{"-startvcdmaint": {Stdout: big, Exit: 1}}
	f := newFakeCLI(t, st)
	err := newTestClient(t, f).StartMaintenance(context.Background(), "d1")
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.LessOrEqual(t, len(ce.Output), MaxErrorOutput+64)
	assert.Contains(t, ce.Output, "ERROR: at the end", "the tail is kept")
	assert.Contains(t, ce.Output, "bytes …]")
	assert.Less(t, len(err.Error()), 1000)
}

func TestWaitJobPolls(t *testing.T) {
	st := baseState()
	st.JobPolls = 4
	st.Domains["d1"].InMaintenance = true
	f := newFakeCLI(t, st)
	c := newTestClient(t, f)
	id, err := c.Resync(context.Background(), "d1")
	require.NoError(t, err)
	j, err := c.WaitJob(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, vcem.JobCompleted, j.State)
	assert.Equal(t, 5, strings.Count(strings.Join(f.verbs(), ","), "-show job"), "four polls running, the fifth done")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	st2 := f.load()
	st2.JobPolls = 1 << 20
	f.save(st2)
	c2 := newTestClient(t, f, WithPollInterval(10*time.Millisecond))
	id, err = c2.Resync(context.Background(), "d1")
	require.NoError(t, err)
	_, err = c2.WaitJob(ctx, id)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestNewRejects(t *testing.T) {
	ok := vcem.NewCredentials("u", "p")
	bad := func(f func(*Dialect)) Dialect { d := DefaultDialect(); f(&d); return d }
	for _, tc := range []struct {
		name  string
		creds vcem.Credentials
		opts  []Option
		want  string
	}{
		{"no user", vcem.NewCredentials("", "p"), nil, "no user name"},
		{"no password", vcem.NewCredentials("u", ""), nil, `user "u" has no password`},
		{"empty path", ok, []Option{WithPath(" ")}, "empty path"},
		{"nil runner", ok, []Option{WithRunner(nil)}, "nil runner"},
		{"bad interval", ok, []Option{WithPollInterval(0)}, "poll interval 0s"},
		{"bad env", ok, []Option{WithEnv("NOEQUALS")}, "want NAME=value"},
		{"names collide", ok, []Option{WithDomainNames(map[string]string{"a": "x", "b": "x"})}, `both map to "x"`},
		{"dialect without verb", ok, []Option{WithDialect(bad(func(d *Dialect) { d.Resync = nil }))}, "Resync has no arguments"},
		{"env mode without name", ok, []Option{WithDialect(bad(func(d *Dialect) { d.Password, d.PasswordEnv = PasswordEnv, "" }))}, "PasswordEnv is empty"},
		{"bad job state", ok, []Option{WithDialect(bad(func(d *Dialect) { d.JobStates = map[string]vcem.JobState{"Done": "done"} }))}, `JobStates["Done"] = "done"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.creds, tc.opts...)
			assert.Nil(t, c)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
