package vcem

import "context"

// RestoredStore is the restored VCEM database of the section, the same
// port in vcem, spm and matrixoe: one change per call, so that the engine
// writes one journal record per call and can resume after any of them.
// Apply must have the meaning of [Apply] on the store's snapshot
// (idempotent where Apply is, the same sentinels) and be atomic per change.
type RestoredStore interface {
	// Snapshot reads the whole restored database.
	Snapshot(ctx context.Context) (*Snapshot, error)
	// Apply applies one change, atomically.
	Apply(ctx context.Context, c Change) error
}

// Live reads what the VC domains hold now.
type Live interface {
	// ListDomains returns the domains VCEM (running on the restored
	// database) manages.
	ListDomains(ctx context.Context) ([]DomainRef, error)
	// ReadDomain reads a managed domain through VCEM. A domain VCEM cannot
	// reach is an error wrapping [ErrDomainInaccessible].
	ReadDomain(ctx context.Context, domainID string) (LiveDomain, error)
	// ReadDomainWithCredentials reads a domain directly from its VC Manager
	// with caller-supplied credentials; the result has ViaCredentials set
	// and Domain.ID = target.ID. Rejected credentials wrap
	// [ErrCredentialsRejected]; errors never contain the password.
	ReadDomainWithCredentials(ctx context.Context, target DomainTarget, creds Credentials) (LiveDomain, error)
}

// Job is a VCEM job as the SDK sees it.
type Job struct {
	ID       string   `json:"id"`
	DomainID string   `json:"domainId"`
	State    JobState `json:"state"`
	Message  string   `json:"message,omitempty"`
}

// Manager drives VCEM's per-domain operations. Every call is one request;
// [ResyncDomains] combines them so that no domain is left in maintenance.
type Manager interface {
	// StartMaintenance puts a domain into VCEM maintenance (VCEMCLI
	// -startvcdmaint). A domain already in maintenance wraps
	// [ErrInMaintenance]; [ResyncDomain] then leaves it alone. Adapters
	// must not retry this request: a retry of one that took effect would
	// answer ErrInMaintenance and the domain would stay in maintenance.
	StartMaintenance(ctx context.Context, domainID string) error
	// CheckInSync reports whether a domain in maintenance agrees with VCEM.
	CheckInSync(ctx context.Context, domainID string) (bool, error)
	// CompleteMaintenance ends maintenance keeping the result
	// (-completevcdmaint).
	CompleteMaintenance(ctx context.Context, domainID string) error
	// CancelMaintenance ends maintenance discarding it (-cancelvcdmaint).
	// Cancelling a domain not in maintenance wraps [ErrNotInMaintenance].
	CancelMaintenance(ctx context.Context, domainID string) error
	// Resync asks VCEM to resynchronise a domain in maintenance and returns
	// the job ID.
	Resync(ctx context.Context, domainID string) (string, error)
	// Job reads a job's current state.
	Job(ctx context.Context, jobID string) (Job, error)
	// WaitJob returns once the job is in a terminal state, or ctx ends.
	WaitJob(ctx context.Context, jobID string) (Job, error)
}
