package vcem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// holder is a caller's struct keeping credentials in an unexported field:
// fmt prints it by reflection, without calling Credentials' methods.
type holder struct {
	name  string
	creds vcem.Credentials
	ptr   *vcem.Credentials
}

// wrapVerb is "login: %w", kept out of vet's sight: the test passes a
// non-error to %w on purpose.
var wrapVerb = fmt.Sprintf("login: %%%c", 'w')

// No way of printing credentials shows the password: every fmt verb (a bad
// one, %w outside Errorf, %T), a caller's struct with an unexported field
// printed with %+v and %#v, slog's text and JSON handlers, and JSON.
func TestCredentialsNeverPrintThePassword(t *testing.T) {
	const secret = "Pa55-w0rd!secret"
	c := vcem.NewCredentials("admin", secret)
	h := holder{name: "lab", creds: c, ptr: &c}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("login", "creds", c, "holder", h, "ptr", &c)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("login", "creds", c, "holder", h, "ptr", &c)
	j1, err := json.Marshal(struct{ C vcem.Credentials }{c})
	require.NoError(t, err)
	j2, err := json.Marshal(vcem.CredentialedDomain{Target: vcem.DomainTarget{ID: "d", Manager: "m"}, Credentials: c})
	require.NoError(t, err)
	outputs := map[string]string{
		"slog text":                     text.String(),
		"slog JSON":                     js.String(),
		"JSON":                          string(j1),
		"JSON of a credentialed domain": string(j2),
		"String":                        c.String(),
		"GoString":                      c.GoString(),
		"Errorf %w":                     fmt.Errorf(wrapVerb, c).Error(), // %w with a non-error operand
		"Errorf %v":                     fmt.Errorf("login: %v", c).Error(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%z", "%T", "%p", "%08.3f", "%U", "%c", "%b", "%o", "%t", "%e", "%10s", "%-x"} {
		outputs[verb+" value"] = fmt.Sprintf(verb, c)
		outputs[verb+" pointer"] = fmt.Sprintf(verb, &c)
		outputs[verb+" holder"] = fmt.Sprintf(verb, h)
		outputs[verb+" holder pointer"] = fmt.Sprintf(verb, &h)
		outputs[verb+" slice"] = fmt.Sprintf(verb, []vcem.Credentials{c})
		outputs[verb+" map"] = fmt.Sprintf(verb, map[string]vcem.Credentials{"k": c})
		outputs[verb+" any"] = fmt.Sprintf(verb, []any{c, &c})
	}
	hexSecret := fmt.Sprintf("%x", secret)
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			assert.NotContains(t, out, secret)
			assert.NotContains(t, strings.ToLower(out), hexSecret, "nor in hex")
			assert.NotContains(t, out, "Pa55", "nor a part of it")
		})
	}
	assert.Contains(t, outputs["%v value"], "admin")
	assert.Contains(t, outputs["%v value"], "REDACTED")
	assert.Equal(t, "vcem.Credentials", outputs["%T value"])
	assert.Equal(t, secret, c.Password())
}

// Credentials JSON is strict and never reveals a password in its errors.
func TestCredentialsJSONInput(t *testing.T) {
	var c vcem.Credentials
	require.NoError(t, json.Unmarshal([]byte(`{"username":"u","password":"p"}`), &c))
	assert.True(t, c.Equal(vcem.NewCredentials("u", "p")))
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back vcem.Credentials
	err = json.Unmarshal(b, &back)
	require.Error(t, err, "a redacted value must not read back as a password")
	assert.ErrorIs(t, err, vcem.ErrInvalid)
	assert.True(t, back.IsZero())

	const secret = "hunter2-secret"
	tests := []struct{ name, json, want string }{
		{"misspelt password key", `{"username":"u","passwd":"` + secret + `"}`,
			"vcem: credentials JSON: passwd: unknown field \"passwd\" (line 1, column 17)\npassword: missing field \"password\" (line 1, column 1)"},
		{"password given twice", `{"username":"u","password":"a","password":"` + secret + `"}`,
			`vcem: credentials JSON: password: key "password" repeated in one object (the JSON would silently keep only the last) (line 1, column 32)`},
		{"case-folded key", `{"Username":"u","password":"` + secret + `"}`,
			"vcem: credentials JSON: Username: unknown field \"Username\" (field names are case-sensitive: did you mean \"username\"?) (line 1, column 2)\nusername: missing field \"username\" (line 1, column 1)"},
		{"password not a string", `{"username":"u","password":12345678}`, `vcem: credentials JSON: password: want a string (the value is not shown): invalid`},
		{"password null", `{"username":"u","password":null}`, `vcem: credentials JSON: password: want a string (the value is not shown): invalid`},
		{"not an object", `"` + secret + `"`, `vcem: credentials JSON: want an object {"username": …, "password": …}: invalid`},
		{"trailing data", `{"username":"u","password":"p"} x`, `vcem: credentials JSON: unexpected data after the JSON value: "x" (line 1, column 33)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c vcem.Credentials
			err := c.UnmarshalJSON([]byte(tt.json))
			assert.EqualError(t, err, tt.want)
			assert.NotContains(t, err.Error(), secret)
			assert.True(t, c.IsZero(), "nothing decoded")
		})
	}

	// Nested in a credentialed domain, an unknown key anywhere is an error
	// naming its path.
	var cd vcem.CredentialedDomain
	err = json.Unmarshal([]byte(`{"target":{"id":"d","manager":"m","mgr":"x"},"credentials":{"username":"u","password":"p"}}`), &cd)
	assert.EqualError(t, err, `vcem: credentialed domain JSON: target.mgr: unknown field "mgr" (line 1, column 35)`)
	err = json.Unmarshal([]byte(`{"target":{"id":"d","manager":"m"},"credentials":{"username":"u","passwd":"`+secret+`"}}`), &cd)
	assert.ErrorContains(t, err, `credentials.passwd: unknown field "passwd"`)
	assert.NotContains(t, err.Error(), secret)
	require.NoError(t, json.Unmarshal([]byte(`{"target":{"id":"d","manager":"m"},"credentials":{"username":"u","password":"p"}}`), &cd))
	assert.Equal(t, "p", cd.Credentials.Password())
}

func TestCredentialsZeroAndEqual(t *testing.T) {
	var zero vcem.Credentials
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.Password())
	assert.True(t, zero.Equal(vcem.NewCredentials("", "")))
	assert.False(t, vcem.NewCredentials("u", "").IsZero())
	assert.False(t, vcem.NewCredentials("", "p").IsZero())
	assert.False(t, vcem.NewCredentials("u", "p").Equal(vcem.NewCredentials("u", "q")))
	assert.Equal(t, "user=u password=[REDACTED]", fmt.Sprint(vcem.NewCredentials("u", "p")))
	assert.Equal(t, `vcem.Credentials{username:"u", password:"[REDACTED]"}`, fmt.Sprintf("%#v", vcem.NewCredentials("u", "p")))
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
