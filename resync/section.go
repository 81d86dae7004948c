package resync

import (
	"fmt"
	"strconv"
	"strings"
)

// Section is one of mxsync's sections, plus the initial service check.
// The strings equal the Section field of the domain packages' CodeInfo.
type Section string

// Sections, in mxsync's order.
const (
	SectionServices      Section = "services"      // initialisation: which Insight Management services to stop or start
	SectionVCEM          Section = "vcem"          // VCEM: addresses (1), domain resync (2)
	SectionStorage       Section = "storage"       // logical servers and SAN storage: SPM recovery (1), logical-server refresh (2), lsmanalyzer (3)
	SectionOrchestration Section = "orchestration" // Infrastructure Orchestration: requests (1), deleted services (2), IPs (3)
	SectionRecovery      Section = "recovery"      // Recovery Management: the RM configuration (1)
)

// Sections returns every section in mxsync's order.
func Sections() []Section {
	return []Section{SectionServices, SectionVCEM, SectionStorage, SectionOrchestration, SectionRecovery}
}

// Valid reports whether s is one of the sections.
func (s Section) Valid() bool {
	switch s {
	case SectionServices, SectionVCEM, SectionStorage, SectionOrchestration, SectionRecovery:
		return true
	}
	return false
}

// PhaseID names one phase: a section and mxsync's phase number in it (the
// service check is phase 1 of SectionServices).
type PhaseID struct {
	Section Section `json:"section"`
	Phase   int     `json:"phase"`
}

// String renders "vcem 1".
func (p PhaseID) String() string { return string(p.Section) + " " + strconv.Itoa(p.Phase) }

// Phases returns every phase in execution order.
func Phases() []PhaseID {
	return []PhaseID{
		{SectionServices, 1},
		{SectionVCEM, 1}, {SectionVCEM, 2},
		{SectionStorage, 1}, {SectionStorage, 2}, {SectionStorage, 3},
		{SectionOrchestration, 1}, {SectionOrchestration, 2}, {SectionOrchestration, 3},
		{SectionRecovery, 1},
	}
}

// Title is the phase's heading in reports, in HP's words where HP has them.
func (p PhaseID) Title() string {
	switch p {
	case PhaseID{SectionServices, 1}:
		return "Insight Management services"
	case PhaseID{SectionVCEM, 1}:
		return "VCEM phase 1: addresses allocated or reassigned after the backup"
	case PhaseID{SectionVCEM, 2}:
		return "VCEM phase 2: resynchronise every VC domain"
	case PhaseID{SectionStorage, 1}:
		return "Storage phase 1: SPM recovery"
	case PhaseID{SectionStorage, 2}:
		return "Storage phase 2: logical server refresh"
	case PhaseID{SectionStorage, 3}:
		return "Storage phase 3: lsmanalyzer"
	case PhaseID{SectionOrchestration, 1}:
		return "Orchestration phase 1: requests in flight at the backup"
	case PhaseID{SectionOrchestration, 2}:
		return "Orchestration phase 2: services deleted after the backup"
	case PhaseID{SectionOrchestration, 3}:
		return "Orchestration phase 3: IP addresses allocated after the backup"
	case PhaseID{SectionRecovery, 1}:
		return "Recovery management phase 1: RM configuration changed after the backup"
	}
	return p.String()
}

// ParseSections reads a comma-separated list of section names ("vcem,storage"),
// as the CLI's -sections flag takes it.
func ParseSections(s string) ([]Section, error) {
	var out []Section
	seen := map[Section]bool{}
	for _, part := range strings.Split(s, ",") {
		sec := Section(strings.TrimSpace(part))
		if !sec.Valid() {
			return nil, fmt.Errorf("resync: unknown section %q (want one of services, vcem, storage, orchestration, recovery)", sec)
		}
		if seen[sec] {
			return nil, fmt.Errorf("resync: section %q listed twice", sec)
		}
		seen[sec] = true
		out = append(out, sec)
	}
	return out, nil
}
