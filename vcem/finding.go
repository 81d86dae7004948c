package vcem

import (
	"fmt"
	"strconv"
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

// Severity ranks findings, with one meaning in vcem, spm and matrixoe.
type Severity string

// Severities, from least to most serious. The rule holds for every code:
// info ⇒ nothing to do (no change, no manual step); warning ⇒ changes to
// apply or a manual step to take; error ⇒ a manual step a human must take.
const (
	SeverityInfo    Severity = "info"    // nothing to do: no changes, no manual step
	SeverityWarning Severity = "warning" // changes to apply or a manual step to take
	SeverityError   Severity = "error"   // a conflict or gap a human must settle (has Manual)
)

// CodeInfo describes one finding code: where mxsync reports it, how serious
// it is and what resolves it. [Codes] lists every code of the package.
type CodeInfo struct {
	Code       Code     `json:"code"`
	Section    string   `json:"section"`    // mxsync's section: "vcem"
	Phase      int      `json:"phase"`      // mxsync's phase number within the section
	Severity   Severity `json:"severity"`   // the severity of every finding with the code
	Resolution string   `json:"resolution"` // one line: what resolves it
}

// Codes returns every finding code of the package with its section, phase,
// severity and resolution, in the order of the code table of the package
// documentation. It is generated from the code, so documentation built from
// it cannot drift (a test checks the package documentation against it).
func Codes() []CodeInfo {
	return []CodeInfo{
		{CodeAddrConflict, "vcem", 1, SeverityError, "manual: give the address to one profile only"},
		{CodeAddrReassigned, "vcem", 1, SeverityWarning, KindDeleteProfile + " of the stale profile, then " + KindMarkExternalMAC + "/" + KindMarkExternalWWN + " of its live addresses"},
		{CodeAddrAllocatedAfterBackup, "vcem", 1, SeverityWarning, KindMarkExternalMAC + "/" + KindMarkExternalWWN},
		{CodeDomainInaccessible, "vcem", 1, SeverityWarning, "manual: supply the VC Manager credentials, re-issue the Add/Remove request or restore VCEM's access"},
		{CodeDomainGroupChanged, "vcem", 1, SeverityWarning, "manual: re-issue the Add to / Remove from VC Domain Group request"},
		{CodeModulesChanged, "vcem", 1, SeverityWarning, "manual: let VCEM take in the module change (maintenance or resync)"},
		{CodeDomainMayNeedResync, "vcem", 2, SeverityInfo, "none in analysis; ResyncDomains checks and resyncs the domain under maintenance"},
	}
}

// Subject is what a finding is about, by ID. Fields that do not apply are
// empty.
type Subject struct {
	DomainID     string       `json:"domainId,omitempty"`
	GroupID      string       `json:"groupId,omitempty"`
	ProfileID    string       `json:"profileId,omitempty"`    // a restored profile
	LiveProfiles []ProfileKey `json:"liveProfiles,omitempty"` // live profiles involved
	Addresses    []AddressRef `json:"addresses,omitempty"`
}

// subjectAddrs is the most addresses Subject.String lists; the rest are
// counted.
const subjectAddrs = 3

// String is a compact, stable form for one-line reports, e.g.
// `domain d1 group g1 profile d1:web live d2/app mac 00-17-A4-77-00-00`;
// "" when the subject is empty. Long address lists are cut ("+5 more").
func (s Subject) String() string {
	var b strings.Builder
	add := func(k, v string) {
		if v == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte(' ')
		b.WriteString(v)
	}
	add("domain", s.DomainID)
	add("group", s.GroupID)
	add("profile", s.ProfileID)
	add("live", joinKeys(s.LiveProfiles, ","))
	for i, a := range s.Addresses {
		if i == subjectAddrs {
			add("+"+strconv.Itoa(len(s.Addresses)-i), "more")
			break
		}
		add(string(a.Family), a.Value)
	}
	return b.String()
}

// Finding is one result of analysis: a stable code, a severity, what it is
// about, a message for people, and either the changes that resolve it or
// the action a human must take (or both: changes that protect the restored
// database while a human settles the rest). The phase is the code's (see
// [Codes]); the engine knows which phase it analysed.
type Finding struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Message  string   `json:"message"`
	Changes  Changes  `json:"changes,omitempty"`
	Manual   string   `json:"manual,omitempty"`
}

// Actionable reports whether the finding carries changes to apply or a
// manual step to take.
func (f Finding) Actionable() bool { return len(f.Changes) > 0 || f.Manual != "" }

// Blocking reports whether the finding needs a human before the next phase
// may run: a manual step, or an error.
func (f Finding) Blocking() bool { return f.Manual != "" || f.Severity == SeverityError }

// String is a one-line summary: "CODE [severity] message".
func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.Code, f.Severity, f.Message)
}

// findingJSON is Finding without its methods: the shape strict decoding
// walks.
type findingJSON Finding

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*Finding) JSONShape() any { return (*findingJSON)(nil) }

// UnmarshalJSON reads a finding strictly (internal/strictjson): unknown,
// repeated or case-folded keys, missing fields and bad changes are errors
// naming their path. On error f is unchanged.
func (f *Finding) UnmarshalJSON(b []byte) error {
	return decodeStrict("finding", b, (*findingJSON)(f))
}

// ChangesOf returns the changes of every finding, in order. Applied to the
// analysed snapshot in this order they resolve every finding that has
// changes.
func ChangesOf(fs []Finding) Changes {
	var out Changes
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

func joinKeys(ks []ProfileKey, sep string) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.String()
	}
	return strings.Join(parts, sep)
}
