package matrixoe

// RequestState is the state of an IO request.
//
// This file is the one place that holds the request-state vocabulary and
// which states IO phase 1 terminates. The spellings are ours (IO's own
// strings were not found). Scheduled, pending approval and in progress are
// FOUND as the states mxsync terminates (BR70 p42); paused is INFER, from the
// 7.3 Data Migration Tool paper's quiescing list ("in-progress, paused or
// scheduled"), unverified as part of mxsync's list.
type RequestState string

// IO request states.
const (
	RequestScheduled       RequestState = "scheduled"
	RequestPendingApproval RequestState = "pending-approval"
	RequestInProgress      RequestState = "in-progress"
	RequestPaused          RequestState = "paused" // INFER: unverified as an mxsync phase-1 state
	RequestCompleted       RequestState = "completed"
	RequestFailed          RequestState = "failed"
	RequestCancelled       RequestState = "cancelled"
)

// requestStates lists every known state and whether IO phase 1 terminates a
// request found in it. Terminating is recorded as RequestCancelled (INFER:
// IO's name for a terminated request was not found).
func requestStates() map[RequestState]bool {
	return map[RequestState]bool{
		RequestScheduled:       true,
		RequestPendingApproval: true,
		RequestInProgress:      true,
		RequestPaused:          true, // INFER
		RequestCompleted:       false,
		RequestFailed:          false,
		RequestCancelled:       false,
	}
}

// terminatedState is the state TerminateRequest leaves a request in (INFER).
const terminatedState = RequestCancelled

// Valid reports whether s is a known request state.
func (s RequestState) Valid() bool {
	_, ok := requestStates()[s]
	return ok
}

// Unfinished reports whether a request in state s was still open at backup,
// so that IO phase 1 must terminate it; otherwise the IO service could re-run
// it after the restore.
func (s RequestState) Unfinished() bool { return requestStates()[s] }
