package vcem

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
)

// TestSortLocatedMatchesComparisonSort checks the radix sort against a
// plain stable comparison sort on inputs in profile order, as run builds
// them: mixed families, duplicates, values differing in any byte.
func TestSortLocatedMatchesComparisonSort(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		value func(r *rand.Rand) uint64
	}{
		{"empty", 0, func(r *rand.Rand) uint64 { return r.Uint64() }},
		{"one", 1, func(r *rand.Rand) uint64 { return r.Uint64() }},
		{"one value everywhere", 50, func(*rand.Rand) uint64 { return 0x00215A000001 }},
		{"low bytes only, many duplicates", 2000, func(r *rand.Rand) uint64 { return 0x5001438002000000 + r.Uint64N(300) }},
		{"any byte", 5000, func(r *rand.Rand) uint64 { return r.Uint64() }},
		{"top byte only", 500, func(r *rand.Rand) uint64 { return r.Uint64N(4) << 56 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(tt.n)))
			in := make([]located, tt.n)
			for i := range in {
				in[i] = located{v: tt.value(r), pi: int32(i / 3), wwn: r.IntN(2) == 0, pool: r.IntN(2) == 0}
			}
			want := slices.Clone(in)
			slices.SortStableFunc(want, func(a, b located) int {
				if a.wwn != b.wwn {
					if b.wwn {
						return -1
					}
					return 1
				}
				return cmp.Compare(a.v, b.v) // stable: profile order kept within one value
			})
			got := slices.Clone(in)
			macs := sortLocated(got)
			assert.Equal(t, countMACs(in), macs)
			assert.Equal(t, want, got)
		})
	}
}

// naivePoolIssues is the pool check written the obvious way — every
// VCEM-pool slot looked up, every In use entry searched for among the
// profiles — as a reference for the merge in checkPool.
func naivePoolIssues(s *Snapshot) []string {
	var v validator
	pids := slices.Sorted(maps.Keys(s.Profiles))
	for _, pid := range pids {
		p := s.Profiles[pid]
		p.eachAddr(func(a profileAddr) {
			if !a.typ.Valid() || !heldInPool(a) {
				return
			}
			if st, owner, ok := s.lookup(a.fam, a.v); ok && st == addrpool.InUse && owner == pid {
				return
			}
			v.checkPoolAddr(s, pid, a)
		})
	}
	owners := func(fam Family, val uint64, owner string) {
		p, ok := s.Profiles[owner]
		held := false
		p.eachAddr(func(a profileAddr) {
			held = held || (a.fam == fam && a.v == val && a.typ.Valid() && heldInPool(a))
		})
		ref := refOf(fam, val)
		switch {
		case !ok:
			v.add(IssuePoolOwner, []string{owner}, string(fam), &ref, "the %s pool gives the address to profile %q, which the snapshot does not hold", fam, owner)
		case !held:
			v.add(IssuePoolOwner, []string{owner}, string(fam), &ref, "the %s pool gives the address to profile %q, which does not hold it as a VCEM-pool address", fam, owner)
		}
	}
	for a, o := range s.MACs.InUse() {
		owners(FamilyMAC, uint64(a), o)
	}
	for a, o := range s.WWNs.InUse() {
		owners(FamilyWWN, uint64(a), o)
	}
	return issueStrings(v.issues)
}

func issueStrings(issues []*ValidationIssue) []string {
	var out []string
	for _, is := range issues {
		switch is.Code {
		case IssueOutsideRanges, IssuePoolState, IssuePoolOwner:
			out = append(out, is.Error())
		}
	}
	return out
}

// TestCheckPoolMatchesNaiveCheck compares Validate's pool issues with the
// naive reference on random small estates where profiles and pools
// disagree in every way: addresses Free, External, outside the ranges, In
// use by another or an unknown profile, held twice, held as user-defined.
func TestCheckPoolMatchesNaiveCheck(t *testing.T) {
	const macBase, wwnBase = 0x00215A9B0000, 0x5001438002A30000
	types := []AddressType{AddressVCEMPool, AddressVCEMPool, AddressVCEMPool, AddressUserDefined, AddressFactoryDefault}
	for seed := range uint64(40) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			s, err := NewSnapshot(
				[]addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](macBase, macBase+63)}, []addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](macBase+60, macBase+63)},
				[]addrpool.Range[addrpool.WWN]{addrpool.MustRange[addrpool.WWN](wwnBase, wwnBase+63)}, nil)
			require.NoError(t, err)
			s.Domains["d"] = Domain{ID: "d"}
			mac := func() addrpool.MAC { return addrpool.MAC(macBase + r.Uint64N(70)) } // some outside the range
			wwn := func() addrpool.WWN { return addrpool.WWN(wwnBase + r.Uint64N(70)) }
			for i := range 12 {
				id := fmt.Sprintf("p%02d", i)
				p := Profile{ID: id, Name: id, DomainID: "d"}
				for range r.IntN(3) {
					p.Ethernet = append(p.Ethernet, EthernetConnection{MAC: mac(), AddressType: types[r.IntN(len(types))]})
				}
				for range r.IntN(2) {
					p.FCoE = append(p.FCoE, FCoEConnection{MAC: mac(), PortWWN: wwn(), NodeWWN: wwn(), AddressType: types[r.IntN(len(types))]})
				}
				for range r.IntN(2) {
					p.FC = append(p.FC, FCConnection{PortWWN: wwn(), NodeWWN: wwn(), AddressType: types[r.IntN(len(types))]})
				}
				s.Profiles[id] = p
				// the pool mostly agrees with the profile, sometimes not
				p.eachAddr(func(a profileAddr) {
					owner := id
					switch r.IntN(6) {
					case 0:
						return // left Free
					case 1:
						owner = fmt.Sprintf("p%02d", r.IntN(14)) // another, maybe unknown, profile
					}
					if a.fam == FamilyMAC {
						_ = s.MACs.AllocateAddr(addrpool.MAC(a.v), owner) // fails when taken or outside: fine
					} else {
						_ = s.WWNs.AllocateAddr(addrpool.WWN(a.v), owner)
					}
				})
			}
			for range 5 {
				_ = s.MACs.MarkExternal(mac())
				_ = s.WWNs.AllocateAddr(wwn(), "ghost")
			}
			want := naivePoolIssues(s)
			got := issueStrings(s.Issues())
			assert.ElementsMatch(t, want, got)
			if seed == 0 {
				require.NotEmpty(t, want, "the generator must produce disagreements")
			}
		})
	}
}

