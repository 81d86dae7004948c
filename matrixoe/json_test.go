package matrixoe

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sections is a snapshot document with the given section bodies in place of
// the empty ones (keys: the JSON section names).
func sections(bodies map[string]string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, name := range []string{"logicalServers", "storagePoolEntries", "services", "requests", "ipAllocations", "recoveryGroups"} {
		if i > 0 {
			b.WriteString(",")
		}
		body, ok := bodies[name]
		if !ok {
			body = "{}"
		}
		b.WriteString(`"` + name + `":` + body)
	}
	b.WriteString("}")
	return b.String()
}

const lsJSON = `{"id":"LS1","name":"a","kind":"vc-physical","activated":true,"profileId":"P1","managed":true}`

// Every hostile or careless snapshot document is refused with an error that
// wraps ErrInvalid, carries the package prefix and names the JSON path; the
// snapshot decoded into is left as it was.
func TestSnapshotJSONRejectsHostileInput(t *testing.T) {
	huge := strings.Repeat("Z", 8<<20) // an 8 MiB bad value; the error stays small
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	tests := []struct {
		name string
		in   string
		want []string // every one in the error text
	}{
		{"unknown field in a record", sections(map[string]string{"logicalServers": `{"LS1":{"id":"LS1","name":"a","kind":"vm","vmId":"v","activated":true,"managed":true,"activted":true}}`}),
			[]string{`logicalServers["LS1"].activted: unknown field "activted"`}},
		{"unknown section", strings.Replace(sections(nil), `"requests"`, `"request"`, 1),
			[]string{`request: unknown field "request"`, `requests: missing field "requests"`}},
		{"case-folded section", strings.Replace(sections(nil), `"services"`, `"SERVICES"`, 1),
			[]string{`SERVICES: unknown field "SERVICES" (field names are case-sensitive: did you mean "services"?)`}},
		{"case-folded record field", sections(map[string]string{"services": `{"S1":{"ID":"S1","name":"a"}}`}),
			[]string{`services["S1"].ID: unknown field "ID"`, `did you mean "id"`}},
		{"record key twice", sections(map[string]string{"services": `{"S1":{"id":"S1","name":"a"},"S1":{"id":"S1","name":"b"}}`}),
			[]string{`services["S1"]: key "S1" repeated`}},
		{"field twice", sections(map[string]string{"services": `{"S1":{"id":"S1","name":"a","name":"b"}}`}),
			[]string{`services["S1"].name: key "name" repeated`}},
		{"section twice", `{"services":{},` + sections(nil)[1:], []string{`services: key "services" repeated`}},
		{"missing section", `{"logicalServers":{}}`, []string{`storagePoolEntries: missing field "storagePoolEntries"`, `recoveryGroups: missing field`}},
		{"missing required field", sections(map[string]string{"logicalServers": `{"LS1":{"id":"LS1","kind":"vm","activated":true,"managed":true}}`}),
			[]string{`logicalServers["LS1"].name: missing field "name"`}},
		{"empty object", `{}`, []string{`logicalServers: missing field "logicalServers"`}},
		{"null snapshot", `null`, []string{"null is not allowed here"}},
		{"null record", sections(map[string]string{"services": `{"S1":null}`}), []string{`services["S1"]: null is not allowed here`}},
		{"null field", sections(map[string]string{"services": `{"S1":{"id":null,"name":"a"}}`}), []string{`services["S1"].id: null is not allowed`}},
		{"section not an object", sections(map[string]string{"requests": `[]`}), []string{`requests: want an object, have an array`}},
		{"wrong type", sections(map[string]string{"logicalServers": strings.Replace(`{"LS1":`+lsJSON+`}`, `"activated":true`, `"activated":"yes"`, 1)}),
			[]string{`logicalServers["LS1"].activated: want true or false, have string "yes"`}},
		{"bad WWN", sections(map[string]string{"storagePoolEntries": `{"SPE1":{"id":"SPE1","kind":"catalog","wwpns":["50:01:43:80:02:a3:00:01","50:01:43:80:02:A3:00:0Z"]}}`}),
			[]string{`storagePoolEntries["SPE1"].wwpns[1]: `, `0Z`}},
		{"bad address key", sections(map[string]string{"ipAllocations": `{"nope":{"address":"10.0.0.1","allocated":false}}`}),
			[]string{`ipAllocations["nope"]: bad key: not an IP address: "nope"`}},
		{"address key in two spellings", sections(map[string]string{"ipAllocations": `{"::1":{"address":"::1","allocated":false},"0::1":{"address":"::1","allocated":false}}`}),
			[]string{`ipAllocations["0::1"]: bad key: IP address "0::1" is not in canonical form: write "::1"`}},
		{"bad address value", sections(map[string]string{"ipAllocations": `{"10.0.0.1":{"address":"10.0.0.300","allocated":false}}`}),
			[]string{`ipAllocations["10.0.0.1"].address: `, `10.0.0.300`}},
		{"trailing data", sections(nil) + ` {}`, []string{"unexpected data after the JSON value"}},
		{"two documents", sections(nil) + sections(nil), []string{"unexpected data after the JSON value"}},
		{"nesting too deep", sections(map[string]string{"services": `{"S1":{"id":"S1","name":"a","logicalServerIds":` + deep + `}}`}),
			[]string{"matrixoe: decode snapshot: ", "nesting deeper than 128"}},
		{"every problem at once", sections(map[string]string{"services": `{"S1":{"x":1,"id":"S1","name":"a"}}`, "requests": `{"R1":{"id":"R1","state":"done","y":2}}`}),
			[]string{`services["S1"].x: unknown field "x"`, `requests["R1"].y: unknown field "y"`}},
		{"huge bad value", sections(map[string]string{"storagePoolEntries": `{"SPE1":{"id":"SPE1","kind":"catalog","wwpns":["` + huge + `"]}}`}),
			[]string{`storagePoolEntries["SPE1"].wwpns[0]: `}},
		{"huge bad key", sections(map[string]string{"ipAllocations": `{"` + huge + `":{"address":"10.0.0.1","allocated":false}}`}),
			[]string{`ipAllocations["ZZZZ`, `bad key: not an IP address: "ZZZZ`}},
		{"not JSON", `{"logicalServers":`, []string{"unexpected end of input"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSnapshot()
			s.Services["KEEP"] = Service{ID: "KEEP", Name: "keep"}
			start := time.Now()
			err := s.UnmarshalJSON([]byte(tc.in)) // json.Unmarshal would refuse bad syntax itself, before the strict check
			elapsed := time.Since(start)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalid)
			var se *strictjson.Error
			assert.ErrorAs(t, err, &se, "the problems are listed")
			assert.True(t, strings.HasPrefix(err.Error(), "matrixoe: decode snapshot: "), "%.200s", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, len(err.Error()), 4096, "a bounded error")
			assert.Less(t, elapsed, 2*time.Second, "bounded work")
			assert.Equal(t, map[string]Service{"KEEP": {ID: "KEEP", Name: "keep"}}, s.Services, "on error the snapshot is unchanged")
		})
	}
}

