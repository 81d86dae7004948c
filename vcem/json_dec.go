package vcem

import (
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// The hand-written decoders of the snapshot and of a live domain: the fast
// path of their UnmarshalJSON. A Large estate's snapshot and live side are
// 128,000 profiles and half a million connections, and the reflective
// strict walk over them was most of a plan's decoding.
//
// They read the normal case only: exact known keys (in any order), each
// once, every required one present, strings without escapes, plain
// integers, addresses that parse. At the first surprise — an unknown,
// repeated or case-folded key, a missing field, an escape, a bad address,
// a value of the wrong type, bad syntax, anything — they give up, and
// UnmarshalJSON decodes the same bytes by the reflective walk
// (unmarshalWalked), so that every error, with its path, line and column,
// is the walk's. What they accept, the walk accepts with a deep-equal
// value; FuzzFastDecoder holds them to it, and a field added to one of the
// structs fails TestFastDecoderKnowsEveryField until they read it.

// fastDecoder is one fast decoding: a Cursor over the input, a flag for a
// surprise the Cursor cannot see (a bad address, an integer that does not
// fit), and scratch lists for the connections.
type fastDecoder struct {
	c   strictjson.Cursor
	bad bool
	// Each profile's connections are read into these and copied out at
	// their exact length, where appending to a fresh slice would grow it
	// (and leave spare capacity) for every profile.
	eth   []EthernetConnection
	iscsi []ISCSIConnection
	fcoe  []FCoEConnection
	fc    []FCConnection
}

// ok reports whether the decoding has met no surprise so far.
func (d *fastDecoder) ok() bool { return !d.bad && !d.c.Failed() }

// object reads an object's members: field reads the value of each key and
// returns the field's bit, 0 for a key it does not know. It returns the
// bits of the fields read; an unknown or repeated key is a surprise.
func (d *fastDecoder) object(field func(key []byte) uint32) uint32 {
	var seen uint32
	if !d.c.Open('{') {
		return 0
	}
	for i := 0; d.c.Next('}', i); i++ {
		key, ok := d.c.Key()
		if !ok {
			return 0
		}
		bit := field(key)
		if bit == 0 || seen&bit != 0 {
			d.bad = true
			return 0
		}
		if d.bad {
			return 0
		}
		seen |= bit
	}
	return seen
}

// require marks a surprise when a required field is missing.
func (d *fastDecoder) require(seen, required uint32) {
	if seen&required != required {
		d.bad = true
	}
}

func (d *fastDecoder) str() string {
	b, ok := d.c.Str()
	if !ok {
		return ""
	}
	return string(b)
}

// share reads a string that often equals hint, or its prefix or its suffix
// (a profile's ID, domain ID and name beside its key "d1:web"): it returns
// the part of hint then, without a copy.
func (d *fastDecoder) share(hint string) string {
	b, ok := d.c.Str()
	switch {
	case !ok:
		return ""
	case len(b) > len(hint):
	case string(b) == hint[len(hint)-len(b):]:
		return hint[len(hint)-len(b):]
	case string(b) == hint[:len(b)]:
		return hint[:len(b)]
	}
	return string(b)
}

// integer reads an int.
func (d *fastDecoder) integer() int {
	n, ok := d.c.Int()
	if ok && int64(int(n)) != n {
		d.bad = true
	}
	return int(n)
}

func (d *fastDecoder) boolean() bool {
	v, _ := d.c.Bool()
	return v
}

func (d *fastDecoder) mac() addrpool.MAC {
	var m addrpool.MAC
	if b, ok := d.c.Str(); ok && m.UnmarshalText(b) != nil {
		d.bad = true
	}
	return m
}

func (d *fastDecoder) wwn() addrpool.WWN {
	var w addrpool.WWN
	if b, ok := d.c.Str(); ok && w.UnmarshalText(b) != nil {
		d.bad = true
	}
	return w
}

// addressType reads an address type: one of the constants without a copy,
// any other string as it is (Validate judges it).
func (d *fastDecoder) addressType() AddressType {
	b, _ := d.c.Str()
	switch string(b) {
	case string(AddressVCEMPool):
		return AddressVCEMPool
	case string(AddressFactoryDefault):
		return AddressFactoryDefault
	case string(AddressUserDefined):
		return AddressUserDefined
	}
	return AddressType(b)
}

// readList reads an array (null: nil; []: empty, not nil) whose elements
// elem reads. With a scratch list, the elements are read into it and
// copied out at their exact length; without one, they are appended to the
// result, or with last (the list is the bulk of the rest of the input),
// read into the result as growList grows it.
func readList[T any](d *fastDecoder, scratch *[]T, last bool, elem func(*T)) []T {
	if d.c.Null() {
		return nil
	}
	if !d.c.Open('[') {
		return nil
	}
	var s []T
	if scratch != nil {
		s = (*scratch)[:0]
	}
	start := d.c.Pos()
	var zero T
	for i := 0; d.c.Next(']', i); i++ {
		if last && scratch == nil && len(s) == cap(s) {
			s = growList(s, d.c.Pos()-start, d.c.Remaining())
		}
		s = append(s, zero)
		if elem(&s[len(s)-1]); !d.ok() {
			return nil
		}
	}
	if scratch == nil {
		if s == nil {
			s = []T{}
		}
		return s
	}
	*scratch = s
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// growList returns s (full) with room for more elements: twice its
// length while it is short, then as many as the rest of the input (rest
// bytes: the list is its bulk) would hold at the average length of the
// elements read so far (read bytes), and a sixteenth more. A live domain's 256 profiles are then allocated
// about once, where growing by appends allocates them twice over (and a
// longer list, grown by a quarter at a time, five times over). What it
// asks for is in proportion to the input: at most rest bytes over the
// average, which is at least one byte.
func growList[T any](s []T, read, rest int) []T {
	if len(s) < 16 {
		return slices.Grow(s, max(len(s), 4))
	}
	more := rest / max(read/len(s), 1)
	return slices.Grow(s, more+more/16+1)
}

// readMap reads an object of values that elem reads (null: nil); elem gets
// the key, for the strings of the value that repeat it. A key given twice
// is a surprise. With minSize > 0 (the fewest bytes a member takes), the
// map is sized by a count of the members first: a map grown one entry at
// a time rehashes itself, and allocates its tables twice over.
func readMap[V any](d *fastDecoder, minSize int, elem func(key string) V) map[string]V {
	if d.c.Null() {
		return nil
	}
	size := 0
	if minSize > 0 {
		size = d.c.Count(minSize)
	}
	if !d.c.Open('{') {
		return nil
	}
	m := make(map[string]V, size)
	for i := 0; d.c.Next('}', i); i++ {
		kb, ok := d.c.Key()
		if !ok {
			return nil
		}
		k := string(kb)
		v := elem(k)
		if !d.ok() {
			return nil
		}
		n := len(m)
		if m[k] = v; len(m) == n {
			d.bad = true
			return nil
		}
	}
	return m
}

// Each reader below reads one struct: its JSON keys, a bit per field, and
// the bits of the fields without omitempty, which are required.

func (d *fastDecoder) group(key string) DomainGroup {
	var g DomainGroup
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "id":
			g.ID = d.share(key)
			return 1
		case "name":
			g.Name = d.str()
			return 2
		}
		return 0
	})
	d.require(seen, 1|2)
	return g
}

