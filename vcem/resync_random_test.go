package vcem_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// lossyManager wraps the fake manager: some requests take effect but their
// answer is lost (the call returns an error after the state changed), and
// the caller's context is cancelled at the n-th call.
type lossyManager struct {
	*vcemtest.Manager
	loseStart, loseComplete map[string]bool
	calls                   atomic.Int64
	cancelAt                int64
	cancel                  context.CancelFunc

	mu        sync.Mutex
	succeeded map[string][]string // per domain, the maintenance calls that answered success, in order
}

// answered records a maintenance call that answered success to the caller.
func (m *lossyManager) answered(id, op string, err error) error {
	if err == nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.succeeded == nil {
			m.succeeded = map[string][]string{}
		}
		m.succeeded[id] = append(m.succeeded[id], op)
	}
	return err
}

func (m *lossyManager) tick() {
	if m.calls.Add(1) == m.cancelAt {
		m.cancel()
	}
}

func (m *lossyManager) StartMaintenance(ctx context.Context, id string) error {
	m.tick()
	if err := m.Manager.StartMaintenance(ctx, id); err != nil || !m.loseStart[id] {
		return m.answered(id, vcemtest.OpStartMaintenance, err)
	}
	return errors.New("answer lost after maintenance started")
}

func (m *lossyManager) CancelMaintenance(ctx context.Context, id string) error {
	m.tick()
	return m.answered(id, vcemtest.OpCancelMaintenance, m.Manager.CancelMaintenance(ctx, id))
}

func (m *lossyManager) CheckInSync(ctx context.Context, id string) (bool, error) {
	m.tick()
	return m.Manager.CheckInSync(ctx, id)
}

func (m *lossyManager) CompleteMaintenance(ctx context.Context, id string) error {
	m.tick()
	if err := m.Manager.CompleteMaintenance(ctx, id); err != nil || !m.loseComplete[id] {
		return m.answered(id, vcemtest.OpCompleteMaintenance, err)
	}
	return errors.New("answer lost after maintenance completed")
}

// TestResyncRandomFaultsNeverLeaveMaintenanceUnreported: with seeded random
// errors and panics on every manager operation, failed jobs, lost answers,
// a context cancelled at a random call and random concurrency, a domain the
// fake still has in maintenance afterwards is always one whose result says
// left-in-maintenance, a completed domain is in sync, and the joined error
// is nil exactly when every domain completed. The observer's events are
// never concurrent and match, domain by domain, the maintenance calls that
// answered success, followed by the domain's final result.
func TestResyncRandomFaultsNeverLeaveMaintenanceUnreported(t *testing.T) {
	ops := []string{vcemtest.OpStartMaintenance, vcemtest.OpCheckInSync, vcemtest.OpResync, vcemtest.OpWaitJob,
		vcemtest.OpCompleteMaintenance, vcemtest.OpCancelMaintenance, vcemtest.OpJobRun}
	for seed := range uint64(200) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			f := vcemtest.NewFaults(seed)
			var ids []string
			for i := range 1 + rng.IntN(6) {
				ids = append(ids, fmt.Sprintf("d%d", i))
			}
			for range rng.IntN(5) {
				r := vcemtest.Fault{Op: ops[rng.IntN(len(ops))], Target: ids[rng.IntN(len(ids))], Probability: 0.5, Count: rng.IntN(4)}
				if rng.IntN(4) == 0 && r.Op != vcemtest.OpJobRun {
					r.Panic = "fault panic"
				} else {
					r.Err = fmt.Errorf("fault on %s", r.Op)
				}
				require.NoError(t, f.Add(r))
			}
			fake := vcemtest.NewManager(vcemtest.WithFaults(f))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := &lossyManager{Manager: fake, loseStart: map[string]bool{}, loseComplete: map[string]bool{}, cancel: cancel}
			if rng.IntN(3) == 0 {
				m.cancelAt = 1 + rng.Int64N(int64(3*len(ids)))
			}
			for _, id := range ids {
				require.NoError(t, fake.AddDomain(id, rng.IntN(2) == 0))
				m.loseStart[id] = rng.IntN(8) == 0
				m.loseComplete[id] = rng.IntN(8) == 0
			}

			var inside atomic.Bool
			events := map[string][]vcem.ResyncEvent{}
			observe := func(ev vcem.ResyncEvent) {
				if inside.Swap(true) {
					t.Error("two observer calls at once")
				}
				defer inside.Store(false)
				events[ev.DomainID] = append(events[ev.DomainID], ev)
			}
			res, err := vcem.ResyncDomains(ctx, m, ids, vcem.WithConcurrency(1+rng.IntN(3)), vcem.WithObserver(observe))
			require.Len(t, res, len(ids))
			for i, id := range ids {
				var want []vcem.ResyncEvent
				for _, op := range m.succeeded[id] {
					switch op {
					case vcemtest.OpStartMaintenance:
						want = append(want, vcem.ResyncEvent{Kind: vcem.EventMaintenanceStarted, DomainID: id})
					case vcemtest.OpCompleteMaintenance:
						want = append(want, vcem.ResyncEvent{Kind: vcem.EventMaintenanceEnded, DomainID: id, Outcome: vcem.OutcomeCompleted})
					case vcemtest.OpCancelMaintenance:
						want = append(want, vcem.ResyncEvent{Kind: vcem.EventMaintenanceEnded, DomainID: id, Outcome: vcem.OutcomeCancelled})
					}
				}
				want = append(want, vcem.ResyncEvent{Kind: vcem.EventDomainDone, DomainID: id, Outcome: res[i].Outcome, Result: &res[i]})
				assert.Equal(t, want, events[id], "events of %s", id)
			}
			allCompleted := true
			var left []string
			for i, r := range res {
				assert.Equal(t, ids[i], r.DomainID)
				assert.Contains(t, []vcem.Outcome{vcem.OutcomeCompleted, vcem.OutcomeCancelled, vcem.OutcomeNotStarted, vcem.OutcomeLeftInMaintenance}, r.Outcome)
				assert.Equal(t, r.Outcome == vcem.OutcomeCompleted, r.Err == nil, "%s: %s, err %v", r.DomainID, r.Outcome, r.Err)
				assert.Equal(t, r.Outcome == vcem.OutcomeLeftInMaintenance, r.CleanupErr != nil, "%s: %s", r.DomainID, r.Outcome)
				if r.Outcome == vcem.OutcomeLeftInMaintenance {
					left = append(left, r.DomainID)
				}
				if r.Outcome != vcem.OutcomeCompleted {
					allCompleted = false
					continue
				}
				inSync, err := fake.InSync(r.DomainID)
				require.NoError(t, err)
				assert.True(t, inSync, "%s completed but the fake says it is out of sync", r.DomainID)
			}
			for _, id := range fake.InMaintenance() {
				assert.True(t, slices.Contains(left, id), "domain %s is still in maintenance but its result says %v", id, res)
			}
			assert.Equal(t, allCompleted, err == nil, "joined error: %v", err)
		})
	}
}
