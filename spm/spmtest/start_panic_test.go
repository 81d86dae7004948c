package spmtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// A port that panics while SPM starts in Internal Recovery (the arrays or
// RecoveryMode read by the recovery) makes Start panic, as the fault says —
// and leaves SPM stopped, as a service whose process died while starting
// is: the service used to stay start-pending for ever, so that the next
// start (a resumed execute, faults cleared) waited on it without end
// (found by resync's fault-injection safety test).
func TestStartPanickingInInternalRecoveryLeavesSPMStopped(t *testing.T) {
	for _, op := range []string{spmtest.OpLive, spmtest.OpRecoveryMode} {
		t.Run(op, func(t *testing.T) {
			ctx := context.Background()
			f := spmtest.NewFaults(1)
			cat := spmtest.Sample()
			catalog, err := spmtest.NewCatalog(cat)
			require.NoError(t, err)
			live, err := spmtest.LiveFromSnapshot(cat)
			require.NoError(t, err)
			arrays, err := spmtest.NewArrays(live, spmtest.WithFaults(f))
			require.NoError(t, err)
			mode := spmtest.NewRecoveryMode(spm.RecoveryModeInternal, spmtest.WithFaults(f))
			names := spm.DefaultServiceNames()
			svcs, err := spmtest.NewPhase1Services(names, spmtest.WithInternalRecovery(spmtest.InternalRecovery{
				Mode: mode, Catalog: catalog, Arrays: arrays}))
			require.NoError(t, err)
			require.NoError(t, spm.StartServices(ctx, svcs, names.Prerequisites))
			require.NoError(t, f.Add(spmtest.Fault{Op: op, Panic: "port bug", Count: 1}))

			assert.PanicsWithValue(t, "port bug", func() { _ = svcs.Start(ctx, names.SPM) })
			st, err := svcs.Status(ctx, names.SPM)
			require.NoError(t, err)
			assert.Equal(t, spm.ServiceStopped, st, "SPM's process died while starting")
			wait, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			require.NoError(t, spm.StartService(wait, svcs, names.SPM), "the next start runs")
		})
	}
}
