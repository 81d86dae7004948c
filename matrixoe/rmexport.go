package matrixoe

import (
	"bytes"
	"context"
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
		p = append(p, fmt.Sprintf("format is %s, want %q", q(e.Format), RMExportFormat))
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
			p = append(p, fmt.Sprintf("%s: name %s already used by recoveryGroups[%d]", where, q(rg.Name), j))
		} else {
			seen[rg.Name] = i
		}
		if rg.Set == "" {
			p = append(p, fmt.Sprintf("%s (%s): empty set", where, q(rg.Name)))
		}
		if d := firstDup(rg.ProtectedLS); d != "" {
			p = append(p, fmt.Sprintf("%s (%s): logical server %s listed twice", where, q(rg.Name), q(d)))
		}
		if i := slices.Index(rg.ProtectedLS, ""); i >= 0 {
			p = append(p, fmt.Sprintf("%s (%s): protectedLogicalServers[%d]: empty logical server id", where, q(rg.Name), i))
		}
		if i := slices.Index(rg.ReplicationGroups, ""); i >= 0 {
			p = append(p, fmt.Sprintf("%s (%s): replicationGroups[%d]: empty storage replication group name", where, q(rg.Name), i))
		}
	}
	if len(p) > 0 {
		return fmt.Errorf("matrixoe: RM export: %s: %w", listBounded(p), ErrInvalid)
	}
	return nil
}

// listBounded joins the first MaxListedProblems problems with "; " and
// counts the rest, so a huge bad input makes a small message.
func listBounded(p []string) string {
	if len(p) > MaxListedProblems {
		p = append(p[:MaxListedProblems:MaxListedProblems], fmt.Sprintf("… and %d more", len(p)-MaxListedProblems))
	}
	return strings.Join(p, "; ")
}

// rmExportJSON is RMExport without its methods: the shape a strict decoder
// walks.
type rmExportJSON RMExport

// JSONShape lets a strict decoder of an enclosing type (an ApplyRMExport
// change, a LiveState) check an export in place, without decoding it twice.
func (*RMExport) JSONShape() any { return (*rmExportJSON)(nil) }

// UnmarshalJSON decodes our format strictly at every level (unknown,
// repeated, case-folded or missing keys, null where a value is required,
// trailing data: errors naming the path, e.g. recoveryGroups[0].set). It
// does not validate the content: see [RMExport.Validate] and
// [DecodeRMExport]. On error e is unchanged.
func (e *RMExport) UnmarshalJSON(b []byte) error {
	raw, err := decodeStrict[rmExportJSON](b, "RM export")
	if err != nil {
		return err
	}
	*e = RMExport(raw)
	return nil
}

// MaxRMExportSize is the largest RM export DecodeRMExport reads (64 MiB):
// far above any real RM configuration, and a bound on the work a wrong
// file can cause.
const MaxRMExportSize = 64 << 20

// DecodeRMExport reads and validates an export in our JSON format, strictly
// (see [RMExport.UnmarshalJSON]): a typo is an error naming its path, not a
// silently ignored field, and data after the export is an error. Input
// beyond [MaxRMExportSize] is refused unread. Every error wraps
// [ErrInvalid] (or is the reader's).
func DecodeRMExport(r io.Reader) (*RMExport, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxRMExportSize+1))
	if err != nil {
		return nil, fmt.Errorf("matrixoe: read RM export: %w", err)
	}
	if len(b) > MaxRMExportSize {
		return nil, fmt.Errorf("matrixoe: RM export larger than %d bytes: %w", MaxRMExportSize, ErrInvalid)
	}
	var e RMExport
	if err := e.UnmarshalJSON(b); err != nil {
		return nil, err
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
		return nil, fmt.Errorf("%s: %w", short(path), err)
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
	return "RM import fails: " + listBounded(e.Conflicts)
}

// Unwrap lets errors.Is match ErrConflict.
func (e *ExportConflictError) Unwrap() error { return ErrConflict }

// maxConflicts bounds the clashes rmConflicts lists: enough for a human to
// act on, and a bound on its work for a hostile export (one replication
// group referenced by a million groups of different sets).
const maxConflicts = 100

