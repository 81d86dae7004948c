package matrixoe

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Change is one mutation of the restored Matrix OE databases, as plain data.
// Every change has a stable Kind ("matrixoe.DropLS", ...) used in its JSON
// form (see [MarshalChange]) and a Target naming the record it touches.
// The set of changes is closed: [Apply] knows every one.
type Change interface {
	// Kind is the stable tag of the change type, e.g. "matrixoe.DropLS".
	Kind() string
	// Target names the record the change touches, e.g. "logical server LS1".
	Target() string
	// String describes the change for people.
	String() string
	isChange()
}

// Change kinds.
const (
	KindSetLSDeactivated        = "matrixoe.SetLSDeactivated"
	KindDropLS                  = "matrixoe.DropLS"
	KindSetPowerState           = "matrixoe.SetPowerState"
	KindAddVolumeToSPE          = "matrixoe.AddVolumeToSPE"
	KindRemoveVolumeFromSPE     = "matrixoe.RemoveVolumeFromSPE"
	KindDeleteVolumeFromSPM     = "matrixoe.DeleteVolumeFromSPM"
	KindTerminateRequest        = "matrixoe.TerminateRequest"
	KindRemoveServiceDefinition = "matrixoe.RemoveServiceDefinition"
	KindMarkIPAllocated         = "matrixoe.MarkIPAllocated"
	KindApplyRMExport           = "matrixoe.ApplyRMExport"
	KindUpdateRecoveryGroup     = "matrixoe.UpdateRecoveryGroup"
)

// SetLSDeactivated records a logical server as deactivated (its VCEM profile
// was unassigned after the backup). Storage phase 2.
//
// Re-applying: a server already deactivated is left as it is (no-op); an
// unknown server is an error wrapping [ErrNotFound].
type SetLSDeactivated struct {
	LogicalServerID string `json:"logicalServerId"`
}

// DropLS drops a logical-server definition whose VCEM profile no longer
// exists (deleted after the backup, or by VCEM phase 1). It also removes the
// server from its services' lists and clears the owner of its storage pool
// entries; recovery groups are left to RM phase 1. Storage phase 2.
//
// Re-applying: an absent server is an error wrapping [ErrNotFound], as for
// every removal (see "Re-applying changes" in the package doc).
type DropLS struct {
	LogicalServerID string `json:"logicalServerId"`
}

// SetPowerState records the power state the hypervisor reports for a
// VM-based logical server. Storage phase 2.
//
// Re-applying: setting the state the server already has is a no-op.
type SetPowerState struct {
	LogicalServerID string     `json:"logicalServerId"`
	Power           PowerState `json:"power"`
}

// AddVolumeToSPE adds a catalog volume to an existing catalog-based storage
// pool entry. Storage phase 3.
//
// Re-applying: a volume already in that entry is a no-op; a volume in
// another entry is an error wrapping [ErrConflict] naming that entry.
type AddVolumeToSPE struct {
	SPEID    string `json:"speId"`
	VolumeID string `json:"volumeId"`
}

// RemoveVolumeFromSPE removes a volume from a storage pool entry. Storage
// phase 3.
//
// Re-applying: a volume already absent from the entry is a no-op (the
// entry stays, only its list changes); an unknown entry is an error wrapping
// [ErrNotFound].
type RemoveVolumeFromSPE struct {
	SPEID    string `json:"speId"`
	VolumeID string `json:"volumeId"`
}

// DeleteVolumeFromSPM deletes a volume from the SPM catalog, so SPM no longer
// manages it. It targets SPM: the engine routes it to the SPM catalog port
// (see [PredictSPM] for its effect on a predicted catalog). Applied to a
// Matrix OE snapshot it removes every storage pool entry's reference to the
// volume. Storage phase 3.
//
// Re-applying: on a Matrix OE snapshot, a volume no entry references is a
// no-op. On the SPM side ([PredictSPM]) it is a removal: a volume absent
// from the catalog is an error wrapping [ErrNotFound].
type DeleteVolumeFromSPM struct {
	VolumeID string `json:"volumeId"`
}

// TerminateRequest terminates an IO request that was unfinished at backup.
// IO phase 1.
//
// Re-applying: a request already in the terminated state (cancelled, see
// requeststate.go) is a no-op; a completed or failed request is an error
// wrapping [ErrConflict] naming the request and its state.
type TerminateRequest struct {
	RequestID string `json:"requestId"`
}

