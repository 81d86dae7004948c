package vcemtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// jsonRoundTrip marshals v and decodes it back into a new T.
func jsonRoundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var back T
	require.NoError(t, json.Unmarshal(b, &back))
	return back
}

// A live estate exported as data — through JSON too — rebuilds into one
// that reads, scripts and exports the same: a composed estate can back it
// up and restore it.
func TestLiveDataRoundTrip(t *testing.T) {
	s := estate(t)
	l, err := vcemtest.NewLive(s)
	require.NoError(t, err)
	require.NoError(t, l.SetCredentials("d2", vcem.NewCredentials("Administrator", "lab-only")))
	require.NoError(t, l.RemoveFromGroup("d2"))
	_, err = l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "late", Bay: "2", Ethernet: 1, FC: 1})
	require.NoError(t, err)
	require.NoError(t, l.AddDomain(vcem.Domain{ID: "d3", Manager: "d3.vcm.example"}, vcem.Credentials{}))
	require.NoError(t, l.SetReachable("d3", false))
	l.RestoreVCEM("d1", "d2")

	data := l.Data()
	back, err := vcemtest.LiveFromData(jsonRoundTrip(t, data))
	require.NoError(t, err)
	assert.Equal(t, data.Domains, back.Data().Domains)
	assert.Equal(t, data.VCEMKnows, back.Data().VCEMKnows)
	assert.True(t, data.MACs.Equal(back.Data().MACs))
	assert.True(t, data.WWNs.Equal(back.Data().WWNs))

	creds := map[string]vcem.CredentialedDomain{"d2": {Target: vcem.DomainTarget{ID: "d2", Manager: "d2.vcm.example"}, Credentials: vcem.NewCredentials("Administrator", "lab-only")}}
	read := func(l *vcemtest.Live) string {
		lds, err := vcem.GatherLive(context.Background(), l, s, creds)
		require.NoError(t, err)
		fp, err := vcem.FingerprintLive(lds)
		require.NoError(t, err)
		return fp
	}
	assert.Equal(t, read(l), read(back), "both read the same")

	// Both go on the same way: the next allocation takes the same address.
	p1, err := l.CreateProfile("d1", vcemtest.ProfileSpec{Name: "next", Ethernet: 1})
	require.NoError(t, err)
	p2, err := back.CreateProfile("d1", vcemtest.ProfileSpec{Name: "next", Ethernet: 1})
	require.NoError(t, err)
	assert.Equal(t, p1, p2)
}

