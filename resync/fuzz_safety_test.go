package resync_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
)

// FuzzDecodeChange: the tagged change decoder of every section never
// panics; a change it accepts encodes to JSON it decodes to the same change.
func FuzzDecodeChange(f *testing.F) {
	for _, s := range []string{
		`{"kind":"resync.StopService","name":"HP Insight Orchestration"}`,
		`{"kind":"vcem.MarkExternalMAC","mac":"00-21-5A-9B-00-01"}`,
		`{"kind":"vcem.DeleteProfile","profileId":"d1:web"}`,
		`{"kind":"spm.Quarantine","volumeId":"V1"}`,
		`{"kind":"matrixoe.DeleteVolumeFromSPM","volumeId":"V1"}`,
		`{"kind":"nope.Change"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := resync.DecodeChange(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(c)
		require.NoError(t, err)
		d, err := resync.DecodeChange(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, c.String(), d.String())
		require.Equal(t, c.Kind(), d.Kind())
	})
}

// FuzzParseSections: ParseSections never panics, returns only valid
// sections, and reads back its own rendering.
func FuzzParseSections(f *testing.F) {
	for _, s := range []string{"vcem,storage", "services,vcem,storage,orchestration,recovery", "", "vcem,,storage", " vcem ", "VCEM", "vcem,vcem"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := resync.ParseSections(s)
		if err != nil {
			return
		}
		names := make([]string, len(got))
		for i, sec := range got {
			require.True(t, sec.Valid(), "%q gave %q", s, sec)
			names[i] = string(sec)
		}
		again, err := resync.ParseSections(strings.Join(names, ","))
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}
