package vcemtest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// Update is how a composed estate scripts VCEM's own writes: fn edits the
// store's snapshot in place, faults do not apply, Applied stays the SDK's.
func TestStoreUpdateWritesWhatVCEMWrites(t *testing.T) {
	ctx := context.Background()
	faults := vcemtest.NewFaults(1)
	require.NoError(t, faults.Add(vcemtest.Fault{Err: errors.New("injected")}))
	st, err := vcemtest.NewStore(estate(t), vcemtest.WithFaults(faults))
	require.NoError(t, err)

	tests := []struct {
		name    string
		fn      func(s *vcem.Snapshot) error
		wantErr error
		check   func(t *testing.T, s *vcem.Snapshot)
	}{
		{
			name: "VCEM creates a profile and allocates its MAC",
			fn: func(s *vcem.Snapshot) error {
				m := addrpool.MAC(0x00215A9B0010)
				if err := s.MACs.AllocateAddr(m, "d1:new"); err != nil {
					return err
				}
				s.Profiles["d1:new"] = vcem.Profile{ID: "d1:new", Name: "new", DomainID: "d1",
					Ethernet: []vcem.EthernetConnection{{Port: 1, MAC: m, AddressType: vcem.AddressVCEMPool}}}
				return nil
			},
			check: func(t *testing.T, s *vcem.Snapshot) {
				assert.Contains(t, s.Profiles, "d1:new")
				st, owner, _ := s.MACs.Lookup(0x00215A9B0010)
				assert.Equal(t, addrpool.InUse, st)
				assert.Equal(t, "d1:new", owner)
				assert.NoError(t, s.Validate())
			},
		},
		{
			name:    "an error from fn comes back",
			fn:      func(*vcem.Snapshot) error { return vcem.ErrConflict },
			wantErr: vcem.ErrConflict,
			check: func(t *testing.T, s *vcem.Snapshot) {
				assert.Contains(t, s.Profiles, "d1:new", "the earlier update stays")
			},
		},
		{
			name:    "a nil fn is invalid",
			wantErr: vcem.ErrInvalid,
			check:   func(t *testing.T, s *vcem.Snapshot) { assert.Len(t, s.Profiles, 3) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Update(tt.fn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Empty(t, faults.Hits(), "no fault applies to Update")
			faults.Clear()
			s, err := st.Snapshot(ctx)
			require.NoError(t, err)
			tt.check(t, s)
			require.NoError(t, faults.Add(vcemtest.Fault{Err: errors.New("injected")}))
		})
	}
	assert.Empty(t, st.Applied(), "VCEM's own writes are not the SDK's changes")
}

// SyncVCEM puts a database into the live VCEM: after it, CreateProfile
// allocates from that database's pools (here: the backup's, in which the
// address a live profile took after the backup is Free again) and VCEM
// lists exactly its domains.
func TestLiveSyncVCEMAllocatesFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	backup := estate(t)
	live, err := vcemtest.NewLive(backup)
	require.NoError(t, err)
	after, err := live.CreateProfile("d1", vcemtest.ProfileSpec{Name: "after", Ethernet: 1})
	require.NoError(t, err)
	require.NoError(t, live.RemoveFromGroup("d2"))

	tests := []struct {
		name     string
		db       *vcem.Snapshot
		wantErr  bool
		wantMAC  addrpool.MAC
		wantDoms []string
	}{
		{name: "nil snapshot", db: nil, wantErr: true, wantMAC: after.Ethernet[0].MAC + 1, wantDoms: []string{"d1"}},
		{name: "no pools", db: &vcem.Snapshot{}, wantErr: true, wantMAC: after.Ethernet[0].MAC + 1, wantDoms: []string{"d1"}},
		{name: "the backup", db: backup, wantMAC: after.Ethernet[0].MAC, wantDoms: []string{"d1", "d2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probe := vcem.ProfileKey{DomainID: "d1", Name: "probe"}
			err := live.SyncVCEM(tt.db)
			if tt.wantErr {
				require.ErrorIs(t, err, vcem.ErrInvalid)
			} else {
				require.NoError(t, err)
			}
			refs, err := live.ListDomains(ctx)
			require.NoError(t, err)
			var ids []string
			for _, r := range refs {
				ids = append(ids, r.ID)
			}
			assert.Equal(t, tt.wantDoms, ids)
			p, err := live.CreateProfile(probe.DomainID, vcemtest.ProfileSpec{Name: probe.Name, Ethernet: 1})
			require.NoError(t, err)
			assert.Equal(t, tt.wantMAC, p.Ethernet[0].MAC)
			require.NoError(t, live.DeleteProfile(probe.DomainID, probe.Name))
		})
	}
	d := live.Data()
	_, owner, _ := d.MACs.Lookup(backup.Profiles["d1:a"].Ethernet[0].MAC)
	assert.Equal(t, "d1/a", owner, "owners are profile keys, as CreateProfile's")
	ld, ok := live.Domain("d1")
	require.True(t, ok)
	assert.Len(t, ld.Profiles, 2, "the VC domain keeps its profiles: a and after")
}
