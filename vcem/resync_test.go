package vcem_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

var errBoom = errors.New("boom")

func newManager(t *testing.T, faults *vcemtest.Faults, inSync map[string]bool, opts ...vcemtest.Option) *vcemtest.Manager {
	t.Helper()
	m := vcemtest.NewManager(append([]vcemtest.Option{vcemtest.WithFaults(faults), vcemtest.WithJobLatency(time.Millisecond)}, opts...)...)
	for _, id := range []string{"d1", "d2", "d3"} {
		require.NoError(t, m.AddDomain(id, inSync[id]))
	}
	return m
}

func TestResyncDomains(t *testing.T) {
	ids := []string{"d1", "d2", "d3"}
	tests := []struct {
		name     string
		inSync   map[string]bool
		faults   []vcemtest.Fault
		outcomes map[string]vcem.Outcome
		resynced map[string]bool
		errIs    error
	}{
		{
			name:     "all out of sync: resync each",
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d2": true, "d3": true},
		},
		{
			name:     "in-sync domain is completed without a job",
			inSync:   map[string]bool{"d2": true},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d3": true},
		},
		{
			name:     "start fails",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpStartMaintenance, Target: "d2", Err: errBoom}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeNotStarted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d3": true},
			errIs:    errBoom,
		},
		{
			name:     "check fails",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpCheckInSync, Target: "d1", Err: errBoom}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCancelled, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d2": true, "d3": true},
			errIs:    errBoom,
		},
		{
			name:     "resync request fails",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpResync, Target: "d3", Err: errBoom}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCancelled},
			resynced: map[string]bool{"d1": true, "d2": true},
			errIs:    errBoom,
		},
		{
			name:     "job fails",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpJobRun, Target: "d2", Err: errBoom}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeCancelled, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d3": true},
		},
		{
			name:     "complete fails",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpCompleteMaintenance, Target: "d1", Err: errBoom}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCancelled, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d2": true, "d3": true},
			errIs:    errBoom,
		},
		{
			name:     "check panics",
			faults:   []vcemtest.Fault{{Op: vcemtest.OpCheckInSync, Target: "d2", Panic: "manager bug"}},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCompleted, "d2": vcem.OutcomeCancelled, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d1": true, "d3": true},
		},
		{
			name: "cancel fails twice then works",
			faults: []vcemtest.Fault{
				{Op: vcemtest.OpResync, Target: "d1", Err: errBoom},
				{Op: vcemtest.OpCancelMaintenance, Target: "d1", Err: errors.New("busy"), Count: 2},
			},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCancelled, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d2": true, "d3": true},
			errIs:    errBoom,
		},
		{
			name: "cancel panics once then works",
			faults: []vcemtest.Fault{
				{Op: vcemtest.OpResync, Target: "d1", Err: errBoom},
				{Op: vcemtest.OpCancelMaintenance, Target: "d1", Panic: "cancel bug", Count: 1},
			},
			outcomes: map[string]vcem.Outcome{"d1": vcem.OutcomeCancelled, "d2": vcem.OutcomeCompleted, "d3": vcem.OutcomeCompleted},
			resynced: map[string]bool{"d2": true, "d3": true},
			errIs:    errBoom,
		},
	}
	for _, tt := range tests {
		for _, conc := range []int{1, 3} {
			t.Run(tt.name, func(t *testing.T) {
				f := vcemtest.NewFaults(1)
				for _, r := range tt.faults {
					require.NoError(t, f.Add(r))
				}
				m := newManager(t, f, tt.inSync)
				res, err := vcem.ResyncDomains(context.Background(), m, ids, vcem.WithConcurrency(conc), vcem.WithCleanupTimeout(time.Second))
				require.Len(t, res, len(ids))
				failed := false
				for i, r := range res {
					assert.Equal(t, ids[i], r.DomainID, "results in input order")
					assert.Equal(t, tt.outcomes[r.DomainID], r.Outcome, r.DomainID)
					assert.Equal(t, tt.resynced[r.DomainID], r.Resynced, r.DomainID)
					assert.NoError(t, r.CleanupErr)
					if r.Outcome != vcem.OutcomeCompleted {
						failed = true
						assert.Error(t, r.Err)
					} else {
						assert.NoError(t, r.Err)
					}
				}
				assert.Equal(t, failed, err != nil)
				if tt.errIs != nil {
					assert.ErrorIs(t, err, tt.errIs)
				}
				assert.Empty(t, m.InMaintenance(), "no domain may be left in maintenance")
				for id, resynced := range tt.resynced {
					got, err := m.InSync(id)
					require.NoError(t, err)
					// A cancelled maintenance discards its resync.
					want := resynced && tt.outcomes[id] == vcem.OutcomeCompleted
					assert.Equal(t, want, got, "domain %s in sync after its job and maintenance", id)
				}
			})
		}
	}
}

