package resync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// state is everything one analysis reads: the restored databases and the
// live side of every section present.
type state struct {
	services []ServiceStatus // nil: not read
	vcem     *vcem.Snapshot
	vcemLive []vcem.LiveDomain
	spm      *spm.Snapshot
	spmLive  *spm.Live
	moe      *matrixoe.Snapshot
	moeLive  *matrixoe.LiveState

	// prints are the inputs' fingerprints being computed (see
	// startPrints), fps what they remember of the restored databases' key
	// orders for the predicted chain's fingerprints (nil: nothing).
	prints map[string]*fingerprint
	fps    *fingerprinters
	// planned says a plan is computed from this state. The restored VCEM,
	// SPM and Matrix OE databases are then fingerprinted through
	// vcemChain, spmChain and moeChain: the predicted chain's states,
	// started from clones of them as they are read. A chain's first
	// fingerprint is its input's, and what it encodes then makes its later
	// ones cost only the records the phases change. The first compute
	// takes them. A state read only to be fingerprinted (a freshness
	// check, a manifest) clones nothing.
	planned   bool
	vcemChain *vcem.Chain
	spmChain  *spm.Chain
	moeChain  *matrixoe.Chain
}

// has reports which sections have the ports they need.
type has struct {
	services, vcem, spm, moe bool
}

func available(env *Env, c *config) has {
	return has{
		services: env.Services != nil && len(c.policy) > 0,
		vcem:     env.VCEM != nil && env.VCEM.Store != nil && env.VCEM.Live != nil,
		spm:      env.Storage != nil && env.Storage.Catalog != nil && env.Storage.Arrays != nil,
		moe:      env.MatrixOE != nil && env.MatrixOE.Store != nil && env.MatrixOE.Live != nil,
	}
}

// Analyze is the dry run of a whole resync: it reads every section once,
// writes nothing, and returns the plan of every phase in mxsync's order —
// the service check, VCEM 1–2, storage 1–3, orchestration 1–3, recovery
// management — each analysed on the state the earlier phases will leave:
// their changes applied to in-memory copies, plus what the products will do
// by themselves (VCEM's resync, SPM's Internal Recovery). So, unlike
// mxsync's analysis-only mode, a later phase's findings are exact.
//
// A section whose ports are nil (or not chosen with WithSections) is skipped
// and the plan says why. Analyze never prompts for anything but the deleted
// IO services, and only when neither WithDeletedServices nor the services
// file gives them and a Prompter was given.
func Analyze(ctx context.Context, env *Env, opts ...Option) (*Plan, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: Analyze: nil Env", ErrInvalid)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	h := available(env, cfg)
	st, err := read(ctx, env, cfg, h, true)
	if err != nil {
		return nil, err
	}
	del, src, err := deletedServices(ctx, env, cfg, st, h)
	if err != nil {
		return nil, err
	}
	p, err := compute(st, h, cfg, env, del, src)
	if err != nil {
		return nil, err
	}
	if cfg.manifest != nil {
		if err := useManifest(p, st, cfg.manifest); err != nil {
			return nil, err
		}
	}
	return p, p.seal()
}

// read reads every section's restored and live side once; planned says a
// plan is computed from what it reads (see state.planned).
func read(ctx context.Context, env *Env, c *config, h has, planned bool) (*state, error) {
	return readFrom(ctx, env, c, h, nil, planned)
}

