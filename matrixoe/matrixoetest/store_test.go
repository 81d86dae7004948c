package matrixoetest

import (
	"context"
	"net/netip"
	"sync"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewStoreRejectsInvalid(t *testing.T) {
	_, err := NewStore(nil)
	require.Error(t, err)
	bad := matrixoe.NewSnapshot()
	bad.Requests["R1"] = matrixoe.Request{ID: "R1", State: "weird"}
	_, err = NewStore(bad)
	var ve *matrixoe.ValidationIssue
	require.ErrorAs(t, err, &ve)
}

func TestStoreAppliesWithTheRealSemantics(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	st, err := NewStore(s)
	require.NoError(t, err)

	changes := []matrixoe.Change{
		matrixoe.DropLS{LogicalServerID: "LS1"},
		matrixoe.TerminateRequest{RequestID: "R1"},
		matrixoe.MarkIPAllocated{Address: netip.AddrFrom4([4]byte{10, 0, 0, 3}), Owner: "x"},
	}
	require.NoError(t, st.Apply(ctx, changes...))
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)

	want := s.Clone()
	require.NoError(t, matrixoe.ApplyAll(want, changes...))
	assert.Equal(t, want, got, "the fake and the dry run agree")
	assert.Equal(t, changes, st.Applied())

	// The input and returned snapshots are copies.
	assert.Contains(t, s.LogicalServers, "LS1")
	got.LogicalServers["LS9"] = matrixoe.LogicalServer{ID: "LS9"}
	again, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.NotContains(t, again.LogicalServers, "LS9")
}

func TestStoreApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	err = st.Apply(ctx, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.DropLS{LogicalServerID: "nope"})
	require.ErrorIs(t, err, matrixoe.ErrNotFound)
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.LogicalServers["LS1"].Activated)
	assert.Empty(t, st.Applied())
}

// Review: the fake store rejects a nil change (plain or typed nil pointer)
// with an error and leaves its content and journal unchanged.
func TestStoreApplyNilChange(t *testing.T) {
	tests := []struct {
		name string
		c    matrixoe.Change
	}{
		{"nil interface", nil},
		{"typed nil pointer", (*matrixoe.DropLS)(nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := restored(t)
			st, err := NewStore(s)
			require.NoError(t, err)
			var applyErr error
			require.NotPanics(t, func() {
				applyErr = st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1"}, tc.c)
			})
			require.ErrorIs(t, applyErr, matrixoe.ErrUnknownChange)
			got, err := st.Snapshot(ctx)
			require.NoError(t, err)
			assert.Empty(t, matrixoe.Diff(s, got), "all or nothing")
			assert.Empty(t, st.Applied())
		})
	}
}

// Review: a cancelled context stops every port call of the fakes before
// it reads or writes anything.
func TestFakesHonourCancelledContext(t *testing.T) {
	s := restored(t)
	st, err := NewStore(s)
	require.NoError(t, err)
	l, err := LiveFromSnapshot(s)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"Store.Snapshot", func() error { _, err := st.Snapshot(ctx); return err }},
		{"Store.Apply", func() error { return st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1"}) }},
		{"ReadLive", func() error { _, err := matrixoe.ReadLive(ctx, l, l); return err }},
		{"Live.RMExport", func() error { _, err := l.RMExport(ctx); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.call(), context.Canceled)
		})
	}
	got, err := st.Snapshot(context.Background())
	require.NoError(t, err)
	assert.Empty(t, matrixoe.Diff(s, got), "nothing applied")
	assert.Empty(t, st.Applied())
}

// Concurrent readers, writers and scripted activity; run with -race.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	l, err := LiveFromSnapshot(restored(t))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				_, _ = st.Snapshot(ctx)
				p := matrixoe.PowerOn
				if (i+j)%2 == 0 {
					p = matrixoe.PowerOff
				}
				_ = st.Apply(ctx, matrixoe.SetPowerState{LogicalServerID: "VM1", Power: p})
				_ = l.PowerOff("vm-1")
				_, _ = l.VMPowerStates(ctx)
				_ = l.AllocateIP(netip.AddrFrom4([4]byte{10, 1, byte(i), byte(j)}), "x")
				_, _ = l.IPAllocations(ctx)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, st.Applied(), 8*50)
	ips, err := l.IPAllocations(ctx)
	require.NoError(t, err)
	assert.Len(t, ips, 2+8*50)
}
