package spm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func phase1Fakes(t *testing.T) (*spmtest.Services, *spmtest.RecoveryMode) {
	t.Helper()
	sc, err := spmtest.NewPhase1Services(spm.DefaultServiceNames())
	require.NoError(t, err)
	return sc, spmtest.NewRecoveryMode("Previous")
}

func TestPhase1Order(t *testing.T) {
	sc, rm := phase1Fakes(t)
	ui := spmtest.NewUI(3)
	defer ui.Close()
	ready, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny))
	require.NoError(t, err)

	res, err := spm.Phase1{Services: sc, Config: rm, Ready: ready}.Run(context.Background())
	require.NoError(t, err)
	n := spm.DefaultServiceNames()
	assert.Equal(t, []string{
		"start " + n.Prerequisites[0], "start " + n.Prerequisites[1], "start " + n.Prerequisites[2], "start " + n.SPM,
	}, sc.Events())
	assert.Equal(t, append(n.Prerequisites, n.SPM), res.Started)
	require.NotNil(t, res.Mode)
	assert.Equal(t, "Previous", res.Mode.Previous, "the value found is remembered for the end of the section")
	v, err := rm.RecoveryMode(context.Background())
	require.NoError(t, err)
	assert.Equal(t, spm.RecoveryModeInternal, v)
	assert.Equal(t, 3, res.Ready.Polls)
	assert.Equal(t, 200, res.Ready.Status)
}

func TestPhase1Failures(t *testing.T) {
	n := spm.DefaultServiceNames()
	tests := []struct {
		name      string
		rule      spmtest.Fault
		failing   string
		op        string
		started   int // services started before the failure
		modeWrite bool
	}{
		{"first prerequisite refuses to start", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected, Target: n.Prerequisites[0]}, n.Prerequisites[0], "start", 0, false},
		{"J2EE service crashes while starting", spmtest.Fault{Op: spmtest.OpCrash, Err: spmtest.ErrInjected, Target: n.Prerequisites[1]}, n.Prerequisites[1], "wait", 1, false},
		{"status of third fails", spmtest.Fault{Op: spmtest.OpStatus, Err: spmtest.ErrInjected, Target: n.Prerequisites[2]}, n.Prerequisites[2], "status", 2, false},
		{"SPM fails after RecoveryMode is set", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected, Target: n.SPM}, n.SPM, "start", 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, rm := phase1Fakes(t)
			require.NoError(t, sc.Faults.Add(tt.rule))
			res, err := spm.Phase1{Services: sc, Config: rm}.Run(context.Background())
			require.Error(t, err)
			var se *spm.ServiceError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.failing, se.Service)
			assert.Equal(t, tt.op, se.Op)
			assert.Contains(t, err.Error(), tt.failing, "the error names the service")
			assert.Len(t, res.Started, tt.started)
			for _, e := range sc.Events() {
				assert.NotEqual(t, "start "+n.SPM, e, "SPM never starts after a failure")
			}
			assert.Equal(t, tt.modeWrite, rm.Writes() == 1)
			assert.Equal(t, tt.modeWrite, res.Mode != nil, "Mode is reported once written, so it can be put back")
		})
	}
}

func TestPhase1SPMAlreadyRunning(t *testing.T) {
	n := spm.DefaultServiceNames()
	ctx := context.Background()
	sc, rm := phase1Fakes(t)
	require.NoError(t, spm.StartServices(ctx, sc, append(n.Prerequisites, n.SPM)))

	_, err := spm.Phase1{Services: sc, Config: rm}.Run(ctx)
	require.ErrorIs(t, err, spm.ErrSPMRunning)
	assert.Zero(t, rm.Writes(), "RecoveryMode untouched")

	res, err := spm.Phase1{Services: sc, Config: rm, StopSPMIfRunning: true}.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, rm.Writes())
	assert.Equal(t, "stop "+n.SPM, sc.Events()[4])
	assert.Equal(t, "start "+n.SPM, sc.Events()[5])
	assert.Len(t, res.Started, 4)
}

func TestPhase1Validation(t *testing.T) {
	sc, rm := phase1Fakes(t)
	_, err := spm.Phase1{Config: rm}.Run(context.Background())
	assert.ErrorContains(t, err, "required")
	_, err = spm.Phase1{Services: sc, Config: rm, Names: spm.ServiceNames{Prerequisites: []string{"a", "a"}, SPM: "b"}}.Run(context.Background())
	assert.ErrorContains(t, err, `"a" listed twice`)
	_, err = spm.Phase1{Services: sc, Config: rm, Names: spm.ServiceNames{Prerequisites: []string{"a"}}}.Run(context.Background())
	assert.ErrorContains(t, err, "SPM service name is empty")
}

// Overridden names: the caller's key names are used instead of the display
// names.
func TestPhase1CustomNames(t *testing.T) {
	names := spm.ServiceNames{Prerequisites: []string{"hpxsa", "spmj2ee"}, SPM: "hpspm"}
	sc, err := spmtest.NewPhase1Services(names)
	require.NoError(t, err)
	res, err := spm.Phase1{Services: sc, Config: spmtest.NewRecoveryMode(""), Names: names}.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"hpxsa", "spmj2ee", "hpspm"}, res.Started)
}

