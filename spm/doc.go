// Package spm models HP Storage Provisioning Manager (SPM) for storage
// phase 1 of a CMS resync ("SPM recovery", HP's mxsync, LSM section phase 1):
// the restored SPM catalog, what the arrays really hold, the analysis that
// compares them, the RecoveryMode edit in ApplicationConfig.xml, the Windows
// services to start, and the wait for SPM's Manual Recovery Mode over HTTPS.
//
// # Shape
//
//   - Model: [Array] (3PAR, EVA/P6000, XP/P9000), [Volume], [Presentation],
//     [Service], [Template]; the restored catalog is a [Snapshot] (Clone,
//     Validate, Fingerprint, JSON). The arrays' side is a [Live].
//   - Changes as data: [Quarantine], [MarkServiceNonConformant],
//     [SetSignatureState], [SetPresentations], [RemoveVolume], each with a
//     stable Kind and a tagged JSON form ([MarshalChange],
//     [UnmarshalChange], [Changes]).
//     [Apply] is the one function that applies a change to a snapshot; the
//     fake catalog in spmtest and every dry run use it.
//   - Analysis: [Analyze] is a pure function of the restored snapshot and
//     the live arrays that returns [Finding] values (code, severity,
//     [Subject], message, changes and/or manual action).
//     [PredictInternalRecovery] predicts what SPM itself does when it starts
//     in Internal Recovery (quarantine, Signature States, non-conformant
//     services, and the presentations resynchronised from the arrays): the
//     catalog that later phases (Matrix OE's lsmanalyzer) must be analysed on.
//   - Ports: [RestoredCatalog], [LiveArrays], [ServiceControl],
//     [RecoveryModeStore], [ReadinessWaiter]; [Phase1] runs the start-up
//     sequence through them. Real implementations: [ConfigFile],
//     [WindowsServices] (Windows only), [Readiness]. Fakes: package spmtest.
//
// # Finding codes
//
// Codes are stable; tools may match on them.
//
//	Code                                      Severity  Resolution
//	SPM-PRESENTED-AFTER-BACKUP                warning   Quarantine: the array presents the volume to an initiator the catalog does not know
//	SPM-UNPRESENTED-AFTER-BACKUP              warning   Quarantine (+ MarkServiceNonConformant for a conformant bound service): a presentation in the catalog is gone from the array
//	SPM-PRESENTATION-CHANGED                  warning   Quarantine: same initiator, other host/host group or LUN
//	SPM-SIGNATURE-VALID                       info      manual: safe to take out of quarantine
//	SPM-SIGNATURE-UNSUPPORTED-VERSION         warning   manual: remove from the catalog or rewrite the signature
//	SPM-SIGNATURE-CORRUPT                     error     manual: troubleshoot before taking out of quarantine
//	SPM-SIGNATURE-NOT-PRESENT                 warning   manual: usable, ownership unprovable (XP/P9000: always; restore by hand)
//	SPM-SIGNATURE-NOT-PRESENT-CHANGED         warning   manual: as above, and the volume changed since the backup
//	SPM-SIGNATURE-OWNING-CATALOG-MISMATCH     warning   manual: owned by another SPM; normally do not import
//	SPM-SIGNATURE-UNEXPECTED-SERVICE-BINDING  warning   manual: e.g. deactivate the bound service
//	SPM-SIGNATURE-ACTIVATION-LEVEL-MISMATCH   warning   manual: run Matrix lsmanalyser, else fix by hand and rewrite the signature
//	SPM-SIGNATURE-SERVICE-MISMATCH            warning   manual: e.g. deactivate the current service
//	SPM-OFFLINE-VOLUME                        warning   manual removal in SPM (+ RemoveVolume): an SPM_… volume the array no longer holds
//	SPM-VOLUME-MISSING                        error     manual: a non-SPM_ catalog volume the array no longer holds
//	SPM-VOLUME-NOT-IN-CATALOG                 warning   manual re-import: the array holds a volume signed by this catalog that the catalog lacks
//	SPM-ARRAY-UNREACHABLE                     error     manual: the live side does not report a catalog array
//	SPM-MANUAL-REENTRY                        warning   manual: the re-entry checklist (users and certificates, roles, security groups and rights, templates, imported/evicted resources)
//
// The Signature State meanings and actions are HP's (SPM 2.2 user guide
// p20); which array facts lead to which state is the SDK's inference, kept
// in [DeriveSignatureState] and [SignatureRules]. The SDK never releases
// quarantine: only an administrator does, with "Change Quarantine".
//
// # What is not known
//
// Every unverified assumption lives in guesses.go: the services' key names
// (display names are used and resolved), the readiness label's markup, the
// signature rules. The normal value of RecoveryMode is not known: the SDK
// never writes one of its own; [SetRecoveryMode] returns the value it found
// in a [ModeChange] and [RestoreRecoveryMode] writes exactly that back.
//
// # ApplicationConfig.xml
//
// [SetRecoveryMode] changes only the bytes of the value: comments, the
// declaration, indentation, line endings and attribute order stay as they
// were. etree parses and validates the file; the edit itself replaces the
// value at its exact byte offset, because no XML writer round-trips every
// byte. The original is copied to <file>.mxsync-<UTC time>.bak first, the
// new content is written to a temporary file in the same folder, flushed and
// renamed over the original.
package spm
