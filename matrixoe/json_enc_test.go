package matrixoe

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
)

// oddStrings need every kind of escape json.Marshal writes: quotes and
// backslashes, control characters, HTML characters, U+2028/U+2029,
// invalid UTF-8 (written as U+FFFD) and plain non-ASCII.
var oddStrings = []string{"", "plain", `q"uote`, `back\slash`, "<b>&amp;", "tab\tnl\n\x01\x7f", "é", "\u2028\u2029", "bad\xffutf8", "\x00"}

// oddAddrs are addresses whose texts sort unlike their values, or need
// escapes (zones are free text), or are the zero Addr (text "").
var oddAddrs = []netip.Addr{{}, netip.MustParseAddr("10.0.0.10"), netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("::ffff:10.0.0.9"),
	netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("fe80::1%<&>\"\xff\u2028"), netip.MustParseAddr("2001:db8::"), netip.MustParseAddr("::")}

// bigMatrixOE returns a generated snapshot and live state of n logical
// servers, every optional field set on some records and odd strings and
// addresses throughout.
func bigMatrixOE(n int) (*Snapshot, *LiveState) {
	r := rand.New(rand.NewPCG(uint64(n), 5))
	odd := func() string { return oddStrings[r.IntN(len(oddStrings))] }
	odds := func() []string { return oddStrings[:r.IntN(3)] }
	s := NewSnapshot()
	live := &LiveState{VMPower: map[string]PowerState{}, IPs: IPOwners{},
		Export: &RMExport{Format: RMExportFormat, Version: RMExportVersion, Site: odd(), ExportedAt: time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("x", 5*3600+1800))}}
	for i := range n {
		ls, spe := fmt.Sprintf("LS%05d", i), fmt.Sprintf("SPE%05d", i)
		v := LogicalServer{ID: ls, Name: odd(), Kind: []LSKind{LSPhysicalVC, LSVirtual}[i%2], Activated: i%3 == 0, Managed: i%5 != 0, SPEIDs: []string{spe}}
		if i%4 == 0 {
			v.Power, v.ProfileID, v.VMID, v.SPEIDs, v.Inoperable = PowerOn, "P"+odd(), "vm-"+odd(), odds(), true
			live.VMPower[v.VMID+ls] = PowerState(odd())
		}
		s.LogicalServers[ls] = v
		e := StoragePoolEntry{ID: spe, Kind: SPECatalog, VolumeIDs: []string{"V" + odd()}, WWPNs: []addrpool.WWN{addrpool.WWN(i), addrpool.WWN(1<<64-1) - addrpool.WWN(i)}, LogicalServerID: ls}
		if i%3 == 0 {
			e.Name, e.Kind, e.VolumeIDs, e.WWPNs, e.ServiceID, e.Inoperable = odd(), SPECarved, odds(), nil, "S"+odd(), true
		}
		s.SPEs[spe] = e
		if i%10 == 0 {
			id := fmt.Sprintf("S%d", i)
			s.Services[id] = Service{ID: id, Name: odd(), LogicalServerIDs: odds()}
			s.Requests["R"+id] = Request{ID: "R" + id, Name: odd(), ServiceID: []string{"", id}[i%20/10], State: RequestState(odd())}
			s.RecoveryGroups["RG"+id] = RecoveryGroup{Name: "RG" + id, Set: odd(), ProtectedLS: odds(), ReplicationGroups: odds(), Enabled: i%20 == 0}
			live.Export.RecoveryGroups = append(live.Export.RecoveryGroups, s.RecoveryGroups["RG"+id])
		}
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if i%7 == 0 {
			a = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)})
		}
		s.IPs[a] = IPAllocation{Address: a, Network: odd(), Allocated: i%2 == 0, ServiceID: odd(), Owner: odd()}
		live.IPs[a] = odd()
	}
	for _, a := range oddAddrs {
		s.IPs[a] = IPAllocation{Address: a}
		live.IPs[a] = a.Zone()
	}
	return s, live
}

