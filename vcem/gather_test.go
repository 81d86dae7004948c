package vcem_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func TestGatherLive(t *testing.T) {
	tests := []struct {
		name      string
		fault     *vcemtest.Fault
		creds     map[string]vcem.CredentialedDomain
		cancel    bool
		errIs     error
		errHas    string
		reachable map[string]bool
	}{
		{name: "all reachable", reachable: map[string]bool{"d1": true, "d2": true, "d3": true}},
		{name: "an inaccessible domain becomes an unreachable entry",
			fault:     &vcemtest.Fault{Op: vcemtest.OpReadDomain, Target: "d2", Err: fmt.Errorf("lock lost: %w", vcem.ErrDomainInaccessible)},
			reachable: map[string]bool{"d1": true, "d2": false, "d3": true}},
		{name: "any other read error stops the gathering",
			fault:  &vcemtest.Fault{Op: vcemtest.OpReadDomain, Target: "d2", Err: errors.New("VCEM timeout")},
			errHas: `read domain "d2"`},
		{name: "credentials keyed under another domain",
			creds:  map[string]vcem.CredentialedDomain{"d9": {Target: vcem.DomainTarget{ID: "d8", Manager: "x"}, Credentials: labCredentials()}},
			errHas: `keyed "d9" target domain "d8"`},
		{name: "credentials for a manager nobody answers at",
			creds:  map[string]vcem.CredentialedDomain{"d9": {Target: vcem.DomainTarget{Manager: "10.1.1.1"}, Credentials: labCredentials()}},
			errIs:  vcem.ErrDomainInaccessible,
			errHas: "10.1.1.1"},
		{name: "cancelled context", cancel: true, errIs: context.Canceled},
	}
	for _, tt := range tests {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/concurrency %d", tt.name, n), func(t *testing.T) {
				gatherCase(t, n, tt.fault, tt.creds, tt.cancel, tt.errIs, tt.errHas, tt.reachable)
			})
		}
	}
	live, err := vcemtest.NewLive(baseSnapshot(t))
	require.NoError(t, err)
	_, err = vcem.GatherLive(context.Background(), live, baseSnapshot(t), nil, vcem.WithReadConcurrency(0))
	assert.ErrorIs(t, err, vcem.ErrInvalid)
}

// gatherCase runs one TestGatherLive case at read concurrency n.
func gatherCase(t *testing.T, n int, fault *vcemtest.Fault, creds map[string]vcem.CredentialedDomain, cancelled bool, errIs error, errHas string, reachable map[string]bool) {
	tt := struct {
		fault     *vcemtest.Fault
		creds     map[string]vcem.CredentialedDomain
		cancel    bool
		errIs     error
		errHas    string
		reachable map[string]bool
	}{fault, creds, cancelled, errIs, errHas, reachable}
	restored := baseSnapshot(t)
	f := vcemtest.NewFaults(1)
	if tt.fault != nil {
		require.NoError(t, f.Add(*tt.fault))
	}
	live, err := vcemtest.NewLive(restored, vcemtest.WithFaults(f))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if tt.cancel {
		cancel()
	}
	lds, err := vcem.GatherLive(ctx, live, restored, tt.creds, vcem.WithReadConcurrency(n))
	if tt.errIs != nil || tt.errHas != "" {
		require.Error(t, err)
		assert.Nil(t, lds)
		if tt.errIs != nil {
			assert.ErrorIs(t, err, tt.errIs)
		}
		assert.Contains(t, err.Error(), tt.errHas)
		return
	}
	require.NoError(t, err)
	got := map[string]bool{}
	for _, ld := range lds {
		got[ld.Domain.ID] = ld.Reachable
	}
	assert.Equal(t, tt.reachable, got)
	want, err := vcem.GatherLive(ctx, live, restored, tt.creds)
	require.NoError(t, err)
	assert.Equal(t, want, lds, "the same answer at any concurrency")
}

// answersAs is a Live whose ReadDomain answers for another domain than the
// one asked for (a broken adapter).
type answersAs struct {
	vcem.Live
	id string
}

func (a answersAs) ReadDomain(ctx context.Context, domainID string) (vcem.LiveDomain, error) {
	ld, err := a.Live.ReadDomain(ctx, domainID)
	if domainID == "d2" {
		ld.Domain.ID = a.id
	}
	return ld, err
}

func TestGatherLiveRejectsBadPorts(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	tests := []struct {
		name   string
		live   vcem.Live
		errHas string
	}{
		{"nil port", nil, "Live port is nil"},
		{"answer for another domain", answersAs{live, "d1"}, `read domain "d2": invalid live domain data: invalid: the answer is for domain "d1"`},
		{"answer with no ID", answersAs{live, ""}, `the answer is for domain ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lds, err := vcem.GatherLive(context.Background(), tt.live, restored, nil)
			require.Error(t, err)
			assert.Nil(t, lds)
			assert.Contains(t, err.Error(), tt.errHas)
		})
	}
}

// TestGatherLiveRejectsOneDomainUnderTwoIDs: credentials given under a new
// ID for the VC Manager of a domain VCEM reads too would make every address
// of that domain a conflict.
func TestGatherLiveRejectsOneDomainUnderTwoIDs(t *testing.T) {
	restored := baseSnapshot(t)
	live, err := vcemtest.NewLive(restored)
	require.NoError(t, err)
	require.NoError(t, live.SetCredentials("d1", labCredentials()))
	live.RestoreVCEM("d1", "d2", "d3")
	lds, err := vcem.GatherLive(context.Background(), live, restored, credsFor("new", "d1.vcm.example"))
	require.Error(t, err)
	assert.Nil(t, lds)
	assert.ErrorIs(t, err, vcem.ErrInvalidLive)
	assert.Contains(t, err.Error(), `domains "d1" and "new" were both read from VC Manager d1.vcm.example`)
}
