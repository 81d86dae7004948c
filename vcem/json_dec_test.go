package vcem_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// checkFastSnapshot decodes b by the fast path, by the reflective walk and
// by UnmarshalJSON, and asserts what the fast path promises: when it
// accepts b, the walk does too, with a deep-equal snapshot; and
// UnmarshalJSON gives the walk's snapshot or the walk's error, word for
// word. It reports whether the fast path accepted b.
func checkFastSnapshot(t testing.TB, b []byte) bool {
	t.Helper()
	fast, ok := vcem.DecodeSnapshotFast(b)
	var walked vcem.Snapshot
	werr := walked.UnmarshalWalked(b)
	if ok {
		require.NoError(t, werr, "the fast path accepted what the walk refuses: %q", b)
		require.True(t, reflect.DeepEqual(fast, &walked), "the paths disagree on %q", b)
	}
	var got vcem.Snapshot
	err := got.UnmarshalJSON(b)
	if werr != nil {
		require.EqualError(t, err, werr.Error())
		return ok
	}
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(&got, &walked), "UnmarshalJSON and the walk disagree on %q", b)
	return ok
}

// checkFastLive is checkFastSnapshot for a live domain.
func checkFastLive(t testing.TB, b []byte) bool {
	t.Helper()
	fast, ok := vcem.DecodeLiveFast(b)
	var walked vcem.LiveDomain
	werr := walked.UnmarshalWalked(b)
	if ok {
		require.NoError(t, werr, "the fast path accepted what the walk refuses: %q", b)
		require.True(t, reflect.DeepEqual(fast, walked), "the paths disagree on %q", b)
	}
	var got vcem.LiveDomain
	err := got.UnmarshalJSON(b)
	if werr != nil {
		require.EqualError(t, err, werr.Error())
		return ok
	}
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(got, walked), "UnmarshalJSON and the walk disagree on %q", b)
	return ok
}

// richSnapshot is the base snapshot with External addresses, an
// unassigned profile with a serial number and a profile with no
// connections.
func richSnapshot(t testing.TB) *vcem.Snapshot {
	s := baseSnapshot(t)
	require.NoError(t, vcem.Apply(s, vcem.MarkExternalMAC{MAC: testMACFirst + 0x100}))
	require.NoError(t, vcem.Apply(s, vcem.MarkExternalWWN{WWN: testWWNFirst + 0x100}))
	s.Profiles["d3:bare"] = vcem.Profile{ID: "d3:bare", Name: "bare", DomainID: "d3", SerialNumber: "SN-1 é"}
	s.Profiles["other-id"] = vcem.Profile{ID: "x", Name: "web", DomainID: "d9", Bay: "b"}
	return s
}

// What the encoders write takes the fast path, and decodes as by the walk.
func TestFastDecoderTakesTheEncodersForm(t *testing.T) {
	s := richSnapshot(t)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.True(t, checkFastSnapshot(t, b))
	empty, err := json.Marshal(&vcem.Snapshot{})
	require.NoError(t, err)
	assert.True(t, checkFastSnapshot(t, empty))

	live := baseLive(t)
	live = append(live, vcem.LiveDomain{Domain: vcem.Domain{ID: "gone", Manager: "m"}},
		vcem.LiveDomain{Domain: vcem.Domain{ID: "cred", Name: "n", Manager: "m"}, Reachable: true, ViaCredentials: true,
			Profiles: []vcem.Profile{{Name: "p", Ethernet: []vcem.EthernetConnection{{Port: -1, MAC: 5, AddressType: "odd"}}}}})
	// A long list of profiles, grown as the fast path grows it.
	var many []vcem.Profile
	for i := range 300 {
		many = append(many, vcem.Profile{Name: fmt.Sprintf("p%03d", i), DomainID: "big",
			FC: []vcem.FCConnection{{Port: 1, PortWWN: addrpool.WWN(2 * i), NodeWWN: addrpool.WWN(2*i + 1), AddressType: vcem.AddressVCEMPool}}})
	}
	live = append(live, vcem.LiveDomain{Domain: vcem.Domain{ID: "big", Name: "b", Manager: "m"}, Reachable: true, Profiles: many})
	for i := range live {
		b, err := vcem.AppendLiveJSON(nil, live[i:i+1])
		require.NoError(t, err)
		b = b[1 : len(b)-1] // the one domain of the list
		assert.True(t, checkFastLive(t, b), "%s", b)
	}
	b, err = json.Marshal(live)
	require.NoError(t, err)
	var back []vcem.LiveDomain
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, live, back)
}

