package matrixoe

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomLive is a random reading of the live side.
func randomLive(r *rand.Rand) *LiveState {
	st := &LiveState{VMPower: map[string]PowerState{}, IPs: IPOwners{}}
	for i := range r.IntN(6) {
		st.VMPower[fmt.Sprintf("vm-%d", i)] = []PowerState{PowerOn, PowerOff, PowerUnknown}[r.IntN(3)]
	}
	for i := range r.IntN(6) {
		st.IPs[netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})] = fmt.Sprintf("owner-%d", r.IntN(3))
	}
	if r.IntN(4) > 0 {
		var groups []RecoveryGroup
		for i := range r.IntN(4) {
			groups = append(groups, RecoveryGroup{Name: fmt.Sprintf("RG%d", i), Set: "A", ProtectedLS: []string{"LS1", "LS2"}[:r.IntN(3)], Enabled: r.IntN(2) == 0})
		}
		st.Export = export(groups...)
	}
	return st
}

// editLive changes one thing of a copy of st.
func editLive(r *rand.Rand, st *LiveState) *LiveState {
	out := &LiveState{VMPower: map[string]PowerState{}, IPs: IPOwners{}}
	for k, v := range st.VMPower {
		out.VMPower[k] = v
	}
	for k, v := range st.IPs {
		out.IPs[k] = v
	}
	if st.Export != nil {
		e := *st.Export
		e.RecoveryGroups = slices.Clone(e.RecoveryGroups)
		out.Export = &e
	}
	switch r.IntN(5) {
	case 0:
		out.VMPower[fmt.Sprintf("vm-%d", r.IntN(8))] = PowerOff
	case 1:
		out.IPs[netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(8))})] = "someone"
	case 2:
		out.Export = nil
	case 3:
		if out.Export != nil && len(out.Export.RecoveryGroups) > 0 {
			out.Export.RecoveryGroups[0].Set = "B"
		}
	default:
		if out.Export != nil {
			out.Export.Site = "elsewhere"
		}
	}
	return out
}

// FingerprintLive and DiffLive agree on random readings, nil and empty
// alike.
func TestFingerprintLiveAndDiffLiveAgree(t *testing.T) {
	for _, pair := range [][2]*LiveState{{nil, {}}, {{}, {VMPower: map[string]PowerState{}, IPs: IPOwners{}}}} {
		fa, err := FingerprintLive(pair[0])
		require.NoError(t, err)
		fb, err := FingerprintLive(pair[1])
		require.NoError(t, err)
		assert.Equal(t, fa, fb)
		assert.Empty(t, DiffLive(pair[0], pair[1]))
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, fa)
	}
	snapFP, err := NewSnapshot().Fingerprint()
	require.NoError(t, err)
	liveFP, err := FingerprintLive(nil)
	require.NoError(t, err)
	assert.NotEqual(t, snapFP, liveFP, "the two encodings carry their own tags")

	same, different := 0, 0
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 5))
		states := []*LiveState{nil, randomLive(r)}
		for range 4 {
			states = append(states, editLive(r, states[1+r.IntN(len(states)-1)]))
		}
		for i, a := range states {
			for j, b := range states {
				fa, err := FingerprintLive(a)
				require.NoError(t, err)
				fb, err := FingerprintLive(b)
				require.NoError(t, err)
				d := DiffLive(a, b)
				require.Equal(t, fa == fb, len(d) == 0, "seed %d states %d, %d: %v", seed, i, j, d)
				if fa == fb {
					same++
				} else {
					different++
				}
			}
		}
	}
	assert.Positive(t, same)
	assert.Positive(t, different)
}

// Order that has no meaning live does not change the fingerprint: the
// export's groups and their members are sets.
func TestFingerprintLiveIgnoresListOrder(t *testing.T) {
	a := &LiveState{Export: export(
		RecoveryGroup{Name: "RG1", Set: "A", ProtectedLS: []string{"LS1", "LS2"}, ReplicationGroups: []string{"S1", "S2"}},
		RecoveryGroup{Name: "RG2", Set: "B"})}
	b := &LiveState{Export: export(
		RecoveryGroup{Name: "RG2", Set: "B"},
		RecoveryGroup{Name: "RG1", Set: "A", ProtectedLS: []string{"LS2", "LS1"}, ReplicationGroups: []string{"S2", "S1"}})}
	fa, err := FingerprintLive(a)
	require.NoError(t, err)
	fb, err := FingerprintLive(b)
	require.NoError(t, err)
	assert.Equal(t, fa, fb)
	assert.Empty(t, DiffLive(a, b))

	none := &LiveState{}
	empty := &LiveState{Export: export()}
	assert.NotEmpty(t, DiffLive(none, empty), "an empty export provided is not no export")
}

func TestDiffLive(t *testing.T) {
	a10, a11 := addr(t, "10.0.0.10"), addr(t, "10.0.0.11")
	from := &LiveState{
		VMPower: map[string]PowerState{"vm-1": PowerOn, "vm-2": PowerOff},
		IPs:     IPOwners{a10: "web"},
		Export:  export(RecoveryGroup{Name: "RG1", Set: "A"}, RecoveryGroup{Name: "RG2", Set: "A"}),
	}
	to := &LiveState{
		VMPower: map[string]PowerState{"vm-1": PowerOff, "vm-3": PowerOn},
		IPs:     IPOwners{a10: "db", a11: "new"},
		Export:  export(RecoveryGroup{Name: "RG1", Set: "B"}, RecoveryGroup{Name: "RG3", Set: "A"}),
	}
	var got []string
	for _, d := range DiffLive(from, to) {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		`vm "vm-1" changed: power "on" -> "off"`,
		`vm "vm-2" removed`,
		`vm "vm-3" added`,
		`ipInUse "10.0.0.10" changed: owner "web" -> "db"`,
		`ipInUse "10.0.0.11" added`,
		`rmExport "export" changed: recoveryGroups ~"RG1" -"RG2" +"RG3"`,
	}, got)
	assert.Equal(t, []Difference{{Record: "rmExport", ID: "export", Op: DiffRemoved}}, DiffLive(from, &LiveState{VMPower: from.VMPower, IPs: from.IPs}))
}
