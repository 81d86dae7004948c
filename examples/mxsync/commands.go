package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemcli"
	"github.com/mxsync-go/mxsync/vcem/vcm"
)

var errHelp = errors.New("help shown")

// opts are the flags the commands share.
type opts struct {
	estate          string
	vcm             string
	vcemcli         string
	knownHosts      string
	insecureHostKey bool
	credentials     string
	answers         string
	sections        string
	json            bool
	manifest        string
	planIn          string
	planOut         string
	journal         string
	out             string
	resyncConc      int
	deleted         string
	deletedSet      bool
}

func flags(a *app, name, summary string, o *opts, add func(fs *flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet("mxsync "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: mxsync %s [flags]\n%s\n\nflags:\n", name, summary)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.estate, "estate", "", "estate `file` (resynctest JSON): the restored databases and the live side")
	fs.StringVar(&o.vcm, "vcm", "", "read the live VC domains from real VC Managers: `id=host,...` (credentials from MXSYNC_VCM_USER/MXSYNC_VCM_PASSWORD or -credentials)")
	fs.StringVar(&o.vcemcli, "vcemcli", "", "drive VCEM maintenance and resync (VCEM phase 2) through the real VCEM CLI at `path` (vcemcli.exe on the CMS; credentials from MXSYNC_VCEM_USER/MXSYNC_VCEM_PASSWORD)")
	fs.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts `file` for the VC Managers' SSH host keys (default ~/.ssh/known_hosts)")
	fs.BoolVar(&o.insecureHostKey, "insecure-accept-any-host-key", false, "accept any SSH host key (never on a production network)")
	fs.StringVar(&o.credentials, "credentials", "", "credentials `file`: {\"d1\": {\"manager\": \"10.0.0.9\", \"username\": \"…\", \"password\": \"…\"}} (keep it private)")
	add(fs)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func sectionFlags(fs *flag.FlagSet, o *opts) {
	fs.StringVar(&o.sections, "sections", "", "run only these sections: `list` of services,vcem,storage,orchestration,recovery")
	fs.StringVar(&o.answers, "answers", "", "answers `file` (resync.Answers JSON) for every question; without it questions are asked on a terminal, or refused")
	fs.BoolVar(&o.json, "json", false, "write JSON instead of text")
	fs.Func("deleted-services", "the IO services deleted after the backup: `list` (instead of InfrastructureServices.txt)", func(s string) error {
		o.deleted, o.deletedSet = s, true
		return nil
	})
}

// resyncOptions turns the shared flags into engine options.
func (a *app) resyncOptions(o *opts, interactive bool) ([]resync.Option, resync.Prompter, error) {
	var out []resync.Option
	if o.sections != "" {
		ss, err := resync.ParseSections(o.sections)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, resync.WithSections(ss...))
	}
	if o.deletedSet {
		var names []string
		for _, n := range strings.Split(o.deleted, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		out = append(out, resync.WithDeletedServices(names...))
	}
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return nil, nil, err
	}
	var p resync.Prompter
	switch {
	case o.answers != "":
		ans, err := resync.LoadAnswers(o.answers)
		if err != nil {
			return nil, nil, err
		}
		for id, cd := range ans.CredentialedDomains() {
			creds[id] = cd
		}
		p = ans
	case interactive && isTerminal(a.stdin):
		p = newTerminalPrompter(a.stdin, a.stderr)
	default:
		p = &resync.Answers{} // refuses every question, naming it
	}
	if len(creds) > 0 {
		out = append(out, resync.WithCredentials(creds))
	}
	out = append(out, resync.WithPrompter(p))
	return out, p, nil
}

// loadCredentials reads a credentials file (the "credentials" member of an
// answers file, on its own).
func loadCredentials(path string) (map[string]vcem.CredentialedDomain, error) {
	out := map[string]vcem.CredentialedDomain{}
	if path == "" {
		return out, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	wrapped, err := json.Marshal(map[string]any{"version": resync.AnswersVersion, "credentials": json.RawMessage(b)})
	if err != nil {
		return nil, fmt.Errorf("%s: not JSON", path)
	}
	ans, err := resync.DecodeAnswers(wrapped)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ans.CredentialedDomains(), nil
}

// liveVCM builds the VC Manager adapter for -vcm: every domain logs in
// with the credentials of the file (by domain ID) or of the environment.
func liveVCM(o *opts) (*vcm.Client, error) {
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return nil, err
	}
	envCreds := vcem.NewCredentials(os.Getenv("MXSYNC_VCM_USER"), os.Getenv("MXSYNC_VCM_PASSWORD"))
	var domains []vcm.DomainConfig
	for _, part := range strings.Split(o.vcm, ",") {
		id, host, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || id == "" || host == "" {
			return nil, fmt.Errorf("-vcm: %q: want id=host", part)
		}
		c := envCreds
		if cd, ok := creds[id]; ok {
			c = cd.Credentials
		}
		if c.IsZero() {
			return nil, fmt.Errorf("-vcm: no credentials for domain %q: set MXSYNC_VCM_USER and MXSYNC_VCM_PASSWORD, or give -credentials", id)
		}
		domains = append(domains, vcm.DomainConfig{ID: id, Address: host, Credentials: c})
	}
	var vo []vcm.Option
	switch {
	case o.insecureHostKey:
		vo = append(vo, vcm.WithInsecureIgnoreHostKey())
	case o.knownHosts != "":
		vo = append(vo, vcm.WithKnownHosts(o.knownHosts))
	default:
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("-vcm: no -known-hosts and no home directory: %w", err)
		}
		vo = append(vo, vcm.WithKnownHosts(filepath.Join(home, ".ssh", "known_hosts")))
	}
	return vcm.New(domains, vo...)
}

// env opens the estate file (and the real adapters asked for).
func (a *app) env(o *opts) (*estateFile, *resync.Env, func(), error) {
	if o.estate == "" {
		return nil, nil, nil, errors.New("-estate is required (the restored databases come from an estate file)")
	}
	ef, err := openEstate(o.estate)
	if err != nil {
		return nil, nil, nil, err
	}
	env := ef.env()
	closeAll := ef.close
	if o.vcm != "" {
		c, err := liveVCM(o)
		if err != nil {
			ef.close()
			return nil, nil, nil, err
		}
		env.VCEM.Live = c
		prev := closeAll
		closeAll = func() { c.Close(); prev() }
	}
	if o.vcemcli != "" {
		creds := vcem.NewCredentials(os.Getenv("MXSYNC_VCEM_USER"), os.Getenv("MXSYNC_VCEM_PASSWORD"))
		if creds.IsZero() {
			closeAll()
			return nil, nil, nil, errors.New("-vcemcli: set MXSYNC_VCEM_USER and MXSYNC_VCEM_PASSWORD (the SIM user VCEM CLI logs in as)")
		}
		m, err := vcemcli.New(creds, vcemcli.WithPath(o.vcemcli))
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		env.VCEM.Manager = m
	}
	return ef, env, closeAll, nil
}

// report prints the plan (text or JSON) and gives the exit status: 0 when
// nothing is to be done, 2 when findings are present.
func (a *app) report(p *resync.Plan, asJSON bool) (int, error) {
	var err error
	if asJSON {
		err = json.NewEncoder(a.stdout).Encode(p)
	} else {
		err = p.WriteReport(a.stdout, resync.ReportOptions{})
	}
	switch {
	case err != nil:
		return exitError, err
	case p.Clean():
		return exitClean, nil
	}
	return exitFindings, nil
}

func cmdAnalyze(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "analyze", "Analyse the restored CMS and print the plan; nothing is written.\nExit 0: nothing to do; 2: findings present; 1: error.", o, func(fs *flag.FlagSet) {
		sectionFlags(fs, o)
		fs.StringVar(&o.planOut, "plan-out", "", "save the plan to `file` (execute it later with mxsync execute -plan)")
		fs.StringVar(&o.manifest, "manifest", "", "backup manifest `file`: prove the restored databases are that backup")
	})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	_, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	ropts, _, err := a.resyncOptions(o, true)
	if err != nil {
		return exitError, err
	}
	if o.manifest != "" {
		m, err := resync.LoadManifest(o.manifest)
		if err != nil {
			return exitError, err
		}
		ropts = append(ropts, resync.WithManifest(m))
	}
	plan, err := resync.Analyze(ctx, env, ropts...)
	if err != nil {
		return exitError, hint(err)
	}
	if o.planOut != "" {
		if err := plan.Save(o.planOut); err != nil {
			return exitError, err
		}
	}
	return a.report(plan, o.json)
}

