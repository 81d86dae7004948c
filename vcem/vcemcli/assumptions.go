package vcemcli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/vcem"
)

// This file is the one place that holds what the adapter assumes about
// vcemcli. Public documentation (shared/reference/vc-cli.md Part 2) has the
// command verbs and one argument form; the argument names, the credential
// flags, the output layout, the job states and the exit codes are NOT FOUND.
// Every entry below says which it is. A caller who has the VCEM CLI guide or
// a captured session passes a corrected [Dialect] through [WithDialect].

// PasswordVia says how the password reaches vcemcli.
type PasswordVia int

// Ways to pass the password. Which one vcemcli accepts is NOT FOUND.
const (
	// PasswordArg passes it as the value of Dialect.PasswordFlag on the
	// command line, where other local users may see it in the process
	// list; the adapter scrubs it from every error and log.
	PasswordArg PasswordVia = iota
	// PasswordEnv passes it in the environment variable Dialect.PasswordEnv.
	PasswordEnv
	// PasswordStdin writes it, followed by a newline, to vcemcli's standard
	// input (for a CLI that prompts for it).
	PasswordStdin
)

// Dialect is vcemcli as the adapter speaks it: the arguments of each
// operation and the words it reads in the answers. Texts are compared
// case-insensitively.
type Dialect struct {
	// Operations. FOUND verbs [VCEMCLI631 p11]: -startvcdmaint,
	// -completevcdmaint, -cancelvcdmaint, -show job, -show vcem-status.
	StartMaintenance    []string
	CompleteMaintenance []string
	CancelMaintenance   []string
	ShowJob             []string
	// SyncStatus is what CheckInSync runs: NOT FOUND which command tells
	// whether a domain agrees with VCEM; the adapter asks -show vcem-status
	// (FOUND verb, 6.3.1+) about the domain. Unverified.
	SyncStatus []string
	// Resync is NOT FOUND in any public guide; "-resyncvcd" is a guess
	// modelled on -startvcdmaint. Unverified.
	Resync []string

	// DomainFlag and JobFlag name the domain and the job. INFERRED from the
	// FOUND form "-enclosurename <name> -bayname <bay>" [neumatic];
	// unverified.
	DomainFlag, JobFlag string
	// UserFlag and PasswordFlag carry the credentials. NOT FOUND (the guide
	// says only that scripts carry user name and password [VCEMCLI63 p12]);
	// unverified.
	UserFlag, PasswordFlag string
	// Password says how the password is passed; PasswordEnv names the
	// variable for PasswordEnv (the name is ours). Default PasswordArg: the
	// only form the FOUND text suggests ("scripts specify the correct
	// username and password credentials").
	Password    PasswordVia
	PasswordEnv string

	// Output: "Key: Value" lines, read loosely as the one FOUND parser does
	// ("Power Status: (\w+)" [neumatic]). All keys unverified.
	JobIDKey, JobStateKey, JobMessageKey, JobDomainKey string
	// SyncStateKey holds the sync state; InSync and OutOfSync its values.
	// Unverified.
	SyncStateKey      string
	InSync, OutOfSync []string
	// JobStates maps vcemcli's job state words (NOT FOUND) to the SDK's; a
	// word not in the table is an error, never a guess.
	JobStates map[string]vcem.JobState

	// ErrorPrefixes start a line that reports a failure; such a line fails
	// the command whatever the exit code. INFERRED (the guide says a failure
	// "contains a description of the reason" [VCEMCLI63 p11]).
	ErrorPrefixes []string
	// Texts that mean a known condition, matched anywhere in the output:
	// each is a failure and maps to a vcem sentinel. Unverified wording.
	InMaintenanceTexts    []string // -> vcem.ErrInMaintenance
	NotInMaintenanceTexts []string // -> vcem.ErrNotInMaintenance
	UnknownDomainTexts    []string // -> vcem.ErrUnknownDomain
	UnknownJobTexts       []string // -> vcem.ErrUnknownJob
	JobRunningTexts       []string // -> vcem.ErrJobRunning
	RejectedTexts         []string // -> vcem.ErrCredentialsRejected
}

