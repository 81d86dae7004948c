package resync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// repair is what a tool built on the SDK does with an estate file: load it,
// analyse, save the plan and execute it with its journal, all in out.
func repair(ctx context.Context, estateFile, out string) error {
	f, err := os.Open(estateFile)
	if err != nil {
		return err
	}
	defer f.Close()
	e, err := resynctest.Load(f)
	if err != nil {
		return err
	}
	defer e.Close()
	plan, err := resync.Analyze(ctx, e.Env())
	if err != nil {
		return err
	}
	if err := plan.Save(filepath.Join(out, "plan.json")); err != nil {
		return err
	}
	_, err = resync.Execute(ctx, e.Env(), plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(filepath.Join(out, "journal")))
	return err
}

// TestSafetyBadEstateRefusedEndToEnd: an estate file with one bad address
// on one live connection is refused with one line naming the JSON path and
// the value, before anything is built or written: the output directory
// stays empty and the file is untouched. The same file with the address
// intact is repaired, writing the plan and the journal (so the check of
// "nothing written" can fail).
func TestSafetyBadEstateRefusedEndToEnd(t *testing.T) {
	ctx := context.Background()
	e, err := resynctest.Small(1)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, e.Save(&b))
	good := b.String()
	d1, ok := e.Fakes().VCEMLive.Domain("d1")
	require.True(t, ok)
	e.Close()
	// One connection of each kind of d1's live profiles: the first
	// occurrence of its address after "live" (VC domain d1 comes first).
	type badCase struct{ old, bad, path string }
	tests := map[string]badCase{}
	for i, p := range d1.Profiles {
		if _, ok := tests["iscsi"]; !ok && len(p.ISCSI) > 0 {
			tests["iscsi"] = badCase{p.ISCSI[0].MAC.String(), "00-17-A4-77-00-0Z", fmt.Sprintf(`vcem.live.domains["d1"].profiles[%d].iscsi[0].mac`, i)}
		}
		if _, ok := tests["fc"]; !ok && len(p.FC) > 0 {
			tests["fc"] = badCase{p.FC[0].PortWWN.String(), "50:01:43:80:02:A0:00:0Z", fmt.Sprintf(`vcem.live.domains["d1"].profiles[%d].fc[0].portWWN`, i)}
		}
		if _, ok := tests["ethernet"]; !ok && len(p.Ethernet) > 1 {
			tests["ethernet"] = badCase{p.Ethernet[1].MAC.String(), "00-17-A4-77-00-0Z", fmt.Sprintf(`vcem.live.domains["d1"].profiles[%d].ethernet[1].mac`, i)}
		}
	}
	require.Len(t, tests, 3, "d1 has ethernet, iSCSI and FC connections")
	live := strings.Index(good, `"live":{"domains":{"d1":`)
	require.Greater(t, live, 0)

	t.Run("the good file is repaired", func(t *testing.T) {
		dir, out := t.TempDir(), t.TempDir()
		file := filepath.Join(dir, "estate.json")
		require.NoError(t, os.WriteFile(file, []byte(good), 0o600))
		require.NoError(t, repair(ctx, file, out))
		assert.FileExists(t, filepath.Join(out, "plan.json"))
		assert.FileExists(t, filepath.Join(out, "journal", resync.JournalFileName))
	})
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			i := strings.Index(good[live:], `"`+tt.old+`"`)
			require.GreaterOrEqual(t, i, 0)
			i += live
			doc := good[:i] + `"` + tt.bad + `"` + good[i+len(tt.old)+2:]
			dir, out := t.TempDir(), t.TempDir()
			file := filepath.Join(dir, "estate.json")
			require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))

			err := repair(ctx, file, out)
			require.Error(t, err)
			msg := err.Error()
			assert.NotContains(t, msg, "\n", "one line")
			assert.Contains(t, msg, tt.path+`: "`+tt.bad+`"`, "the JSON path and the value")
			assert.Contains(t, msg, "bad hex digit 'Z'")
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
			entries, err = os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "nothing written beside the file")
			after, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, doc, string(after), "the file is untouched")
		})
	}
}
