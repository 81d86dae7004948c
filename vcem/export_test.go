package vcem

// DecodeSnapshotFast is the fast path of Snapshot.UnmarshalJSON alone, for
// the tests that hold it to the reflective walk (json_dec_test.go).
func DecodeSnapshotFast(b []byte) (*Snapshot, bool) { return decodeSnapshotFast(b) }

// DecodeLiveFast is the fast path of LiveDomain.UnmarshalJSON alone.
func DecodeLiveFast(b []byte) (LiveDomain, bool) { return decodeLiveFast(b) }

// UnmarshalWalked is Snapshot.UnmarshalJSON by the reflective walk alone.
func (s *Snapshot) UnmarshalWalked(b []byte) error { return s.unmarshalWalked(b) }

// UnmarshalWalked is LiveDomain.UnmarshalJSON by the reflective walk alone.
func (d *LiveDomain) UnmarshalWalked(b []byte) error { return d.unmarshalWalked(b) }

// LiveDomainJSON is the shape the walk reads a live domain as.
type LiveDomainJSON = liveDomainJSON

// SnapshotJSON is the shape the walk reads a snapshot as.
type SnapshotJSON = snapshotJSON
