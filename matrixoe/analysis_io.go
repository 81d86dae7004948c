package matrixoe

import (
	"fmt"
	"net/netip"
)

// AnalyzeIORequests is IO phase 1: every request still unfinished at backup
// (scheduled, pending approval, in progress, paused in the default
// [RequestStates]; [WithRequestStates] gives another vocabulary) must be
// terminated, or the IO service could re-run a request that already
// completed after the backup. One finding per request, in ID order: the list
// mxsync shows during analysis. Each TerminateRequest carries the state
// found and the terminated state. A request in a state the vocabulary does
// not know, an invalid vocabulary and a nil snapshot are errors wrapping
// [ErrInvalid].
func AnalyzeIORequests(ms *Snapshot, opts ...AnalysisOption) ([]Finding, error) {
	if ms == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeIORequests: nil snapshot: %w", ErrInvalid)
	}
	rs := assumptions(opts).RequestStates
	if err := rs.Validate(); err != nil {
		return nil, err
	}
	var out []Finding
	for _, id := range sortedKeys(ms.Requests) {
		r := ms.Requests[id]
		if !rs.Known(r.State) {
			return nil, fmt.Errorf("matrixoe: AnalyzeIORequests: request %s is in state %s, which the request states do not know: %w", q(id), q(string(r.State)), ErrInvalid)
		}
		if !rs.IsUnfinished(r.State) {
			continue
		}
		out = append(out, Finding{
			Code: CodeRequestUnfinished, Severity: SeverityWarning,
			Subject: Subject{RequestID: id, ServiceID: r.ServiceID},
			Message: fmt.Sprintf("IO request %s (%s) was %s at backup; terminate it so IO does not run it again", q(r.Name), short(id), r.State),
			Changes: Changes{TerminateRequest{RequestID: id, From: r.State, To: rs.Terminated}},
		})
	}
	return out, nil
}

// AnalyzeIOServices is IO phase 2. ms is the state the phase analyses (the
// restored snapshot with the earlier phases' changes applied); file is
// InfrastructureServices.txt as the operator marked it; vmPower is what VMM
// reports now, by VM ID (LiveState.VMPower; the input AnalyzeLSRefresh
// takes).
//
//   - each service the operator marked deleted has its definition removed
//     (IO-SERVICE-DELETED). A marked name that ms no longer holds is taken as
//     already removed (so re-analysis after execution is clean); names were
//     checked against the snapshot when the file was read.
//   - beyond mxsync (ours; [WithProbablyDeletedServices](false) turns it
//     off): an unmarked service none of whose logical servers exists any
//     more is reported as probably deleted after the backup, so an operator
//     who forgot to mark it sees it — mxsync leaves it silently (BR70 p42)
//     (IO-SERVICE-PROBABLY-DELETED, manual: mark it and analyse again, or
//     acknowledge). A VM-based server no longer exists when VMM does not
//     report its VM; a VC-based one when storage phase 2 dropped it (its
//     VCEM profile is gone from the predicted VCEM database), which leaves
//     the service listing no server. So a service listing no logical server
//     at all is reported too (at backup it held none, or every one was
//     dropped). A VC-based server whose profile was deleted live but is
//     still in the predicted VCEM database counts as existing: VCEM's resync
//     is not predicted to remove it (vcem's assumptions.go).
//
// Findings are in service name order, deleted ones first. A nil snapshot or
// file is an error wrapping [ErrInvalid].
func AnalyzeIOServices(ms *Snapshot, file *ServicesFile, vmPower map[string]PowerState, opts ...AnalysisOption) ([]Finding, error) {
	if ms == nil || file == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeIOServices: nil snapshot or services file: %w", ErrInvalid)
	}
	a := assumptions(opts)
	byName := make(map[string]Service, len(ms.Services))
	for _, sv := range ms.Services {
		byName[sv.Name] = sv
	}
	var out []Finding
	marked := map[string]bool{}
	for _, name := range file.Deleted() {
		marked[name] = true
		sv, ok := byName[name]
		if !ok {
			continue
		}
		out = append(out, Finding{
			Code: CodeServiceDeleted, Severity: SeverityWarning,
			Subject: Subject{ServiceID: sv.ID},
			Message: fmt.Sprintf("IO service %s (%s) was deleted after the backup (marked in %s); remove its definition", q(sv.Name), short(sv.ID), ServicesFileName),
			Changes: Changes{RemoveServiceDefinition{ServiceID: sv.ID, Name: sv.Name}},
		})
	}
	if !a.ProbablyDeletedServices {
		return out, nil
	}
	for _, name := range sortedKeys(byName) {
		if marked[name] {
			continue
		}
		sv := byName[name]
		gone, alive := goneServers(ms, sv, vmPower)
		if alive {
			continue
		}
		why := "it lists no logical server (none at backup, or every one dropped by storage phase 2: its VCEM profile is gone)"
		if len(gone) > 0 {
			why = "none of its logical servers exists any more: " + joinBounded(gone, ", ", maxDetail)
		}
		out = append(out, Finding{
			Code: CodeServiceProbablyDeleted, Severity: SeverityWarning,
			Subject: Subject{ServiceID: sv.ID},
			Message: fmt.Sprintf("IO service %s (%s) was probably deleted after the backup, yet it is not marked in %s: %s", q(sv.Name), short(sv.ID), ServicesFileName, why),
			Manual:  fmt.Sprintf("if service %s was deleted after the backup, mark it with '*' in %s and analyse IO phase 2 again; otherwise acknowledge this finding", q(sv.Name), ServicesFileName),
		})
	}
	return out, nil
}

// goneServers describes the logical servers of sv that no longer exist and
// says whether any still does.
func goneServers(ms *Snapshot, sv Service, vmPower map[string]PowerState) (gone []string, alive bool) {
	for _, id := range sv.LogicalServerIDs {
		ls, ok := ms.LogicalServers[id]
		switch {
		case !ok:
			gone = append(gone, "logical server "+q(id)+" (no longer in the database)")
		case ls.Kind == LSVirtual:
			if _, reported := vmPower[ls.VMID]; reported {
				return nil, true
			}
			gone = append(gone, "logical server "+q(id)+" (VM "+q(ls.VMID)+" not reported by VMM)")
		default:
			return nil, true
		}
	}
	return gone, false
}

// AnalyzeIOIPs is IO phase 3: an address of the IO IP pools that is in use
// live (live maps address → owner as reported) but free in ms was allocated
// after the backup; mark it allocated. Live addresses outside the IO pools
// are not IO's and are ignored. An IPv4-mapped IPv6 live address
// (::ffff:10.0.0.1) matches its IPv4 form; when live reports an address in
// both forms, the IPv4 form's owner is used and one finding is made (two
// MarkIPAllocated with different owners could not both apply). A nil
// snapshot is an error. It takes AnalysisOptions like every analysis, and
// uses none.
func AnalyzeIOIPs(ms *Snapshot, live map[netip.Addr]string, _ ...AnalysisOption) ([]Finding, error) {
	if ms == nil {
		return nil, fmt.Errorf("matrixoe: AnalyzeIOIPs: nil snapshot: %w", ErrInvalid)
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
			Message: fmt.Sprintf("IP address %s is in use live (by %s) but free in the IO database (allocated after the backup); mark it allocated", short(a.String()), q(live[live4in6])),
			Changes: Changes{MarkIPAllocated{Address: a, Owner: live[live4in6]}},
		})
	}
	return out, nil
}
