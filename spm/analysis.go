package spm

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

type advice struct {
	code   Code
	manual string
}

// signatureAdvice returns, for each Signature State, its finding's code
// and the suggested action of the SPM 2.2 user guide (FOUND [SPM22
// p20], reworded). The SDK never releases quarantine itself: only an
// administrator does ("Change Quarantine", FOUND [SPM21 p50]).
func signatureAdvice(s SignatureState) (advice, bool) {
	switch s {
	case SignatureValid:
		return advice{CodeSignatureValid,
			"Unchanged since the backup: safe to take out of quarantine (Change Quarantine)."}, true
	case SignatureUnsupportedVersion:
		return advice{CodeSignatureUnsupportedVersion,
			"Signature written by a newer SPM: remove the volume from the catalog, or rewrite the signature to claim ownership."}, true
	case SignatureCorrupt:
		return advice{CodeSignatureCorrupt,
			"Signature damaged: troubleshoot before taking the volume out of quarantine."}, true
	case SignatureNotPresent:
		return advice{CodeSignatureNotPresent,
			"No signature: the volume is usable, but SPM cannot prove that no other SPM owns it; check, then take it out of quarantine."}, true
	case SignatureNotPresentChanged:
		return advice{CodeSignatureNotPresentChanged,
			"No signature and the volume changed since the backup: usable, but SPM cannot prove that no other SPM owns it; check its properties, then take it out of quarantine."}, true
	case SignatureOwningCatalogMismatch:
		return advice{CodeSignatureOwningCatalogMismatch,
			"Last imported by another SPM: normally do not import it here; a forced import is possible."}, true
	case SignatureUnexpectedServiceBinding:
		return advice{CodeSignatureUnexpectedServiceBinding,
			"The catalog binds the volume to a service the signature does not (service deactivated after the backup?): resolve it, e.g. deactivate the bound service."}, true
	case SignatureActivationLevelMismatch:
		return advice{CodeSignatureActivationLevelMismatch,
			"The signature shows another activation than the catalog: run Matrix lsmanalyser; if that fails, fix the requirements by hand, rewrite the signature, then take the volume out of quarantine."}, true
	case SignatureServiceMismatch:
		return advice{CodeSignatureServiceMismatch,
			"The signature says another service uses the volume: resolve it, e.g. deactivate the current service."}, true
	}
	return advice{}, false
}

// SignatureCode returns the finding code for a Signature State, and false
// for the empty or an unknown state.
func SignatureCode(s SignatureState) (Code, bool) {
	a, ok := signatureAdvice(s)
	return a.code, ok
}

// ManualReentryChecklist is what HP says to re-enter by hand in SPM once
// Internal Recovery has finished: every SPM change made after the backup.
// FOUND [BR70 p41].
func ManualReentryChecklist() []string {
	return []string{
		"local users and registered certificates",
		"role definitions",
		"security groups, access rights and group members",
		"templates",
		"import or evict of arrays, storage pools, volumes and networks created or deleted after the backup",
	}
}

// DeriveSignatureState predicts the Signature State SPM gives a catalog
// volume from the signature its array holds. The states are FOUND [SPM22
// p20]; the order of the checks is INFER:
//
//  1. an array family without signatures (XP/P9000): Not present (FOUND);
//  2. no signature: Not present, or Not present with changes since recovery
//     when the array's name or size differ from the catalog's;
//  3. Corrupt; 4. a version above rules.MaxSignatureVersion: Unsupported Version;
//  5. another owning catalog: Owning catalog mismatch;
//  6. catalog bound, signature unbound: Unexpected service binding;
//  7. signature bound to another service: Service Mismatch;
//  8. another activation level: Service Activation Level Mismatch;
//  9. otherwise Valid.
//
// When rules.Derive is set, it decides instead (see [SignatureRules]).
func DeriveSignatureState(t ArrayType, catalogID string, v Volume, lv LiveVolume, rules SignatureRules) SignatureState {
	if rules.Derive != nil {
		return rules.Derive(t, catalogID, v, lv)
	}
	sig := lv.Signature
	switch {
	case !t.SupportsSignatures():
		return SignatureNotPresent
	case !sig.Present:
		if lv.Name != v.Name || lv.SizeBytes != v.SizeBytes {
			return SignatureNotPresentChanged
		}
		return SignatureNotPresent
	case sig.Corrupt:
		return SignatureCorrupt
	case sig.Version > rules.MaxSignatureVersion:
		return SignatureUnsupportedVersion
	case sig.OwningCatalog != catalogID:
		return SignatureOwningCatalogMismatch
	case v.ServiceID != "" && sig.ServiceID == "":
		return SignatureUnexpectedServiceBinding
	case sig.ServiceID != v.ServiceID:
		return SignatureServiceMismatch
	case sig.Activation != v.Activation:
		return SignatureActivationLevelMismatch
	}
	return SignatureValid
}

