package matrixoe

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotJSONRoundTrip(t *testing.T) {
	s := world(t)
	s.IPs[addr(t, "10.0.0.2")] = IPAllocation{Address: addr(t, "10.0.0.2"), Allocated: true, Owner: "post-backup"}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)
	require.NoError(t, back.Validate())
	f1, err := s.Fingerprint()
	require.NoError(t, err)
	f2, err := back.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, f1, f2)
}

func TestCloneIsIndependent(t *testing.T) {
	s := world(t)
	before, err := s.Fingerprint()
	require.NoError(t, err)
	c := s.Clone()
	require.NoError(t, ApplyAll(c,
		DropLS{LogicalServerID: "LS1"}, AddVolumeToSPE{SPEID: "SPE1", VolumeID: "V9"},
		MarkIPAllocated{Address: addr(t, "10.0.0.2")}, UpdateRecoveryGroup{Name: "RG1", RemoveProtected: []string{"VM1"}}))
	after, err := s.Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, before, after)
	cf, err := c.Fingerprint()
	require.NoError(t, err)
	assert.NotEqual(t, before, cf)
}

func TestFingerprintDeterministic(t *testing.T) {
	a, b := world(t), world(t)
	fa, err := a.Fingerprint()
	require.NoError(t, err)
	for range 20 { // map iteration order varies between runs of Marshal
		fb, err := b.Fingerprint()
		require.NoError(t, err)
		assert.Equal(t, fa, fb)
	}
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, fa)
}

