package matrixoe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review: every change a power finding carries must apply. A live power
// state VMM cannot tell (unknown) is no evidence of a change; an
// unrecognised one is bad input, reported with the VM and the value.
func TestAnalyzeLSRefreshLivePowerOutsideOnOff(t *testing.T) {
	tests := []struct {
		name    string
		db      PowerState
		live    PowerState
		want    []Code
		wantErr string
	}{
		{name: "live unknown, on in DB: no evidence, nothing", db: PowerOn, live: PowerUnknown},
		{name: "live unknown, unknown in DB: nothing", db: PowerUnknown, live: PowerUnknown},
		{name: "live on, unknown in DB: record it", db: PowerUnknown, live: PowerOn, want: []Code{CodeLSPowerChanged}},
		{name: "live value outside the vocabulary: error naming VM and value", db: PowerOn, live: "suspended", wantErr: `VM "vm-1" (logical server "VM1") in power state "suspended"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := newMS().vm("VM1", "vm-1", tc.db).build(t)
			fs, err := AnalyzeLSRefresh(ms, vcemProfiles(), map[string]PowerState{"vm-1": tc.live})
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalid)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Nil(t, fs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, codes(fs))
			require.NoError(t, ApplyAll(ms, ChangesOf(fs)...), "every proposed change applies")
			again, err := AnalyzeLSRefresh(ms, vcemProfiles(), map[string]PowerState{"vm-1": tc.live})
			require.NoError(t, err)
			assert.Empty(t, again, "fixed point after applying")
		})
	}
}
