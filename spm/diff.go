package spm

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// DiffOp says what happened to a record between two snapshots.
type DiffOp string

// The operations of a [Difference].
const (
	DiffAdded   DiffOp = "added"
	DiffRemoved DiffOp = "removed"
	DiffChanged DiffOp = "changed"
)

// Record types of a [Difference], in the order Diff and DiffLive list them.
const (
	RecordCatalog      = "catalog"      // the catalog itself (its ID)
	RecordArray        = "array"        // ID: the array ID
	RecordVolume       = "volume"       // ID: the volume ID; live: "<array ID>/<WWN>"
	RecordPresentation = "presentation" // ID: "<volume ID>/<initiator>"; live: "<array ID>/<volume WWN>/<initiator>"
	RecordService      = "service"      // ID: the service ID
	RecordTemplate     = "template"     // ID: the template ID
)

// maxDetail bounds Difference.Detail, so that a huge value cannot make a
// huge report.
const maxDetail = 256

// Difference is one record that differs between two snapshots (or two
// live sides): the shape shared by vcem, spm and matrixoe.
type Difference struct {
	Record string `json:"record"`           // one of the Record… constants
	ID     string `json:"id"`               // the record's ID (see the Record… constants)
	Op     DiffOp `json:"op"`               // added, removed or changed
	Detail string `json:"detail,omitempty"` // old -> new, for people; at most about 256 bytes
}

