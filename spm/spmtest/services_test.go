package spmtest_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// OpCrash: a rule with an Err makes Start succeed and the service stop
// again; a rule without Err only delays the start.
func TestServicesCrashRule(t *testing.T) {
	tests := []struct {
		name    string
		rule    spmtest.Fault
		crashed bool
	}{
		{"crash with an error", spmtest.Fault{Op: spmtest.OpCrash, Target: "svc", Err: spmtest.ErrInjected}, true},
		{"no Err only delays", spmtest.Fault{Op: spmtest.OpCrash, Target: "svc", Delay: time.Microsecond}, false},
		{"other service", spmtest.Fault{Op: spmtest.OpCrash, Target: "other", Err: spmtest.ErrInjected}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			sc := spmtest.NewServices()
			require.NoError(t, sc.Define("svc", spm.ServiceStopped))
			require.NoError(t, sc.Faults().Add(tt.rule))
			require.NoError(t, sc.Start(ctx, "svc"), "Start itself succeeds")
			st, err := sc.Status(ctx, "svc")
			require.NoError(t, err)
			err = sc.WaitFor(ctx, "svc", spm.ServiceRunning)
			if tt.crashed {
				assert.Equal(t, spm.ServiceStopped, st)
				assert.ErrorContains(t, err, "exit code 1067")
				assert.Equal(t, []string{"crash svc"}, sc.Events())
			} else {
				assert.Equal(t, spm.ServiceRunning, st)
				assert.NoError(t, err)
				assert.Equal(t, []string{"start svc"}, sc.Events())
			}
		})
	}
}

func TestFakeServicesDependencyOrder(t *testing.T) {
	ctx := context.Background()
	n := spm.DefaultServiceNames()
	sc := phase1Services(t)
	err := sc.Start(ctx, n.SPM)
	require.ErrorIs(t, err, spmtest.ErrDependency)
	assert.Contains(t, err.Error(), n.Prerequisites[0])

	err = spm.StartServices(ctx, sc, []string{n.Prerequisites[1], n.Prerequisites[0]})
	var se *spm.ServiceError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, n.Prerequisites[1], se.Service)

	require.NoError(t, spm.StartServices(ctx, sc, append(n.Prerequisites, n.SPM)))
	err = spm.StopService(ctx, sc, n.Prerequisites[0])
	require.ErrorIs(t, err, spmtest.ErrDependency, "a running dependent blocks the stop")
	require.NoError(t, spm.StopService(ctx, sc, n.SPM))
	st, err := sc.Status(ctx, n.SPM)
	require.NoError(t, err)
	assert.Equal(t, spm.ServiceStopped, st)

	_, err = sc.Status(ctx, "HP Nothing")
	assert.ErrorIs(t, err, spm.ErrServiceNotFound)
}

func TestFakeServicesWaitForHonoursContext(t *testing.T) {
	sc := phase1Services(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sc.WaitFor(ctx, spm.DefaultServiceNames().SPM, spm.ServiceRunning) }()
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
}

func TestFakeServicesWaitForWakesOnStart(t *testing.T) {
	ctx := context.Background()
	sc := spmtest.NewServices()
	require.NoError(t, sc.Define("svc", spm.ServiceStopped))
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		close(started)
		done <- sc.WaitFor(ctx, "svc", spm.ServiceRunning)
	}()
	<-started
	require.NoError(t, sc.Start(ctx, "svc"))
	assert.NoError(t, <-done)
}

