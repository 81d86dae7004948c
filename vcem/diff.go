package vcem

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
)

// DiffOp is what happened to a record between two states.
type DiffOp string

// The three operations of a [Difference].
const (
	DiffAdded   DiffOp = "added"
	DiffRemoved DiffOp = "removed"
	DiffChanged DiffOp = "changed"
)

// Record types of vcem's differences, in the order [Diff] and [DiffLive]
// sort them: containers before what they contain, addresses last.
const (
	RecordGroup   = "group"
	RecordDomain  = "domain"
	RecordProfile = "profile"
	RecordPool    = "pool" // ID "mac" or "wwn": the pool's ranges or exclusions
	RecordMAC     = "mac"  // ID the address: its state or owner
	RecordWWN     = "wwn"
)

// Difference is one record that differs between two states: for reviewing
// a plan's predicted effect and explaining a fingerprint mismatch. The
// shape is the same in vcem, spm and matrixoe.
type Difference struct {
	Record string `json:"record"`           // record type, e.g. "profile", "mac" (see RecordProfile…)
	ID     string `json:"id"`               // the record's ID; the address for "mac" and "wwn"
	Op     DiffOp `json:"op"`               // added, removed or changed
	Detail string `json:"detail,omitempty"` // old -> new, for people; at most maxDetail bytes
}

// maxDetail bounds a Difference's Detail.
const maxDetail = 240

// String renders `profile "P1" changed: bay "enc0:1" -> "enc0:2"`.
func (d Difference) String() string {
	s := d.Record + " " + strconv.Quote(d.ID) + " " + string(d.Op)
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

// Diff compares from and to field by field, as [Snapshot.Equal] does: the
// result is empty exactly when the two are Equal (nil and empty alike). It
// is sorted by record type (group, domain, profile, pool, mac, wwn), then by
// ID (addresses in ascending order). Addresses are compared where either
// side has them In use or External, so the cost follows the addresses in
// use, not the size of the ranges.
func Diff(from, to *Snapshot) []Difference {
	if from == nil {
		from = &Snapshot{}
	}
	if to == nil {
		to = &Snapshot{}
	}
	var out []Difference
	out = diffMaps(out, RecordGroup, from.Groups, to.Groups, func(a, b DomainGroup) string {
		return fields(field("id", a.ID, b.ID), field("name", a.Name, b.Name))
	})
	out = diffMaps(out, RecordDomain, from.Domains, to.Domains, domainDetail)
	out = diffMaps(out, RecordProfile, from.Profiles, to.Profiles, profileDetail)
	out = diffPoolShape(out, FamilyMAC, from.MACs, to.MACs)
	out = diffPoolShape(out, FamilyWWN, from.WWNs, to.WWNs)
	out = diffAddresses(out, RecordMAC, from.MACs, to.MACs)
	out = diffAddresses(out, RecordWWN, from.WWNs, to.WWNs)
	return out
}

// diffMaps appends one Difference per key added, removed or changed, in key
// order; detail describes a change and is "" exactly when the values are
// equal.
func diffMaps[T any](out []Difference, record string, a, b map[string]T, detail func(T, T) string) []Difference {
	keys := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		av, inA := a[k]
		bv, inB := b[k]
		switch {
		case !inA:
			out = append(out, Difference{Record: record, ID: k, Op: DiffAdded})
		case !inB:
			out = append(out, Difference{Record: record, ID: k, Op: DiffRemoved})
		default:
			if d := detail(av, bv); d != "" {
				out = append(out, Difference{Record: record, ID: k, Op: DiffChanged, Detail: bounded(d)})
			}
		}
	}
	return out
}

// field describes one field that differs ("name \"a\" -> \"b\""), or "".
func field(name, a, b string) string {
	if a == b {
		return ""
	}
	return name + " " + strconv.Quote(a) + " -> " + strconv.Quote(b)
}

// sliceField describes a slice field that differs: its first differing
// element, or the change of its length.
func sliceField[T comparable](name string, a, b []T) string {
	if slices.Equal(a, b) {
		return ""
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%s[%d] %+v -> %+v", name, i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%s %d -> %d entries", name, len(a), len(b))
}

