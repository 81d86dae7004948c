package matrixoe

import (
	"slices"
	"sort"
)

// volumeIndex maps a volume ID to the storage pool entries that list it,
// for a batch of changes that [ApplyAll] applies to its private copy of a
// snapshot: built on first use from that copy and kept in step by apply,
// so it cannot go stale. A nil *volumeIndex (used by [Apply]) scans the
// snapshot on each lookup instead.
type volumeIndex struct {
	m     map[string][]string
	built bool
}

// holders returns the IDs of the entries listing vol, sorted (so an error
// naming "the" holder is the same on every run). The caller must not keep
// or modify the slice.
func (ix *volumeIndex) holders(s *Snapshot, vol string) []string {
	if ix == nil {
		var out []string
		for id, spe := range s.SPEs {
			if slices.Contains(spe.VolumeIDs, vol) {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	if !ix.built {
		ix.m = map[string][]string{}
		for _, id := range sortedKeys(s.SPEs) {
			for _, v := range s.SPEs[id].VolumeIDs {
				if !slices.Contains(ix.m[v], id) {
					ix.m[v] = append(ix.m[v], id)
				}
			}
		}
		ix.built = true
	}
	return slices.Clone(ix.m[vol])
}

// add records that entry lists vol (after apply added it).
func (ix *volumeIndex) add(vol, entry string) {
	if ix == nil || !ix.built {
		return
	}
	ids := ix.m[vol]
	if i, found := slices.BinarySearch(ids, entry); !found {
		ix.m[vol] = slices.Insert(ids, i, entry)
	}
}

// remove records that entry no longer lists vol.
func (ix *volumeIndex) remove(vol, entry string) {
	if ix == nil || !ix.built {
		return
	}
	ix.m[vol] = without(ix.m[vol], entry)
	if len(ix.m[vol]) == 0 {
		delete(ix.m, vol)
	}
}
