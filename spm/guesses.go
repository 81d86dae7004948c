package spm

// This file is the one place that holds what the SDK assumes about SPM and
// the CMS without a published source. Every value here is tagged INFER
// (derived from HP's text but not stated by it), RECALL (remembered, not
// confirmed) or GAP (not found at all). Callers can override each of them:
// service names through [ServiceNames], the readiness label through
// [WithMatcher], the signature rules through [SignatureRules].

// OfflineVolumePrefix starts the names of the volumes that HP says to remove
// by hand after a restore ("offline", named SPM_…). FOUND [BR70 p41; SPM23 p91].
const OfflineVolumePrefix = "SPM_"

// RecoveryModeInternal is the RecoveryMode value that puts SPM into Internal
// Recovery. FOUND [BR70 p41]. The value SPM normally runs with is NOT known
// (GAP), so the SDK never writes one of its own: it remembers the value it
// found and puts exactly that back.
const RecoveryModeInternal = "InternalRecovery"

// ManualRecoveryLabel is the text that the SPM page shows in its top-right
// corner once Internal Recovery has finished. The label is FOUND [BR70 p41];
// that it appears literally in the page's HTML is INFER (the markup was never
// seen). Override the test with [WithMatcher].
const ManualRecoveryLabel = "Manual Recovery Mode"

// DefaultUIPort is the HTTPS port of the SPM browser UI. FOUND [BR70 p41].
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
	MaxSignatureVersion int
}

// DefaultSignatureRules returns the rules the SDK assumes (see
// [SignatureRules]).
func DefaultSignatureRules() SignatureRules { return SignatureRules{MaxSignatureVersion: 1} }
