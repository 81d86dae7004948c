package spmtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// The UI's state survives JSON without its password: only the digest is
// kept, and the rebuilt UI (new URL, new certificate) checks the same
// credentials.
func TestUIDataRoundTrip(t *testing.T) {
	const user, pass = "spmadmin", "XyZZy-hunter2-SECRET"
	ui := spmtest.NewUI(3)
	defer ui.Close()
	ui.RequireBasicAuth(user, pass)
	wait := func(u *spmtest.UI, password string) (spm.ReadyResult, error) {
		r, err := spm.NewReadiness(u.URL(), spm.WithPinSHA256(u.Pin()), spm.WithPollInterval(time.Millisecond, time.Millisecond), spm.WithBasicAuth(user, password))
		require.NoError(t, err)
		return r.Wait(context.Background())
	}
	_, err := wait(ui, pass)
	require.NoError(t, err)

	d := ui.Data()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	for _, out := range []string{string(b), fmt.Sprintf("%+v %#v", ui, d)} {
		assert.NotContains(t, out, pass)
	}
	var back spmtest.UIData
	require.NoError(t, strictjson.Unmarshal(b, &back))
	again, err := spmtest.NewUIFromData(back)
	require.NoError(t, err)
	defer again.Close()
	assert.Equal(t, d, again.Data())
	assert.NotEqual(t, ui.URL(), again.URL())
	assert.True(t, again.Manual())

	_, err = wait(again, "wrong")
	var se *spm.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 401, se.StatusCode)
	_, err = wait(again, pass)
	assert.NoError(t, err)

	for _, bad := range []spmtest.UIData{{ReadyAfter: -1}, {BasicAuthUser: "u"}, {BasicAuthUser: "u", BasicAuthSHA256: "zz"}} {
		_, err := spmtest.NewUIFromData(bad)
		assert.ErrorIs(t, err, spm.ErrInvalid, "%+v", bad)
	}
}
