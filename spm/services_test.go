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

func TestServiceErrorUnwraps(t *testing.T) {
	cause := errors.New("access denied")
	err := error(&spm.ServiceError{Service: "X", Op: "start", Err: cause})
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, `spm: service "X": start: access denied`, err.Error())
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
