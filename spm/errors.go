package spm

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// The sentinels of the contract the three domain packages share (vcem, spm,
// matrixoe), so that the resync engine can tell failures apart without
// knowing the section. Every [Apply] and [ApplyAll] error wraps exactly one
// of ErrNotFound, ErrConflict, ErrInvalid and ErrUnknownChange; every
// [Snapshot.Validate] and [Live.Validate] error wraps ErrInvalidSnapshot.
// The package's own sentinels (ErrElementNotFound, ErrServiceNotFound, …)
// wrap the general one they are a case of.
var (
	// ErrNotFound: the change's target (or the named item) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the state forbids the change or the step (e.g. a
	// Signature State other than "Not present" on an XP array, a running
	// SPM service, a RecoveryMode that changed since it was set).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a malformed change or input value.
	ErrInvalid = errors.New("invalid")
	// ErrUnknownChange: a change of a kind this package does not know
	// (including a nil change).
	ErrUnknownChange = errors.New("unknown change kind")
	// ErrInvalidSnapshot: a snapshot (or live side) that is inconsistent.
	ErrInvalidSnapshot = errors.New("invalid spm snapshot")
)

// kindError is a package sentinel that is a case of a general one: its
// message reads on its own and errors.Is sees the general sentinel too.
type kindError struct {
	msg  string
	kind error
}

// Error returns the sentinel's own message.
func (e *kindError) Error() string { return e.msg }

// Unwrap returns the general sentinel.
func (e *kindError) Unwrap() error { return e.kind }

// ChangeError is the failure of one change of [ApplyAll]: which change (its
// position and what it is) and why. ApplyAll left the snapshot as it was.
type ChangeError struct {
	Index        int    // position in the list given to ApplyAll
	Kind, Target string // of the failing change ("" for a nil change)
	Err          error  // wraps one of ErrNotFound, ErrConflict, ErrInvalid, ErrUnknownChange
}

// Error renders "spm: change 3 (spm.Quarantine, volume V1): <Err>" (the
// target cut to a bounded prefix).
func (e *ChangeError) Error() string {
	if e.Kind == "" {
		return fmt.Sprintf("spm: change %d (nil change): %v", e.Index, e.Err)
	}
	return fmt.Sprintf("spm: change %d (%s, %s): %v", e.Index, e.Kind, short(e.Target), e.Err)
}

// Unwrap returns the cause.
func (e *ChangeError) Unwrap() error { return e.Err }

// short is a string argument of an error message, printed bounded: %q as
// strictjson.QuoteShort, other verbs as the same prefix unquoted, so that
// a huge bad value never makes a huge error.
type short string

// Format implements fmt.Formatter.
func (s short) Format(f fmt.State, verb rune) {
	q := strictjson.QuoteShort(string(s))
	if verb == 'q' {
		_, _ = io.WriteString(f, q)
		return
	}
	if len(s) <= maxShort {
		_, _ = io.WriteString(f, string(s))
		return
	}
	cut := maxShort
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	_, _ = fmt.Fprintf(f, "%s… (%d bytes)", s[:cut], len(s))
}

// maxShort is the longest unquoted prefix short prints.
const maxShort = 64

// boundArgs replaces every string-kinded argument with a short, for
// messages that quote input.
func boundArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if v := reflect.ValueOf(a); v.IsValid() && v.Kind() == reflect.String {
			a = short(v.String())
		}
		out[i] = a
	}
	return out
}

// errorf is fmt.Errorf with every string argument bounded.
func errorf(format string, args ...any) error { return fmt.Errorf(format, boundArgs(args)...) }
