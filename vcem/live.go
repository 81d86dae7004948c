package vcem

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// LiveDomain is what one VC domain holds now, as read through VCEM (a managed
// domain) or directly from its VC Manager with caller-supplied credentials.
//
// Domain carries the VCEM domain ID (for a domain read with credentials, the
// ID the caller chose: the restored ID for a domain removed from a group, any
// new ID for one added), the current group membership (GroupID, empty when in
// no group) and modules. Profiles' IDs are ignored: VC does not know VCEM's
// profile IDs, so identity is [ProfileKey] (domain ID + name).
//
// Reachable false means the domain could not be read (Domain then carries at
// least the ID and the VC Manager address, Profiles nothing).
type LiveDomain struct {
	Domain         Domain    `json:"domain"`
	Profiles       []Profile `json:"profiles,omitempty"`
	Reachable      bool      `json:"reachable"`
	ViaCredentials bool      `json:"viaCredentials,omitempty"` // read directly from the VC Manager
}

// DomainRef is a domain as VCEM lists it.
type DomainRef struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Manager string `json:"manager,omitempty"`
	GroupID string `json:"groupId,omitempty"`
}

// DomainTarget names a domain to read directly from its VC Manager: the ID to
// give it in the analysis and the VC Manager's address.
type DomainTarget struct {
	ID      string `json:"id"`
	Manager string `json:"manager"`
}

