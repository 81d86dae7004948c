package resynctest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func small(t *testing.T) *resynctest.Estate {
	t.Helper()
	e, err := resynctest.Small(1)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return e
}

func saved(t *testing.T, e *resynctest.Estate) string {
	t.Helper()
	b, err := e.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}

// replaceLast replaces the last occurrence of old in s.
func replaceLast(t *testing.T, s, old, repl string) string {
	t.Helper()
	i := strings.LastIndex(s, old)
	require.GreaterOrEqual(t, i, 0, "%s is not in the document", old)
	return s[:i] + repl + s[i+len(old):]
}

// Bad estate files are refused with the JSON path, the field and the
// value, every problem at once, and nothing is built.
func TestLoadRefusesBadFiles(t *testing.T) {
	e := small(t)
	good := saved(t, e)
	d1, ok := e.Fakes().VCEMLive.Domain("d1")
	require.True(t, ok)
	mac := d1.Profiles[3].Ethernet[1].MAC.String()
	badMAC := replaceLast(t, good, `"`+mac+`"`, `"00-17-A4-77-00-0Z"`)
	tests := []struct {
		name string
		doc  string
		want []string // every one in the error
	}{
		{"a bad MAC on one connection", badMAC,
			[]string{`vcem.live.domains["d1"].profiles[3].ethernet[1].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 1, column`}},
		{"an unknown field", strings.Replace(good, `"schema":1,`, `"schema":1,"bogus":true,`, 1),
			[]string{`bogus: unknown field "bogus"`}},
		{"a key in another case", strings.Replace(good, `"manual":false`, `"Manual":false`, 1),
			[]string{`spm.ui.Manual: unknown field "Manual" (field names are case-sensitive: did you mean "manual"?)`, `spm.ui.manual: missing field "manual"`}},
		{"a repeated key", strings.Replace(good, `"schema":1,`, `"schema":1,"schema":1,`, 1),
			[]string{`schema: key "schema" repeated in one object`}},
		{"a repeated profile ID", strings.Replace(good, `"profiles":{"d1:p1":`, `"profiles":{"d1:p1":{"id":"x","name":"x","domainId":"d1"},"d1:p1":`, 1),
			[]string{`vcem.database.profiles["d1:p1"]: key "d1:p1" repeated in one object`}},
		{"a missing field", strings.Replace(good, `"reachable":true,`, ``, 1),
			[]string{`vcem.live.domains["d1"].reachable: missing field "reachable"`}},
		{"null where a value is needed", strings.Replace(good, `"catalogId":"spm-cms1"`, `"catalogId":null`, 1),
			[]string{`spm.catalog.catalogId: null is not allowed here: want a string`}},
		{"a value of the wrong type", strings.Replace(good, `"writes":0`, `"writes":"zero"`, 1),
			[]string{`spm.recoveryMode.writes: want a number, have a string`}},
		{"a number that does not fit", strings.Replace(good, `"writes":0`, `"writes":1.5`, 1),
			[]string{`spm.recoveryMode.writes: want an integer that fits int, have "1.5"`}},
		{"another schema", strings.Replace(good, `"schema":1,`, `"schema":2,`, 1),
			[]string{`schema: schema 2: this SDK reads schema 1`}},
		{"an IP key not in canonical form", strings.Replace(good, `"ipAllocations":{"10.20.0.10":`, `"ipAllocations":{"10.20.000.10":`, 1),
			[]string{`matrixoe.database.ipAllocations["10.20.000.10"]: bad key: not an IP address`}},
		{"a bad change in a delegated part", strings.Replace(good, `"manager":{"domains":`, `"manager":{"domainz":`, 1),
			[]string{`vcem.manager.domainz: unknown field "domainz"`, `vcem.manager.domains: missing field "domains"`}},
		{"trailing data", good + `{}`, []string{`unexpected data after the JSON value: "{}"`}},
		{"not JSON", `{"schema":1,`, []string{"want an object key"}},
		{"every problem at once", strings.Replace(badMAC, `"schema":1,`, `"schema":1,"bogus":true,`, 1),
			[]string{`bogus: unknown field "bogus"`, `profiles[3].ethernet[1].mac: "00-17-A4-77-00-0Z"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resynctest.Decode([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, got, "nothing is built")
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			var se *strictjson.Error
			assert.True(t, errors.As(err, &se), "the problems are a *strictjson.Error")
			assert.NotContains(t, err.Error(), "vc-fake-password")
		})
	}

	t.Run("a database that is well-formed JSON but inconsistent", func(t *testing.T) {
		doc := strings.Replace(good, `"domainId":"d1","bay"`, `"domainId":"d9","bay"`, 1)
		_, err := resynctest.Decode([]byte(doc))
		require.Error(t, err)
		assert.ErrorIs(t, err, vcem.ErrInvalidSnapshot)
		assert.Contains(t, err.Error(), `unknown-domain`)
	})
	t.Run("a huge bad value is quoted by a prefix", func(t *testing.T) {
		doc := replaceLast(t, good, `"`+mac+`"`, `"`+strings.Repeat("Z", 1<<20)+`"`)
		_, err := resynctest.Decode([]byte(doc))
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 2048)
	})
}

// One fault rule set reaches a port of every section through Env.
func TestFaultsReachEverySection(t *testing.T) {
	faults := resynctest.NewFaults(1)
	e, err := resynctest.Small(1, resynctest.WithFaults(faults))
	require.NoError(t, err)
	t.Cleanup(e.Close)
	require.Same(t, faults, e.Faults())
	injected := errors.New("injected")
	ctx := context.Background()
	env := e.Env()
	tests := []struct {
		op   string
		call func() error
	}{
		{vcemtest.OpReadDomain, func() error { _, err := env.VCEM.Live.ReadDomain(ctx, "d1"); return err }},
		{vcemtest.OpSnapshot, func() error { _, err := env.VCEM.Store.Snapshot(ctx); return err }},
		{vcemtest.OpStartMaintenance, func() error { return env.VCEM.Manager.StartMaintenance(ctx, "d1") }},
		{spmtest.OpLive, func() error { _, err := env.Storage.Arrays.Live(ctx); return err }},
		{spmtest.OpSnapshot, func() error { _, err := env.Storage.Catalog.Snapshot(ctx); return err }},
		{spmtest.OpRecoveryMode, func() error { _, err := env.Storage.RecoveryMode.RecoveryMode(ctx); return err }},
		{spmtest.OpStatus, func() error { _, err := env.Services.Status(ctx, spm.DefaultServiceNames().SPM); return err }},
		{spmtest.OpUIGet, func() error {
			c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			_, err := env.Storage.Readiness.Wait(c)
			return err
		}},
		{matrixoetest.OpSnapshot, func() error { _, err := env.MatrixOE.Store.Snapshot(ctx); return err }},
		{matrixoetest.OpVMPowerStates, func() error { _, err := env.MatrixOE.Live.VMPowerStates(ctx); return err }},
		{matrixoetest.OpRMExport, func() error { _, err := env.MatrixOE.Export.RMExport(ctx); return err }},
		{matrixoetest.OpReadServicesFile, func() error { _, err := env.MatrixOE.ServicesFile.ReadServicesFile(ctx, nil); return err }},
	}
	for _, tt := range tests {
		require.NoError(t, faults.Add(resynctest.Fault{Op: tt.op, Err: injected}))
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			if tt.op != spmtest.OpUIGet { // the UI answers 503, which the readiness wait retries
				assert.ErrorIs(t, err, injected)
			}
		})
	}
	hit := map[string]bool{}
	for _, h := range faults.Hits() {
		hit[h.Op] = true
	}
	for _, tt := range tests {
		assert.True(t, hit[tt.op], "no rule fired on %s", tt.op)
	}
	// Activities are not port calls: the rules do not touch them.
	require.NoError(t, e.Do(resynctest.Activity{Kind: resynctest.KindCreateProfile, Domain: "d1", Profile: "new", Ethernet: 1}))
}

// No fmt verb, slog handler or JSON encoding of the estate or its model
// shows a login, nor does a refused activity's error.
func TestSecretsStayHidden(t *testing.T) {
	m := resynctest.SmallModel()
	m.DomainPassword, m.UIPassword = "Sesame-VC-1234", "Sesame-UI-5678"
	resynctest.Test(t, m, func(ctx context.Context, e *resynctest.Estate) {
		var out bytes.Buffer
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T", "%z"} {
			fmt.Fprintf(&out, verb+"\n", e)
			fmt.Fprintf(&out, verb+"\n", m)
			fmt.Fprintf(&out, verb+"\n", resynctest.Login{Username: "u", Password: m.UIPassword})
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("estate", "e", e, "model", m)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("estate", "e", e, "login", resynctest.Login{Password: m.UIPassword})
		for _, v := range []any{m, resynctest.Login{Password: m.UIPassword}} {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			out.Write(b)
		}
		err := e.Do(resynctest.Activity{Kind: resynctest.KindAddToGroup, Domain: "d1", Group: "g1"})
		require.Error(t, err)
		out.WriteString(err.Error())
		for cred := range e.Credentials() {
			fmt.Fprintf(&out, "%v %+v\n", cred, e.Credentials()[cred])
		}
		assert.NotContains(t, out.String(), "Sesame")

		// The estate file holds the fake logins, as its documentation says.
		doc, err := e.MarshalJSON()
		require.NoError(t, err)
		assert.Contains(t, string(doc), m.DomainPassword)
		assert.Contains(t, string(doc), m.UIPassword)
	})
}

// Run and Test build a fresh estate each time and close it.
func TestRunAndTest(t *testing.T) {
	var url string
	err := resynctest.Run(resynctest.SmallModel(), func(ctx context.Context, e *resynctest.Estate) error {
		url = e.Fakes().UI.URL()
		_, err := e.Env().VCEM.Live.ListDomains(ctx)
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, url)
	assert.Error(t, resynctest.Run(resynctest.SmallModel(), nil))
	err = resynctest.Run(resynctest.SmallModel(), func(context.Context, *resynctest.Estate) error { panic("boom") })
	assert.ErrorContains(t, err, "boom")
	bad := resynctest.SmallModel()
	bad.Domains, bad.Groups = 2, 0
	assert.ErrorContains(t, resynctest.Run(bad, func(context.Context, *resynctest.Estate) error { return nil }), "give at least one group")

	ran := false
	resynctest.Test(t, resynctest.SmallModel(), func(ctx context.Context, e *resynctest.Estate) {
		ran = true
		assert.NoError(t, ctx.Err())
		domains, err := e.Env().VCEM.Live.ListDomains(ctx)
		require.NoError(t, err)
		assert.Len(t, domains, 3)
	})
	assert.True(t, ran)
}

// Small and Large are deterministic from the seed and round-trip through
// their JSON exactly.
func TestPresetsRoundTrip(t *testing.T) {
	presets := []struct {
		name  string
		build func(uint64, ...resynctest.Option) (*resynctest.Estate, error)
	}{{"Small", resynctest.Small}, {"Large", resynctest.Large}}
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			if p.name == "Large" && testing.Short() {
				t.Skip("Large builds in about a second; not in -short")
			}
			e, err := p.build(7)
			require.NoError(t, err)
			t.Cleanup(e.Close)
			doc, err := e.MarshalJSON()
			require.NoError(t, err)
			back, err := resynctest.Decode(doc)
			require.NoError(t, err)
			t.Cleanup(back.Close)
			want, err := e.Fingerprints()
			require.NoError(t, err)
			got, err := back.Fingerprints()
			require.NoError(t, err)
			assert.Equal(t, want, got, "databases")
			wantLive, err := e.LiveFingerprints()
			require.NoError(t, err)
			gotLive, err := back.LiveFingerprints()
			require.NoError(t, err)
			assert.Equal(t, wantLive, gotLive, "hardware")
			again, err := back.MarshalJSON()
			require.NoError(t, err)
			assert.True(t, bytes.Equal(doc, again), "save, load, save: the same bytes")
			if p.name == "Large" {
				addrs := 0
				for _, id := range []string{"d001", "d250"} {
					ld, ok := back.Fakes().VCEMLive.Domain(id)
					require.True(t, ok)
					for _, pr := range ld.Profiles {
						addrs += len(pr.Addresses())
					}
				}
				assert.InDelta(t, 2*2064, addrs, 64, "about 2,064 addresses per domain: 516,000 in all")
			}

			if p.name == "Small" { // Large's generator is Small's, at another scale
				twin, err := p.build(7)
				require.NoError(t, err)
				t.Cleanup(twin.Close)
				twinDoc, err := twin.MarshalJSON()
				require.NoError(t, err)
				assert.True(t, bytes.Equal(doc, twinDoc), "the same seed builds the same estate")
			}
		})
	}
}

// A backup saves and loads as JSON, strictly, and restores the same.
func TestBackupJSON(t *testing.T) {
	e := small(t)
	b, err := e.Backup()
	require.NoError(t, err)
	doc, err := b.MarshalJSON()
	require.NoError(t, err)
	var back resynctest.Backup
	require.NoError(t, back.UnmarshalJSON(doc))
	want, err := b.Fingerprints()
	require.NoError(t, err)
	got, err := back.Fingerprints()
	require.NoError(t, err)
	assert.Equal(t, want, got)
	err = back.UnmarshalJSON([]byte(strings.Replace(string(doc), `"recoveryMode":`, `"recoverymode":`, 1)))
	assert.ErrorContains(t, err, `unknown field "recoverymode" (field names are case-sensitive: did you mean "recoveryMode"?)`)
	assert.Error(t, e.Restore(&resynctest.Backup{}), "a backup without databases is refused")
}