// Analyze compares the restored catalog with the live arrays, using
// [DefaultSignatureRules]. See [AnalyzeWith].
func Analyze(restored *Snapshot, live *Live) ([]Finding, error) {
	return AnalyzeWith(restored, live, DefaultSignatureRules())
}

// AnalyzeWith compares the restored catalog with the live arrays and returns
// the findings of storage phase 1, in a stable order: per array (sorted by
// ID) whether it answers; per volume (sorted by ID) its presentation
// mismatches (Quarantine, and MarkServiceNonConformant when a bound
// service lost a presentation), its Signature State (the catalog's if SPM
// set one, else predicted by [DeriveSignatureState]) and whether the array
// still holds it; then volumes on the arrays that carry this catalog's
// signature but that the catalog does not know; and last the manual
// re-entry checklist. A volume already quarantined gets no new Quarantine
// (and a non-conformant service no new mark), so applying the findings'
// changes and analysing again yields no further change. It never modifies
// its inputs. Both inputs must validate.
func AnalyzeWith(restored *Snapshot, live *Live, rules SignatureRules) ([]Finding, error) {
	if err := checkInputs(restored, live); err != nil {
		return nil, err
	}
	return analyze(restored, live, rules, newRecoveryIndex(restored, live))
}

// checkInputs is the analysis' check of its inputs: both present and valid.
func checkInputs(restored *Snapshot, live *Live) error {
	if restored == nil || live == nil {
		return fmt.Errorf("spm: analyze: nil input (restored %t, live %t): %w", restored == nil, live == nil, ErrInvalid)
	}
	if err := restored.Validate(); err != nil {
		return fmt.Errorf("spm: analyze: restored catalog: %w", err)
	}
	if err := live.Validate(); err != nil {
		return fmt.Errorf("spm: analyze: %w", err)
	}
	return nil
}

// recoveryIndex is what the findings and the Internal Recovery prediction
// both look the volumes up in, built once for both.
type recoveryIndex struct {
	byVolume  map[string][]Presentation // the restored presentations by volume ID
	live      map[string]liveIndex      // by array ID
	volumeIDs []string                  // the restored volumes' IDs, sorted
}

func newRecoveryIndex(restored *Snapshot, live *Live) *recoveryIndex {
	ix := &recoveryIndex{byVolume: make(map[string][]Presentation, len(restored.Volumes)), live: indexLive(live), volumeIDs: sortedKeys(restored.Volumes)}
	for _, p := range restored.Presentations {
		ix.byVolume[p.VolumeID] = append(ix.byVolume[p.VolumeID], p)
	}
	return ix
}

