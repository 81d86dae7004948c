package vcemtest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func macs() addrpool.Range[addrpool.MAC] {
	return addrpool.MustRange(addrpool.MAC(0x00215A9B0000), addrpool.MAC(0x00215A9B00FF))
}

func wwns() addrpool.Range[addrpool.WWN] {
	return addrpool.MustRange(addrpool.WWN(0x5001438002A30000), addrpool.WWN(0x5001438002A300FF))
}

func estate(t *testing.T) *vcem.Snapshot {
	t.Helper()
	s, err := vcemtest.NewBuilder(macs(), wwns()).
		Group("g1", "G1").
		Domain(vcem.Domain{ID: "d1", GroupID: "g1"}).
		Domain(vcem.Domain{ID: "d2", GroupID: "g1"}).
		Profile("d1", vcemtest.ProfileSpec{Name: "a", Bay: "1", Ethernet: 2, FC: 1}).
		Profile("d2", vcemtest.ProfileSpec{Name: "b", Ethernet: 1, FCoE: 1}).
		Build()
	require.NoError(t, err)
	return s
}

func TestBuilderAllocatesConsistently(t *testing.T) {
	s := estate(t)
	a := s.Profiles["d1:a"]
	assert.Equal(t, addrpool.MAC(0x00215A9B0000), a.Ethernet[0].MAC)
	assert.Equal(t, addrpool.WWN(0x5001438002A30000), a.FC[0].PortWWN)
	assert.NoError(t, vcem.CheckNodeWWN(a.FC[0].PortWWN, a.FC[0].NodeWWN))
	assert.Equal(t, uint64(4), s.MACs.Counts().InUse)
	assert.Equal(t, uint64(4), s.WWNs.Counts().InUse)

	_, err := vcemtest.NewBuilder(macs(), wwns()).Domain(vcem.Domain{ID: "d"}).Domain(vcem.Domain{ID: "d"}).Build()
	assert.ErrorContains(t, err, `domain "d" added twice`)
	_, err = vcemtest.NewBuilder(macs(), wwns()).Profile("nowhere", vcemtest.ProfileSpec{Name: "p"}).Build()
	assert.ErrorContains(t, err, "nowhere")
}

func TestStoreAppliesTheSameChanges(t *testing.T) {
	s := estate(t)
	st, err := vcemtest.NewStore(s)
	require.NoError(t, err)
	ctx := context.Background()
	changes := []vcem.Change{vcem.DeleteProfile{ProfileID: "d1:a"}, vcem.MarkExternalMAC{MAC: 0x00215A9B0000}}
	want := s.Clone()
	for _, c := range changes {
		require.NoError(t, st.Apply(ctx, c))
		require.NoError(t, vcem.Apply(want, c))
	}
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, want.Equal(got))
	assert.Equal(t, changes, st.Applied())
	assert.ErrorIs(t, st.Apply(ctx, vcem.DeleteProfile{ProfileID: "d1:a"}), vcem.ErrUnknownProfile)
	assert.Len(t, st.Applied(), 2, "a failed change is not recorded")

	// The returned snapshot is a copy.
	require.NoError(t, vcem.Apply(got, vcem.DeleteProfile{ProfileID: "d2:b"}))
	again, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.Contains(t, again.Profiles, "d2:b")

	bad := s.Clone()
	bad.Profiles["x"] = vcem.Profile{ID: "x", DomainID: "nowhere", Name: "x"}
	_, err = vcemtest.NewStore(bad)
	assert.ErrorContains(t, err, "nowhere")
}

func TestStoreFaultsAndContext(t *testing.T) {
	f := vcemtest.NewFaults(1)
	boom := errors.New("boom")
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpApply, Target: "profile d2:b", Err: boom}))
	st, err := vcemtest.NewStore(estate(t), vcemtest.WithFaults(f))
	require.NoError(t, err)
	ctx := context.Background()
	assert.ErrorIs(t, st.Apply(ctx, vcem.DeleteProfile{ProfileID: "d2:b"}), boom)
	assert.NoError(t, st.Apply(ctx, vcem.DeleteProfile{ProfileID: "d1:a"}))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = st.Snapshot(cctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestStoreConcurrentUse(t *testing.T) {
	st, err := vcemtest.NewStore(estate(t))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			_ = st.Apply(context.Background(), vcem.MarkExternalMAC{MAC: addrpool.MAC(0x00215A9B0080 + i%4)})
			_, _ = st.Snapshot(context.Background())
		})
	}
	wg.Wait()
	snap, err := st.Snapshot(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(4), snap.MACs.Counts().External)
}

