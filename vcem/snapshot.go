package vcem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
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

// Clone returns an independent copy of s.
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

// snapshotJSON is the wire form; maps arrive raw so that duplicate IDs are
// detected instead of silently keeping the last one.
type snapshotJSON struct {
	Groups   json.RawMessage              `json:"groups"`
	Domains  json.RawMessage              `json:"domains"`
	Profiles json.RawMessage              `json:"profiles"`
	MACs     *addrpool.Pool[addrpool.MAC] `json:"macs"`
	WWNs     *addrpool.Pool[addrpool.WWN] `json:"wwns"`
}

// UnmarshalJSON reads the form json.Marshal writes. Unknown fields and an ID
// listed twice are errors naming the field or the IDs; the rest of the
// consistency checking is [Snapshot.Validate]'s job. On error s is unchanged.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	var raw snapshotJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("vcem: snapshot JSON: %w", err)
	}
	groups, err1 := decodeUniqueMap[DomainGroup](raw.Groups, "groups")
	domains, err2 := decodeUniqueMap[Domain](raw.Domains, "domains")
	profiles, err3 := decodeUniqueMap[Profile](raw.Profiles, "profiles")
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	*s = Snapshot{Groups: groups, Domains: domains, Profiles: profiles, MACs: raw.MACs, WWNs: raw.WWNs}
	return nil
}

// decodeUniqueMap decodes a JSON object into a map, reporting every key that
// appears more than once.
func decodeUniqueMap[T any](raw json.RawMessage, field string) (map[string]T, error) {
	out := map[string]T{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("vcem: snapshot JSON %s: %w", field, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("vcem: snapshot JSON %s: want an object keyed by ID, got %v", field, tok)
	}
	var dups []error
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("vcem: snapshot JSON %s: %w", field, err)
		}
		key, _ := tok.(string)
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("vcem: snapshot JSON %s[%q]: %w", field, key, err)
		}
		if _, dup := out[key]; dup {
			dups = append(dups, &ValidationIssue{Code: IssueDuplicateID, IDs: []string{key}, Field: field,
				Message: fmt.Sprintf("ID %q is listed more than once in %s", key, field)})
			continue
		}
		out[key] = v
	}
	if len(dups) > 0 {
		return nil, errors.Join(dups...)
	}
	return out, nil
}

// MarshalJSON writes the snapshot with absent maps as empty objects, so that
// a nil map and an empty one encode the same. The output is deterministic
// (maps in key order, pools as ranges, assignments and External ranges in
// address order), for people and files; [Snapshot.Fingerprint] hashes a
// binary form instead.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	type plain Snapshot
	p := plain(s)
	if p.Groups == nil {
		p.Groups = map[string]DomainGroup{}
	}
	if p.Domains == nil {
		p.Domains = map[string]Domain{}
	}
	if p.Profiles == nil {
		p.Profiles = map[string]Profile{}
	}
	return json.Marshal(p)
}