// analyze is AnalyzeWith on validated inputs.
func analyze(restored *Snapshot, live *Live, rules SignatureRules, rix *recoveryIndex) ([]Finding, error) {
	var out []Finding
	for _, id := range sortedKeys(restored.Arrays) {
		if _, ok := live.Arrays[id]; !ok {
			out = append(out, Finding{
				Code: CodeArrayUnreachable, Severity: severityOf(CodeArrayUnreachable), Subject: Subject{ArrayID: id},
				Message: fmt.Sprintf("array %q (%s) is in the restored catalog but the live side does not report it; its volumes were not checked", id, restored.Arrays[id].Name),
				Manual:  "Make the array reachable (or evict it from SPM if it was removed after the backup), then analyse again.",
			})
		}
	}
	byVolume, idx := rix.byVolume, rix.live
	known := map[string]map[addrpool.WWN]bool{}
	for _, id := range rix.volumeIDs {
		v := restored.Volumes[id]
		ai, ok := idx[v.ArrayID]
		if !ok {
			continue // reported once per array above
		}
		if known[v.ArrayID] == nil {
			known[v.ArrayID] = map[addrpool.WWN]bool{}
		}
		known[v.ArrayID][v.WWN] = true
		lv, onArray := ai.volumes[v.WWN]
		if !onArray {
			out = append(out, missingVolume(v))
			continue
		}
		out = append(out, presentationFindings(restored, v, byVolume[id], ai.presentations[v.WWN])...)
		state := v.Signature
		predicted := false
		if state == "" {
			t := restored.Arrays[v.ArrayID].Type
			state = DeriveSignatureState(t, restored.CatalogID, v, lv, rules)
			predicted = true
			if state == "" || !state.Valid() || !t.SupportsSignatures() && state != SignatureNotPresent {
				return nil, errorf("spm: analyze: volume %q: the signature rules gave %q, not a state SPM can set on a %s volume: %w",
					id, state, t, ErrInvalid)
			}
		}
		out = append(out, signatureFinding(restored.Arrays[v.ArrayID].Type, v, state, predicted))
	}
	for _, aid := range sortedKeys(live.Arrays) {
		for _, lv := range live.Arrays[aid].Volumes {
			if known[aid][lv.WWN] || !lv.Signature.Present || lv.Signature.OwningCatalog != restored.CatalogID {
				continue
			}
			out = append(out, Finding{
				Code: CodeVolumeNotInCatalog, Severity: severityOf(CodeVolumeNotInCatalog),
				Subject: Subject{ArrayID: aid, VolumeWWN: lv.WWN},
				Message: fmt.Sprintf("volume %q (%s) on array %q carries this catalog's signature but the restored catalog does not know it: it was imported after the backup", lv.Name, lv.WWN, aid),
				Manual:  "Import the volume into SPM again once Internal Recovery has finished (manual re-entry).",
			})
		}
	}
	out = append(out, Finding{
		Code: CodeManualReentry, Severity: severityOf(CodeManualReentry),
		Message: "Re-enter by hand every SPM change made after the backup: " + strings.Join(ManualReentryChecklist(), "; ") + ".",
		Manual:  "In the SPM UI, once it shows Manual Recovery Mode, re-create: " + strings.Join(ManualReentryChecklist(), "; ") + ".",
	})
	return out, nil
}

// liveIndex is one array's volumes and presentations by volume WWN.
type liveIndex struct {
	volumes       map[addrpool.WWN]LiveVolume
	presentations map[addrpool.WWN][]LivePresentation
}

func indexLive(l *Live) map[string]liveIndex {
	out := make(map[string]liveIndex, len(l.Arrays))
	for id, a := range l.Arrays {
		ix := liveIndex{volumes: make(map[addrpool.WWN]LiveVolume, len(a.Volumes)), presentations: map[addrpool.WWN][]LivePresentation{}}
		for _, v := range a.Volumes {
			ix.volumes[v.WWN] = v
		}
		for _, p := range a.Presentations {
			ix.presentations[p.VolumeWWN] = append(ix.presentations[p.VolumeWWN], p)
		}
		out[id] = ix
	}
	return out
}

func missingVolume(v Volume) Finding {
	s := Subject{ArrayID: v.ArrayID, VolumeID: v.ID, VolumeWWN: v.WWN, ServiceID: v.ServiceID}
	if strings.HasPrefix(v.Name, OfflineVolumePrefix) {
		return Finding{
			Code: CodeOfflineVolume, Severity: severityOf(CodeOfflineVolume), Subject: s,
			Message: fmt.Sprintf("volume %q (%s, WWN %s) no longer exists on array %q: deleted by auto-provisioning after the backup; SPM shows it offline", v.ID, v.Name, v.WWN, v.ArrayID),
			Manual:  fmt.Sprintf("Remove volume %q from SPM (it shows offline).", v.Name),
			Changes: Changes{RemoveVolume{VolumeID: v.ID}},
		}
	}
	return Finding{
		Code: CodeVolumeMissing, Severity: severityOf(CodeVolumeMissing), Subject: s,
		Message: fmt.Sprintf("volume %q (%s, WWN %s) is in the restored catalog but array %q does not hold it", v.ID, v.Name, v.WWN, v.ArrayID),
		Manual:  fmt.Sprintf("Find out what happened to volume %q after the backup; evict it from SPM if it was deleted on purpose.", v.Name),
	}
}

