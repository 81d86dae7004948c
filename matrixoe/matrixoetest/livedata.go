package matrixoetest

import (
	"maps"
	"net/netip"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// LiveData is the whole state of a [Live] as plain, JSON-serialisable data,
// so a composed estate can save and load its live side.
type LiveData struct {
	VMs             map[string]matrixoe.PowerState `json:"vms"`
	IPs             map[netip.Addr]string          `json:"ips"`
	Services        []string                       `json:"services"`
	DeletedServices []string                       `json:"deletedServices,omitempty"`
	Export          *matrixoe.RMExport             `json:"rmExport,omitempty"`
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
	}
	if l.export != nil {
		d.Export = cloneExport(l.export)
	}
	return d
}

// NewLiveFromData returns a live side holding a copy of d. An invalid
// export is an error.
func NewLiveFromData(d LiveData, opts ...Option) (*Live, error) {
	l := NewLive(opts...)
	maps.Copy(l.vms, d.VMs)
	maps.Copy(l.ips, d.IPs)
	for _, s := range d.Services {
		l.services[s] = true
	}
	for _, s := range d.DeletedServices {
		l.deleted[s] = true
	}
	if err := l.SetExport(d.Export); err != nil {
		return nil, err
	}
	return l, nil
}
