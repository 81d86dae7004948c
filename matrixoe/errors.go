package matrixoe

import (
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Sentinel errors, matched with errors.Is. Every error of [Apply] and
// [ApplyAll] wraps exactly one of ErrNotFound, ErrConflict, ErrInvalid and
// ErrUnknownChange; every problem [Snapshot.Validate] reports wraps
// ErrInvalidSnapshot. The same names mean the same in vcem and spm.
var (
	// ErrNotFound: the change's target (or a record looked up) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record's current state forbids the change (a request
	// already completed, an address held by another owner, an RM import
	// that RM would refuse).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a malformed change or input value (JSON, export, file
	// line, nil snapshot).
	ErrInvalid = errors.New("invalid")
	// ErrUnknownChange: a change of no kind this package knows (including a
	// nil change).
	ErrUnknownChange = errors.New("unknown change kind")
	// ErrInvalidSnapshot: a snapshot inconsistency found by Validate.
	ErrInvalidSnapshot = errors.New("invalid matrixoe snapshot")
	// ErrNoExport: the operator has not provided an RM configuration export.
	// It wraps ErrNotFound.
	ErrNoExport = fmt.Errorf("no RM configuration export provided: %w", ErrNotFound)
)

// ChangeError reports a change that could not be applied: its position in
// the batch, its kind and target, and why. [Apply] reports Index 0; [ApplyAll]
// the change's index in its arguments.
type ChangeError struct {
	Index        int    // position in the changes given to ApplyAll (0 for Apply)
	Kind, Target string // of the failing change ("<nil>" and "" for a nil change)
	Err          error  // wraps exactly one of the sentinels
}

// Error renders "matrixoe: change 3 (matrixoe.DropLS, logical server LS9): <Err>".
func (e *ChangeError) Error() string {
	return fmt.Sprintf("matrixoe: change %d (%s, %s): %v", e.Index, e.Kind, e.Target, e.Err)
}

// Unwrap returns the cause, which wraps one of the sentinels.
func (e *ChangeError) Unwrap() error { return e.Err }

func notFound(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrConflict)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}

// decodeError is a JSON input this package refused: what was decoded and
// why (often a *strictjson.Error naming every bad path). It wraps
// [ErrInvalid] and the cause.
type decodeError struct {
	what string
	err  error
}

func (e *decodeError) Error() string   { return "matrixoe: decode " + e.what + ": " + e.err.Error() }
func (e *decodeError) Unwrap() []error { return []error{ErrInvalid, e.err} }

// decodeStrict decodes b strictly (internal/strictjson) into a value of the
// shape S, the methodless twin of the type being decoded; an error is a
// decodeError naming what.
func decodeStrict[S any](b []byte, what string) (S, error) {
	var shape S
	if err := strictjson.Unmarshal(b, &shape); err != nil {
		return shape, &decodeError{what: what, err: err}
	}
	return shape, nil
}
