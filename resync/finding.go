package resync

import (
	"encoding/json"
	"fmt"
)

// Severity ranks a finding; the same three words, with the same meaning, as
// in every section.
type Severity string

// Severities.
const (
	SeverityInfo    Severity = "info"    // nothing to do
	SeverityWarning Severity = "warning" // changes to apply or a manual step to take
	SeverityError   Severity = "error"   // a conflict or gap a person must settle
)

// Finding is one finding of any section in one envelope: where (phase),
// what (stable code, severity, subject, message), and what resolves it (the
// changes the execute applies, the manual step a person takes). Blocking
// findings need a person before the next phase may run.
type Finding struct {
	Phase    PhaseID  `json:"phase"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Blocking bool     `json:"blocking"`
	Subject  string   `json:"subject"`
	Message  string   `json:"message"`
	Changes  Changes  `json:"changes,omitempty"`
	Manual   string   `json:"manual,omitempty"`
	// Detail is the section's own finding, as that package writes it (typed
	// subject and all), for tools that want more than the envelope.
	Detail json.RawMessage `json:"detail,omitempty"`
}

// Actionable reports whether the finding has changes or a manual step.
func (f Finding) Actionable() bool { return len(f.Changes) > 0 || f.Manual != "" }

// Question is the acknowledgement a person gives for the finding's manual
// step; its ID ("manual:<code>:<subject>") is what an answers file names.
func (f Finding) Question() Question {
	return Question{
		Kind:  AskManual,
		ID:    "manual:" + f.Code + ":" + f.Subject,
		Phase: f.Phase,
		Code:  f.Code,
		Text:  f.Manual,
	}
}

// String renders the ISSUE line of the text report.
func (f Finding) String() string {
	if f.Subject == "" {
		return fmt.Sprintf("ISSUE %s: %s", f.Code, f.Message)
	}
	return fmt.Sprintf("ISSUE %s %s: %s", f.Code, f.Subject, f.Message)
}
