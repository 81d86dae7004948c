package resync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// The safety tests (issue 12) run at CI size by default: a few hundred runs
// each, fewer under -race or -short. The environment variables below run
// them at full size:
//
//	MXSYNC_HISTORIES=10000 go test -run 'TestSafety(RandomHistories|QuietHistories)' ./resync
//	MXSYNC_FAULT_RUNS=1000 go test -run TestSafetyFaults ./resync
//	MXSYNC_CRASH_ALL=1     go test -run TestSafetyCrashResume ./resync
//
// Every run is seeded; a failure prints the seed and the histories as JSON
// (resynctest.Replay), and the seed alone reruns it:
//
//	MXSYNC_SEED=1234 go test -run TestSafetyRandomHistories ./resync
const (
	envHistories = "MXSYNC_HISTORIES"
	envFaultRuns = "MXSYNC_FAULT_RUNS"
	envCrashAll  = "MXSYNC_CRASH_ALL"
	envSeed      = "MXSYNC_SEED"
)

// runs is how many seeded runs a safety test makes: the environment
// variable's value when set, else ci (a tenth of it under -race or -short).
func runs(t testing.TB, env string, ci int) int {
	t.Helper()
	if v := os.Getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "%s=%q: want a number of runs", env, v)
		return n
	}
	if raceEnabled || testing.Short() {
		return max(ci/10, 5)
	}
	return ci
}

// seeds returns the seeds of a safety test's runs: MXSYNC_SEED alone when
// set (to rerun a failure), else 1..n.
func seeds(t testing.TB, n int) []uint64 {
	t.Helper()
	if v := os.Getenv(envSeed); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "%s=%q: want a seed", envSeed, v)
		return []uint64{s}
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// reproduce is the message a failing run prints: how to rerun it, and the
// histories as JSON a developer can paste into resynctest.DecodeHistory.
func reproduce(test string, seed uint64, setup, history []resynctest.Activity) string {
	return fmt.Sprintf("rerun: %s=%d go test -run %s ./resync\nbefore the backup: %s\nafter the backup: %s",
		envSeed, seed, test, resynctest.Replay(seed, setup), resynctest.Replay(seed, history))
}

// groupChanged are the domains an activity of h moved into or out of a VC
// Domain Group: VCEM cannot reach them after the restore, so the operator
// gives their VC Manager credentials (mxsync's prompt, BR70 p40).
func groupChanged(h []resynctest.Activity) []string {
	var out []string
	for _, a := range h {
		if (a.Kind == resynctest.KindAddToGroup || a.Kind == resynctest.KindRemoveFromGroup) && !slices.Contains(out, a.Domain) {
			out = append(out, a.Domain)
		}
	}
	slices.Sort(out)
	return out
}

// predictEnd applies the plan to its own Prior — every phase's predicted
// changes (what the products do by themselves) and then its changes, each to
// its store — and returns the fingerprints the stores must end with, keyed
// as Estate.Fingerprints keys them.
func predictEnd(t testing.TB, p *resync.Plan) map[string]string {
	t.Helper()
	vs, cat, ms := p.Prior.VCEM.Clone(), p.Prior.SPM.Clone(), p.Prior.MatrixOE.Clone()
	apply := func(c resync.Change) {
		var err error
		switch c := c.(type) {
		case vcem.Change:
			err = vcem.Apply(vs, c)
		case spm.Change:
			err = spm.Apply(cat, c)
		case matrixoe.Change:
			err = matrixoe.Apply(ms, c)
		case resync.StopService, resync.StartService:
		default:
			t.Fatalf("a change of no store: %T %s", c, c)
		}
		require.NoError(t, err, "apply %s to the plan's prior state", c)
	}
	for _, ph := range p.Phases {
		for _, c := range ph.Predicted {
			apply(c)
		}
		for _, f := range ph.Findings {
			for _, c := range f.Changes {
				apply(c)
			}
		}
	}
	out := map[string]string{}
	var err error
	out[resync.InputVCEMRestored], err = vs.Fingerprint()
	require.NoError(t, err)
	out[resync.InputSPMRestored], err = cat.Fingerprint()
	require.NoError(t, err)
	out[resync.InputMatrixOERestored], err = ms.Fingerprint()
	require.NoError(t, err)
	return out
}