func TestLiveReadsAndScripting(t *testing.T) {
	s := estate(t)
	l, err := vcemtest.NewLive(s)
	require.NoError(t, err)
	ctx := context.Background()
	creds := vcem.NewCredentials("admin", "pw")

	ld, err := l.ReadDomain(ctx, "d1")
	require.NoError(t, err)
	require.Len(t, ld.Profiles, 1)
	assert.Empty(t, ld.Profiles[0].ID, "VC does not know VCEM profile IDs")
	assert.Equal(t, s.Profiles["d1:a"].Ethernet, ld.Profiles[0].Ethernet)

	// A profile deleted and another created reuses the lowest freed address.
	require.NoError(t, l.DeleteProfile("d1", "a"))
	p, err := l.CreateProfile("d2", vcemtest.ProfileSpec{Name: "c", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	assert.Equal(t, s.Profiles["d1:a"].Ethernet[0].MAC, p.Ethernet[0].MAC)
	assert.Equal(t, s.Profiles["d1:a"].FC[0].PortWWN, p.FC[0].PortWWN)
	_, err = l.CreateProfile("d2", vcemtest.ProfileSpec{Name: "c"})
	assert.ErrorContains(t, err, "name in use")
	assert.ErrorIs(t, l.DeleteProfile("d1", "a"), vcem.ErrUnknownProfile)

	// Removed from its group: VCEM cannot read it; credentials can.
	require.NoError(t, l.RemoveFromGroup("d2"))
	l.RestoreVCEM("d1", "d2")
	_, err = l.ReadDomain(ctx, "d2")
	assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
	target := vcem.DomainTarget{ID: "d2", Manager: "d2.vcm.example"}
	_, err = l.ReadDomainWithCredentials(ctx, target, creds)
	assert.ErrorIs(t, err, vcem.ErrCredentialsRejected, "no credentials set yet")
	require.NoError(t, l.SetCredentials("d2", creds))
	ld, err = l.ReadDomainWithCredentials(ctx, target, creds)
	require.NoError(t, err)
	assert.True(t, ld.ViaCredentials)
	assert.Empty(t, ld.Domain.GroupID)
	assert.Len(t, ld.Profiles, 2)

	// Unreachable: neither way works.
	require.NoError(t, l.SetReachable("d2", false))
	_, err = l.ReadDomainWithCredentials(ctx, target, creds)
	assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)

	// VCEM's restored database does not know a domain added later.
	require.NoError(t, l.AddDomain(vcem.Domain{ID: "d9", Manager: "10.9.9.9"}, creds))
	require.NoError(t, l.AddToGroup("d9", "g1"))
	refs, err := l.ListDomains(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"d1", "d2", "d9"}, ids(refs))
	l.RestoreVCEM("d1", "d2")
	refs, err = l.ListDomains(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"d1", "d2"}, ids(refs))
	_, err = l.ReadDomain(ctx, "d9")
	assert.ErrorIs(t, err, vcem.ErrUnknownDomain)

	// Modules.
	require.NoError(t, l.AddModule("d1", vcem.Module{Enclosure: "e", Bay: 1, Type: "VC-ENET"}))
	assert.ErrorContains(t, l.AddModule("d1", vcem.Module{Enclosure: "e", Bay: 1}), "taken")
	require.NoError(t, l.RemoveModule("d1", "e", 1))
	assert.ErrorContains(t, l.RemoveModule("d1", "e", 1), "no module")
	assert.ErrorIs(t, l.AssignProfile("d7", "a", "1"), vcem.ErrUnknownDomain)
}