// readFrom is read with the restored databases taken from backup (a
// manifest's state, for WhatIf) instead of the stores, when backup is not
// nil: only the live side is read, and a section the backup does not hold
// is not read at all.
//
// Each input is fingerprinted on its own goroutine as soon as it is read,
// and the restored VCEM database validated on another, while the rest is
// read: reading is one goroutine waiting on ports, the cores are free. A
// read error after the VCEM database is read is reported after that
// database's validation error, if any, as when validating came first.
func readFrom(ctx context.Context, env *Env, c *config, h has, backup *Prior, planned bool) (*state, error) {
	st := &state{fps: &fingerprinters{}, planned: planned}
	var err error
	vcemCheck := func() error { return nil }
	fail := func(err error) (*state, error) {
		if verr := vcemCheck(); verr != nil {
			return nil, verr
		}
		return nil, err
	}
	if h.services && c.runs(SectionServices) {
		if st.services, err = readServices(ctx, env.Services, c.policy); err != nil {
			return nil, err
		}
		st.startPrints()
	}
	// A section not chosen is not read: its stores are neither needed nor
	// fingerprinted (Execute reads the plan's sections alike).
	needVCEM := c.runs(SectionVCEM) || c.runs(SectionStorage)
	needSPM := c.runs(SectionStorage)
	needMOE := c.runs(SectionStorage) || c.runs(SectionOrchestration) || c.runs(SectionRecovery)
	if h.vcem && needVCEM {
		if backup != nil {
			st.vcem = backup.VCEM
		} else {
			if st.vcem, err = env.VCEM.Store.Snapshot(ctx); err != nil {
				return nil, fmt.Errorf("resync: read the restored VCEM database: %w", err)
			}
			s := st.vcem
			check := startFingerprint(func() (string, error) { return "", s.Validate() })
			vcemCheck = func() error {
				if _, err := check.wait(); err != nil {
					return fmt.Errorf("resync: the restored VCEM database: %w", err)
				}
				return nil
			}
		}
		// The live domains are read against the restored domain list
		// (its domains only, which need no validation).
		if st.vcem != nil {
			st.startPrints()
			if st.vcemLive, err = vcem.GatherLive(ctx, env.VCEM.Live, st.vcem, c.creds, vcem.WithReadConcurrency(c.readConcurrency)); err != nil {
				return fail(fmt.Errorf("resync: read the VC domains: %w", err))
			}
			st.startPrints()
		}
	}
	if h.spm && needSPM {
		if backup != nil {
			st.spm = backup.SPM
		} else if st.spm, err = env.Storage.Catalog.Snapshot(ctx); err != nil {
			return fail(fmt.Errorf("resync: read the restored SPM catalog: %w", err))
		}
		if st.spm != nil {
			if st.spmLive, err = env.Storage.Arrays.Live(ctx); err != nil {
				return fail(fmt.Errorf("resync: read the arrays: %w", err))
			}
			st.startPrints()
		}
	}
	if h.moe && needMOE {
		if backup != nil {
			st.moe = backup.MatrixOE
		} else if st.moe, err = env.MatrixOE.Store.Snapshot(ctx); err != nil {
			return fail(fmt.Errorf("resync: read the restored Matrix OE databases: %w", err))
		}
		if st.moe != nil {
			if st.moeLive, err = matrixoe.ReadLive(ctx, env.MatrixOE.Live, env.MatrixOE.Export); err != nil {
				return fail(fmt.Errorf("resync: read the live Matrix OE side: %w", err))
			}
			st.startPrints()
		}
	}
	if err := vcemCheck(); err != nil {
		return nil, err
	}
	return st, nil
}

// deletedServices resolves the IO services taken as deleted after the
// backup: the option, else the operator's '*' marks in the services file,
// else the Prompter, else none.
func deletedServices(ctx context.Context, env *Env, c *config, st *state, h has) ([]string, string, error) {
	if !h.moe || !c.runs(SectionOrchestration) {
		return nil, "", nil
	}
	if c.deletedSet {
		return slices.Clone(c.deleted), "WithDeletedServices", nil
	}
	if sf := env.MatrixOE.ServicesFile; sf != nil {
		f, err := sf.ReadServicesFile(ctx, st.moe)
		switch {
		case err == nil:
			return f.Deleted(), "InfrastructureServices.txt", nil
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, matrixoe.ErrNotFound):
			return nil, "", fmt.Errorf("resync: read InfrastructureServices.txt: %w", err)
		}
	}
	if c.prompter != nil {
		names := serviceNames(st.moe)
		q := Question{Kind: AskDeletedServices, ID: "deleted-services", Phase: PhaseID{SectionOrchestration, 2}, Services: names,
			Text: "which IO services were deleted after the backup?"}
		del, err := c.prompter.DeletedServices(ctx, q)
		if err != nil {
			return nil, "", fmt.Errorf("resync: deleted IO services: %w", err)
		}
		return del, "prompter", nil
	}
	return nil, "none given (no services file, WithDeletedServices or Prompter)", nil
}

