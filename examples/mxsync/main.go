// Command mxsync is the script-facing CLI of mxsync-go: analyse a restored
// CMS, save and review the plan, execute it (resumably), capture the
// backup-time manifest and run the pre-restore what-if.
//
//	mxsync analyze  -estate FILE [-json] [-plan-out FILE] [-sections LIST] [-manifest FILE]
//	mxsync execute  -estate FILE [-plan FILE] [-answers FILE] [-journal DIR] [-json]
//	mxsync resume   -estate FILE -journal DIR [-answers FILE] [-json]
//	mxsync services-file -estate FILE
//	mxsync capture  -estate FILE -o FILE
//	mxsync whatif   -estate FILE -manifest FILE [-json]
//
// The restored and live sides come from an estate file (resynctest's JSON
// format: a simulated estate, or one a user describes or exports); -vcm
// points the live VCEM side at real VC Managers over SSH instead.
//
// Exit status, like Terraform's -detailed-exitcode: 0 nothing to do (analyze)
// or complete with nothing outstanding (execute, resume); 2 findings present
// (analyze, whatif) or manual steps outstanding (execute, resume); 1 an error,
// written to stderr on one line.
//
// Questions are asked on the terminal when stdin is one and no -answers file
// is given; otherwise a question without an answer is an error naming it.
// Credentials come from the environment (MXSYNC_VCM_USER,
// MXSYNC_VCM_PASSWORD) or a file (-credentials), never from flags, which
// show in a process list.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// Exit statuses.
const (
	exitClean    = 0
	exitError    = 1
	exitFindings = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) (int, error)
}

var commands = []command{
	{"analyze", "analyse the restored CMS and print the plan (nothing is written)", cmdAnalyze},
	{"execute", "execute a saved plan (-plan) or a fresh analysis", cmdExecute},
	{"resume", "continue an interrupted execute from its journal", cmdResume},
	{"services-file", "write InfrastructureServices.txt for the operator to mark the deleted IO services", cmdServicesFile},
	{"capture", "write the backup-time manifest", cmdCapture},
	{"whatif", "analyse a backup manifest against today's estate", cmdWhatIf},
}

// app is one invocation's streams.
type app struct {
	stdin          *os.File
	stdout, stderr io.Writer
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mxsync <command> [flags]   (mxsync <command> -h for its flags)")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "exit status: 0 nothing to do / complete, 2 findings / manual steps outstanding, 1 error")
}

func run(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError
		}
		return exitClean
	}
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		code, err := c.run(ctx, a, args[1:])
		if err != nil {
			if errors.Is(err, errHelp) {
				return exitClean
			}
			fmt.Fprintln(stderr, "mxsync "+c.name+": "+oneLine(err))
			return exitError
		}
		return code
	}
	fmt.Fprintf(stderr, "mxsync: unknown command %q\n", args[0])
	usage(stderr)
	return exitError
}

// oneLine puts an error on one line (multi-problem errors are joined).
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
