package vcem

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceJSON is the snapshot as encoding/json writes its fields: what
// the hand-written encoder must match byte for byte.
func referenceJSON(t *testing.T, s Snapshot) []byte {
	type plain Snapshot
	s.fillMaps()
	b, err := json.Marshal(plain(s))
	require.NoError(t, err)
	return b
}

func TestSnapshotJSONIsEncodingJSONs(t *testing.T) {
	mac := addrpool.MustRange(addrpool.MAC(0x0017A4770000), addrpool.MAC(0x0017A47700FF))
	wwn := addrpool.MustRange(addrpool.WWN(0x50014380029E0000), addrpool.WWN(0x50014380029E00FF))
	s, err := NewSnapshot([]addrpool.Range[addrpool.MAC]{mac}, nil, []addrpool.Range[addrpool.WWN]{wwn}, nil)
	require.NoError(t, err)
	s.Groups["g<1>"] = DomainGroup{ID: "g<1>", Name: "Group \"one\" & co"}
	s.Domains["d1"] = Domain{ID: "d1", Name: "VC é", Manager: "d1.example", GroupID: "g<1>", Enclosures: []string{"e1", "e2"},
		Modules: []Module{{Enclosure: "e1", Bay: 1, Type: "FlexFabric", Serial: "S1"}, {Enclosure: "e1", Bay: 2, Type: "VC-FC"}}}
	s.Domains["d2"] = Domain{ID: "d2", Name: "bare", Manager: "m", Enclosures: []string{}}
	for i := range 5 {
		m := addrpool.MAC(0x0017A4770000 + 4*i)
		w := addrpool.WWN(0x50014380029E0000 + 4*i)
		p := Profile{ID: fmt.Sprintf("d1:p%d", i), Name: fmt.Sprintf("p%d", i), DomainID: "d1"}
		if i%2 == 0 {
			p.Bay, p.SerialNumber = "e1:3", "SN\t1"
		}
		if i != 1 {
			p.Ethernet = []EthernetConnection{{Port: 1, Network: "net-1", MAC: m, AddressType: AddressVCEMPool}, {Port: 2, MAC: m + 1, AddressType: AddressUserDefined}}
		}
		if i == 2 {
			p.ISCSI = []ISCSIConnection{{Port: 3, Network: "iscsi", MAC: m + 2, AddressType: AddressFactoryDefault}}
			p.FCoE = []FCoEConnection{{Port: 4, Fabric: "SAN-A", MAC: m + 3, PortWWN: w, NodeWWN: w + 1, AddressType: AddressVCEMPool}}
		}
		if i >= 3 {
			p.FC = []FCConnection{{Port: 1, Fabric: "SAN-B", PortWWN: w + 2, NodeWWN: w + 3, AddressType: AddressVCEMPool}, {Port: 2, PortWWN: w, NodeWWN: w + 1}}
		}
		s.Profiles[p.ID] = p
		require.NoError(t, s.MACs.AllocateAddr(m, p.ID))
	}
	require.NoError(t, s.WWNs.MarkExternalRange(addrpool.MustRange(wwn.Last-3, wwn.Last)))
	for name, snap := range map[string]Snapshot{"full": *s, "empty": {}, "no pools": {Profiles: s.Profiles}} {
		t.Run(name, func(t *testing.T) {
			got, err := snap.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, string(referenceJSON(t, snap)), string(got))
			viaJSON, err := json.Marshal(&snap)
			require.NoError(t, err)
			assert.Equal(t, string(got), string(viaJSON), "json.Marshal leaves the output as it is")
		})
	}
	bad := Snapshot{Profiles: map[string]Profile{"x": {ID: "x", Ethernet: []EthernetConnection{{MAC: addrpool.MaxMAC + 1}}}}}
	_, err = bad.MarshalJSON()
	assert.ErrorContains(t, err, "exceeds 48 bits")
}

func TestAppendLiveJSONIsEncodingJSONs(t *testing.T) {
	m := addrpool.MAC(0x0017A4770000)
	w := addrpool.WWN(0x50014380029E0000)
	full := []LiveDomain{
		{Domain: Domain{ID: "d1", Name: "VC \"é\" <1>", Manager: "d1.example", GroupID: "g1", Enclosures: []string{"e1"},
			Modules: []Module{{Enclosure: "e1", Bay: 1, Type: "FlexFabric", Serial: "S1"}}}, Reachable: true,
			Profiles: []Profile{
				{Name: "web", DomainID: "d1", Bay: "e1:1", SerialNumber: "SN\t1",
					Ethernet: []EthernetConnection{{Port: 1, Network: "net-1", MAC: m, AddressType: AddressVCEMPool}, {Port: 2, MAC: m + 1, AddressType: AddressUserDefined}},
					ISCSI:    []ISCSIConnection{{Port: 3, Network: "iscsi", MAC: m + 2, AddressType: AddressFactoryDefault}},
					FCoE:     []FCoEConnection{{Port: 4, Fabric: "SAN-A", MAC: m + 3, PortWWN: w, NodeWWN: w + 1, AddressType: AddressVCEMPool}},
					FC:       []FCConnection{{Port: 1, Fabric: "SAN-B", PortWWN: w + 2, NodeWWN: w + 3, AddressType: AddressVCEMPool}, {Port: 2}}},
				{Name: "bare", DomainID: "d1"},
			}},
		{Domain: Domain{ID: "d2", Manager: "d2.example"}},
		{Domain: Domain{ID: "d3", Manager: "d3.example"}, Reachable: true, ViaCredentials: true, Profiles: []Profile{}},
	}
	for name, live := range map[string][]LiveDomain{"full": full, "empty": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(live)
			require.NoError(t, err)
			got, err := AppendLiveJSON([]byte("x"), live)
			require.NoError(t, err)
			assert.Equal(t, "x"+string(want), string(got))
		})
	}
}
