package vcem_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
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

// checkFinding asserts the rules every finding obeys: the severity rule
// (info: nothing to do; warning: changes or a manual step; error: a manual
// step) and the section, phase and severity its code's CodeInfo gives.
func checkFinding(t testing.TB, f vcem.Finding) {
	t.Helper()
	info, ok := codeInfo(f.Code)
	require.True(t, ok, "code %s is not in Codes()", f.Code)
	assert.Equal(t, info.Severity, f.Severity, "%s: severity of its CodeInfo", f.Code)
	switch f.Severity {
	case vcem.SeverityInfo:
		assert.False(t, f.Actionable(), "%s: an info finding has nothing to do", f)
		assert.False(t, f.Blocking(), "%s", f)
	case vcem.SeverityWarning:
		assert.True(t, f.Actionable(), "%s: a warning has changes or a manual step", f)
	case vcem.SeverityError:
		assert.NotEmpty(t, f.Manual, "%s: an error has a manual step", f)
		assert.True(t, f.Blocking(), "%s", f)
	default:
		t.Errorf("%s: unknown severity %q", f.Code, f.Severity)
	}
	assert.Equal(t, f.Manual != "" || f.Severity == vcem.SeverityError, f.Blocking(), "%s", f)
	assert.NotEmpty(t, f.Message)
}

// checkFindings applies checkFinding to each finding.
func checkFindings(t testing.TB, fs []vcem.Finding) {
	t.Helper()
	for _, f := range fs {
		checkFinding(t, f)
	}
}

func mustCodeInfo(t testing.TB, c vcem.Code) vcem.CodeInfo {
	t.Helper()
	ci, ok := codeInfo(c)
	require.True(t, ok, "code %s is not in Codes()", c)
	return ci
}

func codeInfo(c vcem.Code) (vcem.CodeInfo, bool) {
	for _, ci := range vcem.Codes() {
		if ci.Code == c {
			return ci, true
		}
	}
	return vcem.CodeInfo{}, false
}
