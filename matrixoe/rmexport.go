package matrixoe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// RMExportFormat and RMExportVersion identify OUR export format (below).
const (
	RMExportFormat  = "mxsync-go/rm-export"
	RMExportVersion = 1
)

// RMExport is the recovery-management configuration the operator provides
// after the restore, taken from the live RM.
//
// HP's RM "exportconfig" file format is not public, so this is a format of
// ours, not HP's. An adapter that reads HP's file converts it to this type
// (see [ExportSource]). The JSON form, with every field:
//
//	{
//	  "format": "mxsync-go/rm-export",
//	  "version": 1,
//	  "site": "site-A",
//	  "exportedAt": "2026-11-25T10:00:00Z",
//	  "recoveryGroups": [
//	    {"name": "RG1", "set": "SET-A", "enabled": true,
//	     "protectedLogicalServers": ["LS1", "LS2"],
//	     "replicationGroups": ["SRG1"]}
//	  ]
//	}
//
// format and version are required and checked; site and exportedAt are
// informative; protected logical servers are named by Matrix OE
// logical-server ID. Unknown fields are rejected.
type RMExport struct {
	Format         string          `json:"format"`
	Version        int             `json:"version"`
	Site           string          `json:"site,omitempty"`
	ExportedAt     time.Time       `json:"exportedAt,omitzero"`
	RecoveryGroups []RecoveryGroup `json:"recoveryGroups"`
}

// Validate checks the header and every recovery group (non-empty name and
// set, unique names, no logical server listed twice, no empty logical
// server ID or storage replication group name) and lists every problem.
func (e *RMExport) Validate() error {
	if e == nil {
		return fmt.Errorf("matrixoe: RM export: nil export: %w", ErrInvalid)
	}
	var p []string
	if e.Format != RMExportFormat {
		p = append(p, fmt.Sprintf("format is %q, want %q", e.Format, RMExportFormat))
	}
	if e.Version != RMExportVersion {
		p = append(p, fmt.Sprintf("version is %d, want %d", e.Version, RMExportVersion))
	}
	seen := map[string]int{}
	for i, rg := range e.RecoveryGroups {
		where := fmt.Sprintf("recoveryGroups[%d]", i)
		if rg.Name == "" {
			p = append(p, where+": empty name")
		} else if j, dup := seen[rg.Name]; dup {
			p = append(p, fmt.Sprintf("%s: name %q already used by recoveryGroups[%d]", where, rg.Name, j))
		} else {
			seen[rg.Name] = i
		}
		if rg.Set == "" {
			p = append(p, fmt.Sprintf("%s (%q): empty set", where, rg.Name))
		}
		if d := firstDup(rg.ProtectedLS); d != "" {
			p = append(p, fmt.Sprintf("%s (%q): logical server %q listed twice", where, rg.Name, d))
		}
		if i := slices.Index(rg.ProtectedLS, ""); i >= 0 {
			p = append(p, fmt.Sprintf("%s (%q): protectedLogicalServers[%d]: empty logical server id", where, rg.Name, i))
		}
		if i := slices.Index(rg.ReplicationGroups, ""); i >= 0 {
			p = append(p, fmt.Sprintf("%s (%q): replicationGroups[%d]: empty storage replication group name", where, rg.Name, i))
		}
	}
	if len(p) > 0 {
		return fmt.Errorf("matrixoe: RM export: %s: %w", strings.Join(p, "; "), ErrInvalid)
	}
	return nil
}

