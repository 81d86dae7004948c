package vcem_test

import (
	"testing"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
)

func TestJobStates(t *testing.T) {
	tests := []struct {
		s               vcem.JobState
		valid, terminal bool
	}{
		{vcem.JobPending, true, false},
		{vcem.JobRunning, true, false},
		{vcem.JobCompleted, true, true},
		{vcem.JobFailed, true, true},
		{"Done", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			assert.Equal(t, tt.valid, tt.s.Valid())
			assert.Equal(t, tt.terminal, tt.s.Terminal())
		})
	}
}