func TestResyncPanicBecomesPanicError(t *testing.T) {
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpWaitJob, Panic: "wait exploded"}))
	m := newManager(t, f, nil)
	r := vcem.ResyncDomain(context.Background(), m, "d1")
	var pe *vcem.PanicError
	require.ErrorAs(t, r.Err, &pe)
	assert.Equal(t, "wait exploded", pe.Value)
	assert.Equal(t, "d1", pe.DomainID)
	assert.NotEmpty(t, pe.Stack)
	assert.Equal(t, vcem.OutcomeCancelled, r.Outcome)
	assert.Empty(t, m.InMaintenance())
	jobs := m.Jobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, vcem.JobFailed, jobs[0].State, "cancelling maintenance fails the running job")
}

func TestResyncCancelledContextLeavesNoMaintenance(t *testing.T) {
	tests := []struct {
		name  string
		fault vcemtest.Fault
	}{
		{"cancelled while waiting for the job", vcemtest.Fault{}},
		{"cancelled during a slow check", vcemtest.Fault{Op: vcemtest.OpCheckInSync, Delay: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := vcemtest.NewFaults(1)
			if tt.fault.Op != "" {
				require.NoError(t, f.Add(tt.fault))
			}
			// Jobs never finish on their own within the test.
			m := newManager(t, f, nil, vcemtest.WithJobLatency(time.Hour))
			ctx, cancel := context.WithCancel(context.Background())
			var res []vcem.DomainResult
			var err error
			done := make(chan struct{})
			go func() {
				defer close(done)
				res, err = vcem.ResyncDomains(ctx, m, []string{"d1", "d2"}, vcem.WithConcurrency(1))
			}()
			require.Eventually(t, func() bool { return len(m.InMaintenance()) == 1 }, 5*time.Second, time.Millisecond)
			cancel()
			<-done
			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			require.Len(t, res, 2)
			assert.Equal(t, vcem.OutcomeCancelled, res[0].Outcome)
			assert.Equal(t, vcem.OutcomeNotStarted, res[1].Outcome)
			assert.Empty(t, m.InMaintenance())
			var cancels int
			for _, c := range m.Calls() {
				if c.Op == vcemtest.OpCancelMaintenance && c.Err == "" {
					cancels++
				}
			}
			assert.Equal(t, 1, cancels, "the started domain was cancelled on a fresh context")
		})
	}
}

func TestResyncReportsDomainLeftInMaintenance(t *testing.T) {
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCheckInSync, Target: "d1", Err: errBoom}))
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCancelMaintenance, Target: "d1", Err: errors.New("VCEM down")}))
	m := newManager(t, f, nil)
	res, err := vcem.ResyncDomains(context.Background(), m, []string{"d1"})
	require.Error(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, vcem.OutcomeLeftInMaintenance, res[0].Outcome)
	require.Error(t, res[0].CleanupErr)
	assert.Contains(t, res[0].CleanupErr.Error(), "attempt 3")
	assert.ErrorIs(t, err, vcem.ErrLeftInMaintenance)
	assert.Contains(t, err.Error(), "MAY still be in maintenance")
	assert.Equal(t, []string{"d1"}, m.InMaintenance(), "the fake confirms what the result says")
}

