package spm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChangeTargetAndString(t *testing.T) {
	for _, tc := range []struct {
		c      Change
		target string
	}{
		{Quarantine{VolumeID: "V1"}, "volume V1"},
		{MarkServiceNonConformant{ServiceID: "S7"}, "storage service S7"},
		{SetSignatureState{VolumeID: "V2", State: SignatureValid}, "volume V2"},
		{RemoveVolume{VolumeID: "V3"}, "volume V3"},
		{SetPresentations{VolumeID: "V4"}, "volume V4"},
	} {
		t.Run(tc.c.Kind(), func(t *testing.T) {
			assert.Equal(t, tc.target, tc.c.Target())
			assert.Contains(t, tc.c.String(), tc.target[len(tc.target)-2:])
		})
	}
}
