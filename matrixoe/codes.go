package matrixoe

// CodeInfo describes one finding code: the mxsync section and phase whose
// analysis reports it, its severity, and what resolves it. The package doc's
// code table is this list (a test keeps the two equal), and the engine
// builds its catalog of every section's codes from it.
type CodeInfo struct {
	Code       Code     `json:"code"`
	Section    string   `json:"section"` // "storage", "orchestration", "recovery" (mxsync's sections)
	Phase      int      `json:"phase"`   // mxsync's phase number within the section
	Severity   Severity `json:"severity"`
	Resolution string   `json:"resolution"` // one line: the change kinds or the manual step
}

// Codes returns every finding code of the package, in the order of the
// package doc's table (mxsync's order of sections and phases). Codes marked
// "ours" cover cases HP's tables do not show; they never change data
// without a human.
func Codes() []CodeInfo {
	const (
		storage       = "storage"
		orchestration = "orchestration"
		recovery      = "recovery"
	)
	return []CodeInfo{
		{CodeLSProfileGone, storage, 2, SeverityWarning, "DropLS (profile gone from the predicted VCEM database)"},
		{CodeLSDeactivated, storage, 2, SeverityWarning, "SetLSDeactivated (activated, profile unassigned)"},
		{CodeLSPowerChanged, storage, 2, SeverityWarning, "SetPowerState (VM resumed or suspended after the backup)"},
		{CodeLSVMMissing, storage, 2, SeverityWarning, "manual (ours): VMM does not report the VM"},
		{CodeLSInoperable, storage, 2, SeverityWarning, "manual: unmanage the inoperable logical server"},
		{CodeVolumeNewInUse, storage, 3, SeverityWarning, "DeleteVolumeFromSPM (table 15, Volume2)"},
		{CodeVolumePresentedNoSPE, storage, 3, SeverityWarning, "DeleteVolumeFromSPM (table 15, Volume4)"},
		{CodeVolumeWWNReused, storage, 3, SeverityWarning, "AddVolumeToSPE (table 15, Volume8)"},
		{CodeVolumeWWNAmbiguous, storage, 3, SeverityWarning, "manual (ours): WWPNs of several or carved entries"},
		{CodeVolumeServiceDeleted, storage, 3, SeverityWarning, "RemoveVolumeFromSPE (table 15, Volume7)"},
		{CodePresentationMismatch, storage, 3, SeverityWarning, "manual (ours): mismatch while the service is conformant"},
		{CodeSPEVolumeNotInCatalog, storage, 3, SeverityWarning, "RemoveVolumeFromSPE (ours): the catalog lost the volume"},
		{CodeRequestUnfinished, orchestration, 1, SeverityWarning, "TerminateRequest"},
		{CodeServiceDeleted, orchestration, 2, SeverityWarning, "RemoveServiceDefinition (marked * in InfrastructureServices.txt)"},
		{CodeServiceProbablyDeleted, orchestration, 2, SeverityWarning, "manual (ours): mark it with * in InfrastructureServices.txt, or acknowledge"},
		{CodeIPAllocatedLive, orchestration, 3, SeverityWarning, "MarkIPAllocated"},
		{CodeRMExportMissing, recovery, 1, SeverityWarning, "manual: provide the RM configuration export"},
		{CodeRMExportConflict, recovery, 1, SeverityError, "manual: the import would fail; resolve the set conflicts in RM"},
		{CodeRMExportApply, recovery, 1, SeverityWarning, "ApplyRMExport"},
		{CodeRMGroupNotInExport, recovery, 1, SeverityWarning, "manual (ours, INFER: the import keeps it)"},
		{CodeRMGroupDeletedLS, recovery, 1, SeverityWarning, "UpdateRecoveryGroup"},
	}
}