// A Fingerprinter fingerprints a sequence of versions of one snapshot as
// Fingerprint does, whether a version keeps the IDs, replaces, adds or
// removes one, in any section.
func TestFingerprinterIsFingerprint(t *testing.T) {
	var f Fingerprinter
	s := world(t)
	a := netip.MustParseAddr("10.9.9.9")
	steps := []struct {
		name string
		edit func(s *Snapshot)
	}{
		{"first", func(*Snapshot) {}},
		{"again, unchanged", func(*Snapshot) {}},
		{"a record changed", func(s *Snapshot) {
			ls := s.LogicalServers["LS1"]
			ls.Name = "renamed"
			s.LogicalServers["LS1"] = ls
		}},
		{"a logical server added", func(s *Snapshot) {
			s.LogicalServers["LS9"] = LogicalServer{ID: "LS9", Name: "new", Kind: LSVirtual}
		}},
		{"one removed and another added: same count", func(s *Snapshot) {
			delete(s.LogicalServers, "LS9")
			s.LogicalServers["LS8"] = LogicalServer{ID: "LS8", Name: "new", Kind: LSVirtual}
		}},
		{"an IP added", func(s *Snapshot) { s.IPs[a] = IPAllocation{Address: a} }},
		{"an IP removed", func(s *Snapshot) { delete(s.IPs, a) }},
		{"a request removed", func(s *Snapshot) {
			for id := range s.Requests {
				delete(s.Requests, id)
				break
			}
		}},
		{"everything emptied", func(s *Snapshot) { *s = Snapshot{} }},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.edit(s)
			want, err := s.Fingerprint()
			require.NoError(t, err)
			got, err := f.Fingerprint(s)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	got, err := (*Fingerprinter)(nil).Fingerprint(world(t))
	require.NoError(t, err)
	want, err := world(t).Fingerprint()
	require.NoError(t, err)
	assert.Equal(t, want, got, "a nil Fingerprinter")
}

func TestValidate(t *testing.T) {
	w := wwn(t, "50:01:43:80:02:a3:00:01")
	tests := []struct {
		name string
		edit func(s *Snapshot)
		want []string // substrings, one per expected problem
	}{
		{"valid", func(*Snapshot) {}, nil},
		{"map key differs from ID", func(s *Snapshot) {
			ls := s.LogicalServers["LS1"]
			delete(s.LogicalServers, "LS1")
			ls.SPEIDs = nil
			s.LogicalServers["LSx"] = ls
			s.SPEs["SPE1"] = StoragePoolEntry{ID: "SPE1", Kind: SPECatalog}
			s.Services["S1"] = Service{ID: "S1", Name: "web"}
			s.RecoveryGroups = map[string]RecoveryGroup{}
		}, []string{`logical server "LSx": id field is "LS1"`}},
		{"bad kind, power, missing profile", func(s *Snapshot) {
			s.LogicalServers["VM1"] = LogicalServer{ID: "VM1", Name: "v", Kind: "lpar", Power: "dim", Managed: true}
		}, []string{`logical server "VM1": unknown kind "lpar"`, `unknown power state "dim"`}},
		{"vc server without profile, with vmId", func(s *Snapshot) {
			ls := s.LogicalServers["LS1"]
			ls.ProfileID, ls.VMID = "", "vm-x"
			s.LogicalServers["LS1"] = ls
		}, []string{"vc-physical server without profileId", `vc-physical server with vmId "vm-x"`}},
		{"vm without vmId, with profile", func(s *Snapshot) {
			ls := s.LogicalServers["VM1"]
			ls.VMID, ls.ProfileID = "", "P9"
			s.LogicalServers["VM1"] = ls
		}, []string{"vm server without vmId", `vm server with profileId "P9"`}},
		{"two servers own one profile", func(s *Snapshot) {
			s.LogicalServers["LS2"] = LogicalServer{ID: "LS2", Name: "x", Kind: LSPhysicalVC, ProfileID: "P1"}
		}, []string{`logical server "LS2": profile "P1" already owned by logical server "LS1"`}},
		{"LS lists unknown SPE", func(s *Snapshot) {
			ls := s.LogicalServers["VM1"]
			ls.SPEIDs = []string{"SPE9"}
			s.LogicalServers["VM1"] = ls
		}, []string{`logical server "VM1": storage pool entry "SPE9" does not exist`}},
		{"SPE back-link broken both ways", func(s *Snapshot) {
			s.SPEs["SPE2"] = StoragePoolEntry{ID: "SPE2", Kind: SPECatalog, LogicalServerID: "VM1"}
		}, []string{`storage pool entry "SPE2": logical server "VM1" does not list it`}},
		{"SPE unknown kind, volume in two SPEs, unknown service", func(s *Snapshot) {
			s.SPEs["SPE2"] = StoragePoolEntry{ID: "SPE2", Kind: "thin", VolumeIDs: []string{"V1"}, ServiceID: "S9", WWPNs: nil}
		}, []string{`storage pool entry "SPE2": unknown kind "thin"`, `volume "V1" also in storage pool entry "SPE1"`, `storage pool entry "SPE2": service "S9" does not exist`}},
		{"duplicate service names, unknown LS", func(s *Snapshot) {
			s.Services["S2"] = Service{ID: "S2", Name: "web", LogicalServerIDs: []string{"LS9", "LS9"}}
		}, []string{`service "S2": name "web" also used by service "S1"`, `logical server "LS9" listed twice`, `service "S2": logical server "LS9" does not exist`}},
		{"request with bad state and unknown service", func(s *Snapshot) {
			s.Requests["R9"] = Request{ID: "R9", ServiceID: "S9"}
		}, []string{`request "R9": empty state`, `request "R9": service "S9" does not exist`}},
		{"a request state of another vocabulary is valid", func(s *Snapshot) {
			s.Requests["R9"] = Request{ID: "R9", State: "running", ServiceID: "S1"}
		}, nil},
		{"IP free but owned, key mismatch", func(s *Snapshot) {
			a := addr(t, "10.0.0.2")
			s.IPs[a] = IPAllocation{Address: addr(t, "10.0.0.3"), ServiceID: "S1"}
		}, []string{`IP allocation 10.0.0.2: address field is 10.0.0.3`, `IP allocation 10.0.0.2: free but has serviceId "S1"`}},
		{"IPv4-mapped key", func(s *Snapshot) {
			a := netip.AddrFrom16(addr(t, "10.0.0.9").As16())
			s.IPs[a] = IPAllocation{Address: a}
		}, []string{"IPv4-mapped form; key IPv4 addresses as 10.0.0.9"}},
		{"recovery group without set, LS twice", func(s *Snapshot) {
			s.RecoveryGroups["RG2"] = RecoveryGroup{Name: "RG2", ProtectedLS: []string{"LS1", "LS1"}}
		}, []string{`recovery group "RG2": empty recovery group set`, `recovery group "RG2": logical server "LS1" protected twice`}},
		{"recovery group listing a deleted LS is not a problem", func(s *Snapshot) {
			s.RecoveryGroups["RG2"] = RecoveryGroup{Name: "RG2", Set: "S", ProtectedLS: []string{"gone"}}
		}, nil},
		{"SPE WWPNs are free form", func(s *Snapshot) {
			e := s.SPEs["SPEc"]
			e.WWPNs = append(e.WWPNs, w)
			s.SPEs["SPEc"] = e
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := world(t)
			tc.edit(s)
			err := s.Validate()
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidSnapshot)
			var vi *ValidationIssue
			require.ErrorAs(t, err, &vi)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			issues := s.Issues()
			assert.GreaterOrEqual(t, len(issues), len(tc.want))
			for _, is := range issues {
				assert.ErrorIs(t, is, ErrInvalidSnapshot, "every issue")
				assert.NotEmpty(t, is.Record)
				assert.Contains(t, is.Message, is.ID)
			}
		})
	}
}

