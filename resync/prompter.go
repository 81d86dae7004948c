package resync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/vcem"
)

// QuestionKind says what a Prompter is asked.
type QuestionKind string

// The questions mxsync asks (BR70 p38, p40, p42), and the acknowledgement of
// manual steps the SDK adds.
const (
	// AskServices: may the execute stop or start an Insight Management
	// service (mxsync's recommendation at initialisation, BR70 p38)?
	AskServices QuestionKind = "services"
	// AskProceed: the phase is done; go on to the next one?
	AskProceed QuestionKind = "proceed"
	// AskManual: a person has done (or accepts to do later) a manual step
	// a finding describes; acknowledging it lets the next phase run.
	AskManual QuestionKind = "manual"
	// AskCredentials: VC Manager credentials for a domain VCEM cannot reach
	// (added to or removed from a VC Domain Group after the backup, BR70 p40).
	AskCredentials QuestionKind = "credentials"
	// AskDeletedServices: which IO services were deleted after the backup
	// (the '*' marks in InfrastructureServices.txt, BR70 p42).
	AskDeletedServices QuestionKind = "deleted-services"
)

// Question is one thing the engine needs a person (or an answers file) to
// decide. ID is stable across runs, so an answers file can name it.
type Question struct {
	Kind  QuestionKind `json:"kind"`
	ID    string       `json:"id"`
	Phase PhaseID      `json:"phase"`
	// Text is the question for people.
	Text string `json:"text"`
	// Code is the finding code a manual step belongs to (AskManual).
	Code string `json:"code,omitempty"`
	// Domain is the VC domain credentials are asked for (AskCredentials).
	Domain *vcem.DomainTarget `json:"domain,omitempty"`
	// Services are the restored IO services to choose from (AskDeletedServices).
	Services []string `json:"services,omitempty"`
}

// ErrUnanswered is wrapped when a Prompter has no answer for a question
// (Answers was not told it, or stdin is not a terminal).
var ErrUnanswered = errors.New("resync: question not answered")

// Prompter answers the engine's questions. Execute asks only through it:
// a nil Prompter is refused. Implementations must not log credentials.
type Prompter interface {
	// Confirm answers AskServices, AskProceed and AskManual questions.
	Confirm(ctx context.Context, q Question) (bool, error)
	// Credentials answers AskCredentials.
	Credentials(ctx context.Context, q Question) (vcem.Credentials, error)
	// DeletedServices answers AskDeletedServices with the names (a subset
	// of q.Services) deleted after the backup.
	DeletedServices(ctx context.Context, q Question) ([]string, error)
}

// AnswersVersion is the version of the answers file format.
const AnswersVersion = 1

// Answers is the non-interactive Prompter for scripts: it answers what it
// was told and refuses, with an error naming the question, whatever it was
// not told. The zero value answers nothing.
//
// Its file form (DecodeAnswers, LoadAnswers):
//
//	{
//	  "version": 1,
//	  "services": true,                         // may stop/start services
//	  "proceed": true,                          // go on after each phase
//	  "acknowledge": ["SPM-MANUAL-REENTRY"],    // codes or question IDs of manual steps done
//	  "acknowledgeAll": false,                  // or: every manual step
//	  "credentials": {"d9": {"manager": "10.0.0.9", "username": "admin", "password": "…"}},
//	  "deletedServices": ["S2"]
//	}
//
// The file holds passwords when "credentials" is used: keep it readable by
// the operator only. Answers is safe for concurrent use once built.
type Answers struct {
	// Services answers AskServices; nil: not answered.
	Services *bool
	// Proceed answers AskProceed; nil: not answered.
	Proceed *bool
	// Acknowledge lists the finding codes or question IDs whose manual
	// steps are acknowledged.
	Acknowledge []string
	// AcknowledgeAll acknowledges every manual step.
	AcknowledgeAll bool
	// Domains are the credentials given, by domain ID.
	Domains map[string]vcem.CredentialedDomain
	// Deleted answers AskDeletedServices; nil: not answered (an empty,
	// non-nil list says none were deleted).
	Deleted []string
}

var _ Prompter = (*Answers)(nil)

// Yes returns Answers that confirm every service action and every phase,
// acknowledge every manual step and name no deleted service: for drills on
// simulated estates. Never point it at a real CMS without reading the plan.
func Yes() *Answers {
	t := true
	return &Answers{Services: &t, Proceed: &t, AcknowledgeAll: true, Deleted: []string{}}
}

func unanswered(q Question, field string) error {
	return fmt.Errorf("%w: %s %q (%s): set %q in the answers", ErrUnanswered, q.Kind, q.ID, q.Text, field)
}

