package vcm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/vcem"
)

// checkLive applies the rules vcem's analysis demands of live data (vcem's
// own check is unexported, so they are restated here) to one domain read,
// so that the caller gets an error naming the domain and field instead of
// data that analysis would refuse as a whole: profile names present and
// unique, every profile in this domain, known address types, VCEM-pool node
// WWN = port WWN + 1 ([vcem.CheckNodeWWN]), no two modules in one bay.
func checkLive(ld vcem.LiveDomain) error {
	id := ld.Domain.ID
	var errs []string
	if id == "" {
		errs = append(errs, "domain ID is empty")
	}
	names := make(map[string]bool, len(ld.Profiles))
	for j, p := range ld.Profiles {
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Sprintf("profiles[%d] field name: empty", j))
		case names[p.Name]:
			errs = append(errs, fmt.Sprintf("profile %q field name: appears twice", p.Name))
		}
		names[p.Name] = true
		if p.DomainID != id {
			errs = append(errs, fmt.Sprintf("profile %q field domainId: %q", p.Name, p.DomainID))
		}
		for _, a := range p.Addresses() {
			if !a.Type.Valid() {
				errs = append(errs, fmt.Sprintf("profile %q field %s: address type %q is unknown", p.Name, a.Field, a.Type))
			}
		}
		for i, c := range p.FC {
			if c.AddressType == vcem.AddressVCEMPool {
				if err := vcem.CheckNodeWWN(c.PortWWN, c.NodeWWN); err != nil {
					errs = append(errs, fmt.Sprintf("profile %q field fc[%d].nodeWWN: %v", p.Name, i, err))
				}
			}
		}
		for i, c := range p.FCoE {
			if c.AddressType == vcem.AddressVCEMPool {
				if err := vcem.CheckNodeWWN(c.PortWWN, c.NodeWWN); err != nil {
					errs = append(errs, fmt.Sprintf("profile %q field fcoe[%d].nodeWWN: %v", p.Name, i, err))
				}
			}
		}
	}
	bays := map[string]bool{}
	for i, m := range ld.Domain.Modules {
		k := fmt.Sprintf("%s:%d", m.Enclosure, m.Bay)
		if bays[k] {
			errs = append(errs, fmt.Sprintf("modules[%d] field bay: %s holds two modules", i, k))
		}
		bays[k] = true
	}
	if len(errs) == 0 {
		return nil
	}
	slices.Sort(errs)
	return fmt.Errorf("vcm: domain %q: %w: %s", id, vcem.ErrInvalidLive, strings.Join(errs, "; "))
}
