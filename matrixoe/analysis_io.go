package matrixoe

import (
	"errors"
	"fmt"
	"net/netip"
)

// AnalyzeIORequests is IO phase 1: every request still unfinished at backup
// (scheduled, pending approval, in progress, paused — see [RequestState])
// must be terminated, or the IO service could re-run a request that already
// completed after the backup. One finding per request, in ID order: the list
// mxsync shows during analysis. A nil snapshot is an error.
func AnalyzeIORequests(ms *Snapshot) ([]Finding, error) {
	if ms == nil {
		return nil, errors.New("matrixoe: AnalyzeIORequests: nil snapshot")
	}
	var out []Finding
	for _, id := range sortedKeys(ms.Requests) {
		r := ms.Requests[id]
		if !r.State.Unfinished() {
			continue
		}
		out = append(out, Finding{
			Code: CodeRequestUnfinished, Severity: SeverityWarning,
			Subject: Subject{RequestID: id, ServiceID: r.ServiceID},
			Message: fmt.Sprintf("IO request %q (%s) was %s at backup; terminate it so IO does not run it again", r.Name, id, r.State),
			Changes: Changes{TerminateRequest{RequestID: id}},
		})
	}
	return out, nil
}

// AnalyzeIOServices is IO phase 2: each service the operator marked deleted
// in InfrastructureServices.txt has its definition removed. A marked name
// that ms no longer holds is taken as already removed (so re-analysis after
// execution is clean); names were checked against the snapshot when the
// file was read.
func AnalyzeIOServices(ms *Snapshot, file *ServicesFile) ([]Finding, error) {
	if ms == nil || file == nil {
		return nil, errors.New("matrixoe: AnalyzeIOServices: nil input")
	}
	byName := make(map[string]Service, len(ms.Services))
	for _, sv := range ms.Services {
		byName[sv.Name] = sv
	}
	var out []Finding
	for _, name := range file.Deleted() {
		sv, ok := byName[name]
		if !ok {
			continue
		}
		out = append(out, Finding{
			Code: CodeServiceDeleted, Severity: SeverityWarning,
			Subject: Subject{ServiceID: sv.ID},
			Message: fmt.Sprintf("IO service %q (%s) was deleted after the backup (marked in %s); remove its definition", sv.Name, sv.ID, ServicesFileName),
			Changes: Changes{RemoveServiceDefinition{ServiceID: sv.ID, Name: sv.Name}},
		})
	}
	return out, nil
}

// AnalyzeIOIPs is IO phase 3: an address of the IO IP pools that is in use
// live (live maps address → owner as reported) but free in ms was allocated
// after the backup; mark it allocated. Live addresses outside the IO pools
// are not IO's and are ignored. An IPv4-mapped IPv6 live address
// (::ffff:10.0.0.1) matches its IPv4 form; when live reports an address in
// both forms, the IPv4 form's owner is used and one finding is made (two
// MarkIPAllocated with different owners could not both apply). A nil
// snapshot is an error.
func AnalyzeIOIPs(ms *Snapshot, live map[netip.Addr]string) ([]Finding, error) {
	if ms == nil {
		return nil, errors.New("matrixoe: AnalyzeIOIPs: nil snapshot")
	}
	var out []Finding
	done := map[netip.Addr]bool{}
	for _, live4in6 := range sortedAddrs(live) { // IPv4 sorts before ::ffff:
		a := live4in6.Unmap() // the database keys IPv4 addresses in IPv4 form
		ip, ok := ms.IPs[a]
		if !ok || ip.Allocated || done[a] {
			continue
		}
		done[a] = true
		out = append(out, Finding{
			Code: CodeIPAllocatedLive, Severity: SeverityWarning,
			Subject: Subject{Address: a},
			Message: fmt.Sprintf("IP address %s is in use live (by %q) but free in the IO database (allocated after the backup); mark it allocated", a, live[live4in6]),
			Changes: Changes{MarkIPAllocated{Address: a, Owner: live[live4in6]}},
		})
	}
	return out, nil
}
