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
//     Equal, Fingerprint, Validate, strict JSON; [Diff] lists differences).
//     The arrays' side is a [Live] ([FingerprintLive], [DiffLive]).
//   - Changes as data: [Quarantine], [MarkServiceNonConformant],
//     [SetSignatureState], [SetPresentations], [RemoveVolume], each with a
//     stable Kind; plain json.Marshal writes the tagged form, [DecodeChange]
//     and [Changes] read it back strictly. [Apply] is the one function that
//     applies a change to a snapshot (the fake catalog in spmtest and every
//     dry run use it); [ApplyAll] applies a list in place, all or nothing.
//     A [Chain] is a catalog changed only through its Apply, for a sequence
//     of predicted states: no copy per batch, and a Fingerprint that costs
//     the records written since the last one.
//   - Analysis: [Analyze] is a pure function of the restored snapshot and
//     the live arrays that returns [Finding] values (code, severity,
//     [Subject], message, changes and/or manual action).
//     [PredictInternalRecovery] predicts what SPM itself does when it starts
//     in Internal Recovery (quarantine, Signature States, non-conformant
//     services, and the presentations resynchronised from the arrays): the
//     catalog that later phases (Matrix OE's lsmanalyzer) must be analysed on.
//   - Ports: [RestoredStore], [LiveArrays], [ServiceControl],
//     [RecoveryModeStore], [ReadinessWaiter]; [Phase1] runs the start-up
//     sequence through them. Real implementations: [ConfigFile],
//     [WindowsServices] (Windows only), [Readiness]. Fakes: package spmtest.
//
// # Finding codes
//
// Codes are stable; tools may match on them.
//
//	Code                                      Severity  Resolution
//	SPM-PRESENTED-AFTER-BACKUP                warning   spm.Quarantine: the array presents the volume to an initiator the catalog does not know
//	SPM-UNPRESENTED-AFTER-BACKUP              warning   spm.Quarantine (+ spm.MarkServiceNonConformant for a conformant bound service): a catalog presentation is gone from the array
//	SPM-PRESENTATION-CHANGED                  warning   spm.Quarantine: same initiator, other host/host group or LUN
//	SPM-SIGNATURE-VALID                       warning   manual: unchanged since the backup, safe to take out of quarantine (Change Quarantine)
//	SPM-SIGNATURE-UNSUPPORTED-VERSION         warning   manual: remove from the catalog or rewrite the signature
//	SPM-SIGNATURE-CORRUPT                     error     manual: troubleshoot before taking out of quarantine
//	SPM-SIGNATURE-NOT-PRESENT                 warning   manual: usable, ownership unprovable (XP/P9000: always; restore by hand)
//	SPM-SIGNATURE-NOT-PRESENT-CHANGED         warning   manual: as above, and the volume changed since the backup
//	SPM-SIGNATURE-OWNING-CATALOG-MISMATCH     warning   manual: owned by another SPM; normally do not import
//	SPM-SIGNATURE-UNEXPECTED-SERVICE-BINDING  warning   manual: e.g. deactivate the bound service
//	SPM-SIGNATURE-ACTIVATION-LEVEL-MISMATCH   warning   manual: run Matrix lsmanalyser, else fix by hand and rewrite the signature
//	SPM-SIGNATURE-SERVICE-MISMATCH            warning   manual: e.g. deactivate the current service
//	SPM-OFFLINE-VOLUME                        warning   manual removal in SPM (+ spm.RemoveVolume): an SPM_ volume the array no longer holds
//	SPM-VOLUME-MISSING                        error     manual: a catalog volume (not SPM_) the array no longer holds
//	SPM-VOLUME-NOT-IN-CATALOG                 warning   manual re-import: the array holds a volume signed by this catalog that the catalog lacks
//	SPM-ARRAY-UNREACHABLE                     error     manual: make reachable (or evict) an array the live side does not report
//	SPM-MANUAL-REENTRY                        warning   manual: the re-entry checklist (users, certificates, roles, security groups, templates, resources)
//
// Every finding takes the severity its code has in [Codes], with the one
// meaning vcem, spm and matrixoe share: info needs nothing, a warning has
// changes to apply or a manual step, an error has a manual step.
//
// The Signature State meanings and actions are HP's (SPM 2.2 user guide
// p20); which array facts lead to which state is the SDK's inference, kept
// in [DeriveSignatureState] and [SignatureRules]. The SDK never releases
// quarantine: only an administrator does, with "Change Quarantine".
//
// # Changes applied twice
//
// The resync engine journals each change and may replay one after a crash,
// so each kind says what applying it again does:
//
//	Kind                          Applied again                      Errors (each wraps one sentinel)
//	spm.Quarantine                nil, nothing changes               ErrNotFound (volume)
//	spm.MarkServiceNonConformant  nil, nothing changes               ErrNotFound (service)
//	spm.SetSignatureState         nil, nothing changes               ErrNotFound; ErrInvalid (state); ErrConflict (not "Not present" on XP)
//	spm.SetPresentations          nil, nothing changes (any order)   ErrNotFound; ErrInvalid (other volume, negative LUN, initiator twice)
//	spm.RemoveVolume              ErrNotFound: already removed       ErrNotFound
//
// A nil change, or a value of another type, is ErrUnknownChange; a nil
// snapshot is ErrInvalid.
//
// # What is not known
//
// Every fact the SDK relies on, and every unverified assumption, lives in
// assumptions.go, tagged FOUND, INFER, RECALL or GAP with its source, and
// each guess can be overridden by the caller: the services' key names
// ([ServiceNames]; display names are used and resolved), the readiness
// label's markup ([WithMatcher]), the signature rules ([SignatureRules]),
// the spelling of InternalRecovery ([Phase1].RecoveryMode). The normal value of RecoveryMode is not known: the SDK
// never writes one of its own; [SetRecoveryMode] returns the value it found
// in a [ModeChange] and [RestoreRecoveryMode] writes exactly that back.
//
// # ApplicationConfig.xml
//
// [SetRecoveryMode] changes only the bytes of the RecoveryMode element:
// comments, the declaration, the byte order mark, indentation, line endings
// and attribute order stay as they were. The file must be well-formed XML
// 1.0 in UTF-8 — a NUL byte or invalid UTF-8 anywhere (comments included),
// text outside the root element, an XML declaration anywhere but at the
// start, a DOCTYPE after the root, an attribute given twice are refused
// with a [*ConfigError] naming the file and the line — because SPM would
// otherwise be started on a broken configuration. etree and encoding/xml
// parse and validate the file; the edit itself replaces the element at its
// exact byte offsets, because no XML writer round-trips every byte. The
// original is copied to <file>.mxsync-<UTC time>.bak first, the new content
// is written to a temporary file in the same folder, flushed and renamed
// over the original; a read-only file is refused ([ErrReadOnly]) on every
// platform, as Windows refuses to replace it. A symbolic link is followed:
// the file it resolves to is edited, with its backup and temporary file
// beside it, so the link stays a link.
//
// [RestoreRecoveryMode] puts the element's original bytes back (an empty
// <RecoveryMode/> stays self-closing) from the [ModeChange] alone, so from
// a journal record after a crash; it refuses ([ErrModeChanged]) when the
// value changed since, because only a person can tell which value is right.
package spm
