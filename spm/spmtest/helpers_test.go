package spmtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// liveOf returns the live side that matches s exactly.
func liveOf(t *testing.T, s *spm.Snapshot) *spm.Live {
	t.Helper()
	l, err := spmtest.LiveFromSnapshot(s)
	require.NoError(t, err)
	return l
}

// phase1Services returns the services of storage phase 1, stopped.
func phase1Services(t *testing.T, opts ...spmtest.Option) *spmtest.Services {
	t.Helper()
	sc, err := spmtest.NewPhase1Services(spm.DefaultServiceNames(), opts...)
	require.NoError(t, err)
	return sc
}
