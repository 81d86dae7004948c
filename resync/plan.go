package resync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// PlanSchema is the version of the plan's data format. Execute refuses a
// plan of another schema.
const PlanSchema = 1

// SDKVersion is this SDK's version, recorded in plans, manifests and
// reports.
const SDKVersion = "0.1.0"

// Input and store names, the keys of Plan.Inputs and PhasePlan.After.
const (
	InputVCEMRestored     = "vcem.restored"
	InputVCEMLive         = "vcem.live"
	InputSPMRestored      = "spm.restored"
	InputSPMLive          = "spm.live"
	InputMatrixOERestored = "matrixoe.restored"
	InputMatrixOELive     = "matrixoe.live"
	InputServices         = "services"
)

// Plan is the result of Analyze: everything the resync would do, as data.
// It can be printed (Report), saved and read back (json.Marshal,
// DecodePlan), reviewed, and executed later (Execute), which refuses it when
// the state it was computed from has moved.
//
// Like a Terraform plan it carries the prior state it was computed from
// (Prior), so a refusal can name the records that moved and a resumed
// execute can check the stores against what the journal says was applied.
type Plan struct {
	Schema     int       `json:"schema"`
	SDKVersion string    `json:"sdkVersion"`
	Created    time.Time `json:"created"`
	// WhatIf is set when a backup manifest stood in for the restored
	// databases (the pre-restore what-if): such a plan cannot be executed.
	WhatIf bool `json:"whatIf,omitempty"`
	// Sections are the sections analysed, in order; Skipped the others.
	Sections []Section        `json:"sections"`
	Skipped  []SkippedSection `json:"skipped,omitempty"`
	// Inputs are the fingerprints of everything read ("vcem.restored":
	// "sha256:…"), checked again by Execute.
	Inputs map[string]string `json:"inputs"`
	// Credentialed are the domains read with caller-supplied credentials
	// (the credentials themselves are never in a plan): Execute asks for
	// them again to re-read those domains.
	Credentialed []vcem.DomainTarget `json:"credentialed,omitempty"`
	// DeletedServices are the IO services taken as deleted after the
	// backup (the '*' marks), and where the list came from.
	DeletedServices       []string `json:"deletedServices,omitempty"`
	DeletedServicesSource string   `json:"deletedServicesSource,omitempty"`
	// ServicePolicy is the policy of the service check; the execute checks
	// the services against it again.
	ServicePolicy []ServicePolicy `json:"servicePolicy,omitempty"`
	// Manifest is the ID of the backup manifest the analysis used, if any.
	Manifest string `json:"manifest,omitempty"`
	// Phases holds every phase in order, analysed or skipped.
	Phases []PhasePlan `json:"phases"`
	// Prior is the state the plan was computed from.
	Prior Prior `json:"prior"`
	// ID identifies the plan: the SHA-256 of its content in JSON form,
	// without the ID and without the prior snapshots, which it binds
	// through their fingerprints in Inputs.
	ID string `json:"id"`
}

// SkippedSection is a section the analysis did not run, and why.
type SkippedSection struct {
	Section Section `json:"section"`
	Reason  string  `json:"reason"`
}

// PhasePlan is one phase of a plan.
type PhasePlan struct {
	PhaseID
	Title string `json:"title"`
	// Skipped says why the phase is not analysed ("" when it is).
	Skipped string `json:"skipped,omitempty"`
	// Findings in the section's deterministic order.
	Findings []Finding `json:"findings"`
	// Predicted are the changes the products make by themselves during the
	// phase (VCEM's resync, SPM's Internal Recovery), predicted so that the
	// later phases are analysed on the state this one leaves.
	Predicted   Changes `json:"predicted,omitempty"`
	PredictedBy string  `json:"predictedBy,omitempty"`
	// After are the fingerprints of the stores the phase touches, predicted
	// for when it is done; Execute checks them after the phase.
	After map[string]string `json:"after,omitempty"`
}

// Prior is the state a plan was computed from: the restored databases and
// the live side of every section analysed.
type Prior struct {
	VCEM         *vcem.Snapshot      `json:"vcem,omitempty"`
	VCEMLive     []vcem.LiveDomain   `json:"vcemLive,omitempty"`
	SPM          *spm.Snapshot       `json:"spm,omitempty"`
	SPMLive      *spm.Live           `json:"spmLive,omitempty"`
	MatrixOE     *matrixoe.Snapshot  `json:"matrixoe,omitempty"`
	MatrixOELive *matrixoe.LiveState `json:"matrixoeLive,omitempty"`
	// SPMAsRestored is the SPM catalog as restored from the backup (the
	// manifest's), when the analysis ran after a person had re-entered SPM
	// changes by hand (storage phase 1's manual re-entry): lsmanalyzer
	// compares the current catalog with it (a volume re-imported after the
	// backup is "not in the restored catalog", table 15's Volume2).
	SPMAsRestored *spm.Snapshot   `json:"spmAsRestored,omitempty"`
	Services      []ServiceStatus `json:"services,omitempty"`
}