// DefaultDialect returns the adapter's best guess of vcemcli (see the field
// comments: apart from the verbs, all of it is unverified).
func DefaultDialect() Dialect {
	return Dialect{
		StartMaintenance:    []string{"-startvcdmaint"},
		CompleteMaintenance: []string{"-completevcdmaint"},
		CancelMaintenance:   []string{"-cancelvcdmaint"},
		ShowJob:             []string{"-show", "job"},
		SyncStatus:          []string{"-show", "vcem-status"},
		Resync:              []string{"-resyncvcd"},

		DomainFlag:   "-vcdname",
		JobFlag:      "-jobid",
		UserFlag:     "-username",
		PasswordFlag: "-password",
		Password:     PasswordArg,
		PasswordEnv:  "VCEMCLI_PASSWORD",

		JobIDKey:      "Job ID",
		JobStateKey:   "Job State",
		JobMessageKey: "Message",
		JobDomainKey:  "VC Domain",
		SyncStateKey:  "Status",
		InSync:        []string{"In Sync", "Synchronized", "OK"},
		OutOfSync:     []string{"Out of Sync", "Not Synchronized", "Not In Sync"},
		JobStates: map[string]vcem.JobState{
			"Pending": vcem.JobPending, "Queued": vcem.JobPending, "Not Started": vcem.JobPending, "Waiting": vcem.JobPending,
			"Running": vcem.JobRunning, "In Progress": vcem.JobRunning, "Executing": vcem.JobRunning, "Started": vcem.JobRunning,
			"Completed": vcem.JobCompleted, "Complete": vcem.JobCompleted, "Success": vcem.JobCompleted,
			"Succeeded": vcem.JobCompleted, "Successful": vcem.JobCompleted, "Finished": vcem.JobCompleted,
			"Failed": vcem.JobFailed, "Failure": vcem.JobFailed, "Error": vcem.JobFailed, "Cancelled": vcem.JobFailed,
			"Canceled": vcem.JobFailed, "Aborted": vcem.JobFailed, "Timed Out": vcem.JobFailed,
			"Completed with errors": vcem.JobFailed,
		},

		ErrorPrefixes:         []string{"ERROR:", "FAILURE:", "FAILED:"},
		InMaintenanceTexts:    []string{"already in maintenance"},
		NotInMaintenanceTexts: []string{"not in maintenance"},
		UnknownDomainTexts:    []string{"domain not found", "unknown vc domain", "domain does not exist"},
		UnknownJobTexts:       []string{"job not found", "unknown job", "job does not exist"},
		JobRunningTexts:       []string{"job is running", "job in progress"},
		RejectedTexts:         []string{"invalid user name or password", "login failed", "authentication failed", "not authorized"},
	}
}

// validate reports a dialect the adapter cannot work with.
func (d Dialect) validate() error {
	var errs []string
	for name, args := range map[string][]string{
		"StartMaintenance": d.StartMaintenance, "CompleteMaintenance": d.CompleteMaintenance,
		"CancelMaintenance": d.CancelMaintenance, "ShowJob": d.ShowJob, "SyncStatus": d.SyncStatus, "Resync": d.Resync,
	} {
		if len(args) == 0 {
			errs = append(errs, fmt.Sprintf("%s has no arguments", name))
		}
	}
	for name, v := range map[string]string{
		"DomainFlag": d.DomainFlag, "JobFlag": d.JobFlag, "UserFlag": d.UserFlag,
		"JobIDKey": d.JobIDKey, "JobStateKey": d.JobStateKey, "SyncStateKey": d.SyncStateKey,
	} {
		if v == "" {
			errs = append(errs, fmt.Sprintf("%s is empty", name))
		}
	}
	switch d.Password {
	case PasswordArg:
		if d.PasswordFlag == "" {
			errs = append(errs, "PasswordFlag is empty but the password goes on the command line")
		}
	case PasswordEnv:
		if d.PasswordEnv == "" {
			errs = append(errs, "PasswordEnv is empty but the password goes in the environment")
		}
	case PasswordStdin:
	default:
		errs = append(errs, fmt.Sprintf("Password %d is not a PasswordVia", d.Password))
	}
	if len(d.InSync) == 0 || len(d.OutOfSync) == 0 {
		errs = append(errs, "InSync and OutOfSync need at least one value each")
	}
	for w, s := range d.JobStates {
		if !s.Valid() {
			errs = append(errs, fmt.Sprintf("JobStates[%q] = %q is not a vcem job state", w, s))
		}
	}
	if len(d.JobStates) == 0 {
		errs = append(errs, "JobStates is empty")
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("vcemcli: dialect: %s", strings.Join(errs, "; "))
	}
	return nil
}
