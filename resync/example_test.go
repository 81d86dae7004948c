package resync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// drillEstate is the Small estate right after a restore, with the main
// drill's history played between the backup and the restore.
func drillEstate() (*resynctest.Estate, resynctest.Drill, error) {
	ctx := context.Background()
	e, err := resynctest.Small(1)
	if err != nil {
		return nil, resynctest.Drill{}, err
	}
	d, err := resynctest.DrillHistory(e)
	if err == nil {
		err = e.Play(ctx, d.Setup)
	}
	var b *resynctest.Backup
	if err == nil {
		b, err = e.Backup()
	}
	if err == nil {
		err = e.Play(ctx, d.History)
	}
	if err == nil {
		err = e.Restore(b)
	}
	if err != nil {
		e.Close()
		return nil, d, err
	}
	return e, d, nil
}

// Analyze reads a restored CMS once and plans every phase; nothing is
// written. Here, storage phase 2 already drops the logical server whose VCEM
// profile VCEM phase 1 will delete.
func ExampleAnalyze() {
	e, _, err := drillEstate()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	plan, err := resync.Analyze(context.Background(), e.Env(), resync.WithDeletedServices())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range plan.Phase(resync.PhaseID{Section: resync.SectionStorage, Phase: 2}).Findings {
		if f.Code == "LSM-LS-PROFILE-DELETED" {
			fmt.Println(f.Code, f.Changes[0])
		}
	}
	s := plan.Summary().Total
	fmt.Println(s.Changes > 0, s.Manual > 0, plan.Clean())
	// Output:
	// LSM-LS-PROFILE-DELETED drop logical server "LS-d1-p2" from the Matrix OE database
	// true true false
}

// Execute applies a plan phase by phase with a journal; answers come from a
// resync.Answers value (a script's answers file). Every phase is verified
// and RecoveryMode is put back.
func ExampleExecute() {
	ctx := context.Background()
	e, _, err := drillEstate()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	plan, err := resync.Analyze(ctx, e.Env(), resync.WithDeletedServices())
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "journal-")
	defer os.RemoveAll(dir)
	yes := true
	answers := &resync.Answers{Services: &yes, Proceed: &yes, AcknowledgeAll: true}
	res, err := resync.Execute(ctx, e.Env(), plan, resync.WithPrompter(answers), resync.WithJournal(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Complete, res.RecoveryModeRestored, len(plan.Changes()) > 0)
	// Output: true true true
}

// Resume finishes an execute that stopped (here, a simulated crash after
// its tenth journal record): only the journal and the stores survived.
func ExampleResume() {
	ctx := context.Background()
	e, _, err := drillEstate()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	plan, _ := resync.Analyze(ctx, e.Env(), resync.WithDeletedServices())
	dir, _ := os.MkdirTemp("", "journal-")
	defer os.RemoveAll(dir)
	n := 0
	crash := resync.WithJournalHook(func(resync.Record) error {
		if n++; n == 10 {
			return resync.ErrSimulatedCrash
		}
		return nil
	})
	_, err = resync.Execute(ctx, e.Env(), plan, resync.WithPrompter(resync.Yes()), resync.WithJournal(dir), crash)
	fmt.Println(err)
	res, err := resync.Resume(ctx, e.Env(), dir, resync.WithPrompter(resync.Yes()))
	fmt.Println(res.Complete, err)
	// Output:
	// resync: simulated crash
	// true <nil>
}

// Capture, in a backup script, records what is being backed up; the
// restore side proves with it that the restored databases are that backup.
func ExampleCapture() {
	ctx := context.Background()
	cms, err := resynctest.Small(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cms.Close()
	backup, _ := cms.Backup()
	m, err := resync.Capture(ctx, cms.Env())
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "backup-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "manifest.json")
	_ = m.Save(path)

	// … later, after a restore of that backup:
	_ = cms.Restore(backup)
	saved, _ := resync.LoadManifest(path)
	plan, err := resync.Analyze(ctx, cms.Env(), resync.WithManifest(saved), resync.WithDeletedServices())
	if err != nil {
		fmt.Println(err)
		return
	}
	mismatch := 0
	for _, f := range plan.Findings() {
		if f.Code == resync.CodeManifestMismatch {
			mismatch++
		}
	}
	fmt.Println(plan.Manifest == saved.ID, mismatch)
	// Output: true 0
}
