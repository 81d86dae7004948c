package addrpool_test

import (
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
)

func ExampleParseMAC() {
	for _, s := range []string{"00:17:a4:77:00:0c", "0017.a477.000c", "00-17-A4-77-00:0C"} {
		m, err := addrpool.ParseMAC(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(m)
	}
	// Output:
	// 00-17-A4-77-00-0C
	// 00-17-A4-77-00-0C
	// addrpool: parse MAC "00-17-A4-77-00:0C": mixed separators '-' and ':' at position 15
}

func ExampleParseWWN() {
	w, err := addrpool.ParseWWN("0x50060b0000c26200")
	if err != nil {
		panic(err)
	}
	next, _ := w.Next()
	fmt.Println(w, next, w.NAA())
	// Output: 50:06:0B:00:00:C2:62:00 50:06:0B:00:00:C2:62:01 IEEE Registered
}

func ExampleRange() {
	block, _ := addrpool.HPPredefinedWWNBlock(2)
	fmt.Println(block, block.Count())
	w, _ := addrpool.ParseWWN("50:06:0B:00:00:C2:66:10")
	fmt.Println(block.Contains(w))
	// Output:
	// 50:06:0B:00:00:C2:66:00..50:06:0B:00:00:C2:69:FF 1024
	// true
}

func ExampleSet() {
	r := func(a, b uint64) addrpool.Range[addrpool.MAC] {
		return addrpool.MustRange(addrpool.MAC(a), addrpool.MAC(b))
	}
	used := addrpool.NewSet(r(0x10, 0x1F), r(0x30, 0x3F))
	reserved := addrpool.NewSet(r(0x18, 0x33))
	fmt.Println(used.Intersection(reserved))
	fmt.Println(used.Difference(reserved).Count())
	// Output:
	// {00-00-00-00-00-18..00-00-00-00-00-1F, 00-00-00-00-00-30..00-00-00-00-00-33}
	// 20
}

func ExamplePool() {
	pool, err := addrpool.NewPool(
		[]addrpool.Range[addrpool.WWN]{addrpool.VCEMDefinedWWN()},
		[]addrpool.Range[addrpool.WWN]{addrpool.MustRange(addrpool.VCEMDefinedWWN().First, addrpool.VCEMDefinedWWN().First+15)},
	)
	if err != nil {
		panic(err)
	}
	a, _ := pool.Allocate("profile web-01")
	fmt.Println("allocated", a)

	// An address found live on a domain but free here: keep VCEM from
	// handing it out again.
	live, _ := addrpool.ParseWWN("50:01:43:80:02:A3:00:40")
	_ = pool.MarkExternal(live)
	st, _, _ := pool.Lookup(live)
	fmt.Println(live, st)
	fmt.Printf("%+v\n", pool.Counts())
	// Output:
	// allocated 50:01:43:80:02:A3:00:10
	// 50:01:43:80:02:A3:00:40 External
	// {Free:131054 InUse:1 External:1 Excluded:16}
}

func ExampleDiff() {
	mac := func(s string) addrpool.MAC { m, _ := addrpool.ParseMAC(s); return m }
	restored := []addrpool.Assignment[addrpool.MAC]{
		{Addr: mac("00-17-A4-77-00-00"), Owner: "LS1"},
		{Addr: mac("00-17-A4-77-00-02"), Owner: "LS2"},
	}
	live := []addrpool.Assignment[addrpool.MAC]{
		{Addr: mac("00-17-A4-77-00-00"), Owner: "LS1"},
		{Addr: mac("00-17-A4-77-00-02"), Owner: "LS7"},
		{Addr: mac("00-17-A4-77-00-04"), Owner: "LS8"},
	}
	deltas, err := addrpool.Diff(restored, live)
	if err != nil {
		panic(err)
	}
	for _, d := range deltas {
		fmt.Printf("%s %-15s restored=%q live=%q\n", d.Addr, d.Kind, d.Restored, d.Live)
	}
	// Output:
	// 00-17-A4-77-00-00 same owner      restored="LS1" live="LS1"
	// 00-17-A4-77-00-02 different owner restored="LS2" live="LS7"
	// 00-17-A4-77-00-04 only live       restored="" live="LS8"
}
