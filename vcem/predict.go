package vcem

import (
	"fmt"
	"slices"
	"strings"
)

// PredictResync returns the changes VCEM's phase-2 resync is predicted to
// make to the VCEM database, so that a dry run can analyse storage phase 2
// (matrixoe's logical-server refresh, which reads "the updated VCEM
// database", BR70 p59) on the state phase 2 will leave.
//
// restored is the database the resync starts from: the restored snapshot
// with VCEM phase 1's changes applied. live is what the domains hold now
// (as read by [GatherLive] for phase 1). For each domain VCEM manages and
// read live, every profile present on both sides (same [ProfileKey]) takes
// the domain's bay, assigned or unassigned: one [SetProfileBay] per profile
// whose bay differs, in profile ID order. That rule is INFER; everything the
// resync might do beyond it — importing profiles that exist only on a
// domain, removing profiles that exist only in the database, other fields —
// is unknown and not predicted (see assumptions.go).
//
// Both rules are the [ResyncModel]; [WithResyncModel] replaces them.
//
// PredictResync is pure. Applying its changes and predicting again yields
// none (for the default model). A snapshot that fails [Snapshot.Validate]
// (checked unless [Prevalidated] is given) or malformed live data is an
// error.
func PredictResync(restored *Snapshot, live []LiveDomain, opts ...AnalysisOption) (Changes, error) {
	cfg := newAnalysisConfig(opts)
	if restored == nil {
		return nil, fmt.Errorf("vcem: predict resync: snapshot is nil: %w", ErrInvalid)
	}
	if !cfg.prevalidated {
		if err := restored.Validate(); err != nil {
			return nil, fmt.Errorf("vcem: predict resync: snapshot: %w", err)
		}
	}
	if err := checkLive(live); err != nil {
		return nil, fmt.Errorf("vcem: predict resync: %w", err)
	}
	n := 0
	for i := range live {
		n += len(live[i].Profiles)
	}
	liveProfiles := make(map[ProfileKey]*Profile, n)
	var domains []string // the domains resynced
	for i := range live {
		ld := &live[i]
		if !cfg.model.Resynced(restored, *ld) {
			continue
		}
		domains = append(domains, ld.Domain.ID)
		for j := range ld.Profiles {
			liveProfiles[ProfileKey{ld.Domain.ID, ld.Profiles[j].Name}] = &ld.Profiles[j]
		}
	}
	// Visit the restored profiles in map order (no sorting of every ID, no
	// second lookup) and sort only those that change.
	type predicted struct {
		id      string
		changes Changes
	}
	var found []predicted
	if len(liveProfiles) == 0 {
		return nil, nil
	}
	// A resync of a few domains (VCEM phase 2 resyncs one at a time)
	// skips the other domains' profiles on a string compare instead of
	// hashing each profile's key.
	few := len(domains) <= 8
	for id, p := range restored.Profiles {
		if few && !slices.Contains(domains, p.DomainID) {
			continue
		}
		lp, ok := liveProfiles[p.Key()]
		if !ok {
			continue // domain not resynced, or the profile is not on it: not predicted
		}
		if cs := cfg.model.Profile(p, *lp); len(cs) > 0 {
			found = append(found, predicted{id, cs})
		}
	}
	slices.SortFunc(found, func(a, b predicted) int { return strings.Compare(a.id, b.id) })
	var out Changes
	for _, f := range found {
		out = append(out, f.changes...)
	}
	return out, nil
}