// DecodeRMExport reads and validates an export in our JSON format. Unknown
// fields are rejected so a typo is not silently ignored.
func DecodeRMExport(r io.Reader) (*RMExport, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var e RMExport
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("matrixoe: decode RM export: %w", err)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

// ReadRMExportFile reads an export file in our format. ctx is checked before
// the read.
func ReadRMExportFile(ctx context.Context, path string) (*RMExport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("matrixoe: RM export %s: %w", path, ErrNoExport)
		}
		return nil, fmt.Errorf("matrixoe: RM export: %w", err)
	}
	e, err := DecodeRMExport(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// ExportConflictError is the failure of an RM import: every recovery group
// of the export that clashes with the import site (same name in a different
// recovery group set, or a storage replication group held by a recovery
// group of a different set). Per RM's rules the whole import fails.
type ExportConflictError struct {
	Conflicts []string
}

// Error implements error.
func (e *ExportConflictError) Error() string {
	return "RM import fails: " + strings.Join(e.Conflicts, "; ")
}

// Unwrap lets errors.Is match ErrConflict.
func (e *ExportConflictError) Unwrap() error { return ErrConflict }

// rmConflicts lists the clashes RM's import rules (FOUND, RM user guide,
// mxsync-domain-more.md §3) make fatal: a group of the same name in another
// set, and a storage replication group held by a group of another set.
//
// It also counts a replication group that two groups of different sets in
// the export itself reference (ours, INFER: after such an import the site
// would hold it in two sets, which RM's rule forbids). Without that check a
// second import of the same export could fail where the first succeeded,
// and ApplyRMExport would not be idempotent. Each clash is listed once.
//
// A database group that the export replaces under its own name does not
// count as a holder; one the export replaces while another export group of
// a different set takes its replication group does (INFER: RM's text does
// not say whether the replaced groups are deleted before the check, so the
// stricter reading is kept — moving a replication group between sets in
// one export is reported as RM-EXPORT-CONFLICT for a human to resolve).
func rmConflicts(current map[string]RecoveryGroup, exp RMExport) []string {
	var out []string
	seen := map[[4]string]bool{}
	clash := func(srg string, rg RecoveryGroup, holder, holderSet, where string) {
		k := [4]string{srg, rg.Name, holder, holderSet}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, fmt.Sprintf("storage replication group %q of recovery group %q (set %q) is %s recovery group %q of set %q",
			srg, rg.Name, rg.Set, where, holder, holderSet))
	}
	for _, rg := range exp.RecoveryGroups {
		if cur, ok := current[rg.Name]; ok && cur.Set != rg.Set {
			out = append(out, fmt.Sprintf("recovery group %q is in set %q here but %q in the export", rg.Name, cur.Set, rg.Set))
		}
		for _, srg := range rg.ReplicationGroups {
			for _, name := range sortedKeys(current) {
				cur := current[name]
				if name == rg.Name || cur.Set == rg.Set {
					continue
				}
				if slices.Contains(cur.ReplicationGroups, srg) {
					clash(srg, rg, name, cur.Set, "held by")
				}
			}
			for _, o := range exp.RecoveryGroups {
				if o.Name == rg.Name || o.Set == rg.Set || !slices.Contains(o.ReplicationGroups, srg) {
					continue
				}
				clash(srg, rg, o.Name, o.Set, "also referenced in the export by")
			}
		}
	}
	return out
}

// importRM returns the recovery groups after importing exp over current:
// same name → replaced (with the storage replication groups it referenced),
// new name → added, groups absent from the export → kept (INFER: HP's text
// does not say the import deletes them; AnalyzeRM reports them instead).
func importRM(current map[string]RecoveryGroup, exp RMExport) (map[string]RecoveryGroup, error) {
	if err := exp.Validate(); err != nil {
		return nil, err
	}
	if c := rmConflicts(current, exp); len(c) > 0 {
		return nil, &ExportConflictError{Conflicts: c}
	}
	out := make(map[string]RecoveryGroup, len(current)+len(exp.RecoveryGroups))
	for k, v := range current {
		out[k] = v
	}
	for _, rg := range exp.RecoveryGroups {
		rg.ProtectedLS = slices.Clone(rg.ProtectedLS)
		rg.ReplicationGroups = slices.Clone(rg.ReplicationGroups)
		out[rg.Name] = rg
	}
	return out, nil
}
