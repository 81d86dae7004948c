package matrixoetest

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// LiveData is the whole state of a [Live] as plain, JSON-serialisable data,
// so a composed estate can save and load its live side. Its JSON is decoded
// strictly (unknown, repeated, case-folded or missing keys, an address key
// not in canonical form, trailing data: errors naming the path).
type LiveData struct {
	VMs             map[string]matrixoe.PowerState `json:"vms"`
	IPs             matrixoe.IPOwners              `json:"ips"`
	Services        []string                       `json:"services"`
	DeletedServices []string                       `json:"deletedServices,omitempty"`
	CreatedServices []string                       `json:"createdServices,omitempty"` // of Services, those created after the backup
	ServiceVMs      map[string][]string            `json:"serviceVMs,omitempty"`      // live service name → the VMs it runs on
	Export          *matrixoe.RMExport             `json:"rmExport,omitempty"`
}

type liveDataJSON LiveData

// JSONShape lets a strict decoder of an enclosing type check LiveData in
// place, without decoding it twice.
func (*LiveData) JSONShape() any { return (*liveDataJSON)(nil) }

// UnmarshalJSON decodes strictly; on error d is unchanged.
func (d *LiveData) UnmarshalJSON(b []byte) error {
	shape, err := decodeData[liveDataJSON](b, "live data")
	if err != nil {
		return err
	}
	*d = LiveData(shape)
	return nil
}

// Data returns a copy of the live state.
func (l *Live) Data() LiveData {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := LiveData{
		VMs:             maps.Clone(l.vms),
		IPs:             maps.Clone(l.ips),
		Services:        slices.Sorted(maps.Keys(l.services)),
		DeletedServices: slices.Sorted(maps.Keys(l.deleted)),
		CreatedServices: slices.Sorted(maps.Keys(l.created)),
	}
	if len(l.serviceVMs) > 0 {
		d.ServiceVMs = make(map[string][]string, len(l.serviceVMs))
		for name, vms := range l.serviceVMs {
			d.ServiceVMs[name] = slices.Clone(vms)
		}
	}
	if l.export != nil {
		d.Export = cloneExport(l.export)
	}
	return d
}

// NewLiveFromData returns a live side holding a copy of d. An invalid
// export, a VM power state other than on, off or unknown, an invalid or
// IPv4-mapped address, and a created service or service VMs of a service
// not in Services are errors naming the VM, address or service.
func NewLiveFromData(d LiveData, opts ...Option) (*Live, error) {
	l := NewLive(opts...)
	for _, id := range slices.Sorted(maps.Keys(d.VMs)) {
		switch p := d.VMs[id]; p {
		case matrixoe.PowerOn, matrixoe.PowerOff, matrixoe.PowerUnknown:
			l.vms[id] = p
		default:
			return nil, fmt.Errorf("matrixoetest: live data: VM %q: power state %q (want %q, %q or empty): %w", id, p, matrixoe.PowerOn, matrixoe.PowerOff, matrixoe.ErrInvalid)
		}
	}
	for a, owner := range d.IPs {
		if !a.IsValid() || a.Is4In6() {
			return nil, fmt.Errorf("matrixoetest: live data: IP %s: invalid or IPv4-mapped address (write IPv4 addresses as a.b.c.d): %w", a, matrixoe.ErrInvalid)
		}
		l.ips[a] = owner
	}
	for _, s := range d.Services {
		l.services[s] = true
	}
	for _, s := range d.DeletedServices {
		l.deleted[s] = true
	}
	for _, s := range d.CreatedServices {
		if !l.services[s] {
			return nil, fmt.Errorf("matrixoetest: live data: created service %q is not in services: %w", s, matrixoe.ErrInvalid)
		}
		l.created[s] = true
	}
	for _, name := range slices.Sorted(maps.Keys(d.ServiceVMs)) {
		if !l.services[name] {
			return nil, fmt.Errorf("matrixoetest: live data: service %q runs on VMs but is not in services: %w", name, matrixoe.ErrInvalid)
		}
		l.serviceVMs[name] = slices.Clone(d.ServiceVMs[name])
	}
	if err := l.SetExport(d.Export); err != nil {
		return nil, err
	}
	return l, nil
}
