package matrixoe

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomEstate builds a valid restored Matrix OE snapshot and a random
// post-backup world around it (predicted VCEM, SPM catalogs, VMM, live IO,
// services file marks, RM export), from a seed.
func randomEstate(t *testing.T, seed uint64) estate {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(p float64) bool { return r.Float64() < p }
	wwns := make([]addrpool.WWN, 12)
	for i := range wwns {
		wwns[i] = addrpool.WWN(0x5001438000000000 + uint64(i))
	}
	b := newMS()
	vols := r.Perm(24)
	next := 0
	takeVols := func(n int) []string {
		var out []string
		for range n {
			if next < len(vols) {
				out = append(out, fmt.Sprintf("V%d", vols[next]))
				next++
			}
		}
		return out
	}
	nLS := 2 + r.IntN(8)
	var lsIDs []string
	for i := range nLS {
		id := fmt.Sprintf("LS%d", i)
		lsIDs = append(lsIDs, id)
		if pick(0.3) {
			b.vm(id, fmt.Sprintf("vm-%d", i), []PowerState{PowerOn, PowerOff, PowerUnknown}[r.IntN(3)])
		} else {
			var spes []string
			for j := range r.IntN(3) {
				speID := fmt.Sprintf("SPE%d-%d", i, j)
				kind := SPECatalog
				if pick(0.2) {
					kind = SPECarved
				}
				var ws []addrpool.WWN
				for range r.IntN(3) {
					ws = append(ws, wwns[r.IntN(len(wwns))])
				}
				b.spe(speID, kind, takeVols(r.IntN(3)), ws...)
				if pick(0.2) {
					b.inoperableSPE(speID)
				}
				spes = append(spes, speID)
			}
			b.vc(id, fmt.Sprintf("P%d", i), pick(0.7), spes...)
		}
		if pick(0.1) {
			b.edit(id, func(l *LogicalServer) { l.Inoperable = true })
		}
		if pick(0.1) {
			b.edit(id, func(l *LogicalServer) { l.Managed = false })
		}
	}
	// An orphan SPE (its server dropped before the backup's last refresh).
	b.spe("SPE-orphan", SPECatalog, takeVols(1), wwns[r.IntN(len(wwns))])
	var svcNames []string
	for i := range 1 + r.IntN(4) {
		var members []string
		for _, id := range lsIDs {
			if pick(0.3) {
				members = append(members, id)
			}
		}
		name := fmt.Sprintf("svc %d", i)
		svcNames = append(svcNames, name)
		b.service(fmt.Sprintf("S%d", i), name, members...)
	}
	states := []RequestState{RequestScheduled, RequestPendingApproval, RequestInProgress, RequestPaused, RequestCompleted, RequestFailed, RequestCancelled}
	for i := range r.IntN(6) {
		svc := ""
		if pick(0.7) {
			svc = fmt.Sprintf("S%d", r.IntN(len(svcNames)))
		}
		b.request(fmt.Sprintf("R%d", i), svc, states[r.IntN(len(states))])
	}
	var addrs []netip.Addr
	for i := range 8 {
		a := netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)})
		addrs = append(addrs, a)
		svc := ""
		if pick(0.4) {
			svc = fmt.Sprintf("S%d", r.IntN(len(svcNames)))
		}
		b.ip(a, svc)
	}
	sets := []string{"SET-A", "SET-B"}
	srgs := []string{"SRG1", "SRG2", "SRG3"}
	randomGroup := func(name string) RecoveryGroup {
		g := RecoveryGroup{Name: name, Set: sets[r.IntN(2)], Enabled: pick(0.8)}
		for _, id := range append(slices.Clone(lsIDs), "LS-gone") {
			if pick(0.3) {
				g.ProtectedLS = append(g.ProtectedLS, id)
			}
		}
		if pick(0.5) {
			g.ReplicationGroups = []string{srgs[r.IntN(3)]}
		}
		return g
	}
	for i := range r.IntN(3) {
		g := randomGroup(fmt.Sprintf("RG%d", i))
		b.s.RecoveryGroups[g.Name] = g
	}
	ms := b.s
	require.NoError(t, ms.Validate(), "seed %d", seed)

	vs := &vcem.Snapshot{Profiles: map[string]vcem.Profile{}}
	for _, ls := range ms.LogicalServers {
		if ls.Kind == LSPhysicalVC && pick(0.8) {
			p := vcem.Profile{ID: ls.ProfileID, Name: ls.ProfileID, DomainID: "D1"}
			if pick(0.6) {
				p.Bay = "enc1:1"
			}
			vs.Profiles[p.ID] = p
		}
	}
	vm := map[string]PowerState{}
	for _, ls := range ms.LogicalServers {
		if ls.Kind == LSVirtual && pick(0.85) {
			vm[ls.VMID] = []PowerState{PowerOn, PowerOff, PowerUnknown}[r.IntN(3)]
		}
	}
	restored, current := newSPM(), newSPM()
	current.svc("svcOK", true).svc("svcBad", false)
	for i := range 24 {
		id := fmt.Sprintf("V%d", i)
		svc := []string{"", "svcOK", "svcBad", "svcGone"}[r.IntN(4)]
		var pres []addrpool.WWN
		for range r.IntN(3) {
			w := wwns[r.IntN(len(wwns))]
			if !slices.Contains(pres, w) {
				pres = append(pres, w)
			}
		}
		if pick(0.7) {
			restored.vol(id, svc)
		}
		if pick(0.9) {
			current.vol(id, svc, pres...)
		}
	}
	var lines []string
	for _, n := range svcNames {
		if pick(0.3) {
			n = "*" + n
		}
		lines = append(lines, n)
	}
	ips := map[netip.Addr]string{}
	for _, a := range addrs {
		if pick(0.5) {
			ips[a] = "live-owner"
		}
	}
	var exp *RMExport
	if pick(0.8) {
		var groups []RecoveryGroup
		for i := range r.IntN(4) {
			groups = append(groups, randomGroup(fmt.Sprintf("RG%d", i)))
		}
		exp = export(groups...)
	}
	return estate{ms: ms, vs: vs, spmRestored: restored.s, spmC: current.s, vm: vm, ips: ips,
		servicesFile: strings.Join(lines, "\r\n"), export: exp}
}

