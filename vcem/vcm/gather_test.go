package vcm

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// The adapter's answers go through vcem's own gathering and analysis: d1 is
// read with its configured credentials, d2's configured address does not
// answer, so GatherLive reads it with the credentials given for it, and
// AnalyzePhase1 accepts the result and finds the addresses allocated after
// the backup.
func TestGatherLiveAndAnalyze(t *testing.T) {
	rack := startFake(t, scenario(t, "rack1"))
	lab := startFake(t, scenario(t, "lab"))
	d1 := domainFor(rack, "d1")
	d2 := domainFor(lab, "d2")
	d2.Address = "vcm-old-address.test" // the directory is out of date for d2
	c := newClient(t, []DomainConfig{d1, d2}, WithDialer(mapDialer(nil)), WithHostKey(lab.addr(), lab.fingerprint()))

	restored, err := vcemtest.NewBuilder(
		addrpool.MustRange(mac(t, "00-17-A4-77-00-00"), mac(t, "00-17-A4-77-FF-FF")),
		addrpool.MustRange(wwn(t, "50:06:0B:00:00:C2:00:00"), wwn(t, "50:06:0B:00:00:C2:FF:FF")),
	).Group("g1", "Group 1").
		Domain(vcem.Domain{ID: "d1", Name: "Rack1_VCDomain", Manager: rack.addr(), GroupID: "g1"}).
		Domain(vcem.Domain{ID: "d2", Name: "Lab", Manager: "vcm-old-address.test", GroupID: "g1"}).
		Build()
	require.NoError(t, err)

	creds := map[string]vcem.CredentialedDomain{"d2": {
		Target:      vcem.DomainTarget{ID: "d2", Manager: lab.addr()},
		Credentials: vcem.NewCredentials(lab.user, lab.password),
	}}
	live, err := vcem.GatherLive(context.Background(), c, restored, creds)
	require.NoError(t, err)
	require.Len(t, live, 2)
	assert.False(t, live[0].ViaCredentials)
	assert.True(t, live[1].ViaCredentials)
	assert.Equal(t, "d2", live[1].Domain.ID)

	findings, err := vcem.AnalyzePhase1(restored, live)
	require.NoError(t, err)
	allocated := map[string]int{}
	for _, f := range findings {
		if f.Code == vcem.CodeAddrAllocatedAfterBackup {
			for _, k := range f.Subject.LiveProfiles {
				allocated[k.String()] += len(f.Subject.Addresses)
			}
		}
	}
	// Every VCEM-range address of the live profiles is Free in the restored
	// database (it has no profiles): web 2 MACs + 4 WWNs, db 2 MACs, app a
	// MAC and 2 WWNs (its user-defined MAC is outside the range), spare 1
	// MAC, lab1 1 MAC.
	assert.Equal(t, map[string]int{"d1/web": 6, "d1/db": 2, "d1/app": 3, "d1/spare": 1, "d2/lab1": 1}, allocated)
}
