package matrixoe

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Code is a stable finding code. Codes never change meaning; the table in
// the package documentation lists them.
type Code string

// Storage phase 2 (logical-server refresh, BR70 p59 table 16).
const (
	CodeLSDeactivated  Code = "LSM-LS-DEACTIVATED"     // activated in DB, profile unassigned → SetLSDeactivated
	CodeLSProfileGone  Code = "LSM-LS-PROFILE-DELETED" // profile absent from predicted VCEM → DropLS
	CodeLSInoperable   Code = "LSM-LS-INOPERABLE"      // inoperable (or inoperable SPE) → unmanage (manual)
	CodeLSPowerChanged Code = "LSM-LS-POWER-CHANGED"   // VM powered on/off after backup → SetPowerState
	CodeLSVMMissing    Code = "LSM-LS-VM-NOT-REPORTED" // ours: VMM does not report the VM (manual)
)

// Storage phase 3 (lsmanalyzer, BR70 p58 table 15).
const (
	CodeVolumeNewInUse        Code = "LSM-VOL-NOT-IN-RESTORED-CATALOG" // in use, no SPE, unknown to restored catalog → DeleteVolumeFromSPM
	CodeVolumePresentedNoSPE  Code = "LSM-VOL-PRESENTED-WITHOUT-SPE"   // restored catalog had it available, now presented, no SPE → DeleteVolumeFromSPM
	CodeVolumeWWNReused       Code = "LSM-VOL-WWN-REUSED"              // presented to WWPNs of one pre-backup SPE → AddVolumeToSPE
	CodeVolumeWWNAmbiguous    Code = "LSM-VOL-WWN-AMBIGUOUS"           // ours: presented to WWPNs of several/carved SPEs (manual)
	CodeVolumeServiceDeleted  Code = "LSM-VOL-SERVICE-DELETED"         // presentation mismatch, service non-conformant/gone → RemoveVolumeFromSPE
	CodePresentationMismatch  Code = "LSM-VOL-PRESENTATION-MISMATCH"   // ours: mismatch while the service is conformant (manual)
	CodeSPEVolumeNotInCatalog Code = "LSM-SPE-VOLUME-NOT-IN-CATALOG"   // ours: catalog SPE lists a volume SPM no longer has → RemoveVolumeFromSPE
)

// Infrastructure Orchestration phases 1–3 (BR70 p38, p42).
const (
	CodeRequestUnfinished Code = "IO-REQUEST-UNFINISHED" // scheduled / pending approval / in progress / paused → TerminateRequest
	CodeServiceDeleted    Code = "IO-SERVICE-DELETED"    // marked * in InfrastructureServices.txt → RemoveServiceDefinition
	// ours, beyond mxsync: unmarked, yet none of its logical servers exists any more (manual: mark it)
	CodeServiceProbablyDeleted Code = "IO-SERVICE-PROBABLY-DELETED"
	CodeIPAllocatedLive        Code = "IO-IP-ALLOCATED-AFTER-BACKUP" // in use live, free in DB → MarkIPAllocated
)

// Recovery management phase 1 (BR70 p38; import rules from the RM guide).
const (
	CodeRMExportApply      Code = "RM-EXPORT-APPLY"        // export differs from the DB → ApplyRMExport
	CodeRMExportConflict   Code = "RM-EXPORT-CONFLICT"     // import would fail (name/SRG in another set) (manual)
	CodeRMExportMissing    Code = "RM-EXPORT-MISSING"      // no export provided (manual)
	CodeRMGroupNotInExport Code = "RM-GROUP-NOT-IN-EXPORT" // ours: group in DB but not in the export (manual)
	CodeRMGroupDeletedLS   Code = "RM-GROUP-DELETED-LS"    // protects a deleted logical server → UpdateRecoveryGroup
)

// Severity ranks a finding. The same three values mean the same in vcem
// and spm, and every code keeps the rule (checked by the tests on every
// finding they produce): info has nothing to do, warning has changes or a
// manual step, error has a manual step.
type Severity string

