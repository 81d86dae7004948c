package matrixoe

import (
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name    string
		changes []Change
		want    []string
	}{
		{"no change", nil, nil},
		{"drop LS touches the LS, its SPE and its service, in record order", []Change{DropLS{LogicalServerID: "LS1"}},
			[]string{`logicalServer "LS1" removed`, `storagePoolEntry "SPE1" changed: logicalServerId "LS1" -> ""`,
				`service "S1" changed: logicalServerIds ["LS1" "VM1"] -> ["VM1"]`}},
		{"mark IP", []Change{MarkIPAllocated{Address: addr(t, "10.0.0.2")}}, []string{`ipAllocation "10.0.0.2" changed: allocated false -> true`}},
		{"import adds a group", []Change{ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG0", Set: "SET-A"})}}, []string{`recoveryGroup "RG0" added`}},
		{"remove both volumes", []Change{
			RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"}, RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V2"}},
			[]string{`storagePoolEntry "SPE1" changed: volumeIds ["V1" "V2"] -> []`}},
		{"terminate", []Change{TerminateRequest{RequestID: "R1", From: RequestInProgress, To: RequestCancelled}}, []string{`request "R1" changed: state "in-progress" -> "cancelled"`}},
		{"two fields", []Change{SetLSDeactivated{LogicalServerID: "VM1"}, SetPowerState{LogicalServerID: "VM1", Power: PowerOn}},
			[]string{`logicalServer "VM1" changed: activated true -> false; power "off" -> "on"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := world(t)
			b := a.Clone()
			require.NoError(t, ApplyAll(b, tc.changes...))
			var got []string
			for _, d := range Diff(a, b) {
				got = append(got, d.String())
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, len(tc.want) == 0, a.Equal(b))
			back := Diff(b, a)
			require.Len(t, back, len(tc.want))
			for _, d := range back {
				assert.Contains(t, []DiffOp{DiffChanged, DiffAdded, DiffRemoved}, d.Op)
			}
		})
	}
}

func TestDiffNilEqualsEmpty(t *testing.T) {
	a := world(t)
	b := a.Clone()
	spe := b.SPEs["SPEc"]
	spe.WWPNs = []addrpool.WWN{}
	b.SPEs["SPEc"] = spe
	assert.Empty(t, Diff(a, b))
	assert.True(t, a.Equal(b))
}

// A huge field value makes a bounded detail.
func TestDiffDetailIsBounded(t *testing.T) {
	a := world(t)
	b := a.Clone()
	ls := b.LogicalServers["LS1"]
	ls.Name = strings.Repeat("x", 1<<20)
	ls.SPEIDs = nil
	for range 1000 {
		ls.SPEIDs = append(ls.SPEIDs, strings.Repeat("y", 100))
	}
	b.LogicalServers["LS1"] = ls
	ds := Diff(a, b)
	require.Len(t, ds, 1)
	assert.Less(t, len(ds[0].Detail), maxDetail+64)
	assert.Less(t, len(ds[0].String()), maxDetail+256)
	assert.Contains(t, ds[0].Detail, `name "LS1_VC" -> "xxxx`)
}