func TestServicesDataRoundTrip(t *testing.T) {
	ctx := context.Background()
	n := spm.DefaultServiceNames()
	sc := phase1Services(t)
	require.NoError(t, spm.StartServices(ctx, sc, n.Prerequisites))
	d := sc.Data()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back spmtest.ServicesData
	require.NoError(t, strictjson.Unmarshal(b, &back))
	again, err := spmtest.NewServicesFromData(back)
	require.NoError(t, err)
	assert.Equal(t, d, again.Data())
	require.NoError(t, spm.StartService(ctx, again, n.SPM), "the rebuilt SCM goes on where the saved one stopped")
	assert.Equal(t, append(slices.Clone(d.Events), "start "+n.SPM), again.Events())

	tests := []struct {
		name string
		d    spmtest.ServicesData
		msg  string
	}{
		{"empty name", spmtest.ServicesData{Services: map[string]spmtest.ServiceData{"": {State: spm.ServiceStopped}}}, "empty service name"},
		{"unknown state", spmtest.ServicesData{Services: map[string]spmtest.ServiceData{"a": {State: "Sleeping"}}}, `unknown state "Sleeping"`},
		{"undefined dependency", spmtest.ServicesData{Services: map[string]spmtest.ServiceData{"a": {State: spm.ServiceStopped, Deps: []string{"b"}}}}, `depends on undefined "b"`},
		{"running on a stopped dependency", spmtest.ServicesData{Services: map[string]spmtest.ServiceData{
			"a": {State: spm.ServiceRunning, Deps: []string{"b"}}, "b": {State: spm.ServiceStopped}}}, `"a" runs but its dependency "b" is Stopped`},
		{"dependency loop", spmtest.ServicesData{Services: map[string]spmtest.ServiceData{
			"a": {State: spm.ServiceStopped, Deps: []string{"b"}}, "b": {State: spm.ServiceStopped, Deps: []string{"a"}}}}, "loop back"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spmtest.NewServicesFromData(tt.d)
			assert.ErrorIs(t, err, spm.ErrInvalid)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

// Started with RecoveryMode=InternalRecovery, the fake SPM service plays
// SPM's Internal Recovery on the fake catalog: exactly
// spm.PredictInternalRecovery's changes, then Manual Recovery Mode.
func TestServicesInternalRecovery(t *testing.T) {
	ctx := context.Background()
	n := spm.DefaultServiceNames()
	restored := spmtest.Sample()
	newEstate := func(t *testing.T, mode string) (*spmtest.Catalog, *spmtest.Arrays, *spmtest.RecoveryMode, *spmtest.UI, *spmtest.Services) {
		cat, err := spmtest.NewCatalog(restored)
		require.NoError(t, err)
		arrays, err := spmtest.NewArrays(liveOf(t, restored))
		require.NoError(t, err)
		require.NoError(t, arrays.Unpresent(spmtest.Array3PAR, spmtest.SampleWWN("volume", 7), spmtest.SampleWWN("initiator", 8)))
		rm := spmtest.NewRecoveryMode(mode)
		ui := spmtest.NewUI(0)
		t.Cleanup(ui.Close)
		sc := phase1Services(t, spmtest.WithInternalRecovery(spmtest.InternalRecovery{Mode: rm, Catalog: cat, Arrays: arrays, UI: ui}))
		require.NoError(t, spm.StartServices(ctx, sc, n.Prerequisites))
		return cat, arrays, rm, ui, sc
	}
	t.Run("InternalRecovery", func(t *testing.T) {
		cat, arrays, _, ui, sc := newEstate(t, spm.RecoveryModeInternal)
		live, err := arrays.Live(ctx)
		require.NoError(t, err)
		want, err := spm.PredictInternalRecovery(restored, live, spm.DefaultSignatureRules())
		require.NoError(t, err)
		require.NotEmpty(t, want)

		require.NoError(t, spm.StartService(ctx, sc, n.SPM))
		assert.Equal(t, []spm.Change(want), cat.Applied())
		got, err := cat.Snapshot(ctx)
		require.NoError(t, err)
		expected := restored.Clone()
		require.NoError(t, spm.ApplyAll(expected, want...))
		assert.True(t, expected.Equal(got), "%v", spm.Diff(expected, got))
		assert.True(t, ui.Manual())
		assert.Equal(t, "recover "+n.SPM, sc.Events()[len(sc.Events())-1])

		require.NoError(t, spm.StopService(ctx, sc, n.SPM))
		require.NoError(t, spm.StartService(ctx, sc, n.SPM))
		again, err := cat.Snapshot(ctx)
		require.NoError(t, err)
		assert.True(t, got.Equal(again), "a second recovery changes nothing (fixed point)")
	})
	t.Run("another RecoveryMode: just starts", func(t *testing.T) {
		cat, _, _, ui, sc := newEstate(t, "Normal")
		require.NoError(t, spm.StartService(ctx, sc, n.SPM))
		assert.Empty(t, cat.Applied())
		assert.False(t, ui.Manual())
		assert.NotContains(t, sc.Events(), "recover "+n.SPM)
	})
	t.Run("recovery fails: the service stops, WaitFor says why", func(t *testing.T) {
		_, arrays, _, _, sc := newEstate(t, spm.RecoveryModeInternal)
		require.NoError(t, arrays.Faults().Add(spmtest.Fault{Op: spmtest.OpLive, Err: spmtest.ErrInjected}))
		err := spm.StartService(ctx, sc, n.SPM)
		var se *spm.ServiceError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, n.SPM, se.Service)
		assert.ErrorIs(t, err, spmtest.ErrInjected)
		assert.ErrorContains(t, err, "exit code 1067")
		assert.Equal(t, "crash "+n.SPM, sc.Events()[len(sc.Events())-1])
	})
	t.Run("incomplete wiring", func(t *testing.T) {
		sc := phase1Services(t, spmtest.WithInternalRecovery(spmtest.InternalRecovery{}))
		require.NoError(t, spm.StartServices(ctx, sc, n.Prerequisites))
		err := spm.StartService(ctx, sc, n.SPM)
		assert.ErrorIs(t, err, spm.ErrInvalid)
		assert.ErrorContains(t, err, "Mode, Catalog and Arrays are required")
	})
}
