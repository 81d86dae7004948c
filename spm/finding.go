package spm

import (
	"fmt"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Severity says how much a finding matters, with one meaning in vcem, spm
// and matrixoe; every code has one severity (see [Codes]).
type Severity string

// Severities, from least to most serious.
const (
	// SeverityInfo: nothing to do, no changes and no manual step.
	SeverityInfo Severity = "info"
	// SeverityWarning: changes to apply or a manual step to take.
	SeverityWarning Severity = "warning"
	// SeverityError: a conflict or gap a human must settle (it has Manual).
	SeverityError Severity = "error"
)

// Code is the stable identifier of a kind of finding. The codes are listed
// with their meaning in the package documentation.
type Code string

// Finding codes of storage phase 1 (see the table in the package doc).
const (
	CodePresentedAfterBackup   Code = "SPM-PRESENTED-AFTER-BACKUP"
	CodeUnpresentedAfterBackup Code = "SPM-UNPRESENTED-AFTER-BACKUP"
	CodePresentationChanged    Code = "SPM-PRESENTATION-CHANGED"

	CodeSignatureValid                    Code = "SPM-SIGNATURE-VALID"
	CodeSignatureUnsupportedVersion       Code = "SPM-SIGNATURE-UNSUPPORTED-VERSION"
	CodeSignatureCorrupt                  Code = "SPM-SIGNATURE-CORRUPT"
	CodeSignatureNotPresent               Code = "SPM-SIGNATURE-NOT-PRESENT"
	CodeSignatureNotPresentChanged        Code = "SPM-SIGNATURE-NOT-PRESENT-CHANGED"
	CodeSignatureOwningCatalogMismatch    Code = "SPM-SIGNATURE-OWNING-CATALOG-MISMATCH"
	CodeSignatureUnexpectedServiceBinding Code = "SPM-SIGNATURE-UNEXPECTED-SERVICE-BINDING"
	CodeSignatureActivationLevelMismatch  Code = "SPM-SIGNATURE-ACTIVATION-LEVEL-MISMATCH"
	CodeSignatureServiceMismatch          Code = "SPM-SIGNATURE-SERVICE-MISMATCH"

	CodeOfflineVolume      Code = "SPM-OFFLINE-VOLUME"
	CodeVolumeMissing      Code = "SPM-VOLUME-MISSING"
	CodeVolumeNotInCatalog Code = "SPM-VOLUME-NOT-IN-CATALOG"
	CodeArrayUnreachable   Code = "SPM-ARRAY-UNREACHABLE"
	CodeManualReentry      Code = "SPM-MANUAL-REENTRY"
)

// Subject names what a finding is about, by ID. Empty fields do not apply.
type Subject struct {
	ArrayID   string       `json:"arrayId,omitempty"`
	VolumeID  string       `json:"volumeId,omitempty"`
	VolumeWWN addrpool.WWN `json:"volumeWwn,omitempty"`
	ServiceID string       `json:"serviceId,omitempty"`
}

// String names the subject compactly and stably, for ISSUE lines: e.g.
// `array 3par-1 volume vol3 (WWN 60:00:2a:c0:00:00:00:03) service svc-ls3`;
// "" for an empty subject. An ID that is empty-looking or holds spaces or
// quotes is quoted.
func (s Subject) String() string {
	var parts []string
	if s.ArrayID != "" {
		parts = append(parts, "array "+subjectID(s.ArrayID))
	}
	switch {
	case s.VolumeID != "" && s.VolumeWWN != 0:
		parts = append(parts, "volume "+subjectID(s.VolumeID)+" (WWN "+s.VolumeWWN.String()+")")
	case s.VolumeID != "":
		parts = append(parts, "volume "+subjectID(s.VolumeID))
	case s.VolumeWWN != 0:
		parts = append(parts, "volume WWN "+s.VolumeWWN.String())
	}
	if s.ServiceID != "" {
		parts = append(parts, "service "+subjectID(s.ServiceID))
	}
	return strings.Join(parts, " ")
}

// subjectID writes an ID as it is when that reads unambiguously, else
// quoted (and bounded).
func subjectID(id string) string {
	if len(id) <= 64 && !strings.ContainsFunc(id, func(r rune) bool {
		return r <= ' ' || r == '"' || r == '(' || r == ')' || r == 0x7f || r == '\uFFFD'
	}) {
		return id
	}
	return strictjson.QuoteShort(id)
}

// Finding is one result of [Analyze]: a stable code, a severity, its
// subject, a message for humans, and either the changes that resolve it or
// (when a human must act) the manual action to take — sometimes both, when
// the SDK can record in the catalog what the human does.
type Finding struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Message  string   `json:"message"`
	Changes  Changes  `json:"changes,omitempty"`
	Manual   string   `json:"manual,omitempty"`
}

