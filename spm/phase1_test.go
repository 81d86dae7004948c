package spm_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

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
			require.NoError(t, sc.Faults().Add(tt.rule))
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

// The journal hook sees the ModeChange before SPM is started and waited
// on; a crash during the wait can put the value back from the journal
// record alone.
func TestPhase1ReportsTheModeChangeBeforeStartingSPM(t *testing.T) {
	n := spm.DefaultServiceNames()
	orig := fixture(t)
	p := writeConfig(t, orig)
	sc, _ := phase1Fakes(t)
	var journal []byte
	hook := func(ctx context.Context, mc *spm.ModeChange) error {
		assert.NotContains(t, sc.Events(), "start "+n.SPM, "reported before SPM starts")
		assert.True(t, mc.Changed)
		assert.Equal(t, "None", mc.Previous)
		var err error
		journal, err = json.Marshal(mc)
		return err
	}
	ui := spmtest.NewUI(0) // never shows Manual Recovery Mode: the wait is where the run "crashes"
	defer ui.Close()
	ready, err := spm.NewReadiness(ui.URL(), spm.WithPinSHA256(ui.Pin()), spm.WithPollInterval(tiny, tiny))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = spm.Phase1{Services: sc, Config: spm.ConfigFile{Path: p}, Ready: ready, OnRecoveryModeSet: hook}.Run(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotEmpty(t, journal)

	// A new process: only the journal record is left.
	var mc spm.ModeChange
	require.NoError(t, json.Unmarshal(journal, &mc))
	_, err = spm.ConfigFile{Path: p}.RestoreRecoveryMode(context.Background(), &mc)
	require.NoError(t, err)
	assertFile(t, p, string(orig))
}

// When the hook fails (the journal cannot be written), Run puts the value
// back and stops: SPM never starts on an unrecorded change.
func TestPhase1HookFailurePutsTheValueBack(t *testing.T) {
	n := spm.DefaultServiceNames()
	journalDown := errors.New("journal disk full")
	t.Run("fake store", func(t *testing.T) {
		sc, rm := phase1Fakes(t)
		res, err := spm.Phase1{Services: sc, Config: rm, OnRecoveryModeSet: func(context.Context, *spm.ModeChange) error { return journalDown }}.Run(context.Background())
		require.ErrorIs(t, err, journalDown)
		assert.ErrorContains(t, err, "recording the RecoveryMode change")
		assert.Nil(t, res.Mode, "the value was put back")
		v, err := rm.RecoveryMode(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Previous", v)
		assert.NotContains(t, sc.Events(), "start "+n.SPM)
	})
	t.Run("ApplicationConfig.xml", func(t *testing.T) {
		orig := fixture(t)
		p := writeConfig(t, orig)
		sc, _ := phase1Fakes(t)
		ctx, cancel := context.WithCancel(context.Background())
		hook := func(context.Context, *spm.ModeChange) error { cancel(); return context.Canceled }
		_, err := spm.Phase1{Services: sc, Config: spm.ConfigFile{Path: p}, OnRecoveryModeSet: hook}.Run(ctx)
		require.ErrorIs(t, err, context.Canceled)
		assertFile(t, p, string(orig))
		assert.NotContains(t, sc.Events(), "start "+n.SPM)
	})
	t.Run("the restore fails too: both errors, Mode kept", func(t *testing.T) {
		faults := spmtest.NewFaults(1)
		require.NoError(t, faults.Add(spmtest.Fault{Op: spmtest.OpRecoveryMode, Target: "restore", Err: spmtest.ErrInjected}))
		sc, err := spmtest.NewPhase1Services(n)
		require.NoError(t, err)
		rm := spmtest.NewRecoveryMode("Previous", spmtest.WithFaults(faults))
		res, err := spm.Phase1{Services: sc, Config: rm, OnRecoveryModeSet: func(context.Context, *spm.ModeChange) error { return journalDown }}.Run(context.Background())
		assert.ErrorIs(t, err, journalDown)
		assert.ErrorIs(t, err, spmtest.ErrInjected)
		assert.ErrorContains(t, err, "putting RecoveryMode back")
		require.NotNil(t, res.Mode, "still to be put back by the caller")
		assert.Equal(t, "Previous", res.Mode.Previous)
	})
	t.Run("the hook panics", func(t *testing.T) {
		sc, rm := phase1Fakes(t)
		assert.PanicsWithValue(t, "boom", func() {
			_, _ = spm.Phase1{Services: sc, Config: rm, OnRecoveryModeSet: func(context.Context, *spm.ModeChange) error { panic("boom") }}.Run(context.Background())
		})
		v, err := rm.RecoveryMode(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Previous", v)
	})
	t.Run("nothing was written: nothing to put back", func(t *testing.T) {
		sc, err := spmtest.NewPhase1Services(n)
		require.NoError(t, err)
		rm := spmtest.NewRecoveryMode(spm.RecoveryModeInternal)
		var seen *spm.ModeChange
		_, err = spm.Phase1{Services: sc, Config: rm, OnRecoveryModeSet: func(_ context.Context, mc *spm.ModeChange) error { seen = mc; return journalDown }}.Run(context.Background())
		require.ErrorIs(t, err, journalDown)
		require.NotNil(t, seen)
		assert.False(t, seen.Changed)
		assert.Zero(t, rm.Writes())
	})
}

// The value written is the caller's to override (the spelling is FOUND
// only through the brief).
func TestPhase1RecoveryModeOverride(t *testing.T) {
	sc, rm := phase1Fakes(t)
	res, err := spm.Phase1{Services: sc, Config: rm, RecoveryMode: "Internal_Recovery"}.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Internal_Recovery", res.Mode.Value)
}

// silentStore is a RecoveryModeStore that reports no change record.
type silentStore struct{ spm.RecoveryModeStore }

func (silentStore) SetRecoveryMode(context.Context, string) (*spm.ModeChange, error) { return nil, nil }

func TestPhase1CarelessPorts(t *testing.T) {
	sc, _ := phase1Fakes(t)
	require.NotPanics(t, func() {
		_, err := spm.Phase1{Services: sc, Config: silentStore{spmtest.NewRecoveryMode("")}}.Run(context.Background())
		assert.ErrorIs(t, err, spm.ErrInvalid)
		assert.NotContains(t, sc.Events(), "start "+spm.DefaultServiceNames().SPM)
		_, err = spm.Phase1{Services: sc}.Run(context.Background())
		assert.ErrorIs(t, err, spm.ErrInvalid)
	})
}
