package vcem_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

func issueCodes(s *vcem.Snapshot) map[vcem.IssueCode][]string {
	out := map[vcem.IssueCode][]string{}
	for _, is := range s.Issues() {
		out[is.Code] = append(out[is.Code], is.IDs...)
	}
	return out
}

func TestValidateReportsEveryIssueWithIDs(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(s *vcem.Snapshot)
		want   map[vcem.IssueCode][]string
	}{
		{"valid", func(*vcem.Snapshot) {}, map[vcem.IssueCode][]string{}},
		{"missing pools", func(s *vcem.Snapshot) {
			s.MACs, s.WWNs = nil, nil
		}, map[vcem.IssueCode][]string{vcem.IssueMissingPool: nil}},
		{"profile in unknown domain", func(s *vcem.Snapshot) {
			p := s.Profiles["d3:x"]
			p.DomainID = "d9"
			s.Profiles["d3:x"] = p
		}, map[vcem.IssueCode][]string{vcem.IssueUnknownDomain: {"d3:x", "d9"}}},
		{"domain in unknown group", func(s *vcem.Snapshot) {
			d := s.Domains["d2"]
			d.GroupID = "g9"
			s.Domains["d2"] = d
		}, map[vcem.IssueCode][]string{vcem.IssueUnknownGroup: {"d2", "g9"}}},
		{"ID stored under another key (duplicate ID)", func(s *vcem.Snapshot) {
			s.Profiles["copy"] = s.Profiles["d1:db"]
		}, map[vcem.IssueCode][]string{
			vcem.IssueIDMismatch:           {"copy", "d1:db"},
			vcem.IssueDuplicateProfileName: {"copy", "d1:db"},
			vcem.IssueAddressHeldTwice:     {"copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db"},
			vcem.IssuePoolState:            {"copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db", "copy", "d1:db"},
		}},
		{"one address held by two profiles", func(s *vcem.Snapshot) {
			p := s.Profiles["d3:x"]
			p.Ethernet = append([]vcem.EthernetConnection(nil), p.Ethernet...)
			p.Ethernet[1].MAC = s.Profiles["d2:app"].Ethernet[0].MAC
			s.Profiles["d3:x"] = p
		}, map[vcem.IssueCode][]string{
			vcem.IssueAddressHeldTwice: {"d2:app", "d3:x"},
			vcem.IssuePoolState:        {"d3:x", "d2:app"},
			vcem.IssuePoolOwner:        {"d3:x"}, // its old address is still In use by it in the pool
		}},
		{"address outside every range", func(s *vcem.Snapshot) {
			p := s.Profiles["d3:x"]
			p.Ethernet = []vcem.EthernetConnection{{Port: 1, MAC: 0x00215A9BFFFF, AddressType: vcem.AddressVCEMPool}}
			s.Profiles["d3:x"] = p
			// its two old MACs stay In use by it in the pool
		}, map[vcem.IssueCode][]string{vcem.IssueOutsideRanges: {"d3:x"}, vcem.IssuePoolOwner: {"d3:x", "d3:x"}}},
		{"node WWN is not port + 1", func(s *vcem.Snapshot) {
			p := s.Profiles["d1:web"]
			p.FC = append([]vcem.FCConnection(nil), p.FC...)
			p.FC[1].NodeWWN = p.FC[1].PortWWN
			s.Profiles["d1:web"] = p
		}, map[vcem.IssueCode][]string{
			vcem.IssueNodeWWN:          {"d1:web"},
			vcem.IssueAddressHeldTwice: {"d1:web"},
			vcem.IssuePoolOwner:        {"d1:web"},
		}},
		{"pool address owned by an unknown profile", func(s *vcem.Snapshot) {
			require.NoError(t, s.MACs.AllocateAddr(addrpool.MAC(0x00215A9B0200), "ghost"))
		}, map[vcem.IssueCode][]string{vcem.IssuePoolOwner: {"ghost"}}},
		{"VCEM-pool address Free in the pool", func(s *vcem.Snapshot) {
			require.NoError(t, s.MACs.Release(s.Profiles["d3:x"].Ethernet[0].MAC))
		}, map[vcem.IssueCode][]string{vcem.IssuePoolState: {"d3:x"}}},
		{"unknown address type and empty name", func(s *vcem.Snapshot) {
			s.Profiles["p"] = vcem.Profile{ID: "p", DomainID: "d1", Ethernet: []vcem.EthernetConnection{{MAC: 0x001CC4000001, AddressType: "bogus"}}}
		}, map[vcem.IssueCode][]string{vcem.IssueEmptyName: {"p"}, vcem.IssueAddressType: {"p"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := baseSnapshot(t)
			tt.break_(s)
			got := issueCodes(s)
			assert.Equal(t, len(tt.want), len(got), "codes: %v", got)
			for code, ids := range tt.want {
				if ids == nil {
					assert.Contains(t, got, code)
					continue
				}
				assert.ElementsMatch(t, ids, got[code], "IDs of %s", code)
			}
			err := s.Validate()
			if len(tt.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
			var is *vcem.ValidationIssue
			require.ErrorAs(t, err, &is)
			for _, ids := range tt.want {
				for _, id := range ids {
					assert.Contains(t, err.Error(), id)
				}
			}
		})
	}
}

func TestSnapshotJSONRoundTrip(t *testing.T) {
	s := baseSnapshot(t)
	require.NoError(t, vcem.Apply(s, vcem.MarkExternalMAC{MAC: 0x00215A9B0100}))
	require.NoError(t, vcem.Apply(s, vcem.MarkExternalWWN{WWN: 0x5001438002A30100}))
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back vcem.Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	require.NoError(t, back.Validate())
	assert.True(t, s.Equal(&back))
	assert.True(t, vcem.Diff(s, &back).Empty())
	f1, err := s.Fingerprint()
	require.NoError(t, err)
	f2, err := back.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, f1, f2)
	assert.Len(t, f1, 64)
	st, _, ok := back.MACs.Lookup(0x00215A9B0100)
	require.True(t, ok)
	assert.Equal(t, addrpool.External, st)
}

