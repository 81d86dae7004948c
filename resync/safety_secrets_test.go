package resync_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
)

// secretForms are the ways a secret can show in text: as it is, in hex
// (%x, %X), and in base64 (standard and URL, padded or not, at each of the
// three alignments a secret inside a longer encoded value can have, and as
// HTTP Basic auth's user:password).
func secretForms(user, secret string) []string {
	forms := []string{secret, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret))),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for pad := range 3 {
			s := enc.EncodeToString(append(bytes.Repeat([]byte{'x'}, pad), secret...))
			// Drop the characters mixing the padding bytes or the end.
			from := 0
			if pad > 0 {
				from = 4
			}
			forms = append(forms, s[from:len(s)-4])
		}
	}
	return forms
}

// findSecrets returns where each form of each secret shows in text.
func findSecrets(where, text string, secrets map[string][]string) []string {
	var out []string
	for name, forms := range secrets {
		for _, f := range forms {
			if strings.Contains(text, f) {
				out = append(out, fmt.Sprintf("%s holds %s (as %q)", where, name, f))
			}
		}
	}
	return out
}

// TestSafetySecretsNeverLeak runs the whole main drill with recognisable
// credentials — the VC Manager logins the estate's domains accept (given
// to Analyze and Execute for the domains VCEM cannot reach) and the SPM UI
// login the readiness wait uses — and searches every log line (a text and
// a JSON slog handler at Debug), every Observer event (JSON), the plan (JSON,
// text report, saved file), the manifest (JSON, saved file), the journal,
// the Result (JSON and %+v), every error string of the run's refusals (a
// wrong password, unanswered credentials, bad answers files) and every
// file the run wrote, for them: plain, hex and base64.
//
// The estate file (Estate.Save) holds the fake logins by design — its
// format keeps them in clear so that a loaded estate accepts what the
// saved one did (resynctest's package doc) — so it is the one file left
// out; the test saves it beside the others and checks that the search finds
// them there, which proves the search can fail.
func TestSafetySecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	m := resynctest.SmallModel()
	m.DomainUser, m.DomainPassword = "vcadmin-Qx7", "VcSecret-Zebra-4711"
	m.UIUser, m.UIPassword = "spmadmin-Qx7", "UiSecret-Walrus-0815"
	wrong := "WrongSecret-Okapi-2024"
	secrets := map[string][]string{
		"the VC Manager password": secretForms(m.DomainUser, m.DomainPassword),
		"the SPM UI password":     secretForms(m.UIUser, m.UIPassword),
		"the wrong password":      secretForms(m.DomainUser, wrong),
	}
	var logs bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	logger := slog.New(slog.NewMultiHandler(slog.NewTextHandler(&logs, debug), slog.NewJSONHandler(&logs, debug)))
	var events bytes.Buffer
	observer := resync.WithObserver(func(ev resync.Event) {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		events.Write(append(b, '\n'))
	})

	r := newDrillRun(ctx, t, 1, m, resync.WithLogger(logger))
	require.NotEmpty(t, r.creds, "the drill reads a domain with its credentials")
	out := t.TempDir()
	journal := filepath.Join(out, "journal")
	var texts []struct{ where, text string }
	add := func(where string, v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, struct{ where, text string }{where, v})
		default:
			b, err := json.Marshal(v)
			require.NoError(t, err, where)
			texts = append(texts, struct{ where, text string }{where, string(b) + "\n" + fmt.Sprintf("%+v", v)})
		}
	}

	addErr := func(where string, err error) {
		require.Error(t, err, where)
		texts = append(texts, struct{ where, text string }{where, err.Error() + "\n" + fmt.Sprintf("%+v %#v", err, err)})
	}

	add("the plan", r.plan)
	add("the plan's report", r.plan.Report())
	require.NoError(t, r.plan.Save(filepath.Join(out, "plan.json")))
	manifest, err := resync.Capture(ctx, r.e.Env(), append(r.opts, resync.WithLogger(logger))...)
	require.NoError(t, err)
	add("the manifest", manifest)
	require.NoError(t, manifest.Save(filepath.Join(out, "manifest.json")))

	res, err := resync.Execute(ctx, r.e.Env(), r.plan, append(r.opts, resync.WithLogger(logger), observer,
		resync.WithPrompter(r.answers()), resync.WithJournal(journal))...)
	require.NoError(t, err)
	require.True(t, res.Complete)
	add("the result", res)
	again, err := resync.Resume(ctx, r.e.Env(), journal, append(r.opts, resync.WithLogger(logger), observer, resync.WithPrompter(r.answers()))...)
	require.NoError(t, err)
	add("the resumed result", again)
	second, err := resync.Analyze(ctx, r.e.Env(), append(r.opts, resync.WithLogger(logger))...)
	require.NoError(t, err)
	add("the second plan", second)
	add("the second plan's report", second.Report())

	// Refusals, whose errors must not quote a password either.
	bad := map[string]vcem.CredentialedDomain{}
	for id, cd := range r.creds {
		bad[id] = vcem.CredentialedDomain{Target: cd.Target, Credentials: vcem.NewCredentials(m.DomainUser, wrong)}
	}
	_, err = resync.Analyze(ctx, r.e.Env(), resync.WithCredentials(bad), resync.WithLogger(logger))
	addErr("the error of an analysis with a wrong password", err)
	fresh := newDrillRun(ctx, t, 1, m, resync.WithLogger(logger))
	noCreds := []resync.Option{resync.WithClock(func() time.Time { return drillCreated }), resync.WithLogger(logger), observer}
	unanswered := fresh.answers()
	unanswered.Domains = nil
	_, err = resync.Execute(ctx, fresh.e.Env(), fresh.plan, append(noCreds, resync.WithPrompter(unanswered))...)
	addErr("the error of an execute whose credentials are not answered", err)
	wrongAnswers := fresh.answers()
	wrongAnswers.Domains = bad
	_, err = resync.Execute(ctx, fresh.e.Env(), fresh.plan, append(noCreds, resync.WithPrompter(wrongAnswers))...)
	addErr("the error of an execute answered with a wrong password", err)
	for id, cd := range r.creds {
		for _, doc := range []string{
			fmt.Sprintf(`{"version":1,"credentials":{%q:{"manager":%q,"username":%q,"password":%q,"pasword":1}}}`, id, cd.Target.Manager, m.DomainUser, m.DomainPassword),
			fmt.Sprintf(`{"version":1,"credentials":{%q:{"manager":%q,"username":%q,"password":%q}},"proceed":"yes"}`, id, cd.Target.Manager, m.DomainUser, m.DomainPassword),
			fmt.Sprintf(`{"version":1,"credentials":{%q:{"manager":%q,"username":%q,"password":7}}}`, id, cd.Target.Manager, m.DomainUser),
		} {
			_, err := resync.DecodeAnswers([]byte(doc))
			addErr("the error of a bad answers file", err)
		}
	}

	add("the logs", logs.String())
	add("the events", events.String())
	require.Contains(t, logs.String(), "level=INFO", "the logger was used (handlers at Debug)")
	require.NotEmpty(t, events.String())

	estateFile := filepath.Join(out, "estate.json")
	f, err := os.Create(estateFile)
	require.NoError(t, err)
	require.NoError(t, r.e.Save(f))
	require.NoError(t, f.Close())
	files := 0
	require.NoError(t, filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if path == estateFile {
			assert.NotEmpty(t, findSecrets(path, string(b), secrets), "the estate file holds the fake logins by design: the search must find them")
			return nil
		}
		files++
		add("file "+path, string(b))
		return nil
	}))
	assert.GreaterOrEqual(t, files, 4, "the plan, the manifest, the journal and the plan's copy beside it")

	var leaks []string
	for _, x := range texts {
		leaks = append(leaks, findSecrets(x.where, x.text, secrets)...)
	}
	assert.Empty(t, leaks)
}
