package spm_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// snapshotDoc is a valid snapshot document with one array, one volume and
// one presentation; the cases below break it in one place each.
const snapshotDoc = `{"catalogId":"c",
 "arrays":{"a":{"id":"a","name":"A","type":"3PAR"}},
 "volumes":{"vol7":{"id":"vol7","arrayId":"a","name":"V7","wwn":"60:00:2a:c0:00:00:00:07","sizeBytes":1}},
 "presentations":[{"volumeId":"vol7","initiator":"50:01:43:80:00:00:00:07","host":"h","lun":0}],
 "services":{},"templates":{}}`

// Every way a snapshot document can be wrong is an error naming the JSON
// path, nested records included.
func TestSnapshotJSONIsStrict(t *testing.T) {
	var ok spm.Snapshot
	require.NoError(t, json.Unmarshal([]byte(snapshotDoc), &ok))
	require.NoError(t, ok.Validate())
	huge := strings.Repeat("Z", 4<<20)
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"bad WWN", `"wwn":"60:00:2a:c0:00:00:00:07"`, `"wwn":"zz"`, []string{`volumes["vol7"].wwn: "zz": length 2, want 16 characters`}},
		{"negative size", `"sizeBytes":1`, `"sizeBytes":-1`, []string{`volumes["vol7"].sizeBytes: want a non-negative integer`}},
		{"LUN not a whole number", `"lun":0`, `"lun":1.5`, []string{`presentations[0].lun: want an integer`}},
		{"bad initiator", `"initiator":"50:01:43:80:00:00:00:07"`, `"initiator":"x"`, []string{`presentations[0].initiator`}},
		{"unknown nested field", `"sizeBytes":1`, `"sizeBytes":1,"quarantine":true`, []string{`volumes["vol7"].quarantine: unknown field "quarantine"`}},
		{"case-folded key", `"arrays":`, `"ARRAYS":`, []string{`ARRAYS: unknown field "ARRAYS" (field names are case-sensitive: did you mean "arrays"?)`, `arrays: missing field "arrays"`}},
		{"key given twice", `"name":"A",`, `"name":"A","name":"B",`, []string{`arrays["a"].name: key "name" repeated`}},
		{"missing nested field", `"name":"V7",`, ``, []string{`volumes["vol7"].name: missing field "name"`}},
		{"missing member", `"services":{},`, ``, []string{`services: missing field "services"`}},
		{"null record", `{"id":"a","name":"A","type":"3PAR"}`, `null`, []string{`arrays["a"]: null is not allowed here`}},
		{"wrong shape", `"arrays":{"a":{"id":"a","name":"A","type":"3PAR"}}`, `"arrays":[1]`, []string{"arrays: want an object, have an array"}},
		{"huge bad value", `"wwn":"60:00:2a:c0:00:00:00:07"`, `"wwn":"` + huge + `"`, []string{`volumes["vol7"].wwn`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(snapshotDoc, tt.from, tt.to, 1)
			require.NotEqual(t, snapshotDoc, in)
			before := spmtest.Sample()
			s := before.Clone()
			err := json.Unmarshal([]byte(in), s)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "spm: decode catalog snapshot: "), err.Error())
			assert.Less(t, len(err.Error()), 2048, "a bad value is quoted by a short prefix only")
			assert.Equal(t, before, s, "nothing decoded on error")
		})
	}
	t.Run("trailing data", func(t *testing.T) {
		var s spm.Snapshot
		err := strictjson.Unmarshal([]byte(snapshotDoc+` {}`), &s)
		assert.ErrorContains(t, err, "unexpected data after the JSON value")
		assert.Error(t, json.Unmarshal([]byte(snapshotDoc+` {}`), &s))
	})
	t.Run("too deep", func(t *testing.T) {
		var s spm.Snapshot
		in := strings.Replace(snapshotDoc, `"templates":{}`, `"templates":{"t":`+strings.Repeat(`{"x":`, 200)+`1`+strings.Repeat(`}`, 201), 1)
		err := json.Unmarshal([]byte(in), &s)
		assert.ErrorContains(t, err, "spm: decode catalog snapshot: ")
		assert.ErrorContains(t, err, "nesting deeper than")
	})
}

// A snapshot inside another document is checked in the same pass, with
// the outer path (JSONShape), and each problem is found at once.
func TestSnapshotJSONNested(t *testing.T) {
	var plan struct {
		Restored *spm.Snapshot `json:"restored"`
		Live     *spm.Live     `json:"live"`
	}
	in := `{"restored":` + strings.Replace(snapshotDoc, `"sizeBytes":1`, `"sizeBytes":1,"offline":"no"`, 1) +
		`,"live":{"arrays":{"a":{"id":"a","type":"3PAR","volumes":[{"wwn":"60:00:2a:c0:00:00:00:07","name":"V7","sizeBytes":1,"signature":{"present":true,"verison":1}}],"presentations":[]}}}}`
	err := strictjson.Unmarshal([]byte(in), &plan)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `restored.volumes["vol7"].offline: want true or false, have string "no"`)
	assert.Contains(t, err.Error(), `live.arrays["a"].volumes[0].signature.verison: unknown field "verison"`)
	var se *strictjson.Error
	require.True(t, errors.As(err, &se))
	assert.Len(t, se.Problems, 2)
}