// String formats the finding on one line: "CODE [severity] message".
func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.Code, f.Severity, f.Message)
}

// Actionable reports whether the finding asks for something: changes to
// apply or a manual step. Exactly the info findings are not actionable.
func (f Finding) Actionable() bool { return len(f.Changes) > 0 || f.Manual != "" }

// Blocking reports whether a human must act before the next phase may run:
// the finding has a manual step, or it is an error.
func (f Finding) Blocking() bool { return f.Manual != "" || f.Severity == SeverityError }

// ChangesOf returns the changes of the findings, in order. A change that
// several findings propose (a Quarantine of a volume with two kinds of
// presentation mismatch) appears once per finding; every spm change that
// findings propose is idempotent, so applying the list as it is gives the
// same catalog.
func ChangesOf(fs []Finding) Changes {
	var out Changes
	for _, f := range fs {
		out = append(out, f.Changes...)
	}
	return out
}

// CodeInfo describes one finding code: where mxsync reports it, its
// severity and what resolves it. [Codes] lists them all.
type CodeInfo struct {
	Code       Code     `json:"code"`
	Section    string   `json:"section"`    // mxsync's section: "storage" for every spm code
	Phase      int      `json:"phase"`      // mxsync's phase within the section: 1 (SPM recovery)
	Severity   Severity `json:"severity"`   // the severity of every finding with this code
	Resolution string   `json:"resolution"` // one line: the change kinds, or the manual step
}

// codeInfos returns the code catalog, in the order of the package doc's
// table (a test checks that the table and every Code constant match it): a
// function returning an array value, so that no caller can change it.
func codeInfos() [17]CodeInfo {
	return [...]CodeInfo{
		{CodePresentedAfterBackup, "storage", 1, SeverityWarning, "spm.Quarantine: the array presents the volume to an initiator the catalog does not know"},
		{CodeUnpresentedAfterBackup, "storage", 1, SeverityWarning, "spm.Quarantine (+ spm.MarkServiceNonConformant for a conformant bound service): a catalog presentation is gone from the array"},
		{CodePresentationChanged, "storage", 1, SeverityWarning, "spm.Quarantine: same initiator, other host/host group or LUN"},
		{CodeSignatureValid, "storage", 1, SeverityWarning, "manual: unchanged since the backup, safe to take out of quarantine (Change Quarantine)"},
		{CodeSignatureUnsupportedVersion, "storage", 1, SeverityWarning, "manual: remove from the catalog or rewrite the signature"},
		{CodeSignatureCorrupt, "storage", 1, SeverityError, "manual: troubleshoot before taking out of quarantine"},
		{CodeSignatureNotPresent, "storage", 1, SeverityWarning, "manual: usable, ownership unprovable (XP/P9000: always; restore by hand)"},
		{CodeSignatureNotPresentChanged, "storage", 1, SeverityWarning, "manual: as above, and the volume changed since the backup"},
		{CodeSignatureOwningCatalogMismatch, "storage", 1, SeverityWarning, "manual: owned by another SPM; normally do not import"},
		{CodeSignatureUnexpectedServiceBinding, "storage", 1, SeverityWarning, "manual: e.g. deactivate the bound service"},
		{CodeSignatureActivationLevelMismatch, "storage", 1, SeverityWarning, "manual: run Matrix lsmanalyser, else fix by hand and rewrite the signature"},
		{CodeSignatureServiceMismatch, "storage", 1, SeverityWarning, "manual: e.g. deactivate the current service"},
		{CodeOfflineVolume, "storage", 1, SeverityWarning, "manual removal in SPM (+ spm.RemoveVolume): an SPM_ volume the array no longer holds"},
		{CodeVolumeMissing, "storage", 1, SeverityError, "manual: a catalog volume (not SPM_) the array no longer holds"},
		{CodeVolumeNotInCatalog, "storage", 1, SeverityWarning, "manual re-import: the array holds a volume signed by this catalog that the catalog lacks"},
		{CodeArrayUnreachable, "storage", 1, SeverityError, "manual: make reachable (or evict) an array the live side does not report"},
		{CodeManualReentry, "storage", 1, SeverityWarning, "manual: the re-entry checklist (users, certificates, roles, security groups, templates, resources)"},
	}
}

// Codes returns every finding code of the package with its section, phase,
// severity and resolution, in the order of the package doc's table.
func Codes() []CodeInfo {
	cs := codeInfos()
	return cs[:]
}

// severityOf is the severity Codes gives c; every finding takes its
// severity from there, so the two cannot disagree.
func severityOf(c Code) Severity {
	for _, ci := range codeInfos() {
		if ci.Code == c {
			return ci.Severity
		}
	}
	return SeverityError // unreachable for the package's own codes (tested)
}