// presentationFindings compares one volume's restored presentations with
// what its array presents, per initiator.
func presentationFindings(restored *Snapshot, v Volume, want []Presentation, have []LivePresentation) []Finding {
	wantBy := map[addrpool.WWN]Presentation{}
	for _, p := range want {
		wantBy[p.Initiator] = p
	}
	haveBy := map[addrpool.WWN]LivePresentation{}
	for _, p := range have {
		haveBy[p.Initiator] = p
	}
	var added, removed, changed []string
	for _, init := range sortedWWNs(haveBy) {
		if _, ok := wantBy[init]; !ok {
			h := haveBy[init]
			added = append(added, fmt.Sprintf("%s (host %q, LUN %d)", init, h.Host, h.LUN))
		}
	}
	for _, init := range sortedWWNs(wantBy) {
		w := wantBy[init]
		h, ok := haveBy[init]
		switch {
		case !ok:
			removed = append(removed, fmt.Sprintf("%s (host %q, LUN %d)", init, w.Host, w.LUN))
		case h.Host != w.Host || h.LUN != w.LUN:
			changed = append(changed, fmt.Sprintf("%s: catalog host %q LUN %d, array host %q LUN %d", init, w.Host, w.LUN, h.Host, h.LUN))
		}
	}
	subject := Subject{ArrayID: v.ArrayID, VolumeID: v.ID, VolumeWWN: v.WWN, ServiceID: v.ServiceID}
	quarantine := func() Changes {
		if v.Quarantined {
			return nil
		}
		return Changes{Quarantine{VolumeID: v.ID}}
	}
	var out []Finding
	if len(added) > 0 {
		if cs := quarantine(); cs != nil {
			out = append(out, Finding{
				Code: CodePresentedAfterBackup, Severity: severityOf(CodePresentedAfterBackup), Subject: subject, Changes: cs,
				Message: fmt.Sprintf("volume %q (%s) is presented on array %q to %s, which the restored catalog does not know: presented after the backup", v.ID, v.Name, v.ArrayID, strings.Join(added, ", ")),
			})
		}
	}
	if len(removed) > 0 {
		cs := quarantine()
		if sv, ok := restored.Services[v.ServiceID]; ok && sv.Conformant {
			cs = append(cs, MarkServiceNonConformant{ServiceID: sv.ID})
		}
		if cs != nil {
			out = append(out, Finding{
				Code: CodeUnpresentedAfterBackup, Severity: severityOf(CodeUnpresentedAfterBackup), Subject: subject, Changes: cs,
				Message: fmt.Sprintf("volume %q (%s) is no longer presented on array %q to %s: unpresented after the backup", v.ID, v.Name, v.ArrayID, strings.Join(removed, ", ")),
			})
		}
	}
	if len(changed) > 0 {
		if cs := quarantine(); cs != nil {
			out = append(out, Finding{
				Code: CodePresentationChanged, Severity: severityOf(CodePresentationChanged), Subject: subject, Changes: cs,
				Message: fmt.Sprintf("volume %q (%s) is presented differently on array %q: %s", v.ID, v.Name, v.ArrayID, strings.Join(changed, "; ")),
			})
		}
	}
	return out
}

func signatureFinding(t ArrayType, v Volume, state SignatureState, predicted bool) Finding {
	a, _ := signatureAdvice(state)
	how := "SPM set"
	if predicted {
		how = "predicted"
	}
	f := Finding{
		Code: a.code, Severity: severityOf(a.code),
		Subject: Subject{ArrayID: v.ArrayID, VolumeID: v.ID, VolumeWWN: v.WWN, ServiceID: v.ServiceID},
		Message: signatureMessage(v, state, how),
		Manual:  a.manual,
	}
	if !t.SupportsSignatures() {
		f.Manual = fmt.Sprintf("%s arrays hold no signatures, so the state is always %q: restore this volume's SPM state by hand (re-entry), then take it out of quarantine.", t, SignatureNotPresent)
	}
	return f
}

// signatureMessage is fmt.Sprintf("volume %q (%s) on array %q: signature
// state %q (%s)", ...), appended by hand: a Large catalog has a finding per
// volume, and fmt was most of their cost. (%q of a string is
// strconv.Quote.)
func signatureMessage(v Volume, state SignatureState, how string) string {
	b := make([]byte, 0, 64+len(v.ID)+len(v.Name)+len(v.ArrayID)+len(state))
	b = append(b, "volume "...)
	b = strconv.AppendQuote(b, v.ID)
	b = append(b, " ("...)
	b = append(b, v.Name...)
	b = append(b, ") on array "...)
	b = strconv.AppendQuote(b, v.ArrayID)
	b = append(b, ": signature state "...)
	b = strconv.AppendQuote(b, string(state))
	b = append(b, " ("...)
	b = append(b, how...)
	return string(append(b, ')'))
}

