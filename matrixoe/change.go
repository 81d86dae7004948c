package matrixoe

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/mxsync-go/mxsync/internal/changecodec"
	"github.com/mxsync-go/mxsync/spm"
)

// Change is one mutation of the restored Matrix OE databases, as plain data.
// Every change has a stable Kind ("matrixoe.DropLS", ...) and a Target naming
// the record it touches. Plain json.Marshal writes its tagged form,
//
//	{"kind":"matrixoe.DropLS","logicalServerId":"LS1"}
//
// and [DecodeChange] (or a [Changes] list) reads it back strictly, so a saved
// plan or journal never loses what a change is. The set of changes is closed:
// [Apply] knows every one. A pointer to a change type is accepted wherever a
// Change is (a nil pointer is refused with an error, never a panic).
type Change interface {
	// Kind is the stable tag of the change type, e.g. "matrixoe.DropLS".
	Kind() string
	// Target names the record the change touches, e.g. "logical server LS1".
	Target() string
	// String describes the change for people.
	String() string
	// MarshalJSON writes {"kind": Kind(), ...fields}.
	json.Marshaler
	isChange()
}

// codec is the package's one tagged-JSON codec for changes (immutable after
// init; internal/changecodec is shared with vcem and spm).
var codec = changecodec.MustNew[Change]("matrixoe", ErrUnknownChange, ErrInvalid,
	SetLSDeactivated{}, DropLS{}, SetPowerState{}, AddVolumeToSPE{}, RemoveVolumeFromSPE{},
	DeleteVolumeFromSPM{}, TerminateRequest{}, RemoveServiceDefinition{}, MarkIPAllocated{},
	ApplyRMExport{}, UpdateRecoveryGroup{})

// DecodeChange reads one change in its tagged form. An unknown kind is an
// error wrapping [ErrUnknownChange]; a missing, unknown, repeated,
// case-folded or ill-typed field, or trailing data, is an error wrapping
// [ErrInvalid] that names the field.
func DecodeChange(b []byte) (Change, error) { return codec.Decode(b) }

// Changes is a list of changes with a JSON form: an array of tagged objects
// (nil is written as []). It has no JSONShape: its elements are a tagged
// union, so a strict decoder of an enclosing type decodes it through
// UnmarshalJSON, which keeps every problem's path ("changes[3].volumeId").
type Changes []Change

// MarshalJSON writes each change in its tagged form.
func (cs Changes) MarshalJSON() ([]byte, error) { return codec.MarshalList(cs) }

// UnmarshalJSON reads a JSON array of tagged changes (null is an empty
// list); every bad element is reported at once, with its index. On error
// cs is unchanged.
func (cs *Changes) UnmarshalJSON(b []byte) error {
	out, err := codec.DecodeList(b)
	if err != nil {
		return err
	}
	if len(out) == 0 {
		out = nil
	}
	*cs = out
	return nil
}

