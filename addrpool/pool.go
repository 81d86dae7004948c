package addrpool

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math/bits"
	"slices"
	"sort"
)

// State is VCEM's status of one address of a pool.
type State uint8

// The four address states VCEM shows (VCEM owner's manual, MAC and WWN
// address status tables).
const (
	Free     State = iota // available to allocate
	InUse                 // held by a server profile VCEM manages (has an owner)
	External              // used outside VCEM's management; never allocated
	Excluded              // inside an exclusion range; never allocated
)

// stateName returns the VCEM name of a state, or "" for an unknown one.
func stateName(s State) string {
	switch s {
	case Free:
		return "Free"
	case InUse:
		return "In use"
	case External:
		return "External"
	case Excluded:
		return "Excluded"
	}
	return ""
}

// String returns the name VCEM shows for the state.
func (s State) String() string {
	if n := stateName(s); n != "" {
		return n
	}
	return fmt.Sprintf("State(%d)", s)
}

// MarshalText writes the state's name.
func (s State) MarshalText() ([]byte, error) {
	if stateName(s) == "" {
		return nil, fmt.Errorf("addrpool: unknown state %d", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a state's name as written by MarshalText.
func (s *State) UnmarshalText(b []byte) error {
	for st := Free; st <= Excluded; st++ {
		if stateName(st) == string(b) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("addrpool: unknown address state %q (want Free, In use, External or Excluded)", b)
}

// Sentinel errors of [Pool] operations; the returned errors wrap them and
// name the address, its state and its owner.
var (
	ErrExhausted  = errors.New("no free address left")
	ErrNotInPool  = errors.New("address is outside every range of the pool")
	ErrWrongState = errors.New("address is not in a state that allows this")
)

// MaxPoolSize bounds the addresses one pool may hold (its bitmap is then
// 32 MiB). VCEM ranges are 131,072 addresses; generated OneView ranges 2^20.
const MaxPoolSize = 1 << 28

// Counts is the number of addresses in each state.
type Counts struct {
	Free, InUse, External, Excluded uint64
}

// Total returns the number of addresses in the pool.
func (c Counts) Total() uint64 { return c.Free + c.InUse + c.External + c.Excluded }

type segment struct {
	first, last uint64
	taken       []uint64 // bit set: in use, External or excluded (and padding past last)
	full        []uint64 // bit w set when taken[w] is all ones (and padding)
}

// Pool is a set of address ranges with exclusion ranges and VCEM's
// per-address states. Memory is one bit per address (plus 1/64 of that for
// a summary) and one map entry per in-use address for its owner: a pool of
// 2^20 addresses costs about 130 KiB before owners.
//
// A Pool is not safe for concurrent use: guard it, or give each goroutine
// its own [Pool.Clone].
type Pool[A Address] struct {
	segs     []segment
	excl     Set[A]
	owners   map[uint64]string
	extExcl  map[uint64]struct{} // External addresses inside an exclusion range
	counts   Counts
	ranges   []Range[A]
	exclList []Range[A]
}

// NewPool builds a pool with every address Free except those in exclusions.
// Ranges must not overlap; every exclusion must lie inside one range.
func NewPool[A Address](ranges []Range[A], exclusions []Range[A]) (*Pool[A], error) {
	p := &Pool[A]{owners: map[uint64]string{}, extExcl: map[uint64]struct{}{}}
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b Range[A]) int { return cmpU(uint64(a.First), uint64(b.First)) })
	var total uint64
	for i, r := range sorted {
		if r.Last < r.First {
			return nil, fmt.Errorf("addrpool: pool range %s: last is below first", r)
		}
		if i > 0 && sorted[i-1].Overlaps(r) {
			return nil, fmt.Errorf("addrpool: pool ranges %s and %s overlap", sorted[i-1], r)
		}
		total += r.Count()
		if r.Count() > MaxPoolSize || total > MaxPoolSize {
			return nil, fmt.Errorf("addrpool: pool range %s: pool would hold more than %d addresses", r, MaxPoolSize)
		}
		p.segs = append(p.segs, newSegment(uint64(r.First), uint64(r.Last)))
	}
	p.ranges = sorted
	p.counts.Free = total
	for _, x := range exclusions {
		if x.Last < x.First {
			return nil, fmt.Errorf("addrpool: exclusion range %s: last is below first", x)
		}
		if !slices.ContainsFunc(sorted, func(r Range[A]) bool { return r.ContainsRange(x) }) {
			return nil, fmt.Errorf("addrpool: exclusion range %s lies outside every pool range", x)
		}
		p.excl.Add(x)
	}
	for x := range p.excl.Ranges() {
		p.exclList = append(p.exclList, x)
		for v := uint64(x.First); ; v++ {
			s := p.seg(v)
			s.set(v - s.first)
			if v == uint64(x.Last) {
				break
			}
		}
		p.counts.Free -= x.Count()
		p.counts.Excluded += x.Count()
	}
	return p, nil
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func newSegment(first, last uint64) segment {
	n := last - first + 1
	words := (n + 63) / 64
	s := segment{first: first, last: last, taken: make([]uint64, words), full: make([]uint64, (words+63)/64)}
	if pad := n % 64; pad != 0 {
		s.taken[words-1] = ^uint64(0) << pad
	}
	if pad := words % 64; pad != 0 {
		s.full[len(s.full)-1] = ^uint64(0) << pad
	}
	return s
}

func (s *segment) isSet(off uint64) bool { return s.taken[off/64]&(1<<(off%64)) != 0 }

func (s *segment) set(off uint64) {
	w := off / 64
	s.taken[w] |= 1 << (off % 64)
	if s.taken[w] == ^uint64(0) {
		s.full[w/64] |= 1 << (w % 64)
	}
}

func (s *segment) clear(off uint64) {
	w := off / 64
	s.taken[w] &^= 1 << (off % 64)
	s.full[w/64] &^= 1 << (w % 64)
}

// firstFree returns the lowest clear offset, or false.
func (s *segment) firstFree() (uint64, bool) {
	for fw, f := range s.full {
		if f == ^uint64(0) {
			continue
		}
		w := uint64(fw)*64 + uint64(bits.TrailingZeros64(^f))
		return w*64 + uint64(bits.TrailingZeros64(^s.taken[w])), true
	}
	return 0, false
}

// seg returns the segment holding raw address v, or nil.
func (p *Pool[A]) seg(v uint64) *segment {
	i := sort.Search(len(p.segs), func(k int) bool { return p.segs[k].last >= v })
	if i < len(p.segs) && p.segs[i].first <= v {
		return &p.segs[i]
	}
	return nil
}

// Contains reports whether a lies in one of the pool's ranges.
func (p *Pool[A]) Contains(a A) bool { return p.seg(uint64(a)) != nil }

// Ranges returns the pool's ranges in ascending order.
func (p *Pool[A]) Ranges() []Range[A] { return slices.Clone(p.ranges) }

// Exclusions returns the merged exclusion ranges in ascending order.
func (p *Pool[A]) Exclusions() []Range[A] { return slices.Clone(p.exclList) }

// Counts returns the number of addresses in each state.
func (p *Pool[A]) Counts() Counts { return p.counts }

// Lookup returns a's state and, when In use, its owner. ok is false when a
// lies outside the pool.
func (p *Pool[A]) Lookup(a A) (state State, owner string, ok bool) {
	v := uint64(a)
	s := p.seg(v)
	if s == nil {
		return 0, "", false
	}
	if o, in := p.owners[v]; in {
		return InUse, o, true
	}
	if p.excl.Contains(a) {
		if _, ext := p.extExcl[v]; ext {
			return External, "", true
		}
		return Excluded, "", true
	}
	if s.isSet(v - s.first) {
		return External, "", true
	}
	return Free, "", true
}

func (p *Pool[A]) stateErr(a A, op string, st State, owner string) error {
	if st == InUse {
		return fmt.Errorf("addrpool: %s %s: address is %s by %q: %w", op, a, st, owner, ErrWrongState)
	}
	return fmt.Errorf("addrpool: %s %s: address is %s: %w", op, a, st, ErrWrongState)
}

func (p *Pool[A]) lookupOrErr(a A, op string) (State, string, *segment, error) {
	st, owner, ok := p.Lookup(a)
	if !ok {
		return 0, "", nil, fmt.Errorf("addrpool: %s %s: %w", op, a, ErrNotInPool)
	}
	return st, owner, p.seg(uint64(a)), nil
}

// Allocate gives the lowest Free address to owner.
func (p *Pool[A]) Allocate(owner string) (A, error) {
	if owner == "" {
		return 0, errors.New("addrpool: allocate: owner must not be empty")
	}
	for i := range p.segs {
		s := &p.segs[i]
		if off, ok := s.firstFree(); ok {
			s.set(off)
			p.owners[s.first+off] = owner
			p.counts.Free--
			p.counts.InUse++
			return A(s.first + off), nil
		}
	}
	return 0, fmt.Errorf("addrpool: allocate for %q: %w (%d in use, %d external, %d excluded)", owner, ErrExhausted, p.counts.InUse, p.counts.External, p.counts.Excluded)
}

// AllocateAddr gives the Free address a to owner.
func (p *Pool[A]) AllocateAddr(a A, owner string) error {
	if owner == "" {
		return fmt.Errorf("addrpool: allocate %s: owner must not be empty", a)
	}
	st, cur, s, err := p.lookupOrErr(a, "allocate")
	if err != nil {
		return err
	}
	if st != Free {
		return p.stateErr(a, "allocate", st, cur)
	}
	s.set(uint64(a) - s.first)
	p.owners[uint64(a)] = owner
	p.counts.Free--
	p.counts.InUse++
	return nil
}

// Release returns an In use or External address to Free (an External address
// inside an exclusion returns to Excluded). Releasing a Free or Excluded
// address is an error.
func (p *Pool[A]) Release(a A) error {
	st, owner, s, err := p.lookupOrErr(a, "release")
	if err != nil {
		return err
	}
	v := uint64(a)
	switch st {
	case InUse:
		delete(p.owners, v)
		p.counts.InUse--
	case External:
		p.counts.External--
		if _, in := p.extExcl[v]; in {
			delete(p.extExcl, v)
			p.counts.Excluded++
			return nil
		}
	default:
		return p.stateErr(a, "release", st, owner)
	}
	s.clear(v - s.first)
	p.counts.Free++
	return nil
}

// MarkExternal records that a is used outside VCEM, so it is never
// allocated. Free and Excluded addresses become External (VCEM keeps an
// External address inside an exclusion External); marking an External
// address again is a no-op; an In use address is an error naming its owner.
func (p *Pool[A]) MarkExternal(a A) error {
	st, owner, s, err := p.lookupOrErr(a, "mark external")
	if err != nil {
		return err
	}
	v := uint64(a)
	switch st {
	case External:
		return nil
	case InUse:
		return p.stateErr(a, "mark external", st, owner)
	case Excluded:
		p.extExcl[v] = struct{}{}
		p.counts.Excluded--
	case Free:
		s.set(v - s.first)
		p.counts.Free--
	}
	p.counts.External++
	return nil
}

// taken yields, in ascending order, every address whose bit is set (in
// use, External or excluded), by scanning the bitmap: no sorting and no
// allocation, O(pool size / 64 + set bits).
func (p *Pool[A]) taken(yield func(v uint64) bool) {
	for i := range p.segs {
		s := &p.segs[i]
		for w, word := range s.taken {
			for word != 0 {
				b := uint64(bits.TrailingZeros64(word))
				word &^= 1 << b
				v := s.first + uint64(w)*64 + b
				if v > s.last {
					break // padding bits of the last word
				}
				if !yield(v) {
					return
				}
			}
		}
	}
}

// InUse yields the in-use addresses and their owners in ascending order.
func (p *Pool[A]) InUse() iter.Seq2[A, string] {
	return func(yield func(A, string) bool) {
		if len(p.owners) == 0 {
			return
		}
		p.taken(func(v uint64) bool {
			if o, ok := p.owners[v]; ok {
				return yield(A(v), o)
			}
			return true
		})
	}
}

// External yields the External addresses in ascending order.
func (p *Pool[A]) External() iter.Seq[A] {
	return func(yield func(A) bool) {
		if p.counts.External == 0 {
			return
		}
		p.taken(func(v uint64) bool {
			if _, ok := p.owners[v]; ok {
				return true
			}
			if p.excl.Contains(A(v)) {
				if _, ext := p.extExcl[v]; !ext {
					return true
				}
			}
			return yield(A(v))
		})
	}
}

// Clone returns an independent copy.
func (p *Pool[A]) Clone() *Pool[A] {
	c := &Pool[A]{
		segs:     make([]segment, len(p.segs)),
		excl:     *p.excl.Clone(),
		owners:   maps.Clone(p.owners),
		extExcl:  maps.Clone(p.extExcl),
		counts:   p.counts,
		ranges:   slices.Clone(p.ranges),
		exclList: slices.Clone(p.exclList),
	}
	for i, s := range p.segs {
		c.segs[i] = segment{s.first, s.last, slices.Clone(s.taken), slices.Clone(s.full)}
	}
	return c
}

// Assignment is one address held by one owner.
type Assignment[A Address] struct {
	Addr  A      `json:"address"`
	Owner string `json:"owner"`
}

type poolJSON[A Address] struct {
	Ranges     []Range[A]      `json:"ranges"`
	Exclusions []Range[A]      `json:"exclusions,omitempty"`
	InUse      []Assignment[A] `json:"inUse,omitempty"`
	External   *Set[A]         `json:"external,omitempty"`
}

// MarshalJSON writes ranges, exclusions, in-use assignments and External
// addresses (as ranges); Free and Excluded follow from them.
func (p *Pool[A]) MarshalJSON() ([]byte, error) {
	j := poolJSON[A]{Ranges: p.ranges, Exclusions: p.exclList, External: &Set[A]{}}
	for a, o := range p.InUse() {
		j.InUse = append(j.InUse, Assignment[A]{a, o})
	}
	for a := range p.External() {
		j.External.Insert(a)
	}
	if j.External.IsEmpty() {
		j.External = nil
	}
	return json.Marshal(j)
}

// UnmarshalJSON rebuilds a pool written by MarshalJSON, checking every
// assignment; the first bad entry is reported with its index.
func (p *Pool[A]) UnmarshalJSON(b []byte) error {
	var j poolJSON[A]
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("addrpool: pool: %w", err)
	}
	np, err := NewPool(j.Ranges, j.Exclusions)
	if err != nil {
		return err
	}
	for i, as := range j.InUse {
		if err := np.AllocateAddr(as.Addr, as.Owner); err != nil {
			return fmt.Errorf("addrpool: pool inUse[%d]: %w", i, err)
		}
	}
	if j.External != nil {
		for r := range j.External.Ranges() {
			for a := range r.All() {
				if err := np.MarkExternal(a); err != nil {
					return fmt.Errorf("addrpool: pool external %s: %w", r, err)
				}
			}
		}
	}
	*p = *np
	return nil
}