func TestLiveJSONIsStrict(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
	}{
		{"bad volume WWN", `{"arrays":{"A":{"id":"A","type":"XP","volumes":[{"wwn":"60:00:00:00:00:00:00:01","name":"","sizeBytes":0,"signature":{"present":false}},{"wwn":"","name":"","sizeBytes":0,"signature":{"present":false}}],"presentations":[]}}}`,
			`arrays["A"].volumes[1].wwn: "": empty`},
		{"bad LUN", `{"arrays":{"A":{"id":"A","type":"XP","volumes":[],"presentations":[{"volumeWwn":"60:00:00:00:00:00:00:01","initiator":"50:00:00:00:00:00:00:01","host":"h","lun":1.5}]}}}`,
			`arrays["A"].presentations[0].lun: want an integer`},
		{"missing volumes", `{"arrays":{"A":{"id":"A","type":"XP","presentations":[]}}}`, `arrays["A"].volumes: missing field "volumes"`},
		{"unknown top-level field", `{"arrays":{},"array":{}}`, `array: unknown field "array"`},
		{"id not a string", `{"arrays":{"A":{"id":7,"type":"XP","volumes":[],"presentations":[]}}}`, `arrays["A"].id: want a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l spm.Live
			err := json.Unmarshal([]byte(tt.in), &l)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "spm: decode live arrays: ")
		})
	}
}

// The other documents of the package are strict too.
func TestOtherJSONIsStrict(t *testing.T) {
	tests := []struct {
		name, in, want string
		into           any
	}{
		{"finding: unknown field", `{"code":"SPM-X","severity":"info","subject":{},"message":"m","phase":1}`, `phase: unknown field "phase"`, &spm.Finding{}},
		{"finding: bad change", `{"code":"SPM-X","severity":"info","subject":{},"message":"m","changes":[{"kind":"spm.Quarantine","volumeId":"v","x":1}]}`, `changes[0].x: spm change spm.Quarantine: unknown field "x"`, &spm.Finding{}},
		{"finding: subject typo", `{"code":"SPM-X","severity":"info","subject":{"volumeID":"v"},"message":"m"}`, `subject.volumeID: unknown field`, &spm.Finding{}},
		{"mode change: missing field", `{"path":"p","previous":"a","value":"b"}`, `changed: missing field "changed"`, &spm.ModeChange{}},
		{"mode change: repeated key", `{"path":"p","previous":"a","previous":"z","value":"b","changed":true}`, `previous: key "previous" repeated`, &spm.ModeChange{}},
		{"phase 1 result: mode typo", `{"started":[],"ready":{"polls":1,"status":200},"mode":{"path":"p","previous":"a","value":"b","changed":true,"bakup":"x"}}`, `mode.bakup: unknown field "bakup"`, &spm.Phase1Result{}},
		{"phase 1 result: old field names", `{"started":[],"ready":{"Polls":1,"Status":200}}`, `ready.Polls: unknown field "Polls" (field names are case-sensitive: did you mean "polls"?)`, &spm.Phase1Result{}},
		{"service names: typo", `{"prerequisites":[],"spm":"S","SPM":"T"}`, `SPM: unknown field "SPM"`, &spm.ServiceNames{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(tt.in), tt.into)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// The strict decoders keep round trips exact.
func TestJSONRoundTrips(t *testing.T) {
	s := spmtest.Sample()
	require.NoError(t, spm.Apply(s, spm.SetSignatureState{VolumeID: "vol3", State: spm.SignatureCorrupt}))
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back spm.Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)
	assert.True(t, s.Equal(&back))
	assert.NoError(t, back.Validate())

	var empty spm.Snapshot
	b, err = json.Marshal(&spm.Snapshot{})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &empty), "the encoding of an empty snapshot decodes: %s", b)
	assert.True(t, empty.Equal(nil))

	live := liveOf(t, s)
	b, err = json.Marshal(live)
	require.NoError(t, err)
	var liveBack spm.Live
	require.NoError(t, json.Unmarshal(b, &liveBack))
	assert.Equal(t, live, &liveBack)

	res := spm.Phase1Result{Started: []string{"a"}, Mode: &spm.ModeChange{Path: "p", Previous: "x", Value: "y", Changed: true}, Ready: spm.ReadyResult{Polls: 2, Status: 200}}
	b, err = json.Marshal(res)
	require.NoError(t, err)
	var resBack spm.Phase1Result
	require.NoError(t, json.Unmarshal(b, &resBack))
	assert.Equal(t, res, resBack)

	names := spm.DefaultServiceNames()
	b, err = json.Marshal(names)
	require.NoError(t, err)
	var namesBack spm.ServiceNames
	require.NoError(t, json.Unmarshal(b, &namesBack))
	assert.Equal(t, names, namesBack)
}
