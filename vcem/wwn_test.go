package vcem_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func TestNodeWWNRule(t *testing.T) {
	tests := []struct {
		name       string
		port, node addrpool.WWN
		ok         bool
	}{
		{"port + 1", 0x50060B0000C26200, 0x50060B0000C26201, true},
		{"carry into the next byte", 0x50060B0000C262FF, 0x50060B0000C26300, true},
		{"same as port", 0x50060B0000C26200, 0x50060B0000C26200, false},
		{"port - 1", 0x50060B0000C26200, 0x50060B0000C261FF, false},
		{"port + 2", 0x50060B0000C26200, 0x50060B0000C26202, false},
		{"last WWN has no node", addrpool.MaxWWN, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := vcem.CheckNodeWWN(tt.port, tt.node)
			if tt.ok {
				require.NoError(t, err)
				n, err := vcem.NodeWWNFor(tt.port)
				require.NoError(t, err)
				assert.Equal(t, tt.node, n)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.port.String())
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