func TestResyncCleanupIsBounded(t *testing.T) {
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCheckInSync, Target: "d1", Err: errBoom}))
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCancelMaintenance, Target: "d1", Delay: time.Hour}))
	m := newManager(t, f, nil)
	res, err := vcem.ResyncDomains(context.Background(), m, []string{"d1"}, vcem.WithCleanupTimeout(5*time.Millisecond))
	require.Error(t, err)
	assert.Equal(t, vcem.OutcomeLeftInMaintenance, res[0].Outcome)
	assert.ErrorIs(t, res[0].CleanupErr, context.DeadlineExceeded)
}

// concurrencyProbe wraps a Manager and records the most domains in
// maintenance at once.
type concurrencyProbe struct {
	vcem.Manager
	mu       sync.Mutex
	now, max int
	starts   atomic.Int32
}

func (p *concurrencyProbe) StartMaintenance(ctx context.Context, id string) error {
	err := p.Manager.StartMaintenance(ctx, id)
	if err == nil {
		p.starts.Add(1)
		p.mu.Lock()
		p.now++
		p.max = max(p.max, p.now)
		p.mu.Unlock()
	}
	return err
}

func (p *concurrencyProbe) CompleteMaintenance(ctx context.Context, id string) error {
	err := p.Manager.CompleteMaintenance(ctx, id)
	if err == nil {
		p.mu.Lock()
		p.now--
		p.mu.Unlock()
	}
	return err
}

func TestResyncConcurrencyIsBounded(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		t.Run("", func(t *testing.T) {
			m := vcemtest.NewManager(vcemtest.WithJobLatency(2 * time.Millisecond))
			var ids []string
			for i := range 12 {
				id := "dom" + string(rune('a'+i))
				ids = append(ids, id)
				require.NoError(t, m.AddDomain(id, false))
			}
			p := &concurrencyProbe{Manager: m}
			res, err := vcem.ResyncDomains(context.Background(), p, ids, vcem.WithConcurrency(n))
			require.NoError(t, err)
			assert.Len(t, res, len(ids))
			assert.LessOrEqual(t, p.max, n)
			assert.GreaterOrEqual(t, p.max, 1)
			assert.Equal(t, int32(len(ids)), p.starts.Load())
			assert.Len(t, m.Jobs(), len(ids))
		})
	}
}

func TestResyncInSyncOption(t *testing.T) {
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprint(force), func(t *testing.T) {
			m := newManager(t, nil, map[string]bool{"d1": true})
			r := vcem.ResyncDomain(context.Background(), m, "d1", vcem.WithResyncInSync(force))
			require.NoError(t, r.Err)
			assert.Equal(t, vcem.OutcomeCompleted, r.Outcome)
			assert.True(t, r.InSync)
			assert.Equal(t, force, r.Resynced)
			assert.Len(t, m.Jobs(), map[bool]int{false: 0, true: 1}[force])
		})
	}
}

func TestResyncRejectsBadInput(t *testing.T) {
	m := vcemtest.NewManager()
	tests := []struct {
		name string
		ids  []string
		opts []vcem.ResyncOption
		has  string
	}{
		{"duplicate domain", []string{"a", "a"}, nil, `"a" listed twice`},
		{"empty domain", []string{""}, nil, "[0] is empty"},
		{"zero concurrency", []string{"a"}, []vcem.ResyncOption{vcem.WithConcurrency(0)}, "concurrency 0"},
		{"zero cleanup timeout", []string{"a"}, []vcem.ResyncOption{vcem.WithCleanupTimeout(0)}, "cleanup timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := vcem.ResyncDomains(context.Background(), m, tt.ids, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Contains(t, err.Error(), tt.has)
			assert.Empty(t, m.Calls(), "no request before the input is checked")
		})
	}
}