// RemoveServiceDefinition removes an IO service deleted after the backup,
// with its requests; its IP allocations are freed and its storage pool
// entries lose their service. IO phase 2. Name is informative only.
//
// Re-applying: an absent service is an error wrapping [ErrNotFound], as for
// every removal (see "Re-applying changes" in the package doc).
type RemoveServiceDefinition struct {
	ServiceID string `json:"serviceId"`
	Name      string `json:"name,omitempty"`
}

// MarkIPAllocated marks an address of an IO pool allocated, because it is in
// use live (allocated after the backup). Owner is the live owner as reported,
// free text. IO phase 3.
//
// Re-applying: an address already allocated by this change (allocated, no
// restored service, the same Owner) is a no-op; an address allocated to a
// restored service or to another owner is an error wrapping [ErrConflict]
// naming the address and its holder.
type MarkIPAllocated struct {
	Address netip.Addr `json:"address"`
	Owner   string     `json:"owner,omitempty"`
}

// ApplyRMExport imports an RM configuration export with RM's import rules:
// a recovery group of the same name is replaced, a new one is added, and the
// import fails on a name or storage replication group held in a different
// recovery group set. RM phase 1.
//
// Re-applying: importing the same export again yields the same groups
// (no-op): the export's own groups never conflict with each other (see
// [RMExport] and rmConflicts).
type ApplyRMExport struct {
	Export RMExport `json:"export"`
}

// UpdateRecoveryGroup removes logical servers that no longer exist from a
// recovery group's protected list. RM phase 1.
//
// Re-applying: servers already absent from the list are skipped, so a
// second application is a no-op; an unknown group is an error wrapping
// [ErrNotFound] and an empty RemoveProtected is [ErrInvalid].
type UpdateRecoveryGroup struct {
	Name            string   `json:"name"`
	RemoveProtected []string `json:"removeProtected"`
}

// Kind returns KindSetLSDeactivated.
func (SetLSDeactivated) Kind() string { return KindSetLSDeactivated }

// Kind returns KindDropLS.
func (DropLS) Kind() string { return KindDropLS }

// Kind returns KindSetPowerState.
func (SetPowerState) Kind() string { return KindSetPowerState }

// Kind returns KindAddVolumeToSPE.
func (AddVolumeToSPE) Kind() string { return KindAddVolumeToSPE }

// Kind returns KindRemoveVolumeFromSPE.
func (RemoveVolumeFromSPE) Kind() string { return KindRemoveVolumeFromSPE }

// Kind returns KindDeleteVolumeFromSPM.
func (DeleteVolumeFromSPM) Kind() string { return KindDeleteVolumeFromSPM }

// Kind returns KindTerminateRequest.
func (TerminateRequest) Kind() string { return KindTerminateRequest }

// Kind returns KindRemoveServiceDefinition.
func (RemoveServiceDefinition) Kind() string { return KindRemoveServiceDefinition }

// Kind returns KindMarkIPAllocated.
func (MarkIPAllocated) Kind() string { return KindMarkIPAllocated }

// Kind returns KindApplyRMExport.
func (ApplyRMExport) Kind() string { return KindApplyRMExport }

// Kind returns KindUpdateRecoveryGroup.
func (UpdateRecoveryGroup) Kind() string { return KindUpdateRecoveryGroup }

// Target names the record the change touches.
func (c SetLSDeactivated) Target() string { return "logical server " + c.LogicalServerID }

// Target names the record the change touches.
func (c DropLS) Target() string { return "logical server " + c.LogicalServerID }

// Target names the record the change touches.
func (c SetPowerState) Target() string { return "logical server " + c.LogicalServerID }

// Target names the record the change touches.
func (c AddVolumeToSPE) Target() string { return "storage pool entry " + c.SPEID }

// Target names the record the change touches.
func (c RemoveVolumeFromSPE) Target() string { return "storage pool entry " + c.SPEID }

// Target names the record the change touches.
func (c DeleteVolumeFromSPM) Target() string { return "volume " + c.VolumeID }

// Target names the record the change touches.
func (c TerminateRequest) Target() string { return "request " + c.RequestID }

// Target names the record the change touches.
func (c RemoveServiceDefinition) Target() string {
	return "service " + c.ServiceID
}

// Target names the record the change touches.
func (c MarkIPAllocated) Target() string { return "IP address " + c.Address.String() }

// Target names the record the change touches.
func (c ApplyRMExport) Target() string { return "recovery groups" }

// Target names the record the change touches.
func (c UpdateRecoveryGroup) Target() string { return "recovery group " + c.Name }

// String describes the change.
func (c SetLSDeactivated) String() string {
	return fmt.Sprintf("set logical server %q deactivated", c.LogicalServerID)
}

