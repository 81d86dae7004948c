package resync_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func codesOf(p *resync.Plan) map[string]int {
	out := map[string]int{}
	for _, f := range p.Findings() {
		out[f.Code]++
	}
	return out
}

func TestManifestProvesTheRestoredBackup(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	m, err := resync.Capture(ctx, e.env)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "manifest.json")
	require.NoError(t, m.Save(path))
	m, err = resync.LoadManifest(path)
	require.NoError(t, err)

	plan, err := resync.Analyze(ctx, e.env, resync.WithManifest(m))
	require.NoError(t, err)
	assert.Zero(t, codesOf(plan)[resync.CodeManifestMismatch], "the restored databases are the backup")
	assert.Equal(t, m.ID, plan.Manifest)

	// The wrong backup was restored: one profile more was deleted in it.
	require.NoError(t, e.vstore.Apply(ctx, vcem.DeleteProfile{ProfileID: vcemtest.ProfileID("d1", "app")}))
	plan, err = resync.Analyze(ctx, e.env, resync.WithManifest(m))
	require.NoError(t, err)
	ph := plan.Phase(resync.PhaseID{Section: resync.SectionVCEM, Phase: 1})
	require.NotEmpty(t, ph.Findings)
	f := ph.Findings[0]
	assert.Equal(t, resync.CodeManifestMismatch, f.Code)
	assert.True(t, f.Blocking)
	assert.Contains(t, f.Message, vcemtest.ProfileID("d1", "app"), "names what differs")
}

func TestWhatIf(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	m, err := resync.Capture(ctx, e.env)
	require.NoError(t, err)
	quiet, err := resync.WhatIf(ctx, e.env, m)
	require.NoError(t, err)
	assert.Zero(t, codesOf(quiet)[string(vcem.CodeAddrReassigned)])

	reusedAddressHistory(t, e) // the day goes on after the backup
	p, err := resync.WhatIf(ctx, e.env, m)
	require.NoError(t, err)
	assert.True(t, p.WhatIf)
	assert.Equal(t, 1, codesOf(p)[string(vcem.CodeAddrReassigned)], "a restore now would have to repair the reused addresses")
	assert.Contains(t, p.Report(), "what-if")
	_, err = resync.Execute(ctx, e.env, p, resync.WithPrompter(resync.Yes()))
	assert.ErrorContains(t, err, "what-if plan")

	// The what-if reads the live side only: the manifest stands in for
	// the restored databases, which need not be readable (nor present).
	env := *e.env
	vp, sp, mp := *env.VCEM, *env.Storage, *env.MatrixOE
	vp.Store, sp.Catalog, mp.Store = unreadableVCEM{}, unreadableSPM{}, unreadableMOE{}
	env.VCEM, env.Storage, env.MatrixOE = &vp, &sp, &mp
	again, err := resync.WhatIf(ctx, &env, m)
	require.NoError(t, err)
	assert.Equal(t, p.Findings(), again.Findings())
}

var errUnreadable = errors.New("the restored store must not be read")

type unreadableVCEM struct{}

func (unreadableVCEM) Snapshot(context.Context) (*vcem.Snapshot, error) { return nil, errUnreadable }
func (unreadableVCEM) Apply(context.Context, vcem.Change) error         { return errUnreadable }

type unreadableSPM struct{}

func (unreadableSPM) Snapshot(context.Context) (*spm.Snapshot, error) { return nil, errUnreadable }
func (unreadableSPM) Apply(context.Context, spm.Change) error         { return errUnreadable }

type unreadableMOE struct{}

func (unreadableMOE) Snapshot(context.Context) (*matrixoe.Snapshot, error) { return nil, errUnreadable }
func (unreadableMOE) Apply(context.Context, matrixoe.Change) error         { return errUnreadable }

func TestDecodeManifestRefuses(t *testing.T) {
	e := newMiniEstate(t)
	m, err := resync.Capture(context.Background(), e.env)
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	good := string(b)
	_, err = resync.DecodeManifest(b)
	require.NoError(t, err)
	tests := []struct{ name, from, to, want string }{
		{"schema", `"schema":1,`, `"schema":9,`, "schema 9, want 1"},
		{"unknown field", `"schema":1,`, `"schema":1,"x":1,`, `x: unknown field "x"`},
		{"tampered state", `"name":"web"`, `"name":"wbe"`, "does not match its fingerprint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.from)
			_, err := resync.DecodeManifest([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestManifestSharpensClassification: with the live side at backup time, an
// address allocated after the backup is said to be so.
func TestManifestSharpensClassification(t *testing.T) {
	ctx := context.Background()
	e := newMiniEstate(t)
	m, err := resync.Capture(ctx, e.env)
	require.NoError(t, err)
	_, err = e.vlive.CreateProfile("d1", vcemtest.ProfileSpec{Name: "new", Bay: "enc1:5", Ethernet: 1})
	require.NoError(t, err)
	e.vlive.RestoreVCEM("d1")
	plan, err := resync.Analyze(ctx, e.env, resync.WithManifest(m))
	require.NoError(t, err)
	found := false
	for _, f := range plan.Findings() {
		if f.Code == string(vcem.CodeAddrAllocatedAfterBackup) {
			found = true
			assert.Contains(t, f.Message, "not live when the backup was taken")
		}
	}
	assert.True(t, found)
}