func ids(refs []vcem.DomainRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

func TestManagerSemantics(t *testing.T) {
	ctx := context.Background()
	m := vcemtest.NewManager(vcemtest.WithJobLatency(time.Millisecond))
	require.NoError(t, m.AddDomain("d1", false))
	assert.ErrorContains(t, m.AddDomain("d1", false), "already exists")

	_, err := m.CheckInSync(ctx, "d1")
	assert.ErrorIs(t, err, vcem.ErrNotInMaintenance)
	_, err = m.Resync(ctx, "d1")
	assert.ErrorIs(t, err, vcem.ErrNotInMaintenance)
	assert.ErrorIs(t, m.CancelMaintenance(ctx, "d1"), vcem.ErrNotInMaintenance)
	assert.ErrorIs(t, m.StartMaintenance(ctx, "nope"), vcem.ErrUnknownDomain)

	require.NoError(t, m.StartMaintenance(ctx, "d1"))
	assert.ErrorIs(t, m.StartMaintenance(ctx, "d1"), vcem.ErrInMaintenance)
	assert.Equal(t, []string{"d1"}, m.InMaintenance())
	inSync, err := m.CheckInSync(ctx, "d1")
	require.NoError(t, err)
	assert.False(t, inSync)
	id, err := m.Resync(ctx, "d1")
	require.NoError(t, err)
	job, err := m.WaitJob(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, vcem.JobCompleted, job.State)
	polled, err := m.Job(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, job, polled)
	require.NoError(t, m.CompleteMaintenance(ctx, "d1"))
	assert.Empty(t, m.InMaintenance())
	inSync, err = m.InSync("d1")
	require.NoError(t, err)
	assert.True(t, inSync)
	_, err = m.Job(ctx, "job-99")
	assert.ErrorIs(t, err, vcem.ErrUnknownJob)
}

func TestManagerRefusesCompleteWhileJobRuns(t *testing.T) {
	ctx := context.Background()
	m := vcemtest.NewManager(vcemtest.WithJobLatency(time.Hour))
	require.NoError(t, m.AddDomain("d1", false))
	require.NoError(t, m.StartMaintenance(ctx, "d1"))
	id, err := m.Resync(ctx, "d1")
	require.NoError(t, err)
	assert.ErrorIs(t, m.CompleteMaintenance(ctx, "d1"), vcem.ErrJobRunning)
	wctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	_, err = m.WaitJob(wctx, id)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, m.CancelMaintenance(ctx, "d1"))
	job, err := m.WaitJob(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, vcem.JobFailed, job.State)
	assert.Contains(t, job.Message, "cancelled")
	inSync, err := m.InSync("d1")
	require.NoError(t, err)
	assert.False(t, inSync)
	var ops []string
	for _, c := range m.Calls() {
		ops = append(ops, c.Op)
	}
	assert.Equal(t, []string{vcemtest.OpStartMaintenance, vcemtest.OpResync, vcemtest.OpCompleteMaintenance, vcemtest.OpWaitJob, vcemtest.OpCancelMaintenance, vcemtest.OpWaitJob}, ops)
}

func TestLiveRejectsSharedManagerAddress(t *testing.T) {
	s := estate(t)
	l, err := vcemtest.NewLive(s)
	require.NoError(t, err)
	err = l.AddDomain(vcem.Domain{ID: "d3", Manager: "d1.vcm.example"}, vcem.Credentials{})
	assert.ErrorContains(t, err, `domain "d1"`)

	d2 := s.Domains["d2"]
	d2.Manager = "d1.vcm.example"
	s.Domains["d2"] = d2
	_, err = vcemtest.NewLive(s)
	assert.ErrorContains(t, err, "share VC Manager address d1.vcm.example")
}

func TestStoreFaultByAddress(t *testing.T) {
	f := vcemtest.NewFaults(1)
	boom := errors.New("boom")
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpApply, Target: "MAC 00-21-5A-9B-00-80", Err: boom}))
	st, err := vcemtest.NewStore(estate(t), vcemtest.WithFaults(f))
	require.NoError(t, err)
	ctx := context.Background()
	assert.ErrorIs(t, st.Apply(ctx, vcem.MarkExternalMAC{MAC: 0x00215A9B0080}), boom)
	assert.NoError(t, st.Apply(ctx, vcem.MarkExternalMAC{MAC: 0x00215A9B0081}))
	assert.Len(t, st.Applied(), 1)
}

func TestLiveCreateProfileIsAllOrNothing(t *testing.T) {
	l, err := vcemtest.NewLive(estate(t))
	require.NoError(t, err)
	_, err = l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "huge", Ethernet: 300})
	require.ErrorIs(t, err, addrpool.ErrExhausted)
	p, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "small", Ethernet: 1})
	require.NoError(t, err)
	assert.Equal(t, addrpool.MAC(0x00215A9B0004), p.Ethernet[0].MAC, "the failed create took nothing")
	ld, ok := l.Domain("d1")
	require.True(t, ok)
	assert.Len(t, ld.Profiles, 2)

	require.NoError(t, l.AssignProfile("d1", "small", "enc1:7"))
	ld, _ = l.Domain("d1")
	assert.Equal(t, "enc1:7", ld.Profiles[1].Bay)
	require.NoError(t, l.UnassignProfile("d1", "small"))
	ld, _ = l.Domain("d1")
	assert.False(t, ld.Profiles[1].Assigned())
	assert.ErrorIs(t, l.UnassignProfile("d1", "zz"), vcem.ErrUnknownProfile)
	assert.ErrorContains(t, l.AssignProfile("d1", "small", ""), "empty bay")
}