// Two logical servers cannot be the same VM (the power refresh
// keys VMs by ID, so both would take one VM's state).
func TestValidateDuplicateVMID(t *testing.T) {
	s := newMS().vm("VM1", "vm-1", PowerOn).vm("VM2", "vm-1", PowerOff).s
	require.ErrorIs(t, s.Validate(), ErrInvalidSnapshot)
	assert.Equal(t, []*ValidationIssue{{Record: "logicalServer", ID: "VM2", Field: "vmId",
		Message: `logical server "VM2": VM "vm-1" already owned by logical server "VM1"`}}, s.Issues())
	assert.EqualError(t, s.Validate(), `matrixoe: invalid snapshot: logical server "VM2": VM "vm-1" already owned by logical server "VM1"`)
}

// The snapshot decoder never panics; a decoded snapshot re-encodes
// to a fixed point with the same Fingerprint, and Validate never panics.
func FuzzSnapshotJSON(f *testing.F) {
	f.Add([]byte(sections(map[string]string{"logicalServers": `{"a":{"id":"a","name":"x","kind":"vm","vmId":"v","activated":true,"managed":true}}`})))
	f.Add([]byte(sections(map[string]string{"ipAllocations": `{"::ffff:1.2.3.4":{"address":"::ffff:1.2.3.4","allocated":true}}`})))
	f.Add([]byte(sections(map[string]string{"storagePoolEntries": `{"S":{"id":"S","kind":"catalog","wwpns":["50:01:43:80:00:00:00:01"],"logicalServerId":"L"}}`})))
	f.Add([]byte(sections(map[string]string{"recoveryGroups": `{"RG":{"name":"RG","set":"A","enabled":false,"protectedLogicalServers":["x"]}}`, "ipAllocations": "null"})))
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

// nonZero sets v, a field of a record, to a value other than its zero
// value (and other than "x" for a string already "x").
func nonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		e := reflect.New(v.Type().Elem()).Elem()
		if e.Kind() == reflect.String {
			e.SetString("e")
		} else {
			e.SetUint(1)
		}
		v.Set(reflect.Append(v, e))
	case reflect.Struct: // netip.Addr
		v.Set(reflect.ValueOf(netip.MustParseAddr("192.0.2.7")))
	default:
		t.Fatalf("no non-zero value for %s", v.Type())
	}
}

// The canonical encoding sees every field of every record: changing any
// one changes the record's encoding, so Fingerprint, Equal and Diff notice
// it; a nil list and an empty one encode alike.
func TestCanonicalEncodingCoversEveryField(t *testing.T) {
	check := func(t *testing.T, zero any, rec func(*enc, reflect.Value)) {
		typ := reflect.TypeOf(zero)
		base := &enc{}
		rec(base, reflect.ValueOf(zero))
		for i := range typ.NumField() {
			t.Run(typ.Name()+"."+typ.Field(i).Name, func(t *testing.T) {
				v := reflect.New(typ).Elem()
				nonZero(t, v.Field(i))
				e := &enc{}
				rec(e, v)
				assert.NotEqual(t, base.b, e.b)
				if v.Field(i).Kind() == reflect.Slice {
					w := reflect.New(typ).Elem()
					w.Field(i).Set(reflect.MakeSlice(w.Field(i).Type(), 0, 0))
					e2 := &enc{}
					rec(e2, w)
					assert.Equal(t, base.b, e2.b, "empty list encodes as nil")
				}
			})
		}
	}
	check(t, LogicalServer{}, func(e *enc, v reflect.Value) { e.logicalServer(v.Interface().(LogicalServer)) })
	check(t, StoragePoolEntry{}, func(e *enc, v reflect.Value) { e.storagePoolEntry(v.Interface().(StoragePoolEntry)) })
	check(t, Service{}, func(e *enc, v reflect.Value) { e.service(v.Interface().(Service)) })
	check(t, Request{}, func(e *enc, v reflect.Value) { e.request(v.Interface().(Request)) })
	check(t, IPAllocation{}, func(e *enc, v reflect.Value) { e.ipAllocation(v.Interface().(IPAllocation)) })
	check(t, RecoveryGroup{}, func(e *enc, v reflect.Value) { e.recoveryGroup(v.Interface().(RecoveryGroup)) })
}

