package vcem_test

import (
	"strings"
	"testing"

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
