package vcem

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// redacted replaces a secret wherever a Credentials value is printed.
const redacted = "[REDACTED]"

// Credentials are a VC Manager user name and password, given by the caller
// for a domain VCEM cannot reach. The password never leaves the value except
// through [Credentials.Password]: every fmt verb (a bad one and %T
// included), JSON and slog output redact it. The zero value is empty
// credentials.
//
// The password sits behind a pointer to an unexported type whose every
// printing method redacts, and inside it behind a function: printing that
// bypasses the methods — fmt's reflection over a caller's struct holding
// Credentials in an unexported field, or fmt reporting a bad verb, which
// prints the value behind a pointer field without calling its methods —
// reaches only a pointer or a func, which fmt prints as addresses.
type Credentials struct {
	username string
	secret   *secret
}

// secret holds a password; every way of printing it prints [redacted], and
// reflection sees only a func.
type secret struct{ reveal func() string }

// Format implements fmt.Formatter for every verb.
func (*secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// String implements fmt.Stringer.
func (*secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (*secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (*secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (*secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalText implements encoding.TextMarshaler.
func (*secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// NewCredentials returns credentials for a VC Manager user.
func NewCredentials(username, password string) Credentials {
	c := Credentials{username: username}
	if password != "" {
		c.secret = &secret{reveal: func() string { return password }}
	}
	return c
}

// Username returns the user name (not a secret; shown in messages).
func (c Credentials) Username() string { return c.username }

// Password returns the password, for the adapter that logs in with it.
func (c Credentials) Password() string {
	if c.secret == nil {
		return ""
	}
	return c.secret.reveal()
}

// IsZero reports whether no user name and no password are set.
func (c Credentials) IsZero() bool { return c.username == "" && c.Password() == "" }

// Equal reports whether both hold the same user name and password, compared
// without printing either.
func (c Credentials) Equal(o Credentials) bool {
	return c.username == o.username && c.Password() == o.Password()
}

// String returns "user=<name> password=[REDACTED]".
func (c Credentials) String() string { return "user=" + c.username + " password=" + redacted }

// GoString redacts the password in %#v output.
func (c Credentials) GoString() string {
	return `vcem.Credentials{username:"` + c.username + `", password:"` + redacted + `"}`
}

// Format implements fmt.Formatter: every verb prints [Credentials.String]
// (%#v [Credentials.GoString]), so %d, %x, %q and the like cannot reach the
// password either.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, c.GoString())
		return
	}
	_, _ = io.WriteString(f, c.String())
}

// MarshalJSON writes the user name and a redacted password: credentials are
// never saved by JSON encoding (plans, journals, logs).
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(credentialsJSON{c.username, redacted})
}

// credentialsJSON is the JSON form of Credentials.
type credentialsJSON struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// credentialsCheck is the shape checked first: the password raw, so that
// no error message can quote it.
type credentialsCheck struct {
	Username string          `json:"username"`
	Password json.RawMessage `json:"password"`
}

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*Credentials) JSONShape() any { return (*credentialsCheck)(nil) }

// UnmarshalJSON reads {"username": …, "password": …} (for example from an
// answers file), strictly: an unknown key ("passwd"), a key given twice or
// in another case, a missing key or trailing data is an error naming the
// key, so a typo cannot give an empty password. No error quotes the
// password: a value that is not a JSON string is reported by its key only.
// A password equal to the redaction marker is refused, so a marshalled
// value cannot be mistaken for real credentials. On error c is unchanged.
func (c *Credentials) UnmarshalJSON(b []byte) error {
	if i := firstByte(b); i < 0 || b[i] != '{' {
		return fmt.Errorf("vcem: credentials JSON: want an object {\"username\": …, \"password\": …}: %w", ErrInvalid)
	}
	var chk credentialsCheck
	if err := strictjson.Unmarshal(b, &chk); err != nil {
		return fmt.Errorf("vcem: credentials JSON: %w", err)
	}
	var password string
	if string(chk.Password) == "null" || json.Unmarshal(chk.Password, &password) != nil {
		return fmt.Errorf("vcem: credentials JSON: password: want a string (the value is not shown): %w", ErrInvalid)
	}
	if password == redacted {
		return errRedactedPassword
	}
	*c = NewCredentials(chk.Username, password)
	return nil
}

// firstByte returns the index of the first non-space byte of b, or -1.
func firstByte(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return -1
}

// LogValue redacts the password in slog output.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", c.username), slog.String("password", redacted))
}

var (
	_ slog.LogValuer = Credentials{}
	_ json.Marshaler = Credentials{}
	_ fmt.Formatter  = Credentials{}
	_ fmt.Formatter  = (*secret)(nil)
)