// appliedChanges is every change a Result says was applied, in order.
func appliedChanges(res *resync.Result) resync.Changes {
	var out resync.Changes
	for _, p := range res.Phases {
		out = append(out, p.Applied...)
	}
	return out
}

// changesOutsideServices are the findings of p, outside the service check,
// that still propose a change: a second analysis after a complete execute
// must have none. (The service check proposes stopping the services again:
// the resync leaves them running, and the check is for the next one.)
func changesOutsideServices(p *resync.Plan) []string {
	var out []string
	for _, f := range p.Findings() {
		if len(f.Changes) > 0 && f.Phase.Section != resync.SectionServices {
			out = append(out, f.String())
		}
	}
	return out
}

// violations checks the invariants of issue 12 on an estate after a
// complete execute of plan, and returns each one broken, in words. backup
// is what was restored.
func violations(ctx context.Context, t testing.TB, e *resynctest.Estate, backup *resynctest.Backup, plan *resync.Plan) []string {
	t.Helper()
	fk := e.Fakes()
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	db, err := fk.VCEMStore.Snapshot(ctx)
	require.NoError(t, err)

	// No address is Free in the restored VCEM database while a VC domain
	// uses it.
	for _, d := range fk.VCEMLive.Data().Domains {
		for _, p := range d.Profiles {
			for _, m := range profileMACs(p) {
				if st, _, ok := db.MACs.Lookup(m); ok && st == addrpool.Free {
					bad("MAC %s of live profile %s/%s is Free in the VCEM database", m, d.Domain.ID, p.Name)
				}
			}
			for _, w := range profileWWNs(p) {
				if st, _, ok := db.WWNs.Lookup(w); ok && st == addrpool.Free {
					bad("WWN %s of live profile %s/%s is Free in the VCEM database", w, d.Domain.ID, p.Name)
				}
			}
		}
	}

	// No address belongs to two profiles of the database.
	owners := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(db.Profiles)) {
		p := db.Profiles[id]
		var addrs []string
		for _, m := range profileMACs(p) {
			addrs = append(addrs, "MAC "+m.String())
		}
		for _, w := range profileWWNs(p) {
			addrs = append(addrs, "WWN "+w.String())
		}
		for _, a := range addrs {
			if o, ok := owners[a]; ok && o != id {
				bad("%s belongs to profiles %s and %s in the VCEM database", a, o, id)
			}
			owners[a] = id
		}
	}

	// Every logical server refers to an existing profile, or is
	// deactivated (dropped ones are gone).
	ms, err := fk.MatrixOE.Snapshot(ctx)
	require.NoError(t, err)
	for _, id := range slices.Sorted(maps.Keys(ms.LogicalServers)) {
		ls := ms.LogicalServers[id]
		if ls.Kind != matrixoe.LSPhysicalVC || ls.ProfileID == "" || !ls.Activated {
			continue
		}
		if _, ok := db.Profiles[ls.ProfileID]; !ok {
			bad("activated logical server %s refers to profile %s, which the VCEM database does not hold", id, ls.ProfileID)
		}
	}

	// No volume is presented live without the catalog knowing it (and the
	// presentation) or it being quarantined — unless the plan took it out
	// of SPM's management on purpose and said so: lsmanalyzer deletes from
	// SPM a volume imported and used after the backup (table 15, Volume2
	// and Volume4, FOUND), and SPM-VOLUME-NOT-IN-CATALOG asks for the
	// re-import of one the restored catalog never knew that carries this
	// catalog's signature. A volume without it (XP arrays hold none) cannot
	// be told from one SPM never managed: the re-entry checklist every plan
	// holds (SPM-MANUAL-REENTRY) asks for the re-import of the volumes
	// imported after the backup.
	cat, err := fk.Catalog.Snapshot(ctx)
	require.NoError(t, err)
	live, err := fk.Arrays.Live(ctx)
	require.NoError(t, err)
	type key struct {
		array string
		wwn   addrpool.WWN
	}
	vols := map[key]spm.Volume{}
	for _, v := range cat.Volumes {
		vols[key{v.ArrayID, v.WWN}] = v
	}
	told := map[key]bool{}
	for _, f := range plan.Findings() {
		for _, c := range f.Changes {
			if rv, ok := c.(spm.RemoveVolume); ok {
				if v, ok := plan.Prior.SPM.Volumes[rv.VolumeID]; ok {
					told[key{v.ArrayID, v.WWN}] = true
				}
			}
		}
		if f.Code == string(spm.CodeVolumeNotInCatalog) {
			var sub spm.Subject
			require.NoError(t, json.Unmarshal(f.Detail, &sub), "%s", f)
			told[key{sub.ArrayID, sub.VolumeWWN}] = true
		}
	}
	presented := map[string]bool{}
	for _, p := range cat.Presentations {
		presented[p.VolumeID+" "+p.Initiator.String()] = true
	}
	for _, aid := range slices.Sorted(maps.Keys(live.Arrays)) {
		for _, lp := range live.Arrays[aid].Presentations {
			v, ok := vols[key{aid, lp.VolumeWWN}]
			switch {
			case !ok && !told[key{aid, lp.VolumeWWN}] && signedHere(live.Arrays[aid], lp.VolumeWWN, cat.CatalogID):
				bad("array %s presents volume %s (%s), which the catalog does not know", aid, lp.VolumeWWN, lp)
			case ok && !v.Quarantined && !presented[v.ID+" "+lp.Initiator.String()]:
				bad("array %s presents volume %s to %s, which the catalog neither records nor quarantines", aid, v.ID, lp.Initiator)
			}
		}
	}

	// No request in flight at backup is left runnable.
	rs := matrixoe.DefaultRequestStates()
	for _, id := range slices.Sorted(maps.Keys(backup.MatrixOE.Requests)) {
		if !rs.IsUnfinished(backup.MatrixOE.Requests[id].State) {
			continue
		}
		if r, ok := ms.Requests[id]; ok && rs.IsUnfinished(r.State) {
			bad("request %s, in flight at backup, is still %s", id, r.State)
		}
	}
	return out
}