func TestLiveDomainInspectionShowsReachability(t *testing.T) {
	l, err := vcemtest.NewLive(estate(t))
	require.NoError(t, err)
	for _, reachable := range []bool{false, true} {
		require.NoError(t, l.SetReachable("d1", reachable))
		ld, ok := l.Domain("d1")
		require.True(t, ok)
		assert.Equal(t, reachable, ld.Reachable)
		_, err := l.ReadDomain(context.Background(), "d1")
		assert.Equal(t, reachable, err == nil, "ReadDomain agrees: %v", err)
	}
}

// TestStoreFaultByKind: an OpApply rule whose Target is a change kind fires
// for every change of that kind and no other, and a failed Apply changes
// nothing.
func TestStoreFaultByKind(t *testing.T) {
	f := vcemtest.NewFaults(1)
	boom := errors.New("boom")
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpApply, Target: vcem.KindDeleteProfile, Err: boom}))
	st, err := vcemtest.NewStore(estate(t), vcemtest.WithFaults(f))
	require.NoError(t, err)
	ctx := context.Background()
	before, err := st.Snapshot(ctx)
	require.NoError(t, err)
	for _, id := range []string{"d1:a", "d2:b"} {
		assert.ErrorIs(t, st.Apply(ctx, vcem.DeleteProfile{ProfileID: id}), boom)
	}
	after, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, before.Equal(after))
	assert.NoError(t, st.Apply(ctx, vcem.MarkExternalMAC{MAC: 0x00215A9B0081}))
	assert.NoError(t, st.Apply(ctx, vcem.SetProfileBay{ProfileID: "d2:b", Bay: "4"}))
	assert.Len(t, st.Applied(), 2)
}

func TestLivePutProfileFreesReplacedPoolAddresses(t *testing.T) {
	l, err := vcemtest.NewLive(estate(t))
	require.NoError(t, err)
	first, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "web", Ethernet: 1})
	require.NoError(t, err)
	freed := first.Ethernet[0].MAC

	// Replace it by hand with a profile that carries no pool address.
	require.NoError(t, l.PutProfile("d1", vcem.Profile{Name: "web"}))

	next, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "app", Ethernet: 1})
	require.NoError(t, err)
	assert.Equal(t, freed, next.Ethernet[0].MAC, "the replaced profile's pool address is free again")
}

// The manager's resync hook lets a finished resync update the restored
// store: here with vcem.PredictResync's changes for the domain, as a
// composed estate wires it. A cancelled maintenance never calls it; an
// error from it fails the completion, and the resync cancels maintenance.
func TestManagerResyncHookUpdatesTheStore(t *testing.T) {
	ctx := context.Background()
	restored := estate(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	require.NoError(t, live.UnassignProfile("d1", "a"))
	lds, err := vcem.GatherLive(ctx, live, restored, nil)
	require.NoError(t, err)
	store, err := vcemtest.NewStore(restored)
	require.NoError(t, err)

	var hooked []string
	fail := map[string]error{}
	hook := func(ctx context.Context, domainID string) error {
		hooked = append(hooked, domainID)
		if err := fail[domainID]; err != nil {
			return err
		}
		snap, err := store.Snapshot(ctx)
		if err != nil {
			return err
		}
		cs, err := vcem.PredictResync(snap, lds)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if snap.Profiles[strings.TrimPrefix(c.Target(), "profile ")].DomainID == domainID {
				if err := store.Apply(ctx, c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCheckInSync, Target: "d3", Err: errors.New("check refused")}))
	m := vcemtest.NewManager(vcemtest.WithResyncHook(hook), vcemtest.WithFaults(f))
	for _, id := range []string{"d1", "d2", "d3", "d4"} {
		require.NoError(t, m.AddDomain(id, id == "d2"))
	}
	fail["d4"] = errors.New("store is read-only")

	res, err := vcem.ResyncDomains(ctx, m, []string{"d1", "d2", "d3", "d4"})
	require.Error(t, err)
	assert.Equal(t, []string{"d1", "d4"}, hooked, "only completed resyncs: d2 was in sync (no job), d3 was cancelled")
	assert.Equal(t, vcem.OutcomeCompleted, res[0].Outcome)
	assert.Equal(t, vcem.OutcomeCompleted, res[1].Outcome)
	assert.Equal(t, vcem.OutcomeCancelled, res[2].Outcome)
	assert.Equal(t, vcem.OutcomeCancelled, res[3].Outcome)
	assert.ErrorContains(t, res[3].Err, `vcemtest: complete maintenance of "d4": resync hook: store is read-only`)
	assert.Empty(t, m.InMaintenance())

	snap, err := store.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, "", snap.Profiles["d1:a"].Bay, "the resync recorded the unassignment")
	assert.Equal(t, []vcem.Change{vcem.SetProfileBay{ProfileID: "d1:a", Bay: ""}}, store.Applied())
}

