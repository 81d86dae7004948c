package vcem_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

func TestApply(t *testing.T) {
	base := baseSnapshot(t)
	web := base.Profiles["d1:web"]
	freeMAC := addrpool.MAC(0x00215A9B0200)
	freeWWN := addrpool.WWN(0x5001438002A30200)
	tests := []struct {
		name    string
		prepare []vcem.Change
		change  vcem.Change
		errIs   error
		errHas  string
		check   func(t *testing.T, s *vcem.Snapshot)
	}{
		{name: "mark a Free MAC External", change: vcem.MarkExternalMAC{MAC: freeMAC}, check: func(t *testing.T, s *vcem.Snapshot) {
			st, _, _ := s.MACs.Lookup(freeMAC)
			assert.Equal(t, addrpool.External, st)
		}},
		{name: "mark a Free WWN External (pointer form)", change: &vcem.MarkExternalWWN{WWN: freeWWN}, check: func(t *testing.T, s *vcem.Snapshot) {
			st, _, _ := s.WWNs.Lookup(freeWWN)
			assert.Equal(t, addrpool.External, st)
		}},
		{name: "marking External again is a no-op", prepare: []vcem.Change{vcem.MarkExternalMAC{MAC: freeMAC}}, change: vcem.MarkExternalMAC{MAC: freeMAC}, check: func(t *testing.T, s *vcem.Snapshot) {
			assert.Equal(t, uint64(1), s.MACs.Counts().External)
		}},
		{name: "marking an In use address is an error naming the owner", change: vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC}, errIs: addrpool.ErrWrongState, errHas: "d1:web"},
		{name: "address outside the pool", change: vcem.MarkExternalWWN{WWN: 0x5001438002A4FFFF}, errIs: addrpool.ErrNotInPool, errHas: "50:01:43:80:02:A4:FF:FF"},
		{name: "delete a profile frees its pool addresses", change: vcem.DeleteProfile{ProfileID: "d1:web"}, check: func(t *testing.T, s *vcem.Snapshot) {
			assert.NotContains(t, s.Profiles, "d1:web")
			for _, a := range web.Addresses() {
				var st addrpool.State
				if a.Address.Family == vcem.FamilyMAC {
					m, err := addrpool.ParseMAC(a.Address.Value)
					require.NoError(t, err)
					st, _, _ = s.MACs.Lookup(m)
				} else {
					w, err := addrpool.ParseWWN(a.Address.Value)
					require.NoError(t, err)
					st, _, _ = s.WWNs.Lookup(w)
				}
				assert.Equal(t, addrpool.Free, st, a.Field)
			}
			assert.NoError(t, s.Validate())
		}},
		{name: "delete an unknown profile", change: vcem.DeleteProfile{ProfileID: "nope"}, errIs: vcem.ErrUnknownProfile, errHas: `"nope"`},
		{name: "delete twice", prepare: []vcem.Change{vcem.DeleteProfile{ProfileID: "d3:x"}}, change: vcem.DeleteProfile{ProfileID: "d3:x"}, errIs: vcem.ErrUnknownProfile},
		{name: "nil change", change: nil, errIs: vcem.ErrUnknownChange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base.Clone()
			for _, c := range tt.prepare {
				require.NoError(t, vcem.Apply(s, c))
			}
			before := s.Clone()
			err := vcem.Apply(s, tt.change)
			if tt.errIs != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.errIs)
				assert.Contains(t, err.Error(), tt.errHas)
				assert.True(t, before.Equal(s), "a failed Apply changed the snapshot")
				return
			}
			require.NoError(t, err)
			tt.check(t, s)
		})
	}
}

func TestApplyDeleteIsAtomicOnInconsistentPool(t *testing.T) {
	s := baseSnapshot(t)
	web := s.Profiles["d1:web"]
	// Corrupt the pool: the second MAC of web is External instead of In use.
	require.NoError(t, s.MACs.Release(web.Ethernet[1].MAC))
	require.NoError(t, s.MACs.MarkExternal(web.Ethernet[1].MAC))
	before := s.Clone()
	err := vcem.Apply(s, vcem.DeleteProfile{ProfileID: "d1:web"})
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
	assert.Contains(t, err.Error(), "ethernet[1].mac")
	assert.True(t, before.Equal(s), "nothing was released")
}

func TestChangeJSONRoundTrip(t *testing.T) {
	tests := []struct {
		change vcem.Change
		json   string
	}{
		{vcem.MarkExternalMAC{MAC: 0x00215A9B0001}, `{"kind":"vcem.MarkExternalMAC","mac":"00-21-5A-9B-00-01"}`},
		{vcem.MarkExternalWWN{WWN: 0x5001438002A30001}, `{"kind":"vcem.MarkExternalWWN","wwn":"50:01:43:80:02:A3:00:01"}`},
		{vcem.DeleteProfile{ProfileID: "d1:web"}, `{"kind":"vcem.DeleteProfile","profileId":"d1:web"}`},
	}
	for _, tt := range tests {
		t.Run(tt.change.Kind(), func(t *testing.T) {
			b, err := json.Marshal(tt.change)
			require.NoError(t, err)
			assert.JSONEq(t, tt.json, string(b))
			back, err := vcem.DecodeChange(b)
			require.NoError(t, err)
			assert.Equal(t, tt.change, back)
		})
	}
}

func TestDecodeChangeRejects(t *testing.T) {
	tests := []struct {
		name, json, has string
	}{
		{"unknown kind", `{"kind":"vcem.Nope"}`, `"vcem.Nope"`},
		{"no kind", `{"mac":"00-21-5A-9B-00-01"}`, `no "kind"`},
		{"unknown field", `{"kind":"vcem.DeleteProfile","profileId":"a","extra":1}`, "extra"},
		{"missing mac", `{"kind":"vcem.MarkExternalMAC"}`, `"mac" is missing`},
		{"missing wwn", `{"kind":"vcem.MarkExternalWWN"}`, `"wwn" is missing`},
		{"bad wwn", `{"kind":"vcem.MarkExternalWWN","wwn":"50:01"}`, "50:01"},
		{"empty profile", `{"kind":"vcem.DeleteProfile","profileId":""}`, "profileId"},
		{"not JSON", `{`, "change JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := vcem.DecodeChange([]byte(tt.json))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.has)
		})
	}
}

func TestFindingJSONRoundTrip(t *testing.T) {
	restored := baseSnapshot(t)
	tc := phase1Cases()[len(phase1Cases())-1] // everything at once
	require.Equal(t, "everything at once", tc.name)
	_, _, _, fs := runPhase1Case(t, tc)
	require.NotEmpty(t, fs)
	_ = restored
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	var back []vcem.Finding
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fs, back)

	var bad []vcem.Finding
	err = json.Unmarshal([]byte(`[{"code":"X","changes":[{"kind":"vcem.DeleteProfile","profileId":"a"},{"kind":"zz"}]}]`), &bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[1]")
}
