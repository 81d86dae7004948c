package matrixoe

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const exportDoc = `{
  "format": "mxsync-go/rm-export",
  "version": 1,
  "site": "site-A",
  "exportedAt": "2026-11-25T10:00:00Z",
  "recoveryGroups": [
    {"name": "RG1", "set": "SET-A", "enabled": true,
     "protectedLogicalServers": ["LS1", "LS2"],
     "replicationGroups": ["SRG1"]}
  ]
}`

func TestDecodeRMExport(t *testing.T) {
	e, err := DecodeRMExport(strings.NewReader(exportDoc))
	require.NoError(t, err)
	assert.Equal(t, &RMExport{
		Format: RMExportFormat, Version: 1, Site: "site-A",
		ExportedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		RecoveryGroups: []RecoveryGroup{{Name: "RG1", Set: "SET-A", Enabled: true,
			ProtectedLS: []string{"LS1", "LS2"}, ReplicationGroups: []string{"SRG1"}}},
	}, e)

	b, err := json.Marshal(e)
	require.NoError(t, err)
	back, err := DecodeRMExport(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, e, back)
}

func TestExportFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "rm.json")
	require.NoError(t, os.WriteFile(good, []byte(exportDoc), 0o644))
	e, err := ExportFile(good).RMExport(ctx)
	require.NoError(t, err)
	assert.Len(t, e.RecoveryGroups, 1)

	_, err = ExportFile(filepath.Join(dir, "none.json")).RMExport(ctx)
	require.ErrorIs(t, err, ErrNoExport)

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"format":"x","version":1}`), 0o644))
	_, err = ExportFile(bad).RMExport(ctx)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), bad)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = ExportFile(good).RMExport(cancelled)
	require.ErrorIs(t, err, context.Canceled)
}

// Empty IDs inside an RM export are rejected with their index.
func TestRMExportEmptyIDs(t *testing.T) {
	tests := []struct {
		name string
		rg   RecoveryGroup
		want string
	}{
		{"empty protected logical server", RecoveryGroup{Name: "RG1", Set: "A", ProtectedLS: []string{"LS1", ""}}, `recoveryGroups[0] ("RG1"): protectedLogicalServers[1]: empty logical server id`},
		{"empty replication group", RecoveryGroup{Name: "RG1", Set: "A", ReplicationGroups: []string{""}}, `recoveryGroups[0] ("RG1"): replicationGroups[0]: empty storage replication group name`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := export(tc.rg).Validate()
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The RM export decoder never panics; an accepted export
// re-encodes to a fixed point and is importable into an empty database.
func FuzzDecodeRMExport(f *testing.F) {
	f.Add([]byte(`{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[{"name":"RG1","set":"A","enabled":true,"protectedLogicalServers":["LS1"],"replicationGroups":["SRG1"]}]}`))
	f.Add([]byte(`{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[{"name":"RG1","set":"A","replicationGroups":["S"]},{"name":"RG2","set":"B","replicationGroups":["S"]}]}`))
	f.Add([]byte(`{"format":"mxsync-go/rm-export","version":1,"exportedAt":"2026-01-01T00:00:00Z","recoveryGroups":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeRMExport(bytes.NewReader(data))
		if err != nil {
			assert.Nil(t, e)
			return
		}
		b1, err := json.Marshal(e)
		require.NoError(t, err)
		e2, err := DecodeRMExport(bytes.NewReader(b1))
		require.NoError(t, err, "re-decoding %s", b1)
		b2, err := json.Marshal(e2)
		require.NoError(t, err)
		assert.Equal(t, string(b1), string(b2))

		s := NewSnapshot()
		if err := Apply(s, ApplyRMExport{Export: *e}); err != nil {
			assert.ErrorIs(t, err, ErrConflict, "only a conflict inside the export can refuse it")
			return
		}
		before, err := s.Fingerprint()
		require.NoError(t, err)
		require.NoError(t, Apply(s, ApplyRMExport{Export: *e}), "re-import")
		after, err := s.Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, before, after, "re-import is a no-op")
	})
}
