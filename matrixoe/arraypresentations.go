package matrixoe

import (
	"errors"
	"fmt"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

// WithArrayPresentations returns a copy of the predicted SPM catalog whose
// presentations are the ones the arrays show now, for [AnalyzeLSMAnalyzer].
//
// Why: spm's prediction of storage phase 1 (spm.PredictInternalRecovery and
// the changes of spm.Analyze) quarantines volumes and marks services
// non-conformant but keeps the catalog's presentations as restored, while
// lsmanalyzer judges a storage pool entry against what its volumes are
// presented to on the array: table 15's "Volume7's presentation does not
// match" (unpresented after the backup) and "presented on the array, but the
// catalog thinks it is available" (Volume4, Volume8) are array facts. That
// lsmanalyzer reads the array's presentation through SPM is INFER (BR70 p58
// does not say where it reads it); this function is the one place that
// holds it.
//
// A catalog volume is matched to the array's volume by array ID and WWN, as
// spm.Analyze matches them. A volume on an array that live does not report
// (unreachable) keeps its catalog presentations; a volume its array no
// longer holds has none. current and live are not modified; live must
// validate.
func WithArrayPresentations(current *spm.Snapshot, live *spm.Live) (*spm.Snapshot, error) {
	if current == nil || live == nil {
		return nil, errors.New("matrixoe: WithArrayPresentations: nil input")
	}
	if err := live.Validate(); err != nil {
		return nil, fmt.Errorf("matrixoe: WithArrayPresentations: %w", err)
	}
	type key struct {
		array string
		wwn   addrpool.WWN
	}
	byWWN := make(map[key]string, len(current.Volumes))
	for _, id := range sortedKeys(current.Volumes) {
		v := current.Volumes[id]
		byWWN[key{v.ArrayID, v.WWN}] = id
	}
	out := current.Clone()
	out.Presentations = slices.DeleteFunc(out.Presentations, func(p spm.Presentation) bool {
		v, ok := current.Volumes[p.VolumeID]
		if !ok {
			return false // not ours to judge: Validate reports it
		}
		_, reachable := live.Arrays[v.ArrayID]
		return reachable
	})
	for _, aid := range sortedKeys(live.Arrays) {
		for _, lp := range live.Arrays[aid].Presentations {
			id, ok := byWWN[key{aid, lp.VolumeWWN}]
			if !ok {
				continue // a volume the catalog does not know: spm phase 1 reports it
			}
			out.Presentations = append(out.Presentations, spm.Presentation{VolumeID: id, Initiator: lp.Initiator, Host: lp.Host, LUN: lp.LUN})
		}
	}
	return out, nil
}