func executeFlags(fs *flag.FlagSet, o *opts) {
	fs.StringVar(&o.journal, "journal", "", "journal `dir`: every step durable; an interrupted execute resumes with mxsync resume")
	fs.IntVar(&o.resyncConc, "resync-concurrency", resync.DefaultResyncConcurrency, "VC domains resynced at once in VCEM phase 2")
}

func cmdExecute(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "execute", "Execute a saved plan (-plan; refused if the state moved since) or a fresh analysis.\nThe estate file is updated in place (atomically, a backup kept).\nExit 0: complete; 2: manual steps outstanding; 1: error.", o, func(fs *flag.FlagSet) {
		sectionFlags(fs, o)
		executeFlags(fs, o)
		fs.StringVar(&o.planIn, "plan", "", "execute exactly this saved plan `file`")
	})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	ef, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	ropts, _, err := a.resyncOptions(o, true)
	if err != nil {
		return exitError, err
	}
	var plan *resync.Plan
	if o.planIn != "" {
		if plan, err = resync.LoadPlan(o.planIn); err != nil {
			return exitError, err
		}
	} else if plan, err = resync.Analyze(ctx, env, ropts...); err != nil {
		return exitError, hint(err)
	}
	ropts = append(ropts, a.executeOptions(o, ef)...)
	res, err := resync.Execute(ctx, env, plan, ropts...)
	return a.finish(ef, res, err, o.json)
}