// TestSnapshotAppendJSONIsEncodingJSONs checks the hand-written encoder
// against json.Marshal, byte for byte.
func TestSnapshotAppendJSONIsEncodingJSONs(t *testing.T) {
	big, _ := bigMatrixOE(5000)
	odd := NewSnapshot()
	odd.LogicalServers["<ls>"] = LogicalServer{ID: "<ls>", Name: "\u2028", Kind: "?", Power: "\xff", SPEIDs: []string{}, Inoperable: true}
	odd.LogicalServers[""] = LogicalServer{}
	odd.SPEs[""] = StoragePoolEntry{VolumeIDs: []string{}, WWPNs: []addrpool.WWN{}}
	odd.Services[""] = Service{LogicalServerIDs: []string{}}
	odd.Requests[""] = Request{}
	odd.RecoveryGroups[""] = RecoveryGroup{ProtectedLS: []string{}, ReplicationGroups: []string{}}
	for _, a := range oddAddrs {
		odd.IPs[a] = IPAllocation{Address: a, Allocated: true}
	}
	for name, s := range map[string]*Snapshot{
		"nil":    nil,
		"zero":   {},
		"new":    NewSnapshot(),
		"odd":    odd,
		"sample": sampleEstate(t).ms,
		"big":    big,
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(s)
			require.NoError(t, err)
			got, err := s.AppendJSON([]byte("prefix"))
			require.NoError(t, err)
			assert.Equal(t, "prefix"+string(want), string(got))
		})
	}
}

// TestLiveStateAppendJSONIsEncodingJSONs checks the live state's encoder
// against json.Marshal, byte for byte, and that it fails where
// json.Marshal does.
func TestLiveStateAppendJSONIsEncodingJSONs(t *testing.T) {
	_, big := bigMatrixOE(5000)
	e := sampleEstate(t)
	ips := IPOwners{}
	for _, a := range oddAddrs {
		ips[a] = a.String()
	}
	for name, st := range map[string]*LiveState{
		"nil":          nil,
		"zero":         {},
		"empty":        {VMPower: map[string]PowerState{}, IPs: IPOwners{}, Export: &RMExport{RecoveryGroups: []RecoveryGroup{}}},
		"zero export":  {Export: &RMExport{}},
		"odd":          {VMPower: map[string]PowerState{"<&>": "\u2028", "": ""}, IPs: ips, Export: &RMExport{Format: "\xff", Version: -1, Site: "<", ExportedAt: time.Unix(0, 1).UTC()}},
		"local time":   {Export: &RMExport{ExportedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -(12*3600+59)))}},
		"sample":       {VMPower: e.vm, IPs: IPOwners(e.ips), Export: e.export},
		"big":          big,
		"year 0 in UT": {Export: &RMExport{ExportedAt: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(st)
			require.NoError(t, err)
			got, err := st.AppendJSON([]byte("prefix"))
			require.NoError(t, err)
			assert.Equal(t, "prefix"+string(want), string(got))
		})
	}
	t.Run("year out of range", func(t *testing.T) {
		st := &LiveState{Export: &RMExport{ExportedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}
		_, err := json.Marshal(st)
		require.Error(t, err)
		_, err = st.AppendJSON(nil)
		assert.ErrorContains(t, err, "rmExport.exportedAt")
	})
}

// TestAppendJSONRandomIsEncodingJSONs compares the encoders with
// json.Marshal on random estates.
func TestAppendJSONRandomIsEncodingJSONs(t *testing.T) {
	for seed := range uint64(100) {
		e := randomEstate(t, seed)
		want, err := json.Marshal(e.ms)
		require.NoError(t, err)
		got, err := e.ms.AppendJSON(nil)
		require.NoError(t, err)
		if !assert.Equal(t, string(want), string(got), "snapshot, seed %d", seed) {
			return
		}
		st := &LiveState{VMPower: e.vm, IPs: IPOwners(e.ips), Export: e.export}
		want, err = json.Marshal(st)
		require.NoError(t, err)
		got, err = st.AppendJSON(nil)
		require.NoError(t, err)
		if !assert.Equal(t, string(want), string(got), "live state, seed %d", seed) {
			return
		}
	}
}