// snapshot and live documents in other valid forms: white space, nulls,
// empty lists, keys in another order. The fast path takes those; escapes
// go to the walk. Either way the value is the walk's.
func TestFastDecoderAgreesWithTheWalk(t *testing.T) {
	ws := func(doc string) string {
		r := strings.NewReplacer(`{`, "{ \n", `,`, "\t,\r\n ", `:`, " : ", `[`, "[ ", `]`, " ]", `}`, " }")
		return r.Replace(doc)
	}
	snapTests := []struct {
		name, js string
		fast     bool
	}{
		{"the small document", snapDoc, true},
		{"white space", ws(snapDoc), true},
		{"null maps and pools", `{"groups":null,"domains":null,"profiles":null,"macs":null,"wwns":null}`, true},
		{"keys in another order", `{"wwns":null,"profiles":{},"macs":null,"domains":{},"groups":{"g":{"name":"G","id":"g"}}}`, true},
		{"empty lists and null lists", `{"groups":{},"domains":{"d":{"id":"d","name":"","manager":"","enclosures":[],"modules":null,"groupId":""}},` +
			`"profiles":{"p":{"fc":[],"iscsi":null,"id":"p","name":"p","domainId":"d","bay":"","ethernet":[{"addressType":"","mac":"001122334455","port":0}]}},"macs":null,"wwns":null}`, true},
		{"UTF-8", `{"groups":{"é":{"id":"☃","name":"𝄞"}},"domains":{},"profiles":{},"macs":null,"wwns":null}`, true},
		{"an escape", `{"groups":{"g":{"id":"\u0067","name":""}},"domains":{},"profiles":{},"macs":null,"wwns":null}`, false},
		{"an escaped key", `{"gr\u006fups":{},"domains":{},"profiles":{},"macs":null,"wwns":null}`, false},
		{"an int at the limit", strings.Replace(snapDoc, `"port":1`, `"port":-123456789012345678`, 1), true},
		{"an int past the Cursor's digits", strings.Replace(snapDoc, `"port":1`, `"port":1234567890123456789`, 1), false},
		{"a padded MAC", strings.Replace(snapDoc, `"00-17-A4-77-00-00","addressType"`, `" 00:17:a4:77:00:00 ","addressType"`, 1), true},
	}
	for _, tt := range snapTests {
		t.Run("snapshot/"+tt.name, func(t *testing.T) {
			assert.Equal(t, tt.fast, checkFastSnapshot(t, []byte(tt.js)))
			var s vcem.Snapshot
			require.NoError(t, s.UnmarshalJSON([]byte(tt.js)))
		})
	}
	const ld = `{"domain":{"id":"d1","name":"n","manager":"m","groupId":"g","enclosures":["e"],"modules":[{"enclosure":"e","bay":1,"type":"VC-FC","serial":"s"}]},` +
		`"profiles":[{"id":"","name":"web","domainId":"d1","fcoe":[{"port":1,"fabric":"A","mac":"00-17-A4-77-00-00","portWWN":"50-01-43-80-02-A3-00-00","nodeWWN":"0x5001438002A30001","addressType":"vcem-pool"}],` +
		`"iscsi":[{"port":2,"network":"n","mac":"00-17-A4-77-00-01","addressType":"factory-default"}]}],"reachable":true,"viaCredentials":false}`
	liveTests := []struct {
		name, js string
		fast     bool
	}{
		{"every field", ld, true},
		{"white space", ws(ld), true},
		{"profiles first", `{"profiles":[{"id":"i","name":"p","domainId":"d1"}],"reachable":true,"domain":{"id":"d1","name":"n","manager":"m"}}`, true},
		{"null profiles", `{"domain":{"id":"d1","name":"n","manager":"m"},"profiles":null,"reachable":false}`, true},
		{"empty profiles", `{"domain":{"id":"d1","name":"n","manager":"m"},"profiles":[],"reachable":false}`, true},
		{"an escape", `{"domain":{"id":"d\u0031","name":"n","manager":"m"},"reachable":true}`, false},
	}
	for _, tt := range liveTests {
		t.Run("live/"+tt.name, func(t *testing.T) {
			assert.Equal(t, tt.fast, checkFastLive(t, []byte(tt.js)))
			var l vcem.LiveDomain
			require.NoError(t, l.UnmarshalJSON([]byte(tt.js)))
		})
	}
}