// editOneField returns a copy of s with one field of one random record
// changed, or a record added or removed.
func editOneField(t *testing.T, r *rand.Rand, s *Snapshot) *Snapshot {
	out := s.Clone()
	sections := []reflect.Value{
		reflect.ValueOf(out.LogicalServers), reflect.ValueOf(out.SPEs), reflect.ValueOf(out.Services),
		reflect.ValueOf(out.Requests), reflect.ValueOf(out.IPs), reflect.ValueOf(out.RecoveryGroups),
	}
	m := sections[r.IntN(len(sections))]
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	switch {
	case len(keys) == 0 || r.IntN(8) == 0: // add a zero record under a new key
		k := reflect.New(m.Type().Key()).Elem()
		if k.Kind() == reflect.String {
			k.SetString(fmt.Sprintf("new-%d", r.IntN(1000)))
		} else {
			k.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{192, 0, 2, byte(r.IntN(256))})))
		}
		m.SetMapIndex(k, reflect.New(m.Type().Elem()).Elem())
	case r.IntN(8) == 0:
		m.SetMapIndex(keys[r.IntN(len(keys))], reflect.Value{})
	default:
		k := keys[r.IntN(len(keys))]
		rec := reflect.New(m.Type().Elem()).Elem()
		rec.Set(m.MapIndex(k))
		nonZero(t, rec.Field(r.IntN(rec.NumField())))
		m.SetMapIndex(k, rec)
	}
	return out
}

// Equal, Fingerprint and Diff give one answer on random snapshots and
// their random edits, nil and empty snapshots included.
func TestEqualFingerprintAndDiffAgree(t *testing.T) {
	fingerprint := func(s *Snapshot) string {
		fp, err := s.Fingerprint()
		require.NoError(t, err)
		return fp
	}
	agree := func(t *testing.T, a, b *Snapshot, fa, fb, what string) bool {
		eq := a.Equal(b)
		d := Diff(a, b)
		return assert.Equal(t, eq, b.Equal(a), "%s: Equal is symmetric", what) &&
			assert.Equal(t, eq, fa == fb, "%s: Equal and Fingerprint", what) &&
			assert.Equal(t, eq, len(d) == 0, "%s: Equal and Diff %v", what, d) &&
			assert.Equal(t, len(d), len(Diff(b, a)), "%s: Diff both ways", what)
	}
	empties := []*Snapshot{nil, {}, NewSnapshot()}
	for _, a := range empties {
		for _, b := range empties {
			require.True(t, agree(t, a, b, fingerprint(a), fingerprint(b), "empties"))
			require.True(t, a.Equal(b))
		}
	}
	equalSeen, differentSeen := 0, 0
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 3))
		states := []*Snapshot{nil, randomEstate(t, seed).ms}
		for range 6 {
			states = append(states, editOneField(t, r, states[1+r.IntN(len(states)-1)]))
		}
		states = append(states, states[1].Clone()) // equal, other maps
		fps := make([]string, len(states))
		for i, s := range states {
			fps[i] = fingerprint(s)
		}
		for i, a := range states {
			for j, b := range states {
				if !agree(t, a, b, fps[i], fps[j], fmt.Sprintf("seed %d states %d, %d", seed, i, j)) {
					return
				}
				if a.Equal(b) {
					equalSeen++
				} else {
					differentSeen++
				}
			}
		}
	}
	assert.Positive(t, equalSeen)
	assert.Positive(t, differentSeen)
}

// A hostile snapshot — two servers listing the same 20,000 entries — is
// validated in bounded time, every problem found, a bounded error.
func TestValidateHostileSnapshotIsBounded(t *testing.T) {
	const n = 20000
	s := NewSnapshot()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("SPE%d", i)
		s.SPEs[ids[i]] = StoragePoolEntry{ID: ids[i], Kind: SPECatalog, LogicalServerID: "X"}
	}
	s.LogicalServers["A"] = LogicalServer{ID: "A", Name: "a", Kind: LSPhysicalVC, ProfileID: "PA", SPEIDs: ids}
	s.LogicalServers["X"] = LogicalServer{ID: "X", Name: "x", Kind: LSPhysicalVC, ProfileID: "PX", SPEIDs: ids}
	start := time.Now()
	err := s.Validate()
	assert.Less(t, time.Since(start), 2*time.Second)
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	assert.Less(t, len(err.Error()), 8192)
	assert.Contains(t, err.Error(), "more problems")
	issues := s.Issues()
	assert.Len(t, issues, 2*n, "A's list mismatches every entry's owner, and X lists each again")
	for _, is := range issues {
		if strings.Contains(is.Message, "does not list it") {
			t.Fatalf("X lists every entry: %s", is.Message)
		}
	}
}
