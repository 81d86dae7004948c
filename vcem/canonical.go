package vcem

import (
	"encoding/binary"
	"io"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/canoncache"
	"github.com/mxsync-go/mxsync/internal/keyorder"
)

// FingerprintVersion names the canonical binary encoding that
// [Snapshot.Fingerprint] hashes. It is the first thing hashed, so a change
// of encoding changes every fingerprint; a caller that stores a fingerprint
// (a saved plan) should store this version beside it, so that a mismatch
// caused by a newer SDK can be told apart from a state that moved. Bump it
// whenever the encoding below changes.
//
// Encoding v2, in order (uvarint/varint as in encoding/binary; str is a
// uvarint byte length then the bytes; addr is 8 bytes big-endian; a list
// of unknown length is a 1 byte before each entry and a 0 byte after the last):
//
//	str FingerprintVersion
//	groups:   uvarint n, n × (str key, str ID, str Name)            keys ascending
//	domains:  uvarint n, n × (str key, str ID, Name, Manager, GroupID,
//	          uvarint k, k × str enclosure,
//	          uvarint m, m × (str Enclosure, varint Bay, str Type, str Serial))
//	profiles: uvarint n, n × (str key, str ID, Name, DomainID, Bay, SerialNumber,
//	          ethernet: uvarint k, k × (varint Port, str Network, addr MAC, str AddressType),
//	          iscsi:    same as ethernet,
//	          fcoe:     uvarint k, k × (varint Port, str Fabric, addr MAC, addr PortWWN, addr NodeWWN, str AddressType),
//	          fc:       uvarint k, k × (varint Port, str Fabric, addr PortWWN, addr NodeWWN, str AddressType))
//	macs, then wwns: byte 0 for a nil pool, else 1, then
//	          ranges:     uvarint n, n × (addr First, addr Last)      ascending
//	          exclusions: uvarint n, n × (addr First, addr Last)      merged, ascending
//	          in use:     list of (addr, str owner)                   ascending
//	          external:   list of (addr first, addr last) maximal runs, ascending
//
// A nil snapshot encodes as an empty one (no groups, domains or profiles,
// no pools), and nil and empty maps or slices encode the same, as they do in
// JSON. (v1 marked a nil snapshot apart from an empty one.)
const FingerprintVersion = "vcem.Snapshot/canonical-v2"

// canonBufSize is the encoder's staging buffer: large enough that the hash
// sees few, big writes, small enough to stay in L1/L2.
const canonBufSize = 16 << 10

// canonEncoder writes the canonical encoding to w through a fixed buffer, so
// that encoding allocates nothing per field. It is used by one goroutine.
type canonEncoder struct {
	order *Fingerprinter // remembers the key orders; nil: sorted afresh
	// profiles holds the profiles' records already encoded (a Chain's);
	// nil: they are encoded from the snapshot.
	profiles *canoncache.Section[string]
	w        io.Writer
	n        int
	err      error
	buf      [canonBufSize]byte
}

func newCanonEncoder(w io.Writer) *canonEncoder { return &canonEncoder{w: w} }

// flush hands the buffered bytes to w; the first write error is kept.
func (e *canonEncoder) flush() error {
	if e.n > 0 && e.err == nil {
		_, e.err = e.w.Write(e.buf[:e.n])
	}
	e.n = 0
	return e.err
}

// room makes sure k bytes (k <= canonBufSize) fit in the buffer.
func (e *canonEncoder) room(k int) {
	if e.n+k > len(e.buf) {
		_ = e.flush() // the error is kept and returned by the final flush
	}
}

func (e *canonEncoder) byte1(b byte) {
	e.room(1)
	e.buf[e.n] = b
	e.n++
}

func (e *canonEncoder) bool(b bool) {
	if b {
		e.byte1(1)
	} else {
		e.byte1(0)
	}
}

func (e *canonEncoder) uvarint(v uint64) {
	e.room(binary.MaxVarintLen64)
	e.n += binary.PutUvarint(e.buf[e.n:], v)
}

func (e *canonEncoder) varint(v int64) {
	e.room(binary.MaxVarintLen64)
	e.n += binary.PutVarint(e.buf[e.n:], v)
}

func (e *canonEncoder) addr(v uint64) {
	e.room(8)
	binary.BigEndian.PutUint64(e.buf[e.n:], v)
	e.n += 8
}

func (e *canonEncoder) str(s string) {
	if len(s) < 0x80 && e.n+1+len(s) <= len(e.buf) {
		// the common case: a one-byte length and room for the bytes
		e.buf[e.n] = byte(len(s))
		e.n += 1 + copy(e.buf[e.n+1:], s)
		return
	}
	e.uvarint(uint64(len(s)))
	for len(s) > 0 {
		if e.n == len(e.buf) {
			_ = e.flush()
		}
		c := copy(e.buf[e.n:], s)
		e.n += c
		s = s[c:]
	}
}