func sortedWWNs[V any](m map[addrpool.WWN]V) []addrpool.WWN {
	out := make([]addrpool.WWN, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// PredictInternalRecovery returns the changes SPM 2.2+ itself makes to the
// catalog when it starts in Internal Recovery, in a stable order: every
// conformant service that lost a presentation marked non-conformant (FOUND
// [BR70 p58], Table 15); then per volume, by ID, Quarantine (FOUND [SPM22
// p19]: every volume), SetSignatureState (FOUND [SPM22 p19]; the state is
// [DeriveSignatureState]'s) and SetPresentations. Fakes use it to play SPM;
// a dry run uses it to predict SPM's work.
//
// Presentations: "after an SPM catalog is restored from backup and SPM is
// started in Internal Recovery mode, all resources are resynchronized from
// the device" (FOUND [SPM21 p50]), so after Internal Recovery the catalog
// holds the presentations the arrays show. A catalog volume is matched to
// its array's volume by array ID and WWN, as [Analyze] matches them, and
// gets a SetPresentations with the array's presentations (sorted by
// initiator) when they differ from the catalog's. A volume on an array the
// live side does not report (unreachable) keeps its catalog presentations
// and gets no signature state; a volume its array no longer holds is
// presented to nothing (and keeps an empty signature state). Volumes the
// arrays hold but the catalog does not know are not added: that is the
// operator's re-import ([CodeVolumeNotInCatalog]).
//
// Applying the result and predicting again on that state yields no change:
// Internal Recovery is a fixed point.
func PredictInternalRecovery(restored *Snapshot, live *Live, rules SignatureRules) (Changes, error) {
	_, pred, err := AnalyzeRecovery(restored, live, rules)
	return pred, err
}

// AnalyzeRecovery returns both storage phase 1's findings ([AnalyzeWith])
// and what SPM's Internal Recovery will do ([PredictInternalRecovery]) from
// one analysis: on a large catalog each costs a validation and a pass over
// every volume, which a caller needing both should not pay twice.
func AnalyzeRecovery(restored *Snapshot, live *Live, rules SignatureRules) ([]Finding, Changes, error) {
	if err := checkInputs(restored, live); err != nil {
		return nil, nil, err
	}
	ix := newRecoveryIndex(restored, live)
	fs, err := analyze(restored, live, rules, ix)
	if err != nil {
		return nil, nil, err
	}
	return fs, predictRecovery(restored, rules, fs, ix), nil
}

// predictRecovery is PredictInternalRecovery on the findings of
// AnalyzeWith(restored, live, rules).
func predictRecovery(restored *Snapshot, rules SignatureRules, fs []Finding, rix *recoveryIndex) Changes {
	var out Changes
	seenSvc := map[string]bool{}
	for _, f := range fs {
		for _, c := range f.Changes {
			if m, ok := c.(MarkServiceNonConformant); ok && !seenSvc[m.ServiceID] {
				seenSvc[m.ServiceID] = true
				out = append(out, m)
			}
		}
	}
	byVolume, idx := rix.byVolume, rix.live
	for _, id := range rix.volumeIDs {
		v := restored.Volumes[id]
		if !v.Quarantined {
			out = append(out, Quarantine{VolumeID: id})
		}
		ai, reachable := idx[v.ArrayID]
		if !reachable {
			continue // unreachable array: nothing to resynchronise from
		}
		lv, onArray := ai.volumes[v.WWN]
		if onArray && v.Signature == "" {
			out = append(out, SetSignatureState{VolumeID: id, State: DeriveSignatureState(restored.Arrays[v.ArrayID].Type, restored.CatalogID, v, lv, rules)})
		}
		arrayView := make([]Presentation, 0, len(ai.presentations[v.WWN]))
		for _, lp := range ai.presentations[v.WWN] { // none when the array no longer holds the volume
			arrayView = append(arrayView, Presentation{VolumeID: id, Initiator: lp.Initiator, Host: lp.Host, LUN: lp.LUN})
		}
		if !samePresentations(byVolume[id], arrayView) {
			slices.SortFunc(arrayView, func(a, b Presentation) int { return cmp.Compare(a.Initiator, b.Initiator) })
			out = append(out, SetPresentations{VolumeID: id, Presentations: arrayView})
		}
	}
	return out
}
