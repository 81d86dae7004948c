package spm

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted is what every way of printing a secret prints.
const redacted = "[REDACTED]"

// secret holds a credential (the readiness password) where no fmt verb,
// no reflection-based dump and no slog handler can reach it. It is always
// held through a *secret: fmt prints a pointer inside a struct as an
// address (and, being a pointer to a string, even at the top level under a
// bad verb or %w); the pointer itself implements fmt.Formatter,
// fmt.Stringer, fmt.GoStringer, slog.LogValuer, json.Marshaler and
// encoding.TextMarshaler, all redacting. Only reveal gives the value, to
// the one line that sends it.
type secret string

func newSecret(s string) *secret {
	v := secret(s)
	return &v
}

// reveal returns the credential ("" for nil).
func (s *secret) reveal() string {
	if s == nil {
		return ""
	}
	return string(*s)
}

// Format implements fmt.Formatter: every verb prints [REDACTED].
func (s *secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// String implements fmt.Stringer.
func (s *secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s *secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s *secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (s *secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s *secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
