package vcem

import (
	"encoding/json"
	"log/slog"
)

// redacted replaces a secret wherever a Credentials value is printed.
const redacted = "[REDACTED]"

// Credentials are a VC Manager user name and password, given by the caller
// for a domain VCEM cannot reach. The password never leaves the value except
// through [Credentials.Password]: String, GoString, JSON and slog output
// redact it. The zero value is empty credentials.
type Credentials struct {
	username string
	password string
}

// NewCredentials returns credentials for a VC Manager user.
func NewCredentials(username, password string) Credentials {
	return Credentials{username: username, password: password}
}

// Username returns the user name (not a secret; shown in messages).
func (c Credentials) Username() string { return c.username }

// Password returns the password, for the adapter that logs in with it.
func (c Credentials) Password() string { return c.password }

// IsZero reports whether no user name and no password are set.
func (c Credentials) IsZero() bool { return c.username == "" && c.password == "" }

// Equal reports whether both hold the same user name and password, compared
// without printing either.
func (c Credentials) Equal(o Credentials) bool {
	return c.username == o.username && c.password == o.password
}

// String returns "user=<name> password=[REDACTED]".
func (c Credentials) String() string { return "user=" + c.username + " password=" + redacted }

// GoString redacts the password in %#v output.
func (c Credentials) GoString() string {
	return `vcem.Credentials{username:"` + c.username + `", password:"` + redacted + `"}`
}

// MarshalJSON writes the user name and a redacted password: credentials are
// never saved by JSON encoding (plans, journals, logs).
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}{c.username, redacted})
}

// UnmarshalJSON reads {"username": …, "password": …} (for example from an
// answers file). A password equal to the redaction marker is refused, so a
// marshalled value cannot be mistaken for real credentials.
func (c *Credentials) UnmarshalJSON(b []byte) error {
	var v struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Password == redacted {
		return errRedactedPassword
	}
	*c = Credentials{v.Username, v.Password}
	return nil
}

// LogValue redacts the password in slog output.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", c.username), slog.String("password", redacted))
}

var _ slog.LogValuer = Credentials{}
var _ json.Marshaler = Credentials{}