// Review: on many random estates, every phase in mxsync's order proposes
// changes that apply together (ApplyAll), leave a valid snapshot, and
// resolve the phase: re-analysis finds nothing actionable.
func TestRandomEstatesPhasesResolveThemselves(t *testing.T) {
	for seed := range uint64(400) {
		e := randomEstate(t, seed)
		predicted := e.ms.Clone()
		for _, ph := range phases() {
			fs := ph.analyze(t, predicted, e)
			next := predicted.Clone()
			changes := ChangesOf(fs)
			require.NoError(t, ApplyAll(next, changes...), "seed %d phase %s: %v", seed, ph.name, fs)
			require.NoError(t, next.Validate(), "seed %d phase %s", seed, ph.name)
			nextSPM := e.spmC.Clone()
			for _, c := range changes {
				_, err := PredictSPM(nextSPM, c)
				require.NoError(t, err, "seed %d phase %s", seed, ph.name)
			}
			e.spmC = nextSPM
			for _, f := range ph.analyze(t, next, e) {
				assert.False(t, f.Actionable(), "seed %d after %s: %s still actionable: %s", seed, ph.name, f.Code, f.Message)
			}
			predicted = next
		}
	}
}

// Review: ApplyAll (which looks volumes up in a batch index) gives exactly
// what applying each change with Apply gives — state and error — on random
// sequences of volume changes that include conflicts, re-applications and
// unknown entries.
func TestApplyAllMatchesApplyOnRandomVolumeChanges(t *testing.T) {
	oks, fails := 0, 0
	for seed := range uint64(300) {
		e := randomEstate(t, seed)
		r := rand.New(rand.NewPCG(seed, 11))
		speIDs := append(sortedKeys(e.ms.SPEs), "SPE-unknown")
		var changes []Change
		for range 1 + r.IntN(12) {
			vol := fmt.Sprintf("V%d", r.IntN(26))
			spe := speIDs[r.IntN(len(speIDs))]
			switch r.IntN(3) {
			case 0:
				changes = append(changes, AddVolumeToSPE{SPEID: spe, VolumeID: vol})
			case 1:
				changes = append(changes, RemoveVolumeFromSPE{SPEID: spe, VolumeID: vol})
			default:
				changes = append(changes, DeleteVolumeFromSPM{VolumeID: vol})
			}
		}
		// The longest prefix Apply accepts, and the first error.
		seq := e.ms.Clone()
		var seqErr error
		for i, c := range changes {
			if err := Apply(seq, c); err != nil {
				seqErr = &IndexedError{Index: i, Err: err}
				break
			}
		}
		batch := e.ms.Clone()
		err := ApplyAll(batch, changes...)
		if seqErr != nil {
			require.Error(t, err, "seed %d", seed)
			assert.Equal(t, seqErr.Error(), err.Error(), "seed %d", seed)
			assert.Empty(t, Diff(e.ms, batch), "seed %d: all or nothing", seed)
			fails++
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		assert.Empty(t, Diff(seq, batch), "seed %d", seed)
		assert.NoError(t, batch.Validate(), "seed %d", seed)
		oks++
	}
	t.Logf("%d batches applied, %d refused", oks, fails)
	assert.Positive(t, oks, "some batches apply")
	assert.Positive(t, fails, "some batches are refused")
}
