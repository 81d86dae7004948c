package matrixoe

import (
	"errors"
	"fmt"
	"maps"
	"slices"

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
func AnalyzeLSRefresh(ms *Snapshot, vs *vcem.Snapshot, vmPower map[string]PowerState) ([]Finding, error) {
	if ms == nil || vs == nil {
		return nil, errors.New("matrixoe: AnalyzeLSRefresh: nil snapshot")
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
					Message: fmt.Sprintf("logical server %q (%s): VCEM profile %q no longer exists (deleted after the backup or by VCEM phase 1); drop the definition", ls.Name, id, ls.ProfileID),
					Changes: Changes{DropLS{LogicalServerID: id}},
				})
				continue // nothing else matters for a dropped server
			}
			if ls.Activated && !prof.Assigned() {
				out = append(out, Finding{
					Code: CodeLSDeactivated, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %q (%s) is activated in the database but VCEM profile %q is unassigned; set it deactivated", ls.Name, id, ls.ProfileID),
					Changes: Changes{SetLSDeactivated{LogicalServerID: id}},
				})
			}
		}
		if ls.Kind == LSVirtual {
			live, ok := vmPower[ls.VMID]
			switch {
			case ok && !live.valid():
				return nil, fmt.Errorf("matrixoe: AnalyzeLSRefresh: VMM reports VM %q (logical server %q) in power state %q (want %q, %q or unknown): %w", ls.VMID, id, live, PowerOn, PowerOff, ErrInvalid)
			case !ok:
				out = append(out, Finding{
					Code: CodeLSVMMissing, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %q (%s): VMM does not report VM %q", ls.Name, id, ls.VMID),
					Manual:  "check whether the VM was deleted after the backup; if so, unmanage or delete the logical server in Matrix OE",
				})
			case live != PowerUnknown && live != ls.Power:
				out = append(out, Finding{
					Code: CodeLSPowerChanged, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %q (%s): VM %q is %s live but %q in the database (activated or deactivated after the backup); update the power state", ls.Name, id, ls.VMID, live, ls.Power),
					Changes: Changes{SetPowerState{LogicalServerID: id, Power: live}},
				})
			}
		}
		if ls.Managed {
			if why := inoperableReason(ms, ls); why != "" {
				out = append(out, Finding{
					Code: CodeLSInoperable, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("logical server %q (%s) is inoperable (%s)", ls.Name, id, why),
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
			return fmt.Sprintf("storage pool entry %q is inoperable", speID)
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
func AnalyzeLSMAnalyzer(ms *Snapshot, restored, current *spm.Snapshot) ([]Finding, error) {
	if ms == nil || restored == nil || current == nil {
		return nil, errors.New("matrixoe: AnalyzeLSMAnalyzer: nil snapshot")
	}
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
			if !slices.Contains(wwpnSPEs[w], id) {
				wwpnSPEs[w] = append(wwpnSPEs[w], id)
			}
		}
	}
	presented := map[string][]addrpool.WWN{}
	for _, p := range current.Presentations {
		if !slices.Contains(presented[p.VolumeID], p.Initiator) {
			presented[p.VolumeID] = append(presented[p.VolumeID], p.Initiator)
		}
	}
	for v := range presented {
		slices.Sort(presented[v])
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
			if !presentationMismatch(inits, spe.WWPNs) {
				continue // conformant: table 15 "no action"
			}
			svc, svcOK := current.Services[vol.ServiceID]
			subj := Subject{VolumeID: vid, SPEID: speID, WWPNs: inits, LogicalServerID: spe.LogicalServerID}
			if vol.ServiceID != "" && svcOK && svc.Conformant {
				out = append(out, Finding{
					Code: CodePresentationMismatch, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("volume %q (%s) in storage pool entry %q is presented to %v, not to the entry's WWPNs %v, yet SPM service %q is conformant", vol.Name, vid, speID, inits, spe.WWPNs, vol.ServiceID),
					Manual:  "check the volume's presentation on the array and the storage pool entry in Matrix OE; correct one of them by hand",
				})
				continue
			}
			if vol.ServiceID == "" {
				out = append(out, Finding{
					Code: CodePresentationMismatch, Severity: SeverityWarning, Subject: subj,
					Message: fmt.Sprintf("volume %q (%s) in storage pool entry %q is presented to %v, not to the entry's WWPNs %v, and is bound to no SPM service", vol.Name, vid, speID, inits, spe.WWPNs),
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
				Message: fmt.Sprintf("volume %q (%s) in storage pool entry %q: presentation does not match and SPM service %q is %s (service deleted after the backup); remove the volume from the entry", vol.Name, vid, speID, vol.ServiceID, state),
				Changes: Changes{RemoveVolumeFromSPE{SPEID: speID, VolumeID: vid}},
			})
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
		case len(owners) == 1 && unowned == 0 && ms.SPEs[firstKey(owners)].Kind == SPECatalog:
			target := firstKey(owners)
			subj.SPEID = target
			subj.LogicalServerID = ms.SPEs[target].LogicalServerID
			out = append(out, Finding{
				Code: CodeVolumeWWNReused, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %q (%s) is presented to %v, WWPNs of pre-backup storage pool entry %q reused after the backup; add the volume to that entry", vol.Name, vid, inits, target),
				Changes: Changes{AddVolumeToSPE{SPEID: target, VolumeID: vid}},
			})
		case len(owners) > 0:
			ids := slices.Sorted(maps.Keys(owners))
			out = append(out, Finding{
				Code: CodeVolumeWWNAmbiguous, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %q (%s) is presented to %v, WWPNs of storage pool entries %v (several, carved, or partly unknown); cannot tell which entry it belongs to", vol.Name, vid, inits, ids),
				Manual:  "add the volume to the right catalog-based storage pool entry in Matrix OE, or delete it from SPM",
			})
		default:
			code, known := CodeVolumeNewInUse, "unknown to the restored catalog"
			if _, ok := restored.Volumes[vid]; ok {
				code, known = CodeVolumePresentedNoSPE, "available in the restored catalog"
			}
			out = append(out, Finding{
				Code: code, Severity: SeverityWarning, Subject: subj,
				Message: fmt.Sprintf("volume %q (%s) is presented to %v, used by no storage pool entry, and was %s (imported and used after the backup); delete it from SPM so SPM no longer manages it", vol.Name, vid, inits, known),
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
			out = append(out, Finding{
				Code: CodeSPEVolumeNotInCatalog, Severity: SeverityWarning,
				Subject: Subject{SPEID: id, VolumeID: vid, LogicalServerID: spe.LogicalServerID},
				Message: fmt.Sprintf("storage pool entry %q lists volume %q, which the SPM catalog no longer has; remove it from the entry", id, vid),
				Changes: Changes{RemoveVolumeFromSPE{SPEID: id, VolumeID: vid}},
			})
		}
	}
	return out, nil
}

// presentationMismatch: presented to a WWPN outside the entry, or the entry
// has WWPNs and the volume is presented to none of them. Presentation to a
// subset of the entry's WWPNs (a path down) is not a mismatch.
func presentationMismatch(inits, wwpns []addrpool.WWN) bool {
	hit := false
	for _, w := range inits {
		if !slices.Contains(wwpns, w) {
			return true
		}
		hit = true
	}
	return len(wwpns) > 0 && !hit
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}
