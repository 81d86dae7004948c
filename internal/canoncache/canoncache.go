// Package canoncache keeps one keyed section of a canonical encoding
// record by record, so that the encoding of a map that changed in a few
// keys is brought up to date by encoding those keys alone: a plan's
// predicted state is fingerprinted after every phase, and a phase changes
// a few records of a hundred thousand. Looking every key up in sorted
// order, not hashing, was most of such a fingerprint's cost.
package canoncache

import (
	"maps"
	"slices"
)

// Encoder appends the encoding of key k's record (key and value, as the
// canonical encoding writes them) to b, or reports that the map no longer
// holds k.
type Encoder[K comparable] func(b []byte, k K) ([]byte, bool)

// Section is a section's keys, sorted, and each record's encoding, in that
// order. The zero value is empty and not built. It is not safe for
// concurrent use.
type Section[K comparable] struct {
	keys []K
	buf  []byte
	off  []int // record i is buf[off[i]:off[i+1]]
	// The arrays the last Update replaced, reused by the next one.
	spareKeys []K
	spareBuf  []byte
	spareOff  []int
}

// sizeSample is how many records Build encodes before sizing its buffer.
const sizeSample = 256

// Built reports whether the section holds an encoding.
func (s *Section[K]) Built() bool { return s.off != nil }

// Len is the number of records.
func (s *Section[K]) Len() int { return len(s.keys) }

// Bytes is the records' encodings, concatenated in key order; it is valid
// until the next Build or Update.
func (s *Section[K]) Bytes() []byte { return s.buf }

// Build encodes the records of keys (sorted; Build keeps the slice)
// afresh. A key the encoder reports missing is left out.
func (s *Section[K]) Build(keys []K, enc Encoder[K]) {
	off := make([]int, 0, len(keys)+1)
	b := s.buf[:0]
	kept := keys[:0] // compacted in place: it never passes the key read
	for i, k := range keys {
		if i == sizeSample && len(keys) > 2*sizeSample {
			// Sized from the first records: growing by append would
			// allocate about five times the section's encoding.
			if want := len(b) / sizeSample * len(keys) * 9 / 8; cap(b) < want {
				b = append(make([]byte, 0, want), b...)
			}
		}
		n := len(b)
		var ok bool
		if b, ok = enc(b, k); ok {
			off = append(off, n)
			kept = append(kept, k)
		}
	}
	s.keys, s.buf, s.off = kept, b, append(off, len(b))
}

// Update brings the section up to date given the keys written since the
// last Build or Update (dirty, sorted by compare, each once): a dirty key
// the map still holds is encoded again (or added), one it no longer
// holds removed. It reports whether the section then holds n records, n
// being the map's length; false means the map was written other than at
// the dirty keys, and the caller must Build.
func (s *Section[K]) Update(n int, dirty []K, compare func(K, K) int, enc Encoder[K]) bool {
	if len(dirty) == 0 {
		return len(s.keys) == n
	}
	keys := reuse(s.spareKeys, len(s.keys)+len(dirty))
	off := reuse(s.spareOff, len(s.keys)+len(dirty)+1)
	buf := reuse(s.spareBuf, len(s.buf)+len(s.buf)/max(len(s.keys), 1)*len(dirty))
	i := 0
	keep := func(to int) { // the unchanged records i..to-1, copied whole
		if i >= to {
			return
		}
		base := len(buf) - s.off[i]
		for j := i; j < to; j++ {
			off = append(off, s.off[j]+base)
		}
		keys = append(keys, s.keys[i:to]...)
		buf = append(buf, s.buf[s.off[i]:s.off[to]]...)
		i = to
	}
	for _, d := range dirty {
		at, found := slices.BinarySearchFunc(s.keys[i:], d, compare)
		keep(i + at)
		if found {
			i++ // encoded again below, or gone
		}
		at0 := len(buf)
		var ok bool
		if buf, ok = enc(buf, d); ok {
			off = append(off, at0)
			keys = append(keys, d)
		}
	}
	keep(len(s.keys))
	off = append(off, len(buf))
	s.spareKeys, s.spareBuf, s.spareOff = s.keys, s.buf, s.off
	s.keys, s.buf, s.off = keys, buf, off
	return len(keys) == n
}

// Refresh brings the section in step with a map of n keys, the dirty ones
// (sorted by compare) written since the last call: by Update when the
// section is built, and by Build with sorted()'s keys when it is not, or
// when the map was written at keys it was not told of.
func (s *Section[K]) Refresh(n int, dirty []K, compare func(K, K) int, sorted func() []K, enc Encoder[K]) {
	if s.Built() && s.Update(n, dirty, compare, enc) {
		return
	}
	s.Build(sorted(), enc)
}

// RefreshMap is Refresh for the records of a map: record appends the
// encoding of one (key and value), dirty holds the keys written since the
// last call, and compare orders the keys as the encoding does.
func RefreshMap[K comparable, V any](s *Section[K], m map[K]V, dirty map[K]struct{}, compare func(K, K) int, record func(b []byte, k K, v V) []byte) {
	enc := func(b []byte, k K) ([]byte, bool) {
		v, ok := m[k]
		if !ok {
			return b, false
		}
		return record(b, k, v), true
	}
	sorted := func() []K { return slices.SortedFunc(maps.Keys(m), compare) }
	s.Refresh(len(m), slices.SortedFunc(maps.Keys(dirty), compare), compare, sorted, enc)
}

// Reset forgets the encoding (keeping its memory), so that the next
// Refresh builds it afresh.
func (s *Section[K]) Reset() { s.keys, s.off = nil, nil }

// reuse returns s emptied if it can hold n elements, or a new slice.
func reuse[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n)
}
