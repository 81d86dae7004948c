package vcem

import (
	"fmt"
	"strings"
)

// Code is a finding's stable identifier.
type Code string

// Finding codes of the VCEM section. They are stable: scripts and saved plans
// match on them.
const (
	// CodeAddrAllocatedAfterBackup: a live address is Free in the restored
	// database (phase 1; change: mark it External).
	CodeAddrAllocatedAfterBackup Code = "VCEM-ADDR-ALLOCATED-AFTER-BACKUP"
	// CodeAddrReassigned: a live address is In use by a different profile in
	// the restored database (phase 1; changes: delete that stale profile
	// definition and protect its live addresses).
	CodeAddrReassigned Code = "VCEM-ADDR-REASSIGNED"
	// CodeDomainInaccessible: a domain could not be read; credentials are
	// needed (phase 1; manual).
	CodeDomainInaccessible Code = "VCEM-DOMAIN-INACCESSIBLE"
	// CodeDomainGroupChanged: a domain read with credentials (or through
	// VCEM) is in a different VC Domain Group than the restored database
	// says; the Add/Remove request must be re-issued (phase 1; manual). Not
	// one of mxsync's messages: the SDK's name for Appendix E cases 1 and 2.
	CodeDomainGroupChanged Code = "VCEM-DOMAIN-GROUP-CHANGED"
	// CodeModulesChanged: the domain's VC modules differ from the restored
	// database (phase 1; manual, Appendix E case 3).
	CodeModulesChanged Code = "VCEM-MODULES-CHANGED"
	// CodeAddrConflict: one address is live on two or more profiles, in one
	// domain or several (phase 1; manual; beyond mxsync).
	CodeAddrConflict Code = "VCEM-ADDR-CONFLICT"
	// CodeDomainMayNeedResync: every managed domain MAY need a resync; the
	// check needs maintenance mode, so only execution can tell (phase 2;
	// executed by [ResyncDomains]).
	CodeDomainMayNeedResync Code = "VCEM-DOMAIN-MAY-NEED-RESYNC"
)

// Severity ranks findings.
type Severity string

// Severities, from least to most serious.
const (
	SeverityInfo    Severity = "info"    // potential issue, nothing known to be wrong
	SeverityWarning Severity = "warning" // the restored database is behind; changes fix it
	SeverityError   Severity = "error"   // a conflict or a gap that a human must settle
)

// Subject is what a finding is about, by ID. Fields that do not apply are
// empty.
type Subject struct {
	DomainID     string       `json:"domainId,omitempty"`
	GroupID      string       `json:"groupId,omitempty"`
	ProfileID    string       `json:"profileId,omitempty"`    // a restored profile
	LiveProfiles []ProfileKey `json:"liveProfiles,omitempty"` // live profiles involved
	Addresses    []AddressRef `json:"addresses,omitempty"`
}

// Finding is one result of analysis: a stable code, a severity, what it is
// about, a message for people, and either the changes that resolve it or
// the action a human must take (or both: changes that protect the restored
// database while a human settles the rest).
type Finding struct {
	Code     Code       `json:"code"`
	Phase    int        `json:"phase"`
	Severity Severity   `json:"severity"`
	Subject  Subject    `json:"subject"`
	Message  string     `json:"message"`
	Changes  ChangeList `json:"changes,omitempty"`
	Manual   string     `json:"manual,omitempty"`
}

// Actionable reports whether the finding carries changes to apply.
func (f Finding) Actionable() bool { return len(f.Changes) > 0 }

// String is a one-line summary: "CODE [severity] message".
func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.Code, f.Severity, f.Message)
}

// AllChanges returns the changes of every finding, in order. Applied to the
// analysed snapshot in this order they resolve every actionable finding.
func AllChanges(fs []Finding) []Change {
	var out []Change
	for _, f := range fs {
		out = append(out, f.Changes...)
	}
	return out
}

func joinRefs(rs []AddressRef) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

func joinKeys(ks []ProfileKey) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.String()
	}
	return strings.Join(parts, ", ")
}