// snapshot writes the whole encoding of s (see [FingerprintVersion]) and
// flushes it.
func (e *canonEncoder) snapshot(s *Snapshot) error {
	e.models(s)
	if s == nil {
		s = &Snapshot{}
	}
	encodePool(e, s.MACs)
	encodePool(e, s.WWNs)
	return e.flush()
}

// models writes the version and the groups, domains and profiles:
// everything before the pools. It reports whether the pools follow (true:
// a nil snapshot writes two nil pools).
func (e *canonEncoder) models(s *Snapshot) bool {
	e.str(FingerprintVersion)
	if s == nil {
		e.uvarint(0)
		e.uvarint(0)
		e.uvarint(0)
		return true
	}

	var groups, domains, profiles *keyorder.Cache[string]
	if e.order != nil {
		groups, domains, profiles = &e.order.groups, &e.order.domains, &e.order.profiles
	}
	keys := keyorder.Sorted(groups, s.Groups, slices.Sort)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		g := s.Groups[k]
		e.str(k)
		e.str(g.ID)
		e.str(g.Name)
	}

	keys = keyorder.Sorted(domains, s.Domains, slices.Sort)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.domain(s.Domains[k])
	}

	if e.profiles != nil {
		e.uvarint(uint64(e.profiles.Len()))
		_ = e.raw(e.profiles.Bytes()) // an error is kept for the final flush
		return true
	}
	keys = keyorder.Sorted(profiles, s.Profiles, slices.Sort)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		p := s.Profiles[k]
		e.profile(&p)
	}
	return true
}

// raw flushes the buffer and writes b as it is.
func (e *canonEncoder) raw(b []byte) error {
	if err := e.flush(); err != nil {
		return err
	}
	_, e.err = e.w.Write(b)
	return e.err
}

func (e *canonEncoder) domain(d Domain) {
	e.str(d.ID)
	e.str(d.Name)
	e.str(d.Manager)
	e.str(d.GroupID)
	e.uvarint(uint64(len(d.Enclosures)))
	for _, x := range d.Enclosures {
		e.str(x)
	}
	e.uvarint(uint64(len(d.Modules)))
	for _, m := range d.Modules {
		e.str(m.Enclosure)
		e.varint(int64(m.Bay))
		e.str(m.Type)
		e.str(m.Serial)
	}
}

func (e *canonEncoder) profile(p *Profile) {
	e.str(p.ID)
	e.str(p.Name)
	e.str(p.DomainID)
	e.str(p.Bay)
	e.str(p.SerialNumber)
	e.uvarint(uint64(len(p.Ethernet)))
	for _, c := range p.Ethernet {
		e.varint(int64(c.Port))
		e.str(c.Network)
		e.addr(uint64(c.MAC))
		e.str(string(c.AddressType))
	}
	e.uvarint(uint64(len(p.ISCSI)))
	for _, c := range p.ISCSI {
		e.varint(int64(c.Port))
		e.str(c.Network)
		e.addr(uint64(c.MAC))
		e.str(string(c.AddressType))
	}
	e.uvarint(uint64(len(p.FCoE)))
	for _, c := range p.FCoE {
		e.varint(int64(c.Port))
		e.str(c.Fabric)
		e.addr(uint64(c.MAC))
		e.addr(uint64(c.PortWWN))
		e.addr(uint64(c.NodeWWN))
		e.str(string(c.AddressType))
	}
	e.uvarint(uint64(len(p.FC)))
	for _, c := range p.FC {
		e.varint(int64(c.Port))
		e.str(c.Fabric)
		e.addr(uint64(c.PortWWN))
		e.addr(uint64(c.NodeWWN))
		e.str(string(c.AddressType))
	}
}

// encodePool writes a pool's whole state: ranges, exclusions, in-use
// addresses with owners and External addresses as maximal runs. Free and
// Excluded follow from those.
func encodePool[A addrpool.Address](e *canonEncoder, p *addrpool.Pool[A]) {
	if p == nil {
		e.byte1(0)
		return
	}
	e.byte1(1)
	for _, rs := range [2][]addrpool.Range[A]{p.Ranges(), p.Exclusions()} {
		e.uvarint(uint64(len(rs)))
		for _, r := range rs {
			e.addr(uint64(r.First))
			e.addr(uint64(r.Last))
		}
	}
	for a, owner := range p.InUse() {
		e.byte1(1)
		e.addr(uint64(a))
		e.str(owner)
	}
	e.byte1(0)
	for r := range p.ExternalRanges() {
		e.byte1(1)
		e.addr(uint64(r.First))
		e.addr(uint64(r.Last))
	}
	e.byte1(0)
}
