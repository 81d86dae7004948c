package vcem_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveDomainJSONRoundTrip(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	lds := restoreAndGather(t, restored, live, nil)
	b, err := json.Marshal(lds)
	require.NoError(t, err)
	var back []vcem.LiveDomain
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, lds, back)
	f1, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(t, err)
	f2, err := vcem.AnalyzePhase1(restored, back)
	require.NoError(t, err)
	assert.Equal(t, f1, f2)
}

// baseLive is the live read of the base estate, untouched since the backup.
func baseLive(t testing.TB) []vcem.LiveDomain {
	t.Helper()
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	return restoreAndGather(t, restored, live, nil)
}

// liveFingerprint fingerprints live, which must be valid.
func liveFingerprint(t *testing.T, live []vcem.LiveDomain) string {
	t.Helper()
	fp, err := vcem.FingerprintLive(live)
	require.NoError(t, err)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, fp)
	return fp
}

// shuffled returns a deep copy of live in another read order: domains,
// profiles, enclosures and modules permuted, profile IDs set as an adapter
// might (VC does not know them).
func shuffled(rng *rand.Rand, live []vcem.LiveDomain) []vcem.LiveDomain {
	out := make([]vcem.LiveDomain, len(live))
	for i, ld := range live {
		ld.Domain.Enclosures = slices.Clone(ld.Domain.Enclosures)
		ld.Domain.Modules = slices.Clone(ld.Domain.Modules)
		ld.Profiles = slices.Clone(ld.Profiles)
		rng.Shuffle(len(ld.Domain.Enclosures), func(a, b int) {
			ld.Domain.Enclosures[a], ld.Domain.Enclosures[b] = ld.Domain.Enclosures[b], ld.Domain.Enclosures[a]
		})
		rng.Shuffle(len(ld.Domain.Modules), func(a, b int) {
			ld.Domain.Modules[a], ld.Domain.Modules[b] = ld.Domain.Modules[b], ld.Domain.Modules[a]
		})
		rng.Shuffle(len(ld.Profiles), func(a, b int) { ld.Profiles[a], ld.Profiles[b] = ld.Profiles[b], ld.Profiles[a] })
		for j := range ld.Profiles {
			ld.Profiles[j].ID = fmt.Sprintf("vc-%d", rng.IntN(100))
			if rng.IntN(2) == 0 {
				ld.Profiles[j].DomainID = ""
			}
		}
		out[i] = ld
	}
	rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// The live fingerprint does not depend on read order, profile IDs or an
// empty profile DomainID, and it moves with every change that matters;
// DiffLive agrees with it.
func TestFingerprintLive(t *testing.T) {
	base := baseLive(t)
	want := liveFingerprint(t, base)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20 {
		s := shuffled(rng, base)
		assert.Equal(t, want, liveFingerprint(t, s), "read order %d", i)
		assert.Empty(t, vcem.DiffLive(base, s), "read order %d", i)
	}
	assert.Equal(t, liveFingerprint(t, nil), liveFingerprint(t, []vcem.LiveDomain{}), "nil and empty alike")
	assert.Empty(t, vcem.DiffLive(nil, []vcem.LiveDomain{}))

	edits := []struct {
		name string
		edit func(live []vcem.LiveDomain)
		want []vcem.Difference
	}{
		{"a bay", func(l []vcem.LiveDomain) { l[0].Profiles[0].Bay = "enc1:9" },
			[]vcem.Difference{{Record: "profile", ID: "d1/db", Op: vcem.DiffChanged, Detail: `bay "enc1:2" -> "enc1:9"`}}},
		{"reachability", func(l []vcem.LiveDomain) { l[1].Reachable = false },
			[]vcem.Difference{{Record: "domain", ID: "d2", Op: vcem.DiffChanged, Detail: `reachable "true" -> "false"`}}},
		{"a group", func(l []vcem.LiveDomain) { l[2].Domain.GroupID = "" },
			[]vcem.Difference{{Record: "domain", ID: "d3", Op: vcem.DiffChanged, Detail: `groupId "g2" -> ""`}}},
		{"a module", func(l []vcem.LiveDomain) { l[2].Domain.Modules = append(l[2].Domain.Modules, mod("enc3", 2, "VC-FC")) },
			[]vcem.Difference{{Record: "domain", ID: "d3", Op: vcem.DiffChanged, Detail: "modules 1 -> 2 entries"}}},
		{"a profile removed", func(l []vcem.LiveDomain) { l[2].Profiles = nil },
			[]vcem.Difference{{Record: "profile", ID: "d3/x", Op: vcem.DiffRemoved}}},
		{"a domain removed", func(l []vcem.LiveDomain) { l[2] = vcem.LiveDomain{Domain: vcem.Domain{ID: "d4"}} },
			[]vcem.Difference{{Record: "domain", ID: "d3", Op: vcem.DiffRemoved}, {Record: "domain", ID: "d4", Op: vcem.DiffAdded}, {Record: "profile", ID: "d3/x", Op: vcem.DiffRemoved}}},
	}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			l := shuffled(rand.New(rand.NewPCG(1, 1)), base)
			slices.SortFunc(l, func(a, b vcem.LiveDomain) int { return strings.Compare(a.Domain.ID, b.Domain.ID) })
			for i := range l {
				slices.SortFunc(l[i].Profiles, func(a, b vcem.Profile) int { return strings.Compare(a.Name, b.Name) })
			}
			tt.edit(l)
			assert.NotEqual(t, want, liveFingerprint(t, l))
			assert.Equal(t, tt.want, vcem.DiffLive(base, l))
		})
	}

	dup := append(slices.Clone(base), base[0])
	_, err := vcem.FingerprintLive(dup)
	assert.ErrorIs(t, err, vcem.ErrInvalidLive)
	assert.EqualError(t, err, `vcem: live: domain "d1" is listed twice: invalid live domain data: invalid`)
}

// Live data is decoded strictly, like every JSON of the package.
func TestLiveDomainJSONRejects(t *testing.T) {
	var ld vcem.LiveDomain
	err := json.Unmarshal([]byte(`{"domain":{"id":"d1","name":"n","manager":"m","grupId":"g"},"reachable":true}`), &ld)
	assert.EqualError(t, err, `vcem: live domain JSON: domain.grupId: unknown field "grupId" (line 1, column 47)`)
	err = json.Unmarshal([]byte(`{"domain":{"id":"d1","name":"n","manager":"m"},"reachable":true,"reachable":false}`), &ld)
	assert.ErrorContains(t, err, `reachable: key "reachable" repeated in one object`)
}
