package vcem_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiffAgreesWithEqual: Diff is empty exactly when Equal holds, also for
// the nil-versus-empty slices a JSON round trip produces (omitempty).
func TestDiffAgreesWithEqual(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *vcem.Snapshot)
		equal bool
	}{
		{"nothing", func(*vcem.Snapshot) {}, true},
		{"empty FC slice instead of nil", func(s *vcem.Snapshot) {
			p := s.Profiles["d3:x"]
			require.Nil(t, p.FC)
			p.FC = []vcem.FCConnection{}
			s.Profiles["d3:x"] = p
		}, true},
		{"empty modules instead of nil", func(s *vcem.Snapshot) {
			d := s.Domains["d3"]
			d.Modules, d.Enclosures = []vcem.Module{}, []string{}
			s.Domains["d3"] = d
		}, false}, // d3 has modules and enclosures: emptying them is a change
		{"bay changed", func(s *vcem.Snapshot) {
			require.NoError(t, vcem.Apply(s, vcem.SetProfileBay{ProfileID: "d3:x", Bay: "enc3:9"}))
		}, false},
		{"group renamed", func(s *vcem.Snapshot) {
			g := s.Groups["g1"]
			g.Name = "other"
			s.Groups["g1"] = g
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseSnapshot(t)
			b := a.Clone()
			tt.edit(b)
			assert.Equal(t, tt.equal, a.Equal(b))
			assert.Equal(t, tt.equal, len(vcem.Diff(a, b)) == 0, "diff: %+v", vcem.Diff(a, b))
		})
	}
}

func TestDiff(t *testing.T) {
	a := baseSnapshot(t)
	b := a.Clone()
	web := a.Profiles["d1:web"]
	require.NoError(t, vcem.Apply(b, vcem.DeleteProfile{ProfileID: "d1:web"}))
	require.NoError(t, vcem.Apply(b, vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC}))
	require.NoError(t, vcem.Apply(b, vcem.SetProfileBay{ProfileID: "d1:db", Bay: "enc1:7"}))
	d2 := b.Domains["d2"]
	d2.Name = "renamed"
	b.Domains["d2"] = d2
	b.Groups["g3"] = vcem.DomainGroup{ID: "g3"}

	d := vcem.Diff(a, b)
	mac0, mac1 := web.Ethernet[0].MAC.String(), web.Ethernet[1].MAC.String()
	want := []vcem.Difference{
		{Record: "group", ID: "g3", Op: vcem.DiffAdded},
		{Record: "domain", ID: "d2", Op: vcem.DiffChanged, Detail: `name "Rack2" -> "renamed"`},
		{Record: "profile", ID: "d1:db", Op: vcem.DiffChanged, Detail: `bay "enc1:2" -> "enc1:7"`},
		{Record: "profile", ID: "d1:web", Op: vcem.DiffRemoved},
		{Record: "mac", ID: mac0, Op: vcem.DiffChanged, Detail: `In use by "d1:web" -> External`},
		{Record: "mac", ID: mac1, Op: vcem.DiffChanged, Detail: `In use by "d1:web" -> Free`},
	}
	require.Len(t, d, len(want)+4, "and the 4 WWNs of web: %v", d)
	assert.Equal(t, want, d[:len(want)])
	for _, x := range d[len(want):] {
		assert.Equal(t, vcem.Difference{Record: "wwn", ID: x.ID, Op: vcem.DiffChanged, Detail: `In use by "d1:web" -> Free`}, x)
	}
	assert.Equal(t, `profile "d1:db" changed: bay "enc1:2" -> "enc1:7"`, d[2].String())
	assert.Equal(t, `group "g3" added`, d[0].String())
	assert.Empty(t, vcem.Diff(a, a.Clone()))

	// Against nothing: every record is added, the pools included.
	added := vcem.Diff(nil, a)
	var records []string
	for _, x := range added {
		assert.Equal(t, vcem.DiffAdded, x.Op, "%v", x)
		if len(records) == 0 || records[len(records)-1] != x.Record {
			records = append(records, x.Record)
		}
	}
	assert.Equal(t, []string{"group", "domain", "profile", "pool", "mac", "wwn"}, records, "sorted by record type")
	assert.Empty(t, vcem.Diff(nil, nil))
	assert.Empty(t, vcem.Diff(nil, &vcem.Snapshot{}))
}

// A Difference's Detail is bounded, however long the values.
func TestDiffDetailIsBounded(t *testing.T) {
	a := baseSnapshot(t)
	b := a.Clone()
	d := b.Domains["d1"]
	d.Name = strings.Repeat("x", 1<<20)
	b.Domains["d1"] = d
	diff := vcem.Diff(a, b)
	require.Len(t, diff, 1)
	assert.LessOrEqual(t, len(diff[0].Detail), 250)
}

// randomSnapshot returns nil, an empty snapshot, or the base estate with a
// few random edits drawn from rng — small edits, so that two draws are
// often equal and the agreement below is tested both ways.
func randomSnapshot(t *testing.T, rng *rand.Rand) *vcem.Snapshot {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return &vcem.Snapshot{}
	case 2:
		return &vcem.Snapshot{Groups: map[string]vcem.DomainGroup{}, Profiles: map[string]vcem.Profile{}}
	}
	s := baseSnapshot(t)
	ids := slices.Sorted(maps.Keys(s.Profiles))
	for range rng.IntN(3) {
		id := ids[rng.IntN(len(ids))]
		switch rng.IntN(6) {
		case 0:
			_ = vcem.Apply(s, vcem.DeleteProfile{ProfileID: id})
		case 1:
			_ = vcem.Apply(s, vcem.SetProfileBay{ProfileID: id, Bay: fmt.Sprintf("enc:%d", rng.IntN(2))})
		case 2:
			_ = vcem.Apply(s, vcem.MarkExternalMAC{MAC: testMACFirst + addrpool.MAC(rng.IntN(16))})
		case 3:
			_ = vcem.Apply(s, vcem.MarkExternalWWN{WWN: testWWNFirst + addrpool.WWN(rng.IntN(16))})
		case 4:
			g := s.Groups["g2"]
			g.Name = fmt.Sprintf("name%d", rng.IntN(2))
			s.Groups["g2"] = g
		case 5:
			if p, ok := s.Profiles[id]; ok {
				p.FC = []vcem.FCConnection{} // empty instead of nil: no change
				if len(p.Ethernet) > 0 && rng.IntN(2) == 0 {
					p.Ethernet = slices.Clone(p.Ethernet)
					p.Ethernet[0].Network = "net1"
				}
				s.Profiles[id] = p
			}
		}
	}
	return s
}

// Equal, Fingerprint and Diff agree on random snapshots, nil and empty ones
// included: equal exactly when the fingerprints are and the Diff is empty.
func TestEqualFingerprintAndDiffAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	equal := 0
	const pairs = 300
	for i := range pairs {
		a, b := randomSnapshot(t, rng), randomSnapshot(t, rng)
		eq := a.Equal(b)
		require.Equal(t, eq, b.Equal(a), "pair %d: Equal is symmetric", i)
		require.Equal(t, eq, fingerprint(t, a) == fingerprint(t, b), "pair %d: Equal and Fingerprint agree", i)
		d := vcem.Diff(a, b)
		require.Equal(t, eq, len(d) == 0, "pair %d: Equal and Diff agree: %v", i, d)
		require.Equal(t, len(d), len(vcem.Diff(b, a)), "pair %d", i)
		if eq {
			equal++
		}
	}
	assert.Greater(t, equal, pairs/20, "the generator gives equal pairs too")
	assert.Less(t, equal, pairs*19/20, "and unequal ones")
}