func cmdResume(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "resume", "Continue the interrupted execute whose journal is in -journal.\nExit 0: complete; 2: manual steps outstanding; 1: error.", o, func(fs *flag.FlagSet) {
		sectionFlags(fs, o)
		executeFlags(fs, o)
	})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	if o.journal == "" {
		return exitError, errors.New("-journal is required")
	}
	ef, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	ropts, _, err := a.resyncOptions(o, true)
	if err != nil {
		return exitError, err
	}
	journal := o.journal
	o.journal = "" // Resume takes the directory itself
	ropts = append(ropts, a.executeOptions(o, ef)...)
	res, err := resync.Resume(ctx, env, journal, ropts...)
	return a.finish(ef, res, err, o.json)
}

func (a *app) executeOptions(o *opts, ef *estateFile) []resync.Option {
	out := []resync.Option{
		resync.WithResyncConcurrency(max(o.resyncConc, 1)),
		// The estate file is the stores: save it before each journal record,
		// so the journal never says more than the file holds.
		resync.WithCheckpoint(func(resync.Record) error { return ef.save() }),
	}
	if o.journal != "" {
		out = append(out, resync.WithJournal(o.journal))
	}
	if hook := crashHook(); hook != nil {
		out = append(out, resync.WithJournalHook(hook))
	}
	if f, ok := a.stderr.(*os.File); ok && isTerminal(f) {
		p := &progress{w: a.stderr}
		out = append(out, resync.WithObserver(p.observe))
	}
	return out
}

// finish saves the estate and reports the result.
func (a *app) finish(ef *estateFile, res *resync.Result, err error, asJSON bool) (int, error) {
	if serr := ef.save(); serr != nil && err == nil {
		err = serr
	}
	if res != nil {
		if asJSON {
			_ = json.NewEncoder(a.stdout).Encode(res)
		} else {
			writeResult(a.stdout, res)
		}
	}
	if err != nil {
		return exitError, err
	}
	if len(res.Outstanding) > 0 {
		return exitFindings, nil
	}
	return exitClean, nil
}