// Phase returns the plan's phase p, or nil.
func (p *Plan) Phase(id PhaseID) *PhasePlan {
	for i := range p.Phases {
		if p.Phases[i].PhaseID == id {
			return &p.Phases[i]
		}
	}
	return nil
}

// Findings returns every finding of the plan, in phase order.
func (p *Plan) Findings() []Finding {
	var out []Finding
	for _, ph := range p.Phases {
		out = append(out, ph.Findings...)
	}
	return out
}

// Changes returns every change the execute would apply, in order.
func (p *Plan) Changes() Changes {
	var out Changes
	for _, ph := range p.Phases {
		for _, f := range ph.Findings {
			out = append(out, f.Changes...)
		}
	}
	return out
}

// Clean reports whether nothing is to be done: no finding is actionable.
// The per-domain resync (VCEM phase 2) is a potential issue only and does
// not count.
func (p *Plan) Clean() bool {
	for _, f := range p.Findings() {
		if f.Actionable() {
			return false
		}
	}
	return true
}

// Summary counts a plan's findings per section.
type Summary struct {
	Sections []SectionSummary `json:"sections"`
	Total    SectionSummary   `json:"total"`
}

// SectionSummary counts one section's findings.
type SectionSummary struct {
	Section  Section `json:"section,omitempty"`
	Findings int     `json:"findings"`
	Changes  int     `json:"changes"`
	Manual   int     `json:"manual"`
	Blocking int     `json:"blocking"`
}

// Summary counts the plan's findings, changes, manual steps and blocking
// findings per section.
func (p *Plan) Summary() Summary {
	var s Summary
	idx := map[Section]int{}
	for _, ph := range p.Phases {
		i, ok := idx[ph.Section]
		if !ok {
			i = len(s.Sections)
			idx[ph.Section] = i
			s.Sections = append(s.Sections, SectionSummary{Section: ph.Section})
		}
		for _, f := range ph.Findings {
			c := &s.Sections[i]
			c.Findings++
			c.Changes += len(f.Changes)
			if f.Manual != "" {
				c.Manual++
			}
			if f.Blocking {
				c.Blocking++
			}
		}
	}
	for _, c := range s.Sections {
		s.Total.Findings += c.Findings
		s.Total.Changes += c.Changes
		s.Total.Manual += c.Manual
		s.Total.Blocking += c.Blocking
	}
	return s
}

// planJSON is the plan's wire form: the plan without methods.
type planJSON Plan

// MarshalJSON writes the plan; ID is (re)computed from the content. It
// writes what [Plan.AppendJSON] appends.
func (p *Plan) MarshalJSON() ([]byte, error) { return p.AppendJSON(nil) }

// identify returns the plan's ID: the SHA-256 of its JSON form (in pieces)
// without the ID and without the prior snapshots. The snapshots are bound to the ID
// through their fingerprints in Inputs, which Execute checks them against
// (checkPrior); hashing their fingerprints instead of their JSON keeps
// Analyze from encoding the whole estate a second time. The SPM catalog as
// restored (Prior.SPMAsRestored), which has no input of its own, is bound
// by its fingerprint.
func (p *Plan) identify() (string, error) { return p.walk(nil) }

