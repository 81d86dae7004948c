package vcem_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApplyPointerAndNilForms(t *testing.T) {
	tests := []struct {
		name   string
		snap   bool
		change vcem.Change
		errHas string
	}{
		{"pointer MAC", true, &vcem.MarkExternalMAC{MAC: 0x00215A9B0200}, ""},
		{"pointer delete", true, &vcem.DeleteProfile{ProfileID: "d3:x"}, ""},
		{"nil pointer", true, (*vcem.DeleteProfile)(nil), "unknown change kind"},
		{"nil snapshot", false, vcem.DeleteProfile{ProfileID: "d3:x"}, "snapshot is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *vcem.Snapshot
			if tt.snap {
				s = baseSnapshot(t)
			}
			err := vcem.Apply(s, tt.change)
			if tt.errHas == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.errHas)
		})
	}
	s := baseSnapshot(t)
	s.WWNs = nil
	assert.ErrorIs(t, vcem.Apply(s, vcem.MarkExternalWWN{WWN: 1}), vcem.ErrNoPool)
}

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

func TestApplySetProfileBay(t *testing.T) {
	web := vcemtest.ProfileID("d1", "web")
	x := vcemtest.ProfileID("d3", "x")
	tests := []struct {
		name    string
		change  vcem.Change
		profile string
		wantBay string
	}{
		{"unassign", vcem.SetProfileBay{ProfileID: web, Bay: ""}, web, ""},
		{"move", vcem.SetProfileBay{ProfileID: web, Bay: "enc1:9"}, web, "enc1:9"},
		{"assign", vcem.SetProfileBay{ProfileID: x, Bay: "enc3:1"}, x, "enc3:1"},
		{"same bay", vcem.SetProfileBay{ProfileID: web, Bay: "enc1:1"}, web, "enc1:1"},
		{"pointer form", &vcem.SetProfileBay{ProfileID: x, Bay: "enc3:5"}, x, "enc3:5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := baseSnapshot(t)
			orig := s.Clone()
			require.NoError(t, vcem.Apply(s, tc.change))
			assert.Equal(t, tc.wantBay, s.Profiles[tc.profile].Bay)
			p, o := s.Profiles[tc.profile], orig.Profiles[tc.profile]
			p.Bay, o.Bay = "", ""
			assert.Equal(t, o, p, "only the bay changes")
			assert.Equal(t, baseSnapshot(t).Profiles[tc.profile], orig.Profiles[tc.profile], "a clone taken before is not affected")

			fp, err := s.Fingerprint()
			require.NoError(t, err)
			require.NoError(t, vcem.Apply(s, tc.change), "re-applying is a no-op")
			again, err := s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, fp, again)
		})
	}
}

func TestApplySetProfileBayErrors(t *testing.T) {
	tests := []struct {
		name   string
		change vcem.Change
		target error
		msg    string
	}{
		{"unknown profile", vcem.SetProfileBay{ProfileID: "d9:ghost", Bay: "enc9:1"}, vcem.ErrUnknownProfile, `"d9:ghost"`},
		{"nil pointer", (*vcem.SetProfileBay)(nil), vcem.ErrUnknownChange, "SetProfileBay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := baseSnapshot(t)
			fp, err := s.Fingerprint()
			require.NoError(t, err)
			err = vcem.Apply(s, tc.change)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.target)
			assert.Contains(t, err.Error(), tc.msg)
			after, err := s.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, fp, after, "a failed change leaves the snapshot untouched")
		})
	}
}

// sentinels are the four errors every Apply error wraps exactly one of.
var sentinels = []error{vcem.ErrNotFound, vcem.ErrConflict, vcem.ErrInvalid, vcem.ErrUnknownChange}

