package vcemcli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The test binary is also a fake vcemcli: with envFake set it runs
// fakeMain instead of the tests (the os/exec re-exec pattern), so the
// adapter is tested against a real child process.
const (
	envFake  = "MXSYNC_FAKE_VCEMCLI"
	envState = "MXSYNC_FAKE_VCEMCLI_STATE" // JSON state file, read and written by every run
	envLog   = "MXSYNC_FAKE_VCEMCLI_LOG"   // every run appends one JSON line: args, env password, stdin
)

func TestMain(m *testing.M) {
	if os.Getenv(envFake) == "1" {
		os.Exit(fakeMain(os.Args[1:], os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// fakeState is the VCEM the fake vcemcli drives: domains with maintenance
// and sync state, and resync jobs that end after a number of polls.
type fakeState struct {
	User, Password string
	Via            PasswordVia // where the fake reads the password
	Domains        map[string]*fakeDomain
	Jobs           map[string]*fakeJob
	NextJob        int
	JobPolls       int                   // "-show job" reads before a job ends
	FailJobs       bool                  // jobs end Failed
	Script         map[string]fakeScript // by verb ("-startvcdmaint", "-show job", …): answer this instead
	Sleep          time.Duration         // before answering
	EchoArgs       bool                  // print the command line (password included) with every answer
}

type fakeDomain struct{ InMaintenance, InSync bool }

type fakeJob struct {
	Domain    string
	PollsLeft int
	State     string
	Message   string
}

type fakeScript struct {
	Stdout string
	Exit   int
}

// fakeRun is one recorded run.
type fakeRun struct {
	Args     []string
	EnvPass  string
	StdinLen int
}

func fakeMain(args []string, stdin io.Reader, stdout io.Writer) int {
	statePath := os.Getenv(envState)
	b, err := os.ReadFile(statePath)
	if err != nil {
		fmt.Fprintln(stdout, "ERROR: fake: no state:", err)
		return 90
	}
	var st fakeState
	if err := json.Unmarshal(b, &st); err != nil {
		fmt.Fprintln(stdout, "ERROR: fake: bad state:", err)
		return 91
	}
	d := DefaultDialect()
	flags := map[string]string{}
	for i := 0; i+1 < len(args); i++ {
		if strings.HasPrefix(args[i], "-") && !strings.HasPrefix(args[i+1], "-") {
			flags[args[i]] = args[i+1]
		}
	}
	run := fakeRun{Args: args, EnvPass: os.Getenv(d.PasswordEnv)}
	var pw string
	switch st.Via {
	case PasswordArg:
		pw = flags[d.PasswordFlag]
	case PasswordEnv:
		pw = run.EnvPass
	case PasswordStdin:
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		run.StdinLen = len(line)
		pw = strings.TrimSuffix(line, "\n")
	}
	if f, err := os.OpenFile(os.Getenv(envLog), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
		_ = json.NewEncoder(f).Encode(run)
		_ = f.Close()
	}
	time.Sleep(st.Sleep)
	if st.EchoArgs {
		fmt.Fprintln(stdout, "vcemcli invoked as:", strings.Join(args, " "))
	}
	exit := st.answer(d, args, flags, pw, stdout)
	out, _ := json.Marshal(st)
	if err := os.WriteFile(statePath, out, 0o600); err != nil {
		fmt.Fprintln(stdout, "ERROR: fake: cannot save state:", err)
		return 92
	}
	return exit
}

func hasVerb(args, verb []string) bool {
	return len(args) >= len(verb) && slices.Equal(args[:len(verb)], verb)
}

// answer runs one command on the state; it speaks DefaultDialect (the
// fake is the adapter's guess of vcemcli made executable).
func (st *fakeState) answer(d Dialect, args []string, flags map[string]string, pw string, w io.Writer) int {
	for verb, s := range st.Script {
		if hasVerb(args, strings.Fields(verb)) {
			fmt.Fprint(w, s.Stdout)
			return s.Exit
		}
	}
	if flags[d.UserFlag] != st.User || pw != st.Password {
		fmt.Fprintln(w, "ERROR: Login failed: invalid user name or password.")
		return 5
	}
	name := flags[d.DomainFlag]
	dom := st.Domains[name]
	needDomain := func() bool {
		if dom == nil {
			fmt.Fprintf(w, "ERROR: VC Domain %q: domain not found.\n", name)
			return false
		}
		return true
	}
	needMaint := func() bool {
		if !needDomain() {
			return false
		}
		if !dom.InMaintenance {
			fmt.Fprintf(w, "ERROR: VC Domain %q is not in maintenance mode.\n", name)
			return false
		}
		return true
	}
	running := func() bool {
		for _, j := range st.Jobs {
			if j.Domain == name && j.State == "Running" {
				return true
			}
		}
		return false
	}
	switch {
	case hasVerb(args, d.StartMaintenance):
		if !needDomain() {
			return 2
		}
		if dom.InMaintenance {
			fmt.Fprintf(w, "ERROR: VC Domain %q is already in maintenance mode.\n", name)
			return 3
		}
		dom.InMaintenance = true
		fmt.Fprintf(w, "VC Domain maintenance started for %q.\n", name)
	case hasVerb(args, d.CompleteMaintenance):
		if !needMaint() {
			return 3
		}
		if running() {
			fmt.Fprintf(w, "ERROR: a job is running for VC Domain %q.\n", name)
			return 4
		}
		dom.InMaintenance = false
		fmt.Fprintf(w, "VC Domain maintenance completed for %q.\n", name)
	case hasVerb(args, d.CancelMaintenance):
		if !needMaint() {
			return 3
		}
		dom.InMaintenance = false
		for _, j := range st.Jobs {
			if j.Domain == name && j.State == "Running" {
				j.State, j.Message = "Failed", "maintenance cancelled"
			}
		}
		fmt.Fprintf(w, "VC Domain maintenance cancelled for %q.\n", name)
	case hasVerb(args, d.SyncStatus):
		if !needMaint() {
			return 3
		}
		state := "Out of Sync"
		if dom.InSync {
			state = "In Sync"
		}
		fmt.Fprintf(w, "VC Domain: %s\nStatus   : %s\n", name, state)
	case hasVerb(args, d.Resync):
		if !needMaint() {
			return 3
		}
		st.NextJob++
		id := strconv.Itoa(st.NextJob)
		if st.Jobs == nil {
			st.Jobs = map[string]*fakeJob{}
		}
		st.Jobs[id] = &fakeJob{Domain: name, PollsLeft: st.JobPolls, State: "Running"}
		fmt.Fprintf(w, "Resynchronization of VC Domain %q submitted.\nJob ID: %s\n", name, id)
	case hasVerb(args, d.ShowJob):
		id := flags[d.JobFlag]
		j := st.Jobs[id]
		if j == nil {
			fmt.Fprintf(w, "ERROR: Job %q: job not found.\n", id)
			return 2
		}
		if j.State == "Running" {
			if j.PollsLeft > 0 {
				j.PollsLeft--
			} else if st.FailJobs {
				j.State, j.Message = "Failed", "VC Manager did not answer"
			} else {
				j.State = "Completed"
				if dm := st.Domains[j.Domain]; dm != nil && dm.InMaintenance {
					dm.InSync = true
				}
			}
		}
		fmt.Fprintf(w, "Job ID: %s\nJob State: %s\nVC Domain: %s\nMessage: %s\n", id, j.State, j.Domain, j.Message)
	default:
		fmt.Fprintf(w, "ERROR: unknown command %q\n", strings.Join(args, " "))
		return 1
	}
	return 0
}

// fake is a test's handle on the fake vcemcli: its state file and run log.
type fake struct {
	t          *testing.T
	dir        string
	state, log string
}

func newFakeCLI(t *testing.T, st fakeState) *fake {
	t.Helper()
	dir := t.TempDir()
	f := &fake{t: t, dir: dir, state: filepath.Join(dir, "state.json"), log: filepath.Join(dir, "runs.jsonl")}
	f.save(st)
	return f
}

func (f *fake) save(st fakeState) {
	b, err := json.Marshal(st)
	require.NoError(f.t, err)
	require.NoError(f.t, os.WriteFile(f.state, b, 0o600))
}

func (f *fake) load() fakeState {
	b, err := os.ReadFile(f.state)
	require.NoError(f.t, err)
	var st fakeState
	require.NoError(f.t, json.Unmarshal(b, &st))
	return st
}

func (f *fake) runs() []fakeRun {
	b, err := os.ReadFile(f.log)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(f.t, err)
	var out []fakeRun
	for line := range strings.Lines(string(b)) {
		var r fakeRun
		require.NoError(f.t, json.Unmarshal([]byte(line), &r))
		out = append(out, r)
	}
	return out
}

// verbs lists the first argument of every run, in order.
func (f *fake) verbs() []string {
	var out []string
	for _, r := range f.runs() {
		v := r.Args[0]
		if v == "-show" && len(r.Args) > 1 {
			v += " " + r.Args[1]
		}
		out = append(out, v)
	}
	return out
}

// options point a client at the fake: the test binary as vcemcli.
func (f *fake) options(extra ...Option) []Option {
	return append([]Option{
		WithPath(os.Args[0]),
		// A -race child would sleep a second at exit (GORACE's default).
		WithEnv(envFake+"=1", envState+"="+f.state, envLog+"="+f.log, "GORACE=atexit_sleep_ms=0"),
		WithPollInterval(time.Millisecond),
	}, extra...)
}
