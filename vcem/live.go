package vcem

import (
	"fmt"
	"slices"
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
		names := make(map[string]bool, len(ld.Profiles))
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