// Every invalid document leaves the fast path, so its error is the walk's,
// word for word, path, line and column included.
func TestFastDecoderRefusesWhatTheWalkRefuses(t *testing.T) {
	edit := func(old, new string) string {
		require.Contains(t, snapDoc, old)
		return strings.Replace(snapDoc, old, new, 1)
	}
	for _, js := range []string{
		edit(`"00-17-A4-77-00-00","addressType"`, `"00-17-A4-77-00-0Z","addressType"`),
		edit(`"macs":{"ranges"`, `"macs":{"externl":[],"ranges"`),
		edit(`"profiles":`, `"PROFILES":`),
		edit(`"profiles":`, `"profiles":{},"profiles":`),
		edit(`"groups":{},`, ``),
		edit(`"groups":{}`, `"groups":[]`),
		edit(`"groups":{}`, `"groups":{"g":{"id":"g"}}`),
		edit(`"groups":{}`, `"groups":{"g":{"id":"g","name":"n","nam":"n"}}`),
		edit(`"groups":{}`, `"groups":{"g":{"id":"g","name":"n","id":"g"}}`),
		edit(`"groups":{}`, `"groups":{"g":null}`),
		edit(`"id":"d1"`, `"ID":"d1"`),
		edit(`"id":"d1"`, `"id":null`),
		edit(`"id":"d1"`, `"id":1`),
		edit(`"manager":"m"`, `"manager":"m","enclosures":[1]`),
		edit(`"manager":"m"`, `"manager":"m","enclosures":"e"`),
		edit(`"manager":"m"`, `"manager":"m","modules":[{"enclosure":"e","bay":1.5,"type":"t"}]`),
		edit(`"manager":"m"`, `"manager":"m","modules":[{"enclosure":"e","type":"t"}]`),
		edit(`"manager":"m"`, `"manager":"m","modules":[null]`),
		edit(`"domainId":"d1"`, `"domainId":"d1","bay":"b","bay":"b"`),
		edit(`"domainId":"d1"`, `"domainId":"d1","fc":[{"port":1,"portWWN":"50:01:43:80:02:A3:00:00","addressType":"vcem-pool"}]`),
		edit(`"domainId":"d1"`, `"domainId":"d1","fc":[{"port":1,"portWWN":"50:01:43:80:02:A3:00:0","nodeWWN":"50:01:43:80:02:A3:00:01","addressType":"vcem-pool"}]`),
		edit(`"domainId":"d1"`, `"domainId":"d1","fcoe":[{"port":1,"portWWN":"50:01:43:80:02:A3:00:00","nodeWWN":"50:01:43:80:02:A3:00:01","addressType":"vcem-pool"}]`),
		edit(`"domainId":"d1"`, `"domainId":"d1","iscsi":[{"port":1,"mac":"00-17-A4-77-00-00"}]`),
		edit(`"domainId":"d1"`, `"domainId":"d1","serialNumber":false`),
		edit(`,"domainId":"d1"`, ``),
		edit(`"port":1`, `"port":1.5`),
		edit(`"port":1`, `"port":01`),
		edit(`"port":1`, `"port":"1"`),
		edit(`"port":1`, `"port":99999999999999999999`),
		edit(`"d1:web":{`, `"d1:web":{"id":"d1:web","name":"web","domainId":"d1"},"d1:web":{`),
		edit(`"wwns":null`, `"wwns":{}`),
		edit(`"wwns":null`, `"wwns":nul`),
		edit(`"last":"00-17-A4-77-00-FF"`, `"last":"00-17-A4-77-00-00"},{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-01"`),
		edit(`"macs":{"ranges":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-FF"}]}`,
			`"macs":{"ranges":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-FF"}],"inUse":[{"address":"00-17-A4-77-00-05","owner":"d1:web"}],"external":[{"first":"00-17-A4-77-00-00","last":"00-17-A4-77-00-09"}]}`),
		edit(`"groups":{}`, `"groups":{"g":`+strings.Repeat("[", 200)+strings.Repeat("]", 200)+`}`),
		snapDoc + ` {}`, snapDoc[:len(snapDoc)-1], snapDoc + `,`, `null`, ``, `[]`, "\x00",
	} {
		t.Run(js, func(t *testing.T) {
			assert.False(t, checkFastSnapshot(t, []byte(js)))
			var s vcem.Snapshot
			assert.Error(t, s.UnmarshalJSON([]byte(js)))
		})
	}
	const ld = `{"domain":{"id":"d1","name":"n","manager":"m"},"reachable":true}`
	for _, js := range []string{
		strings.Replace(ld, `"manager":"m"`, `"manager":"m","grupId":"g"`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":true,"reachable":false`, 1),
		strings.Replace(ld, `"reachable":true`, `"Reachable":true`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":1`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":null`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":tru`, 1),
		strings.Replace(ld, `,"reachable":true`, ``, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":true,"viaCredentials":"yes"`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":true,"profiles":[{"id":"","name":"p"}]`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":true,"profiles":[null]`, 1),
		strings.Replace(ld, `"reachable":true`, `"reachable":true,"profiles":{}`, 1),
		strings.Replace(ld, `"domain":{"id":"d1","name":"n","manager":"m"}`, `"domain":null`, 1),
		ld + `x`, `{"domain":{"id":"d1","name":"n","manager":"m"},"reachable":true,}`,
	} {
		t.Run(js, func(t *testing.T) {
			assert.False(t, checkFastLive(t, []byte(js)))
			var l vcem.LiveDomain
			assert.Error(t, l.UnmarshalJSON([]byte(js)))
		})
	}
}

// fill sets every exported field of v (a struct, at any depth) to a
// value that is not zero and that the decoders accept: a field added to
// one of the structs is then in the JSON a filled value encodes.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n)) // a small MAC or WWN
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.Pointer:
		// The pools: set by the caller.
	default:
		panic("fill: " + v.Type().String())
	}
}