func TestLiveFromDataRejects(t *testing.T) {
	good := func() vcemtest.LiveData {
		l, err := vcemtest.NewLive(estate(t))
		require.NoError(t, err)
		return l.Data()
	}
	tests := []struct {
		name string
		edit func(d *vcemtest.LiveData)
		want string
	}{
		{"no pools", func(d *vcemtest.LiveData) { d.MACs = nil }, "vcemtest: live data: both pools are required: invalid"},
		{"empty ID", func(d *vcemtest.LiveData) { d.Domains[1].Domain.ID = "" }, "domains[1]: empty ID"},
		{"repeated ID", func(d *vcemtest.LiveData) { d.Domains[1].Domain.ID = "d1" }, `domains[1]: domain "d1" listed twice`},
		{"shared manager", func(d *vcemtest.LiveData) { d.Domains[1].Domain.Manager = d.Domains[0].Domain.Manager },
			`domains[1]: domains "d1" and "d2" share VC Manager address d1.vcm.example`},
		{"profile without name", func(d *vcemtest.LiveData) { d.Domains[0].Profiles[0].Name = "" }, "domains[0].profiles[0]: empty name"},
		{"profile twice", func(d *vcemtest.LiveData) {
			d.Domains[0].Profiles = append(d.Domains[0].Profiles, d.Domains[0].Profiles[0])
		},
			`domains[0].profiles[1]: name "a" listed twice`},
		{"profile of another domain", func(d *vcemtest.LiveData) { d.Domains[0].Profiles[0].DomainID = "d2" },
			`domains[0].profiles[0]: profile "a" says it is in domain "d2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			tt.edit(&d)
			l, err := vcemtest.LiveFromData(d)
			assert.Nil(t, l)
			assert.ErrorIs(t, err, vcem.ErrInvalid)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	var d vcemtest.LiveData
	err := json.Unmarshal([]byte(`{"domains":[],"vcemKnows":[],"macs":null,"wwns":null,"vcemKnow":[]}`), &d)
	assert.EqualError(t, err, `vcemtest: live data JSON: vcemKnow: unknown field "vcemKnow" (line 1, column 54)`)
}

func TestStoreDataRoundTrip(t *testing.T) {
	st, err := vcemtest.NewStore(estate(t))
	require.NoError(t, err)
	require.NoError(t, st.Apply(context.Background(), vcem.DeleteProfile{ProfileID: "d1:a"}))
	data := st.Data()
	back, err := vcemtest.StoreFromData(jsonRoundTrip(t, data))
	require.NoError(t, err)
	assert.Equal(t, st.Applied(), back.Applied())
	a, err := st.Snapshot(context.Background())
	require.NoError(t, err)
	b, err := back.Snapshot(context.Background())
	require.NoError(t, err)
	assert.True(t, a.Equal(b))
	_, err = vcemtest.StoreFromData(vcemtest.StoreData{})
	assert.ErrorContains(t, err, "snapshot is nil")
}

// A manager rebuilt from its data has the same domains, jobs and calls,
// and a job that had not ended runs to its end.
func TestManagerDataRoundTrip(t *testing.T) {
	m := vcemtest.NewManager(vcemtest.WithJobLatency(time.Hour))
	ctx := context.Background()
	for _, id := range []string{"d1", "d2"} {
		require.NoError(t, m.AddDomain(id, false))
	}
	require.NoError(t, m.StartMaintenance(ctx, "d1"))
	job, err := m.Resync(ctx, "d1")
	require.NoError(t, err)
	data := m.Data()
	require.Equal(t, vcem.JobRunning, data.Jobs[0].State)

	back, err := vcemtest.ManagerFromData(jsonRoundTrip(t, data), vcemtest.WithJobLatency(time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, data, back.Data())
	j, err := back.WaitJob(ctx, job)
	require.NoError(t, err)
	assert.Equal(t, vcem.JobCompleted, j.State)
	require.NoError(t, back.CompleteMaintenance(ctx, "d1"))
	inSync, err := back.InSync("d1")
	require.NoError(t, err)
	assert.True(t, inSync)
	next, err := back.Resync(ctx, "d1")
	assert.ErrorIs(t, err, vcem.ErrNotInMaintenance, "%s", next)

	for _, bad := range []vcemtest.ManagerData{
		{Domains: []vcemtest.ManagerDomain{{ID: ""}}},
		{Domains: []vcemtest.ManagerDomain{{ID: "d"}, {ID: "d"}}},
		{Jobs: []vcem.Job{{ID: "j", DomainID: "nope", State: vcem.JobRunning}}},
		{Domains: []vcemtest.ManagerDomain{{ID: "d"}}, Jobs: []vcem.Job{{ID: "j", DomainID: "d", State: "done"}}},
		{Domains: []vcemtest.ManagerDomain{{ID: "d"}}, Jobs: []vcem.Job{{ID: "j", DomainID: "d", State: vcem.JobFailed}, {ID: "j", DomainID: "d", State: vcem.JobFailed}}},
	} {
		_, err := vcemtest.ManagerFromData(bad)
		assert.Error(t, err, "%+v", bad)
		assert.True(t, errors.Is(err, vcem.ErrInvalid) || errors.Is(err, vcem.ErrNotFound), "%v", err)
	}
}
