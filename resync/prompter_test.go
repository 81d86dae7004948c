package resync

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

const answersFile = `{
  "version": 1,
  "services": true,
  "proceed": false,
  "acknowledge": ["SPM-MANUAL-REENTRY", "manual:VCEM-MODULES-CHANGED:domain d2"],
  "credentials": {"d9": {"manager": "10.0.0.9", "username": "admin", "password": "S3cret-Pa55"}},
  "deletedServices": ["S2"]
}`

func TestAnswersFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "answers.json")
	require.NoError(t, os.WriteFile(path, []byte(answersFile), 0o600))
	a, err := LoadAnswers(path)
	require.NoError(t, err)

	tests := []struct {
		name string
		q    Question
		want bool
		err  string
	}{
		{"services", Question{Kind: AskServices, ID: "services:stop:HP Insight Orchestration"}, true, ""},
		{"proceed", Question{Kind: AskProceed, ID: "proceed:vcem 2"}, false, ""},
		{"manual by code", Question{Kind: AskManual, ID: "manual:SPM-MANUAL-REENTRY:catalog", Code: "SPM-MANUAL-REENTRY"}, true, ""},
		{"manual by ID", Question{Kind: AskManual, ID: "manual:VCEM-MODULES-CHANGED:domain d2", Code: "VCEM-MODULES-CHANGED"}, true, ""},
		{"manual not told", Question{Kind: AskManual, ID: "manual:VCEM-MODULES-CHANGED:domain d3", Code: "VCEM-MODULES-CHANGED", Text: "re-sync modules"},
			false, `question not answered: manual "manual:VCEM-MODULES-CHANGED:domain d3" (re-sync modules): set "acknowledge" in the answers`},
		{"not yes/no", Question{Kind: AskCredentials, ID: "x"}, false, "not a yes/no question"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Confirm(ctx, tt.q)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	creds, err := a.Credentials(ctx, Question{Kind: AskCredentials, ID: "credentials:d9", Domain: &vcem.DomainTarget{ID: "d9", Manager: "10.0.0.9"}})
	require.NoError(t, err)
	assert.Equal(t, "admin", creds.Username())
	assert.Equal(t, "S3cret-Pa55", creds.Password())
	_, err = a.Credentials(ctx, Question{Kind: AskCredentials, ID: "credentials:d8", Domain: &vcem.DomainTarget{ID: "d8"}})
	assert.ErrorIs(t, err, ErrUnanswered)
	assert.Equal(t, "10.0.0.9", a.CredentialedDomains()["d9"].Target.Manager)

	del, err := a.DeletedServices(ctx, Question{Kind: AskDeletedServices, ID: "deleted-services", Services: []string{"S1", "S2"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"S2"}, del)
	_, err = a.DeletedServices(ctx, Question{Kind: AskDeletedServices, ID: "deleted-services", Services: []string{"S1"}})
	assert.ErrorContains(t, err, `names "S2", which is not a restored IO service`)
}

func TestZeroAnswersRefuseEverything(t *testing.T) {
	ctx := context.Background()
	var a Answers
	for _, k := range []QuestionKind{AskServices, AskProceed, AskManual} {
		_, err := a.Confirm(ctx, Question{Kind: k, ID: "q"})
		assert.ErrorIs(t, err, ErrUnanswered, k)
	}
	_, err := a.DeletedServices(ctx, Question{Kind: AskDeletedServices, ID: "deleted-services"})
	assert.ErrorIs(t, err, ErrUnanswered)
	y := Yes()
	ok, err := y.Confirm(ctx, Question{Kind: AskManual, ID: "anything"})
	require.NoError(t, err)
	assert.True(t, ok)
	del, err := y.DeletedServices(ctx, Question{Kind: AskDeletedServices})
	require.NoError(t, err)
	assert.Empty(t, del)
}

func TestDecodeAnswersRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"typo", `{"version":1,"acknowlege":["X"]}`, `acknowlege: unknown field "acknowlege"`},
		{"repeated", `{"version":1,"proceed":true,"proceed":false}`, `key "proceed" repeated`},
		{"case", `{"version":1,"Proceed":true}`, `did you mean "proceed"?`},
		{"version", `{"version":2}`, `version 2, want 1`},
		{"missing version", `{}`, `missing field "version"`},
		{"passwd", `{"version":1,"credentials":{"d9":{"manager":"m","username":"u","passwd":"p"}}}`, `credentials["d9"].passwd: unknown field "passwd"`},
		{"no manager", `{"version":1,"credentials":{"d9":{"manager":"","username":"u","password":"p"}}}`, `credentials["d9"].manager: empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAnswers([]byte(tt.in))
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := DecodeAnswers([]byte(`{"version":1,"credentials":{"d9":{"manager":"m","username":"u","password":12345678901}}}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "12345678901", "a bad password value is never quoted")
	assert.Contains(t, err.Error(), `credentials["d9"].password: bad value (not shown: it is a password)`)
}

func FuzzDecodeAnswers(f *testing.F) {
	f.Add([]byte(answersFile))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAnswers(b)
		if err != nil {
			return
		}
		for id, cd := range a.Domains {
			require.Equal(t, id, cd.Target.ID)
		}
	})
}
