package vcem

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Snapshot is the content of a VCEM database (restored, or predicted after
// changes): groups, domains, profiles and the MAC and WWN pools with each
// address's state. Maps are keyed by ID.
//
// A Snapshot is a value owned by one goroutine; [Snapshot.Clone] gives an
// independent copy (profiles are shared, as they are never edited in place).
type Snapshot struct {
	Groups   map[string]DomainGroup       `json:"groups"`
	Domains  map[string]Domain            `json:"domains"`
	Profiles map[string]Profile           `json:"profiles"`
	MACs     *addrpool.Pool[addrpool.MAC] `json:"macs"`
	WWNs     *addrpool.Pool[addrpool.WWN] `json:"wwns"`
}

// Clone returns an independent copy of s (nil for nil). Profiles are shared
// with s, as code never edits a profile in place.
func (s *Snapshot) Clone() *Snapshot {
	if s == nil {
		return nil
	}
	c := &Snapshot{
		Groups:   maps.Clone(s.Groups),
		Domains:  maps.Clone(s.Domains),
		Profiles: maps.Clone(s.Profiles),
	}
	if s.MACs != nil {
		c.MACs = s.MACs.Clone()
	}
	if s.WWNs != nil {
		c.WWNs = s.WWNs.Clone()
	}
	return c
}

// NewSnapshot returns an empty snapshot whose MAC and WWN pools have the given
// ranges and exclusions (see [addrpool.NewPool] for the rules).
func NewSnapshot(macRanges, macExclusions []addrpool.Range[addrpool.MAC], wwnRanges, wwnExclusions []addrpool.Range[addrpool.WWN]) (*Snapshot, error) {
	macs, err := addrpool.NewPool(macRanges, macExclusions)
	if err != nil {
		return nil, fmt.Errorf("vcem: MAC pool: %w", err)
	}
	wwns, err := addrpool.NewPool(wwnRanges, wwnExclusions)
	if err != nil {
		return nil, fmt.Errorf("vcem: WWN pool: %w", err)
	}
	return &Snapshot{
		Groups:   map[string]DomainGroup{},
		Domains:  map[string]Domain{},
		Profiles: map[string]Profile{},
		MACs:     macs,
		WWNs:     wwns,
	}, nil
}

// DomainProfiles returns the profiles of one domain sorted by name.
func (s *Snapshot) DomainProfiles(domainID string) []Profile {
	if s == nil {
		return nil
	}
	var out []Profile
	for _, p := range s.Profiles {
		if p.DomainID == domainID {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// snapshotJSON is the shape of a snapshot's JSON, walked by the strict
// check (every level: groups, domains, profiles, connections, pools, ranges).
type snapshotJSON struct {
	Groups   map[string]DomainGroup       `json:"groups"`
	Domains  map[string]Domain            `json:"domains"`
	Profiles map[string]Profile           `json:"profiles"`
	MACs     *addrpool.Pool[addrpool.MAC] `json:"macs"`
	WWNs     *addrpool.Pool[addrpool.WWN] `json:"wwns"`
}

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads, so a
// snapshot nested in a larger document is checked at every level without
// being decoded twice.
func (*Snapshot) JSONShape() any { return (*snapshotJSON)(nil) }

// UnmarshalJSON reads the form json.Marshal writes, strictly at every
// level (internal/strictjson): an unknown field, a key given twice (an ID
// listed twice included), a key that matches only in another case
// ("PROFILES"), a missing field, a bad address or trailing data is an error
// naming its JSON path, e.g.
//
//	vcem: snapshot JSON: profiles["d1:web"].ethernet[0].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 9, column 20)
//
// and a pool's own inconsistency is reported under "macs" or "wwns". The
// rest of the consistency checking is [Snapshot.Validate]'s job. Nil maps
// decode as empty ones. On error s is unchanged.
//
// The form MarshalJSON writes takes a hand-written fast path
// (decodeSnapshotFast); anything else, every error included, is decoded
// by the reflective strict walk, which says what is wrong.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	if out, ok := decodeSnapshotFast(b); ok {
		*s = *out
		return nil
	}
	return s.unmarshalWalked(b)
}

// unmarshalWalked is UnmarshalJSON by internal/strictjson's reflective
// walk: every input, with every error message.
func (s *Snapshot) unmarshalWalked(b []byte) error {
	var raw snapshotDecode
	if err := strictjson.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("vcem: snapshot JSON: %w", err)
	}
	out := Snapshot{Groups: raw.Groups, Domains: raw.Domains, Profiles: raw.Profiles}
	var errs []error
	if raw.MACs != nil {
		out.MACs = raw.MACs.pool
		if raw.MACs.err != nil {
			errs = append(errs, fmt.Errorf("vcem: snapshot JSON: macs: %w", raw.MACs.err))
		}
	}
	if raw.WWNs != nil {
		out.WWNs = raw.WWNs.pool
		if raw.WWNs.err != nil {
			errs = append(errs, fmt.Errorf("vcem: snapshot JSON: wwns: %w", raw.WWNs.err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	out.fillMaps()
	*s = out
	return nil
}

// snapshotDecode is what UnmarshalJSON decodes: the snapshot with pools
// that keep their own error (ranges that overlap, an External range over
// an In use address) aside, so that it is reported with the field that
// holds it once the document is known to be clean.
type snapshotDecode struct {
	Groups   map[string]DomainGroup    `json:"groups"`
	Domains  map[string]Domain         `json:"domains"`
	Profiles map[string]Profile        `json:"profiles"`
	MACs     *poolDecode[addrpool.MAC] `json:"macs"`
	WWNs     *poolDecode[addrpool.WWN] `json:"wwns"`
}

// poolDecode decodes a pool strictly; a problem of the JSON is an error,
// the pool's own inconsistency is kept in err.
type poolDecode[A addrpool.Address] struct {
	pool *addrpool.Pool[A]
	err  error
}

// JSONShape is the pool's.
func (*poolDecode[A]) JSONShape() any { return (*addrpool.Pool[A])(nil) }

// UnmarshalJSON decodes the pool.
func (p *poolDecode[A]) UnmarshalJSON(b []byte) error {
	np := new(addrpool.Pool[A])
	err := np.UnmarshalJSON(b)
	var se *strictjson.Error
	if errors.As(err, &se) {
		return err
	}
	p.pool, p.err = np, err
	return nil
}

// fillMaps replaces absent maps with empty ones: nil and empty mean the
// same, and JSON writes and reads them alike.
func (s *Snapshot) fillMaps() {
	if s.Groups == nil {
		s.Groups = map[string]DomainGroup{}
	}
	if s.Domains == nil {
		s.Domains = map[string]Domain{}
	}
	if s.Profiles == nil {
		s.Profiles = map[string]Profile{}
	}
}

// MarshalJSON writes the snapshot with absent maps as empty objects, so that
// a nil map and an empty one encode the same (and a nil *Snapshot, through
// json.Marshal, as null). The output is deterministic
// (maps in key order, pools as ranges, assignments and External ranges in
// address order), for people and files; [Snapshot.Fingerprint] hashes a
// binary form instead.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	return s.AppendJSON(make([]byte, 0, 1024+len(s.Profiles)*768))
}
