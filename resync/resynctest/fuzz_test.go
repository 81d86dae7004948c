package resynctest_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// tinyModel is the smallest estate of every section, a seed the fuzzer
// can mutate quickly.
func tinyModel() resynctest.Model {
	return resynctest.Model{Seed: 1, Groups: 1, Domains: 1, Profiles: 2, Ethernet: 1, FC: 1, Arrays: 1,
		AvailableVolumes: 1, VMServers: 1, ServiceSize: 1, RequestsPerService: 1, FreeIPs: 1, RecoveryGroups: 1}
}

// FuzzDecodeEstate: whatever the bytes, Decode builds an estate or returns
// an error without panicking; an error is a message of bounded size that
// never quotes a login's password (in JSON that holds it only as a
// password's value); an estate it builds saves to a document that decodes
// to an estate saving to the same bytes.
func FuzzDecodeEstate(f *testing.F) {
	e, err := resynctest.New(tinyModel())
	require.NoError(f, err)
	var b bytes.Buffer
	require.NoError(f, e.Save(&b))
	e.Close()
	f.Add(b.Bytes())
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		e, err := resynctest.Decode(doc)
		if err != nil {
			require.Less(t, len(err.Error()), 64<<10, "an error message of bounded size")
			for _, pw := range []string{"vc-fake-password", "spm-fake-password"} {
				// An error may quote the input where it is bad; in JSON
				// that holds a password only as a password's value it is
				// never quoted.
				if json.Valid(doc) && strings.Count(string(doc), pw) == strings.Count(string(doc), `"password":"`+pw+`"`) {
					require.NotContains(t, err.Error(), pw)
				}
			}
			return
		}
		defer e.Close()
		var first bytes.Buffer
		require.NoError(t, e.Save(&first))
		again, err := resynctest.Decode(first.Bytes())
		require.NoError(t, err, "what Save writes decodes")
		defer again.Close()
		var second bytes.Buffer
		require.NoError(t, again.Save(&second))
		require.Equal(t, first.String(), second.String(), "Save, Decode, Save is stable")
	})
}

// FuzzDecodeHistory: DecodeHistory never panics, and a history it accepts
// renders (HistoryJSON) to one it decodes to the same activities.
func FuzzDecodeHistory(f *testing.F) {
	e, err := resynctest.Small(1)
	require.NoError(f, err)
	d, err := resynctest.DrillHistory(e)
	e.Close()
	require.NoError(f, err)
	f.Add([]byte(resynctest.HistoryJSON(d.History)))
	f.Add([]byte(`[{"kind":"delete-profile","domain":"d1","profile":"p3"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := resynctest.DecodeHistory(b)
		if err != nil {
			require.Nil(t, h, "on error no activity is returned")
			return
		}
		again, err := resynctest.DecodeHistory([]byte(resynctest.HistoryJSON(h)))
		require.NoError(t, err)
		require.Equal(t, len(h), len(again))
		for i := range h {
			require.Equal(t, h[i].String(), again[i].String())
		}
	})
}

// FuzzDecodeBackup: a Backup decodes strictly or not at all, and what it
// accepts encodes back to the same bytes.
func FuzzDecodeBackup(f *testing.F) {
	e, err := resynctest.New(tinyModel())
	require.NoError(f, err)
	b, err := e.Backup()
	e.Close()
	require.NoError(f, err)
	doc, err := json.Marshal(b)
	require.NoError(f, err)
	f.Add(doc)
	f.Add([]byte(strings.Replace(string(doc), `"recoveryMode":"Normal"`, `"recoveryMode":""`, 1)))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var b resynctest.Backup
		if err := json.Unmarshal(doc, &b); err != nil {
			return
		}
		first, err := json.Marshal(&b)
		require.NoError(t, err)
		var again resynctest.Backup
		require.NoError(t, json.Unmarshal(first, &again), "what MarshalJSON writes decodes")
		second, err := json.Marshal(&again)
		require.NoError(t, err)
		require.Equal(t, string(first), string(second))
	})
}
