package matrixoe

import (
	"fmt"
	"hash"
	"net/netip"
	"slices"
)

// LiveState is one reading of the live side, the input of the pure
// analyses: the power state of every VM VMM reports (by VM ID), every IP
// address in use in the live IO with its owner, and the RM configuration
// export the operator provided (nil when none was). [FingerprintLive]
// identifies a reading, [DiffLive] compares two; its JSON is decoded
// strictly.
type LiveState struct {
	VMPower map[string]PowerState `json:"vmPower"`
	IPs     IPOwners              `json:"ips"`
	Export  *RMExport             `json:"rmExport,omitempty"`
}

// IPOwners maps each IP address in use to its owner as the live side
// reports it (service name or host, free text). Its JSON is an object keyed
// by the canonical address text, decoded strictly: a key not in canonical
// form is an error, so two spellings of one address cannot merge.
type IPOwners map[netip.Addr]string

// JSONShape lets a strict decoder of an enclosing type check the map in
// place, without decoding it twice.
func (*IPOwners) JSONShape() any { return (*map[ipKey]string)(nil) }

// UnmarshalJSON decodes strictly (null is an empty map); on error m is
// unchanged.
func (m *IPOwners) UnmarshalJSON(b []byte) error {
	raw, err := decodeStrict[map[ipKey]string](b, "IP addresses")
	if err != nil {
		return err
	}
	out := make(IPOwners, len(raw))
	for k, v := range raw {
		out[netip.Addr(k)] = v
	}
	*m = out
	return nil
}

// liveStateJSON is LiveState without its methods.
type liveStateJSON LiveState

// JSONShape lets a strict decoder of an enclosing type check a LiveState in
// place, without decoding it twice.
func (*LiveState) JSONShape() any { return (*liveStateJSON)(nil) }

// UnmarshalJSON decodes strictly at every level (as [Snapshot.UnmarshalJSON]:
// unknown, repeated, case-folded or missing keys, null where a value is
// required, trailing data — errors naming the path). On error st is
// unchanged.
func (st *LiveState) UnmarshalJSON(b []byte) error {
	raw, err := decodeStrict[liveStateJSON](b, "live state")
	if err != nil {
		return err
	}
	*st = LiveState(raw)
	return nil
}

// The live side's records, in Difference record order. The VM, address and
// export sections are each keyed by what identifies them live; an export's
// groups and their lists are sets (two reads of one RM may list them in
// another order), so they are encoded sorted.
var (
	secVMs = section[string, PowerState]{"vm", sortStrings, identity, keyString,
		func(e *enc, p PowerState) { e.str(string(p)) },
		func(x, y PowerState) string { return "power " + q(string(x)) + " -> " + q(string(y)) }}
	secIPsInUse = section[netip.Addr, string]{"ipInUse", sortAddrs, netip.Addr.String, (*enc).addr,
		(*enc).str,
		func(x, y string) string { return "owner " + q(x) + " -> " + q(y) }}
	secExport = section[string, RMExport]{"rmExport", sortStrings, identity, keyString,
		(*enc).rmExport, exportDetail}
)

// exportKey is the ID of the one rmExport record.
const exportKey = "export"

// rmExport encodes an export: its header, then its groups as a set.
func (e *enc) rmExport(x RMExport) {
	e.str(x.Format)
	e.int(int64(x.Version))
	e.str(x.Site)
	e.time(x.ExportedAt)
	groups := make([]string, len(x.RecoveryGroups))
	g := &enc{}
	for i, rg := range x.RecoveryGroups {
		g.reset().liveGroup(rg)
		groups[i] = string(g.b)
	}
	slices.Sort(groups)
	e.strs(groups)
}

// exportDetail names the header fields and the groups that differ.
func exportDetail(x, y RMExport) string {
	hx, hy := x, y
	hx.RecoveryGroups, hy.RecoveryGroups = nil, nil
	var parts []string
	if d := fieldDetail(hx, hy); d != "" {
		parts = append(parts, d)
	}
	enc1, enc2 := &enc{}, &enc{}
	byName := func(e RMExport) map[string]RecoveryGroup {
		m := make(map[string]RecoveryGroup, len(e.RecoveryGroups))
		for _, rg := range e.RecoveryGroups {
			m[rg.Name] = rg
		}
		return m
	}
	gx, gy := byName(x), byName(y)
	var differ []string
	for _, name := range sortedKeys(gx) {
		gyv, ok := gy[name]
		if !ok {
			differ = append(differ, "-"+q(name))
			continue
		}
		enc1.reset().liveGroup(gx[name])
		enc2.reset().liveGroup(gyv)
		if string(enc1.b) != string(enc2.b) {
			differ = append(differ, "~"+q(name))
		}
	}
	for _, name := range sortedKeys(gy) {
		if _, ok := gx[name]; !ok {
			differ = append(differ, "+"+q(name))
		}
	}
	if len(differ) > 0 {
		parts = append(parts, "recoveryGroups "+joinBounded(differ, " ", maxDetail))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("recoveryGroups: %d -> %d", len(x.RecoveryGroups), len(y.RecoveryGroups)))
	}
	return joinBounded(parts, "; ", maxDetail)
}

// exportSection is the export as a section of at most one record.
func exportSection(st *LiveState) map[string]RMExport {
	if st.Export == nil {
		return nil
	}
	return map[string]RMExport{exportKey: *st.Export}
}

func orEmptyLive(st *LiveState) *LiveState {
	if st == nil {
		return &LiveState{}
	}
	return st
}

// FingerprintLive returns "sha256:" and the hex SHA-256 of a reading's
// versioned canonical encoding, independent of the order in which the live
// side listed what has no order (the export's groups and their members). A
// plan carries it so that execution is refused when the live side moved.
// nil, a LiveState with nil maps and one with empty maps give the same; an
// export provided (even empty) differs from none. The error is always nil.
func FingerprintLive(live *LiveState) (string, error) {
	live = orEmptyLive(live)
	fp, _ := digest(canonLiveTag, func(h hash.Hash, e *enc) bool {
		// Without caches, every section reports its hash right.
		return secVMs.hash(h, e, live.VMPower, nil) &&
			secIPsInUse.hash(h, e, live.IPs, nil) &&
			secExport.hash(h, e, exportSection(live), nil)
	})
	return fp, nil
}

// DiffLive lists what differs between two readings of the live side, as
// Differences with records "vm" (by VM ID), "ipInUse" (by address) and
// "rmExport" (ID "export"; its detail names the groups added, removed or
// changed). It is empty exactly when the fingerprints are equal; nil is an
// empty reading. A stale-plan refusal says with it what moved.
func DiffLive(from, to *LiveState) []Difference {
	from, to = orEmptyLive(from), orEmptyLive(to)
	a, b := &enc{}, &enc{}
	var out []Difference
	out = secVMs.diff(out, a, b, from.VMPower, to.VMPower)
	out = secIPsInUse.diff(out, a, b, from.IPs, to.IPs)
	out = secExport.diff(out, a, b, exportSection(from), exportSection(to))
	return out
}
