package spm

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSignatureMessageIsSprintfs(t *testing.T) {
	for _, id := range oddChangeStrings {
		for _, name := range oddChangeStrings {
			v := Volume{ID: id, Name: name, ArrayID: name + id}
			for _, how := range []string{"SPM set", "predicted"} {
				want := fmt.Sprintf("volume %q (%s) on array %q: signature state %q (%s)", v.ID, v.Name, v.ArrayID, SignatureState(id), how)
				assert.Equal(t, want, signatureMessage(v, SignatureState(id), how))
			}
		}
	}
}