// Confirm implements Prompter.
func (a *Answers) Confirm(_ context.Context, q Question) (bool, error) {
	switch q.Kind {
	case AskServices:
		if a.Services == nil {
			return false, unanswered(q, "services")
		}
		return *a.Services, nil
	case AskProceed:
		if a.Proceed == nil {
			return false, unanswered(q, "proceed")
		}
		return *a.Proceed, nil
	case AskManual:
		if a.AcknowledgeAll || slices.Contains(a.Acknowledge, q.ID) || q.Code != "" && slices.Contains(a.Acknowledge, q.Code) {
			return true, nil
		}
		return false, unanswered(q, "acknowledge")
	}
	return false, fmt.Errorf("resync: answers: %q is not a yes/no question", q.Kind)
}

// Credentials implements Prompter.
func (a *Answers) Credentials(_ context.Context, q Question) (vcem.Credentials, error) {
	if q.Domain == nil {
		return vcem.Credentials{}, fmt.Errorf("resync: answers: credentials question %q names no domain", q.ID)
	}
	cd, ok := a.Domains[q.Domain.ID]
	if !ok {
		return vcem.Credentials{}, unanswered(q, "credentials")
	}
	return cd.Credentials, nil
}

// DeletedServices implements Prompter.
func (a *Answers) DeletedServices(_ context.Context, q Question) ([]string, error) {
	if a.Deleted == nil {
		return nil, unanswered(q, "deletedServices")
	}
	for _, s := range a.Deleted {
		if !slices.Contains(q.Services, s) {
			return nil, fmt.Errorf("resync: answers: deletedServices names %q, which is not a restored IO service", s)
		}
	}
	return slices.Clone(a.Deleted), nil
}

// CredentialedDomains returns the credentials the answers carry, for Analyze
// (see WithCredentials).
func (a *Answers) CredentialedDomains() map[string]vcem.CredentialedDomain {
	out := make(map[string]vcem.CredentialedDomain, len(a.Domains))
	for k, v := range a.Domains {
		out[k] = v
	}
	return out
}

type answersJSON struct {
	Version         int                     `json:"version"`
	Services        *bool                   `json:"services,omitempty"`
	Proceed         *bool                   `json:"proceed,omitempty"`
	Acknowledge     []string                `json:"acknowledge,omitempty"`
	AcknowledgeAll  bool                    `json:"acknowledgeAll,omitempty"`
	Credentials     map[string]domainAnswer `json:"credentials,omitempty"`
	DeletedServices *[]string               `json:"deletedServices,omitempty"`
}

type domainAnswer struct {
	Manager  string `json:"manager"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// DecodeAnswers reads the answers file form (see Answers). Decoding is
// strict: an unknown, repeated or misspelt key is an error naming its path,
// so a typo never turns into "not answered" at 3 a.m. Errors never quote a
// password.
func DecodeAnswers(b []byte) (*Answers, error) {
	var aj answersJSON
	if err := strictjson.Unmarshal(b, &aj); err != nil {
		return nil, fmt.Errorf("resync: answers: %w", redactAnswersErr(err))
	}
	if aj.Version != AnswersVersion {
		return nil, fmt.Errorf("resync: answers: version %d, want %d", aj.Version, AnswersVersion)
	}
	a := &Answers{Services: aj.Services, Proceed: aj.Proceed, Acknowledge: aj.Acknowledge, AcknowledgeAll: aj.AcknowledgeAll}
	if aj.DeletedServices != nil {
		a.Deleted = append([]string{}, (*aj.DeletedServices)...)
	}
	var problems []string
	for id, d := range aj.Credentials {
		switch {
		case id == "":
			problems = append(problems, "credentials: empty domain ID")
		case d.Manager == "":
			problems = append(problems, fmt.Sprintf("credentials[%q].manager: empty", id))
		case d.Username == "":
			problems = append(problems, fmt.Sprintf("credentials[%q].username: empty", id))
		}
		if a.Domains == nil {
			a.Domains = map[string]vcem.CredentialedDomain{}
		}
		a.Domains[id] = vcem.CredentialedDomain{
			Target:      vcem.DomainTarget{ID: id, Manager: d.Manager},
			Credentials: vcem.NewCredentials(d.Username, d.Password),
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("resync: answers: %s", strings.Join(problems, "; "))
	}
	return a, nil
}

// redactAnswersErr keeps decode errors from quoting a password value: any
// problem located under a "password" key is reported without its message.
func redactAnswersErr(err error) error {
	var se *strictjson.Error
	if !errors.As(err, &se) {
		return err
	}
	out := &strictjson.Error{More: se.More}
	for _, p := range se.Problems {
		q := *p
		if strings.HasSuffix(p.Path, ".password") {
			q.Msg, q.Err = "bad value (not shown: it is a password)", nil
		}
		out.Problems = append(out.Problems, &q)
	}
	return out
}

// LoadAnswers reads an answers file.
func LoadAnswers(path string) (*Answers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("resync: answers: %w", err)
	}
	a, err := DecodeAnswers(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}
