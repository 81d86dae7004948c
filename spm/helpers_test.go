package spm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// estate returns the sample catalog and live arrays that match it exactly.
func estate(t *testing.T) (*spm.Snapshot, *spmtest.Arrays) {
	t.Helper()
	s := spmtest.Sample()
	require.NoError(t, s.Validate())
	a, err := spmtest.NewArrays(spmtest.LiveFromSnapshot(s))
	require.NoError(t, err)
	return s, a
}

func analyze(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) []spm.Finding {
	t.Helper()
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	fs, err := spm.Analyze(s, live)
	require.NoError(t, err)
	return fs
}

func withCode(fs []spm.Finding, code spm.Code) []spm.Finding {
	var out []spm.Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func forVolume(fs []spm.Finding, vol string) []spm.Finding {
	var out []spm.Finding
	for _, f := range fs {
		if f.Subject.VolumeID == vol {
			out = append(out, f)
		}
	}
	return out
}

func allChanges(fs []spm.Finding) []spm.Change {
	var out []spm.Change
	for _, f := range fs {
		out = append(out, f.Changes...)
	}
	return out
}
