package vcem

// The fast decoders and the reflective walk, for the tests that hold the
// one to the other (json_dec_test.go).
var (
	DecodeSnapshotFast = decodeSnapshotFast
	DecodeLiveFast     = decodeLiveFast
)

// UnmarshalWalked is Snapshot.UnmarshalJSON by the reflective walk alone.
func (s *Snapshot) UnmarshalWalked(b []byte) error { return s.unmarshalWalked(b) }

// UnmarshalWalked is LiveDomain.UnmarshalJSON by the reflective walk alone.
func (d *LiveDomain) UnmarshalWalked(b []byte) error { return d.unmarshalWalked(b) }

// LiveDomainJSON is the shape the walk reads a live domain as.
type LiveDomainJSON = liveDomainJSON

// SnapshotJSON is the shape the walk reads a snapshot as.
type SnapshotJSON = snapshotJSON
