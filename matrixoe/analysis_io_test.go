package matrixoe

import (
	"bytes"
	"maps"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyzeIORequests(t *testing.T) {
	tests := []struct {
		state     RequestState
		terminate bool
	}{
		{RequestScheduled, true},
		{RequestPendingApproval, true},
		{RequestInProgress, true},
		{RequestPaused, true},
		{RequestCompleted, false},
		{RequestFailed, false},
		{RequestCancelled, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.state), func(t *testing.T) {
			ms := newMS().service("S1", "web").request("R1", "S1", tc.state).build(t)
			fs, err := AnalyzeIORequests(ms)
			require.NoError(t, err)
			checkFindings(t, fs)
			if !tc.terminate {
				assert.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			assert.Equal(t, CodeRequestUnfinished, fs[0].Code)
			assert.Equal(t, Subject{RequestID: "R1", ServiceID: "S1"}, fs[0].Subject)
			assert.Contains(t, fs[0].Message, string(tc.state))
			assert.Equal(t, Changes{TerminateRequest{RequestID: "R1", From: tc.state, To: RequestCancelled}}, fs[0].Changes)
		})
	}
}

func TestAnalyzeIORequestsListsAllInIDOrder(t *testing.T) {
	ms := newMS().service("S1", "web").
		request("R3", "S1", RequestInProgress).request("R1", "", RequestScheduled).
		request("R2", "S1", RequestCompleted).request("R4", "S1", RequestPendingApproval).build(t)
	fs, err := AnalyzeIORequests(ms)
	require.NoError(t, err)
	checkFindings(t, fs)
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Subject.RequestID)
	}
	assert.Equal(t, []string{"R1", "R3", "R4"}, ids)
}

// ioServices is an IO database of three services: web on a VC-based
// server, db on one VM, batch on two VMs.
func ioServices(t *testing.T) *Snapshot {
	return newMS().vc("LS1", "P1", true).vm("VMdb", "vm-db", PowerOn).vm("VMb1", "vm-b1", PowerOn).vm("VMb2", "vm-b2", PowerOn).
		service("S1", "web", "LS1").service("S2", "db", "VMdb").service("S3", "batch", "VMb1", "VMb2").build(t)
}

var allVMs = map[string]PowerState{"vm-db": PowerOn, "vm-b1": PowerOn, "vm-b2": PowerOff}

