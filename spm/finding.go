package spm

import (
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Severity says how much a finding matters.
type Severity string

// Severities, from least to most serious.
const (
	// SeverityInfo needs no action (e.g. a volume safe to release).
	SeverityInfo Severity = "info"
	// SeverityWarning needs an action, by the SDK (Changes) or by a human
	// (Manual).
	SeverityWarning Severity = "warning"
	// SeverityError blocks the phase until a human resolves it.
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

// String formats the finding on one line.
func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.Code, f.Severity, f.Message)
}
