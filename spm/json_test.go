package spm_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// A value that does not decode is reported with the record holding it.
func TestSnapshotJSONErrorsNameTheRecord(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"bad volume WWN", `{"volumes":{"ok":{"id":"ok","wwn":"60:00:00:00:00:00:00:01"},"vol7":{"id":"vol7","wwn":"zz"}}}`, []string{`volume "vol7"`, `"zz"`}},
		{"negative size", `{"volumes":{"v1":{"sizeBytes":-1}}}`, []string{`volume "v1"`, "sizeBytes"}},
		{"bad initiator", `{"presentations":[{"volumeId":"a","initiator":"50:01:43:80:00:00:00:01"},{"volumeId":"b","initiator":"x"}]}`, []string{"presentation 1", `"x"`}},
		{"array type not a string", `{"arrays":{"A":{"type":3}}}`, []string{`array "A"`}},
		{"template parent not a string", `{"templates":{"T":{"parentId":[]}}}`, []string{`template "T"`}},
		{"service conformant not a bool", `{"services":{"S":{"conformant":"yes"}}}`, []string{`service "S"`}},
		{"wrong shape", `{"arrays":[1]}`, []string{"decode catalog snapshot"}},
		{"not JSON", `{"arrays":`, []string{"unexpected end of JSON input"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s spm.Snapshot
			err := json.Unmarshal([]byte(tt.in), &s)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLiveJSONErrorsNameTheRecord(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"bad volume WWN", `{"arrays":{"A":{"id":"A","volumes":[{"wwn":"60:00:00:00:00:00:00:01"},{"wwn":""}]}}}`, []string{`live array "A"`, "volume 1"}},
		{"bad presentation LUN", `{"arrays":{"A":{"id":"A","presentations":[{"lun":1.5}]}}}`, []string{`live array "A"`, "presentation 0"}},
		{"bad array field", `{"arrays":{"A":{"id":7}}}`, []string{`live array "A"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l spm.Live
			err := json.Unmarshal([]byte(tt.in), &l)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// The decoders keep round trips exact.
func TestSnapshotAndLiveJSONRoundTripThroughDecoders(t *testing.T) {
	s := spmtest.Sample()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back spm.Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)

	l := spmtest.LiveFromSnapshot(s)
	b, err = json.Marshal(l)
	require.NoError(t, err)
	var lback spm.Live
	require.NoError(t, json.Unmarshal(b, &lback))
	assert.Equal(t, l, &lback)
}
