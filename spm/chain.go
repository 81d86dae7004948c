package spm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/mxsync-go/mxsync/internal/canoncache"
)

// Chain is a catalog that changes only through [Chain.Apply], so that its
// [Chain.Fingerprint] costs the records changed since the last one instead
// of the whole catalog, and a batch of changes costs its own records
// instead of a copy of the catalog: a plan's predicted catalog is changed
// and fingerprinted after several phases, and a phase changes a few
// records of a hundred thousand. The fingerprints are
// [Snapshot.Fingerprint]'s, byte for byte.
//
// The chain keeps its presentations in canonical order (see
// [Snapshot.SortPresentations]) and the canonical encoding of every record
// (a little less than the catalog's JSON) between fingerprints.
//
// Snapshot and Fingerprint may be called from several goroutines at once;
// Apply must not run beside any other call.
type Chain struct {
	s *Snapshot
	// byVol is s.Presentations by volume, each volume's sorted: what
	// Apply reads and writes; s.Presentations is rebuilt from it after a
	// batch that wrote presentations.
	byVol map[string][]Presentation

	mu                                   sync.Mutex // guards what follows: Fingerprint runs beside readers
	dirty                                chainDirty // what Apply wrote since the last Fingerprint
	arrays, volumes, services, templates canoncache.Section[string]
	// presentations holds one record per volume: the volume's
	// presentations, each as the canonical encoding writes it.
	presentations canoncache.Section[string]
}

// chainDirty is what the batches since the last fingerprint wrote: volume,
// service and presentation keys (by volume).
type chainDirty struct {
	volumes, services, presentations map[string]struct{}
}

// noteKey adds k to *set, making the set if need be.
func noteKey(set *map[string]struct{}, k string) {
	if *set == nil {
		*set = map[string]struct{}{}
	}
	(*set)[k] = struct{}{}
}

// NewChain returns a chain starting at a clone of s (nil: an empty
// snapshot) with its presentations sorted; s itself is not changed by the
// chain.
func NewChain(s *Snapshot) *Chain {
	c := s.orEmpty().Clone()
	c.SortPresentations()
	byVol := make(map[string][]Presentation)
	for i := 0; i < len(c.Presentations); {
		j := i + 1
		for j < len(c.Presentations) && c.Presentations[j].VolumeID == c.Presentations[i].VolumeID {
			j++
		}
		byVol[c.Presentations[i].VolumeID] = c.Presentations[i:j:j] // shares s.Presentations: never written in place
		i = j
	}
	return &Chain{s: c, byVol: byVol}
}

// Snapshot is the chain's state. It must be read only: a change made to it
// other than through Apply would not be seen by the next Fingerprint.
func (c *Chain) Snapshot() *Snapshot { return c.s }

// Apply is [ApplyAll] on the chain's state: in place and all or nothing
// (on failure the state is exactly as before and the error is a
// *ChangeError naming the failing change), noting which records it wrote.
// Unlike ApplyAll it does not copy the catalog, and it leaves the
// presentations in canonical order rather than in the order of the
// changes (an order Equal, Fingerprint and Diff do not see).
func (c *Chain) Apply(cs ...Change) error {
	if len(cs) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &chainWrites{c: c}
	for i, ch := range cs {
		if err := apply(c.s, w, ch); err != nil {
			w.undo()
			ce := &ChangeError{Index: i, Err: err}
			ce.Kind, ce.Target, _ = describe(ch)
			return ce
		}
	}
	if len(w.oldPres) > 0 {
		c.rebuildPresentations(slices.Sorted(maps.Keys(w.oldPres)))
	}
	return nil
}

// rebuildPresentations writes s.Presentations again from byVol, in
// canonical order: the volumes in vols (sorted) from byVol, every other
// one as it was. It makes a new slice: the old one may be read still.
func (c *Chain) rebuildPresentations(vols []string) {
	old := c.s.Presentations
	n := len(old)
	for _, v := range vols {
		n += len(c.byVol[v])
	}
	out := make([]Presentation, 0, n)
	for i := 0; i < len(old); {
		j := i + 1
		for j < len(old) && old[j].VolumeID == old[i].VolumeID {
			j++
		}
		g := old[i].VolumeID
		for len(vols) > 0 && vols[0] < g {
			out, vols = append(out, c.byVol[vols[0]]...), vols[1:]
		}
		if len(vols) > 0 && vols[0] == g {
			out, vols = append(out, c.byVol[g]...), vols[1:]
		} else {
			out = append(out, old[i:j]...)
		}
		i = j
	}
	for _, v := range vols {
		out = append(out, c.byVol[v]...)
	}
	c.s.Presentations = out
}

