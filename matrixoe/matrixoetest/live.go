package matrixoetest

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sync"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// Live is an in-memory live side: the VMs VMM reports, the IP addresses in
// use in the live IO, the live services (with the VMs each runs on), the
// services deleted after the backup and the RM configuration export. The
// helper methods script post-backup activity with IO's own effects:
// deleting a service releases its addresses and deletes its VMs, as IO's
// deprovisioning does, so the live side then shows what
// matrixoe.AnalyzeIOServices reads as a probably deleted service. It
// implements [matrixoe.Live] and [matrixoe.ExportSource] and is safe for
// concurrent use.
type Live struct {
	mu         sync.Mutex
	vms        map[string]matrixoe.PowerState
	ips        map[netip.Addr]string
	deleted    map[string]bool     // service names deleted after the backup
	created    map[string]bool     // live service names created after the backup
	services   map[string]bool     // live service names
	serviceVMs map[string][]string // live service name → the VM IDs it runs on
	export     *matrixoe.RMExport
	faults     *Faults
}

var (
	_ matrixoe.Live         = (*Live)(nil)
	_ matrixoe.ExportSource = (*Live)(nil)
)

// NewLive returns an empty live side.
func NewLive(opts ...Option) *Live {
	o := buildOptions(opts)
	return &Live{
		vms:        map[string]matrixoe.PowerState{},
		ips:        map[netip.Addr]string{},
		deleted:    map[string]bool{},
		created:    map[string]bool{},
		services:   map[string]bool{},
		serviceVMs: map[string][]string{},
		faults:     o.faults,
	}
}

// LiveFromSnapshot returns the live side as it was at backup time, matching
// s: every VM with its recorded power state (unknown stays unknown, so an
// untouched estate yields no power finding), every allocated IP with its
// service name or owner, every service with the VMs of its VM-based logical
// servers, and an RM export equal to s's recovery groups. A nil or invalid
// s is an error.
func LiveFromSnapshot(s *matrixoe.Snapshot, opts ...Option) (*Live, error) {
	if s == nil {
		return nil, fmt.Errorf("matrixoetest: LiveFromSnapshot: nil snapshot: %w", matrixoe.ErrInvalid)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("matrixoetest: LiveFromSnapshot: %w", err)
	}
	l := NewLive(opts...)
	for _, ls := range s.LogicalServers {
		if ls.Kind == matrixoe.LSVirtual {
			l.vms[ls.VMID] = ls.Power
		}
	}
	for a, ip := range s.IPs {
		if ip.Allocated {
			owner := ip.Owner
			if sv, ok := s.Services[ip.ServiceID]; ok {
				owner = sv.Name
			}
			l.ips[a] = owner
		}
	}
	for _, sv := range s.Services {
		l.services[sv.Name] = true
		for _, id := range sv.LogicalServerIDs {
			if ls := s.LogicalServers[id]; ls.Kind == matrixoe.LSVirtual {
				l.serviceVMs[sv.Name] = append(l.serviceVMs[sv.Name], ls.VMID)
			}
		}
	}
	exp := &matrixoe.RMExport{Format: matrixoe.RMExportFormat, Version: matrixoe.RMExportVersion}
	for _, name := range slices.Sorted(maps.Keys(s.RecoveryGroups)) {
		rg := s.RecoveryGroups[name]
		rg.ProtectedLS = slices.Clone(rg.ProtectedLS)
		rg.ReplicationGroups = slices.Clone(rg.ReplicationGroups)
		exp.RecoveryGroups = append(exp.RecoveryGroups, rg)
	}
	if err := exp.Validate(); err != nil {
		return nil, fmt.Errorf("matrixoetest: LiveFromSnapshot: recovery groups as an export: %w", err)
	}
	l.export = exp
	return l, nil
}

// VMPowerStates returns a copy of the VM power states.
func (l *Live) VMPowerStates(ctx context.Context) (map[string]matrixoe.PowerState, error) {
	if err := l.faults.Check(ctx, OpVMPowerStates); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.vms), nil
}

// IPAllocations returns a copy of the addresses in use.
func (l *Live) IPAllocations(ctx context.Context) (map[netip.Addr]string, error) {
	if err := l.faults.Check(ctx, OpIPAllocations); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.ips), nil
}

// RMExport returns a copy of the export, or an error wrapping
// matrixoe.ErrNoExport when none is set.
func (l *Live) RMExport(ctx context.Context) (*matrixoe.RMExport, error) {
	if err := l.faults.Check(ctx, OpRMExport); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.export == nil {
		return nil, fmt.Errorf("matrixoetest: %w", matrixoe.ErrNoExport)
	}
	return cloneExport(l.export), nil
}

func cloneExport(e *matrixoe.RMExport) *matrixoe.RMExport {
	c := *e
	c.RecoveryGroups = make([]matrixoe.RecoveryGroup, len(e.RecoveryGroups))
	for i, rg := range e.RecoveryGroups {
		rg.ProtectedLS = slices.Clone(rg.ProtectedLS)
		rg.ReplicationGroups = slices.Clone(rg.ReplicationGroups)
		c.RecoveryGroups[i] = rg
	}
	return &c
}