func TestSnapshotJSONRejects(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		contains []string
	}{
		{"duplicate profile ID", `{"groups":{},"domains":{},"profiles":{"p1":{"id":"p1","name":"a","domainId":"d"},"p1":{"id":"p1","name":"b","domainId":"d"}}}`, []string{`"p1"`, "more than once", "profiles"}},
		{"duplicate domain ID", `{"domains":{"d":{"id":"d"},"d":{"id":"d"}}}`, []string{`"d"`, "domains"}},
		{"unknown top-level field", `{"grups":{}}`, []string{"grups"}},
		{"unknown profile field", `{"profiles":{"p":{"id":"p","nmae":"x"}}}`, []string{"nmae", `profiles["p"]`}},
		{"bad MAC", `{"profiles":{"p":{"id":"p","ethernet":[{"mac":"zz"}]}}}`, []string{`profiles["p"]`, "zz"}},
		{"profiles not an object", `{"profiles":[1]}`, []string{"profiles", "object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s vcem.Snapshot
			err := json.Unmarshal([]byte(tt.json), &s)
			require.Error(t, err)
			for _, c := range tt.contains {
				assert.Contains(t, err.Error(), c)
			}
			assert.Nil(t, s.Profiles, "no partial write")
		})
	}
}

func TestCloneIsIndependent(t *testing.T) {
	s := baseSnapshot(t)
	c := s.Clone()
	require.True(t, s.Equal(c))
	require.NoError(t, vcem.Apply(c, vcem.DeleteProfile{ProfileID: "d1:web"}))
	require.NoError(t, vcem.Apply(c, vcem.MarkExternalMAC{MAC: 0x00215A9B0200}))
	assert.Contains(t, s.Profiles, "d1:web")
	st, owner, _ := s.MACs.Lookup(s.Profiles["d1:web"].Ethernet[0].MAC)
	assert.Equal(t, addrpool.InUse, st)
	assert.Equal(t, "d1:web", owner)
	assert.False(t, s.Equal(c))
	fs, err := s.Fingerprint()
	require.NoError(t, err)
	fc, err := c.Fingerprint()
	require.NoError(t, err)
	assert.NotEqual(t, fs, fc)
}

func TestDiff(t *testing.T) {
	a := baseSnapshot(t)
	b := a.Clone()
	web := a.Profiles["d1:web"]
	require.NoError(t, vcem.Apply(b, vcem.DeleteProfile{ProfileID: "d1:web"}))
	require.NoError(t, vcem.Apply(b, vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC}))
	d2 := b.Domains["d2"]
	d2.Name = "renamed"
	b.Domains["d2"] = d2
	b.Groups["g3"] = vcem.DomainGroup{ID: "g3"}

	d := vcem.Diff(a, b)
	assert.False(t, d.Empty())
	assert.Equal(t, vcem.IDDiff{Added: []string{"g3"}}, d.Groups)
	assert.Equal(t, vcem.IDDiff{Changed: []string{"d2"}}, d.Domains)
	assert.Equal(t, vcem.IDDiff{Removed: []string{"d1:web"}}, d.Profiles)
	assert.Empty(t, d.PoolsReshaped)
	require.Len(t, d.Addresses, 6) // 2 MACs + 4 WWNs of web
	assert.Equal(t, vcem.AddressDiff{
		Address: vcem.AddressRef{Family: vcem.FamilyMAC, Value: web.Ethernet[0].MAC.String()},
		From:    vcem.AddressState{Present: true, State: addrpool.InUse, Owner: "d1:web"},
		To:      vcem.AddressState{Present: true, State: addrpool.External},
	}, d.Addresses[0])
	assert.Equal(t, addrpool.Free, d.Addresses[1].To.State)
	assert.True(t, vcem.Diff(a, a.Clone()).Empty())
}

func TestNewSnapshotRejectsBadRanges(t *testing.T) {
	overlap := []addrpool.Range[addrpool.MAC]{testMACRange(), testMACRange()}
	_, err := vcem.NewSnapshot(overlap, nil, nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MAC pool")
	assert.True(t, errors.Is(err, err))
}

func TestEmptyMapsAndNilMapsAreEqual(t *testing.T) {
	a, err := vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{testMACRange()}, nil, []addrpool.Range[addrpool.WWN]{testWWNRange()}, nil)
	require.NoError(t, err)
	b := &vcem.Snapshot{MACs: a.MACs.Clone(), WWNs: a.WWNs.Clone()}
	assert.True(t, a.Equal(b))
	js, err := json.Marshal(b)
	require.NoError(t, err)
	var back vcem.Snapshot
	require.NoError(t, json.Unmarshal(js, &back))
	assert.True(t, back.Equal(b))
	assert.NotNil(t, back.Profiles)
}
