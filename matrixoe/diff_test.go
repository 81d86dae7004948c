package matrixoe

import (
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
		{"drop LS touches the LS, its service and its SPE", []Change{DropLS{LogicalServerID: "LS1"}},
			[]string{"logicalServers LS1 removed", "storagePoolEntries SPE1 changed", "services S1 changed"}},
		{"mark IP", []Change{MarkIPAllocated{Address: addr(t, "10.0.0.2")}}, []string{"ipAllocations 10.0.0.2 changed"}},
		{"import adds a group", []Change{ApplyRMExport{Export: *export(RecoveryGroup{Name: "RG0", Set: "SET-A"})}}, []string{"recoveryGroups RG0 added"}},
		{"remove both volumes", []Change{
			RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V1"}, RemoveVolumeFromSPE{SPEID: "SPE1", VolumeID: "V2"}},
			[]string{"storagePoolEntries SPE1 changed"}},
		{"terminate", []Change{TerminateRequest{RequestID: "R1"}}, []string{"requests R1 changed"}},
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
			for _, d := range Diff(b, a) {
				assert.Contains(t, []DiffKind{DiffChanged, DiffAdded, DiffRemoved}, d.Kind)
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
}
