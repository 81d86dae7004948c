package vcem_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
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
			assert.Equal(t, tt.equal, vcem.Diff(a, b).Empty(), "diff: %+v", vcem.Diff(a, b))
		})
	}
}

// answersAs is a Live whose ReadDomain answers for another domain than the
// one asked for (a broken adapter).
type answersAs struct {
	vcem.Live
	id string
}

func (a answersAs) ReadDomain(ctx context.Context, domainID string) (vcem.LiveDomain, error) {
	ld, err := a.Live.ReadDomain(ctx, domainID)
	if domainID == "d2" {
		ld.Domain.ID = a.id
	}
	return ld, err
}

func TestGatherLiveRejectsBadPorts(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	tests := []struct {
		name   string
		live   vcem.Live
		errHas string
	}{
		{"nil port", nil, "Live port is nil"},
		{"answer for another domain", answersAs{live, "d1"}, `read domain "d2": invalid live domain data: the answer is for domain "d1"`},
		{"answer with no ID", answersAs{live, ""}, `the answer is for domain ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lds, err := vcem.GatherLive(context.Background(), tt.live, restored, nil)
			require.Error(t, err)
			assert.Nil(t, lds)
			assert.Contains(t, err.Error(), tt.errHas)
		})
	}
}

// TestResyncDomainRejectsBadInputBeforeAnyRequest: a nil manager or an empty
// ID is not-started (it was a recovered nil-pointer panic reported as
// left-in-maintenance after three panicking cancel attempts).
func TestResyncDomainRejectsBadInputBeforeAnyRequest(t *testing.T) {
	m := vcemtest.NewManager()
	require.NoError(t, m.AddDomain("d1", false))
	tests := []struct {
		name   string
		m      vcem.Manager
		id     string
		errHas string
	}{
		{"nil manager", nil, "d1", "manager is nil"},
		{"empty domain ID", m, "", "domain ID is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vcem.ResyncDomain(context.Background(), tt.m, tt.id)
			assert.Equal(t, vcem.OutcomeNotStarted, r.Outcome)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.errHas)
			assert.NoError(t, r.CleanupErr)
			assert.Empty(t, m.Calls())
		})
	}
}

// TestNodeWWNRuleOnlyForVCEMPoolConnections: a factory-default or
// user-defined FC/FCoE pair need not be port + 1 (real HBAs pair e.g.
// 21:00:… with 20:00:…); such a live domain was rejected as a whole, and
// such a restored snapshot failed Validate. A VCEM-pool pair must still
// follow the rule.
func TestNodeWWNRuleOnlyForVCEMPoolConnections(t *testing.T) {
	port := addrpool.WWN(0x2100001B320A0B0C)
	node := addrpool.WWN(0x2000001B320A0B0C)
	tests := []struct {
		typ  vcem.AddressType
		fcoe bool
		ok   bool
	}{
		{vcem.AddressFactoryDefault, false, true},
		{vcem.AddressUserDefined, false, true},
		{vcem.AddressFactoryDefault, true, true},
		{vcem.AddressVCEMPool, false, false},
		{vcem.AddressVCEMPool, true, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s fcoe=%v", tt.typ, tt.fcoe), func(t *testing.T) {
			p := vcem.Profile{Name: "hba", DomainID: "d3"}
			if tt.fcoe {
				p.FCoE = []vcem.FCoEConnection{{Port: 1, MAC: 0x001B21000001, PortWWN: port, NodeWWN: node, AddressType: tt.typ}}
			} else {
				p.FC = []vcem.FCConnection{{Port: 1, PortWWN: port, NodeWWN: node, AddressType: tt.typ}}
			}

			// Live side.
			restored := baseSnapshot(t)
			live, err := vcemtest.NewLive(restored)
			require.NoError(t, err)
			require.NoError(t, live.PutProfile("d3", p))
			lds := restoreAndGather(t, restored, live, nil)
			_, err = vcem.AnalyzePhase1(restored, lds)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.ErrorIs(t, err, vcem.ErrInvalidLive)
				assert.Contains(t, err.Error(), `profile "hba"`)
			}

			// Restored side (outside the VCEM ranges, so no pool state).
			p.ID = "hba"
			restored.Profiles["hba"] = p
			err = restored.Validate()
			if tt.ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "node WWN")
			}
		})
	}
}

// TestGatherLiveRejectsOneDomainUnderTwoIDs: credentials given under a new
// ID for the VC Manager of a domain VCEM reads too would make every address
// of that domain a conflict.
func TestGatherLiveRejectsOneDomainUnderTwoIDs(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	require.NoError(t, live.SetCredentials("d1", labCredentials()))
	live.RestoreVCEM("d1", "d2", "d3")
	lds, err := vcem.GatherLive(context.Background(), live, restored, credsFor("new", "d1.vcm.example"))
	require.Error(t, err)
	assert.Nil(t, lds)
	assert.ErrorIs(t, err, vcem.ErrInvalidLive)
	assert.Contains(t, err.Error(), `domains "d1" and "new" were both read from VC Manager d1.vcm.example`)
}

// TestResyncLeavesSomeoneElsesMaintenanceAlone: a domain already in
// maintenance (another run, an operator) is not cancelled — that would
// discard their work — and is reported not-started; the other domains go on.
func TestResyncLeavesSomeoneElsesMaintenanceAlone(t *testing.T) {
	m := vcemtest.NewManager()
	for _, id := range []string{"d1", "d2"} {
		require.NoError(t, m.AddDomain(id, false))
	}
	ctx := context.Background()
	require.NoError(t, m.StartMaintenance(ctx, "d1")) // the other holder

	res, err := vcem.ResyncDomains(ctx, m, []string{"d1", "d2"})
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInMaintenance)
	require.Len(t, res, 2)
	assert.Equal(t, vcem.OutcomeNotStarted, res[0].Outcome)
	assert.ErrorIs(t, res[0].Err, vcem.ErrInMaintenance)
	assert.NoError(t, res[0].CleanupErr)
	assert.Equal(t, vcem.OutcomeCompleted, res[1].Outcome)
	assert.Equal(t, []string{"d1"}, m.InMaintenance(), "the other holder's maintenance is still there")
	for _, c := range m.Calls() {
		assert.False(t, c.Op == vcemtest.OpCancelMaintenance && c.DomainID == "d1", "d1's maintenance was cancelled: %+v", c)
	}
}