func countMACs(all []located) int {
	n := 0
	for _, l := range all {
		if !l.wwn {
			n++
		}
	}
	return n
}

// validSmall is a small valid snapshot: one group, one domain, two
// profiles with VCEM-pool addresses allocated from the pools.
func validSmall(t *testing.T) *Snapshot {
	t.Helper()
	const macBase, wwnBase = 0x00215A9B0000, 0x5001438002A30000
	s, err := NewSnapshot([]addrpool.Range[addrpool.MAC]{addrpool.MustRange[addrpool.MAC](macBase, macBase+63)}, nil,
		[]addrpool.Range[addrpool.WWN]{addrpool.MustRange[addrpool.WWN](wwnBase, wwnBase+63)}, nil)
	require.NoError(t, err)
	s.Groups["g"] = DomainGroup{ID: "g"}
	s.Domains["d"] = Domain{ID: "d", GroupID: "g"}
	for i, id := range []string{"p0", "p1"} {
		m, w := addrpool.MAC(macBase+i), addrpool.WWN(wwnBase+2*i)
		require.NoError(t, s.MACs.AllocateAddr(m, id))
		require.NoError(t, s.WWNs.AllocateAddr(w, id))
		require.NoError(t, s.WWNs.AllocateAddr(w+1, id))
		s.Profiles[id] = Profile{ID: id, Name: id, DomainID: "d",
			Ethernet: []EthernetConnection{{Port: 1, MAC: m, AddressType: AddressVCEMPool}},
			FC:       []FCConnection{{Port: 1, PortWWN: w, NodeWWN: w + 1, AddressType: AddressVCEMPool}}}
	}
	require.Empty(t, s.Issues())
	return s
}

// The detecting first pass of Issues finds every kind of issue the full
// pass reports, one kind at a time (a miss would make Validate pass an
// invalid snapshot).
func TestDetectPassFindsWhatTheFullPassFinds(t *testing.T) {
	edit := func(id string, fn func(p *Profile)) func(s *Snapshot) {
		return func(s *Snapshot) {
			p := s.Profiles[id]
			p.Ethernet, p.FC = slices.Clone(p.Ethernet), slices.Clone(p.FC)
			fn(&p)
			s.Profiles[id] = p
		}
	}
	tests := []struct {
		code IssueCode
		edit func(s *Snapshot)
	}{
		{IssueMissingPool, func(s *Snapshot) { s.WWNs = nil }},
		{IssueEmptyID, func(s *Snapshot) { s.Groups[""] = DomainGroup{} }},
		{IssueIDMismatch, func(s *Snapshot) { s.Domains["d"] = Domain{ID: "x", GroupID: "g"} }},
		{IssueUnknownGroup, func(s *Snapshot) { s.Domains["d"] = Domain{ID: "d", GroupID: "nope"} }},
		{IssueUnknownDomain, edit("p1", func(p *Profile) { p.DomainID = "nope" })},
		{IssueEmptyName, edit("p1", func(p *Profile) { p.Name = "" })},
		{IssueDuplicateProfileName, edit("p1", func(p *Profile) { p.Name = "p0" })},
		{IssueAddressType, edit("p1", func(p *Profile) { p.Ethernet = append(p.Ethernet, EthernetConnection{MAC: 1, AddressType: "odd"}) })},
		{IssueBadPort, edit("p1", func(p *Profile) { p.FC[0].Port = -3 })},
		{IssueNodeWWN, edit("p1", func(p *Profile) { p.FC[0].NodeWWN++ })},
		{IssueAddressHeldTwice, edit("p1", func(p *Profile) {
			p.Ethernet = append(p.Ethernet, EthernetConnection{MAC: 7, AddressType: AddressUserDefined}, EthernetConnection{MAC: 7, AddressType: AddressUserDefined})
		})},
		{IssueOutsideRanges, edit("p1", func(p *Profile) {
			p.Ethernet = append(p.Ethernet, EthernetConnection{MAC: 9, AddressType: AddressVCEMPool})
		})},
		{IssuePoolState, func(s *Snapshot) { require.NoError(t, s.MACs.Release(s.Profiles["p1"].Ethernet[0].MAC)) }},
		{IssuePoolOwner, func(s *Snapshot) { require.NoError(t, s.MACs.AllocateAddr(0x00215A9B0030, "p0")) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			s := validSmall(t)
			tt.edit(s)
			fast := validator{detect: true}
			fast.run(s)
			assert.True(t, fast.found, "the detecting pass missed it")
			assert.Empty(t, fast.issues, "the detecting pass builds no issue")
			var codes []IssueCode
			for _, is := range s.Issues() {
				codes = append(codes, is.Code)
			}
			assert.Contains(t, codes, tt.code)
		})
	}
}