// String describes the change.
func (c DropLS) String() string {
	return fmt.Sprintf("drop logical server %q from the Matrix OE database", c.LogicalServerID)
}

// String describes the change.
func (c SetPowerState) String() string {
	return fmt.Sprintf("set power state of logical server %q to %s", c.LogicalServerID, c.Power)
}

// String describes the change.
func (c AddVolumeToSPE) String() string {
	return fmt.Sprintf("add volume %q to storage pool entry %q", c.VolumeID, c.SPEID)
}

// String describes the change.
func (c RemoveVolumeFromSPE) String() string {
	return fmt.Sprintf("remove volume %q from storage pool entry %q", c.VolumeID, c.SPEID)
}

// String describes the change.
func (c DeleteVolumeFromSPM) String() string {
	return fmt.Sprintf("delete volume %q from SPM", c.VolumeID)
}

// String describes the change.
func (c TerminateRequest) String() string { return fmt.Sprintf("terminate request %q", c.RequestID) }

// String describes the change.
func (c RemoveServiceDefinition) String() string {
	if c.Name != "" {
		return fmt.Sprintf("remove the definition of service %q (%s)", c.ServiceID, c.Name)
	}
	return fmt.Sprintf("remove the definition of service %q", c.ServiceID)
}

// String describes the change.
func (c MarkIPAllocated) String() string {
	if c.Owner != "" {
		return fmt.Sprintf("mark IP address %s allocated (to %s)", c.Address, c.Owner)
	}
	return fmt.Sprintf("mark IP address %s allocated", c.Address)
}

// String describes the change.
func (c ApplyRMExport) String() string {
	return fmt.Sprintf("apply the RM configuration export (%d recovery groups)", len(c.Export.RecoveryGroups))
}

// String describes the change.
func (c UpdateRecoveryGroup) String() string {
	return fmt.Sprintf("remove %s from recovery group %q", strings.Join(c.RemoveProtected, ", "), c.Name)
}

func (SetLSDeactivated) isChange()        {}
func (DropLS) isChange()                  {}
func (SetPowerState) isChange()           {}
func (AddVolumeToSPE) isChange()          {}
func (RemoveVolumeFromSPE) isChange()     {}
func (DeleteVolumeFromSPM) isChange()     {}
func (TerminateRequest) isChange()        {}
func (RemoveServiceDefinition) isChange() {}
func (MarkIPAllocated) isChange()         {}
func (ApplyRMExport) isChange()           {}
func (UpdateRecoveryGroup) isChange()     {}

// newChange returns a zero value of the change type with the given kind.
func newChange(kind string) (Change, bool) {
	switch kind {
	case KindSetLSDeactivated:
		return &SetLSDeactivated{}, true
	case KindDropLS:
		return &DropLS{}, true
	case KindSetPowerState:
		return &SetPowerState{}, true
	case KindAddVolumeToSPE:
		return &AddVolumeToSPE{}, true
	case KindRemoveVolumeFromSPE:
		return &RemoveVolumeFromSPE{}, true
	case KindDeleteVolumeFromSPM:
		return &DeleteVolumeFromSPM{}, true
	case KindTerminateRequest:
		return &TerminateRequest{}, true
	case KindRemoveServiceDefinition:
		return &RemoveServiceDefinition{}, true
	case KindMarkIPAllocated:
		return &MarkIPAllocated{}, true
	case KindApplyRMExport:
		return &ApplyRMExport{}, true
	case KindUpdateRecoveryGroup:
		return &UpdateRecoveryGroup{}, true
	}
	return nil, false
}

// deref turns the pointer returned by newChange (after decoding) back into
// the value type the rest of the package uses. A nil pointer gives nil, so
// callers reject it as a nil change instead of panicking.
func deref(c Change) Change {
	switch v := c.(type) {
	case *SetLSDeactivated:
		if v == nil {
			return nil
		}
		return *v
	case *DropLS:
		if v == nil {
			return nil
		}
		return *v
	case *SetPowerState:
		if v == nil {
			return nil
		}
		return *v
	case *AddVolumeToSPE:
		if v == nil {
			return nil
		}
		return *v
	case *RemoveVolumeFromSPE:
		if v == nil {
			return nil
		}
		return *v
	case *DeleteVolumeFromSPM:
		if v == nil {
			return nil
		}
		return *v
	case *TerminateRequest:
		if v == nil {
			return nil
		}
		return *v
	case *RemoveServiceDefinition:
		if v == nil {
			return nil
		}
		return *v
	case *MarkIPAllocated:
		if v == nil {
			return nil
		}
		return *v
	case *ApplyRMExport:
		if v == nil {
			return nil
		}
		return *v
	case *UpdateRecoveryGroup:
		if v == nil {
			return nil
		}
		return *v
	}
	return c
}

