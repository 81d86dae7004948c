package matrixoe

import (
	"fmt"
	"slices"
)

// AnalyzeRM is recovery management phase 1. ms is the predicted state (a
// logical server dropped in storage phase 2 is absent); export is the
// current RM configuration the operator provided, or nil.
//
//   - no export → RM-EXPORT-MISSING (manual);
//   - the import would fail under RM's rules (a group of the same name in a
//     different recovery group set; a storage replication group held by a
//     group of a different set) → RM-EXPORT-CONFLICT (error, manual), and
//     nothing is imported;
//   - the export differs from the database → RM-EXPORT-APPLY (ApplyRMExport);
//   - a database group absent from the export → RM-GROUP-NOT-IN-EXPORT
//     (manual; INFER: the import keeps it, a human decides);
//   - after the import, a group still protecting a logical server that no
//     longer exists → RM-GROUP-DELETED-LS (UpdateRecoveryGroup).
//
// Export groups are compared with the database after removing protected
// servers that no longer exist, so that re-analysis after execution is
// clean. The import rules' open readings come from the options
// ([WithRMImportRules]) and travel in the ApplyRMExport change; with
// DeleteGroupsNotInExport a database group absent from the export is
// deleted by the import instead of reported.
func AnalyzeRM(ms *Snapshot, export *RMExport, opts ...AnalysisOption) ([]Finding, error) {
	if ms == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeRM: nil snapshot: %w", ErrInvalid)
	}
	rules := assumptions(opts).RMImport
	groups := ms.RecoveryGroups
	var out []Finding
	if export == nil {
		out = append(out, Finding{
			Code: CodeRMExportMissing, Severity: SeverityWarning,
			Message: "no RM configuration export was provided; RM changes made after the backup cannot be applied",
			Manual:  "export the current RM configuration (" + RMExportFormat + " format) and run RM phase 1 again",
		})
	} else {
		if err := export.Validate(); err != nil {
			return nil, err
		}
		if c := rmConflicts(groups, *export, rules); len(c) > 0 {
			out = append(out, Finding{
				Code: CodeRMExportConflict, Severity: SeverityError,
				Message: "the RM export cannot be imported: " + listBounded(c),
				Manual:  "resolve the recovery group set conflicts in RM (rename or move the groups), export again and rerun RM phase 1",
			})
		} else {
			inExport := map[string]bool{}
			var differ []string
			for _, rg := range export.RecoveryGroups {
				inExport[rg.Name] = true
				if cur, ok := groups[rg.Name]; !ok || !sameGroup(stripDeleted(cur, ms), stripDeleted(rg, ms)) {
					differ = append(differ, rg.Name)
				}
			}
			if rules.DeleteGroupsNotInExport {
				for _, name := range sortedKeys(groups) {
					if !inExport[name] {
						differ = append(differ, name)
					}
				}
			}
			if len(differ) > 0 {
				out = append(out, Finding{
					Code: CodeRMExportApply, Severity: SeverityWarning,
					Message: fmt.Sprintf("the RM export differs from the database for recovery groups %s; apply the export", shortList(differ)),
					Changes: Changes{ApplyRMExport{Export: *export, Rules: rules}},
				})
				imported, err := importRM(groups, *export, rules)
				if err != nil {
					return nil, err // unreachable: conflicts were checked
				}
				groups = imported
			}
			for _, name := range sortedKeys(groups) {
				if !inExport[name] {
					out = append(out, Finding{
						Code: CodeRMGroupNotInExport, Severity: SeverityWarning,
						Subject: Subject{RecoveryGroup: name},
						Message: fmt.Sprintf("recovery group %s is in the restored database but not in the export (deleted after the backup?)", q(name)),
						Manual:  "if the group was deleted after the backup, delete it in RM",
					})
				}
			}
		}
	}
	for _, name := range sortedKeys(groups) {
		rg := groups[name]
		var gone []string
		for _, id := range rg.ProtectedLS {
			if _, ok := ms.LogicalServers[id]; !ok {
				gone = append(gone, id)
			}
		}
		if len(gone) == 0 {
			continue
		}
		out = append(out, Finding{
			Code: CodeRMGroupDeletedLS, Severity: SeverityWarning,
			Subject: Subject{RecoveryGroup: name},
			Message: fmt.Sprintf("recovery group %s protects logical servers %s that no longer exist; remove them from the group", q(name), shortList(gone)),
			Changes: Changes{UpdateRecoveryGroup{Name: name, RemoveProtected: gone}},
		})
	}
	return out, nil
}

func stripDeleted(rg RecoveryGroup, ms *Snapshot) RecoveryGroup {
	rg.ProtectedLS = slices.DeleteFunc(slices.Clone(rg.ProtectedLS), func(id string) bool {
		_, ok := ms.LogicalServers[id]
		return !ok
	})
	return rg
}

// sameGroup compares two groups, lists as sets.
func sameGroup(a, b RecoveryGroup) bool {
	if a.Name != b.Name || a.Set != b.Set || a.Enabled != b.Enabled {
		return false
	}
	return slices.Equal(sortedCopy(a.ProtectedLS), sortedCopy(b.ProtectedLS)) &&
		slices.Equal(sortedCopy(a.ReplicationGroups), sortedCopy(b.ReplicationGroups))
}
