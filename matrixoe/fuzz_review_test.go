package matrixoe

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review: the change decoder never panics, and whatever it accepts encodes
// to a form that decodes to the same bytes again (a saved plan is stable).
func FuzzUnmarshalChange(f *testing.F) {
	for _, c := range allChanges(f) {
		b, err := MarshalChange(c)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"matrixoe.MarkIPAllocated","address":"fe80::1%eth0"}`))
	f.Add([]byte(`{"kind":"matrixoe.ApplyRMExport","export":{"exportedAt":"2026-11-25T10:00:00+05:30","recoveryGroups":[]}}`))
	f.Add([]byte(`{"kind":"matrixoe.UpdateRecoveryGroup","name":"RG1","removeProtected":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := UnmarshalChange(data)
		if err != nil {
			assert.Nil(t, c)
			return
		}
		require.NotNil(t, c)
		b1, err := MarshalChange(c)
		require.NoError(t, err)
		c2, err := UnmarshalChange(b1)
		require.NoError(t, err, "re-decoding %s", b1)
		b2, err := MarshalChange(c2)
		require.NoError(t, err)
		assert.Equal(t, string(b1), string(b2))
		assert.Equal(t, c.Kind(), c2.Kind())
		// Applying a decoded change never panics.
		assert.NotPanics(t, func() { _ = Apply(NewSnapshot(), c) })
	})
}

// Review: the RM export decoder never panics; an accepted export
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

// Review: the snapshot decoder never panics; a decoded snapshot re-encodes
// to a fixed point with the same Fingerprint, and Validate never panics.
func FuzzSnapshotJSON(f *testing.F) {
	f.Add([]byte(`{"logicalServers":{"a":{"id":"a","name":"x","kind":"vm","vmId":"v","activated":true,"managed":true}}}`))
	f.Add([]byte(`{"ipAllocations":{"::ffff:1.2.3.4":{"address":"::ffff:1.2.3.4","allocated":true}}}`))
	f.Add([]byte(`{"storagePoolEntries":{"S":{"id":"S","kind":"catalog","wwpns":["50:01:43:80:00:00:00:01"],"logicalServerId":"L"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		assert.NotPanics(t, func() { _ = s.Validate() })
		b1, err := json.Marshal(&s)
		require.NoError(t, err)
		var s2 Snapshot
		require.NoError(t, json.Unmarshal(b1, &s2), "re-decoding %s", b1)
		f1, err := s.Fingerprint()
		require.NoError(t, err)
		f2, err := s2.Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, f1, f2)
		assert.Empty(t, Diff(&s, &s2))
	})
}