// checkLive reports malformed live input: empty or repeated domain IDs,
// profiles without a name, named twice in one domain or placed in another
// domain, unknown address types and VCEM-pool node WWNs that break the VC
// rule.
func checkLive(live []LiveDomain) error {
	var errs []string
	seen := make(map[string]bool, len(live))
	names := map[string]bool{}
	for i, ld := range live {
		id := ld.Domain.ID
		switch {
		case id == "":
			errs = append(errs, fmt.Sprintf("live[%d]: domain ID is empty", i))
			continue
		case seen[id]:
			errs = append(errs, fmt.Sprintf("live[%d]: domain %q is listed twice", i, id))
			continue
		}
		seen[id] = true
		if !ld.Reachable {
			if len(ld.Profiles) > 0 {
				errs = append(errs, fmt.Sprintf("domain %q: unreachable but lists %d profiles", id, len(ld.Profiles)))
			}
			continue
		}
		clear(names) // one map for every domain
		for j := range ld.Profiles {
			p := &ld.Profiles[j]
			switch {
			case p.Name == "":
				errs = append(errs, fmt.Sprintf("domain %q: profiles[%d] has no name", id, j))
			case names[p.Name]:
				errs = append(errs, fmt.Sprintf("domain %q: profile name %q appears twice", id, p.Name))
			}
			names[p.Name] = true
			if p.DomainID != "" && p.DomainID != id {
				errs = append(errs, fmt.Sprintf("domain %q: profile %q says it is in domain %q", id, p.Name, p.DomainID))
			}
			p.checkNodeWWNs(func(s slot, err error) {
				errs = append(errs, fmt.Sprintf("domain %q: profile %q %s: %v", id, p.Name, s, err))
			})
			p.checkPorts(func(s slot, port int) {
				errs = append(errs, fmt.Sprintf("domain %q: profile %q %s: port %d is negative", id, p.Name, s, port))
			})
			p.eachAddr(func(a profileAddr) {
				if !a.typ.Valid() {
					errs = append(errs, fmt.Sprintf("domain %q: profile %q %s: address type %q is unknown", id, p.Name, a.slot, a.typ))
				}
			})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	slices.Sort(errs)
	return fmt.Errorf("vcem: %w: %s", ErrInvalidLive, strings.Join(errs, "; "))
}

// liveDomainJSON is LiveDomain without its methods: the shape strict
// decoding walks.
type liveDomainJSON LiveDomain

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*LiveDomain) JSONShape() any { return (*liveDomainJSON)(nil) }

// UnmarshalJSON reads a live domain strictly (internal/strictjson): an
// unknown, repeated or case-folded key, a missing field or a bad address is
// an error naming its path. On error d is unchanged.
//
// The form AppendLiveJSON writes takes a hand-written fast path
// (decodeLiveFast); anything else, every error included, is decoded by the
// reflective strict walk, which says what is wrong.
func (d *LiveDomain) UnmarshalJSON(b []byte) error {
	if ld, ok := decodeLiveFast(b); ok {
		*d = ld
		return nil
	}
	return d.unmarshalWalked(b)
}

// unmarshalWalked is UnmarshalJSON by internal/strictjson's reflective
// walk: every input, with every error message.
func (d *LiveDomain) unmarshalWalked(b []byte) error {
	return decodeStrict("live domain", b, (*liveDomainJSON)(d))
}

// FingerprintLiveVersion names the canonical encoding [FingerprintLive]
// hashes; it is the first thing hashed. The encoding is that of
// [FingerprintVersion]'s domains and profiles: uvarint n domains sorted by
// ID, each (domain, byte Reachable, byte ViaCredentials, uvarint k
// profiles sorted by name, each a profile with ID "" and DomainID the
// domain's). Enclosures are sorted and modules sorted by enclosure, bay,
// type and serial, since their order carries no meaning.
const FingerprintLiveVersion = "vcem.Live/canonical-v1"

// canonicalLive returns copies of the live domains in canonical form: what
// carries no meaning (read order, profile IDs VC does not know, an empty
// profile DomainID) is normalised away, so two reads of the same estate
// fingerprint and diff alike. A domain ID or a profile name within a domain
// listed twice is an error, but the copies are returned all the same.
func canonicalLive(live []LiveDomain) ([]LiveDomain, error) {
	var errs []error
	out := make([]LiveDomain, len(live))
	for i, ld := range live {
		ld.Domain.Enclosures = slices.Sorted(slices.Values(ld.Domain.Enclosures))
		ld.Domain.Modules = slices.Clone(ld.Domain.Modules)
		slices.SortFunc(ld.Domain.Modules, func(a, b Module) int {
			return cmp.Or(strings.Compare(a.Enclosure, b.Enclosure), cmp.Compare(a.Bay, b.Bay),
				strings.Compare(a.Type, b.Type), strings.Compare(a.Serial, b.Serial))
		})
		ps := make([]Profile, len(ld.Profiles))
		for j, p := range ld.Profiles {
			p.ID, p.DomainID = "", ld.Domain.ID
			ps[j] = p
		}
		slices.SortStableFunc(ps, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
		for j := 1; j < len(ps); j++ {
			if ps[j].Name == ps[j-1].Name {
				errs = append(errs, fmt.Errorf("vcem: live: domain %q: profile name %q appears twice: %w", ld.Domain.ID, ps[j].Name, ErrInvalidLive))
			}
		}
		ld.Profiles = ps
		out[i] = ld
	}
	slices.SortStableFunc(out, func(a, b LiveDomain) int { return strings.Compare(a.Domain.ID, b.Domain.ID) })
	for i := 1; i < len(out); i++ {
		if out[i].Domain.ID == out[i-1].Domain.ID {
			errs = append(errs, fmt.Errorf("vcem: live: domain %q is listed twice: %w", out[i].Domain.ID, ErrInvalidLive))
		}
	}
	return out, errors.Join(errs...)
}

// FingerprintLive returns "sha256:" and the hex SHA-256 of the live domains'
// canonical encoding (see [FingerprintLiveVersion]): the engine records it
// with a plan and refuses the plan when the live estate moved. It does not
// depend on the order the domains, their profiles, enclosures or modules
// were read in, nor on profile IDs (VC does not know them); nil and empty
// alike. It agrees with [DiffLive]: equal fingerprints exactly when DiffLive
// is empty. A domain ID, or a profile name within a domain, listed twice is
// an error wrapping [ErrInvalidLive].
func FingerprintLive(live []LiveDomain) (string, error) {
	c, err := canonicalLive(live)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	e := newCanonEncoder(h)
	e.str(FingerprintLiveVersion)
	e.uvarint(uint64(len(c)))
	for _, ld := range c {
		e.domain(ld.Domain)
		e.bool(ld.Reachable)
		e.bool(ld.ViaCredentials)
		e.uvarint(uint64(len(ld.Profiles)))
		for j := range ld.Profiles {
			e.profile(&ld.Profiles[j])
		}
	}
	if err := e.flush(); err != nil {
		return "", fmt.Errorf("vcem: live fingerprint: %w", err)
	}
	return fingerprintPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// DiffLive compares two reads of the live domains: a "domain" Difference
// per domain added, removed or changed (its fields, reachability, how it
// was read), then a "profile" Difference per profile (ID "domain/name").
// Like [FingerprintLive] it ignores read order and profile IDs; nil and
// empty alike. Live data listing a domain (or a profile name in a domain)
// twice compares as if only its first entry were there (FingerprintLive
// refuses it).
func DiffLive(from, to []LiveDomain) []Difference {
	a, b := liveByID(from), liveByID(to)
	out := diffMaps(nil, RecordDomain, a, b, func(x, y LiveDomain) string {
		return fields(domainDetail(x.Domain, y.Domain),
			field("reachable", strconv.FormatBool(x.Reachable), strconv.FormatBool(y.Reachable)),
			field("viaCredentials", strconv.FormatBool(x.ViaCredentials), strconv.FormatBool(y.ViaCredentials)))
	})
	return diffMaps(out, RecordProfile, liveProfiles(a), liveProfiles(b), profileDetail)
}

// liveByID indexes the canonical form of live by domain ID, keeping the
// first entry of a repeated ID.
func liveByID(live []LiveDomain) map[string]LiveDomain {
	first := make([]LiveDomain, 0, len(live))
	seen := make(map[string]bool, len(live))
	for _, ld := range live {
		if !seen[ld.Domain.ID] {
			seen[ld.Domain.ID] = true
			first = append(first, ld)
		}
	}
	c, _ := canonicalLive(first) // a repeated profile name is dropped by liveProfiles
	out := make(map[string]LiveDomain, len(c))
	for _, ld := range c {
		out[ld.Domain.ID] = ld
	}
	return out
}

// liveProfiles indexes every profile of the domains by "domain/name",
// keeping the first of a repeated name.
func liveProfiles(ds map[string]LiveDomain) map[string]Profile {
	out := map[string]Profile{}
	for _, ld := range ds {
		for _, p := range ld.Profiles {
			k := p.Key().String()
			if _, dup := out[k]; !dup {
				out[k] = p
			}
		}
	}
	return out
}