// walk hashes the pieces of the plan's JSON form that its ID covers (see
// identify) and returns the ID. With head non-nil it also appends to
// *head the document up to its prior, `{"schema":…,"phases":[…],`, built
// from the same pieces, so that [Plan.AppendJSON] encodes the phases
// (most of a Large plan's 20 MB outside its prior) once, not twice.
func (p *Plan) walk(head *[]byte) (string, error) {
	cp := *p
	cp.ID = ""
	cp.Prior = Prior{Services: p.Prior.Services}
	cp.Phases = nil
	h := sha256.New()
	fail := func(err error) (string, error) { return "", fmt.Errorf("resync: encode plan: %w", err) }
	// Each piece is encoded as json.Encoder writes it, and hashed with
	// its newline: a Large plan's findings would otherwise be built as
	// one JSON document only to be hashed. The findings, tens of
	// thousands, are encoded in chunks on every core (encodeChunks), and
	// hashed in order.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode((*planJSON)(&cp)); err != nil {
		return fail(err)
	}
	h.Write(buf.Bytes())
	top := buf.Bytes()[:buf.Len()-1] // without the newline
	if head != nil {
		// Phases, Prior and ID are the last fields; the prior here holds
		// only the services, which cannot spell a key.
		i := bytes.LastIndex(top, []byte(`"phases":null,"prior":`))
		if i < 0 {
			return fail(errors.New("unexpected form"))
		}
		*head = append(*head, top[:i]...)
		*head = append(*head, `"phases":`...)
		if p.Phases == nil {
			*head = append(*head, "null"...)
		} else {
			*head = append(*head, '[')
		}
	}
	var chunks []findingChunk
	for i := range p.Phases {
		chunks = append(chunks, findingChunk{phase: i, header: true})
		for from := 0; from < len(p.Phases[i].Findings); from += findingsPerChunk {
			chunks = append(chunks, findingChunk{phase: i, from: from, to: min(from+findingsPerChunk, len(p.Phases[i].Findings))})
		}
	}
	// rest is the open phase's JSON after its findings, appended to head
	// once they are.
	var rest []byte
	closePhase := func(i int) {
		if p.Phases[i].Findings != nil {
			*head = append(*head, ']')
		}
		*head = append(*head, rest...)
	}
	err := encodeChunks(p, chunks, func(c findingChunk, b []byte) error {
		h.Write(b)
		if head == nil {
			return nil
		}
		if !c.header {
			// One finding per line: the encoder escapes newlines in
			// strings, so each newline ends a finding.
			if c.from > 0 {
				*head = append(*head, ',')
			}
			n := len(*head)
			*head = append(*head, b[:len(b)-1]...)
			for k, ch := range (*head)[n:] {
				if ch == '\n' {
					(*head)[n+k] = ','
				}
			}
			return nil
		}
		if c.phase > 0 {
			closePhase(c.phase - 1)
			*head = append(*head, ',')
		}
		// The first `"findings":null` is the field: a string cannot hold
		// it unescaped, and only strings come before it.
		const null = `"findings":null`
		b = b[:len(b)-1]
		j := bytes.Index(b, []byte(null))
		if j < 0 {
			return errors.New("unexpected form")
		}
		*head = append(*head, b[:j+len(`"findings":`)]...)
		rest = append(rest[:0], b[j+len(null):]...)
		if p.Phases[c.phase].Findings == nil {
			*head = append(*head, "null"...)
		} else {
			*head = append(*head, '[')
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if head != nil {
		if len(p.Phases) > 0 {
			closePhase(len(p.Phases) - 1)
		}
		if p.Phases != nil {
			*head = append(*head, ']')
		}
		*head = append(*head, ',')
	}
	if p.Prior.SPMAsRestored != nil {
		fp, err := p.Prior.SPMAsRestored.Fingerprint()
		if err != nil {
			return "", fmt.Errorf("resync: plan: prior.spmAsRestored: %w", err)
		}
		fmt.Fprintf(h, "spmAsRestored %s\n", fp)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// findingsPerChunk is how many findings one goroutine of walk encodes at
// a time.
const findingsPerChunk = 256

// findingChunk is a piece of a plan's phases for walk: a phase without
// its findings (header), or findings [from, to) of it.
type findingChunk struct {
	phase, from, to int
	header          bool
}

// encodeChunks encodes the chunks of p's phases, each piece as
// json.Encoder writes it (a line), on up to GOMAXPROCS goroutines, a
// window of chunks at a time so that memory stays bounded, and hands
// their bytes to consume in order.
func encodeChunks(p *Plan, chunks []findingChunk, consume func(findingChunk, []byte) error) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	window := 4 * workers
	bufs := make([]bytes.Buffer, window)
	errs := make([]error, window)
	for start := 0; start < len(chunks); start += window {
		n := min(window, len(chunks)-start)
		var wg sync.WaitGroup
		next := make(chan int, n)
		for k := range n {
			next <- k
		}
		close(next)
		for range min(workers, n) {
			wg.Go(func() {
				for k := range next {
					bufs[k].Reset()
					errs[k] = encodeChunk(p, chunks[start+k], &bufs[k])
				}
			})
		}
		wg.Wait()
		for k := range n {
			if errs[k] != nil {
				return errs[k]
			}
			if err := consume(chunks[start+k], bufs[k].Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

func encodeChunk(p *Plan, c findingChunk, b *bytes.Buffer) error {
	if c.header {
		ph := p.Phases[c.phase]
		ph.Findings = nil
		if len(ph.Predicted) == 0 {
			return json.NewEncoder(b).Encode(ph)
		}
		// The predicted changes (56,000 for a Large drill's storage phase
		// 1) by appendChanges, where encoding/json would compact them once
		// more, put where the encoder writes them: right after the
		// findings, the first `"findings":null` (only strings come before,
		// and a string cannot hold it unescaped).
		predicted := ph.Predicted
		ph.Predicted = nil
		var head bytes.Buffer
		if err := json.NewEncoder(&head).Encode(ph); err != nil {
			return err
		}
		const null = `"findings":null`
		j := bytes.Index(head.Bytes(), []byte(null))
		if j < 0 {
			return errors.New("unexpected form")
		}
		j += len(null)
		out := append(b.AvailableBuffer(), head.Bytes()[:j]...)
		out = append(out, `,"predicted":`...)
		out, err := appendChanges(out, predicted)
		if err != nil {
			return fmt.Errorf("phase %s: predicted: %w", ph.PhaseID, err)
		}
		out = append(out, head.Bytes()[j:]...)
		_, err = b.Write(out)
		return err
	}
	fs := p.Phases[c.phase].Findings[c.from:c.to]
	out := b.AvailableBuffer()
	for i := range fs {
		var err error
		if out, err = appendFinding(out, &fs[i]); err != nil {
			return err
		}
		out = append(out, '\n') // as json.Encoder ends each value
	}
	_, err := b.Write(out)
	return err
}

// checkPrior verifies that the plan's prior snapshots are the ones its
// Inputs fingerprint: the ID does not cover their JSON (see identify).
func (p *Plan) checkPrior() error {
	st := &state{services: p.Prior.Services, vcem: p.Prior.VCEM, vcemLive: p.Prior.VCEMLive,
		spm: p.Prior.SPM, spmLive: p.Prior.SPMLive, moe: p.Prior.MatrixOE, moeLive: p.Prior.MatrixOELive}
	if _, ok := p.Inputs[InputServices]; ok && st.services == nil {
		st.services = []ServiceStatus{} // an empty list is omitted from JSON
	}
	got := map[string]string{}
	if err := fingerprintInputs(got, st); err != nil {
		return fmt.Errorf("%w: plan: prior: %w", ErrInvalid, err)
	}
	for _, in := range sortedKeys(p.Inputs) {
		fp, ok := got[in]
		switch {
		case !ok:
			return fmt.Errorf("%w: plan: prior: no prior state for input %s", ErrInvalid, in)
		case fp != p.Inputs[in]:
			return fmt.Errorf("%w: plan: prior: the prior state of %s (%s) is not the one the plan was computed from (%s): it was changed after Analyze", ErrInvalid, in, short(fp), short(p.Inputs[in]))
		}
	}
	return nil
}

// JSONShape lets strict decoding walk the plan's wire form.
func (*Plan) JSONShape() any { return (*planJSON)(nil) }

// UnmarshalJSON reads a plan strictly; see DecodePlan.
func (p *Plan) UnmarshalJSON(b []byte) error {
	var pj planJSON
	if err := strictjson.Unmarshal(b, &pj); err != nil {
		return err
	}
	*p = Plan(pj)
	return nil
}

// DecodePlan reads a saved plan. Decoding is strict at every level: an
// unknown field, a repeated key, a bad value or a change of unknown kind is
// an error naming the JSON path (`phases[3].findings[0].changes[2].mac`).
// A plan of another schema, or whose ID does not match its content (edited
// by hand after it was saved), is refused. The prior snapshots are checked
// against the plan's input fingerprints by Execute, not here: decoding a
// large plan stays one pass.
func DecodePlan(b []byte) (*Plan, error) {
	var p Plan
	if err := strictjson.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("resync: plan: %w", err)
	}
	if p.Schema != PlanSchema {
		return nil, fmt.Errorf("%w: plan: schema %d, want %d (plan written by mxsync-go %s)", ErrInvalid, p.Schema, PlanSchema, p.SDKVersion)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	id, err := p.identify()
	if err != nil {
		return nil, err
	}
	if id != p.ID {
		return nil, fmt.Errorf("%w: plan: id %s does not match its content (%s): it was edited after it was saved", ErrInvalid, p.ID, id)
	}
	return &p, nil
}

// check verifies the plan's own consistency: known sections, phases in
// mxsync's order.
func (p *Plan) check() error {
	order := Phases()
	last := -1
	for i, ph := range p.Phases {
		j := slices.Index(order, ph.PhaseID)
		if j < 0 {
			return fmt.Errorf("%w: plan: phases[%d]: unknown phase %q", ErrInvalid, i, ph.PhaseID)
		}
		if j <= last {
			return fmt.Errorf("%w: plan: phases[%d]: %s out of order", ErrInvalid, i, ph.PhaseID)
		}
		last = j
		for k, f := range ph.Findings {
			if f.Phase != ph.PhaseID {
				return fmt.Errorf("%w: plan: phases[%d].findings[%d].phase: %s in phase %s", ErrInvalid, i, k, f.Phase, ph.PhaseID)
			}
		}
	}
	for i, s := range p.Sections {
		if !s.Valid() {
			return fmt.Errorf("%w: plan: sections[%d]: unknown section %q", ErrInvalid, i, s)
		}
	}
	return nil
}