// What json.Marshal writes decodes back to an equal snapshot, including nil
// sections (written as null) and every record type.
func TestSnapshotJSONAcceptsWhatMarshalWrites(t *testing.T) {
	e := sampleEstate(t)
	full := e.ms.Clone()
	a := addr(t, "10.0.0.9")
	full.IPs[a] = IPAllocation{Address: a, Network: "n", Allocated: true, Owner: "post-backup"}
	full.IPs[addr(t, "fd00::1")] = IPAllocation{Address: addr(t, "fd00::1")}
	tests := []struct {
		name string
		s    *Snapshot
	}{
		{"nil maps (null sections)", &Snapshot{}},
		{"empty maps", NewSnapshot()},
		{"every record type", full},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.s)
			require.NoError(t, err)
			var back Snapshot
			require.NoError(t, json.Unmarshal(b, &back))
			assert.True(t, back.Equal(tc.s), "%v", Diff(tc.s, &back))
			assert.NotNil(t, back.LogicalServers, "absent maps are allocated")
			assert.NotNil(t, back.IPs)
			assert.NotNil(t, back.RecoveryGroups)
			assert.ErrorIs(t, Apply(&back, DropLS{LogicalServerID: "nope"}), ErrNotFound, "a decoded snapshot can be applied to")
		})
	}
}

// An RM export is decoded strictly, validated, bounded in size, and its
// errors name the path.
func TestDecodeRMExportErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"not JSON", `[`, []string{"matrixoe: decode RM export: ", "unexpected end of input"}},
		{"unknown field", `{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[],"groups":[]}`, []string{`groups: unknown field "groups"`}},
		{"unknown nested field", `{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[{"name":"RG1","set":"A","enabled":true,"prot":[]}]}`,
			[]string{`recoveryGroups[0].prot: unknown field "prot"`}},
		{"missing field", `{"format":"mxsync-go/rm-export","version":1}`, []string{`recoveryGroups: missing field "recoveryGroups"`}},
		{"missing nested field", `{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[{"name":"RG1","set":"A"}]}`,
			[]string{`recoveryGroups[0].enabled: missing field "enabled"`}},
		{"repeated key", `{"format":"mxsync-go/rm-export","version":1,"version":2,"recoveryGroups":[]}`, []string{`version: key "version" repeated`}},
		{"case-folded key", `{"Format":"mxsync-go/rm-export","version":1,"recoveryGroups":[]}`, []string{`did you mean "format"`}},
		{"trailing data", `{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[]} x`, []string{"unexpected data after the JSON value"}},
		{"bad time", `{"format":"mxsync-go/rm-export","version":1,"exportedAt":"yesterday","recoveryGroups":[]}`, []string{`exportedAt: `}},
		{"HP's format is not ours", `{"format":"exportconfig","version":1,"recoveryGroups":[]}`, []string{`format is "exportconfig"`}},
		{"future version", `{"format":"mxsync-go/rm-export","version":2,"recoveryGroups":[]}`, []string{"version is 2"}},
		{"group problems", `{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[
			{"name":"","set":"A","enabled":true},{"name":"RG1","set":"","enabled":true},{"name":"RG1","set":"A","enabled":true,"protectedLogicalServers":["x","x"]}]}`,
			[]string{"recoveryGroups[0]: empty name", `recoveryGroups[1] ("RG1"): empty set`, `recoveryGroups[2]: name "RG1" already used by recoveryGroups[1]`, `logical server "x" listed twice`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := DecodeRMExport(strings.NewReader(tc.doc))
			require.Error(t, err)
			assert.Nil(t, e)
			assert.ErrorIs(t, err, ErrInvalid)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	// Many bad groups: every one found, a bounded message.
	var b strings.Builder
	b.WriteString(`{"format":"mxsync-go/rm-export","version":1,"recoveryGroups":[`)
	for i := range 10000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"","set":"","enabled":true}`)
	}
	b.WriteString("]}")
	_, err := DecodeRMExport(strings.NewReader(b.String()))
	require.ErrorIs(t, err, ErrInvalid)
	assert.Less(t, len(err.Error()), 4096)
	assert.Contains(t, err.Error(), "… and 19980 more")

	// Too large: refused unread beyond the limit.
	big := io.MultiReader(strings.NewReader(`{"format":"`), io.LimitReader(zeros{}, MaxRMExportSize))
	_, err = DecodeRMExport(big)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "larger than")
}