func (d *fastDecoder) domain(key string) Domain {
	var dm Domain
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "id":
			dm.ID = d.share(key)
			return 1
		case "name":
			dm.Name = d.str()
			return 2
		case "manager":
			dm.Manager = d.str()
			return 4
		case "groupId":
			dm.GroupID = d.str()
			return 8
		case "enclosures":
			dm.Enclosures = readList(d, nil, false, func(s *string) { *s = d.str() })
			return 16
		case "modules":
			dm.Modules = readList(d, nil, false, d.module)
			return 32
		}
		return 0
	})
	d.require(seen, 1|2|4)
	return dm
}

func (d *fastDecoder) module(m *Module) {
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "enclosure":
			m.Enclosure = d.str()
			return 1
		case "bay":
			m.Bay = d.integer()
			return 2
		case "type":
			m.Type = d.str()
			return 4
		case "serial":
			m.Serial = d.str()
			return 8
		}
		return 0
	})
	d.require(seen, 1|2|4)
}

// profile reads a profile; key is its key in the snapshot ("d1:web"), or
// for a live domain's profile the domain's ID.
func (d *fastDecoder) profile(key string) Profile {
	var p Profile
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "id":
			p.ID = d.share(key)
			return 1
		case "name":
			p.Name = d.share(key)
			return 2
		case "domainId":
			p.DomainID = d.share(key)
			return 4
		case "bay":
			p.Bay = d.str()
			return 8
		case "serialNumber":
			p.SerialNumber = d.str()
			return 16
		case "ethernet":
			p.Ethernet = readList(d, &d.eth, false, d.ethernet)
			return 32
		case "iscsi":
			p.ISCSI = readList(d, &d.iscsi, false, d.iscsiConn)
			return 64
		case "fcoe":
			p.FCoE = readList(d, &d.fcoe, false, d.fcoeConn)
			return 128
		case "fc":
			p.FC = readList(d, &d.fc, false, d.fcConn)
			return 256
		}
		return 0
	})
	d.require(seen, 1|2|4)
	return p
}

