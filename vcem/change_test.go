package vcem_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// allChanges is one value of every change kind; a test below proves it
// covers the codec's kinds.
func allChanges() vcem.Changes {
	return vcem.Changes{
		vcem.MarkExternalMAC{MAC: 0x00215A9B0001},
		vcem.MarkExternalWWN{WWN: 0x5001438002A30001},
		vcem.DeleteProfile{ProfileID: "d1:web"},
		vcem.SetProfileBay{ProfileID: "d1:web", Bay: "enc1:3"},
		vcem.SetProfileBay{ProfileID: "d1:db", Bay: ""},
	}
}

// Every change kind round-trips through plain json.Marshal and
// DecodeChange, and through the Changes list.
func TestChangeJSONRoundTrip(t *testing.T) {
	want := map[string]string{
		"vcem.MarkExternalMAC": `{"kind":"vcem.MarkExternalMAC","mac":"00-21-5A-9B-00-01"}`,
		"vcem.MarkExternalWWN": `{"kind":"vcem.MarkExternalWWN","wwn":"50:01:43:80:02:A3:00:01"}`,
		"vcem.DeleteProfile":   `{"kind":"vcem.DeleteProfile","profileId":"d1:web"}`,
		"vcem.SetProfileBay":   `{"kind":"vcem.SetProfileBay","profileId":"d1:web","bay":"enc1:3"}`,
	}
	kinds := map[string]bool{}
	for i, c := range allChanges() {
		t.Run(strconv.Itoa(i)+" "+c.Kind(), func(t *testing.T) {
			kinds[c.Kind()] = true
			b, err := json.Marshal(c)
			require.NoError(t, err)
			if w, ok := want[c.Kind()]; ok && i < 4 {
				assert.JSONEq(t, w, string(b))
			}
			back, err := vcem.DecodeChange(b)
			require.NoError(t, err)
			assert.Equal(t, c, back)
			pb, err := json.Marshal(&c) // a pointer to the interface: still tagged
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(pb))
		})
	}
	assert.Len(t, kinds, len(want), "every kind is covered")
	for k := range want {
		assert.True(t, kinds[k], k)
	}

	b, err := json.Marshal(allChanges())
	require.NoError(t, err)
	var back vcem.Changes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, allChanges(), back)

	b, err = json.Marshal(vcem.Changes(nil))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b), "a nil list is an empty array")
	_, err = json.Marshal(vcem.Changes{nil})
	assert.ErrorIs(t, err, vcem.ErrInvalid)
}