// signedHere reports whether array a holds volume wwn with catalog's
// signature.
func signedHere(a spm.LiveArray, wwn addrpool.WWN, catalog string) bool {
	for _, v := range a.Volumes {
		if v.WWN == wwn {
			return v.Signature.Present && v.Signature.OwningCatalog == catalog
		}
	}
	return false
}

func profileMACs(p vcem.Profile) []addrpool.MAC {
	var out []addrpool.MAC
	for _, c := range p.Ethernet {
		out = append(out, c.MAC)
	}
	for _, c := range p.ISCSI {
		out = append(out, c.MAC)
	}
	for _, c := range p.FCoE {
		out = append(out, c.MAC)
	}
	return out
}

func profileWWNs(p vcem.Profile) []addrpool.WWN {
	var out []addrpool.WWN
	for _, c := range p.FC {
		out = append(out, c.PortWWN, c.NodeWWN)
	}
	for _, c := range p.FCoE {
		out = append(out, c.PortWWN, c.NodeWWN)
	}
	return out
}

// endState is what an execute leaves that matters, as one comparable
// string: the databases' and the hardware's fingerprints, the RecoveryMode
// value and the domains in maintenance.
func endState(ctx context.Context, t testing.TB, e *resynctest.Estate) string {
	t.Helper()
	fp, err := e.Fingerprints()
	require.NoError(t, err)
	live, err := e.LiveFingerprints()
	require.NoError(t, err)
	mode, err := e.Fakes().RecoveryMode.RecoveryMode(ctx)
	require.NoError(t, err)
	var b strings.Builder
	for _, m := range []map[string]string{fp, live} {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(&b, "%s %s\n", k, m[k])
		}
	}
	fmt.Fprintf(&b, "RecoveryMode %s\nin maintenance %v\n", mode, e.Fakes().VCEMManager.InMaintenance())
	return b.String()
}
