package spm

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/internal/keyorder"
)

// Snapshot is the content of an SPM catalog (restored, or predicted after
// changes): arrays, volumes, presentations, storage services and templates.
// Maps are keyed by ID. CatalogID identifies this SPM instance; a volume
// whose OwningCatalog differs was last imported by another SPM.
//
// Content is what Equal, Fingerprint and [Diff] compare, and they agree:
// a nil map or slice is the same as an empty one, a nil *Snapshot the same
// as an empty snapshot, and the order of Presentations does not matter
// (it is a multiset: a pair presented twice, which Validate refuses, still
// differs from one presented once).
//
// A Snapshot is a value owned by one goroutine; [Snapshot.Clone] gives an
// independent copy.
type Snapshot struct {
	CatalogID     string              `json:"catalogId"`
	Arrays        map[string]Array    `json:"arrays"`
	Volumes       map[string]Volume   `json:"volumes"`
	Presentations []Presentation      `json:"presentations"`
	Services      map[string]Service  `json:"services"`
	Templates     map[string]Template `json:"templates"`
}

// NewSnapshot returns an empty snapshot of catalog catalogID with every map
// allocated.
func NewSnapshot(catalogID string) *Snapshot {
	return &Snapshot{
		CatalogID: catalogID,
		Arrays:    map[string]Array{},
		Volumes:   map[string]Volume{},
		Services:  map[string]Service{},
		Templates: map[string]Template{},
	}
}

// Clone returns an independent copy of s (nil for a nil s).
func (s *Snapshot) Clone() *Snapshot {
	if s == nil {
		return nil
	}
	return &Snapshot{
		CatalogID:     s.CatalogID,
		Arrays:        maps.Clone(s.Arrays),
		Volumes:       maps.Clone(s.Volumes),
		Presentations: slices.Clone(s.Presentations),
		Services:      maps.Clone(s.Services),
		Templates:     maps.Clone(s.Templates),
	}
}

// Equal reports whether s and o have the same content (see [Snapshot]):
// the same answer as comparing their Fingerprints and as an empty [Diff].
func (s *Snapshot) Equal(o *Snapshot) bool {
	a, b := s.orEmpty(), o.orEmpty()
	return a.CatalogID == b.CatalogID &&
		maps.Equal(a.Arrays, b.Arrays) &&
		maps.Equal(a.Volumes, b.Volumes) &&
		maps.Equal(a.Services, b.Services) &&
		maps.Equal(a.Templates, b.Templates) &&
		slices.Equal(sortedPresentations(a.Presentations), sortedPresentations(b.Presentations))
}

// fingerprintVersion starts the canonical encoding; it changes whenever the
// encoding does, so that fingerprints of two SDK versions never match by
// accident.
const fingerprintVersion = "mxsync/spm snapshot v1\n"

// Fingerprint returns a digest of the snapshot's content, "sha256:<64 hex>",
// over a versioned canonical encoding (length-prefixed fields, maps by key,
// presentations sorted): equal content gives an equal fingerprint whatever
// the map iteration or presentation order, so a plan can prove the catalog
// did not move. A nil *Snapshot and nil collections count as empty. The
// error is always nil today; it is there so that an encoding that can fail
// never yields a digest of partial content.
func (s *Snapshot) Fingerprint() (string, error) {
	return (*Fingerprinter)(nil).Fingerprint(s)
}

// Fingerprinter gives the same fingerprints as [Snapshot.Fingerprint],
// faster for a sequence of snapshots that differ in a few records (a
// plan's predicted states after each phase): it remembers the sorted keys
// of each map, and does not sort them again while they stay the same. The
// zero value is ready; a nil *Fingerprinter remembers nothing. It is safe
// for concurrent use.
type Fingerprinter struct {
	arrays, volumes, services, templates keyorder.Cache[string]
}

// Fingerprint returns s.Fingerprint().
func (f *Fingerprinter) Fingerprint(s *Snapshot) (string, error) {
	a := s.orEmpty()
	var arrays, volumes, services, templates *keyorder.Cache[string]
	if f != nil {
		arrays, volumes, services, templates = &f.arrays, &f.volumes, &f.services, &f.templates
	}
	w := newCanonWriter(fingerprintVersion)
	w.str(a.CatalogID)
	w.count(len(a.Arrays))
	for _, id := range keyorder.Sorted(arrays, a.Arrays, slices.Sort) {
		w.rec(appendArrayRecord(w.buf, id, a.Arrays[id]))
	}
	w.count(len(a.Volumes))
	for _, id := range keyorder.Sorted(volumes, a.Volumes, slices.Sort) {
		w.rec(appendVolumeRecord(w.buf, id, a.Volumes[id]))
	}
	ps := sortedPresentations(a.Presentations)
	w.count(len(ps))
	for _, p := range ps {
		w.rec(appendPresentationRecord(w.buf, p))
	}
	w.count(len(a.Services))
	for _, id := range keyorder.Sorted(services, a.Services, slices.Sort) {
		w.rec(appendServiceRecord(w.buf, id, a.Services[id]))
	}
	w.count(len(a.Templates))
	for _, id := range keyorder.Sorted(templates, a.Templates, slices.Sort) {
		w.rec(appendTemplateRecord(w.buf, id, a.Templates[id]))
	}
	return w.sum(), nil
}

