package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// bin is the mxsync binary the tests run as a real process.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mxsync-cli-test-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "mxsync")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(fmt.Sprintf("build mxsync: %v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// mxsync runs the CLI with stdin not a terminal (a file), as scripts do.
func mxsync(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	devnull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer devnull.Close()
	cmd.Stdin = devnull
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code, out.String(), errb.String()}
}

// restoredEstate writes the main drill's estate as it is right after the CMS
// restore: the history played, the databases put back.
func restoredEstate(t *testing.T, dir string) (path string, creds []string) {
	t.Helper()
	path, _, creds = restoredEstateOf(t, dir, resynctest.SmallModel())
	return path, creds
}

func restoredEstateOf(t *testing.T, dir string, m resynctest.Model) (string, *resynctest.Estate, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := resynctest.New(m)
	require.NoError(t, err)
	defer e.Close()
	d, err := resynctest.DrillHistory(e)
	require.NoError(t, err)
	require.NoError(t, e.Play(ctx, d.Setup))
	b, err := e.Backup()
	require.NoError(t, err)
	require.NoError(t, e.Play(ctx, d.History))
	require.NoError(t, e.Restore(b))
	path := filepath.Join(dir, "cms.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, e.Save(f))
	require.NoError(t, f.Close())
	return path, e, d.Credentials
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

const yesAnswers = `{"version": 1, "services": true, "proceed": true, "acknowledgeAll": true, "deletedServices": []}`

func estateState(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	e, err := resynctest.Decode(b)
	require.NoError(t, err)
	defer e.Close()
	fp, err := e.Fingerprints()
	require.NoError(t, err)
	lfp, err := e.LiveFingerprints()
	require.NoError(t, err)
	return fmt.Sprint(fp, lfp)
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	estate, _ := restoredEstate(t, dir)
	answers := writeFile(t, filepath.Join(dir, "answers.json"), yesAnswers)

	// A fresh estate's VCEM section holds nothing to do but the per-domain
	// resync, a potential issue only: exit 0.
	quiet, err := resynctest.Small(2)
	require.NoError(t, err)
	quietPath := filepath.Join(dir, "quiet.json")
	f, err := os.Create(quietPath)
	require.NoError(t, err)
	require.NoError(t, quiet.Save(f))
	require.NoError(t, f.Close())
	quiet.Close()

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"nothing to do", []string{"analyze", "-estate", quietPath, "-sections", "vcem"}, 0, "VCEM-DOMAIN-MAY-NEED-RESYNC", ""},
		{"findings", []string{"analyze", "-estate", estate, "-answers", answers}, 2, "ISSUE VCEM-ADDR-REASSIGNED", ""},
		{"json", []string{"analyze", "-estate", estate, "-answers", answers, "-json"}, 2, `"schema":1`, ""},
		{"missing answer, no prompt", []string{"analyze", "-estate", estate}, 1, "", `question not answered: deleted-services "deleted-services"`},
		{"no estate", []string{"analyze"}, 1, "", "-estate is required"},
		{"unknown flag", []string{"analyze", "-bogus"}, 1, "", "flag provided but not defined: -bogus"},
		{"unknown command", []string{"frobnicate"}, 1, "", `unknown command "frobnicate"`},
		{"help", []string{"execute", "-h"}, 0, "", "usage: mxsync execute"},
		{"top help", []string{"-h"}, 0, "", "usage: mxsync <command>"},
		{"vcemcli without credentials", []string{"analyze", "-estate", estate, "-vcemcli", "/nonexistent/vcemcli"}, 1, "", "set MXSYNC_VCEM_USER and MXSYNC_VCEM_PASSWORD"},
		{"vcm malformed", []string{"analyze", "-estate", estate, "-vcm", "d1"}, 1, "", `-vcm: "d1": want id=host`},
		{"vcm without credentials", []string{"analyze", "-estate", estate, "-vcm", "d1=10.0.0.1"}, 1, "", `no credentials for domain "d1"`},
		{"bad sections", []string{"analyze", "-estate", estate, "-sections", "vcem,nope"}, 1, "", `unknown section "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mxsync(t, nil, tt.args...)
			assert.Equal(t, tt.code, r.code, "stdout: %s\nstderr: %s", tail(r.stdout), r.stderr)
			assert.Contains(t, r.stdout, tt.stdout)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.code == 1 && tt.stderr != "" && !strings.Contains(tt.stderr, "usage") && !strings.HasPrefix(tt.args[0], "-") && !strings.Contains(r.stderr, "Usage") && !strings.Contains(r.stderr, "usage:") {
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "errors are one line: %q", r.stderr)
			}
		})
	}
	for _, c := range []string{"analyze", "execute", "resume", "services-file", "capture", "whatif"} {
		r := mxsync(t, nil, c, "-h")
		assert.Equal(t, 0, r.code, c)
		assert.Contains(t, r.stderr, "usage: mxsync "+c, c)
	}
}

func TestExecuteSavedPlanAndStaleRefusal(t *testing.T) {
	dir := t.TempDir()
	estate, _ := restoredEstate(t, dir)
	answers := writeFile(t, filepath.Join(dir, "answers.json"), yesAnswers)
	plan := filepath.Join(dir, "plan.json")
	r := mxsync(t, nil, "analyze", "-estate", estate, "-answers", answers, "-plan-out", plan)
	require.Equal(t, 2, r.code, r.stderr)
	_, err := resync.LoadPlan(plan)
	require.NoError(t, err, "the saved plan reads back")

	before, err := os.ReadFile(estate)
	require.NoError(t, err)
	r = mxsync(t, nil, "execute", "-estate", estate, "-answers", answers, "-plan", plan, "-journal", filepath.Join(dir, "j1"))
	require.Equal(t, 2, r.code, "complete, manual steps outstanding: %s", r.stderr)
	assert.Contains(t, r.stdout, "complete: ")
	after, err := os.ReadFile(estate)
	require.NoError(t, err)
	assert.NotEqual(t, before, after, "the estate file holds the repaired databases")
	baks, _ := filepath.Glob(estate + ".mxsync-*.bak")
	require.Len(t, baks, 1, "the original is kept")
	bak, err := os.ReadFile(baks[0])
	require.NoError(t, err)
	assert.Equal(t, before, bak)

	// The same plan again: the state moved (it was executed); refused,
	// naming what moved, nothing written.
	r = mxsync(t, nil, "execute", "-estate", estate, "-answers", answers, "-plan", plan)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "stale plan")
	assert.Contains(t, r.stderr, "vcem.restored moved")
	again, err := os.ReadFile(estate)
	require.NoError(t, err)
	assert.Equal(t, after, again, "a refused plan writes nothing")
}

// TestBadEstateRefused: one bad MAC makes the CLI exit 1 with one line
// naming the JSON path and the value, and nothing is written anywhere.
func TestBadEstateRefused(t *testing.T) {
	dir := t.TempDir()
	estate, _ := restoredEstate(t, dir)
	b, err := os.ReadFile(estate)
	require.NoError(t, err)
	i := bytes.Index(b, []byte(`"mac":"`))
	require.Positive(t, i)
	j := i + len(`"mac":"`)
	bad := append(append(append([]byte{}, b[:j]...), []byte("00-17-A4-77-00-0Z")...), b[j+17:]...)
	require.NoError(t, os.WriteFile(estate, bad, 0o600))
	r := mxsync(t, nil, "execute", "-estate", estate, "-deleted-services", "", "-journal", filepath.Join(dir, "j"))
	assert.Equal(t, 1, r.code)
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line: %q", r.stderr)
	assert.Contains(t, r.stderr, `"00-17-A4-77-00-0Z": bad hex digit 'Z'`)
	assert.Regexp(t, `\.mac: "00-17-A4-77-00-0Z"`, r.stderr, "the JSON path of the value")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing but the estate file: no plan, no journal, no backup")
	after, err := os.ReadFile(estate)
	require.NoError(t, err)
	assert.Equal(t, bad, after)
}

// TestKilledExecuteResumes: the CLI is killed (SIGKILL, no cleanup) after a
// journal record; `mxsync resume` finishes the job and the estate ends as
// an uninterrupted run leaves it.
func TestKilledExecuteResumes(t *testing.T) {
	base := t.TempDir()
	estate, _ := restoredEstate(t, base)
	answers := writeFile(t, filepath.Join(base, "answers.json"), yesAnswers)
	ref := filepath.Join(base, "ref.json")
	copyFile(t, estate, ref)
	r := mxsync(t, nil, "execute", "-estate", ref, "-answers", answers, "-journal", filepath.Join(base, "jref"))
	require.Equal(t, 2, r.code, r.stderr)
	want := estateState(t, ref)
	recs, err := resync.ReadJournal(filepath.Join(base, "jref"))
	require.NoError(t, err)
	// Every 9th record in CI (a dozen kills); MXSYNC_LONG=1 kills after
	// every record in turn.
	step := 9
	if os.Getenv("MXSYNC_LONG") != "" {
		step = 1
	}
	for k := 1; k < len(recs); k += step {
		t.Run(fmt.Sprintf("killed after record %d (%s)", k, recs[k-1].Type), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "cms.json")
			copyFile(t, estate, path)
			journal := filepath.Join(dir, "journal")
			r := mxsync(t, []string{fmt.Sprintf("MXSYNC_TEST_KILL_AFTER_RECORD=%d", k)},
				"execute", "-estate", path, "-answers", answers, "-journal", journal)
			require.NotEqual(t, 0, r.code, "the process was killed")
			require.NotEqual(t, 2, r.code, "the process was killed")
			r = mxsync(t, nil, "resume", "-estate", path, "-answers", answers, "-journal", journal)
			require.Equal(t, 2, r.code, "resumed to completion: %s", r.stderr)
			assert.Contains(t, r.stdout, "complete: ")
			assert.Equal(t, want, estateState(t, path))
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

// TestSecretsNeverPrinted: credentials given in a file reach no output, plan,
// journal or manifest of the CLI, in plain, hex or base64 form.
func TestSecretsNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	const secret, uiSecret, wrong = "Zebra-Secret-4711", "Okapi-UI-Secret-0815", "Wrong-Guess-Secret-9"
	m := resynctest.SmallModel()
	m.DomainPassword, m.UIPassword = secret, uiSecret
	estate, e, ids := restoredEstateOf(t, dir, m)
	defer e.Close()
	require.NotEmpty(t, ids, "the drill reads domains with credentials")
	var entries []string
	for id, cd := range e.Credentials(ids...) {
		entries = append(entries, fmt.Sprintf("%q: {\"manager\": %q, \"username\": %q, \"password\": %q}", id, cd.Target.Manager, cd.Credentials.Username(), cd.Credentials.Password()))
		require.Equal(t, secret, cd.Credentials.Password())
	}
	creds := writeFile(t, filepath.Join(dir, "creds.json"), "{"+strings.Join(entries, ", ")+"}")
	wrongCreds := writeFile(t, filepath.Join(dir, "wrong.json"), strings.ReplaceAll("{"+strings.Join(entries, ", ")+"}", secret, wrong))
	answers := writeFile(t, filepath.Join(dir, "answers.json"), yesAnswers)
	journal := filepath.Join(dir, "journal")
	var outputs []string
	var lastErr string
	for _, args := range [][]string{
		{"analyze", "-estate", estate, "-answers", answers, "-credentials", creds, "-plan-out", filepath.Join(dir, "plan.json")},
		{"analyze", "-estate", estate, "-answers", answers, "-credentials", creds, "-json"},
		{"execute", "-estate", estate, "-answers", answers, "-credentials", creds, "-journal", journal, "-json"},
		{"capture", "-estate", estate, "-credentials", creds, "-o", filepath.Join(dir, "manifest.json")},
		{"analyze", "-estate", estate, "-answers", answers, "-credentials", wrongCreds},
	} {
		r := mxsync(t, []string{"MXSYNC_VCM_PASSWORD=" + secret}, args...)
		outputs = append(outputs, r.stdout, r.stderr)
		lastErr = r.stderr
	}
	files := []string{filepath.Join(dir, "plan.json"), filepath.Join(dir, "manifest.json"), filepath.Join(journal, resync.JournalFileName), filepath.Join(journal, resync.PlanFileName)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			outputs = append(outputs, string(b))
		}
	}
	var forms []string
	for _, s := range []string{secret, uiSecret, wrong} {
		forms = append(forms, s, hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s)))
	}
	for i, o := range outputs {
		for _, form := range forms {
			assert.NotContains(t, o, form, "output %d leaks the secret", i)
		}
	}
	assert.Contains(t, outputs[0], "ISSUE ", "the runs produced output to check")
	assert.Contains(t, lastErr, "credentials rejected", "the wrong password was refused, without being quoted")
}

func tail(s string) string {
	if len(s) > 1500 {
		return s[len(s)-1500:]
	}
	return s
}
