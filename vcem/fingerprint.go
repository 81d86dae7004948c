package vcem

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Fingerprint returns the hex SHA-256 of the snapshot's canonical binary
// encoding (see [FingerprintVersion]), streamed into the hash without
// building the encoding in memory. Equal snapshots (as [Snapshot.Equal]
// defines it) have equal fingerprints and, barring a SHA-256 collision,
// unequal ones differ — so a plan can record what it was computed from and
// refuse to run on a state that moved.
//
// Fingerprint only reads s; it may run concurrently with other readers of
// s, not with a writer. The error is non-nil only if hashing fails, which
// SHA-256 never does; it is kept so that the signature can stay stable.
func (s *Snapshot) Fingerprint() (string, error) {
	h := sha256.New()
	if err := newCanonEncoder(h).snapshot(s); err != nil {
		return "", fmt.Errorf("vcem: snapshot fingerprint: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