// The records of the canonical encoding, one function each so that
// Fingerprinter and Chain write the same bytes. A keyed record starts with
// its map key.

func appendArrayRecord(b []byte, id string, v Array) []byte {
	b = canonStr(b, id)
	b = canonStr(b, v.ID)
	b = canonStr(b, v.Name)
	b = canonStr(b, string(v.Type))
	return canonBool(b, v.Quarantined)
}

func appendVolumeRecord(b []byte, id string, v Volume) []byte {
	b = canonStr(b, id)
	b = canonStr(b, v.ID)
	b = canonStr(b, v.ArrayID)
	b = canonStr(b, v.Name)
	b = binary.BigEndian.AppendUint64(b, uint64(v.WWN))
	b = binary.BigEndian.AppendUint64(b, v.SizeBytes)
	b = canonBool(b, v.Quarantined)
	b = canonStr(b, string(v.Signature))
	b = canonStr(b, v.OwningCatalog)
	b = canonStr(b, v.ServiceID)
	b = canonBool(b, v.Offline)
	return canonStr(b, v.Activation)
}

func appendPresentationRecord(b []byte, p Presentation) []byte {
	b = canonStr(b, p.VolumeID)
	b = binary.BigEndian.AppendUint64(b, uint64(p.Initiator))
	b = canonStr(b, p.Host)
	return binary.BigEndian.AppendUint64(b, uint64(int64(p.LUN)))
}

func appendServiceRecord(b []byte, id string, v Service) []byte {
	b = canonStr(b, id)
	b = canonStr(b, v.ID)
	b = canonStr(b, v.Name)
	b = canonStr(b, v.TemplateID)
	return canonBool(b, v.Conformant)
}

func appendTemplateRecord(b []byte, id string, v Template) []byte {
	b = canonStr(b, id)
	b = canonStr(b, v.ID)
	b = canonStr(b, v.Name)
	return canonStr(b, v.ParentID)
}

// orEmpty is s, or an empty snapshot for a nil s.
func (s *Snapshot) orEmpty() *Snapshot {
	if s == nil {
		return &Snapshot{}
	}
	return s
}

// comparePresentations orders presentations by every field, so a sorted
// list is canonical.
func comparePresentations(a, b Presentation) int {
	return cmp.Or(cmp.Compare(a.VolumeID, b.VolumeID), cmp.Compare(a.Initiator, b.Initiator),
		cmp.Compare(a.Host, b.Host), cmp.Compare(a.LUN, b.LUN))
}

// sortedPresentations returns ps sorted: ps itself when it already is (the
// caller must not modify the result), else a sorted copy. A list that is
// sorted but for a tail (what Apply leaves of a sorted list: the re-set
// volumes' presentations go last) costs a sort of the tail and a merge.
func sortedPresentations(ps []Presentation) []Presentation {
	i := 1
	for i < len(ps) && comparePresentations(ps[i-1], ps[i]) <= 0 {
		i++
	}
	if i >= len(ps) {
		return ps
	}
	tail := slices.Clone(ps[i:])
	slices.SortFunc(tail, comparePresentations)
	out := make([]Presentation, 0, len(ps))
	head := ps[:i]
	for len(head) > 0 && len(tail) > 0 {
		if comparePresentations(tail[0], head[0]) < 0 {
			out, tail = append(out, tail[0]), tail[1:]
		} else {
			out, head = append(out, head[0]), head[1:]
		}
	}
	out = append(out, head...)
	return append(out, tail...)
}

// SortPresentations puts the presentations in the canonical order that
// Fingerprint, Equal and Diff compare them in; their order carries no
// meaning. A snapshot fingerprinted again and again as changes are applied
// to it (a plan's predicted state) is fingerprinted faster once sorted.
func (s *Snapshot) SortPresentations() {
	if s != nil {
		slices.SortFunc(s.Presentations, comparePresentations)
	}
}

// canonWriter hashes a canonical, unambiguous encoding: every string is
// length-prefixed and every collection counted, so two different contents
// never encode alike.
type canonWriter struct {
	h   hash.Hash
	buf []byte
}

func newCanonWriter(version string) *canonWriter {
	w := &canonWriter{h: sha256.New(), buf: make([]byte, 0, 4096)}
	w.buf = append(w.buf, version...)
	return w
}

func (w *canonWriter) flush() {
	if len(w.buf) >= 3072 {
		w.h.Write(w.buf)
		w.buf = w.buf[:0]
	}
}

func (w *canonWriter) str(s string) { w.buf = canonStr(w.buf, s); w.flush() }

// rec takes w.buf with a record appended.
func (w *canonWriter) rec(b []byte) { w.buf = b; w.flush() }

func (w *canonWriter) u64(v uint64) { w.buf = binary.BigEndian.AppendUint64(w.buf, v); w.flush() }
func (w *canonWriter) i64(v int64)  { w.u64(uint64(v)) }
func (w *canonWriter) count(n int)  { w.u64(uint64(n)) }

func (w *canonWriter) bool(b bool) { w.buf = canonBool(w.buf, b); w.flush() }

// canonStr appends s length-prefixed.
func canonStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func canonBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func (w *canonWriter) sum() string {
	w.h.Write(w.buf)
	return "sha256:" + hex.EncodeToString(w.h.Sum(nil))
}