// Severities.
const (
	SeverityInfo    Severity = "info"    // nothing to do: no changes, no manual step
	SeverityWarning Severity = "warning" // changes to apply or a manual step to take
	SeverityError   Severity = "error"   // a conflict or gap a human must settle (has Manual)
)

// Subject names what a finding is about by typed IDs; only the relevant
// fields are set.
type Subject struct {
	LogicalServerID string         `json:"logicalServerId,omitempty"`
	ProfileID       string         `json:"profileId,omitempty"`
	SPEID           string         `json:"speId,omitempty"`
	VolumeID        string         `json:"volumeId,omitempty"`
	WWPNs           []addrpool.WWN `json:"wwpns,omitempty"`
	ServiceID       string         `json:"serviceId,omitempty"`
	RequestID       string         `json:"requestId,omitempty"`
	Address         netip.Addr     `json:"address,omitzero"`
	RecoveryGroup   string         `json:"recoveryGroup,omitempty"`
}

// Finding is one result of an analysis: what is out of line, and either the
// changes that resolve it or, when a human must act, a Manual action text.
type Finding struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Message  string   `json:"message"`
	Changes  Changes  `json:"changes,omitempty"`
	Manual   string   `json:"manual,omitempty"`
}

// Actionable reports whether the finding asks for something: changes to
// apply or a manual step.
func (f Finding) Actionable() bool { return len(f.Changes) > 0 || f.Manual != "" }

// Blocking reports whether a human must act before the next phase may run:
// a manual step, or an error (mxsync's rule: every issue of a phase is
// resolved before the next; changes the engine applies itself do not block).
func (f Finding) Blocking() bool { return f.Manual != "" || f.Severity == SeverityError }

// String is a one-line summary: "CODE [severity] message".
func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.Code, f.Severity, f.Message)
}

// String renders the subject compactly and stably for ISSUE lines, in a
// fixed order: `logical server LS1 profile P1`, `volume V7 (WWPNs
// 50:01:43:80:02:A3:00:07)`, `IP 10.0.0.7`; "" when empty. Long IDs are cut.
func (s Subject) String() string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+" "+short(v))
		}
	}
	add("logical server", s.LogicalServerID)
	add("profile", s.ProfileID)
	add("storage pool entry", s.SPEID)
	add("volume", s.VolumeID)
	if len(s.WWPNs) > 0 {
		const most = 4
		ws := make([]string, 0, min(len(s.WWPNs), most)+1)
		for i, w := range s.WWPNs {
			if i == most {
				ws = append(ws, fmt.Sprintf("+%d", len(s.WWPNs)-most))
				break
			}
			ws = append(ws, w.String())
		}
		parts = append(parts, "(WWPNs "+strings.Join(ws, ", ")+")")
	}
	add("service", s.ServiceID)
	add("request", s.RequestID)
	if s.Address.IsValid() {
		add("IP", s.Address.String())
	}
	add("recovery group", s.RecoveryGroup)
	return strings.Join(parts, " ")
}

// ChangesOf gathers the changes of findings, in order.
func ChangesOf(fs []Finding) Changes {
	var out Changes
	for _, f := range fs {
		out = append(out, f.Changes...)
	}
	return out
}

// findingJSON is Finding without its methods: the shape a strict decoder
// walks.
type findingJSON Finding

// JSONShape lets a strict decoder of an enclosing type (a plan) check a
// Finding in place, without decoding it twice.
func (*Finding) JSONShape() any { return (*findingJSON)(nil) }

// UnmarshalJSON decodes strictly (unknown, repeated, case-folded or missing
// keys, a change of unknown kind, trailing data: errors naming the path,
// e.g. changes[0].volumeId). On error f is unchanged.
func (f *Finding) UnmarshalJSON(b []byte) error {
	raw, err := decodeStrict[findingJSON](b, "finding")
	if err != nil {
		return err
	}
	*f = Finding(raw)
	return nil
}