// rmConflicts lists the clashes RM's import rules (FOUND, RM user guide,
// mxsync-domain-more.md §3) make fatal: a group of the same name in another
// set, and a storage replication group held by a group of another set —
// and, with the readings of rules (assumptions.go), a replication group two
// groups of different sets in the export itself reference, counting or not
// the groups the export replaces as holders. Each clash is listed once, in
// export order, at most maxConflicts of them (then a line saying more were
// not listed).
//
// Holders are indexed by replication group and set, so the work is linear
// in the export and the database, plus the clashes listed.
func rmConflicts(current map[string]RecoveryGroup, exp RMExport, rules RMImportRules) []string {
	inExport := make(map[string]bool, len(exp.RecoveryGroups))
	for _, rg := range exp.RecoveryGroups {
		inExport[rg.Name] = true
	}
	held := srgIndex{}
	for _, name := range sortedKeys(current) {
		if rules.ReplacedGroupsReleaseSRGs && inExport[name] {
			continue
		}
		held.add(current[name])
	}
	referenced := srgIndex{}
	if !rules.AllowSRGAcrossSetsInExport {
		for _, rg := range exp.RecoveryGroups {
			referenced.add(rg)
		}
	}
	var out []string
	full := func() bool {
		if len(out) < maxConflicts {
			return false
		}
		out = append(out, "… and more conflicts, not listed")
		return true
	}
	clashes := func(ix srgIndex, srg string, rg RecoveryGroup, where string) bool {
		sets := ix[srg]
		for _, set := range sets.order() {
			if set == rg.Set {
				continue
			}
			for _, holder := range sets[set] {
				if holder == rg.Name {
					continue
				}
				if full() {
					return true
				}
				out = append(out, fmt.Sprintf("storage replication group %s of recovery group %s (set %s) is %s recovery group %s of set %s",
					q(srg), q(rg.Name), q(rg.Set), where, q(holder), q(set)))
			}
		}
		return false
	}
	for _, rg := range exp.RecoveryGroups {
		if cur, ok := current[rg.Name]; ok && cur.Set != rg.Set {
			if full() {
				return out
			}
			out = append(out, fmt.Sprintf("recovery group %s is in set %s here but %s in the export", q(rg.Name), q(cur.Set), q(rg.Set)))
		}
		for i, srg := range rg.ReplicationGroups {
			if slices.Contains(rg.ReplicationGroups[:i], srg) {
				continue // listed twice: one clash each
			}
			if clashes(held, srg, rg, "held by") || clashes(referenced, srg, rg, "also referenced in the export by") {
				return out
			}
		}
	}
	return out
}

// srgIndex lists, per storage replication group, the groups referencing it
// by set, in the order added.
type srgIndex map[string]setGroups

type setGroups map[string][]string

func (ix srgIndex) add(rg RecoveryGroup) {
	for i, srg := range rg.ReplicationGroups {
		if slices.Contains(rg.ReplicationGroups[:i], srg) {
			continue
		}
		sets := ix[srg]
		if sets == nil {
			sets = setGroups{}
			ix[srg] = sets
		}
		sets[rg.Set] = append(sets[rg.Set], rg.Name)
	}
}

// order returns the sets in sorted order, so messages are deterministic.
func (sg setGroups) order() []string { return sortedKeys(sg) }

// importRM returns the recovery groups after importing exp over current
// with rules: same name → replaced (with the storage replication groups it
// referenced), new name → added, groups absent from the export → kept
// (INFER, see RMImportRules.DeleteGroupsNotInExport; AnalyzeRM reports them)
// or deleted.
func importRM(current map[string]RecoveryGroup, exp RMExport, rules RMImportRules) (map[string]RecoveryGroup, error) {
	if err := exp.Validate(); err != nil {
		return nil, err
	}
	if c := rmConflicts(current, exp, rules); len(c) > 0 {
		return nil, &ExportConflictError{Conflicts: c}
	}
	out := make(map[string]RecoveryGroup, len(current)+len(exp.RecoveryGroups))
	if !rules.DeleteGroupsNotInExport {
		for k, v := range current {
			out[k] = v
		}
	}
	for _, rg := range exp.RecoveryGroups {
		rg.ProtectedLS = slices.Clone(rg.ProtectedLS)
		rg.ReplicationGroups = slices.Clone(rg.ReplicationGroups)
		out[rg.Name] = rg
	}
	return out, nil
}
