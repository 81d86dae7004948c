package spm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

// ValidationError lists every inconsistency found in a snapshot (or the
// live side), each naming the IDs involved, so that one run shows all of
// them. It wraps [ErrInvalidSnapshot].
type ValidationError struct {
	What     string   // "catalog snapshot" or "live arrays"
	Problems []string // one line per problem, in a stable order
}

// maxRenderedProblems bounds the problems Error spells out; Problems keeps
// them all.
const maxRenderedProblems = 20

// Error lists the problems (the first maxRenderedProblems of them).
func (e *ValidationError) Error() string {
	shown := e.Problems
	more := ""
	if len(shown) > maxRenderedProblems {
		shown = shown[:maxRenderedProblems]
		more = fmt.Sprintf("; … and %d more", len(e.Problems)-maxRenderedProblems)
	}
	return fmt.Sprintf("spm: invalid %s: %d problem(s): %s%s", e.What, len(e.Problems), strings.Join(shown, "; "), more)
}

// Unwrap returns [ErrInvalidSnapshot].
func (e *ValidationError) Unwrap() error { return ErrInvalidSnapshot }

type problems []string

// addf adds a problem; string arguments (IDs from the input) are bounded.
func (p *problems) addf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, boundArgs(args)...))
}

func (p problems) err(what string) error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{What: what, Problems: slices.Clone(p)}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Validate reports every inconsistency of s at once as a *ValidationError
// (errors.Is(err, ErrInvalidSnapshot)): map keys
// that differ from the IDs, empty IDs, unknown array types and signature
// states, a volume on an unknown array, two volumes with one WWN on one
// array, a volume bound to an unknown service, a presentation of an unknown
// volume, one (volume, initiator) pair presented twice, a negative LUN, a
// service of an unknown template, a template with an unknown parent or in a
// parent cycle, and a signature state other than "Not present" on an array
// family that cannot hold signatures. A nil s is invalid.
func (s *Snapshot) Validate() error {
	var p problems
	if s == nil {
		p.addf("nil snapshot")
		return p.err("catalog snapshot")
	}
	for _, id := range sortedKeys(s.Arrays) {
		a := s.Arrays[id]
		if id == "" {
			p.addf("array with empty ID")
		}
		if a.ID != id {
			p.addf("array %q: ID field is %q", id, a.ID)
		}
		if !a.Type.Valid() {
			p.addf("array %q: unknown type %q", id, a.Type)
		}
	}
	type arrWWN struct {
		array string
		wwn   addrpool.WWN
	}
	byWWN := make(map[arrWWN]string, len(s.Volumes))
	for _, id := range sortedKeys(s.Volumes) {
		v := s.Volumes[id]
		if id == "" {
			p.addf("volume with empty ID")
		}
		if v.ID != id {
			p.addf("volume %q: ID field is %q", id, v.ID)
		}
		arr, ok := s.Arrays[v.ArrayID]
		if !ok {
			p.addf("volume %q: on unknown array %q", id, v.ArrayID)
		}
		if !v.Signature.Valid() {
			p.addf("volume %q: unknown signature state %q", id, v.Signature)
		} else if ok && arr.Type.Valid() && !arr.Type.SupportsSignatures() && v.Signature != "" && v.Signature != SignatureNotPresent {
			p.addf("volume %q: signature state %q on %s array %q, which cannot hold signatures", id, v.Signature, arr.Type, v.ArrayID)
		}
		k := arrWWN{v.ArrayID, v.WWN}
		if other, dup := byWWN[k]; dup {
			p.addf("volume %q: WWN %s on array %q already belongs to volume %q", id, v.WWN, v.ArrayID, other)
		} else {
			byWWN[k] = id
		}
		if v.ServiceID != "" {
			if _, ok := s.Services[v.ServiceID]; !ok {
				p.addf("volume %q: bound to unknown service %q", id, v.ServiceID)
			}
		}
	}
	type volInit struct {
		vol  string
		init addrpool.WWN
	}
	seen := make(map[volInit]int, len(s.Presentations))
	for i, pr := range s.Presentations {
		if _, ok := s.Volumes[pr.VolumeID]; !ok {
			p.addf("presentation %d: of unknown volume %q", i, pr.VolumeID)
		}
		k := volInit{pr.VolumeID, pr.Initiator}
		if j, dup := seen[k]; dup {
			p.addf("presentation %d: volume %q presented to initiator %s again (first at %d)", i, pr.VolumeID, pr.Initiator, j)
		} else {
			seen[k] = i
		}
		if pr.LUN < 0 {
			p.addf("presentation %d: volume %q has negative LUN %d", i, pr.VolumeID, pr.LUN)
		}
	}
	for _, id := range sortedKeys(s.Services) {
		sv := s.Services[id]
		if id == "" {
			p.addf("service with empty ID")
		}
		if sv.ID != id {
			p.addf("service %q: ID field is %q", id, sv.ID)
		}
		if sv.TemplateID != "" {
			if _, ok := s.Templates[sv.TemplateID]; !ok {
				p.addf("service %q: unknown template %q", id, sv.TemplateID)
			}
		}
	}
	for _, id := range sortedKeys(s.Templates) {
		t := s.Templates[id]
		if id == "" {
			p.addf("template with empty ID")
		}
		if t.ID != id {
			p.addf("template %q: ID field is %q", id, t.ID)
		}
		if t.ParentID == "" {
			continue
		}
		if _, ok := s.Templates[t.ParentID]; !ok {
			p.addf("template %q: unknown parent %q", id, t.ParentID)
			continue
		}
		// Walk up; a walk longer than the number of templates is a cycle.
		cur := t.ParentID
		for range len(s.Templates) {
			if cur == id {
				p.addf("template %q: parent chain loops back to itself", id)
				break
			}
			next, ok := s.Templates[cur]
			if !ok || next.ParentID == "" {
				break
			}
			cur = next.ParentID
		}
	}
	return p.err("catalog snapshot")
}
