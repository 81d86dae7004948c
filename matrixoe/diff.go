package matrixoe

import (
	"fmt"
	"net/netip"
	"reflect"
)

// DiffKind says how a record differs between two snapshots.
type DiffKind string

// Difference kinds.
const (
	DiffAdded   DiffKind = "added"
	DiffRemoved DiffKind = "removed"
	DiffChanged DiffKind = "changed"
)

// Difference is one record that differs between two snapshots: its section
// ("logicalServers", "storagePoolEntries", "services", "requests",
// "ipAllocations", "recoveryGroups" — the JSON names) and its key.
type Difference struct {
	Section string   `json:"section"`
	Key     string   `json:"key"`
	Kind    DiffKind `json:"kind"`
}

// String renders "section key kind".
func (d Difference) String() string { return fmt.Sprintf("%s %s %s", d.Section, d.Key, d.Kind) }

// Diff lists the records that differ from a to b, by section then key, so
// a dry run can show what a plan will change and a test can check that
// nothing else moved. Nil slices and empty slices compare equal, and a nil
// snapshot is compared as an empty one.
func Diff(a, b *Snapshot) []Difference {
	if a == nil {
		a = NewSnapshot()
	}
	if b == nil {
		b = NewSnapshot()
	}
	var out []Difference
	out = diffSection(out, "logicalServers", a.LogicalServers, b.LogicalServers, sortedKeys[LogicalServer], id)
	out = diffSection(out, "storagePoolEntries", a.SPEs, b.SPEs, sortedKeys[StoragePoolEntry], id)
	out = diffSection(out, "services", a.Services, b.Services, sortedKeys[Service], id)
	out = diffSection(out, "requests", a.Requests, b.Requests, sortedKeys[Request], id)
	out = diffSection(out, "ipAllocations", a.IPs, b.IPs, sortedAddrs[IPAllocation], netip.Addr.String)
	out = diffSection(out, "recoveryGroups", a.RecoveryGroups, b.RecoveryGroups, sortedKeys[RecoveryGroup], id)
	return out
}

func id(s string) string { return s }

func diffSection[K comparable, V any](out []Difference, section string, a, b map[K]V, sorted func(map[K]V) []K, str func(K) string) []Difference {
	union := make(map[K]V, len(a)+len(b))
	for k, v := range a {
		union[k] = v
	}
	for k, v := range b {
		union[k] = v
	}
	for _, k := range sorted(union) {
		va, inA := a[k]
		vb, inB := b[k]
		switch {
		case !inA:
			out = append(out, Difference{Section: section, Key: str(k), Kind: DiffAdded})
		case !inB:
			out = append(out, Difference{Section: section, Key: str(k), Kind: DiffRemoved})
		case !equalRecords(va, vb):
			out = append(out, Difference{Section: section, Key: str(k), Kind: DiffChanged})
		}
	}
	return out
}

// equalRecords compares two records, treating nil and empty slices alike
// (a record decoded from JSON has nil where an edited one may have []).
func equalRecords[V any](a, b V) bool {
	return reflect.DeepEqual(normalise(reflect.ValueOf(a)), normalise(reflect.ValueOf(b)))
}

func normalise(v reflect.Value) any {
	if v.Kind() != reflect.Struct {
		return v.Interface()
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	for i := range c.NumField() {
		f := c.Field(i)
		if f.Kind() == reflect.Slice && f.Len() == 0 && f.CanSet() {
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return c.Interface()
}