// decodeInto is the UnmarshalJSON of every change type: the tagged form,
// strictly, and of that type's kind only.
func decodeInto[T Change](b []byte, dst *T) error {
	c, err := codec.Decode(b)
	if err != nil {
		return err
	}
	v, ok := c.(T)
	if !ok {
		var want T
		return fmt.Errorf("matrixoe: change of kind %s where %s is wanted: %w", c.Kind(), want.Kind(), ErrInvalid)
	}
	*dst = v
	return nil
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
// manages it (table 15, Volume2 and Volume4). Storage phase 3.
//
// It is the one change that crosses sections, and it has two parts, each
// applied by its own section's one writer (see "The change that crosses
// sections" in the package doc): applied to a Matrix OE snapshot it removes
// every catalog-based storage pool entry's reference to the volume, and its
// SPM part, [DeleteVolumeFromSPM.SPMChange] (spm.RemoveVolume of the same
// volume), goes to the SPM restored store.
//
// Re-applying: on a Matrix OE snapshot, a volume no entry references is a
// no-op. The SPM part is a removal with spm's rule: a volume absent from the
// catalog is an error wrapping spm.ErrNotFound.
type DeleteVolumeFromSPM struct {
	VolumeID string `json:"volumeId"`
}

// SPMChange returns the change this one implies for the SPM restored store:
// spm.RemoveVolume of the same volume (which also drops its presentations).
// The engine applies it there with spm's Apply, so that SPM state has one
// writer.
func (c DeleteVolumeFromSPM) SPMChange() spm.Change { return spm.RemoveVolume{VolumeID: c.VolumeID} }

// SPMChangesOf returns, in order, the SPM parts of the changes that have
// one ([DeleteVolumeFromSPM.SPMChange]); nil changes are skipped. A dry run
// applies them to its predicted SPM catalog, an execute to the SPM restored
// store.
func SPMChangesOf(cs []Change) []spm.Change {
	var out []spm.Change
	for _, c := range cs {
		if d, ok := deref(c).(DeleteVolumeFromSPM); ok {
			out = append(out, d.SPMChange())
		}
	}
	return out
}

// TerminateRequest terminates an IO request that was unfinished at backup,
// moving it from the state the analysis found (From) to the terminated
// state (To), both from the [RequestStates] vocabulary the analysis used —
// so applying it needs no vocabulary, and a plan replays the same way
// whatever the executing process's defaults. IO phase 1.
//
// Re-applying: a request already in To is a no-op; a request in neither
// From nor To (it moved since the analysis, or the change was written for
// another estate) is an error wrapping [ErrConflict] naming its state;
// From or To empty, or equal, is [ErrInvalid].
type TerminateRequest struct {
	RequestID string       `json:"requestId"`
	From      RequestState `json:"from"`
	To        RequestState `json:"to"`
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
// recovery group set. Rules carries the readings of those rules that RM's
// text leaves open ([RMImportRules]; the zero value is the default), so a
// plan replays the same way. RM phase 1.
//
// Re-applying: importing the same export again yields the same groups
// (no-op): the export's own groups never conflict with each other under
// the default rules (see [RMImportRules.AllowSRGAcrossSetsInExport]).
type ApplyRMExport struct {
	Export RMExport      `json:"export"`
	Rules  RMImportRules `json:"rules,omitzero"`
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
func (c SetLSDeactivated) Target() string { return "logical server " + short(c.LogicalServerID) }

// Target names the record the change touches.
func (c DropLS) Target() string { return "logical server " + short(c.LogicalServerID) }

// Target names the record the change touches.
func (c SetPowerState) Target() string { return "logical server " + short(c.LogicalServerID) }

// Target names the record the change touches.
func (c AddVolumeToSPE) Target() string { return "storage pool entry " + short(c.SPEID) }

// Target names the record the change touches.
func (c RemoveVolumeFromSPE) Target() string { return "storage pool entry " + short(c.SPEID) }

// Target names the record the change touches.
func (c DeleteVolumeFromSPM) Target() string { return "volume " + short(c.VolumeID) }

// Target names the record the change touches.
func (c TerminateRequest) Target() string { return "request " + short(c.RequestID) }

// Target names the record the change touches.
func (c RemoveServiceDefinition) Target() string { return "service " + short(c.ServiceID) }

// Target names the record the change touches.
func (c MarkIPAllocated) Target() string { return "IP address " + short(c.Address.String()) }

// Target names the record the change touches.
func (c ApplyRMExport) Target() string { return "recovery groups" }

// Target names the record the change touches.
func (c UpdateRecoveryGroup) Target() string { return "recovery group " + short(c.Name) }

// String describes the change.
func (c SetLSDeactivated) String() string {
	return fmt.Sprintf("set logical server %s deactivated", q(c.LogicalServerID))
}

// String describes the change.
func (c DropLS) String() string {
	return fmt.Sprintf("drop logical server %s from the Matrix OE database", q(c.LogicalServerID))
}

// String describes the change.
func (c SetPowerState) String() string {
	return fmt.Sprintf("set power state of logical server %s to %s", q(c.LogicalServerID), c.Power)
}

// String describes the change.
func (c AddVolumeToSPE) String() string {
	return fmt.Sprintf("add volume %s to storage pool entry %s", q(c.VolumeID), q(c.SPEID))
}

// String describes the change.
func (c RemoveVolumeFromSPE) String() string {
	return fmt.Sprintf("remove volume %s from storage pool entry %s", q(c.VolumeID), q(c.SPEID))
}

// String describes the change.
func (c DeleteVolumeFromSPM) String() string {
	return fmt.Sprintf("delete volume %s from SPM", q(c.VolumeID))
}

// String describes the change.
func (c TerminateRequest) String() string {
	return fmt.Sprintf("terminate request %s (%s -> %s)", q(c.RequestID), q(string(c.From)), q(string(c.To)))
}

// String describes the change.
func (c RemoveServiceDefinition) String() string {
	if c.Name != "" {
		return fmt.Sprintf("remove the definition of service %s (%s)", q(c.ServiceID), q(c.Name))
	}
	return fmt.Sprintf("remove the definition of service %s", q(c.ServiceID))
}

// String describes the change.
func (c MarkIPAllocated) String() string {
	if c.Owner != "" {
		return fmt.Sprintf("mark IP address %s allocated (to %s)", short(c.Address.String()), q(c.Owner))
	}
	return fmt.Sprintf("mark IP address %s allocated", short(c.Address.String()))
}

// String describes the change.
func (c ApplyRMExport) String() string {
	return fmt.Sprintf("apply the RM configuration export (%d recovery groups)", len(c.Export.RecoveryGroups))
}

// String describes the change.
func (c UpdateRecoveryGroup) String() string {
	return fmt.Sprintf("remove %s from recovery group %s", shortList(c.RemoveProtected), q(c.Name))
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

// MarshalJSON writes the tagged form (see [Change]).
func (c SetLSDeactivated) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *SetLSDeactivated) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c DropLS) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *DropLS) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c SetPowerState) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *SetPowerState) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c AddVolumeToSPE) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *AddVolumeToSPE) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c RemoveVolumeFromSPE) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *RemoveVolumeFromSPE) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c DeleteVolumeFromSPM) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *DeleteVolumeFromSPM) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c TerminateRequest) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *TerminateRequest) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c RemoveServiceDefinition) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *RemoveServiceDefinition) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c MarkIPAllocated) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *MarkIPAllocated) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c ApplyRMExport) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *ApplyRMExport) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }

// MarshalJSON writes the tagged form (see [Change]).
func (c UpdateRecoveryGroup) MarshalJSON() ([]byte, error) { return codec.Marshal(c) }

// UnmarshalJSON reads the tagged form strictly (see [DecodeChange]); a
// change of another kind is an error wrapping [ErrInvalid].
func (c *UpdateRecoveryGroup) UnmarshalJSON(b []byte) error { return decodeInto(b, c) }
