package addrpool

import (
	"fmt"
	"iter"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Range is the inclusive run of addresses First..Last. Build it with
// [NewRange] to have First <= Last checked; the zero value is the single
// address 0.
type Range[A Address] struct {
	First A `json:"first"`
	Last  A `json:"last"`
}

// NewRange returns first..last, or an error when last < first or when the
// range would span the entire 64-bit WWN space (its count does not fit).
func NewRange[A Address](first, last A) (Range[A], error) {
	if last < first {
		return Range[A]{}, fmt.Errorf("addrpool: %s range %s..%s: last is below first", kindOf[A](), first, last)
	}
	if uint64(first) == 0 && uint64(last) == 1<<64-1 {
		return Range[A]{}, fmt.Errorf("addrpool: %s range %s..%s covers the whole 64-bit space; its size does not fit in a uint64", kindOf[A](), first, last)
	}
	return Range[A]{First: first, Last: last}, nil
}

// MustRange is [NewRange] for constant inputs in tests and examples; it
// panics on an invalid range and is not meant for user input.
func MustRange[A Address](first, last A) Range[A] {
	r, err := NewRange(first, last)
	if err != nil {
		panic(err)
	}
	return r
}

// Count returns the number of addresses in the range.
func (r Range[A]) Count() uint64 { return uint64(r.Last) - uint64(r.First) + 1 }

// Contains reports whether a lies in the range.
func (r Range[A]) Contains(a A) bool { return r.First <= a && a <= r.Last }

// Overlaps reports whether the two ranges share at least one address.
func (r Range[A]) Overlaps(o Range[A]) bool { return r.First <= o.Last && o.First <= r.Last }

// ContainsRange reports whether o lies entirely inside r.
func (r Range[A]) ContainsRange(o Range[A]) bool { return r.First <= o.First && o.Last <= r.Last }

// All yields every address of the range in ascending order without
// allocating per address.
func (r Range[A]) All() iter.Seq[A] {
	return func(yield func(A) bool) {
		for v := uint64(r.First); ; v++ {
			if !yield(A(v)) || v == uint64(r.Last) {
				return
			}
		}
	}
}

// String returns "first..last".
func (r Range[A]) String() string { return r.First.String() + ".." + r.Last.String() }

// rawRange is a Range's JSON shape without its check: containers decode
// into it and check each range themselves, so their errors name the range
// by its index.
type rawRange[A Address] struct {
	First A `json:"first"`
	Last  A `json:"last"`
}

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*Range[A]) JSONShape() any { return (*rawRange[A])(nil) }

// UnmarshalJSON reads {"first": "...", "last": "..."} strictly (an unknown,
// repeated, case-folded or missing key is an error naming it) and rejects
// last < first.
func (r *Range[A]) UnmarshalJSON(b []byte) error {
	var raw rawRange[A]
	if err := strictjson.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("addrpool: %s range: %w", kindOf[A](), err)
	}
	v, err := NewRange(raw.First, raw.Last)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// toRanges converts decoded ranges, checking each: an inverted one is an
// error naming field[index] and the address kind.
func toRanges[A Address](field string, raw []rawRange[A]) ([]Range[A], error) {
	if raw == nil {
		return nil, nil
	}
	out := make([]Range[A], len(raw))
	for i, r := range raw {
		v, err := NewRange(r.First, r.Last)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out[i] = v
	}
	return out, nil
}