// Every constructor takes WithFaults, and the rules apply to every fake.
func TestEveryConstructorTakesFaults(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("injected")
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Err: boom})) // every operation
	s := estate(t)
	st, err := vcemtest.NewStore(s, vcemtest.WithFaults(f))
	require.NoError(t, err)
	st2, err := vcemtest.StoreFromData(st.Data(), vcemtest.WithFaults(f))
	require.NoError(t, err)
	l, err := vcemtest.NewLive(s, vcemtest.WithFaults(f))
	require.NoError(t, err)
	l2, err := vcemtest.LiveFromData(l.Data(), vcemtest.WithFaults(f))
	require.NoError(t, err)
	m := vcemtest.NewManager(vcemtest.WithFaults(f))
	require.NoError(t, m.AddDomain("d1", false))
	m2, err := vcemtest.ManagerFromData(m.Data(), vcemtest.WithFaults(f))
	require.NoError(t, err)
	calls := map[string]func() error{
		"Store":           func() error { _, err := st.Snapshot(ctx); return err },
		"StoreFromData":   func() error { return st2.Apply(ctx, vcem.DeleteProfile{ProfileID: "d1:a"}) },
		"Live":            func() error { _, err := l.ListDomains(ctx); return err },
		"LiveFromData":    func() error { _, err := l2.ReadDomain(ctx, "d1"); return err },
		"Manager":         func() error { return m.StartMaintenance(ctx, "d1") },
		"ManagerFromData": func() error { _, err := m2.CheckInSync(ctx, "d1"); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) { assert.ErrorIs(t, call(), boom) })
	}
}

// No fake panics on nil input: a nil context, a nil change, a nil
// snapshot are errors.
func TestFakesRefuseNilInput(t *testing.T) {
	s := estate(t)
	st, err := vcemtest.NewStore(s)
	require.NoError(t, err)
	l, err := vcemtest.NewLive(s)
	require.NoError(t, err)
	m := vcemtest.NewManager()
	require.NoError(t, m.AddDomain("d1", false))
	var nilCtx context.Context
	calls := map[string]func() error{
		"NewStore(nil)":    func() error { _, err := vcemtest.NewStore(nil); return err },
		"NewLive(nil)":     func() error { _, err := vcemtest.NewLive(nil); return err },
		"Store.Snapshot":   func() error { _, err := st.Snapshot(nilCtx); return err },
		"Store.Apply ctx":  func() error { return st.Apply(nilCtx, vcem.DeleteProfile{ProfileID: "d1:a"}) },
		"Store.Apply nil":  func() error { return st.Apply(context.Background(), nil) },
		"Store.Apply (*T)": func() error { return st.Apply(context.Background(), (*vcem.DeleteProfile)(nil)) },
		"Live.ListDomains": func() error { _, err := l.ListDomains(nilCtx); return err },
		"Live.ReadDomain":  func() error { _, err := l.ReadDomain(nilCtx, "d1"); return err },
		"Live.ReadWithCred": func() error {
			_, err := l.ReadDomainWithCredentials(nilCtx, vcem.DomainTarget{ID: "d1", Manager: "m"}, vcem.Credentials{})
			return err
		},
		"Manager.Start":    func() error { return m.StartMaintenance(nilCtx, "d1") },
		"Manager.Check":    func() error { _, err := m.CheckInSync(nilCtx, "d1"); return err },
		"Manager.Complete": func() error { return m.CompleteMaintenance(nilCtx, "d1") },
		"Manager.Cancel":   func() error { return m.CancelMaintenance(nilCtx, "d1") },
		"Manager.Resync":   func() error { _, err := m.Resync(nilCtx, "d1"); return err },
		"Manager.Job":      func() error { _, err := m.Job(nilCtx, "job-1"); return err },
		"Manager.WaitJob":  func() error { _, err := m.WaitJob(nilCtx, "job-1"); return err },
		"LiveFromData{}":   func() error { _, err := vcemtest.LiveFromData(vcemtest.LiveData{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var err error
			assert.NotPanics(t, func() { err = call() })
			assert.Error(t, err)
		})
	}
}
