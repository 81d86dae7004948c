package resync

import (
	"context"
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/spm"
)

// Finding codes of the initial service check (resync's own; mxsync prints a
// recommendation here, BR70 p38, whose wording is not published).
const (
	// CodeServiceMustStop: a service that should not run during the resync
	// is running (change: StopService).
	CodeServiceMustStop = "SVC-SERVICE-MUST-STOP"
	// CodeServiceMustStart: a service the resync depends on is not running
	// (change: StartService).
	CodeServiceMustStart = "SVC-SERVICE-MUST-START"
	// CodeServiceNotInstalled: a service of the policy is not installed on
	// this CMS (nothing to do: the product it belongs to is not used).
	CodeServiceNotInstalled = "SVC-SERVICE-NOT-INSTALLED"
	// CodeServicePaused: a service is paused; a person must continue or stop
	// it (manual).
	CodeServicePaused = "SVC-SERVICE-PAUSED"
)

// ServiceStatus is one service's state as the check read it.
type ServiceStatus struct {
	Name      string           `json:"name"`
	Installed bool             `json:"installed"`
	State     spm.ServiceState `json:"state,omitempty"`
}

// readServices reads the state of every service of the policy.
func readServices(ctx context.Context, sc spm.ServiceControl, policy []ServicePolicy) ([]ServiceStatus, error) {
	out := make([]ServiceStatus, 0, len(policy))
	for _, p := range policy {
		st, err := sc.Status(ctx, p.Name)
		switch {
		case errors.Is(err, spm.ErrServiceNotFound):
			out = append(out, ServiceStatus{Name: p.Name})
		case err != nil:
			return nil, fmt.Errorf("resync: services: status of %q: %w", p.Name, err)
		default:
			out = append(out, ServiceStatus{Name: p.Name, Installed: true, State: st})
		}
	}
	return out, nil
}

// analyzeServices is the initial check: pure, on what readServices read.
func analyzeServices(phase PhaseID, policy []ServicePolicy, status []ServiceStatus) []Finding {
	var out []Finding
	for i, p := range policy {
		st := status[i]
		subject := fmt.Sprintf("service %q", p.Name)
		f := Finding{Phase: phase, Subject: subject}
		switch {
		case !st.Installed:
			f.Code, f.Severity = CodeServiceNotInstalled, SeverityInfo
			f.Message = "not installed on this CMS; nothing to do"
		case st.State == spm.ServicePaused:
			f.Code, f.Severity, f.Blocking = CodeServicePaused, SeverityWarning, true
			f.Message = fmt.Sprintf("paused; it should be %s during the resync: %s", want(p.Want), p.Why)
			f.Manual = fmt.Sprintf("continue or stop the service %q, then analyse again", p.Name)
		case p.Want == spm.ServiceStopped && st.State != spm.ServiceStopped:
			f.Code, f.Severity = CodeServiceMustStop, SeverityWarning
			f.Message = fmt.Sprintf("%s; it should not run during the resync: %s", st.State, p.Why)
			f.Changes = Changes{StopService{Name: p.Name}}
		case p.Want == spm.ServiceRunning && st.State != spm.ServiceRunning:
			f.Code, f.Severity = CodeServiceMustStart, SeverityWarning
			f.Message = fmt.Sprintf("%s; the resync depends on it: %s", st.State, p.Why)
			f.Changes = Changes{StartService{Name: p.Name}}
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

func want(s spm.ServiceState) string {
	if s == spm.ServiceRunning {
		return "running"
	}
	return "stopped"
}