// The fast decoders know every field of the structs they read: a value
// with every field set (by reflection, so a field added later is set too)
// encodes, by encoding/json's reflection, to a document the fast path
// must take and decode to the same value. A field the fast path does not
// read fails this test, rather than sending every document to the walk.
func TestFastDecoderKnowsEveryField(t *testing.T) {
	n := 0
	var s vcem.Snapshot
	fill(reflect.ValueOf(&s).Elem(), &n)
	base := richSnapshot(t)
	s.MACs, s.WWNs = base.MACs, base.WWNs
	b, err := json.Marshal(vcem.SnapshotJSON(s))
	require.NoError(t, err)
	require.True(t, checkFastSnapshot(t, b), "the fast path left a filled snapshot to the walk: a field it does not read? %s", b)
	got, ok := vcem.DecodeSnapshotFast(b)
	require.True(t, ok)
	assert.True(t, reflect.DeepEqual(&s, got), "the fast path dropped or changed a field")

	var ld vcem.LiveDomain
	fill(reflect.ValueOf(&ld).Elem(), &n)
	b, err = json.Marshal(vcem.LiveDomainJSON(ld))
	require.NoError(t, err)
	require.True(t, checkFastLive(t, b), "the fast path left a filled live domain to the walk: a field it does not read? %s", b)
	gotLive, ok := vcem.DecodeLiveFast(b)
	require.True(t, ok)
	assert.True(t, reflect.DeepEqual(ld, gotLive), "the fast path dropped or changed a field")
}