// WriteServicesFile writes InfrastructureServices.txt (Env.MatrixOE.ServicesFile)
// from the restored Matrix OE databases, for the operator to mark with '*'
// the IO services deleted after the backup before Analyze reads it (BR70
// p42: mxsync writes the file, the operator edits it). It is the one write
// outside Execute, and it writes only that file.
func WriteServicesFile(ctx context.Context, env *Env) error {
	if env == nil || env.MatrixOE == nil || env.MatrixOE.Store == nil || env.MatrixOE.ServicesFile == nil {
		return fmt.Errorf("%w: WriteServicesFile needs the Matrix OE store and services-file ports", ErrInvalid)
	}
	s, err := env.MatrixOE.Store.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("resync: read the restored Matrix OE databases: %w", err)
	}
	return env.MatrixOE.ServicesFile.WriteServicesFile(ctx, s)
}

func serviceNames(s *matrixoe.Snapshot) []string {
	var names []string
	for _, sv := range s.Services {
		names = append(names, sv.Name)
	}
	slices.Sort(names)
	return names
}

// chain is the predicted state as the phases are planned one after the
// other: clones of the restored databases with every earlier phase applied.
type chain struct {
	vcem *vcem.Snapshot
	spm  *spm.Snapshot
	moe  *matrixoe.Snapshot
	// vcemChain, spmChain and moeChain hold vcem, spm and moe when they
	// are the analysis's chain (nil: the store is changed and
	// fingerprinted directly, as the execute's chains are).
	vcemChain *vcem.Chain
	spmChain  *spm.Chain
	moeChain  *matrixoe.Chain
	// prints are the fingerprints of the stores as they are now, computed
	// on other goroutines while the next phases are analysed (analysis
	// only reads a store; a change waits for its store's fingerprint
	// first), and reused while no change is applied: most phases touch
	// one store or none, and a Large estate's fingerprint costs a tenth of
	// a second. Nil for the execute's chains, which fingerprint at once.
	prints map[string]*fingerprint
	// fps remember the stores' key orders from one fingerprint to the
	// next (nil: they are sorted each time).
	fps *fingerprinters
}

// settle waits for the fingerprint being taken of a store, which is then
// about to change, and forgets it.
func (ch *chain) settle(store string) {
	if f, ok := ch.prints[store]; ok {
		<-f.done
		delete(ch.prints, store)
	}
}

func (ch *chain) applyVCEM(cs ...vcem.Change) error {
	if len(cs) > 0 {
		ch.settle(InputVCEMRestored)
	}
	if ch.vcemChain != nil {
		return ch.vcemChain.Apply(cs...)
	}
	return vcem.ApplyAll(ch.vcem, cs...)
}

func (ch *chain) applySPM(cs ...spm.Change) error {
	if len(cs) > 0 {
		ch.settle(InputSPMRestored)
	}
	if ch.spmChain != nil {
		return ch.spmChain.Apply(cs...)
	}
	return spm.ApplyAll(ch.spm, cs...)
}

func (ch *chain) applyMOE(cs ...matrixoe.Change) error {
	if len(cs) > 0 {
		ch.settle(InputMatrixOERestored)
	}
	if ch.moeChain != nil {
		return ch.moeChain.Apply(cs...)
	}
	return matrixoe.ApplyAll(ch.moe, cs...)
}