// Apply applies one change to s, which should be valid ([Snapshot.Validate]):
// it relies on the two-way links Validate checks. It is the only code that
// mutates a snapshot: the dry run, the fakes in matrixoetest and the engine's
// prediction all use it. On error s is unchanged and the error is a
// *[ChangeError] wrapping [ErrNotFound], [ErrConflict] or [ErrInvalid].
//
// Apply is idempotent where the meaning allows, like vcem.Apply: applying a
// change whose effect is already there changes nothing and returns nil (a
// journalled execute that crashed between applying a change and recording it
// can apply it again). Removing a record that is absent is an error wrapping
// [ErrNotFound], and a record in a state the change cannot reach is an error
// wrapping [ErrConflict]. Each change type documents its rule; the package
// doc explains the choice.
func Apply(s *Snapshot, c Change) error {
	return applyIndexed(s, c, nil)
}

// applyIndexed is Apply with an optional volume index (see volumeIndex);
// nil scans the snapshot.
func applyIndexed(s *Snapshot, c Change, ix *volumeIndex) error {
	if c == nil {
		return &ChangeError{Kind: "<nil>", Target: "-", Err: invalid("nil change")}
	}
	c = deref(c)
	if c == nil {
		return &ChangeError{Kind: "<nil>", Target: "-", Err: invalid("nil change")}
	}
	if s == nil {
		return changeErr(c, invalid("nil snapshot"))
	}
	s.ensureMaps()
	if err := apply(s, c, ix); err != nil {
		return changeErr(c, err)
	}
	return nil
}

// ApplyAll applies changes in order, all or nothing: on the first error s
// is left unchanged and the error names the change's index. A nil s is an
// error wrapping [ErrInvalid]. The result is exactly that of calling
// [Apply] for each change; a batch that adds volumes to, or deletes volumes
// from, storage pool entries looks volumes up in an index built once for
// the batch instead of scanning every entry per change.
func ApplyAll(s *Snapshot, changes ...Change) error {
	if s == nil {
		return invalid("matrixoe: ApplyAll: nil snapshot")
	}
	work := s.Clone()
	ix := &volumeIndex{}
	for i, c := range changes {
		if err := applyIndexed(work, c, ix); err != nil {
			return &IndexedError{Index: i, Err: err}
		}
	}
	*s = *work
	return nil
}

// IndexedError wraps the error of the change at Index in a list.
type IndexedError struct {
	Index int
	Err   error
}

// Error implements error.
func (e *IndexedError) Error() string { return fmt.Sprintf("change #%d: %v", e.Index, e.Err) }

// Unwrap returns the change's error.
func (e *IndexedError) Unwrap() error { return e.Err }

