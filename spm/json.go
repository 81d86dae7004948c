package spm

import (
	"fmt"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Every JSON document of the package decodes strictly, at every level
// (internal/strictjson): an unknown key, a key given twice, a key that
// matches only case-insensitively, a missing field (every field without
// omitempty is required, as the encoders always write it), null where a
// value is required, a bad value and trailing data are errors that name the
// JSON path (`volumes["vol7"].wwn: …`, with line and column) and quote
// only a short prefix of a bad value. Each type with its own UnmarshalJSON
// decodes into a method-less shape of itself and exposes that shape through
// JSONShape, so that a document embedding it (a plan, a journal) is checked
// in one pass with the full path.

// decodeStrict decodes b into shape (a pointer to a method-less copy of
// the type being decoded) strictly; on error nothing is written.
func decodeStrict(b []byte, shape any, what string) error {
	if err := strictjson.Unmarshal(b, shape); err != nil {
		return fmt.Errorf("spm: decode %s: %w", what, err)
	}
	return nil
}

type (
	snapshotJSON     Snapshot
	liveJSON         Live
	findingJSON      Finding
	modeChangeJSON   ModeChange
	phase1ResultJSON Phase1Result
	serviceNamesJSON ServiceNames
)

// UnmarshalJSON decodes a snapshot strictly (see the package's JSON
// rules): e.g. `volumes["vol7"].wwn: "zz": …` for a bad WWN.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	return decodeStrict(b, (*snapshotJSON)(s), "catalog snapshot")
}

// JSONShape implements strictjson.Shaper.
func (*Snapshot) JSONShape() any { return (*snapshotJSON)(nil) }

// UnmarshalJSON decodes the live side strictly, e.g.
// `arrays["3par-1"].volumes[1].wwn: …`.
func (l *Live) UnmarshalJSON(b []byte) error { return decodeStrict(b, (*liveJSON)(l), "live arrays") }

// JSONShape implements strictjson.Shaper.
func (*Live) JSONShape() any { return (*liveJSON)(nil) }

// UnmarshalJSON decodes a finding strictly; its changes decode as
// [Changes] do.
func (f *Finding) UnmarshalJSON(b []byte) error { return decodeStrict(b, (*findingJSON)(f), "finding") }

// JSONShape implements strictjson.Shaper.
func (*Finding) JSONShape() any { return (*findingJSON)(nil) }

// UnmarshalJSON decodes a ModeChange strictly, e.g. from the journal of a
// run that crashed while SPM was in Internal Recovery.
func (mc *ModeChange) UnmarshalJSON(b []byte) error {
	return decodeStrict(b, (*modeChangeJSON)(mc), "RecoveryMode change")
}

// JSONShape implements strictjson.Shaper.
func (*ModeChange) JSONShape() any { return (*modeChangeJSON)(nil) }

// UnmarshalJSON decodes a Phase1Result strictly.
func (r *Phase1Result) UnmarshalJSON(b []byte) error {
	return decodeStrict(b, (*phase1ResultJSON)(r), "phase 1 result")
}

// JSONShape implements strictjson.Shaper.
func (*Phase1Result) JSONShape() any { return (*phase1ResultJSON)(nil) }

// UnmarshalJSON decodes service names strictly (a caller's configuration).
func (n *ServiceNames) UnmarshalJSON(b []byte) error {
	return decodeStrict(b, (*serviceNamesJSON)(n), "service names")
}

// JSONShape implements strictjson.Shaper.
func (*ServiceNames) JSONShape() any { return (*serviceNamesJSON)(nil) }