// zeros reads as an endless run of 'a'.
type zeros struct{}

var aaaa = bytes.Repeat([]byte("a"), 1<<16)

func (zeros) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], aaaa)
	}
	return n, nil
}

func TestLiveStateJSON(t *testing.T) {
	st := LiveState{
		VMPower: map[string]PowerState{"vm-1": PowerOn},
		IPs:     IPOwners{addr(t, "10.0.0.1"): "web", addr(t, "fd00::1"): "v6", addr(t, "::ffff:10.0.0.2"): "mapped"},
		Export:  export(RecoveryGroup{Name: "RG1", Set: "A"}),
	}
	b, err := json.Marshal(st)
	require.NoError(t, err)
	var back LiveState
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, st, back)

	tests := []struct{ name, in, want string }{
		{"unknown field", `{"vmPower":{},"ips":{},"vms":{}}`, `vms: unknown field "vms"`},
		{"missing field", `{"vmPower":{}}`, `ips: missing field "ips"`},
		{"address key in two spellings", `{"vmPower":{},"ips":{"fd00::1":"a","fd00:0::1":"b"}}`, `ips["fd00:0::1"]: bad key: IP address "fd00:0::1" is not in canonical form`},
		{"nested export field", `{"vmPower":{},"ips":{},"rmExport":{"format":"f","version":1,"recoveryGroups":[{"name":"a","set":"b","enabled":true,"x":1}]}}`,
			`rmExport.recoveryGroups[0].x: unknown field "x"`},
		{"repeated VM", `{"vmPower":{"vm-1":"on","vm-1":"off"},"ips":{}}`, `vmPower["vm-1"]: key "vm-1" repeated`},
		{"trailing data", `{"vmPower":{},"ips":{}}]`, `unexpected data after the JSON value`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st LiveState
			err := st.UnmarshalJSON([]byte(tc.in))
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, LiveState{}, st)
		})
	}
}

func TestFindingJSONIsStrict(t *testing.T) {
	tests := []struct {
		name, in string
		sentinel error
		want     string
	}{
		{"unknown field", `{"code":"X","severity":"info","subject":{},"message":"m","phase":2}`, ErrInvalid, `phase: unknown field "phase"`},
		{"unknown subject field", `{"code":"X","severity":"info","subject":{"lsId":"LS1"},"message":"m"}`, ErrInvalid, `subject.lsId: unknown field "lsId"`},
		{"change of unknown kind", `{"code":"X","severity":"info","subject":{},"message":"m","changes":[{"kind":"vcem.MarkExternal"}]}`,
			ErrUnknownChange, `changes[0]: `},
		{"bad change field", `{"code":"X","severity":"info","subject":{},"message":"m","changes":[{"kind":"matrixoe.DropLS","logicalServerId":1}]}`,
			ErrInvalid, `changes[0].logicalServerId: `},
		{"missing message", `{"code":"X","severity":"info","subject":{}}`, ErrInvalid, `message: missing field "message"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f Finding
			err := json.Unmarshal([]byte(tc.in), &f)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// Nested in a strict decoder of another type, paths are prefixed.
	var plan struct {
		Findings []Finding `json:"findings"`
	}
	err := strictjson.Unmarshal([]byte(`{"findings":[{"code":"X","severity":"info","subject":{},"message":"m","changes":[{"kind":"matrixoe.AddVolumeToSPE","speId":"S"}]}]}`), &plan)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `findings[0].changes[0].volumeId: `)
	assert.True(t, errors.Is(err, ErrInvalid))
}