// fields joins the non-empty field descriptions. It is "" exactly when
// every one is.
func fields(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// bounded cuts a detail to maxDetail bytes (on a rune boundary).
func bounded(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	cut := maxDetail
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func domainDetail(a, b Domain) string {
	return fields(field("id", a.ID, b.ID), field("name", a.Name, b.Name), field("manager", a.Manager, b.Manager),
		field("groupId", a.GroupID, b.GroupID), sliceField("enclosures", a.Enclosures, b.Enclosures),
		sliceField("modules", a.Modules, b.Modules))
}

func profileDetail(a, b Profile) string {
	return fields(field("id", a.ID, b.ID), field("name", a.Name, b.Name), field("domainId", a.DomainID, b.DomainID),
		field("bay", a.Bay, b.Bay), field("serialNumber", a.SerialNumber, b.SerialNumber),
		sliceField("ethernet", a.Ethernet, b.Ethernet), sliceField("iscsi", a.ISCSI, b.ISCSI),
		sliceField("fcoe", a.FCoE, b.FCoE), sliceField("fc", a.FC, b.FC))
}

// diffPoolShape appends a pool Difference when the pool is added, removed,
// or its ranges or exclusions differ.
func diffPoolShape[A addrpool.Address](out []Difference, fam Family, a, b *addrpool.Pool[A]) []Difference {
	switch {
	case a == nil && b == nil:
		return out
	case a == nil:
		return append(out, Difference{Record: RecordPool, ID: string(fam), Op: DiffAdded})
	case b == nil:
		return append(out, Difference{Record: RecordPool, ID: string(fam), Op: DiffRemoved})
	}
	d := fields(sliceField("ranges", a.Ranges(), b.Ranges()), sliceField("exclusions", a.Exclusions(), b.Exclusions()))
	if d != "" {
		out = append(out, Difference{Record: RecordPool, ID: string(fam), Op: DiffChanged, Detail: bounded(d)})
	}
	return out
}

// taken returns, ascending, every address of p that is In use or External:
// the two ascending sequences merged.
func taken[A addrpool.Address](p *addrpool.Pool[A]) []A {
	if p == nil {
		return nil
	}
	c := p.Counts()
	out := make([]A, 0, c.InUse+c.External)
	for a := range p.InUse() {
		out = append(out, a)
	}
	n := len(out)
	for a := range p.External() {
		out = append(out, a)
	}
	merged := make([]A, 0, len(out))
	i, j := 0, n
	for i < n || j < len(out) {
		if j == len(out) || (i < n && out[i] < out[j]) {
			merged = append(merged, out[i])
			i++
		} else {
			merged = append(merged, out[j])
			j++
		}
	}
	return merged
}

// addrState describes an address's state in a pool ("In use by \"P1\"",
// "External", "Free", "Excluded"), or "" when the pool lacks it.
func addrState[A addrpool.Address](p *addrpool.Pool[A], a A) string {
	if p == nil {
		return ""
	}
	st, owner, ok := p.Lookup(a)
	switch {
	case !ok:
		return ""
	case st == addrpool.InUse:
		return "In use by " + strconv.Quote(owner)
	}
	return st.String()
}

// diffAddresses appends one Difference per address whose state or owner
// differs, ascending; an address only one pool contains is added or
// removed.
func diffAddresses[A addrpool.Address](out []Difference, record string, a, b *addrpool.Pool[A]) []Difference {
	xs, ys := taken(a), taken(b)
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		var x A
		switch {
		case j == len(ys) || (i < len(xs) && xs[i] < ys[j]):
			x = xs[i]
			i++
		case i == len(xs) || ys[j] < xs[i]:
			x = ys[j]
			j++
		default:
			x = xs[i]
			i++
			j++
		}
		from, to := addrState(a, x), addrState(b, x)
		switch {
		case from == to:
		case from == "":
			out = append(out, Difference{Record: record, ID: x.String(), Op: DiffAdded, Detail: to})
		case to == "":
			out = append(out, Difference{Record: record, ID: x.String(), Op: DiffRemoved, Detail: from})
		default:
			out = append(out, Difference{Record: record, ID: x.String(), Op: DiffChanged, Detail: bounded(from + " -> " + to)})
		}
	}
	return out
}
