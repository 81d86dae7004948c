package resynctest

import (
	"errors"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/vcem"
)

// server returns a logical server of the Matrix OE databases.
func (e *Estate) server(id string) (matrixoe.LogicalServer, error) {
	var ls matrixoe.LogicalServer
	found := false
	_ = e.readMOE(func(s *matrixoe.Snapshot) error { ls, found = s.LogicalServers[id]; return nil })
	if !found {
		return ls, refused("Matrix OE has no logical server %q", id)
	}
	return ls, nil
}

// checkNewServer refuses a server ID in use and a service that does not
// exist.
func (e *Estate) checkNewServer(id, service string) error {
	return e.readMOE(func(s *matrixoe.Snapshot) error {
		if _, dup := s.LogicalServers[id]; dup {
			return refused("Matrix OE has a logical server %q already", id)
		}
		if _, ok := s.Services[service]; service != "" && !ok {
			return refused("IO has no service %q", service)
		}
		return nil
	})
}

// addServer records a new logical server, in service when given.
func (e *Estate) addServer(ls matrixoe.LogicalServer, service string) error {
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		s.LogicalServers[ls.ID] = ls
		if service != "" {
			sv := s.Services[service]
			sv.LogicalServerIDs = append(slices.Clone(sv.LogicalServerIDs), ls.ID)
			s.Services[service] = sv
		}
		return nil
	})
}

func (e *Estate) createVCServer(a Activity) error {
	if err := e.checkNewServer(a.Server, a.Service); err != nil {
		return err
	}
	p, err := e.newProfile(a)
	if err != nil {
		return err
	}
	ls := matrixoe.LogicalServer{ID: a.Server, Name: a.Server, Kind: matrixoe.LSPhysicalVC, Activated: p.Bay != "", ProfileID: p.ID, Managed: true}
	return e.addServer(ls, a.Service)
}

func (e *Estate) deleteVCServer(a Activity) error {
	ls, err := e.server(a.Server)
	if err != nil {
		return err
	}
	if ls.Kind != matrixoe.LSPhysicalVC {
		return refused("logical server %q is %s, not VC-based", a.Server, ls.Kind)
	}
	if err := e.deleteServerProfile(ls); err != nil {
		return err
	}
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error { return matrixoe.Apply(s, matrixoe.DropLS{LogicalServerID: ls.ID}) })
}

// deleteServerProfile deletes a VC-based server's VCEM profile, from the
// VCEM database and its domain (wherever it still is).
func (e *Estate) deleteServerProfile(ls matrixoe.LogicalServer) error {
	var p vcem.Profile
	found := false
	_ = e.readVCEM(func(s *vcem.Snapshot) error { p, found = s.Profiles[ls.ProfileID]; return nil })
	if !found {
		// A server of a restored database whose profile the VCEM database
		// lost: look for the profile on the domains by the Builder's ID.
		return nil
	}
	if err := e.syncVCEMIfStale(); err != nil {
		return err
	}
	return e.removeProfile(p.DomainID, p.Name, p.ID)
}

func (e *Estate) createVMServer(a Activity) error {
	if err := e.checkNewServer(a.Server, a.Service); err != nil {
		return err
	}
	if _, ok := e.moeLive.Data().VMs[a.VM]; ok {
		return refused("VMM reports a VM %q already", a.VM)
	}
	if owner := e.serverOfVM(a.VM); owner != "" {
		return refused("VM %q is logical server %q's", a.VM, owner)
	}
	e.moeLive.AddVM(a.VM, matrixoe.PowerOn)
	ls := matrixoe.LogicalServer{ID: a.Server, Name: a.VM, Kind: matrixoe.LSVirtual, Activated: true, Power: matrixoe.PowerOn, VMID: a.VM, Managed: true}
	return e.addServer(ls, a.Service)
}

func (e *Estate) serverOfVM(vm string) string {
	id := ""
	_ = e.readMOE(func(s *matrixoe.Snapshot) error {
		for _, ls := range s.LogicalServers {
			if ls.Kind == matrixoe.LSVirtual && ls.VMID == vm {
				id = ls.ID
			}
		}
		return nil
	})
	return id
}

func (e *Estate) deleteVMServer(a Activity) error {
	ls, err := e.server(a.Server)
	if err != nil {
		return err
	}
	if ls.Kind != matrixoe.LSVirtual {
		return refused("logical server %q is %s, not VM-based", a.Server, ls.Kind)
	}
	if _, ok := e.moeLive.Data().VMs[ls.VMID]; ok {
		if err := e.moeLive.DeleteVM(ls.VMID); err != nil {
			return refused("%v", err)
		}
	}
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error { return matrixoe.Apply(s, matrixoe.DropLS{LogicalServerID: ls.ID}) })
}

