package spm

import (
	"fmt"
	"slices"
)

// Difference is one item that differs between two snapshots.
type Difference struct {
	Kind   string `json:"kind"`   // "catalog", "array", "volume", "presentation", "service" or "template"
	ID     string `json:"id"`     // the item's ID; for a presentation "<volume ID>/<initiator>"
	Change string `json:"change"` // "added", "removed" or "changed"
	Detail string `json:"detail"` // old and new values, for humans
}

// String formats the difference on one line.
func (d Difference) String() string {
	return fmt.Sprintf("%s %q %s: %s", d.Kind, d.ID, d.Change, d.Detail)
}

// Diff lists what differs from one snapshot to another, sorted by kind and
// ID: e.g. what a plan's changes will do to the restored catalog, or what
// moved since a plan was made. Equal snapshots give nil; a nil snapshot
// counts as an empty one.
func Diff(from, to *Snapshot) []Difference {
	if from == nil {
		from = &Snapshot{}
	}
	if to == nil {
		to = &Snapshot{}
	}
	var out []Difference
	if from.CatalogID != to.CatalogID {
		out = append(out, Difference{Kind: "catalog", ID: "catalogId", Change: "changed", Detail: fmt.Sprintf("%q -> %q", from.CatalogID, to.CatalogID)})
	}
	out = append(out, diffMap("array", from.Arrays, to.Arrays)...)
	out = append(out, diffMap("volume", from.Volumes, to.Volumes)...)
	out = append(out, diffMap("presentation", presentationMap(from.Presentations), presentationMap(to.Presentations))...)
	out = append(out, diffMap("service", from.Services, to.Services)...)
	out = append(out, diffMap("template", from.Templates, to.Templates)...)
	return out
}

func presentationMap(ps []Presentation) map[string]Presentation {
	m := make(map[string]Presentation, len(ps))
	for _, p := range ps {
		m[p.VolumeID+"/"+p.Initiator.String()] = p
	}
	return m
}

func diffMap[V comparable](kind string, a, b map[string]V) []Difference {
	keys := sortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Difference
	for _, k := range keys {
		va, inA := a[k]
		vb, inB := b[k]
		switch {
		case !inA:
			out = append(out, Difference{Kind: kind, ID: k, Change: "added", Detail: fmt.Sprintf("%+v", vb)})
		case !inB:
			out = append(out, Difference{Kind: kind, ID: k, Change: "removed", Detail: fmt.Sprintf("%+v", va)})
		case va != vb:
			out = append(out, Difference{Kind: kind, ID: k, Change: "changed", Detail: fmt.Sprintf("%+v -> %+v", va, vb)})
		}
	}
	return out
}
