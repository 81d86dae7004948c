package vcem_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func TestPredictResync(t *testing.T) {
	id := vcemtest.ProfileID
	tests := []struct {
		name   string
		script func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain
		want   vcem.Changes
	}{
		{"domains as the database: nothing", func(*testing.T, *vcemtest.Live) map[string]vcem.CredentialedDomain { return nil }, nil},
		{"unassigned after the backup", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.UnassignProfile("d1", "db"))
			return nil
		}, vcem.Changes{vcem.SetProfileBay{ProfileID: id("d1", "db"), Bay: ""}}},
		{"assigned after the backup", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AssignProfile("d3", "x", "enc3:2"))
			return nil
		}, vcem.Changes{vcem.SetProfileBay{ProfileID: id("d3", "x"), Bay: "enc3:2"}}},
		{"moved to another bay", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AssignProfile("d1", "web", "enc1:7"))
			return nil
		}, vcem.Changes{vcem.SetProfileBay{ProfileID: id("d1", "web"), Bay: "enc1:7"}}},
		{"two profiles swap bays", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AssignProfile("d1", "web", "enc1:2"))
			require.NoError(t, l.AssignProfile("d1", "db", "enc1:1"))
			return nil
		}, vcem.Changes{
			vcem.SetProfileBay{ProfileID: id("d1", "db"), Bay: "enc1:1"},
			vcem.SetProfileBay{ProfileID: id("d1", "web"), Bay: "enc1:2"},
		}},
		{"created after the backup: not predicted to be imported", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			_, err := l.CreateProfile("d2", vcemtest.ProfileSpec{Name: "late", Bay: "enc2:3", Ethernet: 1})
			require.NoError(t, err)
			return nil
		}, nil},
		{"deleted after the backup: not predicted to be removed", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.DeleteProfile("d2", "app"))
			return nil
		}, nil},
		{"unreachable domain: not resynced", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.UnassignProfile("d2", "app"))
			require.NoError(t, l.SetReachable("d2", false))
			return nil
		}, nil},
		{"removed from its group, read with credentials: VCEM cannot resync it", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AssignProfile("d3", "x", "enc3:2"))
			require.NoError(t, l.RemoveFromGroup("d3"))
			require.NoError(t, l.SetCredentials("d3", labCredentials()))
			return credsFor("d3", "d3.vcm.example")
		}, nil},
		{"added to a group after the backup: unknown to the database", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AddDomain(vcem.Domain{ID: "d4", Name: "New", Manager: "10.0.0.4"}, labCredentials()))
			require.NoError(t, l.AddToGroup("d4", "g1"))
			_, err := l.CreateProfile("d4", vcemtest.ProfileSpec{Name: "n1", Bay: "enc4:1", Ethernet: 1})
			require.NoError(t, err)
			return credsFor("d4", "10.0.0.4")
		}, nil},
		{"several domains, in profile ID order", func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
			require.NoError(t, l.AssignProfile("d3", "x", "enc3:4"))
			require.NoError(t, l.UnassignProfile("d2", "app"))
			require.NoError(t, l.UnassignProfile("d1", "web"))
			return nil
		}, vcem.Changes{
			vcem.SetProfileBay{ProfileID: id("d1", "web"), Bay: ""},
			vcem.SetProfileBay{ProfileID: id("d2", "app"), Bay: ""},
			vcem.SetProfileBay{ProfileID: id("d3", "x"), Bay: "enc3:4"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			restored := baseSnapshot(t)
			live, err := vcemtest.NewLive(restored)
			require.NoError(t, err)
			creds := tc.script(t, live)
			lds := restoreAndGather(t, restored, live, creds)
			fp, err := restored.Fingerprint()
			require.NoError(t, err)

			got, err := vcem.PredictResync(restored, lds)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			after, err := restored.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, fp, after, "PredictResync is pure")

			// Applied, the database shows each resynced profile where its
			// domain has it, and predicting again yields nothing.
			next := restored.Clone()
			for _, c := range got {
				require.NoError(t, vcem.Apply(next, c))
			}
			require.NoError(t, next.Validate())
			for _, c := range got {
				sb := c.(vcem.SetProfileBay)
				p := next.Profiles[sb.ProfileID]
				ld, ok := live.Domain(p.DomainID)
				require.True(t, ok)
				for _, lp := range ld.Profiles {
					if lp.Name == p.Name {
						assert.Equal(t, lp.Bay, p.Bay, "profile %s", p.ID)
					}
				}
			}
			again, err := vcem.PredictResync(next, lds)
			require.NoError(t, err)
			assert.Empty(t, again, "the resync prediction is a fixed point")
		})
	}
}

// TestPredictResyncAfterPhase1: the resync starts from what phase 1 leaves.
// A profile phase 1 deletes (its address was reassigned after the backup)
// gets no bay change, while another profile unassigned after the backup
// does.
func TestPredictResyncAfterPhase1(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	require.NoError(t, live.DeleteProfile("d1", "web"))
	_, err = live.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:1", Ethernet: 2, FC: 2})
	require.NoError(t, err)
	require.NoError(t, live.UnassignProfile("d1", "db"))
	lds := restoreAndGather(t, restored, live, nil)

	fs, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(t, err)
	afterPhase1 := restored.Clone()
	for _, c := range vcem.ChangesOf(fs) {
		require.NoError(t, vcem.Apply(afterPhase1, c))
	}
	require.NotContains(t, afterPhase1.Profiles, vcemtest.ProfileID("d1", "web"), "phase 1 deletes the stale web profile")

	got, err := vcem.PredictResync(afterPhase1, lds)
	require.NoError(t, err)
	assert.Equal(t, vcem.Changes{vcem.SetProfileBay{ProfileID: vcemtest.ProfileID("d1", "db"), Bay: ""}}, got)
}

func TestPredictResyncErrors(t *testing.T) {
	tests := []struct {
		name   string
		snap   func(t testing.TB) *vcem.Snapshot
		live   []vcem.LiveDomain
		target error
		msg    string
	}{
		{"nil snapshot", func(testing.TB) *vcem.Snapshot { return nil }, nil, nil, "snapshot is nil"},
		{"invalid snapshot", func(t testing.TB) *vcem.Snapshot {
			s := baseSnapshot(t)
			p := s.Profiles[vcemtest.ProfileID("d3", "x")]
			p.DomainID = "nowhere"
			s.Profiles[p.ID] = p
			return s
		}, nil, vcem.ErrInvalidSnapshot, "nowhere"},
		{"domain listed twice", baseSnapshot,
			[]vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true}, {Domain: vcem.Domain{ID: "d1"}, Reachable: true}},
			vcem.ErrInvalidLive, `domain "d1" is listed twice`},
		{"profile named twice", baseSnapshot,
			[]vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true, Profiles: []vcem.Profile{{Name: "web"}, {Name: "web"}}}},
			vcem.ErrInvalidLive, `profile name "web" appears twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := vcem.PredictResync(tc.snap(t), tc.live)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), "predict resync")
			assert.Contains(t, err.Error(), tc.msg)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			}
		})
	}
}
