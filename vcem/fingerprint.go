package vcem

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/mxsync-go/mxsync/internal/canoncache"
	"github.com/mxsync-go/mxsync/internal/keyorder"
)

// parallelPoolEntries is the number of In use and External addresses from
// which [Snapshot.Fingerprint] encodes the pools on a second goroutine. The
// pools' cost is one owner lookup per In use address; below this it is not
// worth a goroutine and a buffer.
const parallelPoolEntries = 1 << 14

// poolEntryBytes sizes the pools' buffer: an In use entry is 10 bytes plus
// its owner's ID.
const poolEntryBytes = 24

// Fingerprint returns "sha256:" and the hex SHA-256 of the snapshot's
// canonical binary encoding (see [FingerprintVersion]), streamed into the
// hash without building the models' encoding in memory. Equal snapshots (as
// [Snapshot.Equal] defines it; nil and empty alike) have equal fingerprints
// and, barring a SHA-256 collision, unequal ones differ — so a plan can
// record what it was computed from and refuse to run on a state that moved.
//
// On a large snapshot the pools are encoded into a buffer by a second
// goroutine while the groups, domains and profiles are hashed; the bytes
// hashed are the same either way.
//
// Fingerprint only reads s; it may run concurrently with other readers of
// s, not with a writer. The error is non-nil only if hashing fails, which
// SHA-256 never does; it is kept so that the signature can stay stable.
func (s *Snapshot) Fingerprint() (string, error) {
	return (*Fingerprinter)(nil).Fingerprint(s)
}

// Fingerprinter gives the same fingerprints as [Snapshot.Fingerprint],
// faster for a sequence of snapshots that differ in a few records (a
// plan's predicted states after each phase): it remembers the sorted keys
// of the groups, domains and profiles, and does not sort them again while
// they stay the same, and it reuses the buffer a large snapshot's pools
// are encoded into. The zero value is ready; a nil *Fingerprinter
// remembers nothing. It is safe for concurrent use.
type Fingerprinter struct {
	groups, domains, profiles keyorder.Cache[string]

	mu    sync.Mutex
	pools []byte // the pools' buffer, free for the next fingerprint
}

// takeBuffer returns the remembered pools buffer, emptied (nil when there
// is none, or when another fingerprint has it).
func (f *Fingerprinter) takeBuffer() []byte {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.pools
	f.pools = nil
	return b[:0]
}

// giveBuffer hands the pools buffer back for the next fingerprint.
func (f *Fingerprinter) giveBuffer(b []byte) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if cap(b) > cap(f.pools) {
		f.pools = b
	}
}

// Fingerprint returns s.Fingerprint().
func (f *Fingerprinter) Fingerprint(s *Snapshot) (string, error) { return fingerprintOf(s, f, nil) }

// fingerprintOf hashes writeCanonical's encoding of s.
func fingerprintOf(s *Snapshot, f *Fingerprinter, profiles *canoncache.Section[string]) (string, error) {
	h := sha256.New()
	if err := writeCanonical(h, s, parallelPoolEntries, f, profiles); err != nil {
		return "", fmt.Errorf("vcem: snapshot fingerprint: %w", err)
	}
	return fingerprintPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprintPrefix names the hash of every fingerprint of the package.
const fingerprintPrefix = "sha256:"

// writeCanonical writes the canonical encoding of s to w, encoding the pools
// concurrently when they hold at least parallelAt In use or External
// addresses, with the profiles' records taken from profiles when it is not
// nil (a Chain's, in step with s).
func writeCanonical(w io.Writer, s *Snapshot, parallelAt uint64, f *Fingerprinter, profiles *canoncache.Section[string]) error {
	e := newCanonEncoder(w)
	e.order, e.profiles = f, profiles
	var inUse, entries uint64
	if s != nil && s.MACs != nil {
		c := s.MACs.Counts()
		inUse, entries = inUse+c.InUse, entries+c.InUse+c.External
	}
	if s != nil && s.WWNs != nil {
		c := s.WWNs.Counts()
		inUse, entries = inUse+c.InUse, entries+c.InUse+c.External
	}
	if s == nil || entries < parallelAt {
		return e.snapshot(s)
	}
	pools := bytes.NewBuffer(f.takeBuffer())
	pools.Grow(int(min(inUse, 1<<24))*poolEntryBytes + 4096) // External runs are few bytes; it grows if need be
	done := make(chan error, 1)
	go func() {
		pe := newCanonEncoder(pools)
		encodePool(pe, s.MACs)
		encodePool(pe, s.WWNs)
		done <- pe.flush()
	}()
	e.models(s)
	if err := <-done; err != nil {
		return err
	}
	err := e.raw(pools.Bytes())
	f.giveBuffer(pools.Bytes()) // the pools' goroutine is done with it
	return err
}