// TestResyncDomainRejectsBadInputBeforeAnyRequest: a nil manager or an empty
// ID is not-started (it was a recovered nil-pointer panic reported as
// left-in-maintenance after three panicking cancel attempts).
func TestResyncDomainRejectsBadInputBeforeAnyRequest(t *testing.T) {
	m := vcemtest.NewManager()
	require.NoError(t, m.AddDomain("d1", false))
	tests := []struct {
		name   string
		m      vcem.Manager
		id     string
		errHas string
	}{
		{"nil manager", nil, "d1", "manager is nil"},
		{"empty domain ID", m, "", "domain ID is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vcem.ResyncDomain(context.Background(), tt.m, tt.id)
			assert.Equal(t, vcem.OutcomeNotStarted, r.Outcome)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.errHas)
			assert.NoError(t, r.CleanupErr)
			assert.Empty(t, m.Calls())
		})
	}
}

// TestResyncLeavesSomeoneElsesMaintenanceAlone: a domain already in
// maintenance (another run, an operator) is not cancelled — that would
// discard their work — and is reported not-started; the other domains go on.
func TestResyncLeavesSomeoneElsesMaintenanceAlone(t *testing.T) {
	m := vcemtest.NewManager()
	for _, id := range []string{"d1", "d2"} {
		require.NoError(t, m.AddDomain(id, false))
	}
	ctx := context.Background()
	require.NoError(t, m.StartMaintenance(ctx, "d1")) // the other holder

	res, err := vcem.ResyncDomains(ctx, m, []string{"d1", "d2"})
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInMaintenance)
	require.Len(t, res, 2)
	assert.Equal(t, vcem.OutcomeNotStarted, res[0].Outcome)
	assert.ErrorIs(t, res[0].Err, vcem.ErrInMaintenance)
	assert.NoError(t, res[0].CleanupErr)
	assert.Equal(t, vcem.OutcomeCompleted, res[1].Outcome)
	assert.Equal(t, []string{"d1"}, m.InMaintenance(), "the other holder's maintenance is still there")
	for _, c := range m.Calls() {
		assert.False(t, c.Op == vcemtest.OpCancelMaintenance && c.DomainID == "d1", "d1's maintenance was cancelled: %+v", c)
	}
}

