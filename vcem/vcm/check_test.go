package vcm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

func TestCheckLive(t *testing.T) {
	good := vcem.LiveDomain{Domain: vcem.Domain{ID: "d1"}, Reachable: true, Profiles: []vcem.Profile{{Name: "a", DomainID: "d1"}}}
	require.NoError(t, checkLive(good))
	for _, tc := range []struct {
		name string
		edit func(*vcem.LiveDomain)
		want string
	}{
		{"empty domain ID", func(ld *vcem.LiveDomain) { ld.Domain.ID = ""; ld.Profiles = nil }, "domain ID is empty"},
		{"profile without name", func(ld *vcem.LiveDomain) { ld.Profiles[0].Name = "" }, "profiles[0] field name: empty"},
		{"profile of another domain", func(ld *vcem.LiveDomain) { ld.Profiles[0].DomainID = "d2" }, `profile "a" field domainId: "d2"`},
		{"bad address type", func(ld *vcem.LiveDomain) {
			ld.Profiles[0].Ethernet = []vcem.EthernetConnection{{Port: 1, MAC: 1, AddressType: "vc"}}
		}, `profile "a" field ethernet[0].mac: address type "vc" is unknown`},
		{"FCoE node WWN", func(ld *vcem.LiveDomain) {
			ld.Profiles[0].FCoE = []vcem.FCoEConnection{{Port: 1, MAC: 1, PortWWN: 10, NodeWWN: 10, AddressType: vcem.AddressVCEMPool}}
		}, `profile "a" field fcoe[0].nodeWWN`},
		{"two modules in a bay", func(ld *vcem.LiveDomain) {
			ld.Domain.Modules = []vcem.Module{{Enclosure: "enc0", Bay: 1}, {Enclosure: "enc0", Bay: 1}}
		}, "modules[1] field bay: enc0:1 holds two modules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ld := good
			ld.Profiles = append([]vcem.Profile(nil), good.Profiles...)
			tc.edit(&ld)
			err := checkLive(ld)
			assert.ErrorIs(t, err, vcem.ErrInvalidLive)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
