package vcem_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
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
	assert.Empty(t, vcem.Diff(s, &back))
	f1, err := s.Fingerprint()
	require.NoError(t, err)
	f2, err := back.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, f1, f2)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, f1)
	st, _, ok := back.MACs.Lookup(0x00215A9B0100)
	require.True(t, ok)
	assert.Equal(t, addrpool.External, st)
}

// snapDoc is a small valid snapshot document that the hostile-input cases
// edit one thing at a time.
const snapDoc = `{"groups":{},"domains":{"d1":{"id":"d1","name":"D","manager":"m"}},` +
	`"profiles":{"d1:web":{"id":"d1:web","name":"web","domainId":"d1","ethernet":[{"port":1,"mac":"00-17-A4-77-00-00","addressType":"user-defined"}]}},` +
	`"macs":{"ranges":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-FF"}]},"wwns":null}`

// Hostile and careless snapshot JSON: every case is an error naming its
// JSON path (or, for a pool's own inconsistency, the pool and the range),
// and the snapshot is left as it was.
func TestSnapshotJSONRejects(t *testing.T) {
	edit := func(old, new string) string {
		require.Contains(t, snapDoc, old)
		return strings.Replace(snapDoc, old, new, 1)
	}
	tests := []struct {
		name, json, want string
	}{
		{"bad MAC", edit(`"00-17-A4-77-00-00","addressType"`, `"00-17-A4-77-00-0Z","addressType"`),
			`vcem: snapshot JSON: profiles["d1:web"].ethernet[0].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 1, column 161)`},
		{"unknown field in a pool", edit(`"macs":{"ranges"`, `"macs":{"externl":[],"ranges"`),
			`vcem: snapshot JSON: macs.externl: unknown field "externl" (line 1, column 222)`},
		{"unknown field in a range", edit(`"last":"00-17-A4-77-00-FF"`, `"last":"00-17-A4-77-00-FF","lst":1`),
			`vcem: snapshot JSON: macs.ranges[0].lst: unknown field "lst" (line 1, column 288)`},
		{"case-folded key", edit(`"profiles":`, `"PROFILES":`),
			"vcem: snapshot JSON: PROFILES: unknown field \"PROFILES\" (field names are case-sensitive: did you mean \"profiles\"?) (line 1, column 68)\n" +
				`profiles: missing field "profiles" (line 1, column 1)`},
		{"trailing data", snapDoc + ` {}`, `vcem: snapshot JSON: unexpected data after the JSON value: "{}" (line 1, column 304)`},
		{"an ID given twice", edit(`"domains":{"d1":{"id":"d1","name":"D","manager":"m"}}`, `"domains":{"d1":{"id":"d1","name":"D","manager":"m"},"d1":{"id":"d1","name":"E","manager":"m"}}`),
			`vcem: snapshot JSON: domains["d1"]: key "d1" repeated in one object (the JSON would silently keep only the last) (line 1, column 67)`},
		{"null domain", edit(`"domains":{"d1"`, `"domains":{"d0":null,"d1"`),
			`vcem: snapshot JSON: domains["d0"]: null is not allowed here: want an object (line 1, column 30)`},
		{"overlapping pool ranges", edit(`"last":"00-17-A4-77-00-FF"`, `"last":"00-17-A4-77-00-00"},{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-01"`),
			`vcem: snapshot JSON: macs: addrpool: MAC pool: ranges[0] 00-17-A4-77-00-00..00-17-A4-77-00-00 and ranges[1] 00-17-A4-77-00-00..00-17-A4-77-00-01 overlap`},
		{"External range over an In use address", edit(`"macs":{"ranges":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-FF"}]}`,
			`"macs":{"ranges":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-FF"}],"inUse":[{"address":"00-17-A4-77-00-05","owner":"d1:web"}],"external":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-09"}]}`),
			`vcem: snapshot JSON: macs: addrpool: MAC pool: external[0] 00-17-A4-77-00-00..00-17-A4-77-00-09: 00-17-A4-77-00-05 is In use by "d1:web": address is not in a state that allows this`},
		{"a port that is not an integer", edit(`"port":1`, `"port":1.5`),
			`vcem: snapshot JSON: profiles["d1:web"].ethernet[0].port: want an integer that fits int, have "1.5" (line 1, column 153)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := baseSnapshot(t)
			before := s.Clone()
			err := s.UnmarshalJSON([]byte(tt.json))
			assert.EqualError(t, err, tt.want)
			assert.True(t, before.Equal(s), "a failed decode left the snapshot as it was")
		})
	}

	t.Run("nesting depth", func(t *testing.T) {
		var s vcem.Snapshot
		err := json.Unmarshal([]byte(edit(`"groups":{}`, `"groups":{"g":`+strings.Repeat("[", 200)+strings.Repeat("]", 200)+`}`)), &s)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "vcem: snapshot JSON: "), err.Error())
		assert.Contains(t, err.Error(), "nesting deeper than 128")
	})
	t.Run("the document is valid", func(t *testing.T) {
		var s vcem.Snapshot
		require.NoError(t, json.Unmarshal([]byte(snapDoc), &s))
		assert.Len(t, s.Profiles, 1)
	})
}

// A negative port decodes (it is a number) but is invalid.
func TestValidateRejectsNegativePorts(t *testing.T) {
	s := baseSnapshot(t)
	p := s.Profiles["d1:web"]
	p.FC = slices.Clone(p.FC)
	p.FC[1].Port = -1
	s.Profiles["d1:web"] = p
	err := s.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
	assert.EqualError(t, err, `vcem: invalid snapshot: bad-port: "d1:web" field fc[1].port: port -1 is negative`)
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

func TestDomainProfilesAndAssigned(t *testing.T) {
	s := baseSnapshot(t)
	ps := s.DomainProfiles("d1")
	require.Len(t, ps, 2)
	assert.Equal(t, []string{"db", "web"}, []string{ps[0].Name, ps[1].Name}, "sorted by name")
	assert.True(t, ps[0].Assigned())
	assert.False(t, s.Profiles["d3:x"].Assigned())
	assert.Empty(t, s.DomainProfiles("nope"))
}

func TestNilSnapshot(t *testing.T) {
	var s *vcem.Snapshot
	assert.Nil(t, s.Clone())
	assert.Nil(t, s.DomainProfiles("d1"))
	err := s.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
	assert.True(t, s.Equal(&vcem.Snapshot{}), "nil equals empty")
}

func TestValidationIssues(t *testing.T) {
	e := &vcem.ValidationIssue{Code: "id-mismatch", IDs: []string{"a", ""}, Field: "id", Message: "m"}
	assert.Contains(t, e.Error(), `"a", ""`, "an empty ID stays visible")
	assert.ErrorIs(t, e, vcem.ErrInvalidSnapshot)

	empty, err := vcem.NewSnapshot(nil, nil, nil, nil)
	require.NoError(t, err)
	empty.Groups[""] = vcem.DomainGroup{}
	assert.Equal(t, map[vcem.IssueCode][]string{vcem.IssueEmptyID: {""}}, issueCodes(empty))
}
