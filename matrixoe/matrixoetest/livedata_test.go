package matrixoetest

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveDataRoundTrip(t *testing.T) {
	l, err := LiveFromSnapshot(restored(t))
	require.NoError(t, err)
	require.NoError(t, l.DeleteService("db"))
	require.NoError(t, l.AllocateIP(netip.MustParseAddr("10.0.0.9"), "new"))
	l.CreateService("new", "vm-new")
	d := l.Data()
	require.Equal(t, map[string][]string{"web": {"vm-1"}, "new": {"vm-new"}}, d.ServiceVMs)

	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back LiveData
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back)

	l2, err := NewLiveFromData(back)
	require.NoError(t, err)
	assert.Equal(t, d, l2.Data())
	assert.Equal(t, []string{"db"}, l2.DeletedServices())

	require.NoError(t, l2.DeleteService("new"))
	assert.NotContains(t, l2.Data().VMs, "vm-new", "a reloaded live side knows which VMs a service runs on")

	back.Export = &matrixoe.RMExport{Format: "other"}
	_, err = NewLiveFromData(back)
	require.ErrorIs(t, err, matrixoe.ErrInvalid)
	_, err = NewLiveFromData(LiveData{ServiceVMs: map[string][]string{"ghost": {"vm"}}})
	require.ErrorIs(t, err, matrixoe.ErrInvalid)
}

// Loading live data checks what a hand-edited file could get wrong.
func TestNewLiveFromDataRejectsBadValues(t *testing.T) {
	tests := []struct {
		name string
		d    LiveData
		want string
	}{
		{"unknown power state", LiveData{VMs: map[string]matrixoe.PowerState{"vm-1": "suspended"}}, `VM "vm-1": power state "suspended"`},
		{"IPv4-mapped address", LiveData{IPs: map[netip.Addr]string{netip.MustParseAddr("::ffff:10.0.0.1"): "x"}}, "IP ::ffff:10.0.0.1"},
		{"invalid address", LiveData{IPs: map[netip.Addr]string{{}: "x"}}, "IP invalid IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLiveFromData(tc.d)
			require.ErrorIs(t, err, matrixoe.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.Nil(t, l)
		})
	}
	l, err := NewLiveFromData(LiveData{VMs: map[string]matrixoe.PowerState{"vm-1": matrixoe.PowerUnknown}})
	require.NoError(t, err, "unknown power is a state VMM can report")
	assert.Equal(t, matrixoe.PowerUnknown, l.Data().VMs["vm-1"])
}

// Live data's JSON is decoded strictly, with paths.
func TestLiveDataJSONIsStrict(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown field", `{"vms":{},"ips":{},"services":[],"vm":{}}`, `vm: unknown field "vm"`},
		{"missing field", `{"vms":{},"ips":{}}`, `services: missing field "services"`},
		{"case-folded field", `{"VMs":{},"ips":{},"services":[]}`, `did you mean "vms"`},
		{"address key in two spellings", `{"vms":{},"ips":{"::1":"a","0:0::1":"b"},"services":[]}`, `ips["0:0::1"]: bad key: IP address "0:0::1" is not in canonical form`},
		{"repeated key", `{"vms":{"v":"on","v":"off"},"ips":{},"services":[]}`, `vms["v"]: key "v" repeated`},
		{"nested export", `{"vms":{},"ips":{},"services":[],"rmExport":{"format":"f","version":1}}`, `rmExport.recoveryGroups: missing field "recoveryGroups"`},
		{"trailing data", `{"vms":{},"ips":{},"services":[]}{}`, `unexpected data after the JSON value`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d LiveData
			err := d.UnmarshalJSON([]byte(tc.in))
			require.ErrorIs(t, err, matrixoe.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, LiveData{}, d)
		})
	}
}
