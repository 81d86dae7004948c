package vcem_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The test estate's ranges: 1,024 MACs and 1,024 WWNs of the VCEM ranges.
const (
	testMACFirst = addrpool.MAC(0x00215A9B0000)
	testWWNFirst = addrpool.WWN(0x5001438002A30000)
)

func testMACRange() addrpool.Range[addrpool.MAC] {
	return addrpool.MustRange(testMACFirst, testMACFirst+0x3FF)
}
func testWWNRange() addrpool.Range[addrpool.WWN] {
	return addrpool.MustRange(testWWNFirst, testWWNFirst+0x3FF)
}

func mod(enc string, bay int, typ string) vcem.Module {
	return vcem.Module{Enclosure: enc, Bay: bay, Type: typ, Serial: enc + "-" + typ}
}

// baseSnapshot is the estate at backup time: two groups, three domains,
// four profiles.
func baseSnapshot(t testing.TB) *vcem.Snapshot {
	t.Helper()
	s, err := vcemtest.NewBuilder(testMACRange(), testWWNRange()).
		Group("g1", "Production").
		Group("g2", "Test").
		Domain(vcem.Domain{ID: "d1", Name: "Rack1", GroupID: "g1", Enclosures: []string{"enc1"}, Modules: []vcem.Module{mod("enc1", 1, "VC-ENET"), mod("enc1", 3, "VC-FC")}}).
		Domain(vcem.Domain{ID: "d2", Name: "Rack2", GroupID: "g1", Enclosures: []string{"enc2"}, Modules: []vcem.Module{mod("enc2", 1, "FlexFabric")}}).
		Domain(vcem.Domain{ID: "d3", Name: "Lab", GroupID: "g2", Enclosures: []string{"enc3"}, Modules: []vcem.Module{mod("enc3", 1, "VC-ENET")}}).
		Profile("d1", vcemtest.ProfileSpec{Name: "web", Bay: "enc1:1", Ethernet: 2, FC: 2}).
		Profile("d1", vcemtest.ProfileSpec{Name: "db", Bay: "enc1:2", Ethernet: 2, FC: 2}).
		Profile("d2", vcemtest.ProfileSpec{Name: "app", Bay: "enc2:1", Ethernet: 2, ISCSI: 1, FCoE: 1}).
		Profile("d3", vcemtest.ProfileSpec{Name: "x", Ethernet: 2}).
		Build()
	require.NoError(t, err)
	return s
}

// restoreAndGather simulates the CMS restore (VCEM knows the restored
// domains again) and reads the live side as the engine would.
func restoreAndGather(t testing.TB, restored *vcem.Snapshot, live *vcemtest.Live, creds map[string]vcem.CredentialedDomain) []vcem.LiveDomain {
	t.Helper()
	var ids []string
	for id := range restored.Domains {
		ids = append(ids, id)
	}
	live.RestoreVCEM(ids...)
	lds, err := vcem.GatherLive(context.Background(), live, restored, creds)
	require.NoError(t, err)
	return lds
}

func labCredentials() vcem.Credentials { return vcem.NewCredentials("Administrator", "s3cret-lab") }

func credsFor(id, manager string) map[string]vcem.CredentialedDomain {
	return map[string]vcem.CredentialedDomain{id: {Target: vcem.DomainTarget{ID: id, Manager: manager}, Credentials: labCredentials()}}
}
