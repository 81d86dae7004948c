package addrpool

import (
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"sort"

	"github.com/mxsync-go/mxsync/internal/jsonappend"
	"github.com/mxsync-go/mxsync/internal/strictjson"
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

// MaxPoolSize bounds the addresses one pool may hold: 2^24 = 16,777,216.
// The largest real ranges are 1,048,576 addresses (a generated OneView
// range, the upper bound of a custom one) and VCEM's own 131,072, so the
// limit leaves a margin of 16 over the largest; a pool at the limit costs
// 6 MiB of bitmaps, and a hostile input naming huge ranges is refused
// before anything is allocated for it.
const MaxPoolSize = 1 << 24

// Counts is the number of addresses in each state.
type Counts struct {
	Free, InUse, External, Excluded uint64
}

// Total returns the number of addresses in the pool.
func (c Counts) Total() uint64 { return c.Free + c.InUse + c.External + c.Excluded }

// ownerPage is the number of addresses whose owners one page of a
// segment's owner array holds (16 KiB of uint32 slots).
const ownerPage = 4096

// segment is one range of the pool: bitmaps over its offsets (bit i is
// address first+i) and the owner array beside them.
type segment struct {
	first, last uint64
	taken       []uint64   // In use, External or Excluded (and padding past last): what Allocate skips
	full        []uint64   // bit w set when taken[w] is all ones (and padding)
	inUse       []uint64   // In use
	ext         []uint64   // External, inside an exclusion or not
	owners      [][]uint32 // pages of ownerPage slots: owner slot+1 of an In use address; nil until used
}

// Pool is a set of address ranges with exclusion ranges and VCEM's
// per-address states. Memory is three bits per address (taken, In use,
// External) plus 1/64 of a bit for a summary, and for owners a uint32 per
// address of every 4,096-address page that holds one In use address, plus
// one table entry per owner: a pool of 2^20 addresses costs 390 KiB before
// owners, and lookups, iteration and cloning touch no map.
//
// A Pool is not safe for concurrent use: guard it, or give each goroutine
// its own [Pool.Clone].
type Pool[A Address] struct {
	segs     []segment
	excl     Set[A]
	counts   Counts
	ranges   []Range[A]
	exclList []Range[A]
	owners   ownerTable
}

// ownerTable interns owner names into slots that the segments' owner arrays
// point at. A slot is counted by the addresses it owns and reused once it
// owns none. Consecutive allocations for one owner (a profile's addresses)
// share a slot without any lookup.
type ownerTable struct {
	names []string
	refs  []uint32
	free  []uint32
	last  uint32 // slot+1 of the latest acquire, 0 for none
}

func (t *ownerTable) acquire(name string) uint32 {
	if t.last != 0 && t.refs[t.last-1] > 0 && t.names[t.last-1] == name {
		t.refs[t.last-1]++
		return t.last
	}
	var slot uint32
	if n := len(t.free); n > 0 {
		slot = t.free[n-1]
		t.free = t.free[:n-1]
		t.names[slot], t.refs[slot] = name, 1
	} else {
		slot = uint32(len(t.names))
		if len(t.names) == cap(t.names) {
			// Twice the length: append grows a long slice by a quarter,
			// and a pool decoded with 64,000 owners allocated the table
			// five times over.
			t.names = slices.Grow(t.names, max(len(t.names), 8))
			t.refs = slices.Grow(t.refs, max(len(t.refs), 8))
		}
		t.names = append(t.names, name)
		t.refs = append(t.refs, 1)
	}
	t.last = slot + 1
	return slot + 1
}

func (t *ownerTable) release(id uint32) {
	slot := id - 1
	t.refs[slot]--
	if t.refs[slot] == 0 {
		t.names[slot] = ""
		t.free = append(t.free, slot)
	}
}

func (t *ownerTable) clone() ownerTable {
	return ownerTable{names: slices.Clone(t.names), refs: slices.Clone(t.refs), free: slices.Clone(t.free), last: t.last}
}

// poolErr prefixes a pool error with the package and the address kind.
func poolErr[A Address](format string, args ...any) error {
	return fmt.Errorf("addrpool: %s pool: "+format, append([]any{kindOf[A]()}, args...)...)
}

// NewPool builds a pool with every address Free except those in exclusions.
// Ranges must not overlap; every exclusion must lie inside one range; the
// ranges together hold at most [MaxPoolSize] addresses. Errors name the
// address kind and the range at fault by its index in the argument.
func NewPool[A Address](ranges []Range[A], exclusions []Range[A]) (*Pool[A], error) {
	p := &Pool[A]{}
	order := make([]int, len(ranges))
	for i, r := range ranges {
		if r.Last < r.First {
			return nil, poolErr[A]("ranges[%d] %s: last is below first", i, r)
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpU(uint64(ranges[a].First), uint64(ranges[b].First)) })
	var total uint64
	for k, i := range order {
		r := ranges[i]
		if k > 0 {
			if prev := ranges[order[k-1]]; prev.Overlaps(r) {
				lo, hi := min(order[k-1], i), max(order[k-1], i)
				return nil, poolErr[A]("ranges[%d] %s and ranges[%d] %s overlap", lo, ranges[lo], hi, ranges[hi])
			}
		}
		if r.Count() == 0 || r.Count() > MaxPoolSize || total+r.Count() > MaxPoolSize {
			return nil, poolErr[A]("ranges[%d] %s: the pool would hold more than %d addresses (MaxPoolSize)", i, r, MaxPoolSize)
		}
		total += r.Count()
	}
	p.ranges = make([]Range[A], len(order))
	p.segs = make([]segment, len(order))
	for k, i := range order {
		p.ranges[k] = ranges[i]
		p.segs[k] = newSegment(uint64(ranges[i].First), uint64(ranges[i].Last))
	}
	p.counts.Free = total
	for i, x := range exclusions {
		if x.Last < x.First {
			return nil, poolErr[A]("exclusions[%d] %s: last is below first", i, x)
		}
		if s := p.seg(uint64(x.First)); s == nil || uint64(x.Last) > s.last {
			return nil, poolErr[A]("exclusions[%d] %s lies outside every pool range", i, x)
		}
		p.excl.Add(x)
	}
	for x := range p.excl.Ranges() {
		p.exclList = append(p.exclList, x)
		p.eachPart(uint64(x.First), uint64(x.Last), func(s *segment, lo, hi uint64) {
			eachWord(lo, hi, func(w int, m uint64) { s.taken[w] |= m; s.updateFull(w) })
		})
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
	s := segment{first: first, last: last, taken: make([]uint64, words), full: make([]uint64, (words+63)/64),
		inUse: make([]uint64, words), ext: make([]uint64, words), owners: make([][]uint32, (n+ownerPage-1)/ownerPage)}
	if pad := n % 64; pad != 0 {
		s.taken[words-1] = ^uint64(0) << pad
	}
	if pad := words % 64; pad != 0 {
		s.full[len(s.full)-1] = ^uint64(0) << pad
	}
	return s
}

func (s *segment) updateFull(w int) {
	if s.taken[w] == ^uint64(0) {
		s.full[w/64] |= 1 << (w % 64)
	} else {
		s.full[w/64] &^= 1 << (w % 64)
	}
}

func (s *segment) owner(off uint64) uint32 {
	pg := s.owners[off/ownerPage]
	if pg == nil {
		return 0
	}
	return pg[off%ownerPage]
}

func (s *segment) setOwner(off uint64, id uint32) {
	pg := s.owners[off/ownerPage]
	if pg == nil {
		pg = make([]uint32, ownerPage)
		s.owners[off/ownerPage] = pg
	}
	pg[off%ownerPage] = id
}

// eachWord calls fn for every bitmap word that offsets lo..hi touch, with
// the mask of those offsets in it: range operations work a word at a time.
func eachWord(lo, hi uint64, fn func(w int, mask uint64)) {
	for w := lo / 64; w <= hi/64; w++ {
		m := ^uint64(0)
		if w == lo/64 {
			m &= ^uint64(0) << (lo % 64)
		}
		if w == hi/64 {
			m &= ^uint64(0) >> (63 - hi%64)
		}
		fn(int(w), m)
	}
}

// eachPart calls fn with every segment that raw addresses lo..hi overlap,
// and the offsets of the overlap in it; it returns the number of addresses
// of lo..hi that lie in the pool.
func (p *Pool[A]) eachPart(lo, hi uint64, fn func(s *segment, lo, hi uint64)) uint64 {
	var n uint64
	i := sort.Search(len(p.segs), func(k int) bool { return p.segs[k].last >= lo })
	for ; i < len(p.segs) && p.segs[i].first <= hi; i++ {
		s := &p.segs[i]
		a, b := max(lo, s.first), min(hi, s.last)
		fn(s, a-s.first, b-s.first)
		n += b - a + 1
	}
	return n
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

// state returns the state and owner slot of offset off of s.
func (s *segment) state(off uint64) (State, uint32) {
	w, b := off/64, uint64(1)<<(off%64)
	switch {
	case s.inUse[w]&b != 0:
		return InUse, s.owner(off)
	case s.ext[w]&b != 0:
		return External, 0
	case s.taken[w]&b != 0:
		return Excluded, 0
	}
	return Free, 0
}

// Lookup returns a's state and, when In use, its owner. ok is false when a
// lies outside the pool. It reads the bitmaps and the owner array: no map.
func (p *Pool[A]) Lookup(a A) (state State, owner string, ok bool) {
	v := uint64(a)
	s := p.seg(v)
	if s == nil {
		return 0, "", false
	}
	st, id := s.state(v - s.first)
	if id != 0 {
		owner = p.owners.names[id-1]
	}
	return st, owner, true
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

// take makes offset off of s (Free) In use by owner.
func (p *Pool[A]) take(s *segment, off uint64, owner string) {
	w, b := off/64, uint64(1)<<(off%64)
	s.taken[w] |= b
	s.inUse[w] |= b
	s.updateFull(int(w))
	s.setOwner(off, p.owners.acquire(owner))
	p.counts.Free--
	p.counts.InUse++
}

// Allocate gives the lowest Free address to owner.
func (p *Pool[A]) Allocate(owner string) (A, error) {
	if owner == "" {
		return 0, errors.New("addrpool: allocate: owner must not be empty")
	}
	for i := range p.segs {
		s := &p.segs[i]
		if off, ok := s.firstFree(); ok {
			p.take(s, off, owner)
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
	p.take(s, uint64(a)-s.first, owner)
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
	off := uint64(a) - s.first
	w, b := off/64, uint64(1)<<(off%64)
	switch st {
	case InUse:
		p.owners.release(s.owner(off))
		s.setOwner(off, 0)
		s.inUse[w] &^= b
		p.counts.InUse--
	case External:
		s.ext[w] &^= b
		p.counts.External--
		if p.excl.Contains(a) {
			p.counts.Excluded++
			return nil
		}
	default:
		return p.stateErr(a, "release", st, owner)
	}
	s.taken[w] &^= b
	s.updateFull(int(w))
	p.counts.Free++
	return nil
}

// MarkExternal records that a is used outside VCEM, so it is never
// allocated. Free and Excluded addresses become External (VCEM keeps an
// External address inside an exclusion External); marking an External
// address again is a no-op; an In use address is an error naming its owner.
func (p *Pool[A]) MarkExternal(a A) error {
	st, owner, _, err := p.lookupOrErr(a, "mark external")
	if err != nil {
		return err
	}
	if st == InUse {
		return p.stateErr(a, "mark external", st, owner)
	}
	return p.MarkExternalRange(Range[A]{a, a})
}

// MarkExternalRange is [Pool.MarkExternal] for every address of r at once,
// a bitmap word at a time: marking a range costs its size / 64, not its
// size. It is all or nothing: an address of r outside the pool, or one In
// use, is an error naming the first such address (and its owner), and
// nothing is marked.
func (p *Pool[A]) MarkExternalRange(r Range[A]) error {
	if err := p.markExternalRange(r); err != nil {
		return fmt.Errorf("addrpool: mark external %s: %w", r, err)
	}
	return nil
}

// markExternalRange is MarkExternalRange with errors that only say what is
// wrong, for callers that name the range themselves.
func (p *Pool[A]) markExternalRange(r Range[A]) error {
	lo, hi := uint64(r.First), uint64(r.Last)
	if hi < lo {
		return errors.New("last is below first")
	}
	var inUse *A
	covered := p.eachPart(lo, hi, func(s *segment, a, b uint64) {
		if inUse != nil {
			return
		}
		eachWord(a, b, func(w int, m uint64) {
			if x := s.inUse[w] & m; x != 0 && inUse == nil {
				v := A(s.first + uint64(w)*64 + uint64(bits.TrailingZeros64(x)))
				inUse = &v
			}
		})
	})
	if covered != r.Count() {
		v := lo // the first address outside: at the start, or just past a range
		for s := p.seg(v); s != nil && s.last < hi; s = p.seg(v) {
			v = s.last + 1
		}
		return fmt.Errorf("%s: %w", A(v), ErrNotInPool)
	}
	if inUse != nil {
		_, owner, _ := p.Lookup(*inUse)
		return fmt.Errorf("%s is In use by %q: %w", *inUse, owner, ErrWrongState)
	}
	p.eachPart(lo, hi, func(s *segment, a, b uint64) {
		eachWord(a, b, func(w int, m uint64) {
			newExt := m &^ s.ext[w]
			fromFree := m &^ s.taken[w]
			p.counts.External += uint64(bits.OnesCount64(newExt))
			p.counts.Free -= uint64(bits.OnesCount64(fromFree))
			p.counts.Excluded -= uint64(bits.OnesCount64(newExt &^ fromFree))
			s.ext[w] |= m
			s.taken[w] |= m
			s.updateFull(w)
		})
	})
	return nil
}

// scan yields, in ascending order, every offset whose bit is set in the
// bitmap that pick selects, by scanning words: O(pool size / 64 + set bits)
// and no allocation.
func (p *Pool[A]) scan(pick func(*segment) []uint64, yield func(s *segment, off uint64) bool) {
	for i := range p.segs {
		s := &p.segs[i]
		for w, word := range pick(s) {
			for word != 0 {
				b := uint64(bits.TrailingZeros64(word))
				word &^= 1 << b
				if !yield(s, uint64(w)*64+b) {
					return
				}
			}
		}
	}
}

func inUseBits(s *segment) []uint64 { return s.inUse }
func extBits(s *segment) []uint64   { return s.ext }

// InUse yields the in-use addresses and their owners in ascending order.
func (p *Pool[A]) InUse() iter.Seq2[A, string] {
	return func(yield func(A, string) bool) {
		if p.counts.InUse == 0 {
			return
		}
		p.scan(inUseBits, func(s *segment, off uint64) bool {
			return yield(A(s.first+off), p.owners.names[s.owner(off)-1])
		})
	}
}

// External yields the External addresses in ascending order.
func (p *Pool[A]) External() iter.Seq[A] {
	return func(yield func(A) bool) {
		if p.counts.External == 0 {
			return
		}
		p.scan(extBits, func(s *segment, off uint64) bool { return yield(A(s.first + off)) })
	}
}

// ExternalRanges yields the External addresses as maximal runs of
// consecutive addresses, in ascending order, a bitmap word at a time.
func (p *Pool[A]) ExternalRanges() iter.Seq[Range[A]] {
	return func(yield func(Range[A]) bool) {
		if p.counts.External == 0 {
			return
		}
		var first, last uint64
		open := false
		for i := range p.segs {
			s := &p.segs[i]
			for w, word := range s.ext {
				base := s.first + uint64(w)*64
				for word != 0 {
					b := uint64(bits.TrailingZeros64(word))
					run := uint64(bits.TrailingZeros64(^(word >> b))) // ones from b on
					if b+run > 64 {
						run = 64 - b
					}
					a := base + b
					if open && a == last+1 {
						last = a + run - 1
					} else {
						if open && !yield(Range[A]{A(first), A(last)}) {
							return
						}
						first, last, open = a, a+run-1, true
					}
					if b+run == 64 {
						word = 0
					} else {
						word &^= (uint64(1)<<run - 1) << b
					}
				}
			}
		}
		if open {
			yield(Range[A]{A(first), A(last)})
		}
	}
}

// Equal reports whether p and o have the same ranges, exclusions and every
// address in the same state with the same owner. It compares the bitmaps a
// word at a time and the owners of In use addresses by name.
func (p *Pool[A]) Equal(o *Pool[A]) bool {
	if p == nil || o == nil {
		return p == o
	}
	if p.counts != o.counts || !slices.Equal(p.ranges, o.ranges) || !slices.Equal(p.exclList, o.exclList) {
		return false
	}
	for i := range p.segs {
		a, b := &p.segs[i], &o.segs[i]
		if !slices.Equal(a.inUse, b.inUse) || !slices.Equal(a.ext, b.ext) {
			return false
		}
	}
	for i := range p.segs {
		sa, sb := &p.segs[i], &o.segs[i]
		for w, word := range sa.inUse {
			for word != 0 {
				off := uint64(w)*64 + uint64(bits.TrailingZeros64(word))
				word &= word - 1
				if p.owners.names[sa.owner(off)-1] != o.owners.names[sb.owner(off)-1] {
					return false
				}
			}
		}
	}
	return true
}

// Clone returns an independent copy. It copies bitmaps and owner pages
// (one allocation per kind per range) and the owner table, and touches no
// map.
func (p *Pool[A]) Clone() *Pool[A] {
	c := &Pool[A]{
		segs:     make([]segment, len(p.segs)),
		excl:     *p.excl.Clone(),
		counts:   p.counts,
		ranges:   slices.Clone(p.ranges),
		exclList: slices.Clone(p.exclList),
		owners:   p.owners.clone(),
	}
	for i := range p.segs {
		c.segs[i] = p.segs[i].clone()
	}
	return c
}

func (s *segment) clone() segment {
	n := len(s.taken)
	words := make([]uint64, 3*n+len(s.full))
	c := segment{first: s.first, last: s.last,
		taken: words[:n:n], inUse: words[n : 2*n : 2*n], ext: words[2*n : 3*n : 3*n], full: words[3*n:],
		owners: make([][]uint32, len(s.owners))}
	copy(c.taken, s.taken)
	copy(c.inUse, s.inUse)
	copy(c.ext, s.ext)
	copy(c.full, s.full)
	used := 0
	for _, pg := range s.owners {
		if pg != nil {
			used++
		}
	}
	if used > 0 {
		slots := make([]uint32, used*ownerPage)
		for i, pg := range s.owners {
			if pg != nil {
				c.owners[i] = slots[:ownerPage:ownerPage]
				copy(c.owners[i], pg)
				slots = slots[ownerPage:]
			}
		}
	}
	return c
}

// Assignment is one address held by one owner.
type Assignment[A Address] struct {
	Addr  A      `json:"address"`
	Owner string `json:"owner"`
}

// poolJSON is a pool's JSON form. Ranges are decoded unchecked (rawRange)
// so that NewPool and MarkExternalRange report a bad one by its index.
type poolJSON[A Address] struct {
	Ranges     []rawRange[A]   `json:"ranges"`
	Exclusions []rawRange[A]   `json:"exclusions,omitempty"`
	InUse      []Assignment[A] `json:"inUse,omitempty"`
	External   []rawRange[A]   `json:"external,omitempty"`
}

// MarshalJSON writes ranges, exclusions, in-use assignments and External
// addresses (as maximal ranges); Free and Excluded follow from them. It
// writes the bytes json.Marshal writes for the pool's JSON shape, by
// hand: a VCEM pool holds hundreds of thousands of assignments.
func (p *Pool[A]) MarshalJSON() ([]byte, error) {
	return p.AppendJSON(make([]byte, 0, 64+int(p.counts.InUse)*(len(`{"address":"00:00:00:00:00:00:00:00","owner":""},`)+16)))
}

// AppendJSON appends MarshalJSON's form to b.
func (p *Pool[A]) AppendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"ranges":`...)
	if b, err = appendRanges(b, p.ranges, true); err != nil {
		return b, err
	}
	if len(p.exclList) > 0 {
		b = append(b, `,"exclusions":`...)
		if b, err = appendRanges(b, p.exclList, false); err != nil {
			return b, err
		}
	}
	if p.counts.InUse > 0 {
		b = append(b, `,"inUse":[`...)
		n := 0
		for a, o := range p.InUse() {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, `{"address":"`...)
			if b, err = a.AppendText(b); err != nil {
				return b, err
			}
			b = append(b, `","owner":`...)
			b = jsonappend.String(b, o)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if p.counts.External > 0 {
		ext := slices.Collect(p.ExternalRanges())
		if len(ext) > 0 {
			b = append(b, `,"external":`...)
			if b, err = appendRanges(b, ext, false); err != nil {
				return b, err
			}
		}
	}
	return append(b, '}'), nil
}

// appendRanges appends ranges as JSON objects {"first","last"}; nil as
// null unless empty is set ([] then).
func appendRanges[A Address](b []byte, rs []Range[A], empty bool) ([]byte, error) {
	if rs == nil && !empty {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	var err error
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"first":"`...)
		if b, err = r.First.AppendText(b); err != nil {
			return b, err
		}
		b = append(b, `","last":"`...)
		if b, err = r.Last.AppendText(b); err != nil {
			return b, err
		}
		b = append(b, `"}`...)
	}
	return append(b, ']'), nil
}

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads, so a
// pool nested in a document is checked field by field (unknown, repeated
// and case-folded keys are errors naming their path) without being decoded
// twice.
func (*Pool[A]) JSONShape() any { return (*poolJSON[A])(nil) }

// UnmarshalJSON rebuilds a pool written by MarshalJSON, strictly: an
// unknown field at any depth ("externl"), a key given twice or in another
// case, a missing field or trailing data is an error naming its path, and
// so is every assignment or External range the pool refuses (by index, with
// the address kind). External ranges are marked as ranges, so the work is
// bounded by the input's size and the pool's, never by a range's count. On
// error p is unchanged.
//
// The form MarshalJSON writes takes a fast path (decodePoolFast) that reads
// the assignments straight into the pool; anything else, an error above
// all, is decoded by the strict reflective walk, which says what is wrong.
func (p *Pool[A]) UnmarshalJSON(b []byte) error {
	if np, ok := decodePoolFast[A](b); ok {
		*p = *np
		return nil
	}
	return p.unmarshalWalked(b)
}

// unmarshalWalked is UnmarshalJSON by internal/strictjson's reflective
// walk: every input, with every error message.
func (p *Pool[A]) unmarshalWalked(b []byte) error {
	var j poolJSON[A]
	if err := strictjson.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("addrpool: %s pool: %w", kindOf[A](), err)
	}
	ranges := make([]Range[A], len(j.Ranges))
	for i, r := range j.Ranges {
		ranges[i] = Range[A](r) // NewPool checks each, by index
	}
	excl := make([]Range[A], len(j.Exclusions))
	for i, r := range j.Exclusions {
		excl[i] = Range[A](r)
	}
	np, err := NewPool(ranges, excl)
	if err != nil {
		return err
	}
	for i, as := range j.InUse {
		st, cur, ok := np.Lookup(as.Addr)
		switch {
		case as.Owner == "":
			return poolErr[A]("inUse[%d] %s: owner is empty", i, as.Addr)
		case !ok:
			return poolErr[A]("inUse[%d] %s: %w", i, as.Addr, ErrNotInPool)
		case st == InUse:
			return poolErr[A]("inUse[%d] %s: given to %q, but already In use by %q: %w", i, as.Addr, as.Owner, cur, ErrWrongState)
		case st != Free:
			return poolErr[A]("inUse[%d] %s: given to %q, but the address is %s: %w", i, as.Addr, as.Owner, st, ErrWrongState)
		}
		np.take(np.seg(uint64(as.Addr)), uint64(as.Addr)-np.seg(uint64(as.Addr)).first, as.Owner)
	}
	for i, r := range j.External {
		if err := np.markExternalRange(Range[A](r)); err != nil {
			return poolErr[A]("external[%d] %s: %w", i, Range[A](r), err)
		}
	}
	*p = *np
	return nil
}
