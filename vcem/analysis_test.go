package vcem_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// want is the expected shape of one finding.
type want struct {
	code      vcem.Code
	domain    string
	profileID string
	live      []vcem.ProfileKey
	changes   int // -1: do not check
}

func key(d, n string) vcem.ProfileKey { return vcem.ProfileKey{DomainID: d, Name: n} }

// refs returns the address refs of a profile's addresses.
func refs(p vcem.Profile) []vcem.AddressRef {
	var out []vcem.AddressRef
	for _, a := range p.Addresses() {
		out = append(out, a.Address)
	}
	return out
}

type phase1Case struct {
	name string
	// script runs post-backup activity on the live estate and returns the
	// credentials the operator supplies.
	script func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain
	want   []want
	// check runs extra assertions on the findings.
	check func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding)
}

func phase1Cases() []phase1Case {
	return []phase1Case{
		{
			name:   "no post-backup activity",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain { return nil },
			want:   nil,
		},
		{
			name: "profile assigned and unassigned after backup is not an address change",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.UnassignProfile("d1", "web"))
				require.NoError(t, l.AssignProfile("d3", "x", "enc3:4"))
				return nil
			},
			want: nil,
		},
		{
			name: "allocated after backup",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				_, err := l.CreateProfile("d2", vcemtest.ProfileSpec{Name: "new", Bay: "enc2:3", Ethernet: 2, FC: 1})
				require.NoError(t, err)
				return nil
			},
			want: []want{{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d2", live: []vcem.ProfileKey{key("d2", "new")}, changes: 4}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				ld, ok := l.Domain("d2")
				require.True(t, ok)
				var created vcem.Profile
				for _, p := range ld.Profiles {
					if p.Name == "new" {
						created = p
					}
				}
				assert.Equal(t, refs(created), fs[0].Subject.Addresses)
				for _, c := range fs[0].Changes {
					assert.Contains(t, []string{vcem.KindMarkExternalMAC, vcem.KindMarkExternalWWN}, c.Kind())
				}
			},
		},
		{
			name: "reassigned after backup: deleted profile's addresses reused in its domain",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.DeleteProfile("d1", "web"))
				_, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web2", Bay: "enc1:1", Ethernet: 2, FC: 2})
				require.NoError(t, err)
				return nil
			},
			want: []want{{code: vcem.CodeAddrReassigned, domain: "d1", profileID: "d1:web", live: []vcem.ProfileKey{key("d1", "web2")}, changes: 7}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				assert.Equal(t, vcem.DeleteProfile{ProfileID: "d1:web"}, fs[0].Changes[0], "the stale definition is deleted before its addresses are marked")
				assert.Equal(t, refs(restored.Profiles["d1:web"]), fs[0].Subject.Addresses)
			},
		},
		{
			name: "reassigned after backup: one address reused in another domain",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.DeleteProfile("d1", "web"))
				_, err := l.CreateProfile("d3", vcemtest.ProfileSpec{Name: "small", Ethernet: 1})
				require.NoError(t, err)
				return nil
			},
			want: []want{{code: vcem.CodeAddrReassigned, domain: "d1", profileID: "d1:web", live: []vcem.ProfileKey{key("d3", "small")}, changes: 2}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				web := restored.Profiles["d1:web"]
				assert.Equal(t, []vcem.AddressRef{{Family: vcem.FamilyMAC, Value: web.Ethernet[0].MAC.String()}}, fs[0].Subject.Addresses)
				assert.Equal(t, vcem.MarkExternalMAC{MAC: web.Ethernet[0].MAC}, fs[0].Changes[1])
			},
		},
		{
			name: "profile deleted and re-created under the same name is the same profile",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.DeleteProfile("d1", "db"))
				_, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "db", Bay: "enc1:2", Ethernet: 2, FC: 2})
				require.NoError(t, err)
				return nil
			},
			want: nil,
		},
		{
			name: "profile deleted after backup, address not reused: nothing to do in phase 1",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.DeleteProfile("d2", "app"))
				return nil
			},
			want: nil,
		},
		{
			name: "domain removed from its group, no credentials",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.RemoveFromGroup("d3"))
				return nil
			},
			want: []want{{code: vcem.CodeDomainInaccessible, domain: "d3", changes: 0}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				// A restored domain VCEM cannot reach: removed from its group
				// (re-issue the Remove), or VCEM lost access (restore it).
				assert.Equal(t, "g2", fs[0].Subject.GroupID)
				assert.Equal(t, `VCEM cannot reach VC domain "d3" (VC Manager d3.vcm.example). If it was removed from `+
					`VC Domain Group "g2" after the backup, supply its VC Manager credentials so its addresses can be read and `+
					`protected, then re-issue "Remove from VC Domain Group" for it in VCEM (Appendix E case 1). Otherwise it is `+
					`still a member and VCEM lost access to it: restore that access (network, VC Manager credentials in VCEM) `+
					`and analyse again.`, fs[0].Manual)
				assert.NotContains(t, fs[0].Manual, "Add to VC Domain Group")
			},
		},
		{
			name: "domain removed from its group, with credentials: harvest and re-issue Remove",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.RemoveFromGroup("d3"))
				require.NoError(t, l.SetCredentials("d3", labCredentials()))
				_, err := l.CreateProfile("d3", vcemtest.ProfileSpec{Name: "late", Bay: "enc3:2", Ethernet: 1})
				require.NoError(t, err)
				return credsFor("d3", "d3.vcm.example")
			},
			want: []want{
				{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d3", live: []vcem.ProfileKey{key("d3", "late")}, changes: 1},
				{code: vcem.CodeDomainGroupChanged, domain: "d3", changes: 0},
			},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				assert.Equal(t, "g2", fs[1].Subject.GroupID)
				assert.Contains(t, fs[1].Manual, "Remove from VC Domain Group")
			},
		},
		{
			name: "domain added to a group, named without credentials",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.AddDomain(vcem.Domain{ID: "d4", Name: "New", Manager: "d4.vcm.example"}, labCredentials()))
				require.NoError(t, l.AddToGroup("d4", "g1"))
				_, err := l.CreateProfile("d4", vcemtest.ProfileSpec{Name: "n1", Ethernet: 2})
				require.NoError(t, err)
				return map[string]vcem.CredentialedDomain{"d4": {Target: vcem.DomainTarget{ID: "d4", Manager: "d4.vcm.example"}}}
			},
			want: []want{{code: vcem.CodeDomainInaccessible, domain: "d4", changes: 0}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				// Not in the restored database, yet named for a read: it can
				// only have been added to a group after the backup.
				assert.Equal(t, `VC domain "d4" (VC Manager d4.vcm.example) is not in the restored VCEM database, so it was `+
					`added to a VC Domain Group after the backup: supply its VC Manager credentials so its addresses can be `+
					`read and marked External, then re-issue "Add to VC Domain Group" for it in VCEM (Appendix E case 2, steps `+
					`inferred). Then take a new CMS backup.`, fs[0].Manual)
				assert.Contains(t, fs[0].Message, "can only have been added to a VC Domain Group after the backup")
				assert.NotContains(t, fs[0].Manual, "Remove from")
			},
		},
		{
			name: "domain added to a group, with credentials: harvest and re-issue Add",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.AddDomain(vcem.Domain{ID: "vc-new", Name: "New", Manager: "10.0.0.4"}, labCredentials()))
				require.NoError(t, l.AddToGroup("vc-new", "g1"))
				_, err := l.CreateProfile("vc-new", vcemtest.ProfileSpec{Name: "n1", Ethernet: 2, FC: 1})
				require.NoError(t, err)
				return credsFor("d4", "10.0.0.4")
			},
			want: []want{
				{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d4", live: []vcem.ProfileKey{key("d4", "n1")}, changes: 4},
				{code: vcem.CodeDomainGroupChanged, domain: "d4", changes: 0},
			},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				assert.Equal(t, "g1", fs[1].Subject.GroupID)
				assert.Contains(t, fs[1].Manual, "Add to VC Domain Group")
			},
		},
		{
			name: "domain moved between groups",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.RemoveFromGroup("d2"))
				require.NoError(t, l.AddToGroup("d2", "g2"))
				return nil
			},
			want: []want{{code: vcem.CodeDomainGroupChanged, domain: "d2", changes: 0}},
		},
		{
			name: "modules added and removed",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.RemoveModule("d1", "enc1", 3))
				require.NoError(t, l.AddModule("d2", mod("enc2", 2, "FlexFabric")))
				return nil
			},
			want: []want{
				{code: vcem.CodeModulesChanged, domain: "d1", changes: 0},
				{code: vcem.CodeModulesChanged, domain: "d2", changes: 0},
			},
		},
		{
			name: "domain unreachable",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.SetReachable("d2", false))
				return nil
			},
			want: []want{{code: vcem.CodeDomainInaccessible, domain: "d2", changes: 0}},
			check: func(t *testing.T, restored *vcem.Snapshot, l *vcemtest.Live, fs []vcem.Finding) {
				assert.Contains(t, fs[0].Manual, `re-issue "Remove from VC Domain Group"`)
				assert.Contains(t, fs[0].Manual, "restore that access")
				assert.True(t, fs[0].Blocking())
			},
		},
		{
			name: "duplicate live address within one domain",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				web, ok := l.Domain("d1")
				require.True(t, ok)
				mac := web.Profiles[1].Ethernet[0].MAC // profiles sorted: db, web
				require.NoError(t, l.PutProfile("d1", vcem.Profile{Name: "copy", Ethernet: []vcem.EthernetConnection{{Port: 1, MAC: mac, AddressType: vcem.AddressUserDefined}}}))
				return nil
			},
			want: []want{{code: vcem.CodeAddrConflict, domain: "d1", live: []vcem.ProfileKey{key("d1", "copy"), key("d1", "web")}, changes: 0}},
		},
		{
			name: "duplicate live address across domains, free in the restored database",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				free := addrpool.MAC(0x00215A9B0300)
				for _, d := range []string{"d2", "d3"} {
					require.NoError(t, l.PutProfile(d, vcem.Profile{Name: "dup", Ethernet: []vcem.EthernetConnection{{Port: 1, MAC: free, AddressType: vcem.AddressUserDefined}}}))
				}
				return nil
			},
			want: []want{
				{code: vcem.CodeAddrConflict, domain: "", live: []vcem.ProfileKey{key("d2", "dup"), key("d3", "dup")}, changes: 0},
				{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d2", live: []vcem.ProfileKey{key("d2", "dup")}, changes: 1},
			},
		},
		{
			name: "factory-default address outside every range is not VCEM's",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.PutProfile("d2", vcem.Profile{Name: "fd", Ethernet: []vcem.EthernetConnection{{Port: 1, MAC: addrpool.MAC(0x001CC4000001), AddressType: vcem.AddressFactoryDefault}}}))
				return nil
			},
			want: nil,
		},
		{
			name: "everything at once",
			script: func(t *testing.T, l *vcemtest.Live) map[string]vcem.CredentialedDomain {
				require.NoError(t, l.DeleteProfile("d1", "web"))
				_, err := l.CreateProfile("d2", vcemtest.ProfileSpec{Name: "big", Ethernet: 4, FCoE: 2, FC: 3})
				require.NoError(t, err)
				require.NoError(t, l.RemoveFromGroup("d3"))
				require.NoError(t, l.SetCredentials("d3", labCredentials()))
				_, err = l.CreateProfile("d3", vcemtest.ProfileSpec{Name: "late", Ethernet: 2})
				require.NoError(t, err)
				require.NoError(t, l.AddModule("d1", mod("enc1", 2, "VC-ENET")))
				return credsFor("d3", "d3.vcm.example")
			},
			want: []want{
				{code: vcem.CodeAddrReassigned, domain: "d1", profileID: "d1:web", live: []vcem.ProfileKey{key("d2", "big")}, changes: -1},
				{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d2", live: []vcem.ProfileKey{key("d2", "big")}, changes: -1},
				{code: vcem.CodeAddrAllocatedAfterBackup, domain: "d3", live: []vcem.ProfileKey{key("d3", "late")}, changes: 2},
				{code: vcem.CodeModulesChanged, domain: "d1", changes: 0},
				{code: vcem.CodeDomainGroupChanged, domain: "d3", changes: 0},
			},
		},
	}
}

