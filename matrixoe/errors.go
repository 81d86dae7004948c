package matrixoe

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: a change or lookup names a record that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a change cannot be applied to the record's current state.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a value (change, export, file line) is malformed.
	ErrInvalid = errors.New("invalid")
	// ErrNoExport: the operator has not provided an RM configuration export.
	ErrNoExport = errors.New("no RM configuration export provided")
)

// ChangeError reports a change that could not be applied: its kind, its
// target and why. Unwrap gives one of the sentinel errors (or a more specific
// error wrapping one).
type ChangeError struct {
	Kind   string
	Target string
	Err    error
}

// Error implements error.
func (e *ChangeError) Error() string {
	return fmt.Sprintf("matrixoe: apply %s to %s: %v", e.Kind, e.Target, e.Err)
}

// Unwrap returns the cause.
func (e *ChangeError) Unwrap() error { return e.Err }

func changeErr(c Change, err error) error {
	return &ChangeError{Kind: c.Kind(), Target: c.Target(), Err: err}
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrConflict)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}