// chainWrites is a batch's writer on a chain: it writes the chain's state
// at once, keeps what each record held before its first write (to undo a
// failed batch) and notes the record as dirty.
type chainWrites struct {
	c       *Chain
	oldVols map[string]savedValue[Volume]
	oldSvcs map[string]savedValue[Service]
	oldPres map[string]savedValue[[]Presentation]
}

// savedValue is a map entry as it was: v, or absent when !ok.
type savedValue[V any] struct {
	v  V
	ok bool
}

// save keeps m[k] in old unless it was kept already.
func save[V any](old *map[string]savedValue[V], m map[string]V, k string) {
	if *old == nil {
		*old = map[string]savedValue[V]{}
	}
	if _, done := (*old)[k]; !done {
		v, ok := m[k]
		(*old)[k] = savedValue[V]{v, ok}
	}
}

// restore puts every kept entry back into m.
func restore[V any](old map[string]savedValue[V], m map[string]V) {
	for k, sv := range old {
		if sv.ok {
			m[k] = sv.v
		} else {
			delete(m, k)
		}
	}
}

func (w *chainWrites) putVolume(id string, v Volume) {
	save(&w.oldVols, w.c.s.Volumes, id)
	noteKey(&w.c.dirty.volumes, id)
	w.c.s.Volumes[id] = v
}

func (w *chainWrites) deleteVolume(id string) {
	save(&w.oldVols, w.c.s.Volumes, id)
	noteKey(&w.c.dirty.volumes, id)
	delete(w.c.s.Volumes, id)
}

func (w *chainWrites) putService(id string, v Service) {
	save(&w.oldSvcs, w.c.s.Services, id)
	noteKey(&w.c.dirty.services, id)
	w.c.s.Services[id] = v
}

func (w *chainWrites) of(volumeID string) []Presentation { return w.c.byVol[volumeID] }

func (w *chainWrites) set(volumeID string, ps []Presentation) {
	save(&w.oldPres, w.c.byVol, volumeID)
	noteKey(&w.c.dirty.presentations, volumeID)
	if len(ps) == 0 {
		delete(w.c.byVol, volumeID)
		return
	}
	w.c.byVol[volumeID] = ps
}

func (w *chainWrites) drop(volumeID string) {
	if _, ok := w.c.byVol[volumeID]; !ok {
		return // nothing presented: nothing written
	}
	save(&w.oldPres, w.c.byVol, volumeID)
	noteKey(&w.c.dirty.presentations, volumeID)
	delete(w.c.byVol, volumeID)
}

// undo puts back every record the batch wrote. The records stay noted as
// dirty: encoding an unchanged record again gives the same bytes.
func (w *chainWrites) undo() {
	restore(w.oldVols, w.c.s.Volumes)
	restore(w.oldSvcs, w.c.s.Services)
	restore(w.oldPres, w.c.byVol)
}

// Fingerprint returns c.Snapshot().Fingerprint(), re-encoding only the
// records Apply wrote since the last call. The error is always nil.
func (c *Chain) Fingerprint() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, d := c.s, &c.dirty
	canoncache.RefreshMap(&c.arrays, s.Arrays, nil, strings.Compare, appendArrayRecord)
	canoncache.RefreshMap(&c.volumes, s.Volumes, d.volumes, strings.Compare, appendVolumeRecord)
	canoncache.RefreshMap(&c.services, s.Services, d.services, strings.Compare, appendServiceRecord)
	canoncache.RefreshMap(&c.templates, s.Templates, nil, strings.Compare, appendTemplateRecord)
	canoncache.RefreshMap(&c.presentations, c.byVol, d.presentations, strings.Compare, func(b []byte, _ string, ps []Presentation) []byte {
		for _, p := range ps {
			b = appendPresentationRecord(b, p)
		}
		return b
	})
	*d = chainDirty{}

	h := sha256.New()
	var head []byte
	section := func(n int, sec *canoncache.Section[string]) {
		head = binary.BigEndian.AppendUint64(head[:0], uint64(n))
		h.Write(head)
		h.Write(sec.Bytes())
	}
	head = canonStr(append(head, fingerprintVersion...), s.CatalogID)
	h.Write(head)
	section(len(s.Arrays), &c.arrays)
	section(len(s.Volumes), &c.volumes)
	section(len(s.Presentations), &c.presentations)
	section(len(s.Services), &c.services)
	section(len(s.Templates), &c.templates)
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
