package matrixoe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every change names its record in Target and describes itself in String,
// both mentioning the record's ID, so plans and journals read well.
func TestChangeTargetAndString(t *testing.T) {
	ids := map[string]string{
		KindSetLSDeactivated: "LS1", KindDropLS: "LS1", KindSetPowerState: "VM1",
		KindAddVolumeToSPE: "SPE1", KindRemoveVolumeFromSPE: "SPE1", KindDeleteVolumeFromSPM: "V2",
		KindTerminateRequest: "R1", KindRemoveServiceDefinition: "S1", KindMarkIPAllocated: "10.0.0.2",
		KindApplyRMExport: "recovery groups", KindUpdateRecoveryGroup: "RG1",
	}
	for _, c := range allChanges(t) {
		t.Run(c.Kind(), func(t *testing.T) {
			id, ok := ids[c.Kind()]
			if !assert.True(t, ok, "kind missing from the table") {
				return
			}
			assert.Contains(t, c.Target(), id)
			if c.Kind() != KindApplyRMExport {
				assert.Contains(t, c.String(), id)
			}
			assert.NotEqual(t, c.Target(), c.String())
		})
	}
}