func apply(s *Snapshot, c Change, ix *volumeIndex) error {
	switch c := c.(type) {
	case SetLSDeactivated:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %q", c.LogicalServerID)
		}
		ls.Activated = false
		s.LogicalServers[ls.ID] = ls
	case DropLS:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %q", c.LogicalServerID)
		}
		delete(s.LogicalServers, c.LogicalServerID)
		for id, sv := range s.Services {
			if slices.Contains(sv.LogicalServerIDs, c.LogicalServerID) {
				sv.LogicalServerIDs = without(sv.LogicalServerIDs, c.LogicalServerID)
				s.Services[id] = sv
			}
		}
		// A valid snapshot links SPEs both ways, so the server's own list
		// finds every SPE it owns.
		for _, id := range ls.SPEIDs {
			if spe, ok := s.SPEs[id]; ok && spe.LogicalServerID == c.LogicalServerID {
				spe.LogicalServerID = ""
				s.SPEs[id] = spe
			}
		}
	case SetPowerState:
		ls, ok := s.LogicalServers[c.LogicalServerID]
		if !ok {
			return notFound("logical server %q", c.LogicalServerID)
		}
		if c.Power != PowerOn && c.Power != PowerOff {
			return invalid("power state %q (want %q or %q)", c.Power, PowerOn, PowerOff)
		}
		ls.Power = c.Power
		s.LogicalServers[ls.ID] = ls
	case AddVolumeToSPE:
		spe, ok := s.SPEs[c.SPEID]
		if !ok {
			return notFound("storage pool entry %q", c.SPEID)
		}
		if c.VolumeID == "" {
			return invalid("empty volume id")
		}
		if spe.Kind != SPECatalog {
			return conflict("storage pool entry %q is %s, not catalog-based", c.SPEID, spe.Kind)
		}
		if slices.Contains(spe.VolumeIDs, c.VolumeID) {
			return nil // already applied
		}
		if held := ix.holders(s, c.VolumeID); len(held) > 0 { // a valid snapshot has at most one holder
			return conflict("volume %q already in storage pool entry %q, not %q", c.VolumeID, held[0], c.SPEID)
		}
		spe.VolumeIDs = append(slices.Clip(spe.VolumeIDs), c.VolumeID)
		s.SPEs[c.SPEID] = spe
		ix.add(c.VolumeID, c.SPEID)
	case RemoveVolumeFromSPE:
		spe, ok := s.SPEs[c.SPEID]
		if !ok {
			return notFound("storage pool entry %q", c.SPEID)
		}
		if c.VolumeID == "" {
			return invalid("empty volume id")
		}
		if !slices.Contains(spe.VolumeIDs, c.VolumeID) {
			return nil // already applied
		}
		spe.VolumeIDs = without(spe.VolumeIDs, c.VolumeID)
		s.SPEs[c.SPEID] = spe
		ix.remove(c.VolumeID, c.SPEID)
	case DeleteVolumeFromSPM:
		if c.VolumeID == "" {
			return invalid("empty volume id")
		}
		for _, id := range ix.holders(s, c.VolumeID) {
			if spe := s.SPEs[id]; spe.Kind == SPECatalog {
				spe.VolumeIDs = without(spe.VolumeIDs, c.VolumeID)
				s.SPEs[id] = spe
				ix.remove(c.VolumeID, id)
			}
		}
	case TerminateRequest:
		r, ok := s.Requests[c.RequestID]
		if !ok {
			return notFound("request %q", c.RequestID)
		}
		if r.State == terminatedState {
			return nil // already applied
		}
		if !r.State.Unfinished() {
			return conflict("request %q is %s, neither unfinished nor %s", c.RequestID, r.State, terminatedState)
		}
		r.State = terminatedState
		s.Requests[r.ID] = r
	case RemoveServiceDefinition:
		if _, ok := s.Services[c.ServiceID]; !ok {
			return notFound("service %q", c.ServiceID)
		}
		delete(s.Services, c.ServiceID)
		for id, r := range s.Requests {
			if r.ServiceID == c.ServiceID {
				delete(s.Requests, id)
			}
		}
		for a, ip := range s.IPs {
			if ip.ServiceID == c.ServiceID {
				s.IPs[a] = IPAllocation{Address: ip.Address, Network: ip.Network}
			}
		}
		for id, spe := range s.SPEs {
			if spe.ServiceID == c.ServiceID {
				spe.ServiceID = ""
				s.SPEs[id] = spe
			}
		}
	case MarkIPAllocated:
		ip, ok := s.IPs[c.Address]
		if !ok {
			return notFound("address %s in the IO IP pools", c.Address)
		}
		if ip.Allocated {
			if ip.ServiceID == "" && ip.Owner == c.Owner {
				return nil // already applied
			}
			return conflict("address %s already allocated to %s", c.Address, ipHolder(ip))
		}
		ip.Allocated = true
		ip.Owner = c.Owner
		s.IPs[c.Address] = ip
	case ApplyRMExport:
		groups, err := importRM(s.RecoveryGroups, c.Export)
		if err != nil {
			return err
		}
		s.RecoveryGroups = groups
	case UpdateRecoveryGroup:
		rg, ok := s.RecoveryGroups[c.Name]
		if !ok {
			return notFound("recovery group %q", c.Name)
		}
		if len(c.RemoveProtected) == 0 {
			return invalid("nothing to remove")
		}
		kept := slices.DeleteFunc(slices.Clone(rg.ProtectedLS), func(id string) bool {
			return slices.Contains(c.RemoveProtected, id)
		})
		if len(kept) == len(rg.ProtectedLS) {
			return nil // already applied: none of them is listed
		}
		rg.ProtectedLS = kept
		s.RecoveryGroups[rg.Name] = rg
	default:
		return invalid("unknown change type %T", c)
	}
	return nil
}

// ipHolder names who holds an allocated address, for conflict messages.
func ipHolder(ip IPAllocation) string {
	switch {
	case ip.ServiceID != "":
		return fmt.Sprintf("service %q", ip.ServiceID)
	case ip.Owner != "":
		return fmt.Sprintf("owner %q", ip.Owner)
	}
	return "an unnamed owner"
}