// AddVM records a VM (created after the backup, or at setup) in a power state.
func (l *Live) AddVM(vmID string, p matrixoe.PowerState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vms[vmID] = p
}

// PowerOn records that the VM was powered on (IO activate resumes it).
// Unknown VMs are an error.
func (l *Live) PowerOn(vmID string) error { return l.setPower(vmID, matrixoe.PowerOn) }

// PowerOff records that the VM was powered off (IO deactivate suspends it).
func (l *Live) PowerOff(vmID string) error { return l.setPower(vmID, matrixoe.PowerOff) }

func (l *Live) setPower(vmID string, p matrixoe.PowerState) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.vms[vmID]; !ok {
		return fmt.Errorf("matrixoetest: VM %q: %w", vmID, matrixoe.ErrNotFound)
	}
	l.vms[vmID] = p
	return nil
}

// DeleteVM removes a VM (deleted after the backup).
func (l *Live) DeleteVM(vmID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.vms[vmID]; !ok {
		return fmt.Errorf("matrixoetest: VM %q: %w", vmID, matrixoe.ErrNotFound)
	}
	delete(l.vms, vmID)
	return nil
}

// AllocateIP records an address put in use after the backup by owner. An
// address already in use is an error naming its owner; an invalid address
// is an error. An IPv4-mapped address (::ffff:10.0.0.1) is the IPv4
// address, as for the live IO.
func (l *Live) AllocateIP(a netip.Addr, owner string) error {
	if !a.IsValid() {
		return fmt.Errorf("matrixoetest: AllocateIP: invalid address: %w", matrixoe.ErrInvalid)
	}
	a = a.Unmap()
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.ips[a]; ok {
		return fmt.Errorf("matrixoetest: IP %s already in use by %q: %w", a, cur, matrixoe.ErrConflict)
	}
	l.ips[a] = owner
	return nil
}

// ReleaseIP frees an address in use (an IPv4-mapped address is the IPv4
// address).
func (l *Live) ReleaseIP(a netip.Addr) error {
	a = a.Unmap()
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.ips[a]; !ok {
		return fmt.Errorf("matrixoetest: IP %s: %w", a, matrixoe.ErrNotFound)
	}
	delete(l.ips, a)
	return nil
}

// CreateService records a service created after the backup, running on
// the given VMs (each added, powered on, if VMM does not report it yet).
// Re-creating a service deleted after the backup takes it off the deleted
// list. Creating a live service again changes nothing.
func (l *Live) CreateService(name string, vmIDs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.services[name] {
		return
	}
	l.services[name] = true
	for _, vm := range vmIDs {
		if _, ok := l.vms[vm]; !ok {
			l.vms[vm] = matrixoe.PowerOn
		}
		l.serviceVMs[name] = append(l.serviceVMs[name], vm)
	}
	if l.deleted[name] {
		delete(l.deleted, name)
	} else {
		l.created[name] = true
	}
}

// DeleteService records that the service was deleted, as IO's
// deprovisioning does it: its addresses are released and its VMs deleted.
// A service that existed at backup time goes on the deleted list; one
// created after the backup just disappears, since the restored database
// (and so InfrastructureServices.txt) never had it.
func (l *Live) DeleteService(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.services[name] {
		return fmt.Errorf("matrixoetest: service %q: %w", name, matrixoe.ErrNotFound)
	}
	delete(l.services, name)
	for _, vm := range l.serviceVMs[name] {
		delete(l.vms, vm)
	}
	delete(l.serviceVMs, name)
	if l.created[name] {
		delete(l.created, name)
	} else {
		l.deleted[name] = true
	}
	for a, owner := range l.ips {
		if owner == name {
			delete(l.ips, a)
		}
	}
	return nil
}

// DeletedServices returns the names of services deleted after the backup,
// sorted: what an operator would mark in InfrastructureServices.txt.
func (l *Live) DeletedServices() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Sorted(maps.Keys(l.deleted))
}

// SetExport sets the RM configuration export the operator provides (nil:
// none provided). It is validated and copied.
func (l *Live) SetExport(e *matrixoe.RMExport) error {
	if e != nil {
		if err := e.Validate(); err != nil {
			return err
		}
		e = cloneExport(e)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.export = e
	return nil
}

// AddFault adds a fault rule (see [Fault]) to the live side's rule set —
// shared with other fakes when [WithFaults] gave it. An invalid rule is an
// error and is not added.
func (l *Live) AddFault(f Fault) error { return l.faults.Add(f) }

// ClearFaults removes every fault rule of the live side's rule set (shared
// with other fakes when [WithFaults] gave it).
func (l *Live) ClearFaults() { l.faults.Clear() }

// Faults returns the live side's rule set (nil when [WithFaults] gave nil),
// to share it with other fakes or read its [Faults.Hits].
func (l *Live) Faults() *Faults { return l.faults }
