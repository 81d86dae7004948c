package spm

import "path/filepath"

// This file is the one place that holds what the SDK knows and assumes
// about SPM and the CMS. Each fact is tagged FOUND (stated by HP, source
// given), INFER (derived from HP's text but not stated by it), RECALL
// (remembered, not confirmed) or GAP (not found at all); the sources are
// those of the SDK's research notes (BR70: the Matrix 7.0 backup and
// restore white paper; SPM21/SPM22/SPM23: the SPM 2.1/2.2/2.3 user guides).
// Every guess (INFER, RECALL, GAP) can be overridden by the caller:
//
//   - the service key names (GAP): pass ServiceNames with key names;
//   - that the label sits in the page's HTML (INFER): [WithMatcher];
//   - how SPM derives a Signature State (INFER): [SignatureRules], its
//     MaxSignatureVersion or a whole Derive function;
//   - the spelling of RecoveryMode's value InternalRecovery (FOUND only
//     through the brief): [Phase1].RecoveryMode;
//   - the value SPM normally runs with (GAP): never guessed — the value
//     found is put back ([RestoreRecoveryMode]);
//   - that SPM reads RecoveryMode only when it starts (INFER [BR70 p41]:
//     the file is edited before SPM is started): [Phase1].StopSPMIfRunning
//     chooses what to do with a running SPM;
//   - whether SPM rewrites RecoveryMode itself once recovery is done (GAP):
//     RestoreRecoveryMode refuses to overwrite a value it did not write
//     ([ErrModeChanged]), so either way nothing is lost;
//   - where the elements sit in ApplicationConfig.xml (GAP): each is looked
//     up anywhere in the file and must be unique;
//   - what Internal Recovery does to volumes the catalog does not know
//     (INFER: nothing, they are the operator's re-import): not acting on
//     [PredictInternalRecovery]'s result is the override.
//
// The fake SCM's dependency order of the prerequisites (INFER: the seed's
// order) lives in spmtest and is overridden with Services.Define.

// Element names in ApplicationConfig.xml. RecoveryMode is FOUND [BR70 p41],
// ResourceOutOfDateTimespan FOUND [SPM23 p54]; where in the file they sit
// is a GAP, so the SDK looks for each one anywhere and requires it to be
// unique.
const (
	ElemRecoveryMode              = "RecoveryMode"
	ElemResourceOutOfDateTimespan = "ResourceOutOfDateTimespan"
)

// ConfigPath returns <SPM>\state\ApplicationConfig.xml for an SPM install
// folder, with the separators of the platform the SDK runs on. FOUND [SPM23
// p54]. A caller with another layout gives [ConfigFile] its own path.
func ConfigPath(spmInstallDir string) string {
	return filepath.Join(spmInstallDir, "state", "ApplicationConfig.xml")
}

// OfflineVolumePrefix starts the names of the volumes that HP says to remove
// by hand after a restore ("offline", named SPM_…). FOUND [BR70 p41; SPM23 p91].
const OfflineVolumePrefix = "SPM_"

// RecoveryModeInternal is the RecoveryMode value that puts SPM into Internal
// Recovery. FOUND [BR70 p41] (through the brief's reading of it; a caller
// who sees another spelling sets [Phase1].RecoveryMode). The value SPM
// normally runs with is NOT known (GAP), so the SDK never writes one of its
// own: it remembers the value it found and puts exactly that back.
const RecoveryModeInternal = "InternalRecovery"

// ManualRecoveryLabel is the text that the SPM page shows in its top-right
// corner once Internal Recovery has finished. The label is FOUND [BR70 p41];
// that it appears literally in the page's HTML is INFER (the markup was never
// seen). Override the test with [WithMatcher].
const ManualRecoveryLabel = "Manual Recovery Mode"

// DefaultUIPort is the HTTPS port of the SPM browser UI. FOUND [BR70 p41].
// [UIURL] uses it; a caller with another port gives [NewReadiness] its own
// URL.
const DefaultUIPort = "8000"

// DefaultServiceNames returns the Windows services of storage phase 1 by
// their DISPLAY names, in the order the seed starts them. FOUND [BR70 p41].
// The service KEY names (what `sc query` takes) are a GAP: the Windows
// implementation accepts either and resolves display names itself. A caller
// that knows the key names passes its own [ServiceNames].
func DefaultServiceNames() ServiceNames {
	return ServiceNames{
		Prerequisites: []string{
			"HP Extensible Storage & Server Adapter",
			"HP SPM Storage Module J2EE Service",
			"HP SPM Storage Module Service",
		},
		SPM: "HP Storage Provisioning Manager Service",
	}
}

// SignatureRules are the assumptions the SDK uses to predict which Signature
// State SPM will give a volume from the signature the array holds. The nine
// states and their meanings are FOUND [SPM22 p20]; how SPM decides between
// them (the order of the checks, what counts as a "change since recovery")
// is INFER, written down in [DeriveSignatureState].
type SignatureRules struct {
	// MaxSignatureVersion is the newest signature format this SPM reads;
	// a higher version means "Unsupported Version". INFER: SPM 2.2 writes
	// version 1.
	MaxSignatureVersion int `json:"maxSignatureVersion"`
	// Derive, when set, replaces the SDK's whole inference of the state
	// (the checks of [DeriveSignatureState]) for a caller who knows how
	// SPM really decides; it must return one of the nine states.
	Derive func(t ArrayType, catalogID string, v Volume, lv LiveVolume) SignatureState `json:"-"`
}

// DefaultSignatureRules returns the rules the SDK assumes (see
// [SignatureRules]): MaxSignatureVersion 1, the SDK's own checks.
func DefaultSignatureRules() SignatureRules { return SignatureRules{MaxSignatureVersion: 1} }