func TestDomainResultJSONKeepsErrors(t *testing.T) {
	r := vcem.DomainResult{DomainID: "d1", Outcome: vcem.OutcomeLeftInMaintenance,
		Err: errors.New("resync failed"), CleanupErr: errors.New("cancel refused")}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"domainId":"d1"`)
	assert.Contains(t, string(b), `"error":"resync failed"`)
	assert.Contains(t, string(b), `"cleanupError":"cancel refused"`)
	b, err = json.Marshal(vcem.DomainResult{DomainID: "d2", Outcome: vcem.OutcomeCompleted})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "error")
}

// The observer sees each domain's maintenance start and end as they happen
// and its final result; a domain whose check fails is cancelled.
func TestResyncObserverEvents(t *testing.T) {
	f := vcemtest.NewFaults(1)
	require.NoError(t, f.Add(vcemtest.Fault{Op: vcemtest.OpCheckInSync, Target: "d2", Err: errBoom}))
	m := newManager(t, f, map[string]bool{"d3": true})
	var got []vcem.ResyncEvent
	res, err := vcem.ResyncDomains(context.Background(), m, []string{"d1", "d2", "d3"},
		vcem.WithObserver(func(ev vcem.ResyncEvent) { got = append(got, ev) }))
	require.ErrorIs(t, err, errBoom)
	want := []vcem.ResyncEvent{
		{Kind: vcem.EventMaintenanceStarted, DomainID: "d1"},
		{Kind: vcem.EventMaintenanceEnded, DomainID: "d1", Outcome: vcem.OutcomeCompleted},
		{Kind: vcem.EventDomainDone, DomainID: "d1", Outcome: vcem.OutcomeCompleted, Result: &res[0]},
		{Kind: vcem.EventMaintenanceStarted, DomainID: "d2"},
		{Kind: vcem.EventMaintenanceEnded, DomainID: "d2", Outcome: vcem.OutcomeCancelled},
		{Kind: vcem.EventDomainDone, DomainID: "d2", Outcome: vcem.OutcomeCancelled, Result: &res[1]},
		{Kind: vcem.EventMaintenanceStarted, DomainID: "d3"},
		{Kind: vcem.EventMaintenanceEnded, DomainID: "d3", Outcome: vcem.OutcomeCompleted},
		{Kind: vcem.EventDomainDone, DomainID: "d3", Outcome: vcem.OutcomeCompleted, Result: &res[2]},
	}
	assert.Equal(t, want, got)
	b, err := json.Marshal(got[5])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"domain-done"`)
	assert.Contains(t, string(b), `"error":"vcem: check sync of \"d2\": boom"`)

	one := vcem.ResyncDomain(context.Background(), newManager(t, nil, nil), "d1",
		vcem.WithObserver(func(ev vcem.ResyncEvent) { got = append(got, ev) }))
	assert.Equal(t, vcem.OutcomeCompleted, one.Outcome)
	assert.Equal(t, vcem.EventDomainDone, got[len(got)-1].Kind, "ResyncDomain reports too")
}

// A panicking observer neither stops the resync nor leaves a domain in
// maintenance: during a domain it is recovered like a Manager panic (the
// domain is cancelled); in every case the returned error reports it.
func TestResyncObserverPanics(t *testing.T) {
	for _, kind := range []vcem.ResyncEventKind{vcem.EventMaintenanceStarted, vcem.EventMaintenanceEnded, vcem.EventDomainDone} {
		t.Run(string(kind), func(t *testing.T) {
			m := newManager(t, nil, nil)
			res, err := vcem.ResyncDomains(context.Background(), m, []string{"d1", "d2"}, vcem.WithObserver(func(ev vcem.ResyncEvent) {
				if ev.Kind == kind && ev.DomainID == "d1" {
					panic("journal full")
				}
			}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), fmt.Sprintf(`vcem: resync observer panicked on %s of domain "d1": journal full`, kind))
			assert.Empty(t, m.InMaintenance())
			assert.Equal(t, vcem.OutcomeCompleted, res[1].Outcome, "the other domain goes on")
			if kind == vcem.EventMaintenanceStarted {
				assert.Equal(t, vcem.OutcomeCancelled, res[0].Outcome)
			} else {
				assert.Equal(t, vcem.OutcomeCompleted, res[0].Outcome)
			}
		})
	}
}

// Observer calls are serialized even when domains resync concurrently.
func TestResyncObserverIsSerialized(t *testing.T) {
	m := vcemtest.NewManager(vcemtest.WithJobLatency(2 * time.Millisecond))
	var ids []string
	for i := range 16 {
		id := fmt.Sprintf("d%02d", i)
		ids = append(ids, id)
		require.NoError(t, m.AddDomain(id, false))
	}
	var inside, overlaps, n atomic.Int32
	_, err := vcem.ResyncDomains(context.Background(), m, ids, vcem.WithConcurrency(8), vcem.WithObserver(func(vcem.ResyncEvent) {
		if inside.Add(1) > 1 {
			overlaps.Add(1)
		}
		time.Sleep(100 * time.Microsecond)
		n.Add(1)
		inside.Add(-1)
	}))
	require.NoError(t, err)
	assert.Zero(t, overlaps.Load())
	assert.Equal(t, int32(3*len(ids)), n.Load())
}
