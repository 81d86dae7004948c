package vcem_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

func TestApplyPointerAndNilForms(t *testing.T) {
	tests := []struct {
		name   string
		snap   bool
		change vcem.Change
		errHas string
	}{
		{"pointer MAC", true, &vcem.MarkExternalMAC{MAC: 0x00215A9B0200}, ""},
		{"pointer delete", true, &vcem.DeleteProfile{ProfileID: "d3:x"}, ""},
		{"nil pointer", true, (*vcem.DeleteProfile)(nil), "unknown change kind"},
		{"nil snapshot", false, vcem.DeleteProfile{ProfileID: "d3:x"}, "snapshot is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *vcem.Snapshot
			if tt.snap {
				s = baseSnapshot(t)
			}
			err := vcem.Apply(s, tt.change)
			if tt.errHas == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.errHas)
		})
	}
	s := baseSnapshot(t)
	s.WWNs = nil
	assert.ErrorIs(t, vcem.Apply(s, vcem.MarkExternalWWN{WWN: 1}), vcem.ErrNoPool)
}

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

func TestSmallHelpers(t *testing.T) {
	s := baseSnapshot(t)
	ps := s.DomainProfiles("d1")
	require.Len(t, ps, 2)
	assert.Equal(t, []string{"db", "web"}, []string{ps[0].Name, ps[1].Name})
	assert.True(t, ps[0].Assigned())
	assert.False(t, s.Profiles["d3:x"].Assigned())
	assert.Empty(t, s.DomainProfiles("nope"))

	f := vcem.Finding{Code: vcem.CodeAddrConflict, Severity: vcem.SeverityError, Message: "m"}
	assert.Equal(t, "VCEM-ADDR-CONFLICT [error] m", f.String())

	d := vcem.Diff(nil, s)
	assert.Len(t, d.Profiles.Added, 4)
	assert.ElementsMatch(t, []vcem.Family{vcem.FamilyMAC, vcem.FamilyWWN}, d.PoolsReshaped)
	assert.True(t, vcem.Diff(nil, nil).Empty())

	empty, err := vcem.NewSnapshot(nil, nil, nil, nil)
	require.NoError(t, err)
	empty.Groups[""] = vcem.DomainGroup{}
	assert.Equal(t, []vcem.IssueCode{vcem.IssueEmptyID}, codes(empty.Issues()))
	var nilSnap *vcem.Snapshot
	assert.Error(t, nilSnap.Validate())
}

func codes(is []*vcem.ValidationIssue) []vcem.IssueCode {
	var out []vcem.IssueCode
	for _, i := range is {
		out = append(out, i.Code)
	}
	return out
}