func (e *Estate) suspendVM(a Activity) error { return e.power(a.VM, matrixoe.PowerOff) }

func (e *Estate) resumeVM(a Activity) error { return e.power(a.VM, matrixoe.PowerOn) }

// power changes a VM's power as IO's deactivate or activate does: VMM
// reports it, and LSM records it on the VM's logical server.
func (e *Estate) power(vm string, p matrixoe.PowerState) error {
	cur, ok := e.moeLive.Data().VMs[vm]
	switch {
	case !ok:
		return refused("VMM reports no VM %q", vm)
	case cur == p:
		return refused("VM %q is %s already", vm, p)
	}
	ls := e.serverOfVM(vm)
	var err error
	if p == matrixoe.PowerOn {
		err = e.moeLive.PowerOn(vm)
	} else {
		err = e.moeLive.PowerOff(vm)
	}
	if err != nil {
		return refused("%v", err)
	}
	if ls == "" {
		return nil
	}
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		return matrixoe.Apply(s, matrixoe.SetPowerState{LogicalServerID: ls, Power: p})
	})
}

func (e *Estate) serverInoperable(a Activity) error {
	ls, err := e.server(a.Server)
	if err != nil {
		return err
	}
	if ls.Inoperable {
		return refused("logical server %q is inoperable already", a.Server)
	}
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		ls.Inoperable = true
		s.LogicalServers[ls.ID] = ls
		return nil
	})
}

func (e *Estate) createService(a Activity) error {
	err := e.readMOE(func(s *matrixoe.Snapshot) error {
		if _, dup := s.Services[a.Service]; dup {
			return refused("IO has a service %q already", a.Service)
		}
		for _, sv := range s.Services {
			if sv.Name == a.Name {
				return refused("IO service %q is named %q already", sv.ID, a.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if slices.Contains(e.moeLive.Data().Services, a.Name) {
		return refused("the live IO has a service named %q already", a.Name)
	}
	if err := e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		s.Services[a.Service] = matrixoe.Service{ID: a.Service, Name: a.Name}
		return nil
	}); err != nil {
		return err
	}
	e.moeLive.CreateService(a.Name)
	return nil
}

func (e *Estate) deleteService(a Activity) error {
	var sv matrixoe.Service
	var servers []matrixoe.LogicalServer
	err := e.readMOE(func(s *matrixoe.Snapshot) error {
		var ok bool
		if sv, ok = s.Services[a.Service]; !ok {
			return refused("IO has no service %q", a.Service)
		}
		for _, id := range sv.LogicalServerIDs {
			servers = append(servers, s.LogicalServers[id])
		}
		return nil
	})
	if err != nil {
		return err
	}
	// IO's deprovisioning: each server's VM or VCEM profile goes, then the
	// servers, the service with its requests, and its addresses.
	vms := e.moeLive.Data().VMs
	for _, ls := range servers {
		switch ls.Kind {
		case matrixoe.LSVirtual:
			if _, ok := vms[ls.VMID]; ok {
				if err := e.moeLive.DeleteVM(ls.VMID); err != nil {
					return refused("%v", err)
				}
			}
		case matrixoe.LSPhysicalVC:
			if err := e.deleteServerProfile(ls); err != nil {
				return err
			}
		}
	}
	if slices.Contains(e.moeLive.Data().Services, sv.Name) {
		if err := e.moeLive.DeleteService(sv.Name); err != nil {
			return refused("%v", err)
		}
	}
	changes := make([]matrixoe.Change, 0, len(servers)+1)
	for _, ls := range servers {
		changes = append(changes, matrixoe.DropLS{LogicalServerID: ls.ID})
	}
	changes = append(changes, matrixoe.RemoveServiceDefinition{ServiceID: sv.ID, Name: sv.Name})
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error { return matrixoe.ApplyAll(s, changes...) })
}

func (e *Estate) scheduleRequest(a Activity) error {
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		if _, dup := s.Requests[a.Request]; dup {
			return refused("IO has a request %q already", a.Request)
		}
		if _, ok := s.Services[a.Service]; a.Service != "" && !ok {
			return refused("IO has no service %q", a.Service)
		}
		s.Requests[a.Request] = matrixoe.Request{ID: a.Request, Name: a.Name, ServiceID: a.Service, State: matrixoe.RequestScheduled}
		return nil
	})
}

func (e *Estate) startRequest(a Activity) error {
	return e.moveRequest(a.Request, matrixoe.RequestInProgress,
		matrixoe.RequestScheduled, matrixoe.RequestPendingApproval, matrixoe.RequestPaused)
}

