package matrixoe

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// AnalyzeLSRefresh is storage phase 2, the logical-server refresh (BR70 p59,
// table 16). ms is the predicted Matrix OE state; vs is the VCEM database
// as VCEM phases 1 and 2 leave it — "the updated VCEM database" of BR70
// p59: the restored snapshot with the changes of vcem.AnalyzePhase1's
// findings applied (a profile phase 1 deletes is absent), then those of
// vcem.PredictResync (a profile unassigned after the backup has no bay;
// INFER, see vcem's assumptions.go). Passing the restored snapshot instead
// misses both. vmPower is the power state VMM reports now for each VM, by
// VM ID.
//
// Per logical server, in ID order:
//   - its VCEM profile is absent → drop the definition (LSM-LS-PROFILE-DELETED);
//   - activated but the profile is unassigned → set deactivated (LSM-LS-DEACTIVATED);
//   - VM-based and the live power state differs → update it (LSM-LS-POWER-CHANGED);
//     a VM that VMM does not report is left to a human (LSM-LS-VM-NOT-REPORTED);
//     a VM VMM reports with no power state (PowerUnknown) is no evidence
//     of a change and yields nothing; a live state other than on, off or
//     unknown is an error naming the VM and the value (no finding could
//     carry an applicable SetPowerState for it);
//   - managed and inoperable, or using an inoperable SPE → recommend
//     unmanaging it (LSM-LS-INOPERABLE, manual).
//
// It takes AnalysisOptions like every analysis, and uses none.
func AnalyzeLSRefresh(ms *Snapshot, vs *vcem.Snapshot, vmPower map[string]PowerState, _ ...AnalysisOption) ([]Finding, error) {
	if ms == nil || vs == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeLSRefresh: nil snapshot: %w", ErrInvalid)
	}
	var out []Finding
	for _, id := range sortedKeys(ms.LogicalServers) {
		ls := ms.LogicalServers[id]
		subj := Subject{LogicalServerID: id, ProfileID: ls.ProfileID}
		if ls.Kind == LSPhysicalVC {
			prof, ok := vs.Profiles[ls.ProfileID]
			if !ok {
				out = append(out, Finding{
					Code: CodeLSProfileGone, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %s (%s): VCEM profile %s no longer exists (deleted after the backup or by VCEM phase 1); drop the definition", q(ls.Name), short(id), q(ls.ProfileID)),
					Changes: Changes{DropLS{LogicalServerID: id}},
				})
				continue // nothing else matters for a dropped server
			}
			if ls.Activated && !prof.Assigned() {
				out = append(out, Finding{
					Code: CodeLSDeactivated, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %s (%s) is activated in the database but VCEM profile %s is unassigned; set it deactivated", q(ls.Name), short(id), q(ls.ProfileID)),
					Changes: Changes{SetLSDeactivated{LogicalServerID: id}},
				})
			}
		}
		if ls.Kind == LSVirtual {
			live, ok := vmPower[ls.VMID]
			switch {
			case ok && !live.valid():
				return nil, fmt.Errorf("matrixoe: AnalyzeLSRefresh: VMM reports VM %s (logical server %s) in power state %s (want %q, %q or unknown): %w", q(ls.VMID), q(id), q(string(live)), PowerOn, PowerOff, ErrInvalid)
			case !ok:
				out = append(out, Finding{
					Code: CodeLSVMMissing, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %s (%s): VMM does not report VM %s", q(ls.Name), short(id), q(ls.VMID)),
					Manual:  "check whether the VM was deleted after the backup; if so, unmanage or delete the logical server in Matrix OE",
				})
			case live != PowerUnknown && live != ls.Power:
				out = append(out, Finding{
					Code: CodeLSPowerChanged, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %s (%s): VM %s is %s live but %s in the database (activated or deactivated after the backup); update the power state", q(ls.Name), short(id), q(ls.VMID), live, q(string(ls.Power))),
					Changes: Changes{SetPowerState{LogicalServerID: id, Power: live}},
				})
			}
		}
		if ls.Managed {
			if why := inoperableReason(ms, ls); why != "" {
				out = append(out, Finding{
					Code: CodeLSInoperable, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %s (%s) is inoperable (%s)", q(ls.Name), short(id), why),
					Manual:  "unmanage the inoperable logical server in Matrix OE to delete it (HP's recommendation after a restore)",
				})
			}
		}
	}
	return out, nil
}

