package changecodec

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	errUnknown = errors.New("unknown change kind")
	errInvalid = errors.New("invalid")
)

type change interface {
	Kind() string
	json.Marshaler
}

type setBay struct {
	ProfileID string `json:"profileId"`
	Bay       string `json:"bay"`
}

type drop struct {
	ID   string   `json:"id"`
	Tags []string `json:"tags,omitempty"`
}

var codec = MustNew[change]("test", errUnknown, errInvalid, setBay{}, drop{})

func (setBay) Kind() string                   { return "test.SetBay" }
func (c setBay) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }
func (drop) Kind() string                     { return "test.Drop" }
func (c drop) MarshalJSON() ([]byte, error)   { return codec.Marshal(c) }

func TestRoundTrip(t *testing.T) {
	for _, c := range []change{setBay{"P1", ""}, setBay{"P2", "enc0:3"}, drop{ID: "x"}, drop{ID: "y", Tags: []string{"a"}}} {
		b, err := json.Marshal(c) // plain json.Marshal writes the kind
		require.NoError(t, err)
		var probe map[string]any
		require.NoError(t, json.Unmarshal(b, &probe))
		assert.Equal(t, c.Kind(), probe["kind"])
		got, err := codec.Decode(b)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	b, err := codec.MarshalList([]change{setBay{"P1", "b"}, drop{ID: "x"}})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"kind":"test.SetBay","profileId":"P1","bay":"b"},{"kind":"test.Drop","id":"x"}]`, string(b))
	list, err := codec.DecodeList(b)
	require.NoError(t, err)
	assert.Equal(t, []change{setBay{"P1", "b"}, drop{ID: "x"}}, list)
	empty, err := codec.MarshalList(nil)
	require.NoError(t, err)
	assert.Equal(t, "[]", string(empty))
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		sentinel error
		want     string
	}{
		{"unknown kind", `{"kind":"test.Nope"}`, errUnknown, `unknown kind "test.Nope"`},
		{"missing kind", `{"profileId":"P1","bay":""}`, errInvalid, `missing field "kind"`},
		{"kind twice", `{"kind":"test.Drop","kind":"test.SetBay","id":"x"}`, errInvalid, `key "kind" repeated`},
		{"kind not a string", `{"kind":3}`, errInvalid, `kind: want a string`},
		{"missing field", `{"kind":"test.SetBay","profileId":"P1"}`, errInvalid, `bay: missing field "bay"`},
		{"unknown field", `{"kind":"test.Drop","id":"x","idd":"y"}`, errInvalid, `idd: unknown field "idd"`},
		{"case folded", `{"kind":"test.Drop","ID":"x"}`, errInvalid, `did you mean "id"?`},
		{"ill typed", `{"kind":"test.Drop","id":7}`, errInvalid, `id: want a string, have number "7"`},
		{"not an object", `[1]`, errInvalid, `want a JSON object`},
		{"trailing", `{"kind":"test.Drop","id":"x"} x`, errInvalid, `unexpected data after the JSON value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codec.Decode([]byte(tt.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "test: change")
		})
	}
}

func TestDecodeListNamesEveryElement(t *testing.T) {
	_, err := codec.DecodeList([]byte(`[{"kind":"test.Drop","id":"x"},{"kind":"test.Drop","idd":"x"},{"kind":"test.What"}]`))
	require.Error(t, err)
	assert.ErrorIs(t, err, errInvalid)
	assert.ErrorIs(t, err, errUnknown)
	assert.Contains(t, err.Error(), `[1].idd: test change test.Drop: unknown field "idd"`)
	assert.Contains(t, err.Error(), `[1].id: test change test.Drop: missing field "id"`)
	assert.Contains(t, err.Error(), `[2]: test: change: unknown kind "test.What"`)
}

type notStruct string

func (notStruct) Kind() string { return "x" }

type embeds struct{ drop }

func (embeds) Kind() string { return "e" }

func TestNewRefusesBadTypes(t *testing.T) {
	_, err := New[Kinder]("p", errUnknown, errInvalid, notStruct(""))
	assert.ErrorContains(t, err, "not a struct")
	_, err = New[Kinder]("p", errUnknown, errInvalid, drop{}, drop{})
	assert.ErrorContains(t, err, "registered twice")
	_, err = New[Kinder]("p", errUnknown, errInvalid, embeds{})
	assert.ErrorContains(t, err, "not embedded")
	assert.ElementsMatch(t, []string{"test.SetBay", "test.Drop"}, codec.Kinds())
}

func TestMarshalRefusesNil(t *testing.T) {
	_, err := codec.Marshal(nil)
	assert.ErrorIs(t, err, errInvalid)
	_, err = codec.Marshal((*drop)(nil))
	assert.ErrorIs(t, err, errInvalid)
}

func TestMarshalPointer(t *testing.T) {
	b, err := codec.Marshal(&drop{ID: "p"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"test.Drop","id":"p"}`, string(b))
}

// FuzzDecodeQuickMatchesSlow cross-checks Decode's quick way with the slow
// way it falls back on: the same change, or an error from both.
func FuzzDecodeQuickMatchesSlow(f *testing.F) {
	for _, s := range []string{
		`{"kind":"test.SetBay","profileId":"P1","bay":"b"}`,
		`{"profileId":"P1","kind":"test.SetBay","bay":""}`,
		`{"kind":"test.Drop","id":"x","tags":["a","b"]}`,
		`{"kind":"test.Drop","id":"x","kind":"test.Drop"}`,
		`{"kind":"test.Drop","\u006bind":"test.Drop","id":"x"}`,
		`{"kind":"test.SetBay","profileId":"P1"}`,
		`{"kind":"test.Nope","id":"x"}`,
		`{"kind":"test.Drop","id":"x"} x`,
		`[{"kind":"test.Drop"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		quick, qerr := codec.Decode(b)
		slow, serr := codec.decodeSlow(b)
		require.Equal(t, serr == nil, qerr == nil, "quick %v, slow %v", qerr, serr)
		if serr == nil {
			assert.Equal(t, slow, quick)
		} else {
			assert.Equal(t, serr.Error(), qerr.Error())
		}
	})
}
