package matrixoe

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review: every change a power finding carries must apply. A live power
// state VMM cannot tell (unknown) is no evidence of a change; an
// unrecognised one is bad input, reported with the VM and the value.
func TestAnalyzeLSRefreshLivePowerOutsideOnOff(t *testing.T) {
	tests := []struct {
		name    string
		db      PowerState
		live    PowerState
		want    []Code
		wantErr string
	}{
		{name: "live unknown, on in DB: no evidence, nothing", db: PowerOn, live: PowerUnknown},
		{name: "live unknown, unknown in DB: nothing", db: PowerUnknown, live: PowerUnknown},
		{name: "live on, unknown in DB: record it", db: PowerUnknown, live: PowerOn, want: []Code{CodeLSPowerChanged}},
		{name: "live value outside the vocabulary: error naming VM and value", db: PowerOn, live: "suspended", wantErr: `VM "vm-1" (logical server "VM1") in power state "suspended"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := newMS().vm("VM1", "vm-1", tc.db).build(t)
			fs, err := AnalyzeLSRefresh(ms, vcemProfiles(), map[string]PowerState{"vm-1": tc.live})
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalid)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Nil(t, fs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, codes(fs))
			require.NoError(t, ApplyAll(ms, ChangesOf(fs)...), "every proposed change applies")
			again, err := AnalyzeLSRefresh(ms, vcemProfiles(), map[string]PowerState{"vm-1": tc.live})
			require.NoError(t, err)
			assert.Empty(t, again, "fixed point after applying")
		})
	}
}

// Review: a nil pointer where a snapshot, change, export or port is
// expected is an error naming what was nil, never a panic.
func TestNilInputsAreErrorsNotPanics(t *testing.T) {
	var nilSnap *Snapshot
	tests := []struct {
		name string
		call func() error
	}{
		{"Apply to a nil snapshot", func() error { return Apply(nilSnap, DropLS{LogicalServerID: "LS1"}) }},
		{"ApplyAll to a nil snapshot", func() error { return ApplyAll(nilSnap, DropLS{LogicalServerID: "LS1"}) }},
		{"Apply a typed nil change", func() error { return Apply(NewSnapshot(), (*DropLS)(nil)) }},
		{"ApplyAll with a typed nil change", func() error { return ApplyAll(NewSnapshot(), (*TerminateRequest)(nil)) }},
		{"MarshalChange of a typed nil change", func() error { _, err := MarshalChange((*ApplyRMExport)(nil)); return err }},
		{"Validate a nil snapshot", func() error { return nilSnap.Validate() }},
		{"AnalyzeIORequests of a nil snapshot", func() error { _, err := AnalyzeIORequests(nil); return err }},
		{"AnalyzeIOIPs of a nil snapshot", func() error { _, err := AnalyzeIOIPs(nil, nil); return err }},
		{"AnalyzeIOServices without a file", func() error { _, err := AnalyzeIOServices(NewSnapshot(), nil); return err }},
		{"FormatServicesFile of a nil snapshot", func() error { _, err := FormatServicesFile(nil); return err }},
		{"ParseServicesFile against a nil snapshot", func() error { _, err := ParseServicesFile([]byte("web\r\n"), nil); return err }},
		{"WriteServicesFile of a nil snapshot", func() error {
			return WriteServicesFile(t.Context(), ServicesFilePath(t.TempDir()), nil)
		}},
		{"PredictSPM on a nil catalog", func() error { _, err := PredictSPM(nil, DeleteVolumeFromSPM{VolumeID: "V1"}); return err }},
		{"ReadLive without a Live", func() error { _, err := ReadLive(t.Context(), nil, nil); return err }},
		{"Validate a nil RM export", func() error { var e *RMExport; return e.Validate() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "nil")
		})
	}
}

// Review: nil snapshots where a neutral answer exists.
func TestNilSnapshotNeutralAnswers(t *testing.T) {
	var nilSnap *Snapshot
	assert.Nil(t, nilSnap.Clone())
	s := newMS().vm("VM1", "vm-1", PowerOn).build(t)
	assert.Equal(t, []Difference{{Section: "logicalServers", Key: "VM1", Kind: DiffAdded}}, Diff(nil, s))
	assert.Equal(t, []Difference{{Section: "logicalServers", Key: "VM1", Kind: DiffRemoved}}, Diff(s, nil))
	var f *ServicesFile
	assert.Empty(t, f.Deleted())
}

// Review: a services file with many bad lines keeps every problem in
// Problems but spells out only MaxListedProblems in the message.
func TestServicesFileErrorMessageIsBounded(t *testing.T) {
	s := newMS().service("S1", "web").build(t)
	tests := []struct {
		name     string
		badLines int
		wantMore string
	}{
		{"few problems: all listed", 3, ""},
		{"exactly the limit: all listed", MaxListedProblems - 1, ""},
		{"many problems: the rest counted", 100000, "... and 99981 more"}, // 100000 bad + 1 missing - 20 listed
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Repeat("nope\r\n", tc.badLines)
			_, err := ParseServicesFile([]byte(data), s)
			var fe *ServicesFileError
			require.ErrorAs(t, err, &fe)
			assert.Len(t, fe.Problems, tc.badLines+1, "every bad line and the missing service")
			msg := err.Error()
			assert.Less(t, len(msg), 4096)
			assert.Contains(t, msg, "InfrastructureServices.txt:1: \"nope\"")
			if tc.wantMore == "" {
				assert.NotContains(t, msg, "more")
				assert.Equal(t, tc.badLines+1, strings.Count(msg, "InfrastructureServices.txt"))
			} else {
				assert.Contains(t, msg, tc.wantMore)
				assert.Equal(t, MaxListedProblems, strings.Count(msg, "InfrastructureServices.txt"))
			}
		})
	}
}

// Review: a live side reporting one address in both IPv4 and IPv4-mapped
// form yields one finding, and the phase's changes apply.
func TestAnalyzeIOIPsAddressInBothForms(t *testing.T) {
	a := addr(t, "10.0.0.7")
	mapped := addr(t, "::ffff:10.0.0.7")
	tests := []struct {
		name      string
		live      map[netip.Addr]string
		wantOwner string
	}{
		{"same owner in both forms", map[netip.Addr]string{a: "svc", mapped: "svc"}, "svc"},
		{"different owners: the IPv4 form's", map[netip.Addr]string{a: "v4", mapped: "mapped"}, "v4"},
		{"mapped form only", map[netip.Addr]string{mapped: "mapped"}, "mapped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := newMS().ip(a, "").build(t)
			fs, err := AnalyzeIOIPs(ms, tc.live)
			require.NoError(t, err)
			require.Len(t, fs, 1)
			assert.Equal(t, Changes{MarkIPAllocated{Address: a, Owner: tc.wantOwner}}, fs[0].Changes)
			require.NoError(t, ApplyAll(ms, ChangesOf(fs)...))
			again, err := AnalyzeIOIPs(ms, tc.live)
			require.NoError(t, err)
			assert.Empty(t, again)
		})
	}
}

// Review: two logical servers cannot be the same VM (the power refresh
// keys VMs by ID, so both would take one VM's state).
func TestValidateDuplicateVMID(t *testing.T) {
	s := newMS().vm("VM1", "vm-1", PowerOn).vm("VM2", "vm-1", PowerOff).s
	err := s.Validate()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{`logical server "VM2": VM "vm-1" already owned by logical server "VM1"`}, ve.Problems)
}

// Review: empty IDs inside an RM export are rejected with their index.
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

// Review: pins the INFER reading documented on rmConflicts — an export
// that moves a replication group from a replaced group to a group of
// another set is refused as a conflict, not imported.
func TestAnalyzeRMReplicationGroupMovedAcrossSets(t *testing.T) {
	ms := newMS().rg("RG-A", "SET-1").srg("RG-A", "SRG1").build(t)
	exp := export(
		RecoveryGroup{Name: "RG-A", Set: "SET-1", ReplicationGroups: []string{"SRG2"}, Enabled: true},
		RecoveryGroup{Name: "RG-B", Set: "SET-2", ReplicationGroups: []string{"SRG1"}, Enabled: true},
	)
	fs, err := AnalyzeRM(ms, exp)
	require.NoError(t, err)
	assert.Equal(t, []Code{CodeRMExportConflict}, codes(fs))
	assert.Contains(t, fs[0].Message, `storage replication group "SRG1" of recovery group "RG-B" (set "SET-2") is held by recovery group "RG-A" of set "SET-1"`)
	assert.ErrorIs(t, Apply(ms, ApplyRMExport{Export: *exp}), ErrConflict)
}

// Review (found by the random-estate test): a catalog volume that a carved
// SPE lists is in an SPE; lsmanalyzer must not propose adding it to another
// entry (AddVolumeToSPE would conflict and fail the whole phase).
func TestAnalyzeLSMAnalyzerVolumeInCarvedSPE(t *testing.T) {
	w1, w2 := wwn(t, "50:01:43:80:00:00:00:01"), wwn(t, "50:01:43:80:00:00:00:02")
	ms := newMS().spe("C1", SPECarved, []string{"V1"}, w1).spe("SPE2", SPECatalog, nil, w2).
		vc("LS1", "P1", true, "C1").vc("LS2", "P2", true, "SPE2").build(t)
	tests := []struct {
		name string
		to   []addrpool.WWN
	}{
		{"presented to another entry's WWPN", []addrpool.WWN{w2}},
		{"presented to its carved entry's WWPN", []addrpool.WWN{w1}},
		{"presented to an unknown WWPN", []addrpool.WWN{wwn(t, "50:01:43:80:00:00:00:09")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cur := newSPM().vol("V1", "", tc.to...).s
			fs, err := AnalyzeLSMAnalyzer(ms, newSPM().vol("V1", "").s, cur)
			require.NoError(t, err)
			assert.Empty(t, fs)
		})
	}
}

// Review: a hand-edited snapshot file's typos and repeated keys are
// errors naming section, key and field (encoding/json alone ignores the
// first and keeps the last of the second).
func TestSnapshotJSONRejectsTyposAndDuplicates(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"unknown field in a record", `{"logicalServers":{"LS1":{"id":"LS1","name":"x","kind":"vm","vmId":"v","activted":true}}}`,
			[]string{`logicalServers: "LS1"`, `unknown field "activted"`}},
		{"unknown section", `{"logicalServer":{}}`, []string{`unknown field "logicalServer"`}},
		{"key twice", `{"services":{"S1":{"id":"S1","name":"a"},"S1":{"id":"S1","name":"b"}}}`,
			[]string{`services: key "S1" appears twice`}},
		{"address key twice in two spellings", `{"ipAllocations":{"10.0.0.1":{"address":"10.0.0.1"},"10.0.0.01":{"address":"10.0.0.1"}}}`,
			[]string{`ipAllocations: key "10.0.0.01"`}},
		{"bad address key", `{"ipAllocations":{"nope":{}}}`, []string{`ipAllocations: key "nope"`}},
		{"section not an object", `{"requests":[]}`, []string{`requests: want an object keyed by ID`}},
		{"every problem reported", `{"services":{"S1":{"x":1}},"requests":{"R1":{"y":2}}}`,
			[]string{`services: "S1"`, `requests: "R1"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSnapshot()
			s.Services["KEEP"] = Service{ID: "KEEP", Name: "keep"}
			err := json.Unmarshal([]byte(tc.in), s)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Contains(t, s.Services, "KEEP", "on error the snapshot is unchanged")
		})
	}
}

func TestSnapshotJSONAcceptsWhatMarshalWrites(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"null", `null`},
		{"empty object", `{}`},
		{"null sections", `{"logicalServers":null,"ipAllocations":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Snapshot
			require.NoError(t, json.Unmarshal([]byte(tc.in), &s))
			assert.NotNil(t, s.LogicalServers)
			assert.NotNil(t, s.IPs)
			assert.Empty(t, Diff(&s, NewSnapshot()))
		})
	}
	e := sampleEstate(t)
	b, err := json.Marshal(e.ms)
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Empty(t, Diff(e.ms, &back))
}