func writeResult(w io.Writer, res *resync.Result) {
	applied := 0
	for _, p := range res.Phases {
		applied += len(p.Applied)
		switch {
		case p.Skipped != "":
			fmt.Fprintf(w, "%-16s skipped: %s\n", p.PhaseID, p.Skipped)
		case p.Verified:
			fmt.Fprintf(w, "%-16s done: %d changes applied, verified\n", p.PhaseID, len(p.Applied))
		default:
			fmt.Fprintf(w, "%-16s stopped after %d changes\n", p.PhaseID, len(p.Applied))
		}
	}
	for _, d := range res.Domains {
		fmt.Fprintf(w, "domain %-12s resync %s\n", d.DomainID, d.Outcome)
	}
	if res.RecoveryMode != nil {
		fmt.Fprintf(w, "RecoveryMode %q -> %q, put back: %v\n", res.RecoveryMode.Previous, res.RecoveryMode.Value, res.RecoveryModeRestored)
	}
	for _, f := range res.Outstanding {
		fmt.Fprintf(w, "MANUAL %s %s: %s\n", f.Code, f.Subject, f.Manual)
	}
	status := "stopped"
	if res.Complete {
		status = "complete"
	}
	fmt.Fprintf(w, "%s: %d changes applied, %d manual steps outstanding\n", status, applied, len(res.Outstanding))
}

// hint adds what a script can do about an unanswered question.
func hint(err error) error {
	if errors.Is(err, resync.ErrUnanswered) {
		return fmt.Errorf("%w (stdin is not a terminal: give -answers FILE; for the deleted IO services also -deleted-services LIST, or mark the file mxsync services-file writes)", err)
	}
	return err
}

func cmdServicesFile(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "services-file", "Write InfrastructureServices.txt from the restored Matrix OE databases; the operator then marks\nwith '*' the IO services deleted after the backup, and mxsync analyze reads the marks.", o, func(*flag.FlagSet) {})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	ef, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	if err := resync.WriteServicesFile(ctx, env); err != nil {
		return exitError, err
	}
	if err := ef.save(); err != nil {
		return exitError, err
	}
	fmt.Fprintln(a.stdout, "InfrastructureServices.txt written: mark the IO services deleted after the backup with '*'")
	return exitClean, nil
}

func cmdCapture(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "capture", "Write the backup-time manifest of the databases being backed up (beside the backup).", o, func(fs *flag.FlagSet) {
		fs.StringVar(&o.out, "o", "", "manifest `file` to write (atomically)")
	})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	if o.out == "" {
		return exitError, errors.New("-o is required")
	}
	_, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return exitError, err
	}
	m, err := resync.Capture(ctx, env, resync.WithCredentials(creds))
	if err != nil {
		return exitError, err
	}
	if err := m.Save(o.out); err != nil {
		return exitError, err
	}
	fmt.Fprintf(a.stdout, "manifest %s written to %s\n", m.ID, o.out)
	return exitClean, nil
}

func cmdWhatIf(ctx context.Context, a *app, args []string) (int, error) {
	o := &opts{}
	fs := flags(a, "whatif", "If the backup of -manifest were restored now, what would the resync have to do?\nExit 0: nothing; 2: findings; 1: error.", o, func(fs *flag.FlagSet) {
		sectionFlags(fs, o)
		fs.StringVar(&o.manifest, "manifest", "", "backup manifest `file` (mxsync capture)")
	})
	if err := parse(fs, args); err != nil {
		return exitError, err
	}
	if o.manifest == "" {
		return exitError, errors.New("-manifest is required")
	}
	m, err := resync.LoadManifest(o.manifest)
	if err != nil {
		return exitError, err
	}
	_, env, done, err := a.env(o)
	if err != nil {
		return exitError, err
	}
	defer done()
	ropts, _, err := a.resyncOptions(o, false)
	if err != nil {
		return exitError, err
	}
	plan, err := resync.WhatIf(ctx, env, m, ropts...)
	if err != nil {
		return exitError, err
	}
	return a.report(plan, o.json)
}
