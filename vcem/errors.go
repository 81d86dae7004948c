package vcem

import "errors"

// Sentinel errors shared by the vcem adapters, the vcemtest fakes and Apply.
// Returned errors wrap them and name the domain, profile, job or address.
var (
	// ErrUnknownProfile: a change or call names a profile the snapshot or
	// domain does not hold.
	ErrUnknownProfile = errors.New("unknown profile")
	// ErrUnknownDomain: a call names a domain that does not exist.
	ErrUnknownDomain = errors.New("unknown domain")
	// ErrDomainInaccessible: VCEM cannot reach the domain (for example it was
	// added to or removed from a VC Domain Group after the backup); read it
	// with credentials instead.
	ErrDomainInaccessible = errors.New("VC domain is inaccessible to VCEM")
	// ErrCredentialsRejected: the VC Manager refused the supplied credentials.
	ErrCredentialsRejected = errors.New("credentials rejected")
	// ErrInMaintenance: the domain is already in VCEM maintenance.
	ErrInMaintenance = errors.New("VC domain is already in maintenance")
	// ErrNotInMaintenance: the call needs the domain in VCEM maintenance.
	ErrNotInMaintenance = errors.New("VC domain is not in maintenance")
	// ErrJobRunning: a job of the domain is still running.
	ErrJobRunning = errors.New("a VCEM job of the domain is still running")
	// ErrUnknownJob: no job has that ID.
	ErrUnknownJob = errors.New("unknown VCEM job")
	// ErrNoPool: the snapshot has no pool for the address family.
	ErrNoPool = errors.New("snapshot has no pool for this address family")
	// ErrUnknownChange: a change value or JSON kind vcem does not know.
	ErrUnknownChange = errors.New("unknown change kind")
	// ErrInvalidSnapshot is wrapped by every [ValidationIssue].
	ErrInvalidSnapshot = errors.New("invalid VCEM snapshot")
	// ErrLeftInMaintenance is wrapped by a resync's cleanup error when
	// cancelling maintenance failed: the domain MAY still be in maintenance.
	ErrLeftInMaintenance = errors.New("VC domain may be left in maintenance")
	// ErrInvalidLive is wrapped by errors about malformed live domain reads.
	ErrInvalidLive = errors.New("invalid live domain data")
)

var errRedactedPassword = errors.New("vcem: credentials JSON holds a redacted password, not a real one")
