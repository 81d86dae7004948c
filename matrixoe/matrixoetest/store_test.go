package matrixoetest

import (
	"context"
	"encoding/json"
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
	bad.Requests["R1"] = matrixoe.Request{ID: "R1"} // no state
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
		matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled},
		matrixoe.MarkIPAllocated{Address: netip.AddrFrom4([4]byte{10, 0, 0, 3}), Owner: "x"},
	}
	for _, c := range changes {
		require.NoError(t, st.Apply(ctx, c))
	}
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)

	want := s.Clone()
	require.NoError(t, matrixoe.ApplyAll(want, changes...))
	assert.Equal(t, want, got, "the fake and the dry run agree")
	assert.Equal(t, matrixoe.Changes(changes), st.Applied())

	// The input and returned snapshots are copies.
	assert.Contains(t, s.LogicalServers, "LS1")
	got.LogicalServers["LS9"] = matrixoe.LogicalServer{ID: "LS9"}
	again, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.NotContains(t, again.LogicalServers, "LS9")
}

// One change per call, atomic: a refused change leaves the content and
// the journal as they were.
func TestStoreApplyIsAtomicPerChange(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	require.NoError(t, st.Apply(ctx, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}))
	before, err := st.Snapshot(ctx)
	require.NoError(t, err)
	err = st.Apply(ctx, matrixoe.DropLS{LogicalServerID: "nope"})
	require.ErrorIs(t, err, matrixoe.ErrNotFound)
	var ce *matrixoe.ChangeError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, matrixoe.KindDropLS, ce.Kind)
	got, err := st.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(before))
	assert.Equal(t, matrixoe.Changes{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, st.Applied())
}

// The fake store rejects a nil change (plain or typed nil pointer)
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
				applyErr = st.Apply(ctx, tc.c)
			})
			require.ErrorIs(t, applyErr, matrixoe.ErrUnknownChange)
			got, err := st.Snapshot(ctx)
			require.NoError(t, err)
			assert.Empty(t, matrixoe.Diff(s, got), "nothing applied")
			assert.Empty(t, st.Applied())
		})
	}
}

// A cancelled context stops every port call of the fakes before
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
		{"Store.Apply", func() error {
			return st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled})
		}},
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

// A store's state survives a JSON round trip as data and rebuilds an equal
// store; the data's JSON is decoded strictly.
func TestStoreDataRoundTrip(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	require.NoError(t, st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled}))
	require.NoError(t, st.Apply(ctx, matrixoe.DropLS{LogicalServerID: "LS1"}))
	d := st.Data()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back StoreData
	require.NoError(t, json.Unmarshal(b, &back))
	st2, err := NewStoreFromData(back)
	require.NoError(t, err)
	got, err := st2.Snapshot(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(d.Snapshot))
	assert.Equal(t, d.Applied, st2.Applied())

	tests := []struct{ name, in, want string }{
		{"unknown field", `{"snapshot":null,"applied":[],"journal":[]}`, `journal: unknown field "journal"`},
		{"missing field", `{"applied":[]}`, `snapshot: missing field "snapshot"`},
		{"bad change", `{"snapshot":null,"applied":[{"kind":"matrixoe.DropLS"}]}`, `applied[0].logicalServerId: matrixoe change matrixoe.DropLS: missing field`},
		{"bad snapshot", `{"snapshot":{"logicalServers":{},"storagePoolEntries":{},"services":{},"requests":{},"ipAllocations":{},"recoveryGroups":{},"x":1},"applied":[]}`,
			`snapshot.x: unknown field "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d StoreData
			err := json.Unmarshal([]byte(tc.in), &d)
			require.ErrorIs(t, err, matrixoe.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err = NewStoreFromData(StoreData{})
	assert.ErrorIs(t, err, matrixoe.ErrInvalid, "no snapshot")
}
