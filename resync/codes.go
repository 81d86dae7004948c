package resync

import (
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// CodeInfo describes one finding code of any section.
type CodeInfo struct {
	Code       string   `json:"code"`
	Section    Section  `json:"section"`
	Phase      int      `json:"phase"`
	Severity   Severity `json:"severity"`
	Resolution string   `json:"resolution"`
}

// Codes returns every finding code a plan can hold, in phase order: the
// engine's own (the service check, the manifest check) and every section's,
// from the packages that own them. The package documentation's catalog is
// generated from it.
func Codes() []CodeInfo {
	out := []CodeInfo{
		{CodeServiceMustStop, SectionServices, 1, SeverityWarning, "resync.StopService (confirmed by the Prompter)"},
		{CodeServiceMustStart, SectionServices, 1, SeverityWarning, "resync.StartService (confirmed by the Prompter)"},
		{CodeServicePaused, SectionServices, 1, SeverityWarning, "manual: continue or stop the service, then analyse again"},
		{CodeServiceNotInstalled, SectionServices, 1, SeverityInfo, "nothing to do"},
		{CodeManifestMismatch, SectionVCEM, 1, SeverityError, "manual: restore the backup the manifest describes (also storage 1 and 2 for the SPM and Matrix OE databases)"},
	}
	for _, c := range vcem.Codes() {
		out = append(out, CodeInfo{string(c.Code), Section(c.Section), c.Phase, Severity(c.Severity), c.Resolution})
	}
	for _, c := range spm.Codes() {
		out = append(out, CodeInfo{string(c.Code), Section(c.Section), c.Phase, Severity(c.Severity), c.Resolution})
	}
	for _, c := range matrixoe.Codes() {
		out = append(out, CodeInfo{string(c.Code), Section(c.Section), c.Phase, Severity(c.Severity), c.Resolution})
	}
	return out
}
