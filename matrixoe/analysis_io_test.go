package matrixoe

import (
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
			assert.Equal(t, Changes{TerminateRequest{RequestID: "R1"}}, fs[0].Changes)
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

func TestAnalyzeIOServices(t *testing.T) {
	ms := newMS().vc("LS1", "P1", true).service("S1", "web", "LS1").service("S2", "db").service("S3", "batch").build(t)
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
			fs, err := AnalyzeIOServices(ms, f)
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