func inoperableReason(ms *Snapshot, ls LogicalServer) string {
	if ls.Inoperable {
		return "marked inoperable"
	}
	for _, speID := range ls.SPEIDs {
		if ms.SPEs[speID].Inoperable {
			return fmt.Sprintf("storage pool entry %s is inoperable", q(speID))
		}
	}
	return ""
}

// AnalyzeLSMAnalyzer is storage phase 3, what lsmanalyzer recommends (BR70
// p58, table 15). ms is the predicted Matrix OE state; restored is the SPM
// catalog as restored from backup; current is the catalog as storage phase
// 1 leaves it: the restored catalog with spm.PredictInternalRecovery's
// changes applied (services marked non-conformant, and the presentations
// the arrays show now, since Internal Recovery resynchronises every
// resource from the device — FOUND, SPM21 p50), then the operator's phase 1
// changes (offline volumes removed, volumes imported after the backup
// re-entered). With the restored presentations, table 15's presentation
// mismatches (Volume7) are missed.
//
// Per catalog volume of current, in ID order (a volume is "presented" to
// the initiators of its presentations in current):
//   - in a catalog-based SPE, with a presentation mismatch (presented to a
//     WWPN outside the SPE, or to none of the SPE's WWPNs) and its SPM service
//     non-conformant or gone → remove it from the SPE
//     (LSM-VOL-SERVICE-DELETED), then judge it as a volume in no SPE; with the
//     service conformant → a human decides (LSM-VOL-PRESENTATION-MISMATCH);
//     matching presentation → conformant, no finding;
//   - in no SPE, presented, and every initiator is a WWPN of one
//     catalog-based SPE → add it to that SPE: the WWN belonged to a
//     pre-backup SPE and was reused (LSM-VOL-WWN-REUSED); initiators spread
//     over several SPEs, or a carved one → manual (LSM-VOL-WWN-AMBIGUOUS);
//   - in no SPE, presented, no SPE's WWPN → delete it from SPM; the code
//     says whether the restored catalog knew it (LSM-VOL-PRESENTED-WITHOUT-SPE)
//     or not (LSM-VOL-NOT-IN-RESTORED-CATALOG);
//   - in no SPE and not presented → an available volume, no finding;
//   - listed by a carved SPE → IO's storage, no finding (a volume is in at
//     most one SPE of either kind, so it must not be proposed for another).
//
// Then, per catalog-based SPE, a volume it lists that current does not have
// is removed from it (LSM-SPE-VOLUME-NOT-IN-CATALOG).
//
// Beyond the four sample rows the rule is our reading; three of its choices
// — a partial path matches, a removed volume is judged again at once, a
// volume the catalog lost is removed — can be read otherwise with
// [WithLSMAnalyzerReadings] (see [LSMAnalyzerReadings]).
func AnalyzeLSMAnalyzer(ms *Snapshot, restored, current *spm.Snapshot, opts ...AnalysisOption) ([]Finding, error) {
	if ms == nil || restored == nil || current == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeLSMAnalyzer: nil snapshot: %w", ErrInvalid)
	}
	rd := assumptions(opts).LSMAnalyzer
	volSPE := map[string]string{}
	carvedVol := map[string]bool{}
	wwpnSPEs := map[addrpool.WWN][]string{}
	for _, id := range sortedKeys(ms.SPEs) {
		spe := ms.SPEs[id]
		for _, v := range spe.VolumeIDs {
			if spe.Kind == SPECatalog {
				volSPE[v] = id
			} else {
				carvedVol[v] = true
			}
		}
		for _, w := range spe.WWPNs {
			// Entries come in ID order, so an entry listing a WWPN twice
			// finds itself last: no scan of the list.
			if ids := wwpnSPEs[w]; len(ids) == 0 || ids[len(ids)-1] != id {
				wwpnSPEs[w] = append(ids, id)
			}
		}
	}
	// Every lookup is by map, and each volume's initiators are sorted and
	// deduplicated once, so the work stays linear (up to sorting) however
	// many presentations a catalog lists.
	presented := map[string][]addrpool.WWN{}
	for _, p := range current.Presentations {
		presented[p.VolumeID] = append(presented[p.VolumeID], p.Initiator)
	}
	for v, ws := range presented {
		slices.Sort(ws)
		presented[v] = slices.Compact(ws)
	}

	var out []Finding
	for _, vid := range sortedKeys(current.Volumes) {
		if carvedVol[vid] {
			continue // IO's carved storage, not judged by lsmanalyzer
		}
		vol := current.Volumes[vid]
		inits := presented[vid]
		speID, inSPE := volSPE[vid]
		if inSPE {
			spe := ms.SPEs[speID]
			if !presentationMismatch(inits, spe.WWPNs, rd.PartialPathMatches) {
				continue // conformant: table 15 "no action"
			}
			svc, svcOK := current.Services[vol.ServiceID]
			subj := Subject{VolumeID: vid, SPEID: speID, WWPNs: inits, LogicalServerID: spe.LogicalServerID}
			if vol.ServiceID != "" && svcOK && svc.Conformant {
				out = append(out, Finding{
					Code: CodePresentationMismatch, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("volume %s (%s) in storage pool entry %s is presented to %s, not to the entry's WWPNs %s, yet SPM service %s is conformant", q(vol.Name), short(vid), q(speID), shortWWNs(inits), shortWWNs(spe.WWPNs), q(vol.ServiceID)),
					Manual:  "check the volume's presentation on the array and the storage pool entry in Matrix OE; correct one of them by hand",
				})
				continue
			}
			if vol.ServiceID == "" {
				out = append(out, Finding{
					Code: CodePresentationMismatch, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("volume %s (%s) in storage pool entry %s is presented to %s, not to the entry's WWPNs %s, and is bound to no SPM service", q(vol.Name), short(vid), q(speID), shortWWNs(inits), shortWWNs(spe.WWPNs)),
					Manual:  "check the volume's presentation on the array and the storage pool entry in Matrix OE; correct one of them by hand",
				})
				continue
			}
			state := "non-conformant"
			if !svcOK {
				state = "gone"
			}
			out = append(out, Finding{
				Code: CodeVolumeServiceDeleted, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %s (%s) in storage pool entry %s: presentation does not match and SPM service %s is %s (service deleted after the backup); remove the volume from the entry", q(vol.Name), short(vid), q(speID), q(vol.ServiceID), state),
				Changes: Changes{RemoveVolumeFromSPE{SPEID: speID, VolumeID: vid}},
			})
			if !rd.JudgeAfterRemoval {
				continue
			}
			// Now in no SPE: fall through to judge it as such.
		}
		if len(inits) == 0 {
			continue // available volume
		}
		owners := map[string]bool{}
		unowned := 0
		for _, w := range inits {
			if len(wwpnSPEs[w]) == 0 {
				unowned++
			}
			for _, s := range wwpnSPEs[w] {
				owners[s] = true
			}
		}
		subj := Subject{VolumeID: vid, WWPNs: inits}
		switch {
		case inSPE && len(owners) == 1 && owners[speID]:
			// Presented only to the entry it was just removed from (a
			// partial path under PartialPathMatches false): proposing to add
			// it back would undo the removal.
		case len(owners) == 1 && unowned == 0 && ms.SPEs[firstKey(owners)].Kind == SPECatalog:
			target := firstKey(owners)
			subj.SPEID = target
			subj.LogicalServerID = ms.SPEs[target].LogicalServerID
			out = append(out, Finding{
				Code: CodeVolumeWWNReused, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %s (%s) is presented to %s, WWPNs of pre-backup storage pool entry %s reused after the backup; add the volume to that entry", q(vol.Name), short(vid), shortWWNs(inits), q(target)),
				Changes: Changes{AddVolumeToSPE{SPEID: target, VolumeID: vid}},
			})
		case len(owners) > 0:
			ids := slices.Sorted(maps.Keys(owners))
			out = append(out, Finding{
				Code: CodeVolumeWWNAmbiguous, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %s (%s) is presented to %s, WWPNs of storage pool entries %s (several, carved, or partly unknown); cannot tell which entry it belongs to", q(vol.Name), short(vid), shortWWNs(inits), shortList(ids)),
				Manual:  "add the volume to the right catalog-based storage pool entry in Matrix OE, or delete it from SPM",
			})
		default:
			code, known := CodeVolumeNewInUse, "unknown to the restored catalog"
			if _, ok := restored.Volumes[vid]; ok {
				code, known = CodeVolumePresentedNoSPE, "available in the restored catalog"
			}
			out = append(out, Finding{
				Code: code, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %s (%s) is presented to %s, used by no storage pool entry, and was %s (imported and used after the backup); delete it from SPM so SPM no longer manages it", q(vol.Name), short(vid), shortWWNs(inits), known),
				Changes: Changes{DeleteVolumeFromSPM{VolumeID: vid}},
			})
		}
	}

	for _, id := range sortedKeys(ms.SPEs) {
		spe := ms.SPEs[id]
		if spe.Kind != SPECatalog {
			continue
		}
		for _, vid := range spe.VolumeIDs {
			if _, ok := current.Volumes[vid]; ok {
				continue
			}
			f := Finding{
				Code: CodeSPEVolumeNotInCatalog, Severity: SeverityWarning,
				Subject: Subject{SPEID: id, VolumeID: vid, LogicalServerID: spe.LogicalServerID},
				Message: fmt.Sprintf("storage pool entry %s lists volume %s, which the SPM catalog no longer has; remove it from the entry", q(id), q(vid)),
			}
			if rd.RemoveMissingVolumes {
				f.Changes = Changes{RemoveVolumeFromSPE{SPEID: id, VolumeID: vid}}
			} else {
				f.Manual = "remove the volume from the storage pool entry in Matrix OE, or restore it in SPM"
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// presentationMismatch: presented to a WWPN outside the entry, or the entry
// has WWPNs and the volume is presented to none of them. Presentation to a
// subset of the entry's WWPNs (a path down) is not a mismatch when
// partialMatches (the default reading), and is otherwise.
func presentationMismatch(inits, wwpns []addrpool.WWN, partialMatches bool) bool {
	entry := make(map[addrpool.WWN]bool, len(wwpns))
	for _, w := range wwpns {
		entry[w] = true
	}
	for _, w := range inits {
		if !entry[w] {
			return true
		}
	}
	if partialMatches {
		return len(wwpns) > 0 && len(inits) == 0
	}
	for w := range entry {
		if _, found := slices.BinarySearch(inits, w); !found { // inits are sorted
			return true
		}
	}
	return false
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

// shortWWNs renders WWNs for a message: the first few, then a count.
func shortWWNs(ws []addrpool.WWN) string {
	const most = 4
	parts := make([]string, 0, min(len(ws), most)+1)
	for i, w := range ws {
		if i == most {
			parts = append(parts, fmt.Sprintf("+%d more", len(ws)-most))
			break
		}
		parts = append(parts, w.String())
	}
	return "[" + strings.Join(parts, " ") + "]"
}