// takeChain returns the predicted chain of one restored store and its
// state: the chain a planned read started (taken from the read state, so
// that only one compute uses it), or a new one; nil when the store was not
// read.
func takeChain[S, C any](taken **C, restored *S, newChain func(*S) *C, snapshot func(*C) *S) (*C, *S) {
	c := *taken
	*taken = nil
	if c == nil && restored != nil {
		c = newChain(restored)
	}
	if c == nil {
		return nil, nil
	}
	return c, snapshot(c)
}

// compute plans every phase on st. It is pure: it reads st and writes only
// its own copies.
func compute(st *state, h has, c *config, env *Env, deleted []string, deletedSrc string) (*Plan, error) {
	p := &Plan{
		Schema:                PlanSchema,
		SDKVersion:            SDKVersion,
		Created:               c.now().UTC(),
		Inputs:                map[string]string{},
		DeletedServices:       deleted,
		DeletedServicesSource: deletedSrc,
		ServicePolicy:         c.policy,
		Prior: Prior{VCEM: st.vcem, VCEMLive: st.vcemLive, SPM: st.spm, SPMLive: st.spmLive,
			MatrixOE: st.moe, MatrixOELive: st.moeLive, Services: st.services},
	}
	st.startPrints()
	inputs, fps := st.prints, st.fps
	for id, cd := range c.creds {
		t := cd.Target
		t.ID = id
		p.Credentialed = append(p.Credentialed, t)
	}
	slices.SortFunc(p.Credentialed, func(a, b vcem.DomainTarget) int { return compareStrings(a.ID, b.ID) })

	skip := map[Section]string{}
	note := func(s Section, ok bool, why string) {
		switch {
		case !c.runs(s):
			skip[s] = "not chosen (WithSections)"
		case !ok:
			skip[s] = why
		}
	}
	note(SectionServices, h.services, "no Windows services port, or an empty service policy")
	note(SectionVCEM, h.vcem, "no VCEM ports (restored store and live domains)")
	note(SectionStorage, h.spm || h.moe, "no SPM or Matrix OE ports")
	note(SectionOrchestration, h.moe, "no Matrix OE ports")
	note(SectionRecovery, h.moe, "no Matrix OE ports")
	for _, s := range Sections() {
		if why, ok := skip[s]; ok {
			p.Skipped = append(p.Skipped, SkippedSection{Section: s, Reason: why})
		} else {
			p.Sections = append(p.Sections, s)
		}
	}

	// The chain starts as clones of the restored stores: their fingerprints
	// are the inputs'.
	ch := chain{prints: map[string]*fingerprint{}, fps: fps}
	for _, in := range []string{InputVCEMRestored, InputSPMRestored, InputMatrixOERestored} {
		if f, ok := inputs[in]; ok {
			ch.prints[in] = f
		}
	}
	ch.vcemChain, ch.vcem = takeChain(&st.vcemChain, st.vcem, vcem.NewChain, (*vcem.Chain).Snapshot)
	ch.spmChain, ch.spm = takeChain(&st.spmChain, st.spm, spm.NewChain, (*spm.Chain).Snapshot)
	ch.moeChain, ch.moe = takeChain(&st.moeChain, st.moe, matrixoe.NewChain, (*matrixoe.Chain).Snapshot)
	pl := planner{st: st, c: c, env: env, ch: &ch, deleted: deleted}
	if m := c.manifest; m != nil && m.State.SPM != nil && st.spm != nil && reentered(m.State.SPM, st.spm) {
		p.Prior.SPMAsRestored = m.State.SPM
		pl.asRestored = m.State.SPM
	}
	for _, id := range Phases() {
		pp := PhasePlan{PhaseID: id, Title: id.Title(), Findings: []Finding{}}
		if why, ok := skip[id.Section]; ok {
			pp.Skipped = why
		} else if err := pl.phase(&pp); err != nil {
			return nil, fmt.Errorf("resync: analyse %s: %w", id, err)
		}
		p.Phases = append(p.Phases, pp)
	}
	if err := joinFingerprints(p.Inputs, inputs); err != nil {
		return nil, err
	}
	if err := pl.finish(); err != nil {
		return nil, err
	}
	return p, nil
}

