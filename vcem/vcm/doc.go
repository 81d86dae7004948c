// Package vcm reads live VC domains from their HP Virtual Connect Manager
// CLI over SSH; its [Client] is the [vcem.Live] port for a directory of
// domains the caller configures, since VC knows nothing of VCEM's domain
// IDs or groups.
//
// # What a read does
//
// One SSH connection per domain (golang.org/x/crypto/ssh), one exec session
// per command, in this order: show domain, show enclosure *, show
// interconnect *, show server *, show profile * — each with -output=script2
// (see [Dialect] for the exact strings). The answers become a
// [vcem.LiveDomain]:
//
//   - Domain.ID, Manager and GroupID come from the directory
//     ([DomainConfig]): the CLI prints no VCEM group, so GroupID is what
//     the caller configured. Name is the device's domain name. Enclosures
//     are the enclosure IDs (enc0, …); Modules are the interconnect bays
//     with a module (enclosure and bay from the "enc0:1" ID, type, serial).
//   - Profiles: one per dash-separated block of show profile *, sorted by
//     name. Profile.Bay is the server ID VC prints ("enc0:1"), the same
//     "<enclosure>:<bay>" form vcemtest uses, taken from show server * (the
//     profile's own row is checked against it when it names a bay).
//     Connections are read from the sub-tables, told apart by their header
//     columns; a connection without an address (an unassigned profile's
//     factory-default port) is left out: it holds nothing to compare. A
//     missing node WWN is the port WWN + 1.
//   - The result is checked as vcem checks live data (names unique, known
//     address types, VCEM-pool node WWN = port + 1): an error wrapping
//     [vcem.ErrInvalidLive] names the domain and field rather than data
//     analysis would refuse.
//
// # Verified and guessed
//
// FOUND in public sources (shared/reference/vc-cli.md): SSH exec works; the
// script2 format (';'-separated rows under a header, values holding ';'
// double-quoted, profiles between dash lines, sub-tables between blank
// lines); CRLF line endings; ERROR: lines; "<Unassigned>" and "-- --" for
// empty; the standby module's redirect message; the keys of show server and
// show enclosure; the Ethernet columns "Network Name", "PXE", "MAC
// Address"; the MAC format. INFERRED or NOT FOUND, hence guesses kept in
// one overridable table, [DefaultDialect] in assumptions.go: the script2
// headers of the other commands, the FC, FCoE and iSCSI columns, the
// address-type column and labels and their mapping to [vcem.AddressType],
// the WWN print format, and whether every command takes -output=script2.
// The test fixtures in testdata were written from the format description,
// not captured from a device.
//
// # Errors
//
// A device ERROR: line is a [*DeviceError] carrying its text; output that
// is not well-formed script2 a [*ParseError] naming command, line, column
// and value; a table without a needed column a [*MissingColumnsError]
// naming them (unknown columns are ignored). A standby module's redirect is
// followed once; a second is a [*RedirectError] naming every address. An
// untrusted host key is a [*HostKeyError] — nothing, credentials included,
// is sent to such a host. A domain that does not answer (dial failure,
// login or command timeout, dropped twice, the "Unable to communicate with
// the Virtual Connect Manager" message) wraps [vcem.ErrDomainInaccessible];
// refused credentials wrap [vcem.ErrCredentialsRejected] (and, for
// ReadDomain's configured ones, ErrDomainInaccessible too, so that
// vcem.GatherLive asks for credentials). Errors never carry passwords.
//
// # Host keys
//
// [New] refuses to build a client without a host-key policy: per-domain
// pins ([DomainConfig].HostKeys, the SHA256:… form ssh-keygen prints),
// per-address pins ([WithHostKey]), OpenSSH known_hosts files
// ([WithKnownHosts]), or the explicit [WithInsecureIgnoreHostKey], which is
// never the default and cannot be mixed with the others. Pins, where given,
// decide; otherwise known_hosts. Older VC firmware may need SSH algorithms
// x/crypto does not offer by default: [WithAlgorithms] (unverified which).
//
// # Connections, limits, concurrency
//
// A Client is safe for concurrent use. It keeps at most [WithMaxConns]
// connections open (default [DefaultMaxConns]); a domain's connection is
// reused by its next read and closed to make room for another domain when
// idle. Reads with caller-supplied credentials use a connection of their
// own, closed afterwards. [Client.ReadDomains] reads several domains in
// parallel, [WithConcurrency] at a time (default [DefaultConcurrency]).
// Each command is bounded by [WithCommandTimeout] (default 2 minutes) and
// its output by [WithMaxOutput] (default 64 MiB, an [*OutputTooLargeError]
// beyond). Every call takes ctx first; a cancelled ctx closes the command's
// connection and returns at once. A connection that drops under a command
// is dialled again and the command re-sent once — only because every
// command this adapter sends reads; the code refuses to re-send a command
// marked as writing. [Client.Close] releases the connections. Logging goes
// to an optional *slog.Logger ([WithLogger]); nothing is logged without
// one, and credentials never are.
package vcm
