package resync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// PlanFileName is the copy of the plan an execute keeps in its journal
// directory, so Resume needs only the directory.
const PlanFileName = "plan.json"

// Errors of Execute and Resume.
var (
	// ErrStalePlan is wrapped by a *StaleError: the state moved since the
	// plan was computed.
	ErrStalePlan = errors.New("resync: stale plan")
	// ErrBlocked is wrapped by a *BlockedError: a person must act (or
	// declined to go on) before the execute can continue.
	ErrBlocked = errors.New("resync: blocked")
	// ErrNotClean: after a phase was applied its re-analysis still proposes
	// changes, or the stores do not hold what the plan predicted.
	ErrNotClean = errors.New("resync: phase not clean after execution")
	// ErrJournalInUse: the journal directory already holds an execute; resume
	// it, or use an empty directory.
	ErrJournalInUse = errors.New("resync: the journal directory already holds an execute")
	// ErrSimulatedCrash, returned by a WithJournalHook function, stops an
	// execute as a crash would: nothing more is written and nothing cleaned up.
	ErrSimulatedCrash = errors.New("resync: simulated crash")
)

// StaleError says which inputs moved since the plan was computed, and the
// records that differ (from the sections' Diff), so an operator sees why the
// plan was refused.
type StaleError struct {
	Moved []MovedInput
}

// MovedInput is one input whose fingerprint changed.
type MovedInput struct {
	Input       string   `json:"input"`       // e.g. "vcem.live"
	Differences []string `json:"differences"` // the first records that differ
	Count       int      `json:"count"`       // how many differ in all
}