func runPhase1Case(t *testing.T, tc phase1Case) (*vcem.Snapshot, *vcemtest.Live, []vcem.LiveDomain, []vcem.Finding) {
	t.Helper()
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	creds := tc.script(t, live)
	lds := restoreAndGather(t, restored, live, creds)
	fs, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(t, err)
	return restored, live, lds, fs
}

func TestAnalyzePhase1Cases(t *testing.T) {
	for _, tc := range phase1Cases() {
		t.Run(tc.name, func(t *testing.T) {
			restored, live, _, fs := runPhase1Case(t, tc)
			var got []want
			for i, f := range fs {
				w := want{code: f.Code, domain: f.Subject.DomainID, profileID: f.Subject.ProfileID, live: f.Subject.LiveProfiles, changes: len(f.Changes)}
				if i < len(tc.want) && tc.want[i].changes < 0 {
					w.changes = -1
				}
				got = append(got, w)
				checkFinding(t, f)
				assert.NotEmpty(t, f.Message)
				assert.Equal(t, 1, mustCodeInfo(t, f.Code).Phase)
			}
			assert.Equal(t, tc.want, got)
			if tc.check != nil && len(fs) == len(tc.want) {
				tc.check(t, restored, live, fs)
			}
		})
	}
}

// TestPhase1ChangesResolveEveryFinding is the completeness property: apply
// every change of phase 1 to a copy, analyse again, and nothing actionable
// is left — for every case. It also checks analysis did not touch its input
// and that the vcemtest store reaches the same state through the same Apply.
func TestPhase1ChangesResolveEveryFinding(t *testing.T) {
	for _, tc := range phase1Cases() {
		t.Run(tc.name, func(t *testing.T) {
			restored, _, lds, fs := runPhase1Case(t, tc)
			before, err := restored.Fingerprint()
			require.NoError(t, err)

			predicted := restored.Clone()
			store, err := vcemtest.NewStore(restored)
			require.NoError(t, err)
			for _, c := range vcem.ChangesOf(fs) {
				require.NoError(t, vcem.Apply(predicted, c), "dry run: %s", c)
				require.NoError(t, store.Apply(context.Background(), c), "store: %s", c)
			}
			require.NoError(t, predicted.Validate())

			again, err := vcem.AnalyzePhase1(predicted, lds)
			require.NoError(t, err)
			for _, f := range again {
				assert.Empty(t, f.Changes, "still has changes after applying phase 1: %s", f)
				assert.NotContains(t, []vcem.Code{vcem.CodeAddrAllocatedAfterBackup, vcem.CodeAddrReassigned}, f.Code)
			}

			after, err := restored.Fingerprint()
			require.NoError(t, err)
			assert.Equal(t, before, after, "analysis or the dry run modified the restored snapshot")

			stored, err := store.Snapshot(context.Background())
			require.NoError(t, err)
			assert.True(t, stored.Equal(predicted), "store and dry run disagree: %+v", vcem.Diff(predicted, stored))
		})
	}
}