// Every Apply error wraps exactly one of the four sentinels, and the
// specific sentinel where there is one.
func TestApplyErrorsWrapExactlyOneSentinel(t *testing.T) {
	s := baseSnapshot(t)
	web := s.Profiles["d1:web"]
	noWWN := baseSnapshot(t)
	noWWN.WWNs = nil
	broken := baseSnapshot(t) // the pool no longer gives web's first MAC to web
	require.NoError(t, broken.MACs.Release(web.Ethernet[0].MAC))
	tests := []struct {
		name   string
		s      *vcem.Snapshot
		c      vcem.Change
		is     error
		also   error // a specific sentinel, or nil
		errHas string
	}{
		{"nil snapshot", nil, vcem.DeleteProfile{ProfileID: "d1:web"}, vcem.ErrInvalid, nil, "vcem: apply delete profile definition \"d1:web\": snapshot is nil: invalid"},
		{"nil change", s, nil, vcem.ErrUnknownChange, nil, "vcem: apply (nil): nil change: unknown change kind"},
		{"nil pointer", s, (*vcem.MarkExternalMAC)(nil), vcem.ErrUnknownChange, nil, "vcem: apply *vcem.MarkExternalMAC(nil): nil change"},
		{"MAC beyond 48 bits", s, vcem.MarkExternalMAC{MAC: 1 << 50}, vcem.ErrInvalid, nil, "exceeds 48 bits"},
		{"empty profile ID", s, vcem.DeleteProfile{}, vcem.ErrInvalid, nil, "profileId is empty"},
		{"empty profile ID of a bay", s, vcem.SetProfileBay{Bay: "x"}, vcem.ErrInvalid, nil, "profileId is empty"},
		{"address outside the pool", s, vcem.MarkExternalMAC{MAC: 1}, vcem.ErrNotFound, addrpool.ErrNotInPool, "00-00-00-00-00-01"},
		{"address In use", s, vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC}, vcem.ErrConflict, addrpool.ErrWrongState, `In use by "d1:web"`},
		{"no pool", noWWN, vcem.MarkExternalWWN{WWN: 1}, vcem.ErrInvalid, vcem.ErrNoPool, "no pool"},
		{"unknown profile", s, vcem.DeleteProfile{ProfileID: "nope"}, vcem.ErrNotFound, vcem.ErrUnknownProfile, `profile "nope"`},
		{"unknown profile of a bay", s, vcem.SetProfileBay{ProfileID: "nope"}, vcem.ErrNotFound, vcem.ErrUnknownProfile, `profile "nope"`},
		{"pool disagrees", broken, vcem.DeleteProfile{ProfileID: "d1:web"}, vcem.ErrConflict, vcem.ErrInvalidSnapshot, "the pool disagrees"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *vcem.Snapshot
			if tt.s != nil {
				before = tt.s.Clone()
			}
			err := vcem.Apply(tt.s, tt.c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.errHas)
			var n int
			for _, sentinel := range sentinels {
				if errors.Is(err, sentinel) {
					n++
				}
			}
			assert.Equal(t, 1, n, "wraps exactly one sentinel: %v", err)
			assert.ErrorIs(t, err, tt.is)
			if tt.also != nil {
				assert.ErrorIs(t, err, tt.also)
			}
			if tt.s != nil {
				assert.True(t, before.Equal(tt.s), "a failed Apply changed the snapshot")
			}

			// ApplyAll reports the same cause as a *ChangeError.
			err = vcem.ApplyAll(tt.s, vcem.MarkExternalMAC{MAC: 0x00215A9B0300}, tt.c)
			var ce *vcem.ChangeError
			require.ErrorAs(t, err, &ce)
			if tt.s == nil {
				assert.Equal(t, 0, ce.Index, "the first change already fails on a nil snapshot")
				return
			}
			assert.Equal(t, 1, ce.Index)
			assert.ErrorIs(t, err, tt.is)
			assert.True(t, before.Equal(tt.s), "a failed ApplyAll changed the snapshot")
		})
	}
}

// ApplyAll is all or nothing: a failure at any index leaves the snapshot
// exactly as it was (Equal, same Fingerprint), and success equals applying
// one by one.
func TestApplyAllIsAllOrNothing(t *testing.T) {
	base := baseSnapshot(t)
	web, app := base.Profiles["d1:web"], base.Profiles["d2:app"]
	good := vcem.Changes{
		vcem.DeleteProfile{ProfileID: "d1:web"},                // frees web's addresses
		vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC},         // one of them External
		vcem.MarkExternalWWN{WWN: web.FC[0].PortWWN},           // and a WWN
		vcem.SetProfileBay{ProfileID: "d2:app", Bay: "enc2:9"}, // a bay
		vcem.MarkExternalMAC{MAC: 0x00215A9B0300},              // a Free MAC
		vcem.MarkExternalMAC{MAC: 0x00215A9B0300},              // again: no-op
		vcem.DeleteProfile{ProfileID: "d3:x"},
	}
	bad := vcem.MarkExternalMAC{MAC: app.Ethernet[0].MAC} // In use: a conflict
	want := fingerprint(t, base)
	for at := 0; at <= len(good); at++ {
		t.Run(fmt.Sprintf("failure at %d", at), func(t *testing.T) {
			cs := slices.Insert(slices.Clone(good), at, vcem.Change(bad))
			s := base.Clone()
			err := vcem.ApplyAll(s, cs...)
			var ce *vcem.ChangeError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, at, ce.Index)
			assert.Equal(t, vcem.KindMarkExternalMAC, ce.Kind)
			assert.Equal(t, bad.Target(), ce.Target)
			assert.ErrorIs(t, err, vcem.ErrConflict)
			assert.Equal(t, fmt.Sprintf(`vcem: change %d (vcem.MarkExternalMAC, %s): %s is In use by "d2:app": conflict: address is not in a state that allows this`, at, bad.Target(), bad.MAC), err.Error())
			assert.True(t, base.Equal(s), "state after a failure at %d: %v", at, vcem.Diff(base, s))
			assert.Equal(t, want, fingerprint(t, s))
			assert.NoError(t, s.Validate())
		})
	}
	one := base.Clone()
	for _, c := range good {
		require.NoError(t, vcem.Apply(one, c))
	}
	all := base.Clone()
	require.NoError(t, vcem.ApplyAll(all, good...))
	assert.True(t, one.Equal(all))
	assert.NoError(t, vcem.ApplyAll(all))
	assert.ErrorIs(t, vcem.ApplyAll(nil), vcem.ErrInvalid)
	err := vcem.ApplyAll(all, nil)
	assert.EqualError(t, err, "vcem: change 0 (nil): nil change: unknown change kind")
}
