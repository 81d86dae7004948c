package addrpool

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// span is an inclusive interval of raw address values.
type span struct{ lo, hi uint64 }

// Set is a set of addresses kept as sorted, merged (non-overlapping,
// non-adjacent) intervals. Membership is a binary search; the set operations
// are linear merges. The zero value is an empty set ready to use.
//
// A Set is not safe for concurrent modification; the methods that return a
// new Set never modify their operands.
type Set[A Address] struct {
	spans []span
}

// NewSet returns a set holding the union of the given ranges.
func NewSet[A Address](ranges ...Range[A]) *Set[A] {
	s := &Set[A]{}
	for _, r := range ranges {
		s.Add(r)
	}
	return s
}

// Add inserts every address of r.
func (s *Set[A]) Add(r Range[A]) {
	lo, hi := uint64(r.First), uint64(r.Last)
	// First span that could touch r: its hi+1 >= lo.
	i := sort.Search(len(s.spans), func(k int) bool { return s.spans[k].hi >= lo || s.spans[k].hi+1 == lo })
	j := i
	for j < len(s.spans) && (s.spans[j].lo <= hi || (hi != 1<<64-1 && s.spans[j].lo == hi+1)) {
		lo = min(lo, s.spans[j].lo)
		hi = max(hi, s.spans[j].hi)
		j++
	}
	s.spans = slices.Replace(s.spans, i, j, span{lo, hi})
}

// Insert adds one address.
func (s *Set[A]) Insert(a A) { s.Add(Range[A]{a, a}) }

// Remove deletes every address of r.
func (s *Set[A]) Remove(r Range[A]) {
	lo, hi := uint64(r.First), uint64(r.Last)
	i := sort.Search(len(s.spans), func(k int) bool { return s.spans[k].hi >= lo })
	var keep []span
	j := i
	for j < len(s.spans) && s.spans[j].lo <= hi {
		sp := s.spans[j]
		if sp.lo < lo {
			keep = append(keep, span{sp.lo, lo - 1})
		}
		if sp.hi > hi {
			keep = append(keep, span{hi + 1, sp.hi})
		}
		j++
	}
	s.spans = slices.Replace(s.spans, i, j, keep...)
}

// Contains reports whether a is in the set.
func (s *Set[A]) Contains(a A) bool {
	v := uint64(a)
	i := sort.Search(len(s.spans), func(k int) bool { return s.spans[k].hi >= v })
	return i < len(s.spans) && s.spans[i].lo <= v
}

// ContainsRange reports whether every address of r is in the set.
func (s *Set[A]) ContainsRange(r Range[A]) bool {
	lo := uint64(r.First)
	i := sort.Search(len(s.spans), func(k int) bool { return s.spans[k].hi >= lo })
	return i < len(s.spans) && s.spans[i].lo <= lo && s.spans[i].hi >= uint64(r.Last)
}

// Count returns the number of addresses in the set. It saturates at the
// maximum uint64 for a set holding all 2^64 WWNs.
func (s *Set[A]) Count() uint64 {
	var n uint64
	for _, sp := range s.spans {
		c := sp.hi - sp.lo + 1
		if c == 0 || n+c < n {
			return 1<<64 - 1
		}
		n += c
	}
	return n
}

// Len returns the number of disjoint ranges.
func (s *Set[A]) Len() int { return len(s.spans) }

// IsEmpty reports whether the set holds no address.
func (s *Set[A]) IsEmpty() bool { return len(s.spans) == 0 }

// Ranges yields the disjoint ranges in ascending order.
func (s *Set[A]) Ranges() iter.Seq[Range[A]] {
	return func(yield func(Range[A]) bool) {
		for _, sp := range s.spans {
			if !yield(Range[A]{A(sp.lo), A(sp.hi)}) {
				return
			}
		}
	}
}

// Clone returns an independent copy.
func (s *Set[A]) Clone() *Set[A] { return &Set[A]{spans: slices.Clone(s.spans)} }

