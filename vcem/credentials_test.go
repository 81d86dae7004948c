package vcem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

func TestCredentialsNeverPrintThePassword(t *testing.T) {
	const secret = "Pa55-w0rd!"
	c := vcem.NewCredentials("admin", secret)
	var logbuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logbuf, nil)).Info("login", "creds", c)
	slog.New(slog.NewJSONHandler(&logbuf, nil)).Info("login", "creds", c)
	js, err := json.Marshal(struct{ C vcem.Credentials }{c})
	require.NoError(t, err)
	cd, err := json.Marshal(vcem.CredentialedDomain{Target: vcem.DomainTarget{ID: "d", Manager: "m"}, Credentials: c})
	require.NoError(t, err)
	outputs := map[string]string{
		"String": c.String(),
		"%v":     fmt.Sprintf("%v", c),
		"%+v":    fmt.Sprintf("%+v", c),
		"%#v":    fmt.Sprintf("%#v", c),
		"%s":     fmt.Sprintf("%s", c),
		"slog":   logbuf.String(),
		"json":   string(js),
		"json2":  string(cd),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, out, secret)
			assert.Contains(t, out, "admin")
			assert.Contains(t, out, "REDACTED")
		})
	}
	assert.Equal(t, secret, c.Password())
}

func TestCredentialsJSONInput(t *testing.T) {
	var c vcem.Credentials
	require.NoError(t, json.Unmarshal([]byte(`{"username":"u","password":"p"}`), &c))
	assert.True(t, c.Equal(vcem.NewCredentials("u", "p")))
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back vcem.Credentials
	err = json.Unmarshal(b, &back)
	require.Error(t, err, "a redacted value must not read back as a password")
	assert.True(t, back.IsZero())
}

func TestRejectedCredentialsErrorHasNoPassword(t *testing.T) {
	s := baseSnapshot(t)
	live, err := vcemtest.NewLive(s)
	require.NoError(t, err)
	require.NoError(t, live.SetCredentials("d3", labCredentials()))
	require.NoError(t, live.RemoveFromGroup("d3"))
	wrong := vcem.NewCredentials("Administrator", "guess-123")
	_, err = vcem.GatherLive(context.Background(), live, s, map[string]vcem.CredentialedDomain{
		"d3": {Target: vcem.DomainTarget{ID: "d3", Manager: "d3.vcm.example"}, Credentials: wrong},
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrCredentialsRejected)
	assert.Contains(t, err.Error(), `"d3"`)
	assert.Contains(t, err.Error(), "Administrator")
	assert.NotContains(t, err.Error(), "guess-123")
	assert.NotContains(t, err.Error(), labCredentials().Password())
}
