//go:build windows

package spm

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows/svc"
)

func TestStateOf(t *testing.T) {
	tests := []struct {
		in   svc.State
		want ServiceState
	}{
		{svc.Stopped, ServiceStopped},
		{svc.StartPending, ServiceStartPending},
		{svc.StopPending, ServiceStopPending},
		{svc.Running, ServiceRunning},
		{svc.ContinuePending, ServiceContinuePending},
		{svc.PausePending, ServicePausePending},
		{svc.Paused, ServicePaused},
		{svc.State(99), "Unknown(99)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) { assert.Equal(t, tt.want, stateOf(tt.in)) })
	}
}

func TestNewWindowsServices(t *testing.T) {
	_, err := NewWindowsServices("", -1)
	assert.Error(t, err)
	w, err := NewWindowsServices("", 0)
	require.NoError(t, err)
	assert.Positive(t, w.poll)
}

// The Event Log service runs on every Windows machine; it is looked up by
// key name and by display name.
func TestWindowsServicesEventLog(t *testing.T) {
	w, err := NewWindowsServices("", 0)
	require.NoError(t, err)
	m, err := w.connect()
	if err != nil {
		t.Skipf("no access to the service manager: %v", err)
	}
	m.Disconnect()
	ctx := context.Background()
	st, err := w.Status(ctx, "EventLog")
	require.NoError(t, err)
	assert.Equal(t, ServiceRunning, st)
	st, err = w.Status(ctx, "Windows Event Log")
	require.NoError(t, err)
	assert.Equal(t, ServiceRunning, st)
	key, ok := w.cachedKey("Windows Event Log")
	assert.True(t, ok, "the display name's key is remembered")
	assert.Equal(t, "eventlog", strings.ToLower(key))
	st, err = w.Status(ctx, "Windows Event Log")
	require.NoError(t, err, "resolved again from the remembered key")
	assert.Equal(t, ServiceRunning, st)
	_, err = w.Status(ctx, "HP No Such Service 0000")
	assert.ErrorIs(t, err, ErrServiceNotFound)
}
