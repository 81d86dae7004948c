package vcem

import (
	"strings"
	"sync"

	"github.com/mxsync-go/mxsync/internal/canoncache"
)

// Chain is a snapshot that changes only through [Chain.Apply], so that its
// [Chain.Fingerprint] encodes again only the profiles changed since the
// last one instead of all of them: a plan's predicted state is
// fingerprinted after every phase that changes it, and a phase changes a
// few profiles of tens of thousands. The fingerprints are
// [Snapshot.Fingerprint]'s, byte for byte. The pools, which every change
// may touch, are encoded whole each time, beside the profiles as
// Fingerprint does.
//
// The chain keeps the canonical encoding of every profile between
// fingerprints.
//
// Snapshot and Fingerprint may be called from several goroutines at once;
// Apply must not run beside any other call.
type Chain struct {
	s *Snapshot

	mu       sync.Mutex                 // guards what follows: Fingerprint runs beside readers
	dirty    touched                    // the profiles Apply wrote since the last Fingerprint
	profiles canoncache.Section[string] // key, then profile, as the encoding writes them
	order    Fingerprinter              // the groups' and domains' key orders, the pools' buffer
}

// NewChain returns a chain starting at a clone of s (nil: an empty
// snapshot); s itself is not changed by the chain.
func NewChain(s *Snapshot) *Chain {
	c := s.Clone()
	if c == nil {
		c = &Snapshot{}
	}
	return &Chain{s: c, dirty: touched{}}
}

// Snapshot is the chain's state. It must be read only: a change made to it
// other than through Apply would not be seen by the next Fingerprint.
func (c *Chain) Snapshot() *Snapshot { return c.s }

// Apply is [ApplyAll] on the chain's state, all or nothing, noting which
// profiles it wrote.
func (c *Chain) Apply(cs ...Change) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return applyAll(c.s, c.dirty, cs...)
}

// Fingerprint returns c.Snapshot().Fingerprint(), encoding again only the
// profiles Apply wrote since the last call.
func (c *Chain) Fingerprint() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	var w appendWriter
	e := newCanonEncoder(&w)
	canoncache.RefreshMap(&c.profiles, s.Profiles, c.dirty, strings.Compare, func(b []byte, k string, p Profile) []byte {
		w.b = b
		e.str(k)
		e.profile(&p)
		_ = e.flush() // appends: cannot fail
		return w.b
	})
	clear(c.dirty)
	return fingerprintOf(s, &c.order, &c.profiles)
}

// touched is the set of profile IDs a batch wrote; nil notes nothing.
type touched map[string]struct{}

func (t touched) note(id string) {
	if t != nil {
		t[id] = struct{}{}
	}
}

// appendWriter collects what is written to it.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
