package resync

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/vcem"
)

// Option configures Analyze, Execute, Resume and Capture. Each option says
// which calls it affects; the others ignore it.
type Option func(*config) error

type config struct {
	sections          []Section // nil: all
	creds             map[string]vcem.CredentialedDomain
	deleted           []string
	deletedSet        bool
	prompter          Prompter
	manifest          *Manifest
	readConcurrency   int
	resyncConcurrency int
	policy            []ServicePolicy
	policySet         bool
	now               func() time.Time
	logger            *slog.Logger
	observer          Observer
	journalDir        string
	moeOpts           []matrixoe.AnalysisOption
	vcemOpts          []vcem.AnalysisOption
	resyncOpts        []vcem.ResyncOption
	journalHook       func(Record) error
	checkpoint        func(Record) error
}

func newConfig(opts []Option) (*config, error) {
	c := &config{
		readConcurrency:   DefaultReadConcurrency,
		resyncConcurrency: DefaultResyncConcurrency,
		now:               time.Now,
		logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if !c.policySet {
		c.policy = DefaultServicePolicy()
	}
	return c, nil
}

func (c *config) runs(s Section) bool { return c.sections == nil || slices.Contains(c.sections, s) }

// WithSections runs only the given sections (Analyze, Execute). The others
// are skipped and the plan says so; a skipped earlier section's restored
// database is used as it is by the later ones.
func WithSections(s ...Section) Option {
	return func(c *config) error {
		if len(s) == 0 {
			return fmt.Errorf("%w: WithSections: no section", ErrInvalid)
		}
		for _, sec := range s {
			if !sec.Valid() {
				return fmt.Errorf("%w: WithSections: unknown section %q", ErrInvalid, sec)
			}
		}
		c.sections = slices.Clone(s)
		return nil
	}
}

// WithCredentials gives VC Manager credentials for domains VCEM cannot reach
// (added to or removed from a VC Domain Group after the backup), keyed by
// domain ID — the answer to mxsync's credentials prompt (Analyze, Execute,
// Resume; a plan records the domains, never the credentials).
func WithCredentials(creds map[string]vcem.CredentialedDomain) Option {
	return func(c *config) error {
		c.creds = make(map[string]vcem.CredentialedDomain, len(creds))
		for k, v := range creds {
			c.creds[k] = v
		}
		return nil
	}
}

// WithDeletedServices names the IO services deleted after the backup (the
// '*' marks of InfrastructureServices.txt), instead of reading the file
// (Analyze). An empty list says none were deleted.
func WithDeletedServices(names ...string) Option {
	return func(c *config) error {
		c.deleted = append([]string{}, names...)
		c.deletedSet = true
		return nil
	}
}

// WithPrompter is who answers questions: on Execute and Resume the
// confirmations, the acknowledgement of manual steps and the credentials of
// the domains the plan read with credentials; on Analyze the deleted IO
// services when neither WithDeletedServices nor the services file gives them.
func WithPrompter(p Prompter) Option {
	return func(c *config) error { c.prompter = p; return nil }
}

// WithManifest gives Analyze the backup-time manifest (Capture): it first
// proves the restored databases are that backup, then uses it to sharpen
// classification.
func WithManifest(m *Manifest) Option {
	return func(c *config) error { c.manifest = m; return nil }
}

// WithReadConcurrency reads up to n VC domains at once (Analyze, Execute;
// default DefaultReadConcurrency).
func WithReadConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: WithReadConcurrency(%d): want at least 1", ErrInvalid, n)
		}
		c.readConcurrency = n
		return nil
	}
}

// WithResyncConcurrency resyncs up to n VC domains at once in VCEM phase 2
// (Execute, Resume; default DefaultResyncConcurrency).
func WithResyncConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: WithResyncConcurrency(%d): want at least 1", ErrInvalid, n)
		}
		c.resyncConcurrency = n
		return nil
	}
}

// WithServicePolicy replaces DefaultServicePolicy for the initial service
// check (Analyze); an empty policy skips the check.
func WithServicePolicy(p []ServicePolicy) Option {
	return func(c *config) error {
		c.policy = slices.Clone(p)
		c.policySet = true
		return nil
	}
}

// WithClock sets the clock plans, journals and manifests are stamped with.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock(nil)", ErrInvalid)
		}
		c.now = now
		return nil
	}
}

// WithLogger logs what the engine does (silent by default). Nothing it logs
// carries credentials.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger(nil)", ErrInvalid)
		}
		c.logger = l
		return nil
	}
}

// WithObserver receives the execute's events (Execute, Resume).
func WithObserver(o Observer) Option {
	return func(c *config) error { c.observer = o; return nil }
}

// WithJournal is the directory of the execute's journal (Execute). Without
// it an execute keeps its journal in memory only and cannot be resumed after
// a crash.
func WithJournal(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return fmt.Errorf("%w: WithJournal(\"\")", ErrInvalid)
		}
		c.journalDir = dir
		return nil
	}
}

// WithMatrixOEOptions passes options (assumptions) to the Matrix OE analyses
// (Analyze, Execute's re-analyses).
func WithMatrixOEOptions(opts ...matrixoe.AnalysisOption) Option {
	return func(c *config) error { c.moeOpts = append(c.moeOpts, opts...); return nil }
}

// WithVCEMOptions passes options (assumptions) to the VCEM analyses and
// predictions (Analyze, Execute's re-analyses).
func WithVCEMOptions(opts ...vcem.AnalysisOption) Option {
	return func(c *config) error { c.vcemOpts = append(c.vcemOpts, opts...); return nil }
}

// WithResyncOptions passes options to vcem.ResyncDomains in VCEM phase 2
// (Execute, Resume), e.g. cleanup timeouts. Concurrency is set with
// WithResyncConcurrency.
func WithResyncOptions(opts ...vcem.ResyncOption) Option {
	return func(c *config) error { c.resyncOpts = append(c.resyncOpts, opts...); return nil }
}

// WithJournalHook is called after each journal record is durable (Execute,
// Resume). An error it returns stops the execute there; an error wrapping
// ErrSimulatedCrash stops it as a crash would — no cleanup, nothing more
// written — which is how tests crash an execute at every journal record in
// turn and resume it.
func WithJournalHook(fn func(Record) error) Option {
	return func(c *config) error { c.journalHook = fn; return nil }
}

// WithCheckpoint is called before each journal record is written (Execute,
// Resume), with the record about to be written. A caller whose stores are not
// durable by themselves — an estate file the CLI loads into memory — saves
// them there, so that the journal never says more than the stores hold: a
// crash then leaves stores at or ahead of the journal, which Resume settles.
// An error stops the execute before the record is written.
func WithCheckpoint(fn func(Record) error) Option {
	return func(c *config) error { c.checkpoint = fn; return nil }
}