func TestAnalyzeIOServices(t *testing.T) {
	ms := ioServices(t)
	tests := []struct {
		name string
		file string
		want []string // service IDs removed
	}{
		{"nothing marked", "batch\r\ndb\r\nweb\r\n", nil},
		{"one marked", "batch\r\n*db\r\nweb\r\n", []string{"S2"}},
		{"two marked, in name order", "* web\r\n*batch\r\ndb\r\n", []string{"S3", "S1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseServicesFile([]byte(tc.file), ms)
			require.NoError(t, err)
			fs, err := AnalyzeIOServices(ms, f, allVMs)
			require.NoError(t, err)
			checkFindings(t, fs)
			var got []string
			for _, fd := range fs {
				assert.Equal(t, CodeServiceDeleted, fd.Code)
				require.Len(t, fd.Changes, 1)
				got = append(got, fd.Changes[0].(RemoveServiceDefinition).ServiceID)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// Beyond mxsync: an unmarked service none of whose logical servers exists
// any more is reported as probably deleted (manual), never one the operator
// marked, and never one with a server left.
func TestAnalyzeIOServicesProbablyDeleted(t *testing.T) {
	without := func(vms ...string) map[string]PowerState {
		out := maps.Clone(allVMs)
		for _, v := range vms {
			delete(out, v)
		}
		return out
	}
	tests := []struct {
		name    string
		setup   []Change // applied first: what the earlier phases do
		file    string
		vms     map[string]PowerState
		opts    []AnalysisOption
		want    []Code
		subject []string // service IDs of the findings
		message string   // in the first probably-deleted finding
	}{
		{name: "every server still there", file: "batch\r\ndb\r\nweb\r\n", vms: allVMs},
		{name: "db's VM gone, db not marked", file: "batch\r\ndb\r\nweb\r\n", vms: without("vm-db"),
			want: []Code{CodeServiceProbablyDeleted}, subject: []string{"S2"}, message: `logical server "VMdb" (VM "vm-db" not reported by VMM)`},
		{name: "db's VM gone, db marked: deleted, not probably", file: "batch\r\n*db\r\nweb\r\n", vms: without("vm-db"),
			want: []Code{CodeServiceDeleted}, subject: []string{"S2"}},
		{name: "one of batch's VMs gone: a server left", file: "batch\r\ndb\r\nweb\r\n", vms: without("vm-b1")},
		{name: "both of batch's VMs gone", file: "batch\r\ndb\r\nweb\r\n", vms: without("vm-b1", "vm-b2"),
			want: []Code{CodeServiceProbablyDeleted}, subject: []string{"S3"}, message: `"VMb1"`},
		{name: "VMM reports nothing: every VM service, not the VC one", file: "batch\r\ndb\r\nweb\r\n", vms: nil,
			want: []Code{CodeServiceProbablyDeleted, CodeServiceProbablyDeleted}, subject: []string{"S3", "S2"}},
		{name: "web's server dropped by storage phase 2: web lists none", setup: []Change{DropLS{LogicalServerID: "LS1"}},
			file: "batch\r\ndb\r\nweb\r\n", vms: allVMs,
			want: []Code{CodeServiceProbablyDeleted}, subject: []string{"S1"}, message: "lists no logical server"},
		{name: "marked and probably deleted, each once", setup: []Change{DropLS{LogicalServerID: "LS1"}},
			file: "batch\r\n*db\r\nweb\r\n", vms: without("vm-db"),
			want: []Code{CodeServiceDeleted, CodeServiceProbablyDeleted}, subject: []string{"S2", "S1"}},
		{name: "turned off: mxsync's behaviour", file: "batch\r\ndb\r\nweb\r\n", vms: nil, opts: []AnalysisOption{WithProbablyDeletedServices(false)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			restored := ioServices(t)
			f, err := ParseServicesFile([]byte(tc.file), restored)
			require.NoError(t, err)
			ms := restored.Clone()
			require.NoError(t, ApplyAll(ms, tc.setup...))
			fs, err := AnalyzeIOServices(ms, f, tc.vms, tc.opts...)
			require.NoError(t, err)
			checkFindings(t, fs)
			assert.Equal(t, tc.want, codes(fs))
			var subjects []string
			for _, fd := range fs {
				subjects = append(subjects, fd.Subject.ServiceID)
				if fd.Code == CodeServiceProbablyDeleted {
					assert.Empty(t, fd.Changes, "a human decides")
					assert.True(t, fd.Blocking())
					assert.Contains(t, fd.Manual, "mark it with '*' in InfrastructureServices.txt")
					if tc.message != "" {
						assert.Contains(t, fd.Message, tc.message)
						tc.message = ""
					}
				}
			}
			assert.Equal(t, tc.subject, subjects)
		})
	}
}

// The operator who marks a probably deleted service and analyses again gets
// its removal; after it, nothing is left.
func TestAnalyzeIOServicesProbablyDeletedThenMarked(t *testing.T) {
	ms := ioServices(t)
	vms := map[string]PowerState{"vm-b1": PowerOn, "vm-b2": PowerOn}
	data, err := FormatServicesFile(ms)
	require.NoError(t, err)
	f, err := ParseServicesFile(data, ms)
	require.NoError(t, err)
	fs, err := AnalyzeIOServices(ms, f, vms)
	require.NoError(t, err)
	require.Equal(t, []Code{CodeServiceProbablyDeleted}, codes(fs))

	marked, err := ParseServicesFile(bytes.Replace(data, []byte("db\r\n"), []byte("*db\r\n"), 1), ms)
	require.NoError(t, err)
	fs, err = AnalyzeIOServices(ms, marked, vms)
	require.NoError(t, err)
	require.Equal(t, []Code{CodeServiceDeleted}, codes(fs))
	require.NoError(t, ApplyAll(ms, ChangesOf(fs)...))
	fs, err = AnalyzeIOServices(ms, marked, vms)
	require.NoError(t, err)
	assert.Empty(t, fs)
}

func TestAnalyzeIOIPs(t *testing.T) {
	a1, a2, a3, out := addr(t, "10.0.0.1"), addr(t, "10.0.0.2"), addr(t, "10.0.0.3"), addr(t, "192.168.9.9")
	ms := newMS().service("S1", "web").ip(a1, "S1").ip(a2, "").ip(a3, "").build(t)
	tests := []struct {
		name string
		live map[netip.Addr]string
		want []Change
	}{
		{"nothing new", map[netip.Addr]string{a1: "web"}, nil},
		{"allocated after backup", map[netip.Addr]string{a1: "web", a3: "new-svc", a2: "other"},
			[]Change{MarkIPAllocated{Address: a2, Owner: "other"}, MarkIPAllocated{Address: a3, Owner: "new-svc"}}},
		{"IPv4-mapped live address matches", map[netip.Addr]string{netip.AddrFrom16(a2.As16()): "v6-report"},
			[]Change{MarkIPAllocated{Address: a2, Owner: "v6-report"}}},
		{"address outside the IO pools is ignored", map[netip.Addr]string{out: "x"}, nil},
		{"freed live but allocated in DB is not IO phase 3's business", map[netip.Addr]string{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := AnalyzeIOIPs(ms, tc.live)
			require.NoError(t, err)
			checkFindings(t, fs)
			assert.Equal(t, tc.want, []Change(ChangesOf(fs)))
			for _, f := range fs {
				assert.Equal(t, CodeIPAllocatedLive, f.Code)
				assert.True(t, f.Subject.Address.IsValid())
			}
		})
	}
}

// A live side reporting one address in both IPv4 and IPv4-mapped
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
			checkFindings(t, fs)
			require.Len(t, fs, 1)
			assert.Equal(t, Changes{MarkIPAllocated{Address: a, Owner: tc.wantOwner}}, fs[0].Changes)
			require.NoError(t, ApplyAll(ms, ChangesOf(fs)...))
			again, err := AnalyzeIOIPs(ms, tc.live)
			require.NoError(t, err)
			checkFindings(t, again)
			assert.Empty(t, again)
		})
	}
}
