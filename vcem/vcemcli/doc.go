// Package vcemcli drives HP Virtual Connect Enterprise Manager through its
// command line, vcemcli (vcemcli.exe on the CMS); its [Client] is the
// [vcem.Manager] port: VC domain maintenance, resync, jobs.
//
// # What is verified and what is a guess
//
// FOUND in public sources (shared/reference/vc-cli.md Part 2): the verbs
// -startvcdmaint, -completevcdmaint, -cancelvcdmaint (VCEM 6.3.1+), -show
// job, -show vcem-status; one argument form ("-enclosurename <name>"); that
// each run is a whole login, act, logout; that scripts pass a user name and
// password; that failures print a reason.
//
// NOT FOUND, hence guesses kept in one overridable table ([DefaultDialect]
// in assumptions.go, every entry marked): the argument names (-vcdname,
// -jobid), the credential flags and how the password is passed, the
// commands behind Resync (-resyncvcd) and CheckInSync (-show vcem-status
// about the domain), the output layout ("Key: Value" lines), the job-state
// words, the condition texts and the exit codes.
//
// # How a run is judged
//
// One process per operation, through a [Runner] ([ExecRunner] by default:
// os/exec, killed when ctx ends). A run fails on a non-zero exit, on an
// error line (ERROR:, FAILURE:, FAILED:) even with exit 0, and on a
// condition text, which also maps to vcem's sentinels: "already in
// maintenance" wraps [vcem.ErrInMaintenance], "not in maintenance"
// [vcem.ErrNotInMaintenance], and likewise unknown domain, unknown job,
// running job and rejected login. A failure is a [*CommandError] with the
// scrubbed arguments, the exit code and the output (at most
// [MaxErrorOutput] bytes, its head and tail). Nothing is retried;
// StartMaintenance must not be, see [vcem.Manager].
//
// # Credentials
//
// The password goes where the dialect says: on the command line (the
// default, the only form the guides suggest; visible in the CMS's process
// list to its administrators), in an environment variable, or on standard
// input. In every case it is scrubbed from arguments, output, errors and
// logs, and an [Invocation] prints it as [REDACTED] under every fmt verb.
// The client keeps it in a closure, so no formatting of a Client shows it.
//
// # Concurrency and time
//
// A Client holds no mutable state and is safe for concurrent use. Every
// call takes ctx first; a done ctx starts no process and kills a running
// one. WaitJob polls Job every [WithPollInterval] (default 10 s) through
// [vcem.PollJob]. Logging goes to an optional *slog.Logger, silent by
// default.
package vcemcli