// A random walk of edits over valid documents: every one decodes as the
// walk decodes it, or fails as the walk fails.
func TestFastDecoderOnEditedDocuments(t *testing.T) {
	snap, err := json.Marshal(richSnapshot(t))
	require.NoError(t, err)
	live, err := json.Marshal(baseLive(t)[0])
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(3, 4))
	tokens := []string{`"`, `{`, `}`, `[`, `]`, `,`, `:`, `1`, `null`, `true`, `\`, ` `, `"id"`, `"x"`, `é`}
	for range 400 {
		for _, doc := range [][]byte{snap, live} {
			b := []byte(string(doc))
			for range 1 + r.IntN(3) {
				i := r.IntN(len(b))
				switch r.IntN(3) {
				case 0:
					b = append(b[:i:i], b[i+1:]...)
				case 1:
					b = append(b[:i:i], append([]byte(tokens[r.IntN(len(tokens))]), b[i:]...)...)
				default:
					j := min(len(b), i+r.IntN(40))
					b = append(b[:i:i], b[j:]...)
				}
			}
			checkFastSnapshot(t, b)
			checkFastLive(t, b)
		}
	}
}

// FuzzFastDecoder: on any input, the fast paths accept only what the walk
// accepts, with the same value, and UnmarshalJSON's error is the walk's.
func FuzzFastDecoder(f *testing.F) {
	// Small seeds that use every field: the fuzzer works far better on a
	// few hundred bytes than on the base snapshot's four thousand.
	macs := addrpool.MustRange(testMACFirst, testMACFirst+15)
	wwns := addrpool.MustRange(testWWNFirst, testWWNFirst+15)
	s, err := vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{macs}, []addrpool.Range[addrpool.MAC]{addrpool.MustRange(testMACFirst+14, testMACFirst+15)},
		[]addrpool.Range[addrpool.WWN]{wwns}, nil)
	require.NoError(f, err)
	s.Groups["g"] = vcem.DomainGroup{ID: "g", Name: "G"}
	d := vcem.Domain{ID: "d", Name: "D", Manager: "m", GroupID: "g", Enclosures: []string{"e"}, Modules: []vcem.Module{{Enclosure: "e", Bay: 1, Type: "t", Serial: "s"}}}
	s.Domains["d"] = d
	p := vcem.Profile{ID: "d:p", Name: "p", DomainID: "d", Bay: "e:1", SerialNumber: "n",
		Ethernet: []vcem.EthernetConnection{{Port: 1, Network: "n", MAC: testMACFirst, AddressType: vcem.AddressVCEMPool}},
		ISCSI:    []vcem.ISCSIConnection{{Port: 2, MAC: testMACFirst + 1, AddressType: vcem.AddressVCEMPool}},
		FCoE:     []vcem.FCoEConnection{{Port: 3, Fabric: "A", MAC: testMACFirst + 2, PortWWN: testWWNFirst, NodeWWN: testWWNFirst + 1, AddressType: vcem.AddressVCEMPool}},
		FC:       []vcem.FCConnection{{Port: 4, PortWWN: testWWNFirst + 2, NodeWWN: testWWNFirst + 3, AddressType: vcem.AddressUserDefined}}}
	s.Profiles[p.ID] = p
	for _, a := range []addrpool.MAC{testMACFirst, testMACFirst + 1, testMACFirst + 2} {
		require.NoError(f, s.MACs.AllocateAddr(a, p.ID))
	}
	require.NoError(f, s.MACs.MarkExternal(testMACFirst+9))
	require.NoError(f, s.WWNs.AllocateAddr(testWWNFirst, p.ID))
	snap, err := json.Marshal(s)
	require.NoError(f, err)
	require.True(f, checkFastSnapshot(f, snap), "the seed takes the fast path")
	f.Add(snap)
	f.Add([]byte(snapDoc))
	ld, err := json.Marshal(vcem.LiveDomain{Domain: d, Profiles: []vcem.Profile{p}, Reachable: true, ViaCredentials: true})
	require.NoError(f, err)
	require.True(f, checkFastLive(f, ld), "the seed takes the fast path")
	f.Add(ld)
	f.Add([]byte(`{"domain":{"id":"d1","name":"n","manager":"m"},"profiles":[],"reachable":false}`))
	f.Add([]byte(`{"groups":null,"domains":null,"profiles":null,"macs":null,"wwns":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFastSnapshot(t, b)
		checkFastLive(t, b)
	})
}
