// Command restore-drill runs a whole CMS restore drill on a simulated
// estate (resynctest.Estate): build it, back it up (and capture the
// backup-time manifest), play a scripted post-backup history that produces
// every finding kind of every section, restore, analyse (printing the text
// report), execute with non-interactive answers, analyse again, and end with
// a summary a person can take in at a glance. It exits non-zero when
// anything unexpected remains.
//
//	go run ./examples/restore-drill [-preset small|large] [-seed N] [-json] [-journal DIR]
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
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// summary is the drill's outcome, also its -json form.
type summary struct {
	Preset   string           `json:"preset"`
	Seed     uint64           `json:"seed"`
	Drill    string           `json:"drill"`
	Plan     string           `json:"plan"`
	Sections []sectionSummary `json:"sections"`
	// Missing are the codes the drill should have produced but did not.
	Missing []string `json:"missing,omitempty"`
	// Remaining are the changes a second analysis still proposes.
	Remaining []string `json:"remaining,omitempty"`
	Journal   string   `json:"journal"`
	Seconds   float64  `json:"seconds"`
	Clean     bool     `json:"clean"`
}

type sectionSummary struct {
	Section resync.Section `json:"section"`
	Found   int            `json:"found"`
	Changed int            `json:"changed"`
	Manual  int            `json:"manual"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore-drill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "small", "estate preset: small or large")
	seed := fs.Uint64("seed", 1, "seed of the estate")
	asJSON := fs.Bool("json", false, "print the summary as JSON (and the plan report to stderr)")
	journal := fs.String("journal", "", "keep the execute's journal in `dir` (default: a temporary directory, removed)")
	estateOut := fs.String("estate-out", "", "also write the restored estate (before the resync) to `file`, to try mxsync analyze/execute on it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	report := stdout
	if *asJSON {
		report = stderr
	}
	s, err := drill(ctx, *preset, *seed, *journal, *estateOut, report)
	if err != nil {
		fmt.Fprintln(stderr, "restore-drill: "+strings.ReplaceAll(err.Error(), "\n", "; "))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s)
	} else {
		writeSummary(stdout, s)
	}
	if !s.Clean {
		return 2
	}
	return 0
}

func drill(ctx context.Context, preset string, seed uint64, journal, estateOut string, out io.Writer) (*summary, error) {
	start := time.Now()
	var e *resynctest.Estate
	var err error
	switch preset {
	case "small":
		e, err = resynctest.Small(seed)
	case "large":
		e, err = resynctest.Large(seed)
	default:
		return nil, fmt.Errorf("unknown preset %q (want small or large)", preset)
	}
	if err != nil {
		return nil, err
	}
	defer e.Close()
	d, err := resynctest.DrillHistory(e)
	if err != nil {
		return nil, err
	}
	s := &summary{Preset: preset, Seed: seed, Drill: d.Name}

	step(out, "1. before the backup: %d activities (requests in flight, an inoperable server)", len(d.Setup))
	if err := e.Play(ctx, d.Setup); err != nil {
		return nil, err
	}
	creds := e.Credentials(d.Credentials...)
	manifest, err := resync.Capture(ctx, e.Env(), resync.WithCredentials(creds))
	if err != nil {
		return nil, err
	}
	backup, err := e.Backup()
	if err != nil {
		return nil, err
	}
	step(out, "2. backup taken; manifest %s captured beside it", short(manifest.ID))

	step(out, "3. after the backup: %d activities", len(d.History))
	for _, a := range d.History {
		fmt.Fprintf(out, "     %s\n", a)
	}
	if err := e.Play(ctx, d.History); err != nil {
		return nil, err
	}
	if err := e.Restore(backup); err != nil {
		return nil, err
	}
	step(out, "4. CMS restored from the backup; the hardware kept its state")

	if estateOut != "" {
		if err := saveEstate(e, estateOut); err != nil {
			return nil, err
		}
		step(out, "   restored estate written to %s (try: go run ./examples/mxsync analyze -estate %s)", estateOut, estateOut)
	}
	env := e.Env()
	if err := resync.WriteServicesFile(ctx, env); err != nil {
		return nil, err
	}
	first, err := resync.Analyze(ctx, env, resync.WithCredentials(creds), resync.WithManifest(manifest))
	if err != nil {
		return nil, err
	}
	sum := first.Summary().Total
	step(out, "5. first analysis: %d findings, %d changes, %d manual steps; InfrastructureServices.txt written for the operator", sum.Findings, sum.Changes, sum.Manual)
	step(out, "6. the operator's steps before the execute: %d", len(d.Operator))
	for _, a := range d.Operator {
		fmt.Fprintf(out, "     %s\n", a)
	}
	if err := e.Play(ctx, d.Operator); err != nil {
		return nil, err
	}

	plan, err := resync.Analyze(ctx, env, resync.WithCredentials(creds), resync.WithManifest(manifest))
	if err != nil {
		return nil, err
	}
	s.Plan = plan.ID
	step(out, "7. the plan (analysed again; nothing written yet):\n")
	if err := plan.WriteReport(out, resync.ReportOptions{MaxChanges: 5}); err != nil {
		return nil, err
	}
	s.Missing = append(missing(first, d.Codes), missing(plan, d.OperatorCodes)...)

	dir := journal
	if dir == "" {
		if dir, err = os.MkdirTemp("", "restore-drill-journal-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	s.Journal = dir
	// Non-interactive answers: stop/start the services, go on after each
	// phase, and acknowledge every manual step (a drill has no person to do
	// them; the summary lists them as outstanding).
	yes := true
	answers := &resync.Answers{Services: &yes, Proceed: &yes, AcknowledgeAll: true, Deleted: []string{}}
	step(out, "8. executing (journal in %s)", dir)
	res, err := resync.Execute(ctx, env, plan, resync.WithPrompter(answers), resync.WithCredentials(creds), resync.WithJournal(dir))
	if err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}

	again, err := resync.Analyze(ctx, env, resync.WithCredentials(creds))
	if err != nil {
		return nil, err
	}
	for _, f := range again.Findings() {
		// The service check proposes stopping the services again, for a
		// next resync: the resync left them running, as a CMS needs.
		if len(f.Changes) > 0 && f.Phase.Section != resync.SectionServices {
			s.Remaining = append(s.Remaining, f.String())
		}
	}
	step(out, "9. analysed again: %d changes still proposed", len(s.Remaining))

	s.Sections = sections(plan, res)
	s.Seconds = time.Since(start).Seconds()
	s.Clean = res.Complete && len(s.Remaining) == 0 && len(s.Missing) == 0 && res.RecoveryModeRestored
	return s, nil
}

func step(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "\n"+format+"\n", args...)
}

// missing lists the codes the drill promises that the plan lacks.
func missing(p *resync.Plan, codes []string) []string {
	have := map[string]bool{}
	for _, f := range p.Findings() {
		have[f.Code] = true
	}
	var out []string
	for _, c := range codes {
		if !have[c] && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func sections(p *resync.Plan, res *resync.Result) []sectionSummary {
	var out []sectionSummary
	idx := map[resync.Section]int{}
	get := func(s resync.Section) *sectionSummary {
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, sectionSummary{Section: s})
		}
		return &out[i]
	}
	for _, f := range p.Findings() {
		get(f.Phase.Section).Found++
	}
	for _, ph := range res.Phases {
		get(ph.Section).Changed += len(ph.Applied)
	}
	for _, f := range res.Outstanding {
		get(f.Phase.Section).Manual++
	}
	return out
}

func writeSummary(w io.Writer, s *summary) {
	fmt.Fprintf(w, "\nRestore drill %q on the %s estate (seed %d), %.1f s\n", s.Drill, s.Preset, s.Seed, s.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  section\tfound\tchanged\tmanual left\t\n")
	for _, c := range s.Sections {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t\n", c.Section, c.Found, c.Changed, c.Manual)
	}
	_ = tw.Flush()
	for _, c := range s.Missing {
		fmt.Fprintf(w, "  MISSING: the drill should have produced %s\n", c)
	}
	for _, r := range s.Remaining {
		fmt.Fprintf(w, "  REMAINING: %s\n", r)
	}
	if s.Clean {
		fmt.Fprintln(w, "clean: every change applied and verified, RecoveryMode put back, nothing left to repair (manual steps above are a person's)")
	} else {
		fmt.Fprintln(w, "NOT clean: see above")
	}
}

func short(id string) string {
	if len(id) > 19 {
		return id[:19]
	}
	return id
}

// saveEstate writes the estate file atomically.
func saveEstate(e *resynctest.Estate, path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if err := e.Save(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
