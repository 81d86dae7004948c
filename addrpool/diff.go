package addrpool

import (
	"fmt"
	"math/bits"
)

// DeltaKind classifies one address of a [Diff].
type DeltaKind uint8

// The four outcomes of comparing a restored and a live assignment.
const (
	OnlyLive       DeltaKind = iota + 1 // held live, unknown to the restored side
	OnlyRestored                        // held in the restored side, not live
	SameOwner                           // both sides agree
	DifferentOwner                      // both hold it, for different owners
)

// String names the outcome, e.g. "only live".
func (k DeltaKind) String() string {
	switch k {
	case OnlyLive:
		return "only live"
	case OnlyRestored:
		return "only restored"
	case SameOwner:
		return "same owner"
	case DifferentOwner:
		return "different owner"
	}
	return fmt.Sprintf("DeltaKind(%d)", k)
}

// Delta is the comparison of one address.
type Delta[A Address] struct {
	Addr     A
	Kind     DeltaKind
	Restored string // owner on the restored side, "" for OnlyLive
	Live     string // owner on the live side, "" for OnlyRestored
}

// DuplicateError reports an address assigned twice on one side of a [Diff].
// On the live side this is a real conflict (the same address on two
// profiles) that callers should report before diffing.
type DuplicateError struct {
	Side   string // "restored" or "live"
	Addr   string
	Owners [2]string
}

// Error implements error.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("addrpool: diff: %s address %s is assigned twice (owners %q and %q)", e.Side, e.Addr, e.Owners[0], e.Owners[1])
}

// Diff compares a restored and a live address→owner assignment and returns
// one [Delta] per address present on either side, in ascending address
// order. The inputs are not modified. An address listed twice on one side is
// a [*DuplicateError].
//
// The inputs are sorted with a radix sort on copies, so the cost is linear
// in their size.
func Diff[A Address](restored, live []Assignment[A]) ([]Delta[A], error) {
	r := radixSorted(restored)
	l := radixSorted(live)
	if err := checkDup(r, "restored"); err != nil {
		return nil, err
	}
	if err := checkDup(l, "live"); err != nil {
		return nil, err
	}
	out := make([]Delta[A], 0, len(r)+len(l))
	i, j := 0, 0
	for i < len(r) || j < len(l) {
		switch {
		case j >= len(l) || (i < len(r) && r[i].Addr < l[j].Addr):
			out = append(out, Delta[A]{r[i].Addr, OnlyRestored, r[i].Owner, ""})
			i++
		case i >= len(r) || l[j].Addr < r[i].Addr:
			out = append(out, Delta[A]{l[j].Addr, OnlyLive, "", l[j].Owner})
			j++
		default:
			k := SameOwner
			if r[i].Owner != l[j].Owner {
				k = DifferentOwner
			}
			out = append(out, Delta[A]{r[i].Addr, k, r[i].Owner, l[j].Owner})
			i++
			j++
		}
	}
	return out, nil
}

func checkDup[A Address](s []Assignment[A], side string) error {
	for i := 1; i < len(s); i++ {
		if s[i].Addr == s[i-1].Addr {
			return &DuplicateError{Side: side, Addr: s[i].Addr.String(), Owners: [2]string{s[i-1].Owner, s[i].Owner}}
		}
	}
	return nil
}

// radixSorted returns a copy of in sorted by address: an LSD radix sort on
// 11-bit digits that covers only the bits in which the addresses differ (a
// pool's addresses share a long vendor prefix), so it is linear in len(in).
func radixSorted[A Address](in []Assignment[A]) []Assignment[A] {
	const digit = 11
	a := make([]Assignment[A], len(in))
	copy(a, in)
	if len(a) < 2 {
		return a
	}
	var and, or uint64 = ^uint64(0), 0
	for _, x := range a {
		and &= uint64(x.Addr)
		or |= uint64(x.Addr)
	}
	varying := and ^ or
	if varying == 0 {
		return a
	}
	lo := uint(bits.TrailingZeros64(varying))
	hi := uint(64 - bits.LeadingZeros64(varying))
	b := make([]Assignment[A], len(a))
	var count [1 << digit]int
	for shift := lo; shift < hi; shift += digit {
		clear(count[:])
		for _, x := range a {
			count[(uint64(x.Addr)>>shift)&(1<<digit-1)]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, x := range a {
			d := (uint64(x.Addr) >> shift) & (1<<digit - 1)
			b[count[d]] = x
			count[d]++
		}
		a, b = b, a
	}
	return a
}
