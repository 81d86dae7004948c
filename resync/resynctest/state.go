package resynctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// state is an estate as plain data: what New builds from a Model, what Save
// writes and Load reads, and what the fakes are rebuilt from (each with its
// package's FromData function).
type state struct {
	vcemDB      *vcem.Snapshot
	vcemApplied vcem.Changes
	domains     []vcemtest.LiveDomainData // the VC domains, sorted by ID
	manager     vcemtest.ManagerData

	catalog    *spm.Snapshot
	spmApplied spm.Changes
	arrays     *spm.Live
	mode       spmtest.RecoveryModeData
	services   spmtest.ServicesData
	ui         uiState

	moeDB        *matrixoe.Snapshot
	moeApplied   matrixoe.Changes
	moeLive      matrixoetest.LiveData
	servicesFile matrixoetest.ServicesFileData
}

// uiState is the SPM UI's state; unlike spmtest.UIData it keeps the login in
// clear, because the estate's spm.Readiness must send it.
type uiState struct {
	ReadyAfter int
	Polls      int
	Manual     bool
	Login      *Login
}

// check refuses data the fakes' constructors would take but that breaks what
// the estate relies on.
func (st *state) check() error {
	var errs []error
	if st.vcemDB == nil {
		errs = append(errs, errors.New("vcem.database: missing"))
	} else if st.vcemDB.MACs == nil || st.vcemDB.WWNs == nil {
		errs = append(errs, errors.New("vcem.database: both pools (macs, wwns) are required"))
	}
	if st.catalog == nil {
		errs = append(errs, errors.New("spm.catalog: missing"))
	}
	if st.moeDB == nil {
		errs = append(errs, errors.New("matrixoe.database: missing"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("resynctest: estate: %w", err)
	}
	return nil
}

// data collects the estate's state from its fakes. The caller holds e.mu.
func (e *Estate) data() (*state, error) {
	if err := e.syncVCEMIfStale(); err != nil {
		return nil, err
	}
	vs, cat, ms := e.vcemStore.Data(), e.catalog.Data(), e.moeStore.Data()
	live := e.vcemLive.Data()
	ui := e.ui.Data()
	st := &state{
		vcemDB: vs.Snapshot, vcemApplied: vs.Applied, domains: live.Domains, manager: e.manager.Data(),
		catalog: cat.Snapshot, spmApplied: cat.Applied, arrays: e.arrays.Data().Live, mode: e.mode.Data(),
		services: e.services.Data(),
		ui:       uiState{ReadyAfter: ui.ReadyAfter, Polls: ui.Polls, Manual: ui.Manual},
		moeDB:    ms.Snapshot, moeApplied: ms.Applied, moeLive: e.moeLive.Data(), servicesFile: e.servicesFile.Data(),
	}
	if e.uiLogin != nil {
		l := *e.uiLogin
		st.ui.Login = &l
	}
	return st, nil
}

// syncVCEM mirrors the VCEM database into the live VCEM's pools and known
// domains (vcemtest.Live.SyncVCEM): VCEM allocates from its database.
func (e *Estate) syncVCEM() error {
	// Counted before the mirror: a change applied meanwhile makes the next
	// call mirror again, never the other way round.
	applied := len(e.vcemStore.Applied())
	err := e.vcemStore.Update(func(s *vcem.Snapshot) error {
		if err := e.vcemLive.SyncVCEM(s); err != nil {
			return fmt.Errorf("resynctest: mirror the VCEM database: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.vcemSynced = applied
	return nil
}

// syncVCEMIfStale mirrors the VCEM database again when the SDK applied
// changes to it since the last mirror (the engine's MarkExternal and
// DeleteProfile change its pools).
func (e *Estate) syncVCEMIfStale() error {
	if e.vcemSynced >= 0 && len(e.vcemStore.Applied()) == e.vcemSynced {
		return nil
	}
	return e.syncVCEM()
}

// resyncHook is what VCEM's resync writes to its database when a resynced
// domain's maintenance completes: vcem.PredictResync's changes for that
// domain, read as VCEM reads it.
func (e *Estate) resyncHook(_ context.Context, domainID string) error {
	ld, ok := e.vcemLive.Domain(domainID)
	if !ok {
		return fmt.Errorf("resynctest: resync of VC domain %q: %w", domainID, vcem.ErrUnknownDomain)
	}
	if !ld.Reachable {
		return fmt.Errorf("resynctest: resync of VC domain %q: its VC Manager does not answer: %w", domainID, vcem.ErrDomainInaccessible)
	}
	if ld.Domain.GroupID == "" {
		// The domain left its VC Domain Group after the backup: VCEM no
		// longer controls it and its resync reads nothing from it, as
		// vcem's resync model (DefaultResyncModel) predicts for a domain
		// VCEM cannot read.
		return nil
	}
	return e.vcemStore.Update(func(s *vcem.Snapshot) error {
		cs, err := vcem.PredictResync(s, []vcem.LiveDomain{ld}, vcem.Prevalidated())
		if err != nil {
			return err
		}
		return vcem.ApplyAll(s, cs...)
	})
}

// inSync reports whether VCEM's database and a VC domain agree: the domain's
// group, enclosures and modules, and every profile (name, bay, serial
// number, connections). It is what the fake manager's CheckInSync answers
// after a restore.
func inSync(db *vcem.Snapshot, byDomain map[string][]vcem.Profile, ld vcem.LiveDomain) bool {
	rd, ok := db.Domains[ld.Domain.ID]
	if !ok {
		return false
	}
	if rd.GroupID != ld.Domain.GroupID || !slices.Equal(sortedCopy(rd.Enclosures), sortedCopy(ld.Domain.Enclosures)) ||
		!sameModules(rd.Modules, ld.Domain.Modules) {
		return false
	}
	restored := byDomain[ld.Domain.ID]
	if len(restored) != len(ld.Profiles) {
		return false
	}
	byName := make(map[string]vcem.Profile, len(ld.Profiles))
	for _, p := range ld.Profiles {
		byName[p.Name] = p
	}
	for _, p := range restored {
		lp, ok := byName[p.Name]
		if !ok || !sameProfile(p, lp) {
			return false
		}
	}
	return true
}

// profilesByDomain indexes a snapshot's profiles by domain, in one pass.
func profilesByDomain(s *vcem.Snapshot) map[string][]vcem.Profile {
	out := map[string][]vcem.Profile{}
	for _, p := range s.Profiles {
		out[p.DomainID] = append(out[p.DomainID], p)
	}
	return out
}

func sameProfile(a, b vcem.Profile) bool {
	return a.Name == b.Name && a.Bay == b.Bay && a.SerialNumber == b.SerialNumber &&
		slices.Equal(a.Ethernet, b.Ethernet) && slices.Equal(a.ISCSI, b.ISCSI) &&
		slices.Equal(a.FCoE, b.FCoE) && slices.Equal(a.FC, b.FC)
}

func sameModules(a, b []vcem.Module) bool {
	key := func(m vcem.Module) string {
		return fmt.Sprintf("%s\x00%d\x00%s\x00%s", m.Enclosure, m.Bay, m.Type, m.Serial)
	}
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, m := range a {
		ka[i] = key(m)
	}
	for i, m := range b {
		kb[i] = key(m)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func sortedKeys[M ~map[string]V, V any](m M) []string { return slices.Sorted(maps.Keys(m)) }
