package vcemtest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// LiveData is a Live's whole state as plain, JSON-able data: the VC domains
// and the live VCEM database the fake keeps beside them (the domains it
// knows, its MAC and WWN pools). A composed estate saves it to back the live
// side up and rebuilds it with [LiveFromData]; Data and LiveFromData round
// trip exactly, through JSON too.
type LiveData struct {
	Domains   []LiveDomainData             `json:"domains"`   // sorted by ID
	VCEMKnows []string                     `json:"vcemKnows"` // the domains the live VCEM database knows, sorted
	MACs      *addrpool.Pool[addrpool.MAC] `json:"macs"`      // the live VCEM's pools
	WWNs      *addrpool.Pool[addrpool.WWN] `json:"wwns"`
}

// LiveDomainData is one VC domain of [LiveData].
type LiveDomainData struct {
	Domain    vcem.Domain    `json:"domain"`
	Profiles  []vcem.Profile `json:"profiles"`  // sorted by name; IDs empty (VC does not know VCEM's)
	Managed   bool           `json:"managed"`   // under VCEM control (in a group)
	Reachable bool           `json:"reachable"` // its VC Manager answers
	Login     *Login         `json:"login,omitempty"`
}

// Login is the VC Manager login a fake domain accepts ([Live.SetCredentials]).
// It is test data, kept in clear so that a saved estate restores with the
// same login: never give a fake a real password. (vcem.Credentials, which
// redact themselves in every output, would not round-trip.)
type Login struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// liveDataJSON is LiveData without its methods.
type liveDataJSON LiveData

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*LiveData) JSONShape() any { return (*liveDataJSON)(nil) }

// UnmarshalJSON reads live data strictly at every level (unknown, repeated
// or case-folded keys, missing fields and bad values are errors naming
// their path).
func (d *LiveData) UnmarshalJSON(b []byte) error {
	return decodeStrict("live data", b, (*liveDataJSON)(d))
}

// Data returns a copy of the live estate's whole state.
func (l *Live) Data() LiveData {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := LiveData{VCEMKnows: slices.Sorted(maps.Keys(l.vcemKnows)), MACs: l.macs.Clone(), WWNs: l.wwns.Clone()}
	for _, id := range slices.Sorted(maps.Keys(l.domains)) {
		x := l.domains[id]
		dd := LiveDomainData{Domain: cloneDomain(x.domain), Profiles: []vcem.Profile{}, Managed: x.managed, Reachable: x.reachable}
		for _, name := range slices.Sorted(maps.Keys(x.profiles)) {
			dd.Profiles = append(dd.Profiles, x.profiles[name].Clone())
		}
		if !x.creds.IsZero() {
			dd.Login = &Login{Username: x.creds.Username(), Password: x.creds.Password()}
		}
		d.Domains = append(d.Domains, dd)
	}
	if d.Domains == nil {
		d.Domains = []LiveDomainData{}
	}
	return d
}

// LiveFromData rebuilds a live estate from [Live.Data]. The pools are
// required; an empty or repeated domain ID, two domains with one VC Manager
// address, a profile without a name, twice in one domain or naming another
// domain are errors wrapping vcem.ErrInvalid.
func LiveFromData(d LiveData, opts ...Option) (*Live, error) {
	if d.MACs == nil || d.WWNs == nil {
		return nil, fmt.Errorf("vcemtest: live data: both pools are required: %w", vcem.ErrInvalid)
	}
	o := collect(opts)
	l := &Live{domains: map[string]*liveDomain{}, vcemKnows: map[string]bool{}, macs: d.MACs, wwns: d.WWNs, faults: o.faults}
	if !o.adopt {
		l.macs, l.wwns = d.MACs.Clone(), d.WWNs.Clone()
	}
	managers := map[string]string{}
	var errs []string
	for i, dd := range d.Domains {
		id := dd.Domain.ID
		switch {
		case id == "":
			errs = append(errs, fmt.Sprintf("domains[%d]: empty ID", i))
			continue
		case l.domains[id] != nil:
			errs = append(errs, fmt.Sprintf("domains[%d]: domain %q listed twice", i, id))
			continue
		}
		if m := dd.Domain.Manager; m != "" {
			if other, dup := managers[m]; dup {
				errs = append(errs, fmt.Sprintf("domains[%d]: domains %q and %q share VC Manager address %s", i, other, id, m))
			}
			managers[m] = id
		}
		x := &liveDomain{domain: dd.Domain, profiles: make(map[string]vcem.Profile, len(dd.Profiles)), managed: dd.Managed, reachable: dd.Reachable}
		if !o.adopt {
			x.domain = cloneDomain(dd.Domain)
		}
		if dd.Login != nil {
			x.creds = vcem.NewCredentials(dd.Login.Username, dd.Login.Password)
		}
		for j, p := range dd.Profiles {
			switch {
			case p.Name == "":
				errs = append(errs, fmt.Sprintf("domains[%d].profiles[%d]: empty name", i, j))
			case x.profiles[p.Name].Name != "":
				errs = append(errs, fmt.Sprintf("domains[%d].profiles[%d]: name %q listed twice", i, j, p.Name))
			case p.DomainID != "" && p.DomainID != id:
				errs = append(errs, fmt.Sprintf("domains[%d].profiles[%d]: profile %q says it is in domain %q", i, j, p.Name, p.DomainID))
			default:
				p.ID, p.DomainID = "", id
				if !o.adopt {
					p = p.Clone()
				}
				x.profiles[p.Name] = p
			}
		}
		l.domains[id] = x
	}
	for _, id := range d.VCEMKnows {
		l.vcemKnows[id] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("vcemtest: live data: %s: %w", strings.Join(errs, "; "), vcem.ErrInvalid)
	}
	return l, nil
}