// String formats the difference on one line, e.g.
// `volume "vol3" changed: quarantined false -> true`.
func (d Difference) String() string {
	s := d.Record + " " + strictjson.QuoteShort(d.ID) + " " + string(d.Op)
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

// Diff lists what differs from one snapshot to another, sorted by record
// type (the order of the Record… constants) then ID: e.g. what a plan's
// changes will do to the restored catalog, or what moved since a plan was
// made. It is empty (nil) exactly when from.Equal(to); a nil snapshot counts
// as an empty one. Presentations are compared as a multiset per (volume,
// initiator).
func Diff(from, to *Snapshot) []Difference {
	a, b := from.orEmpty(), to.orEmpty()
	var out []Difference
	if a.CatalogID != b.CatalogID {
		out = append(out, Difference{Record: RecordCatalog, ID: a.CatalogID, Op: DiffChanged,
			Detail: bounded("catalogId " + strictjson.QuoteShort(a.CatalogID) + " -> " + strictjson.QuoteShort(b.CatalogID))})
	}
	out = diffMap(out, RecordArray, a.Arrays, b.Arrays)
	out = diffMap(out, RecordVolume, a.Volumes, b.Volumes)
	out = diffGroups(out, RecordPresentation, groupPresentations(a.Presentations), groupPresentations(b.Presentations))
	out = diffMap(out, RecordService, a.Services, b.Services)
	out = diffMap(out, RecordTemplate, a.Templates, b.Templates)
	return out
}

// liveArrayHead is what a live array record holds besides its volumes and
// presentations (which are records of their own).
type liveArrayHead struct {
	ID   string    `json:"id"`
	Type ArrayType `json:"type"`
}

// DiffLive lists what differs between two readings of the arrays, sorted
// by record type then ID: arrays, volumes ("<array>/<WWN>") and
// presentations ("<array>/<volume WWN>/<initiator>"), each compared as a
// multiset, so the order the arrays listed them in does not matter. It is
// empty exactly when the two [FingerprintLive] digests are equal; nil counts
// as empty.
func DiffLive(from, to *Live) []Difference {
	var fa, ta map[string]LiveArray
	if from != nil {
		fa = from.Arrays
	}
	if to != nil {
		ta = to.Arrays
	}
	heads := func(m map[string]LiveArray) map[string]liveArrayHead {
		out := make(map[string]liveArrayHead, len(m))
		for id, a := range m {
			out[id] = liveArrayHead{ID: a.ID, Type: a.Type}
		}
		return out
	}
	var out []Difference
	out = diffMap(out, RecordArray, heads(fa), heads(ta))
	out = diffGroups(out, RecordVolume, groupLiveVolumes(fa), groupLiveVolumes(ta))
	out = diffGroups(out, RecordPresentation, groupLivePresentations(fa), groupLivePresentations(ta))
	return out
}

func groupPresentations(ps []Presentation) map[string][]Presentation {
	m := make(map[string][]Presentation, len(ps))
	for _, p := range ps {
		k := p.VolumeID + "/" + p.Initiator.String()
		m[k] = append(m[k], p)
	}
	for _, g := range m {
		slices.SortFunc(g, comparePresentations)
	}
	return m
}

func groupLiveVolumes(arrays map[string]LiveArray) map[string][]LiveVolume {
	m := map[string][]LiveVolume{}
	for id, a := range arrays {
		for _, v := range a.Volumes {
			k := id + "/" + v.WWN.String()
			m[k] = append(m[k], v)
		}
	}
	for k, g := range m {
		m[k] = sortedLiveVolumes(g)
	}
	return m
}

func groupLivePresentations(arrays map[string]LiveArray) map[string][]LivePresentation {
	m := map[string][]LivePresentation{}
	for id, a := range arrays {
		for _, p := range a.Presentations {
			k := id + "/" + p.VolumeWWN.String() + "/" + p.Initiator.String()
			m[k] = append(m[k], p)
		}
	}
	for k, g := range m {
		m[k] = sortedLivePresentations(g)
	}
	return m
}

// unionKeys returns the keys of a and b, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := sortedKeys(a)
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// diffMap appends the differences of two maps of records with unique keys.
func diffMap[V comparable](out []Difference, record string, a, b map[string]V) []Difference {
	for _, k := range unionKeys(a, b) {
		va, inA := a[k]
		vb, inB := b[k]
		switch {
		case !inA:
			out = append(out, Difference{Record: record, ID: k, Op: DiffAdded, Detail: summary(vb)})
		case !inB:
			out = append(out, Difference{Record: record, ID: k, Op: DiffRemoved, Detail: summary(va)})
		case va != vb:
			out = append(out, Difference{Record: record, ID: k, Op: DiffChanged, Detail: fieldChanges(va, vb)})
		}
	}
	return out
}

// diffGroups appends the differences of two maps of sorted record groups
// (records that share an ID, which only an invalid snapshot has more than
// one of).
func diffGroups[V comparable](out []Difference, record string, a, b map[string][]V) []Difference {
	for _, k := range unionKeys(a, b) {
		ga, gb := a[k], b[k]
		switch {
		case slices.Equal(ga, gb):
		case len(ga) == 0:
			out = append(out, Difference{Record: record, ID: k, Op: DiffAdded, Detail: groupSummary(gb)})
		case len(gb) == 0:
			out = append(out, Difference{Record: record, ID: k, Op: DiffRemoved, Detail: groupSummary(ga)})
		case len(ga) == 1 && len(gb) == 1:
			out = append(out, Difference{Record: record, ID: k, Op: DiffChanged, Detail: fieldChanges(ga[0], gb[0])})
		default:
			out = append(out, Difference{Record: record, ID: k, Op: DiffChanged,
				Detail: bounded(fmt.Sprintf("%d entries -> %d entries: %s -> %s", len(ga), len(gb), groupSummary(ga), groupSummary(gb)))})
		}
	}
	return out
}

func groupSummary[V any](g []V) string {
	if len(g) == 1 {
		return summary(g[0])
	}
	parts := make([]string, 0, len(g))
	for _, v := range g {
		parts = append(parts, "{"+summary(v)+"}")
	}
	return bounded(strings.Join(parts, " "))
}

// summary lists a record's fields by their JSON names, leaving out what
// its JSON leaves out (zero omitempty fields).
func summary(v any) string {
	var parts []string
	walkFields(reflect.ValueOf(v), "", func(name string, f reflect.Value, omitEmpty bool) {
		if !omitEmpty || !f.IsZero() {
			parts = append(parts, name+" "+formatField(f))
		}
	})
	return bounded(strings.Join(parts, ", "))
}

// fieldChanges lists the fields that differ between two records of one
// type, "name old -> new", by their JSON names.
func fieldChanges(a, b any) string {
	var fa []reflect.Value
	walkFields(reflect.ValueOf(a), "", func(_ string, f reflect.Value, _ bool) { fa = append(fa, f) })
	var parts []string
	i := 0
	walkFields(reflect.ValueOf(b), "", func(name string, f reflect.Value, _ bool) {
		if old := fa[i]; !old.Equal(f) {
			parts = append(parts, name+" "+formatField(old)+" -> "+formatField(f))
		}
		i++
	})
	return bounded(strings.Join(parts, "; "))
}

// walkFields calls fn for every leaf field of the struct v, depth first,
// named by the JSON path ("signature.version") and saying whether its tag
// has omitempty.
func walkFields(v reflect.Value, prefix string, fn func(name string, f reflect.Value, omitEmpty bool)) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" {
			name = sf.Name
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			walkFields(f, prefix+name+".", fn)
			continue
		}
		fn(prefix+name, f, strings.Contains(","+opts+",", ",omitempty,"))
	}
}

var wwnType = reflect.TypeFor[addrpool.WWN]()

func formatField(f reflect.Value) string {
	switch {
	case f.Type() == wwnType:
		return f.Interface().(addrpool.WWN).String()
	case f.Kind() == reflect.String:
		return strictjson.QuoteShort(f.String())
	}
	return fmt.Sprint(f.Interface())
}

// bounded cuts s to about maxDetail bytes, on a rune boundary.
func bounded(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	cut := maxDetail
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