// Error names every input that moved and its first differences.
func (e *StaleError) Error() string {
	parts := make([]string, len(e.Moved))
	for i, m := range e.Moved {
		parts[i] = fmt.Sprintf("%s moved (%d records differ: %s)", m.Input, m.Count, strings.Join(m.Differences, "; "))
	}
	return "resync: stale plan: the state moved since the plan was computed; analyse again: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrStalePlan.
func (e *StaleError) Unwrap() error { return ErrStalePlan }

// BlockedError is an execute stopped before a phase could be finished: the
// findings a person must act on, and the question that was refused or not
// answered.
type BlockedError struct {
	Phase    PhaseID
	Question Question
	Findings []Finding
	Err      error // the Prompter's error, or nil when the answer was no
}

// Error names the phase and the question.
func (e *BlockedError) Error() string {
	why := "declined"
	if e.Err != nil {
		why = e.Err.Error()
	}
	return fmt.Sprintf("resync: blocked in %s: %s: %s", e.Phase, e.Question.ID, why)
}

// Unwrap returns ErrBlocked and the Prompter's error.
func (e *BlockedError) Unwrap() []error { return []error{ErrBlocked, e.Err} }

// Result is what an execute did.
type Result struct {
	Plan    string        `json:"plan"`
	Journal string        `json:"journal,omitempty"`
	Phases  []PhaseResult `json:"phases"`
	// Domains are the per-domain outcomes of VCEM phase 2.
	Domains []vcem.DomainResult `json:"domains,omitempty"`
	// Outstanding are the manual steps a person acknowledged: still to be
	// done (or checked) by hand.
	Outstanding []Finding `json:"outstanding,omitempty"`
	// RecoveryMode is the RecoveryMode edit of storage phase 1, put back
	// when the section was done (Restored).
	RecoveryMode         *spm.ModeChange `json:"recoveryMode,omitempty"`
	RecoveryModeRestored bool            `json:"recoveryModeRestored,omitempty"`
	// Complete is set when every phase of the plan was executed and verified.
	Complete bool `json:"complete"`
}

// PhaseResult is what one phase did.
type PhaseResult struct {
	PhaseID
	Skipped  string  `json:"skipped,omitempty"`
	Applied  Changes `json:"applied,omitempty"`
	Verified bool    `json:"verified"`
	// Reanalysis are the findings of the phase's analysis run again after it
	// was applied: manual steps only, when the phase is verified.
	Reanalysis []Finding `json:"reanalysis,omitempty"`
}

// Execute applies a plan: phase by phase in order, each change through its
// section's RestoredStore one at a time after its journal record; VCEM
// phase 2 resyncs every domain under maintenance (never leaving one in
// maintenance); storage phase 1 starts SPM in Internal Recovery and puts
// RecoveryMode back to the value it found when the storage section is done.
// After each phase it re-reads and re-analyses it, and goes on only when
// nothing but manual steps remain and the Prompter acknowledged each
// (mxsync: every issue of a phase resolved before the next), and when the
// stores hold exactly what the plan predicted.
//
// Execute is opt-in and refuses a plan whose inputs moved (a *StaleError
// naming what moved), a what-if plan, a plan of another schema, and a run
// without a Prompter. With WithJournal every step is durable and an
// interrupted execute can be resumed (Resume); the Result is returned also
// on error, saying how far it got.
func Execute(ctx context.Context, env *Env, plan *Plan, opts ...Option) (*Result, error) {
	r, err := newRunner(env, plan, opts)
	if err != nil {
		return nil, err
	}
	if err := r.checkPlan(); err != nil {
		return nil, err
	}
	if err := r.readCredentials(ctx); err != nil {
		return nil, err
	}
	if err := r.checkFresh(ctx); err != nil {
		return nil, err
	}
	if r.cfg.journalDir != "" {
		j, err := OpenJournal(r.cfg.journalDir)
		if err != nil {
			return nil, err
		}
		defer j.Close()
		if n := len(j.Records()); n > 0 {
			return nil, fmt.Errorf("%w (%s, %d records): resume it, or use an empty directory", ErrJournalInUse, r.cfg.journalDir, n)
		}
		if err := plan.Save(filepath.Join(r.cfg.journalDir, PlanFileName)); err != nil {
			return nil, err
		}
		r.journal = j
		r.res.Journal = r.cfg.journalDir
	} else {
		r.journal = newMemoryJournal(r.cfg.now)
	}
	if err := r.record(Record{Type: RecExecuteStarted, Plan: plan.ID}); err != nil {
		return r.res, err
	}
	return r.run(ctx)
}

// Resume continues the execute whose journal is in dir, after a crash or a
// stop: a change recorded as applied is not applied again; the one recorded
// as about to be applied is checked against its store (its effect present or
// not) before it is retried; maintenance a crash left open is cancelled
// before the domain is resynced again; the RecoveryMode value the first run
// found is the one put back. The stores must hold what the journal says was
// applied — anything else moved them, and Resume refuses, naming it. The end
// state equals that of an uninterrupted run. Resuming a finished execute
// returns its result again and changes nothing.
func Resume(ctx context.Context, env *Env, dir string, opts ...Option) (*Result, error) {
	j, err := OpenJournal(dir)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	plan, err := LoadPlan(filepath.Join(dir, PlanFileName))
	if err != nil {
		return nil, err
	}
	recs := j.Records()
	if len(recs) == 0 || recs[0].Type != RecExecuteStarted || recs[0].Plan != plan.ID {
		return nil, fmt.Errorf("%w: journal %s does not start an execute of plan %s", ErrJournalCorrupt, dir, short(plan.ID))
	}
	r, err := newRunner(env, plan, opts)
	if err != nil {
		return nil, err
	}
	r.journal = j
	r.res.Journal = dir
	r.resuming = true
	r.prog = progressOf(recs)
	if err := r.readCredentials(ctx); err != nil {
		return nil, err
	}
	return r.run(ctx)
}

// progress is what a journal says an execute did.
type progress struct {
	verified    map[PhaseID]bool
	started     map[PhaseID]bool
	applied     map[PhaseID]map[int]bool // steps applied
	intent      map[PhaseID]int          // step about to be applied, not recorded applied
	maintOpen   map[string]bool          // domains with maintenance started and not ended
	resynced    map[string]bool          // domains whose resync completed
	spmReady    bool
	mode        *spm.ModeChange // the first RecoveryMode edit that changed the file
	modeSet     bool
	modeRestore bool
	acked       map[string]bool
	finished    bool
}

func newProgress() *progress {
	return &progress{verified: map[PhaseID]bool{}, started: map[PhaseID]bool{}, applied: map[PhaseID]map[int]bool{},
		intent: map[PhaseID]int{}, maintOpen: map[string]bool{}, resynced: map[string]bool{}, acked: map[string]bool{}}
}

func progressOf(recs []Record) *progress {
	p := newProgress()
	for _, r := range recs {
		id := PhaseID{r.Section, r.Phase}
		switch r.Type {
		case RecPhaseStarted:
			p.started[id] = true
		case RecChangeIntent:
			p.intent[id] = r.Step
		case RecChangeApplied:
			if p.applied[id] == nil {
				p.applied[id] = map[int]bool{}
			}
			p.applied[id][r.Step] = true
			if p.intent[id] == r.Step {
				delete(p.intent, id)
			}
		case RecMaintenanceStarted:
			p.maintOpen[r.Domain] = true
		case RecMaintenanceEnded:
			delete(p.maintOpen, r.Domain)
		case RecDomainResynced:
			if r.Outcome == string(vcem.OutcomeCompleted) {
				p.resynced[r.Domain] = true
			}
		case RecSPMReady:
			p.spmReady = true
		case RecRecoveryModeSet:
			p.modeSet = true
			if p.mode == nil && r.Mode != nil && r.Mode.Changed {
				p.mode = r.Mode
			}
		case RecRecoveryModeRestored:
			p.modeRestore = true
		case RecAcknowledged:
			if r.Question != "" {
				p.acked[r.Question] = true
			}
			for _, q := range r.Questions {
				p.acked[q] = true
			}
		case RecPhaseVerified:
			p.verified[id] = true
		case RecExecuteFinished:
			p.finished = true
		}
	}
	return p
}

// runner executes one plan.
type runner struct {
	env      *Env
	plan     *Plan
	cfg      *config
	h        has
	journal  *Journal
	prog     *progress
	res      *Result
	resuming bool
	pred     chain // the plan's predicted state, advanced phase by phase
	creds    map[string]vcem.CredentialedDomain

	mu      sync.Mutex // record and emit are called from resync workers too
	crashed bool
}

func newRunner(env *Env, plan *Plan, opts []Option) (*runner, error) {
	if env == nil || plan == nil {
		return nil, fmt.Errorf("%w: nil Env or plan", ErrInvalid)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.prompter == nil {
		return nil, fmt.Errorf("%w: an execute needs a Prompter (WithPrompter; resync.Answers for scripts)", ErrInvalid)
	}
	r := &runner{env: env, plan: plan, cfg: cfg, h: available(env, cfg), prog: newProgress(),
		res: &Result{Plan: plan.ID}}
	if plan.Prior.VCEM != nil {
		r.pred.vcem = plan.Prior.VCEM.Clone()
	}
	if plan.Prior.SPM != nil {
		r.pred.spm = plan.Prior.SPM.Clone()
	}
	if plan.Prior.MatrixOE != nil {
		r.pred.moe = plan.Prior.MatrixOE.Clone()
	}
	return r, nil
}

func (r *runner) checkPlan() error {
	p := r.plan
	switch {
	case p.Schema != PlanSchema:
		return fmt.Errorf("%w: plan schema %d, want %d", ErrInvalid, p.Schema, PlanSchema)
	case p.WhatIf:
		return fmt.Errorf("%w: a what-if plan (computed on a backup manifest) cannot be executed", ErrInvalid)
	}
	if err := p.check(); err != nil {
		return err
	}
	id, err := p.identify()
	if err != nil {
		return err
	}
	if id != p.ID {
		return fmt.Errorf("%w: plan id %s does not match its content: it was changed after Analyze", ErrInvalid, short(p.ID))
	}
	return p.checkPrior()
}

// readCredentials gathers the credentials of the domains the plan read with
// credentials: from WithCredentials, else from the Prompter.
func (r *runner) readCredentials(ctx context.Context) error {
	r.creds = map[string]vcem.CredentialedDomain{}
	for _, t := range r.plan.Credentialed {
		if cd, ok := r.cfg.creds[t.ID]; ok {
			r.creds[t.ID] = cd
			continue
		}
		target := t
		q := Question{Kind: AskCredentials, ID: "credentials:" + t.ID, Phase: PhaseID{SectionVCEM, 1}, Domain: &target,
			Text: fmt.Sprintf("VC Manager credentials for domain %s at %s", t.ID, t.Manager)}
		c, err := r.cfg.prompter.Credentials(ctx, q)
		if err != nil {
			return &BlockedError{Phase: q.Phase, Question: q, Err: err}
		}
		r.creds[t.ID] = vcem.CredentialedDomain{Target: t, Credentials: c}
	}
	return nil
}

// checkFresh refuses the plan when anything it was computed from moved.
func (r *runner) checkFresh(ctx context.Context) error {
	cfg := *r.cfg
	cfg.creds = r.creds
	cfg.sections = r.plan.Sections
	st, err := read(ctx, r.env, &cfg, r.h, false)
	if err != nil {
		return err
	}
	now := map[string]string{}
	if err := fingerprintInputs(now, st); err != nil {
		return err
	}
	var stale StaleError
	for _, in := range sortedKeys(r.plan.Inputs) {
		want := r.plan.Inputs[in]
		got, ok := now[in]
		if ok && got == want {
			continue
		}
		m := MovedInput{Input: in}
		var d []string
		switch in {
		case InputVCEMRestored:
			d = diffStrings(vcem.Diff(r.plan.Prior.VCEM, st.vcem))
		case InputVCEMLive:
			d = diffStrings(vcem.DiffLive(r.plan.Prior.VCEMLive, st.vcemLive))
		case InputSPMRestored:
			d = diffStrings(spm.Diff(r.plan.Prior.SPM, st.spm))
		case InputSPMLive:
			d = diffStrings(spm.DiffLive(r.plan.Prior.SPMLive, st.spmLive))
		case InputMatrixOERestored:
			d = diffStrings(matrixoe.Diff(r.plan.Prior.MatrixOE, st.moe))
		case InputMatrixOELive:
			d = diffStrings(matrixoe.DiffLive(r.plan.Prior.MatrixOELive, st.moeLive))
		case InputServices:
			d = diffServices(r.plan.Prior.Services, st.services)
		}
		if !ok {
			d = []string{"not readable now (its ports are missing)"}
		}
		m.Count = len(d)
		m.Differences = d[:min(len(d), 10)]
		stale.Moved = append(stale.Moved, m)
	}
	if len(stale.Moved) > 0 {
		return &stale
	}
	return nil
}

func diffServices(a, b []ServiceStatus) []string {
	var out []string
	for i := range max(len(a), len(b)) {
		switch {
		case i >= len(a):
			out = append(out, fmt.Sprintf("service %q added", b[i].Name))
		case i >= len(b):
			out = append(out, fmt.Sprintf("service %q removed", a[i].Name))
		case a[i] != b[i]:
			out = append(out, fmt.Sprintf("service %q: %s -> %s", a[i].Name, a[i].State, b[i].State))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// record appends a journal record; after a simulated crash nothing is
// written any more.
func (r *runner) record(rec Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.crashed {
		return ErrSimulatedCrash
	}
	if r.cfg.checkpoint != nil {
		if err := r.cfg.checkpoint(rec); err != nil {
			return fmt.Errorf("resync: checkpoint before %s: %w", rec.Type, err)
		}
	}
	done, err := r.journal.Append(rec)
	if err != nil {
		return err
	}
	if r.cfg.journalHook != nil {
		if err := r.cfg.journalHook(done); err != nil {
			if errors.Is(err, ErrSimulatedCrash) {
				r.crashed = true
			}
			return err
		}
	}
	return nil
}

func (r *runner) isCrashed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.crashed
}

// emit sends an event to the observer, one at a time; a panicking observer
// is logged and ignored.
func (r *runner) emit(e Event) {
	if r.cfg.observer == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() {
		if v := recover(); v != nil {
			r.cfg.logger.Error("resync: observer panicked", "panic", fmt.Sprint(v))
		}
	}()
	r.cfg.observer(e)
}

// run executes the plan's phases from where the progress says.
func (r *runner) run(ctx context.Context) (*Result, error) {
	res := r.res
	if r.prog.finished {
		for i := range r.plan.Phases {
			res.Outstanding = append(res.Outstanding, r.acknowledgedOf(&r.plan.Phases[i])...)
		}
		res.Complete = true
		return res, nil
	}
	var err error
	var prev *PhasePlan
	for i := range r.plan.Phases {
		pp := &r.plan.Phases[i]
		if pp.Skipped != "" {
			res.Phases = append(res.Phases, PhaseResult{PhaseID: pp.PhaseID, Skipped: pp.Skipped})
			r.emit(Event{Type: EventPhaseSkipped, Phase: pp.PhaseID, Message: pp.Skipped})
			continue
		}
		if prev != nil && !r.prog.verified[pp.PhaseID] {
			q := Question{Kind: AskProceed, ID: "proceed:" + pp.PhaseID.String(), Phase: pp.PhaseID,
				Text: fmt.Sprintf("%s is done and verified; go on to %s?", prev.PhaseID, pp.Title)}
			if err = r.confirm(ctx, q, nil); err != nil {
				break
			}
		}
		prev = pp
		if err = r.phase(ctx, pp); err != nil {
			break
		}
		if pp.Section == SectionStorage && r.lastOfSection(i) {
			if err = r.restoreRecoveryMode(ctx); err != nil {
				break
			}
		}
	}
	if err != nil {
		if r.isCrashed() {
			return res, err
		}
		r.cfg.logger.Error("resync: execute stopped", "error", err.Error())
		r.emit(Event{Type: EventFinished, Message: "stopped: " + err.Error()})
		return res, err
	}
	if err := r.record(Record{Type: RecExecuteFinished, Message: "complete"}); err != nil {
		return res, err
	}
	res.Complete = true
	r.emit(Event{Type: EventFinished, Message: "complete"})
	return res, nil
}

// lastOfSection reports whether phase i is the last analysed phase of its
// section.
func (r *runner) lastOfSection(i int) bool {
	s := r.plan.Phases[i].Section
	for _, pp := range r.plan.Phases[i+1:] {
		if pp.Section == s && pp.Skipped == "" {
			return false
		}
	}
	return true
}

// phaseChanges is the phase's changes in plan order: step n is element n-1.
func phaseChanges(pp *PhasePlan) Changes {
	var cs Changes
	for _, f := range pp.Findings {
		cs = append(cs, f.Changes...)
	}
	return cs
}

// phase executes one phase, or skips what the journal says is done.
func (r *runner) phase(ctx context.Context, pp *PhasePlan) error {
	id := pp.PhaseID
	pr := PhaseResult{PhaseID: id}
	changes := phaseChanges(pp)
	if r.prog.verified[id] {
		pr.Verified, pr.Applied = true, changes
		r.res.Outstanding = append(r.res.Outstanding, r.acknowledgedOf(pp)...)
		r.res.Phases = append(r.res.Phases, pr)
		r.advance(pp)
		if id == (PhaseID{SectionStorage, 1}) {
			r.res.RecoveryMode = r.prog.mode
		}
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !r.prog.started[id] {
		if err := r.record(Record{Type: RecPhaseStarted, Section: id.Section, Phase: id.Phase}); err != nil {
			return err
		}
	}
	r.emit(Event{Type: EventPhaseStarted, Phase: id, Total: len(changes)})
	r.cfg.logger.Info("resync: phase started", "phase", id.String(), "changes", len(changes))

	if r.resuming && r.prog.started[id] {
		if err := r.checkResumable(ctx, pp, changes); err != nil {
			return err
		}
	}
	switch id {
	case PhaseID{SectionServices, 1}:
		if err := r.confirmServices(ctx, pp); err != nil {
			return err
		}
	case PhaseID{SectionVCEM, 2}:
		if err := r.resyncDomains(ctx, pp); err != nil {
			return err
		}
	case PhaseID{SectionStorage, 1}:
		if err := r.recoverSPM(ctx); err != nil {
			return err
		}
	}
	for i, c := range changes {
		step := i + 1
		if r.prog.applied[id][step] {
			pr.Applied = append(pr.Applied, c)
			continue
		}
		if err := r.applyStep(ctx, id, step, c); err != nil {
			r.res.Phases = append(r.res.Phases, pr)
			return err
		}
		pr.Applied = append(pr.Applied, c)
		r.cfg.logger.Debug("resync: change applied", "phase", id.String(), "step", step, "kind", c.Kind(), "target", c.Target())
		r.emit(Event{Type: EventChangeApplied, Phase: id, Change: c, Done: step, Total: len(changes)})
	}
	r.advance(pp)
	fps, rean, err := r.verify(ctx, pp)
	pr.Reanalysis = rean
	if err != nil {
		r.res.Phases = append(r.res.Phases, pr)
		return err
	}
	if err := r.record(Record{Type: RecPhaseVerified, Section: id.Section, Phase: id.Phase, Fingerprints: fps}); err != nil {
		r.res.Phases = append(r.res.Phases, pr)
		return err
	}
	pr.Verified = true
	r.res.Phases = append(r.res.Phases, pr)
	r.cfg.logger.Info("resync: phase verified", "phase", id.String(), "applied", len(pr.Applied), "reanalysis findings", len(rean))
	r.emit(Event{Type: EventPhaseVerified, Phase: id})
	if id == (PhaseID{SectionOrchestration, 2}) {
		return r.rewriteServicesFile(ctx)
	}
	return nil
}

// rewriteServicesFile writes InfrastructureServices.txt again once the
// services marked in it are removed: its marks are done, and a later
// analysis reads a file that matches the database.
func (r *runner) rewriteServicesFile(ctx context.Context) error {
	if r.env.MatrixOE == nil || r.env.MatrixOE.ServicesFile == nil || len(r.plan.DeletedServices) == 0 {
		return nil
	}
	if err := WriteServicesFile(ctx, r.env); err != nil {
		return fmt.Errorf("resync: rewrite InfrastructureServices.txt after orchestration phase 2: %w", err)
	}
	return nil
}

// acknowledgedOf is, for a phase a resumed execute finds verified in the
// journal, its manual steps that were acknowledged: the plan's blocking
// findings whose question the journal holds.
func (r *runner) acknowledgedOf(pp *PhasePlan) []Finding {
	var out []Finding
	for _, f := range pp.Findings {
		if f.Blocking && r.prog.acked[f.Question().ID] {
			out = append(out, f)
		}
	}
	return out
}

// applyStep journals, applies and journals one change.
func (r *runner) applyStep(ctx context.Context, id PhaseID, step int, c Change) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if r.prog.intent[id] != step {
		if err := r.record(Record{Type: RecChangeIntent, Section: id.Section, Phase: id.Phase, Step: step, Change: raw}); err != nil {
			return err
		}
	}
	if err := r.apply(ctx, c); err != nil {
		return fmt.Errorf("resync: %s step %d: %s: %w", id, step, c.String(), err)
	}
	return r.record(Record{Type: RecChangeApplied, Section: id.Section, Phase: id.Phase, Step: step, Change: raw})
}

// apply sends one change to the store (or service) it belongs to.
func (r *runner) apply(ctx context.Context, c Change) error {
	switch c := c.(type) {
	case vcem.Change:
		if !r.h.vcem {
			return fmt.Errorf("%w: no VCEM store", ErrInvalid)
		}
		return r.env.VCEM.Store.Apply(ctx, c)
	case spm.Change:
		if !r.h.spm {
			return fmt.Errorf("%w: no SPM catalog", ErrInvalid)
		}
		return r.env.Storage.Catalog.Apply(ctx, c)
	case matrixoe.Change:
		if !r.h.moe {
			return fmt.Errorf("%w: no Matrix OE store", ErrInvalid)
		}
		return r.env.MatrixOE.Store.Apply(ctx, c)
	case StopService:
		if err := r.env.Services.Stop(ctx, c.Name); err != nil {
			return err
		}
		return r.env.Services.WaitFor(ctx, c.Name, spm.ServiceStopped)
	case StartService:
		if err := r.env.Services.Start(ctx, c.Name); err != nil {
			return err
		}
		return r.env.Services.WaitFor(ctx, c.Name, spm.ServiceRunning)
	}
	return fmt.Errorf("%w: %s", ErrUnknownChange, c.Kind())
}

// storeOf names the store a change writes ("" for a service action).
func storeOf(c Change) string {
	switch c.(type) {
	case vcem.Change:
		return InputVCEMRestored
	case spm.Change:
		return InputSPMRestored
	case matrixoe.Change:
		return InputMatrixOERestored
	}
	return ""
}

// advance applies the phase's predicted product changes and its own changes
// to the predicted chain, as Analyze did.
func (r *runner) advance(pp *PhasePlan) {
	for _, cs := range []Changes{pp.Predicted, phaseChanges(pp)} {
		for _, c := range cs {
			// The plan's changes applied to the plan's own prior state:
			// Analyze did exactly this, so errors cannot occur; a plan
			// edited by hand is refused by its ID before.
			_ = applyTo(&r.pred, c)
		}
	}
}

func applyTo(ch *chain, c Change) error {
	switch c := c.(type) {
	case vcem.Change:
		if ch.vcem != nil {
			return vcem.Apply(ch.vcem, c)
		}
	case spm.Change:
		if ch.spm != nil {
			return spm.Apply(ch.spm, c)
		}
	case matrixoe.Change:
		if ch.moe != nil {
			return matrixoe.Apply(ch.moe, c)
		}
	}
	return nil
}

// confirmServices asks before the service check's stop/start actions.
func (r *runner) confirmServices(ctx context.Context, pp *PhasePlan) error {
	for _, f := range pp.Findings {
		for _, c := range f.Changes {
			q := Question{Kind: AskServices, ID: "services:" + c.Kind() + ":" + c.Target(), Phase: pp.PhaseID,
				Text: c.String() + " (" + f.Message + ")"}
			if err := r.confirm(ctx, q, []Finding{f}); err != nil {
				return err
			}
		}
	}
	return nil
}

// confirm asks a yes/no question once: an answer recorded in the journal is
// not asked again on resume.
func (r *runner) confirm(ctx context.Context, q Question, fs []Finding) error {
	if r.prog.acked[q.ID] {
		return nil
	}
	ok, err := r.cfg.prompter.Confirm(ctx, q)
	if err != nil || !ok {
		return &BlockedError{Phase: q.Phase, Question: q, Findings: fs, Err: err}
	}
	if err := r.record(Record{Type: RecAcknowledged, Section: q.Phase.Section, Phase: q.Phase.Phase, Question: q.ID}); err != nil {
		return err
	}
	r.prog.acked[q.ID] = true
	return nil
}

// ackBatch is the most acknowledgements one journal record holds.
const ackBatch = 500

// acknowledgeAll asks for every manual step of a phase and journals the
// answers in batches (a storage phase can have one per volume: tens of
// thousands of fsyncs would be the slowest part of a large execute).
func (r *runner) acknowledgeAll(ctx context.Context, fs []Finding) error {
	var done []string
	pending := map[string]bool{}
	flush := func() error {
		if len(done) == 0 {
			return nil
		}
		ph := fs[0].Phase
		err := r.record(Record{Type: RecAcknowledged, Section: ph.Section, Phase: ph.Phase, Questions: done})
		if err == nil {
			for _, id := range done {
				r.prog.acked[id] = true
			}
		}
		done = nil
		return err
	}
	for _, f := range fs {
		q := f.Question()
		if r.prog.acked[q.ID] || pending[q.ID] {
			continue
		}
		ok, err := r.cfg.prompter.Confirm(ctx, q)
		if err != nil || !ok {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return &BlockedError{Phase: q.Phase, Question: q, Findings: []Finding{f}, Err: err}
		}
		done = append(done, q.ID)
		pending[q.ID] = true
		if len(done) == ackBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// resyncDomains is VCEM phase 2's execution: every domain of its findings,
// under maintenance, never left in it; the journal records each step.
func (r *runner) resyncDomains(ctx context.Context, pp *PhasePlan) error {
	if r.env.VCEM == nil || r.env.VCEM.Manager == nil {
		return fmt.Errorf("%w: VCEM phase 2 needs the VCEM manager port (Env.VCEM.Manager)", ErrInvalid)
	}
	m := r.env.VCEM.Manager
	// Maintenance a crash left open is ours: cancel it before resyncing again.
	for _, d := range sortedKeys(boolKeys(r.prog.maintOpen)) {
		err := m.CancelMaintenance(context.WithoutCancel(ctx), d)
		if err != nil && !errors.Is(err, vcem.ErrNotInMaintenance) {
			return fmt.Errorf("resync: cancel the maintenance of domain %q left open by the interrupted execute: %w", d, err)
		}
		if err := r.record(Record{Type: RecMaintenanceEnded, Domain: d, Outcome: string(vcem.OutcomeCancelled)}); err != nil {
			return err
		}
		delete(r.prog.maintOpen, d)
	}
	var ids []string
	for _, f := range pp.Findings {
		if f.Code != string(vcem.CodeDomainMayNeedResync) {
			continue
		}
		var s vcem.Subject
		if err := json.Unmarshal(f.Detail, &s); err != nil || s.DomainID == "" {
			return fmt.Errorf("resync: %s: finding %s names no domain", pp.PhaseID, f.Code)
		}
		if !r.prog.resynced[s.DomainID] {
			ids = append(ids, s.DomainID)
		}
	}
	total := len(ids)
	done := 0
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	var recErr error
	var recMu sync.Mutex
	observe := func(ev vcem.ResyncEvent) {
		rec := Record{Domain: ev.DomainID, Outcome: string(ev.Outcome)}
		switch ev.Kind {
		case vcem.EventMaintenanceStarted:
			rec.Type = RecMaintenanceStarted
		case vcem.EventMaintenanceEnded:
			rec.Type = RecMaintenanceEnded
		case vcem.EventDomainDone:
			rec.Type = RecDomainResynced
		default:
			return
		}
		if err := r.record(rec); err != nil {
			recMu.Lock()
			if recErr == nil {
				recErr = err
			}
			recMu.Unlock()
			if !errors.Is(err, ErrSimulatedCrash) {
				// The journal failed: stop this domain (vcem cancels its
				// maintenance) rather than go on unrecorded.
				panic(fmt.Sprintf("resync: journal failed: %v", err))
			}
			stop() // a crashed process starts no further domain
			return
		}
		if ev.Kind == vcem.EventDomainDone && ev.Result != nil {
			recMu.Lock()
			done++
			n := done
			recMu.Unlock()
			r.emit(Event{Type: EventDomainResynced, Phase: pp.PhaseID, Domain: ev.DomainID, Outcome: string(ev.Result.Outcome), Done: n, Total: total})
		}
	}
	opts := append(slices.Clone(r.cfg.resyncOpts), vcem.WithConcurrency(r.cfg.resyncConcurrency), vcem.WithObserver(observe))
	results, err := vcem.ResyncDomains(rctx, m, ids, opts...)
	r.res.Domains = append(r.res.Domains, results...)
	if recErr != nil {
		return recErr
	}
	if err != nil {
		return fmt.Errorf("resync: VCEM phase 2: %w", err)
	}
	return nil
}

func boolKeys(m map[string]bool) map[string]string {
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = ""
	}
	return out
}

// recoverSPM is storage phase 1's start-up: prerequisites, RecoveryMode =
// InternalRecovery (journaled before SPM starts), SPM, and the wait for
// Manual Recovery Mode.
func (r *runner) recoverSPM(ctx context.Context) error {
	if r.prog.spmReady {
		r.res.RecoveryMode = r.prog.mode
		return nil
	}
	st := r.env.Storage
	if r.env.Services == nil || st.RecoveryMode == nil {
		return fmt.Errorf("%w: storage phase 1 needs the Windows services and RecoveryMode ports (Env.Services, Env.Storage.RecoveryMode)", ErrInvalid)
	}
	p1 := spm.Phase1{
		Services: r.env.Services, Names: st.Names, Config: st.RecoveryMode, Ready: st.Readiness,
		// On resume SPM may already run in Internal Recovery: stop it to
		// edit the file, as the first run did.
		StopSPMIfRunning: r.resuming,
		OnRecoveryModeSet: func(ctx context.Context, mc *spm.ModeChange) error {
			return r.record(Record{Type: RecRecoveryModeSet, Section: SectionStorage, Phase: 1, Mode: mc})
		},
	}
	if r.cfg.observer != nil {
		r.emit(Event{Type: EventWaiting, Phase: PhaseID{SectionStorage, 1}, Message: "starting SPM in Internal Recovery and waiting for Manual Recovery Mode"})
	}
	res, err := p1.Run(ctx)
	if r.prog.mode == nil && res.Mode != nil && res.Mode.Changed {
		r.prog.mode = res.Mode
	}
	r.prog.modeSet = r.prog.modeSet || res.Mode != nil
	r.res.RecoveryMode = r.prog.mode
	if err != nil {
		return fmt.Errorf("resync: storage phase 1: %w", err)
	}
	if err := r.record(Record{Type: RecSPMReady, Section: SectionStorage, Phase: 1, Message: strings.Join(res.Started, ", ")}); err != nil {
		return err
	}
	r.prog.spmReady = true
	return nil
}

// restoreRecoveryMode puts RecoveryMode back to the value storage phase 1
// found, once the storage section is done. The normal value is never
// invented: only what was found is written back.
func (r *runner) restoreRecoveryMode(ctx context.Context) error {
	if r.prog.modeRestore || r.prog.mode == nil {
		r.res.RecoveryModeRestored = r.prog.mode != nil
		return nil
	}
	if _, err := r.env.Storage.RecoveryMode.RestoreRecoveryMode(ctx, r.prog.mode); err != nil {
		return fmt.Errorf("resync: put RecoveryMode back to %q: %w", r.prog.mode.Previous, err)
	}
	if err := r.record(Record{Type: RecRecoveryModeRestored, Section: SectionStorage, Mode: r.prog.mode}); err != nil {
		return err
	}
	r.prog.modeRestore = true
	r.res.RecoveryModeRestored = true
	return nil
}

// checkResumable proves, before a resumed phase goes on, that its stores
// hold what the journal says was applied, and settles the step that was in
// flight at the crash: its effect is present (recorded applied now) or
// absent (retried). Product-driven parts of a phase (SPM's recovery before
// it reported ready) cannot be checked change by change and are re-run.
func (r *runner) checkResumable(ctx context.Context, pp *PhasePlan, changes Changes) error {
	id := pp.PhaseID
	if id == (PhaseID{SectionVCEM, 2}) || id == (PhaseID{SectionStorage, 1}) && !r.prog.spmReady {
		return nil
	}
	base := r.pred.clone()
	if id == (PhaseID{SectionStorage, 1}) {
		for _, c := range pp.Predicted {
			_ = applyTo(&base, c)
		}
	}
	inflight := r.prog.intent[id]
	for i, c := range changes {
		if r.prog.applied[id][i+1] {
			if err := applyTo(&base, c); err != nil {
				return fmt.Errorf("%w: resume %s: %v", ErrJournalCorrupt, id, err)
			}
		}
	}
	stores := map[string]bool{}
	for _, c := range changes {
		if s := storeOf(c); s != "" {
			stores[s] = true
		}
	}
	cur, err := r.readStores(ctx, stores)
	if err != nil {
		return err
	}
	for s := range stores {
		want, err := base.fingerprint(s)
		if err != nil {
			return err
		}
		got, err := cur.fingerprint(s)
		if err != nil {
			return err
		}
		if got == want {
			continue
		}
		if inflight > 0 && storeOf(changes[inflight-1]) == s {
			with := base.clone()
			_ = applyTo(&with, changes[inflight-1])
			if fp, _ := with.fingerprint(s); fp == got {
				// The in-flight change took effect before the crash.
				raw, _ := json.Marshal(changes[inflight-1])
				if err := r.record(Record{Type: RecChangeApplied, Section: id.Section, Phase: id.Phase, Step: inflight, Change: raw}); err != nil {
					return err
				}
				if r.prog.applied[id] == nil {
					r.prog.applied[id] = map[int]bool{}
				}
				r.prog.applied[id][inflight] = true
				delete(r.prog.intent, id)
				continue
			}
		}
		return fmt.Errorf("%w: resume %s: the %s store does not hold what the journal says was applied (moved by someone else?): %s",
			ErrStalePlan, id, s, summarize(diffStore(s, &base, cur), 5))
	}
	return nil
}

func (ch *chain) clone() chain {
	return chain{vcem: ch.vcem.Clone(), spm: ch.spm.Clone(), moe: ch.moe.Clone()}
}

func diffStore(store string, want, got *chain) []string {
	switch store {
	case InputVCEMRestored:
		return diffStrings(vcem.Diff(want.vcem, got.vcem))
	case InputSPMRestored:
		return diffStrings(spm.Diff(want.spm, got.spm))
	case InputMatrixOERestored:
		return diffStrings(matrixoe.Diff(want.moe, got.moe))
	}
	return nil
}

// readStores reads the current snapshots of the named stores.
func (r *runner) readStores(ctx context.Context, stores map[string]bool) (*chain, error) {
	ch := &chain{}
	var err error
	if stores[InputVCEMRestored] {
		if ch.vcem, err = r.env.VCEM.Store.Snapshot(ctx); err != nil {
			return nil, fmt.Errorf("resync: read the VCEM database: %w", err)
		}
	}
	if stores[InputSPMRestored] {
		if ch.spm, err = r.env.Storage.Catalog.Snapshot(ctx); err != nil {
			return nil, fmt.Errorf("resync: read the SPM catalog: %w", err)
		}
	}
	if stores[InputMatrixOERestored] {
		if ch.moe, err = r.env.MatrixOE.Store.Snapshot(ctx); err != nil {
			return nil, fmt.Errorf("resync: read the Matrix OE databases: %w", err)
		}
	}
	return ch, nil
}

// verify re-reads the phase's stores and re-analyses it: the stores must
// hold what the plan predicted, the analysis may report manual steps only,
// and each of those must be acknowledged.
func (r *runner) verify(ctx context.Context, pp *PhasePlan) (map[string]string, []Finding, error) {
	id := pp.PhaseID
	stores := map[string]bool{}
	for s := range pp.After {
		stores[s] = true
	}
	for _, s := range analysisReads(id) {
		if r.storePresent(s) {
			stores[s] = true
		}
	}
	cur, err := r.readStores(ctx, stores)
	if err != nil {
		return nil, nil, err
	}
	fps := map[string]string{}
	for s, want := range pp.After {
		got, err := cur.fingerprint(s)
		if err != nil {
			return nil, nil, err
		}
		fps[s] = got
		if got != want {
			return fps, nil, fmt.Errorf("%w: %s: the %s store does not hold what the plan predicted: %s", ErrNotClean, id, s,
				summarize(diffStore(s, &r.pred, cur), 5))
		}
	}
	fs, err := r.reanalyze(ctx, pp, cur)
	if err != nil {
		return fps, nil, fmt.Errorf("resync: re-analyse %s: %w", id, err)
	}
	var manual []Finding
	for _, f := range fs {
		if len(f.Changes) > 0 {
			return fps, fs, fmt.Errorf("%w: %s: the re-analysis still proposes %s", ErrNotClean, id, f.String())
		}
		if f.Blocking {
			manual = append(manual, f)
		}
	}
	asked := false
	for _, f := range manual {
		asked = asked || !r.prog.acked[f.Question().ID]
	}
	if err := r.acknowledgeAll(ctx, manual); err != nil {
		return fps, fs, err
	}
	r.res.Outstanding = append(r.res.Outstanding, manual...)
	if asked {
		// A person may have done the manual steps just now: if that changed
		// a database, the rest of the plan was computed on a state that is
		// gone.
		after, err := r.readStores(ctx, stores)
		if err != nil {
			return fps, fs, err
		}
		for s := range stores {
			was, _ := cur.fingerprint(s)
			now, _ := after.fingerprint(s)
			if was != now {
				return fps, fs, fmt.Errorf("%w: %s: the %s store changed while its manual steps were being done (%s): the rest of the plan is stale; "+
					"analyse again (with the backup manifest, so lsmanalyzer keeps the catalog as restored) and execute the new plan",
					ErrStalePlan, id, s, summarize(diffStore(s, cur, after), 5))
			}
		}
	}
	return fps, fs, nil
}

// analysisReads names the restored stores a phase's analysis reads.
func analysisReads(id PhaseID) []string {
	switch id.Section {
	case SectionServices:
		return nil
	case SectionVCEM:
		return []string{InputVCEMRestored}
	case SectionStorage:
		switch id.Phase {
		case 1:
			return []string{InputSPMRestored}
		case 2:
			return []string{InputMatrixOERestored, InputVCEMRestored}
		}
		return []string{InputMatrixOERestored, InputSPMRestored}
	}
	return []string{InputMatrixOERestored}
}

func (r *runner) storePresent(s string) bool {
	switch s {
	case InputVCEMRestored:
		return r.h.vcem
	case InputSPMRestored:
		return r.h.spm
	case InputMatrixOERestored:
		return r.h.moe
	}
	return false
}

// reanalyze runs the phase's analysis again on the current stores and a
// fresh reading of the live side.
func (r *runner) reanalyze(ctx context.Context, pp *PhasePlan, cur *chain) ([]Finding, error) {
	id, c := pp.PhaseID, r.cfg
	switch id {
	case PhaseID{SectionServices, 1}:
		sts, err := readServices(ctx, r.env.Services, r.plan.ServicePolicy)
		if err != nil {
			return nil, err
		}
		return analyzeServices(id, r.plan.ServicePolicy, sts), nil
	case PhaseID{SectionVCEM, 1}:
		live, err := vcem.GatherLive(ctx, r.env.VCEM.Live, cur.vcem, r.creds, vcem.WithReadConcurrency(c.readConcurrency))
		if err != nil {
			return nil, err
		}
		fs, err := vcem.AnalyzePhase1(cur.vcem, live, c.vcemOpts...)
		return fromVCEM(id, fs), err
	case PhaseID{SectionVCEM, 2}:
		return nil, nil // only execution can tell; ResyncDomains did
	case PhaseID{SectionStorage, 1}:
		live, err := r.env.Storage.Arrays.Live(ctx)
		if err != nil {
			return nil, err
		}
		fs, err := spm.AnalyzeWith(cur.spm, live, r.rules())
		return fromSPM(id, fs), err
	}
	ml, err := matrixoe.ReadLive(ctx, r.env.MatrixOE.Live, r.env.MatrixOE.Export)
	if err != nil {
		return nil, err
	}
	var fs []matrixoe.Finding
	switch id {
	case PhaseID{SectionStorage, 2}:
		fs, err = matrixoe.AnalyzeLSRefresh(cur.moe, cur.vcem, ml.VMPower, c.moeOpts...)
	case PhaseID{SectionStorage, 3}:
		restored := r.plan.Prior.SPM
		if r.plan.Prior.SPMAsRestored != nil {
			restored = r.plan.Prior.SPMAsRestored
		}
		fs, err = matrixoe.AnalyzeLSMAnalyzer(cur.moe, restored, cur.spm, c.moeOpts...)
	case PhaseID{SectionOrchestration, 1}:
		fs, err = matrixoe.AnalyzeIORequests(cur.moe, c.moeOpts...)
	case PhaseID{SectionOrchestration, 2}:
		var file *matrixoe.ServicesFile
		if file, err = servicesFile(cur.moe, r.plan.DeletedServices); err == nil {
			fs, err = matrixoe.AnalyzeIOServices(cur.moe, file, ml.VMPower, c.moeOpts...)
		}
	case PhaseID{SectionOrchestration, 3}:
		fs, err = matrixoe.AnalyzeIOIPs(cur.moe, ml.IPs, c.moeOpts...)
	case PhaseID{SectionRecovery, 1}:
		fs, err = matrixoe.AnalyzeRM(cur.moe, ml.Export, c.moeOpts...)
	}
	return fromMatrixOE(id, fs), err
}

func (r *runner) rules() spm.SignatureRules {
	if r.env.Storage != nil && r.env.Storage.Rules != nil {
		return *r.env.Storage.Rules
	}
	return spm.DefaultSignatureRules()
}

// RecSPMReady marks storage phase 1's start-up as done: SPM runs in Internal
// Recovery and showed Manual Recovery Mode.
const RecSPMReady RecordType = "spm-ready"
