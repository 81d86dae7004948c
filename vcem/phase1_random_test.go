package vcem_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// randomPostBackup scripts seeded random activity on a live estate made from
// restored: profiles created, deleted, reassigned by hand (addresses copied
// from other profiles, so reassignments and conflicts arise across domains),
// bays changed, modules added, domains taken out of or put into groups, made
// unreachable, and new domains. It returns the credentials the operator
// supplies (every reachable domain VCEM will not read).
func randomPostBackup(t *testing.T, rng *rand.Rand, restored *vcem.Snapshot, live *vcemtest.Live) map[string]vcem.CredentialedDomain {
	t.Helper()
	domains := slices.Sorted(func(yield func(string) bool) {
		for id := range restored.Domains {
			if !yield(id) {
				return
			}
		}
	})
	creds := vcem.NewCredentials("Administrator", "pw")
	for _, id := range domains {
		require.NoError(t, live.SetCredentials(id, creds))
	}
	var allAddrs []vcem.ProfileAddress
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range restored.Profiles {
			if !yield(id) {
				return
			}
		}
	}) {
		allAddrs = append(allAddrs, restored.Profiles[id].Addresses()...)
	}
	newDomains := 0
	unreachable := map[string]bool{}
	for step := range 4 + rng.IntN(10) {
		d := domains[rng.IntN(len(domains))]
		ld, _ := live.Domain(d)
		var names []string
		for _, p := range ld.Profiles {
			names = append(names, p.Name)
		}
		switch rng.IntN(9) {
		case 0: // delete a profile (frees its live addresses for reuse)
			if len(names) > 0 {
				require.NoError(t, live.DeleteProfile(d, names[rng.IntN(len(names))]))
			}
		case 1, 2: // create a profile from the live pools
			_, err := live.CreateProfile(d, vcemtest.ProfileSpec{Name: fmt.Sprintf("new%d", step), Ethernet: rng.IntN(3), ISCSI: rng.IntN(2), FCoE: rng.IntN(2), FC: rng.IntN(2)})
			require.NoError(t, err)
		case 3: // an operator copies restored addresses onto a profile by hand
			p := vcem.Profile{Name: fmt.Sprintf("hand%d", step), Bay: fmt.Sprintf("bay%d", step)}
			if len(names) > 0 && rng.IntN(2) == 0 {
				p.Name = names[rng.IntN(len(names))]
			}
			typ := []vcem.AddressType{vcem.AddressVCEMPool, vcem.AddressUserDefined}[rng.IntN(2)]
			for range 1 + rng.IntN(3) {
				a := allAddrs[rng.IntN(len(allAddrs))].Address
				switch a.Family {
				case vcem.FamilyMAC:
					m, err := addrpool.ParseMAC(a.Value)
					require.NoError(t, err)
					p.Ethernet = append(p.Ethernet, vcem.EthernetConnection{Port: len(p.Ethernet) + 1, MAC: m, AddressType: typ})
				case vcem.FamilyWWN:
					w, err := addrpool.ParseWWN(a.Value)
					require.NoError(t, err)
					node, err := vcem.NodeWWNFor(w)
					if err != nil {
						continue
					}
					p.FC = append(p.FC, vcem.FCConnection{Port: len(p.FC) + 1, PortWWN: w, NodeWWN: node, AddressType: typ})
				}
			}
			require.NoError(t, live.PutProfile(d, p))
		case 4: // bay change
			if len(names) > 0 {
				n := names[rng.IntN(len(names))]
				if rng.IntN(2) == 0 {
					require.NoError(t, live.UnassignProfile(d, n))
				} else {
					require.NoError(t, live.AssignProfile(d, n, fmt.Sprintf("bay%d", step)))
				}
			}
		case 5: // module added
			_ = live.AddModule(d, vcem.Module{Enclosure: "encX", Bay: step, Type: "VC-FC"})
		case 6: // group membership changed
			if ld.Domain.GroupID != "" && rng.IntN(2) == 0 {
				require.NoError(t, live.RemoveFromGroup(d))
			} else {
				require.NoError(t, live.AddToGroup(d, []string{"g1", "g2", "g9"}[rng.IntN(3)]))
			}
		case 7: // network down
			if rng.IntN(3) == 0 {
				require.NoError(t, live.SetReachable(d, false))
				unreachable[d] = true
			}
		case 8: // a new domain, in a group or not, with profiles
			newDomains++
			id := fmt.Sprintf("n%d", newDomains)
			dom := vcem.Domain{ID: id, Name: id, Manager: id + ".vcm.example"}
			if rng.IntN(2) == 0 {
				dom.GroupID = "g1"
			}
			require.NoError(t, live.AddDomain(dom, creds))
			for k := range 1 + rng.IntN(2) {
				_, err := live.CreateProfile(id, vcemtest.ProfileSpec{Name: fmt.Sprintf("p%d", k), Ethernet: 1 + rng.IntN(2), FC: rng.IntN(2)})
				require.NoError(t, err)
			}
			domains = append(domains, id)
		}
	}
	out := map[string]vcem.CredentialedDomain{}
	for _, id := range domains {
		if unreachable[id] {
			continue
		}
		ld, _ := live.Domain(id)
		out[id] = vcem.CredentialedDomain{Target: vcem.DomainTarget{ID: id, Manager: ld.Domain.Manager}, Credentials: creds}
	}
	return out
}

