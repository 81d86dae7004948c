package spm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// Each of the nine Signature States carries the action of the SPM 2.2 user
// guide's table (p20, domain notes §6.3), not only some action: the words
// that distinguish it must be in the finding's Manual text.
func TestSignatureStateActionsFollowTheGuide(t *testing.T) {
	want := map[spm.SignatureState][]string{
		spm.SignatureValid:                    {"safe to take out of quarantine"},
		spm.SignatureUnsupportedVersion:       {"newer SPM", "remove the volume from the catalog", "rewrite the signature"},
		spm.SignatureCorrupt:                  {"troubleshoot before taking"},
		spm.SignatureNotPresent:               {"usable", "cannot prove"},
		spm.SignatureNotPresentChanged:        {"usable", "cannot prove", "changed"},
		spm.SignatureOwningCatalogMismatch:    {"another SPM", "normally do not import", "forced import"},
		spm.SignatureUnexpectedServiceBinding: {"deactivate the bound service"},
		spm.SignatureActivationLevelMismatch:  {"lsmanalyser", "rewrite the signature", "out of quarantine"},
		spm.SignatureServiceMismatch:          {"another service", "deactivate the current service"},
	}
	require.Len(t, want, len(spm.SignatureStates()))
	for _, state := range spm.SignatureStates() {
		t.Run(string(state), func(t *testing.T) {
			s, a := estate(t)
			v := s.Volumes["vol3"] // on the 3PAR array
			v.Signature = state
			s.Volumes["vol3"] = v
			got := forVolume(analyze(t, s, a), "vol3")
			require.Len(t, got, 1)
			for _, w := range want[state] {
				assert.Contains(t, got[0].Manual, w)
			}
		})
	}
	t.Run("XP volumes are restored by hand", func(t *testing.T) {
		s, a := estate(t)
		got := forVolume(analyze(t, s, a), "volxp")
		require.Len(t, got, 1)
		assert.Equal(t, spm.CodeSignatureNotPresent, got[0].Code)
		assert.Contains(t, got[0].Manual, "by hand")
		assert.Equal(t, spmtest.ArrayXP, got[0].Subject.ArrayID)
	})
}