// seal sets the plan's ID from its content.
func (p *Plan) seal() error {
	id, err := p.identify()
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func fingerprintJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// planner plans one phase after another on the chain of predicted states.
type planner struct {
	st      *state
	c       *config
	env     *Env
	ch      *chain
	deleted []string
	// asRestored is the SPM catalog as restored (Prior.SPMAsRestored), or nil.
	asRestored *spm.Snapshot
	// pending are the phases' After fingerprints being computed.
	pending []pendingPrint
}

func (pl *planner) phase(pp *PhasePlan) error {
	st, ch, c := pl.st, pl.ch, pl.c
	switch pp.PhaseID {
	case PhaseID{SectionServices, 1}:
		pp.Findings = analyzeServices(pp.PhaseID, c.policy, st.services)
		return nil

	case PhaseID{SectionVCEM, 1}:
		fs, err := vcem.AnalyzePhase1(ch.vcem, st.vcemLive, append([]vcem.AnalysisOption{vcem.Prevalidated()}, c.vcemOpts...)...)
		if err != nil {
			return err
		}
		pp.Findings = fromVCEM(pp.PhaseID, fs)
		if err := ch.applyVCEM(vcem.ChangesOf(fs)...); err != nil {
			return err
		}
		return pl.after(pp, InputVCEMRestored)

	case PhaseID{SectionVCEM, 2}:
		fs, err := vcem.AnalyzePhase2(ch.vcem)
		if err != nil {
			return err
		}
		pp.Findings = fromVCEM(pp.PhaseID, fs)
		pred, err := vcem.PredictResync(ch.vcem, st.vcemLive, append([]vcem.AnalysisOption{vcem.Prevalidated()}, c.vcemOpts...)...)
		if err != nil {
			return err
		}
		pp.Predicted, pp.PredictedBy = toChanges(pred), "VCEM resync"
		if err := ch.applyVCEM(pred...); err != nil {
			return err
		}
		return pl.after(pp, InputVCEMRestored)

	case PhaseID{SectionStorage, 1}:
		if ch.spm == nil {
			pp.Skipped = "no SPM ports"
			return nil
		}
		rules := pl.rules()
		fs, rec, err := spm.AnalyzeRecovery(st.spm, st.spmLive, rules)
		if err != nil {
			return err
		}
		pp.Findings = fromSPM(pp.PhaseID, fs)
		pp.Predicted, pp.PredictedBy = toChanges(rec), "SPM Internal Recovery"
		// SPM recovers first (the execute starts it in Internal Recovery),
		// then the phase's own changes are applied on what it leaves.
		if err := ch.applySPM(rec...); err != nil {
			return err
		}
		if err := ch.applySPM(spm.ChangesOf(fs)...); err != nil {
			return err
		}
		return pl.after(pp, InputSPMRestored)

	case PhaseID{SectionStorage, 2}:
		switch {
		case ch.moe == nil:
			pp.Skipped = "no Matrix OE ports"
			return nil
		case ch.vcem == nil:
			pp.Skipped = "the logical-server refresh needs the VCEM database (no VCEM ports)"
			return nil
		}
		fs, err := matrixoe.AnalyzeLSRefresh(ch.moe, ch.vcem, st.moeLive.VMPower, c.moeOpts...)
		if err != nil {
			return err
		}
		pp.Findings = fromMatrixOE(pp.PhaseID, fs)
		if err := ch.applyMOE(matrixoe.ChangesOf(fs)...); err != nil {
			return err
		}
		return pl.after(pp, InputMatrixOERestored)

	case PhaseID{SectionStorage, 3}:
		switch {
		case ch.moe == nil:
			pp.Skipped = "no Matrix OE ports"
			return nil
		case ch.spm == nil:
			pp.Skipped = "lsmanalyzer needs the SPM catalog (no SPM ports)"
			return nil
		}
		fs, err := matrixoe.AnalyzeLSMAnalyzer(ch.moe, pl.restoredSPM(), ch.spm, c.moeOpts...)
		if err != nil {
			return err
		}
		pp.Findings = fromMatrixOE(pp.PhaseID, fs)
		mc := matrixoe.ChangesOf(fs)
		if err := ch.applyMOE(mc...); err != nil {
			return err
		}
		if err := ch.applySPM(matrixoe.SPMChangesOf(mc)...); err != nil {
			return err
		}
		return pl.after(pp, InputMatrixOERestored, InputSPMRestored)

	case PhaseID{SectionOrchestration, 1}:
		fs, err := matrixoe.AnalyzeIORequests(ch.moe, c.moeOpts...)
		return pl.moePhase(pp, fs, err)

	case PhaseID{SectionOrchestration, 2}:
		file, err := servicesFile(ch.moe, pl.deleted)
		if err != nil {
			return err
		}
		fs, err := matrixoe.AnalyzeIOServices(ch.moe, file, st.moeLive.VMPower, c.moeOpts...)
		return pl.moePhase(pp, fs, err)

	case PhaseID{SectionOrchestration, 3}:
		fs, err := matrixoe.AnalyzeIOIPs(ch.moe, st.moeLive.IPs, c.moeOpts...)
		return pl.moePhase(pp, fs, err)

	case PhaseID{SectionRecovery, 1}:
		fs, err := matrixoe.AnalyzeRM(ch.moe, st.moeLive.Export, c.moeOpts...)
		return pl.moePhase(pp, fs, err)
	}
	return fmt.Errorf("unknown phase %s", pp.PhaseID)
}

// restoredSPM is the catalog as restored from the backup: the manifest's
// when a person re-entered changes since (see Prior.SPMAsRestored).
func (pl *planner) restoredSPM() *spm.Snapshot {
	if pl.asRestored != nil {
		return pl.asRestored
	}
	return pl.st.spm
}

func (pl *planner) moePhase(pp *PhasePlan, fs []matrixoe.Finding, err error) error {
	if err != nil {
		return err
	}
	pp.Findings = fromMatrixOE(pp.PhaseID, fs)
	if err := pl.ch.applyMOE(matrixoe.ChangesOf(fs)...); err != nil {
		return err
	}
	return pl.after(pp, InputMatrixOERestored)
}

// after records the predicted fingerprints of the stores a phase touched;
// they are filled in when the plan is done (planner.finish).
func (pl *planner) after(pp *PhasePlan, stores ...string) error {
	pp.After = map[string]string{}
	for _, s := range stores {
		f, ok := pl.ch.prints[s]
		if !ok {
			fn, err := pl.ch.fingerprinter(s)
			if err != nil {
				return err
			}
			f = startFingerprint(fn)
			pl.ch.prints[s] = f
		}
		pl.pending = append(pl.pending, pendingPrint{pp.After, s, f})
	}
	return nil
}

// pendingPrint is a phase's After entry still being computed.
type pendingPrint struct {
	after map[string]string
	store string
	f     *fingerprint
}

// finish waits for every fingerprint the phases asked for.
func (pl *planner) finish() error {
	for _, p := range pl.pending {
		fp, err := p.f.wait()
		if err != nil {
			return fmt.Errorf("resync: fingerprint %s: %w", p.store, err)
		}
		p.after[p.store] = fp
	}
	pl.pending = nil
	return nil
}

// fingerprinter returns the function that fingerprints a store of the chain.
func (ch *chain) fingerprinter(store string) (func() (string, error), error) {
	switch store {
	case InputVCEMRestored:
		if c := ch.vcemChain; c != nil {
			return c.Fingerprint, nil
		}
		s := ch.vcem
		return func() (string, error) { return ch.fps.forVCEM().Fingerprint(s) }, nil
	case InputSPMRestored:
		if c := ch.spmChain; c != nil {
			return c.Fingerprint, nil
		}
		s := ch.spm
		return func() (string, error) { return ch.fps.forSPM().Fingerprint(s) }, nil
	case InputMatrixOERestored:
		if c := ch.moeChain; c != nil {
			return c.Fingerprint, nil
		}
		s := ch.moe
		return func() (string, error) { return ch.fps.forMOE().Fingerprint(s) }, nil
	}
	return nil, fmt.Errorf("unknown store %q", store)
}

// fingerprint is the synchronous form the execute uses.
func (ch *chain) fingerprint(store string) (string, error) {
	fn, err := ch.fingerprinter(store)
	if err != nil {
		return "", err
	}
	return fn()
}

func (pl *planner) rules() spm.SignatureRules {
	if pl.env.Storage != nil && pl.env.Storage.Rules != nil {
		return *pl.env.Storage.Rules
	}
	return spm.DefaultSignatureRules()
}

// servicesFile builds InfrastructureServices.txt as the operator would have
// marked it, for the state s, through the real parser: services named
// deleted that s no longer holds were already removed.
func servicesFile(s *matrixoe.Snapshot, deleted []string) (*matrixoe.ServicesFile, error) {
	text, err := matrixoe.FormatServicesFile(s)
	if err != nil {
		return nil, err
	}
	marked := map[string]bool{}
	for _, d := range deleted {
		marked[d] = true
	}
	var b bytes.Buffer
	for _, line := range bytes.SplitAfter(text, []byte("\r\n")) {
		if marked[string(bytes.TrimRight(line, "\r\n"))] {
			b.WriteByte('*')
		}
		b.Write(line)
	}
	return matrixoe.ParseServicesFile(b.Bytes(), s)
}

// --- envelopes ----------------------------------------------------------------

func toChanges[C Change](cs []C) Changes {
	if len(cs) == 0 {
		return nil
	}
	out := make(Changes, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

func detail(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "{}" {
		return nil
	}
	return b
}

func fromVCEM(ph PhaseID, fs []vcem.Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = Finding{Phase: ph, Code: string(f.Code), Severity: Severity(f.Severity), Blocking: f.Blocking(),
			Subject: f.Subject.String(), Message: f.Message, Changes: toChanges(f.Changes), Manual: f.Manual, Detail: detail(f.Subject)}
	}
	return out
}

func fromSPM(ph PhaseID, fs []spm.Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = Finding{Phase: ph, Code: string(f.Code), Severity: Severity(f.Severity), Blocking: f.Blocking(),
			Subject: f.Subject.String(), Message: f.Message, Changes: toChanges(f.Changes), Manual: f.Manual, Detail: detail(f.Subject)}
	}
	return out
}

// fromMatrixOE wraps Matrix OE findings; a DeleteVolumeFromSPM is followed
// by the SPM change it implies, so each change of the plan has one store.
func fromMatrixOE(ph PhaseID, fs []matrixoe.Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		var cs Changes
		for _, c := range f.Changes {
			cs = append(cs, c)
			if d, ok := c.(matrixoe.DeleteVolumeFromSPM); ok {
				cs = append(cs, d.SPMChange())
			}
		}
		out[i] = Finding{Phase: ph, Code: string(f.Code), Severity: Severity(f.Severity), Blocking: f.Blocking(),
			Subject: f.Subject.String(), Message: f.Message, Changes: cs, Manual: f.Manual, Detail: detail(f.Subject)}
	}
	return out
}