// TestPhase1RandomEstatesReachAFixedPoint: on seeded random post-backup
// activity, phase 1's changes apply in order (dry run and store alike), keep
// the snapshot valid, leave nothing actionable when analysed again, survive a
// JSON round trip of the findings, and the predicted resync applied on top
// predicts nothing more.
func TestPhase1RandomEstatesReachAFixedPoint(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x5eed))
			restored := baseSnapshot(t)
			live, err := vcemtest.NewLive(restored)
			require.NoError(t, err)
			creds := randomPostBackup(t, rng, restored, live)
			lds := restoreAndGather(t, restored, live, creds)
			fs, err := vcem.AnalyzePhase1(restored, lds)
			require.NoError(t, err)
			checkFindings(t, fs)

			// ApplyAll is the same as applying one by one.
			batch := restored.Clone()
			require.NoError(t, vcem.ApplyAll(batch, vcem.ChangesOf(fs)...))

			b, err := json.Marshal(fs)
			require.NoError(t, err)
			var back []vcem.Finding
			require.NoError(t, json.Unmarshal(b, &back))
			require.Equal(t, fs, back, "findings JSON round trip")

			predicted := restored.Clone()
			store, err := vcemtest.NewStore(restored)
			require.NoError(t, err)
			for _, c := range vcem.ChangesOf(back) {
				require.NoError(t, vcem.Apply(predicted, c), "dry run: %s", c)
				require.NoError(t, store.Apply(context.Background(), c), "store: %s", c)
			}
			require.NoError(t, predicted.Validate())
			stored, err := store.Snapshot(context.Background())
			require.NoError(t, err)
			assert.True(t, stored.Equal(predicted))
			assert.True(t, batch.Equal(predicted), "ApplyAll and Apply one by one agree")

			again, err := vcem.AnalyzePhase1(predicted, lds, vcem.Prevalidated())
			require.NoError(t, err)
			checkFindings(t, again)
			for _, f := range again {
				assert.Empty(t, f.Changes, "still has changes after phase 1: %s", f)
			}

			resync, err := vcem.PredictResync(predicted, lds)
			require.NoError(t, err)
			for _, c := range resync {
				require.NoError(t, vcem.Apply(predicted, c), "resync: %s", c)
			}
			require.NoError(t, predicted.Validate())
			more, err := vcem.PredictResync(predicted, lds)
			require.NoError(t, err)
			assert.Empty(t, more)
		})
	}
}