func TestAnalyzePhase1RejectsBadInput(t *testing.T) {
	good := baseSnapshot(t)
	bad := good.Clone()
	p := bad.Profiles["d1:web"]
	p.DomainID = "nowhere"
	bad.Profiles["d1:web"] = p
	web := good.Profiles["d1:web"]
	wrongNode := web
	wrongNode.FC = []vcem.FCConnection{{Port: 1, PortWWN: web.FC[0].PortWWN, NodeWWN: web.FC[0].PortWWN, AddressType: vcem.AddressVCEMPool}}
	tests := []struct {
		name     string
		restored *vcem.Snapshot
		live     []vcem.LiveDomain
		contains []string
	}{
		{"nil snapshot", nil, nil, []string{"nil"}},
		{"invalid snapshot", bad, nil, []string{"d1:web", "nowhere", "unknown-domain"}},
		{"domain listed twice", good, []vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true}, {Domain: vcem.Domain{ID: "d1"}, Reachable: true}}, []string{`domain "d1" is listed twice`}},
		{"empty domain ID", good, []vcem.LiveDomain{{Reachable: true}}, []string{"live[0]: domain ID is empty"}},
		{"duplicate live profile name", good, []vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true, Profiles: []vcem.Profile{{Name: "a"}, {Name: "a"}}}}, []string{`profile name "a" appears twice`}},
		{"live node WWN breaks the rule", good, []vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true, Profiles: []vcem.Profile{wrongNode}}}, []string{`profile "web" fc[0].nodeWWN`, "port + 1"}},
		{"negative live port", good, []vcem.LiveDomain{{Domain: vcem.Domain{ID: "d1"}, Reachable: true, Profiles: []vcem.Profile{{Name: "a", Ethernet: []vcem.EthernetConnection{{Port: -1, MAC: 1, AddressType: vcem.AddressUserDefined}}}}}},
			[]string{`domain "d1": profile "a" ethernet[0].port: port -1 is negative`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := vcem.AnalyzePhase1(tt.restored, tt.live)
			require.Error(t, err)
			assert.Nil(t, fs)
			assert.True(t, errors.Is(err, vcem.ErrInvalid) || errors.Is(err, vcem.ErrInvalidSnapshot), "%v", err)
			for _, s := range tt.contains {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestAnalyzePhase2OneFindingPerDomain(t *testing.T) {
	tests := []struct {
		name    string
		domains []string
	}{
		{"three domains", []string{"d1", "d2", "d3"}},
		{"no domain", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := baseSnapshot(t)
			if tt.domains == nil {
				s, _ = vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{testMACRange()}, nil, []addrpool.Range[addrpool.WWN]{testWWNRange()}, nil)
			}
			fs, err := vcem.AnalyzePhase2(s)
			require.NoError(t, err)
			require.Len(t, fs, len(tt.domains))
			for i, f := range fs {
				assert.Equal(t, vcem.CodeDomainMayNeedResync, f.Code)
				checkFinding(t, f)
				assert.Equal(t, 2, mustCodeInfo(t, f.Code).Phase)
				assert.Equal(t, tt.domains[i], f.Subject.DomainID)
				assert.Contains(t, f.Message, "MAY")
				assert.False(t, f.Actionable())
			}
			assert.Equal(t, len(tt.domains), len(vcem.ResyncDomainIDs(fs)))
		})
	}
}

// The package doc says analyses only read their inputs, so they may run
// concurrently on the same inputs; -race checks it.
func TestAnalysisIsSafeToRunConcurrently(t *testing.T) {
	tc := phase1Cases()[len(phase1Cases())-1]
	restored, _, lds, want := runPhase1Case(t, tc)
	results := make([][]vcem.Finding, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			fs, err := vcem.AnalyzePhase1(restored, lds)
			if err == nil {
				results[i] = fs
			}
			_, _ = vcem.AnalyzePhase2(restored)
		})
	}
	wg.Wait()
	for _, got := range results {
		assert.Equal(t, want, got)
	}
}
