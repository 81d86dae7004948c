package addrpool

import "github.com/mxsync-go/mxsync/internal/strictjson"

// decodePoolFast decodes the form MarshalJSON writes, without reflection:
// a VCEM pool holds hundreds of thousands of assignments, and the
// reflective walk over them was most of a snapshot's decoding. It reads
// the keys in MarshalJSON's order ("ranges", then "exclusions", "inUse"
// and "external", each optional and each at most once), builds the pool
// from the ranges and exclusions, and then marks each assignment and
// External range as it reads it, with no list in between.
//
// It accepts only what the reflective walk accepts, with the same pool.
// At the first thing out of the ordinary — another key or key order, a
// repeated or missing key, a string with an escape, a bad address, an
// assignment or range the pool refuses, bad syntax — it reports false,
// and UnmarshalJSON decodes the same bytes by the walk, which says what
// is wrong and where.
func decodePoolFast[A Address](b []byte) (*Pool[A], bool) {
	c := strictjson.NewCursor(b)
	if !c.Open('{') {
		return nil, false
	}
	// stage is the last key read, in MarshalJSON's order: 0 none,
	// 1 ranges, 2 exclusions, 3 inUse, 4 external.
	stage := 0
	var ranges, excl []Range[A]
	var np *Pool[A]
	build := func() bool {
		if np == nil {
			var err error
			np, err = NewPool(ranges, excl)
			return err == nil
		}
		return true
	}
	for i := 0; c.Next('}', i); i++ {
		key, ok := c.Key()
		if !ok {
			return nil, false
		}
		switch string(key) {
		case "ranges":
			if stage != 0 {
				return nil, false
			}
			stage = 1
			ranges, ok = fastRanges[A](&c, nil)
		case "exclusions":
			if stage != 1 {
				return nil, false
			}
			stage = 2
			excl, ok = fastRanges[A](&c, nil)
		case "inUse":
			if stage != 1 && stage != 2 {
				return nil, false
			}
			stage = 3
			ok = build() && fastInUse(&c, np)
		case "external":
			if stage < 1 || stage > 3 {
				return nil, false
			}
			stage = 4
			ok = build() && fastExternal(&c, np)
		default:
			return nil, false
		}
		if !ok {
			return nil, false
		}
	}
	if c.Failed() || !c.End() || stage == 0 || !build() {
		return nil, false
	}
	return np, true
}

// fastRanges reads an array of {"first","last"} objects (or null), appending
// them to rs unchecked (NewPool checks them).
func fastRanges[A Address](c *strictjson.Cursor, rs []Range[A]) ([]Range[A], bool) {
	if c.Null() {
		return rs, true
	}
	if !c.Open('[') {
		return nil, false
	}
	for i := 0; c.Next(']', i); i++ {
		r, ok := fastRange[A](c)
		if !ok {
			return nil, false
		}
		rs = append(rs, r)
	}
	return rs, !c.Failed()
}

// fastRange reads one {"first","last"} object: both keys, once each.
func fastRange[A Address](c *strictjson.Cursor) (Range[A], bool) {
	var r Range[A]
	if !c.Open('{') {
		return r, false
	}
	var seen uint8
	for i := 0; c.Next('}', i); i++ {
		key, ok := c.Key()
		if !ok {
			return r, false
		}
		var bit uint8
		var dst *A
		switch string(key) {
		case "first":
			bit, dst = 1, &r.First
		case "last":
			bit, dst = 2, &r.Last
		default:
			return r, false
		}
		if seen&bit != 0 {
			return r, false
		}
		seen |= bit
		if *dst, ok = fastAddr[A](c); !ok {
			return r, false
		}
	}
	return r, !c.Failed() && seen == 3
}

// fastAddr reads an address as UnmarshalText parses it.
func fastAddr[A Address](c *strictjson.Cursor) (A, bool) {
	s, ok := c.Str()
	if !ok {
		return 0, false
	}
	var zero A
	if _, isMAC := any(zero).(MAC); isMAC {
		v, err := parseMAC(s)
		return A(v), err == nil
	}
	v, err := parseWWN(s)
	return A(v), err == nil
}

// fastInUse reads the assignments (or null) into np: each a Free address
// of the pool given to a non-empty owner, as UnmarshalJSON requires.
// Consecutive assignments of one owner (a profile's addresses) share one
// string.
func fastInUse[A Address](c *strictjson.Cursor, np *Pool[A]) bool {
	if c.Null() {
		return true
	}
	if !c.Open('[') {
		return false
	}
	var last string
	for i := 0; c.Next(']', i); i++ {
		if !c.Open('{') {
			return false
		}
		var addr A
		var owner []byte
		var seen uint8
		for j := 0; c.Next('}', j); j++ {
			key, ok := c.Key()
			if !ok {
				return false
			}
			switch string(key) {
			case "address":
				if seen&1 != 0 {
					return false
				}
				seen |= 1
				addr, ok = fastAddr[A](c)
			case "owner":
				if seen&2 != 0 {
					return false
				}
				seen |= 2
				owner, ok = c.Str()
			default:
				return false
			}
			if !ok {
				return false
			}
		}
		if c.Failed() || seen != 3 || len(owner) == 0 {
			return false
		}
		v := uint64(addr)
		s := np.seg(v)
		if s == nil {
			return false
		}
		if st, _ := s.state(v - s.first); st != Free {
			return false
		}
		if string(owner) != last {
			last = string(owner)
		}
		np.take(s, v-s.first, last)
	}
	return !c.Failed()
}

// fastExternal reads the External ranges (or null) and marks each in np.
func fastExternal[A Address](c *strictjson.Cursor, np *Pool[A]) bool {
	if c.Null() {
		return true
	}
	if !c.Open('[') {
		return false
	}
	for i := 0; c.Next(']', i); i++ {
		r, ok := fastRange[A](c)
		if !ok || np.markExternalRange(r) != nil {
			return false
		}
	}
	return !c.Failed()
}
