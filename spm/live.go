package spm

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
)

// Live is what the managed arrays actually hold now: per array, its volumes
// (with the management signature each carries) and its presentations. The
// arrays know volumes by WWN, not by SPM's catalog ID, so the analysis
// matches restored volumes to live ones on (array ID, WWN).
//
// A Live is a value owned by one goroutine; [Live.Clone] gives an
// independent copy.
type Live struct {
	Arrays map[string]LiveArray `json:"arrays"`
}

// LiveArray is one array as it answers now.
type LiveArray struct {
	ID            string             `json:"id"`
	Type          ArrayType          `json:"type"`
	Volumes       []LiveVolume       `json:"volumes"`
	Presentations []LivePresentation `json:"presentations"`
}

// LiveVolume is a volume as the array reports it.
type LiveVolume struct {
	WWN       addrpool.WWN `json:"wwn"`
	Name      string       `json:"name"`
	SizeBytes uint64       `json:"sizeBytes"`
	Signature Signature    `json:"signature"`
}

// Signature is the SPM management signature stored on a volume (3PAR and
// EVA/P6000 only). Its fields are what the Signature States of SPM 2.2 talk
// about: format version, integrity, owning catalog, bound service and
// activation level. The on-disk format itself is not published (GAP).
type Signature struct {
	Present       bool   `json:"present"`
	Corrupt       bool   `json:"corrupt,omitempty"`
	Version       int    `json:"version,omitempty"`
	OwningCatalog string `json:"owningCatalog,omitempty"`
	ServiceID     string `json:"serviceId,omitempty"`
	Activation    string `json:"activation,omitempty"`
}

// LivePresentation is one LUN masking entry on an array.
type LivePresentation struct {
	VolumeWWN addrpool.WWN `json:"volumeWwn"`
	Initiator addrpool.WWN `json:"initiator"`
	Host      string       `json:"host"`
	LUN       int          `json:"lun"`
}

// Clone returns an independent copy of l (nil for a nil l).
func (l *Live) Clone() *Live {
	if l == nil {
		return nil
	}
	c := &Live{Arrays: make(map[string]LiveArray, len(l.Arrays))}
	for id, a := range l.Arrays {
		a.Volumes = slices.Clone(a.Volumes)
		a.Presentations = slices.Clone(a.Presentations)
		c.Arrays[id] = a
	}
	return c
}

// Volume returns the volume with the given WWN on array arrayID.
func (l *Live) Volume(arrayID string, wwn addrpool.WWN) (LiveVolume, bool) {
	if l == nil {
		return LiveVolume{}, false
	}
	a, ok := l.Arrays[arrayID]
	if !ok {
		return LiveVolume{}, false
	}
	for _, v := range a.Volumes {
		if v.WWN == wwn {
			return v, true
		}
	}
	return LiveVolume{}, false
}

// Validate reports every inconsistency of l at once as a *ValidationError
// (errors.Is(err, ErrInvalidSnapshot)): map keys that differ from IDs,
// unknown array types, volumes listed twice, presentations of volumes the
// array does not hold, and one (volume, initiator) pair presented twice.
// A nil l is invalid.
func (l *Live) Validate() error {
	var p problems
	if l == nil {
		p.addf("nil live arrays")
		return p.err("live arrays")
	}
	for _, id := range sortedKeys(l.Arrays) {
		a := l.Arrays[id]
		if a.ID != id {
			p.addf("live array %q: ID field is %q", id, a.ID)
		}
		if !a.Type.Valid() {
			p.addf("live array %q: unknown type %q", id, a.Type)
		}
		seen := make(map[addrpool.WWN]bool, len(a.Volumes))
		for i, v := range a.Volumes {
			if seen[v.WWN] {
				p.addf("live array %q: volume %s listed twice (index %d)", id, v.WWN, i)
			}
			seen[v.WWN] = true
		}
		type pair struct{ v, i addrpool.WWN }
		pres := make(map[pair]bool, len(a.Presentations))
		for i, pr := range a.Presentations {
			if !seen[pr.VolumeWWN] {
				p.addf("live array %q: presentation %d is of volume %s the array does not hold", id, i, pr.VolumeWWN)
			}
			k := pair{pr.VolumeWWN, pr.Initiator}
			if pres[k] {
				p.addf("live array %q: volume %s presented twice to initiator %s", id, pr.VolumeWWN, pr.Initiator)
			}
			pres[k] = true
			if pr.LUN < 0 {
				p.addf("live array %q: presentation %d has negative LUN %d", id, i, pr.LUN)
			}
		}
	}
	return p.err("live arrays")
}

// String describes a presentation for messages.
func (p LivePresentation) String() string {
	return fmt.Sprintf("%s -> %s (host %q, LUN %d)", p.VolumeWWN, p.Initiator, p.Host, p.LUN)
}

// liveFingerprintVersion starts the canonical encoding of a [Live].
const liveFingerprintVersion = "mxsync/spm live v1\n"

// FingerprintLive returns a digest of what the arrays hold, "sha256:<64
// hex>", over a versioned canonical encoding that ignores the order in
// which the arrays listed their volumes and presentations (it has no
// meaning): the engine compares it with a plan's to refuse a plan when the
// live side moved. A nil live and nil collections count as empty; it agrees
// with [DiffLive] (equal fingerprints exactly when DiffLive is empty). The
// error is always nil today.
func FingerprintLive(live *Live) (string, error) {
	w := newCanonWriter(liveFingerprintVersion)
	var arrays map[string]LiveArray
	if live != nil {
		arrays = live.Arrays
	}
	w.count(len(arrays))
	for _, id := range sortedKeys(arrays) {
		a := arrays[id]
		w.str(id)
		w.str(a.ID)
		w.str(string(a.Type))
		vs := sortedLiveVolumes(a.Volumes)
		w.count(len(vs))
		for _, v := range vs {
			w.u64(uint64(v.WWN))
			w.str(v.Name)
			w.u64(v.SizeBytes)
			sig := v.Signature
			w.bool(sig.Present)
			w.bool(sig.Corrupt)
			w.i64(int64(sig.Version))
			w.str(sig.OwningCatalog)
			w.str(sig.ServiceID)
			w.str(sig.Activation)
		}
		ps := sortedLivePresentations(a.Presentations)
		w.count(len(ps))
		for _, p := range ps {
			w.u64(uint64(p.VolumeWWN))
			w.u64(uint64(p.Initiator))
			w.str(p.Host)
			w.i64(int64(p.LUN))
		}
	}
	return w.sum(), nil
}

func sortedLiveVolumes(vs []LiveVolume) []LiveVolume {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, func(a, b LiveVolume) int {
		return cmp.Or(cmp.Compare(a.WWN, b.WWN), cmp.Compare(a.Name, b.Name), cmp.Compare(a.SizeBytes, b.SizeBytes),
			compareSignatures(a.Signature, b.Signature))
	})
	return vs
}

func compareSignatures(a, b Signature) int {
	return cmp.Or(compareBool(a.Present, b.Present), compareBool(a.Corrupt, b.Corrupt), cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.OwningCatalog, b.OwningCatalog), cmp.Compare(a.ServiceID, b.ServiceID), cmp.Compare(a.Activation, b.Activation))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func sortedLivePresentations(ps []LivePresentation) []LivePresentation {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b LivePresentation) int {
		return cmp.Or(cmp.Compare(a.VolumeWWN, b.VolumeWWN), cmp.Compare(a.Initiator, b.Initiator),
			cmp.Compare(a.Host, b.Host), cmp.Compare(a.LUN, b.LUN))
	})
	return ps
}