func TestFakeServicesDependencyOrder(t *testing.T) {
	ctx := context.Background()
	n := spm.DefaultServiceNames()
	sc, _ := phase1Fakes(t)
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
	sc, _ := phase1Fakes(t)
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

func TestServiceErrorUnwraps(t *testing.T) {
	cause := errors.New("access denied")
	err := error(&spm.ServiceError{Service: "X", Op: "start", Err: cause})
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, `spm: service "X": start: access denied`, err.Error())
}

// Phase 1 against the real ApplicationConfig.xml: the file is edited in
// place, backed up, and the value found is reported.
func TestPhase1WithConfigFile(t *testing.T) {
	orig := fixture(t)
	p := writeConfig(t, orig)
	sc, _ := phase1Fakes(t)
	res, err := spm.Phase1{Services: sc, Config: spm.ConfigFile{Path: p}}.Run(context.Background())
	require.NoError(t, err)
	require.NotNil(t, res.Mode)
	assert.Equal(t, "None", res.Mode.Previous)
	assert.FileExists(t, res.Mode.Backup)
	cfg, err := spm.ReadConfig(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, spm.RecoveryModeInternal, cfg.RecoveryMode)

	// A malformed file stops the sequence before SPM starts.
	bad := writeConfig(t, []byte("<c><RecoveryMode>x</c>"))
	sc2, _ := phase1Fakes(t)
	res, err = spm.Phase1{Services: sc2, Config: spm.ConfigFile{Path: bad}}.Run(context.Background())
	var ce *spm.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Nil(t, res.Mode)
	assert.Len(t, res.Started, 3, "prerequisites ran, SPM did not")
	assert.NotContains(t, sc2.Events(), "start "+spm.DefaultServiceNames().SPM)
}

func TestPhase1Cancelled(t *testing.T) {
	sc, rm := phase1Fakes(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := spm.Phase1{Services: sc, Config: rm}.Run(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, sc.Events())
	assert.Zero(t, rm.Writes())
}

// StartService from each state a service can be found in: the SCM refuses
// to start a stopping service and ignores Start on a paused one, so neither
// may end in a wait for Running that never comes.
func TestStartServiceFromEveryState(t *testing.T) {
	tests := []struct {
		from   spm.ServiceState
		settle func(sc *spmtest.Services) // what the service does meanwhile, if anything
		events []string
		errIs  error
		errOp  string
	}{
		{from: spm.ServiceStopped, events: []string{"start S"}},
		{from: spm.ServiceRunning},
		{from: spm.ServiceStopPending, settle: func(sc *spmtest.Services) { _ = sc.Stop(context.Background(), "S") },
			events: []string{"stop S", "start S"}},
		{from: spm.ServiceStartPending, settle: func(sc *spmtest.Services) { _ = sc.Start(context.Background(), "S") },
			events: []string{"start S"}},
		{from: spm.ServicePaused, errIs: spm.ErrServicePaused, errOp: "start"},
		{from: spm.ServicePausePending, errIs: spm.ErrServicePaused, errOp: "start"},
	}
	for _, tt := range tests {
		t.Run(string(tt.from), func(t *testing.T) {
			sc := spmtest.NewServices()
			require.NoError(t, sc.Define("S", tt.from))
			if tt.settle != nil {
				go tt.settle(sc)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := spm.StartService(ctx, sc, "S")
			require.NoError(t, ctx.Err(), "no wait until the deadline")
			if tt.errIs != nil {
				var se *spm.ServiceError
				require.ErrorAs(t, err, &se)
				assert.ErrorIs(t, err, tt.errIs)
				assert.Equal(t, "S", se.Service)
				assert.Equal(t, tt.errOp, se.Op)
				assert.Empty(t, sc.Events(), "a paused service is left alone")
				return
			}
			require.NoError(t, err)
			st, err := sc.Status(ctx, "S")
			require.NoError(t, err)
			assert.Equal(t, spm.ServiceRunning, st)
			assert.Equal(t, tt.events, sc.Events())
		})
	}
}

func TestServicesNilControl(t *testing.T) {
	ctx := context.Background()
	require.NotPanics(t, func() {
		err := spm.StartServices(ctx, nil, []string{"HP X"})
		var se *spm.ServiceError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "HP X", se.Service)
		assert.Error(t, spm.StopService(ctx, nil, "S"))
	})
}

// The package's sentinels are cases of the shared ones.
func TestSentinelsWrapTheGeneralOnes(t *testing.T) {
	for _, tc := range []struct {
		err, general error
		msg          string
	}{
		{spm.ErrServiceNotFound, spm.ErrNotFound, "service not found"},
		{spm.ErrElementNotFound, spm.ErrNotFound, "element not found"},
		{spm.ErrServicePaused, spm.ErrConflict, "service is paused; continue it (or stop it) first"},
		{spm.ErrSPMRunning, spm.ErrConflict, "the SPM service is running; stop it before setting RecoveryMode"},
		{spmtest.ErrDependency, spm.ErrConflict, "dependency order violated: conflict"},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.general)
			assert.Equal(t, tc.msg, tc.err.Error())
		})
	}
}