// Equal reports whether both sets hold the same addresses.
func (s *Set[A]) Equal(o *Set[A]) bool { return slices.Equal(s.spans, o.spans) }

// Union returns s ∪ o.
func (s *Set[A]) Union(o *Set[A]) *Set[A] {
	out := make([]span, 0, len(s.spans)+len(o.spans))
	i, j := 0, 0
	for i < len(s.spans) || j < len(o.spans) {
		var next span
		if j >= len(o.spans) || (i < len(s.spans) && s.spans[i].lo <= o.spans[j].lo) {
			next = s.spans[i]
			i++
		} else {
			next = o.spans[j]
			j++
		}
		if n := len(out); n > 0 && (out[n-1].hi >= next.lo || out[n-1].hi+1 == next.lo) {
			out[n-1].hi = max(out[n-1].hi, next.hi)
			continue
		}
		out = append(out, next)
	}
	return &Set[A]{spans: out}
}

// Intersection returns s ∩ o.
func (s *Set[A]) Intersection(o *Set[A]) *Set[A] {
	var out []span
	i, j := 0, 0
	for i < len(s.spans) && j < len(o.spans) {
		a, b := s.spans[i], o.spans[j]
		lo, hi := max(a.lo, b.lo), min(a.hi, b.hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
		if a.hi < b.hi {
			i++
		} else {
			j++
		}
	}
	return &Set[A]{spans: out}
}

// Difference returns s \ o.
func (s *Set[A]) Difference(o *Set[A]) *Set[A] {
	var out []span
	j := 0
	for _, a := range s.spans {
		lo := a.lo
		for j < len(o.spans) && o.spans[j].hi < lo {
			j++
		}
		k := j
		done := false
		for k < len(o.spans) && o.spans[k].lo <= a.hi {
			b := o.spans[k]
			if b.lo > lo {
				out = append(out, span{lo, b.lo - 1})
			}
			if b.hi >= a.hi {
				done = true
				break
			}
			lo = b.hi + 1
			k++
		}
		if !done {
			out = append(out, span{lo, a.hi})
		}
	}
	return &Set[A]{spans: out}
}

// String lists the ranges, e.g. "{00-..-01..00-..-05, 00-..-09..00-..-09}".
func (s *Set[A]) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, sp := range s.spans {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Range[A]{A(sp.lo), A(sp.hi)}.String())
	}
	b.WriteByte('}')
	return b.String()
}

// MarshalJSON writes the set as a list of ranges.
func (s *Set[A]) MarshalJSON() ([]byte, error) {
	rs := make([]Range[A], 0, len(s.spans))
	for r := range s.Ranges() {
		rs = append(rs, r)
	}
	return json.Marshal(rs)
}

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*Set[A]) JSONShape() any { return (*[]rawRange[A])(nil) }

// UnmarshalJSON reads a list of ranges strictly (see [Range.UnmarshalJSON]);
// overlapping and adjacent ranges are merged. The ranges are sorted once
// and merged in one pass, so the cost is O(n log n) in their number
// whatever their order.
func (s *Set[A]) UnmarshalJSON(b []byte) error {
	var raw []rawRange[A]
	if err := strictjson.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("addrpool: %s set: %w", kindOf[A](), err)
	}
	rs, err := toRanges("", raw)
	if err != nil {
		return fmt.Errorf("addrpool: %s set: %w", kindOf[A](), err)
	}
	*s = Set[A]{spans: mergeSpans(rs)}
	return nil
}

// mergeSpans returns the union of rs as sorted, merged spans.
func mergeSpans[A Address](rs []Range[A]) []span {
	spans := make([]span, len(rs))
	for i, r := range rs {
		spans[i] = span{uint64(r.First), uint64(r.Last)}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmpU(a.lo, b.lo) })
	out := spans[:0]
	for _, sp := range spans {
		if n := len(out); n > 0 && (sp.lo <= out[n-1].hi || out[n-1].hi != 1<<64-1 && sp.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, sp.hi)
			continue
		}
		out = append(out, sp)
	}
	return slices.Clip(out)
}