func (d *fastDecoder) ethernet(c *EthernetConnection) {
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "port":
			c.Port = d.integer()
			return 1
		case "network":
			c.Network = d.str()
			return 2
		case "mac":
			c.MAC = d.mac()
			return 4
		case "addressType":
			c.AddressType = d.addressType()
			return 8
		}
		return 0
	})
	d.require(seen, 1|4|8)
}

// iscsiConn reads an iSCSI connection, whose fields and keys are an
// Ethernet connection's (the conversion stops compiling if they part).
func (d *fastDecoder) iscsiConn(c *ISCSIConnection) { d.ethernet((*EthernetConnection)(c)) }

func (d *fastDecoder) fcoeConn(c *FCoEConnection) {
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "port":
			c.Port = d.integer()
			return 1
		case "fabric":
			c.Fabric = d.str()
			return 2
		case "mac":
			c.MAC = d.mac()
			return 4
		case "portWWN":
			c.PortWWN = d.wwn()
			return 8
		case "nodeWWN":
			c.NodeWWN = d.wwn()
			return 16
		case "addressType":
			c.AddressType = d.addressType()
			return 32
		}
		return 0
	})
	d.require(seen, 1|4|8|16|32)
}

func (d *fastDecoder) fcConn(c *FCConnection) {
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "port":
			c.Port = d.integer()
			return 1
		case "fabric":
			c.Fabric = d.str()
			return 2
		case "portWWN":
			c.PortWWN = d.wwn()
			return 4
		case "nodeWWN":
			c.NodeWWN = d.wwn()
			return 8
		case "addressType":
			c.AddressType = d.addressType()
			return 16
		}
		return 0
	})
	d.require(seen, 1|4|8|16)
}

// fastPool reads a pool (null: nil) by its own UnmarshalJSON (which has a
// fast path of its own); any error of it is a surprise, so that the walk
// reports it as it does.
func fastPool[A addrpool.Address](d *fastDecoder) *addrpool.Pool[A] {
	if d.c.Null() {
		return nil
	}
	raw, ok := d.c.Skip()
	if !ok {
		return nil
	}
	p := new(addrpool.Pool[A])
	if p.UnmarshalJSON(raw) != nil {
		d.bad = true
		return nil
	}
	return p
}

// minProfileJSON is the length of the shortest member of a snapshot's
// profiles, `"":{"id":"","name":"","domainId":""}`.
const minProfileJSON = 36

// decodeSnapshotFast is the fast path of Snapshot.UnmarshalJSON: the
// snapshot, or false at the first surprise.
func decodeSnapshotFast(b []byte) (*Snapshot, bool) {
	d := &fastDecoder{c: strictjson.NewCursor(b)}
	var s Snapshot
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "groups":
			s.Groups = readMap(d, 0, d.group)
			return 1
		case "domains":
			s.Domains = readMap(d, 0, d.domain)
			return 2
		case "profiles":
			s.Profiles = readMap(d, minProfileJSON, d.profile)
			return 4
		case "macs":
			s.MACs = fastPool[addrpool.MAC](d)
			return 8
		case "wwns":
			s.WWNs = fastPool[addrpool.WWN](d)
			return 16
		}
		return 0
	})
	d.require(seen, 1|2|4|8|16)
	if !d.ok() || !d.c.End() {
		return nil, false
	}
	s.fillMaps()
	return &s, true
}

// decodeLiveFast is the fast path of LiveDomain.UnmarshalJSON: the live
// domain, or false at the first surprise.
func decodeLiveFast(b []byte) (LiveDomain, bool) {
	d := &fastDecoder{c: strictjson.NewCursor(b)}
	var ld LiveDomain
	seen := d.object(func(f []byte) uint32 {
		switch string(f) {
		case "domain":
			ld.Domain = d.domain("")
			return 1
		case "profiles":
			// Its profiles' domain IDs are the domain's (when it came
			// first); they are the bulk of a live domain's JSON.
			ld.Profiles = readList(d, nil, true, func(p *Profile) { *p = d.profile(ld.Domain.ID) })
			return 2
		case "reachable":
			ld.Reachable = d.boolean()
			return 4
		case "viaCredentials":
			ld.ViaCredentials = d.boolean()
			return 8
		}
		return 0
	})
	d.require(seen, 1|4)
	if !d.ok() || !d.c.End() {
		return LiveDomain{}, false
	}
	return ld, true
}
