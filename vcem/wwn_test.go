package vcem_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
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
