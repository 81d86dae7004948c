// Command backup-hook shows what a CMS backup script does with mxsync-go,
// on the built-in Small estate:
//
//  1. at backup time, capture the manifest (resync.Capture) and write it
//     beside the backup;
//
//  2. every night after, run the pre-restore what-if (resync.WhatIf): if the
//     backup had to be restored now, how many changes and manual steps would
//     the resync cost? Alert (exit 2) above a threshold: time for a new backup;
//
//  3. on the restore side, give the manifest to Analyze (resync.WithManifest):
//     it proves the restored databases are that backup before anything else.
//
//     go run ./examples/backup-hook [-dir DIR] [-nights N] [-max-manual N] [-seed N]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup-hook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "where the backup's manifest is written (default: a temporary directory, removed)")
	nights := fs.Int("nights", 3, "nights of activity between the backup and the restore")
	maxManual := fs.Int("max-manual", 10, "alert when a restore would cost more than this many manual steps beyond what restoring it at once costs")
	seed := fs.Uint64("seed", 1, "seed of the estate and of its activity")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	alert, err := hook(ctx, *dir, *nights, *maxManual, *seed, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "backup-hook: "+err.Error())
		return 1
	}
	if alert {
		return 2
	}
	return 0
}

func hook(ctx context.Context, dir string, nights, maxManual int, seed uint64, out io.Writer) (bool, error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "backup-hook-")
		if err != nil {
			return false, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cms, err := resynctest.Small(seed)
	if err != nil {
		return false, err
	}
	defer cms.Close()

	// 1. The backup script: take the backup, then capture the manifest
	//    beside it (atomically written, strict to read back).
	backup, err := cms.Backup()
	if err != nil {
		return false, err
	}
	m, err := resync.Capture(ctx, cms.Env())
	if err != nil {
		return false, err
	}
	path := filepath.Join(dir, "manifest.json")
	if err := m.Save(path); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "backup taken; manifest %s written to %s\n", m.ID[:19], path)

	// 2. Every night: the estate changes, and the what-if says what a
	//    restore of that backup would cost today. Any restore costs some
	//    manual steps (SPM quarantines every volume), so the alert compares
	//    with the what-if taken right after the backup.
	base, err := resync.WhatIf(ctx, cms.Env(), m, resync.WithDeletedServices())
	if err != nil {
		return false, err
	}
	baseline := base.Summary().Total.Manual
	fmt.Fprintf(out, "what-if right after the backup: %d manual steps (what any restore of it costs)\n", baseline)
	rng := rand.New(rand.NewPCG(seed, 2))
	alert := false
	for night := 1; night <= nights; night++ {
		resynctest.RandomHistory(rng, cms, 8) // plays the day's activity on the estate
		saved, err := resync.LoadManifest(path)
		if err != nil {
			return false, err
		}
		plan, err := resync.WhatIf(ctx, cms.Env(), saved, resync.WithDeletedServices())
		if err != nil {
			return false, err
		}
		t := plan.Summary().Total
		status := "ok"
		if t.Manual-baseline > maxManual {
			status = fmt.Sprintf("ALERT: %d manual steps more than a fresh restore; take a new backup", t.Manual-baseline)
			alert = true
		}
		fmt.Fprintf(out, "night %d what-if: a restore now would apply %d changes and need %d manual steps (%d blocking): %s\n",
			night, t.Changes, t.Manual, t.Blocking, status)
	}

	// 3. The restore side: put the backup back and analyse with the
	//    manifest: the restored databases are proven to be that backup.
	if err := cms.Restore(backup); err != nil {
		return false, err
	}
	saved, err := resync.LoadManifest(path)
	if err != nil {
		return false, err
	}
	plan, err := resync.Analyze(ctx, cms.Env(), resync.WithManifest(saved), resync.WithDeletedServices())
	if err != nil {
		return false, err
	}
	mismatches := 0
	for _, f := range plan.Findings() {
		if f.Code == resync.CodeManifestMismatch {
			mismatches++
		}
	}
	if mismatches > 0 {
		return false, fmt.Errorf("the restored databases are not the manifest's backup (%d %s findings)", mismatches, resync.CodeManifestMismatch)
	}
	t := plan.Summary().Total
	fmt.Fprintf(out, "restored: the databases are the manifest's backup; the resync plan has %d changes and %d manual steps\n", t.Changes, t.Manual)
	return alert, nil
}
