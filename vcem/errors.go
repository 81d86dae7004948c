package vcem

import (
	"errors"
	"fmt"
)

// The general sentinels, one contract for vcem, spm and matrixoe: every
// error of [Apply] and [ApplyAll] wraps exactly one of ErrNotFound,
// ErrConflict, ErrInvalid and ErrUnknownChange, so an engine can decide what
// to do without knowing the package; the specific sentinels below wrap one
// of them.
var (
	// ErrNotFound: the change's target (a profile, an address of a pool)
	// does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the state forbids the change (for example marking
	// External an address In use).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a malformed change or input value (a nil snapshot, an
	// empty profile ID, a JSON field of the wrong type).
	ErrInvalid = errors.New("invalid")
	// ErrUnknownChange: a change value or JSON kind vcem does not know.
	ErrUnknownChange = errors.New("unknown change kind")
	// ErrInvalidSnapshot is wrapped by every [ValidationIssue].
	ErrInvalidSnapshot = errors.New("invalid VCEM snapshot")
)

// Specific sentinels shared by the vcem adapters, the vcemtest fakes and
// Apply. Returned errors wrap them and name the domain, profile, job or
// address; each wraps the general sentinel its meaning falls under.
var (
	// ErrUnknownProfile: a change or call names a profile the snapshot or
	// domain does not hold. It wraps [ErrNotFound].
	ErrUnknownProfile = fmt.Errorf("unknown profile: %w", ErrNotFound)
	// ErrUnknownDomain: a call names a domain that does not exist. It
	// wraps [ErrNotFound].
	ErrUnknownDomain = fmt.Errorf("unknown domain: %w", ErrNotFound)
	// ErrUnknownJob: no job has that ID. It wraps [ErrNotFound].
	ErrUnknownJob = fmt.Errorf("unknown VCEM job: %w", ErrNotFound)
	// ErrNoPool: the snapshot has no pool for the address family (a
	// malformed snapshot). It wraps [ErrInvalid].
	ErrNoPool = fmt.Errorf("snapshot has no pool for this address family: %w", ErrInvalid)
	// ErrInMaintenance: the domain is already in VCEM maintenance. It
	// wraps [ErrConflict].
	ErrInMaintenance = fmt.Errorf("VC domain is already in maintenance: %w", ErrConflict)
	// ErrNotInMaintenance: the call needs the domain in VCEM maintenance.
	// It wraps [ErrConflict].
	ErrNotInMaintenance = fmt.Errorf("VC domain is not in maintenance: %w", ErrConflict)
	// ErrJobRunning: a job of the domain is still running. It wraps
	// [ErrConflict].
	ErrJobRunning = fmt.Errorf("a VCEM job of the domain is still running: %w", ErrConflict)
	// ErrInvalidLive is wrapped by errors about malformed live domain
	// reads. It wraps [ErrInvalid].
	ErrInvalidLive = fmt.Errorf("invalid live domain data: %w", ErrInvalid)
	// ErrDomainInaccessible: VCEM cannot reach the domain (for example it
	// was added to or removed from a VC Domain Group after the backup);
	// read it with credentials instead.
	ErrDomainInaccessible = errors.New("VC domain is inaccessible to VCEM")
	// ErrCredentialsRejected: the VC Manager refused the supplied
	// credentials.
	ErrCredentialsRejected = errors.New("credentials rejected")
	// ErrLeftInMaintenance is wrapped by a resync's cleanup error when
	// cancelling maintenance failed: the domain MAY still be in maintenance.
	ErrLeftInMaintenance = errors.New("VC domain may be left in maintenance")
)

var errRedactedPassword = fmt.Errorf("vcem: credentials JSON holds a redacted password, not a real one: %w", ErrInvalid)