// Decoding is strict: an unknown kind wraps ErrUnknownChange; a missing,
// unknown, repeated, case-folded or ill-typed field — or a value no
// snapshot could accept — wraps ErrInvalid and names the field.
func TestDecodeChangeRejects(t *testing.T) {
	tests := []struct {
		name, json string
		is         error
		want       string
	}{
		{"unknown kind", `{"kind":"vcem.Nope"}`, vcem.ErrUnknownChange, `vcem: change: unknown kind "vcem.Nope"`},
		{"no kind", `{"mac":"00-21-5A-9B-00-01"}`, vcem.ErrInvalid, `vcem: change: missing field "kind"`},
		{"kind given twice", `{"kind":"vcem.DeleteProfile","kind":"vcem.MarkExternalMAC","mac":"00-21-5A-9B-00-01"}`, vcem.ErrInvalid,
			`vcem: change: kind: key "kind" repeated in one object (the JSON would silently keep only the last) (line 1, column 30)`},
		{"case-folded field", `{"kind":"vcem.DeleteProfile","ProfileID":"a"}`, vcem.ErrInvalid,
			"vcem: change vcem.DeleteProfile: ProfileID: unknown field \"ProfileID\" (field names are case-sensitive: did you mean \"profileId\"?) (line 1, column 30)\n" +
				`profileId: missing field "profileId" (line 1, column 1)`},
		{"unknown field", `{"kind":"vcem.DeleteProfile","profileId":"a","extra":1}`, vcem.ErrInvalid,
			`vcem: change vcem.DeleteProfile: extra: unknown field "extra" (line 1, column 46)`},
		{"missing mac", `{"kind":"vcem.MarkExternalMAC"}`, vcem.ErrInvalid, `vcem: change vcem.MarkExternalMAC: mac: missing field "mac" (line 1, column 1)`},
		{"bad mac", `{"kind":"vcem.MarkExternalMAC","mac":"00-17-A4-77-00-0Z"}`, vcem.ErrInvalid,
			`vcem: change vcem.MarkExternalMAC: mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 1, column 38)`},
		{"bad wwn", `{"kind":"vcem.MarkExternalWWN","wwn":"50:01"}`, vcem.ErrInvalid,
			`vcem: change vcem.MarkExternalWWN: wwn: "50:01": length 5, want 23 characters for the xx:xx:… separated form (line 1, column 38)`},
		{"missing bay", `{"kind":"vcem.SetProfileBay","profileId":"d1:web"}`, vcem.ErrInvalid, `vcem: change vcem.SetProfileBay: bay: missing field "bay" (line 1, column 1)`},
		{"bay not a string", `{"kind":"vcem.SetProfileBay","profileId":"d1:web","bay":3}`, vcem.ErrInvalid,
			`vcem: change vcem.SetProfileBay: bay: want a string, have number "3" (line 1, column 57)`},
		{"empty profile", `{"kind":"vcem.DeleteProfile","profileId":""}`, vcem.ErrInvalid, `vcem: change vcem.DeleteProfile: profileId is empty: invalid`},
		{"not JSON", `{`, vcem.ErrInvalid, `vcem: change: want an object key (line 1, column 2)`},
		{"trailing data", `{"kind":"vcem.DeleteProfile","profileId":"a"} x`, vcem.ErrInvalid, `vcem: change: unexpected data after the JSON value: "x" (line 1, column 47)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := vcem.DecodeChange([]byte(tt.json))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, tt.is)
			assert.EqualError(t, err, tt.want)
		})
	}
}

// A bad element of a Changes list is reported with its index, inside a
// finding with its path from the finding.
func TestChangesJSONRejects(t *testing.T) {
	var cs vcem.Changes
	err := json.Unmarshal([]byte(`[{"kind":"vcem.DeleteProfile","profileId":"a"},{"kind":"vcem.MarkExternalMAC","mac":"zz"},{"kind":"vcem.DeleteProfile","profileId":""}]`), &cs)
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrInvalid)
	assert.Contains(t, err.Error(), `[1].mac: vcem change vcem.MarkExternalMAC: "zz": length 2, want 12 characters for the bare hex form`)
	assert.Nil(t, cs)
	err = json.Unmarshal([]byte(`[{"kind":"vcem.DeleteProfile","profileId":""}]`), &cs)
	assert.EqualError(t, err, `[0]: vcem change vcem.DeleteProfile: profileId is empty: invalid`)

	var f vcem.Finding
	err = json.Unmarshal([]byte(`{"code":"VCEM-X","severity":"warning","subject":{},"message":"m","changes":[{"kind":"vcem.Nope"}]}`), &f)
	require.Error(t, err)
	assert.ErrorIs(t, err, vcem.ErrUnknownChange)
	assert.Contains(t, err.Error(), `changes[0]`)
}

func TestChangeTargetAndString(t *testing.T) {
	for _, tc := range []struct {
		c              vcem.Change
		target, String string
	}{
		{vcem.MarkExternalMAC{MAC: addrpool.MAC(0x0017A4770001)}, "MAC 00-17-A4-77-00-01", "mark MAC 00-17-A4-77-00-01 External"},
		{vcem.MarkExternalWWN{WWN: addrpool.WWN(0x5001438002A30000)}, "WWN 50:01:43:80:02:A3:00:00", "mark WWN 50:01:43:80:02:A3:00:00 External"},
		{vcem.DeleteProfile{ProfileID: "P1"}, "profile P1", `delete profile definition "P1"`},
		{vcem.SetProfileBay{ProfileID: "P2", Bay: "enc0:3"}, "profile P2", `record profile "P2" assigned to bay "enc0:3"`},
		{vcem.SetProfileBay{ProfileID: "P2"}, "profile P2", `record profile "P2" unassigned`},
		{&vcem.DeleteProfile{ProfileID: "P3"}, "profile P3", `delete profile definition "P3"`},
	} {
		t.Run(tc.c.Kind(), func(t *testing.T) {
			assert.Equal(t, tc.target, tc.c.Target())
			assert.Equal(t, tc.String, tc.c.String())
		})
	}
}