func (e *Estate) completeRequest(a Activity) error {
	return e.moveRequest(a.Request, matrixoe.RequestCompleted, matrixoe.DefaultRequestStates().Unfinished...)
}

func (e *Estate) moveRequest(id string, to matrixoe.RequestState, from ...matrixoe.RequestState) error {
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		r, ok := s.Requests[id]
		switch {
		case !ok:
			return refused("IO has no request %q", id)
		case !slices.Contains(from, r.State):
			return refused("IO request %q is %s: it cannot become %s", id, r.State, to)
		}
		r.State = to
		s.Requests[id] = r
		return nil
	})
}

func (e *Estate) allocateIP(a Activity) error {
	ip := a.IP.Unmap()
	var sv matrixoe.Service
	var alloc matrixoe.IPAllocation
	err := e.readMOE(func(s *matrixoe.Snapshot) error {
		var ok bool
		if sv, ok = s.Services[a.Service]; !ok {
			return refused("IO has no service %q", a.Service)
		}
		if alloc, ok = s.IPs[ip]; !ok {
			return refused("%s is not an address of IO's pools", ip)
		}
		if alloc.Allocated {
			return refused("%s is allocated already", ip)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.moeLive.AllocateIP(ip, sv.Name); err != nil {
		return refused("%v", err)
	}
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		alloc.Allocated, alloc.ServiceID = true, sv.ID
		s.IPs[ip] = alloc
		return nil
	})
}

// rmExport returns the RM export the live side holds (nil when none).
func (e *Estate) rmExport() *matrixoe.RMExport { return e.moeLive.Data().Export }

func (e *Estate) setRecoveryGroup(a Activity) error {
	rg := matrixoe.RecoveryGroup{Name: a.RecoveryGroup, Set: a.Set, ProtectedLS: slices.Clone(a.Servers),
		ReplicationGroups: slices.Clone(a.ReplicationGroups), Enabled: !a.Disabled}
	err := e.readMOE(func(s *matrixoe.Snapshot) error {
		var errs []error
		for _, id := range rg.ProtectedLS {
			if _, ok := s.LogicalServers[id]; !ok {
				errs = append(errs, refused("Matrix OE has no logical server %q to protect", id))
			}
		}
		next := s.Clone()
		next.RecoveryGroups[rg.Name] = rg
		if err := next.Validate(); err != nil {
			errs = append(errs, refused("%v", err))
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	exp := e.rmExport()
	if exp != nil {
		i := slices.IndexFunc(exp.RecoveryGroups, func(g matrixoe.RecoveryGroup) bool { return g.Name == rg.Name })
		if i >= 0 {
			exp.RecoveryGroups[i] = rg
		} else {
			exp.RecoveryGroups = append(exp.RecoveryGroups, rg)
		}
		if err := exp.Validate(); err != nil {
			return refused("the RM export would be invalid: %v", err)
		}
	}
	if err := e.moeStore.Update(func(s *matrixoe.Snapshot) error { s.RecoveryGroups[rg.Name] = rg; return nil }); err != nil {
		return err
	}
	if exp != nil {
		return e.moeLive.SetExport(exp)
	}
	return nil
}

func (e *Estate) deleteRecoveryGroup(a Activity) error {
	err := e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		if _, ok := s.RecoveryGroups[a.RecoveryGroup]; !ok {
			return refused("RM has no recovery group %q", a.RecoveryGroup)
		}
		delete(s.RecoveryGroups, a.RecoveryGroup)
		return nil
	})
	if err != nil {
		return err
	}
	if exp := e.rmExport(); exp != nil {
		exp.RecoveryGroups = slices.DeleteFunc(exp.RecoveryGroups, func(g matrixoe.RecoveryGroup) bool { return g.Name == a.RecoveryGroup })
		return e.moeLive.SetExport(exp)
	}
	return nil
}

func (e *Estate) dropRMExport(Activity) error {
	if e.rmExport() == nil {
		return refused("there is no RM export to drop")
	}
	return e.moeLive.SetExport(nil)
}

func (e *Estate) markServicesFile(a Activity) error {
	d := e.servicesFile.Data()
	content := d.Content
	if !d.Written {
		var err error
		if err = e.readMOE(func(s *matrixoe.Snapshot) error {
			content, err = matrixoe.FormatServicesFile(s)
			return err
		}); err != nil {
			return refused("%v", err)
		}
	}
	marked, err := matrixoetest.MarkServicesFile(content, a.Services...)
	if err != nil {
		return refused("%v", err)
	}
	e.servicesFile.SetContent(marked)
	return nil
}
