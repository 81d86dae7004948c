package resynctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// Kind names what an Activity does. The kinds are listed by Kinds, each
// with the fields it takes.
type Kind string

// The activities: what operators and the products do to an estate, most
// often between a backup and a restore. Each one changes the hardware and the
// databases as the real products would (the databases as they are at that
// moment: the live ones before a restore, the restored ones after it).
const (
	// VCEM and the VC domains.
	KindCreateProfile      Kind = "create-profile"       // VCEM creates a profile, addresses from its pools
	KindDeleteProfile      Kind = "delete-profile"       // VCEM deletes a profile (not a logical server's), freeing its addresses
	KindAssignProfile      Kind = "assign-profile"       // a profile is assigned to a bay (its VC server activated)
	KindUnassignProfile    Kind = "unassign-profile"     // a profile is unassigned (its VC server deactivated)
	KindUserDefinedAddress Kind = "user-defined-address" // an operator sets a user-defined address in the VC Manager, behind VCEM's back
	KindAddToGroup         Kind = "add-to-group"         // a domain joins a VC Domain Group: VCEM takes it and its profiles over
	KindRemoveFromGroup    Kind = "remove-from-group"    // a domain leaves its group: VCEM releases it, its addresses become External
	KindAddModule          Kind = "add-module"           // a VC module is added to an enclosure bay
	KindRemoveModule       Kind = "remove-module"        // a VC module is removed

	// Matrix OE logical servers.
	KindCreateVCServer      Kind = "create-vc-server"      // a VC-based logical server with a new VCEM profile
	KindDeleteVCServer      Kind = "delete-vc-server"      // a VC-based logical server and its VCEM profile are deleted
	KindCreateVMServer      Kind = "create-vm-server"      // a VM-based logical server on a new VM
	KindDeleteVMServer      Kind = "delete-vm-server"      // a VM-based logical server and its VM are deleted
	KindSuspendVM           Kind = "suspend-vm"            // IO deactivate: the VM is suspended
	KindResumeVM            Kind = "resume-vm"             // IO activate: the VM resumes
	KindServerInoperable    Kind = "server-inoperable"     // LSM marks a logical server inoperable (its hardware failed)
	KindCreateService       Kind = "create-service"        // IO creates a service (no servers yet)
	KindDeleteService       Kind = "delete-service"        // IO deletes a service: its servers, their VMs and VCEM profiles, its IPs
	KindScheduleRequest     Kind = "schedule-request"      // an IO request is scheduled
	KindStartRequest        Kind = "start-request"         // a scheduled (or paused, or approved) request starts
	KindCompleteRequest     Kind = "complete-request"      // an unfinished request completes
	KindAllocateIP          Kind = "allocate-ip"           // IO allocates a free address of its pool to a service
	KindSetRecoveryGroup    Kind = "set-recovery-group"    // RM's configuration gains or changes a recovery group (the RM export reflects it)
	KindDeleteRecoveryGroup Kind = "delete-recovery-group" // a recovery group is deleted from RM's configuration
	KindDropRMExport        Kind = "drop-rm-export"        // the operator will provide no RM export

	// SPM and the arrays.
	KindPresentVolume    Kind = "present-volume"    // SPM presents a catalog volume to an initiator
	KindUnpresentVolume  Kind = "unpresent-volume"  // SPM removes a presentation
	KindImportVolume     Kind = "import-volume"     // SPM imports a volume (a new one, or one its array holds)
	KindDeleteVolume     Kind = "delete-volume"     // a volume is deleted from its array and the catalog
	KindResizeVolume     Kind = "resize-volume"     // a volume is grown or shrunk (SPM records the size)
	KindCorruptSignature Kind = "corrupt-signature" // a volume's SPM signature is damaged on the array
	KindRewriteSignature Kind = "rewrite-signature" // another or a newer SPM rewrites a volume's signature
	KindUnbindVolume     Kind = "unbind-volume"     // SPM unbinds a volume from its storage service
	KindBindVolume       Kind = "bind-volume"       // SPM binds a volume to another storage service
	KindSetActivation    Kind = "set-activation"    // a volume's service binding changes activation level
	KindEvictArray       Kind = "evict-array"       // an array is removed and evicted from SPM

	// The operator on the restored CMS.
	KindMarkServicesFile Kind = "mark-services-file" // the operator marks services deleted in InfrastructureServices.txt
)

// Activity is one thing that happens to an estate, as data: a Kind and the
// fields that kind takes (Kinds lists them; every other field must be
// empty). It prints, saves and replays as JSON, decoded strictly:
//
//	{"kind": "delete-profile", "domain": "d1", "profile": "p3"}
//
// Names are the estate's IDs: a VC domain ID, a profile's name within its
// domain, a logical server, IO service, request, SPM catalog volume,
// storage service or array ID, a recovery group's name.
type Activity struct {
	Kind Kind `json:"kind"`

	Domain     string `json:"domain,omitempty"`     // VC domain ID
	Group      string `json:"group,omitempty"`      // VC Domain Group ID
	Profile    string `json:"profile,omitempty"`    // profile name within Domain
	Bay        string `json:"bay,omitempty"`        // server bay, "<enclosure>:<slot>"
	Ethernet   int    `json:"ethernet,omitempty"`   // connection counts of a new profile
	ISCSI      int    `json:"iscsi,omitempty"`      //
	FCoE       int    `json:"fcoe,omitempty"`       //
	FC         int    `json:"fc,omitempty"`         //
	Connection string `json:"connection,omitempty"` // "ethernet[0]", "iscsi[0]" or "fc[0]" (index from 0)
	Address    string `json:"address,omitempty"`    // a MAC (ethernet, iscsi) or port WWN (fc)
	Enclosure  string `json:"enclosure,omitempty"`  // enclosure of a module
	ModuleBay  int    `json:"moduleBay,omitempty"`  // interconnect bay of a module
	ModuleType string `json:"moduleType,omitempty"` // e.g. "FlexFabric"

	Server            string     `json:"server,omitempty"`            // logical server ID
	VM                string     `json:"vm,omitempty"`                // VM ID
	Service           string     `json:"service,omitempty"`           // IO service ID
	Name              string     `json:"name,omitempty"`              // name of a new service, request or volume
	Request           string     `json:"request,omitempty"`           // IO request ID
	IP                netip.Addr `json:"ip,omitzero"`                 // an address of the IO pool
	RecoveryGroup     string     `json:"recoveryGroup,omitempty"`     // recovery group name
	Set               string     `json:"set,omitempty"`               // recovery group set
	Servers           []string   `json:"servers,omitempty"`           // logical servers a recovery group protects
	ReplicationGroups []string   `json:"replicationGroups,omitempty"` // storage replication groups it references
	Disabled          bool       `json:"disabled,omitempty"`          // the recovery group is disabled
	Services          []string   `json:"services,omitempty"`          // service names to mark

	Array            string       `json:"array,omitempty"`            // array ID
	Volume           string       `json:"volume,omitempty"`           // catalog volume ID
	WWN              addrpool.WWN `json:"wwn,omitzero"`               // a volume's WWN (import)
	Size             uint64       `json:"size,omitempty"`             // a volume's size in bytes
	Initiator        addrpool.WWN `json:"initiator,omitzero"`         // host port WWN a volume is presented to
	Host             string       `json:"host,omitempty"`             // host or host group of a presentation
	LUN              int          `json:"lun,omitempty"`              // LUN of a presentation
	StorageService   string       `json:"storageService,omitempty"`   // SPM storage service ID
	Activation       string       `json:"activation,omitempty"`       // activation level of a service binding
	Catalog          string       `json:"catalog,omitempty"`          // owning catalog a signature names
	SignatureVersion int          `json:"signatureVersion,omitempty"` // signature format version
}

// String renders the activity as its JSON form.
func (a Activity) String() string {
	b, err := json.Marshal(a)
	if err != nil {
		return string(a.Kind)
	}
	return string(b)
}

// activityJSON is Activity without its methods.
type activityJSON Activity

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*Activity) JSONShape() any { return (*activityJSON)(nil) }

// UnmarshalJSON decodes an activity strictly: an unknown, repeated or
// case-folded key, a bad value or trailing data is an error naming the
// field, and so is an unknown kind, a field the kind does not take or a
// missing one it needs. On error a is unchanged.
func (a *Activity) UnmarshalJSON(b []byte) error {
	var x activityJSON
	if err := strictjson.Unmarshal(b, &x); err != nil {
		return fmt.Errorf("resynctest: activity: %w", err)
	}
	if err := Activity(x).Validate(); err != nil {
		return err
	}
	*a = Activity(x)
	return nil
}

// KindInfo describes a kind: the section whose state it changes first, the
// fields it needs and may take, and what it does.
type KindInfo struct {
	Kind     Kind     `json:"kind"`
	Section  string   `json:"section"` // "vcem", "spm", "matrixoe" or "operator"
	Required []string `json:"required"`
	Optional []string `json:"optional,omitempty"`
	Doc      string   `json:"doc"`
}

type kindSpec struct {
	KindInfo
	apply func(e *Estate, a Activity) error
}

// kindTable is every kind with its fields and its effect, in the order of
// the constants.
func kindTable() []kindSpec {
	counts := []string{"bay", "ethernet", "iscsi", "fcoe", "fc"}
	k := func(kind Kind, section string, req, opt []string, doc string, apply func(*Estate, Activity) error) kindSpec {
		return kindSpec{KindInfo{Kind: kind, Section: section, Required: req, Optional: opt, Doc: doc}, apply}
	}
	return []kindSpec{
		k(KindCreateProfile, "vcem", []string{"domain", "profile"}, counts,
			"VCEM creates a profile on a domain it manages, its addresses the lowest Free ones of its database's pools (the VC domain and the database both get it)", (*Estate).createProfile),
		k(KindDeleteProfile, "vcem", []string{"domain", "profile"}, nil,
			"VCEM deletes a profile that is no logical server's and frees its addresses (delete-vc-server deletes a server's)", (*Estate).deleteProfile),
		k(KindAssignProfile, "vcem", []string{"domain", "profile", "bay"}, nil,
			"a profile is assigned to a free bay; its VC-based logical server, if any, is activated", (*Estate).assignProfile),
		k(KindUnassignProfile, "vcem", []string{"domain", "profile"}, nil,
			"a profile is unassigned; its VC-based logical server, if any, is deactivated", (*Estate).unassignProfile),
		k(KindUserDefinedAddress, "vcem", []string{"domain", "profile", "connection", "address"}, nil,
			"an operator gives a connection a user-defined address in the VC Manager (an FC one the port WWN, its node WWN the next): VCEM's database is not told and the domain is out of sync; an address another profile holds is a conflict", (*Estate).userDefinedAddress),
		k(KindAddToGroup, "vcem", []string{"domain", "group"}, nil,
			"a domain in no group joins one: VCEM takes it and its profiles into its database (VCEM-pool addresses In use by them)", (*Estate).addToGroup),
		k(KindRemoveFromGroup, "vcem", []string{"domain"}, nil,
			"a domain leaves its group: VCEM forgets it and its profiles, and marks their VCEM-pool addresses External (the domain still uses them); Matrix OE is not told", (*Estate).removeFromGroup),
		k(KindAddModule, "vcem", []string{"domain", "enclosure", "moduleBay", "moduleType"}, nil,
			"a VC module is added to a free interconnect bay of an enclosure of the domain; VCEM records it", (*Estate).addModule),
		k(KindRemoveModule, "vcem", []string{"domain", "enclosure", "moduleBay"}, nil,
			"the VC module of an enclosure bay is removed; VCEM records it", (*Estate).removeModule),

		k(KindCreateVCServer, "matrixoe", []string{"server", "domain", "profile"}, append(slices.Clone(counts), "service"),
			"Matrix OE creates a VC-based logical server with a new VCEM profile (as create-profile), activated when assigned, in an IO service if given", (*Estate).createVCServer),
		k(KindDeleteVCServer, "matrixoe", []string{"server"}, nil,
			"a VC-based logical server is deleted with its VCEM profile, whose addresses are freed (its storage pool entries stay, ownerless)", (*Estate).deleteVCServer),
		k(KindCreateVMServer, "matrixoe", []string{"server", "vm"}, []string{"service"},
			"a VM-based logical server is created on a new VM, powered on, in an IO service if given", (*Estate).createVMServer),
		k(KindDeleteVMServer, "matrixoe", []string{"server"}, nil,
			"a VM-based logical server and its VM are deleted", (*Estate).deleteVMServer),
		k(KindSuspendVM, "matrixoe", []string{"vm"}, nil,
			"IO deactivates a VM-based server: its VM is suspended (power off), as LSM records", (*Estate).suspendVM),
		k(KindResumeVM, "matrixoe", []string{"vm"}, nil,
			"IO activates a VM-based server: its VM resumes (power on), as LSM records", (*Estate).resumeVM),
		k(KindServerInoperable, "matrixoe", []string{"server"}, nil,
			"LSM marks a logical server inoperable; before a backup, the backup keeps it so", (*Estate).serverInoperable),
		k(KindCreateService, "matrixoe", []string{"service", "name"}, nil,
			"IO creates a service, with no servers yet", (*Estate).createService),
		k(KindDeleteService, "matrixoe", []string{"service"}, nil,
			"IO deletes a service as its deprovisioning does: its logical servers with their VMs and VCEM profiles, its requests, its IP addresses", (*Estate).deleteService),
		k(KindScheduleRequest, "matrixoe", []string{"request", "name"}, []string{"service"},
			"an IO request is scheduled; before a backup, the backup keeps it in flight", (*Estate).scheduleRequest),
		k(KindStartRequest, "matrixoe", []string{"request"}, nil,
			"a scheduled, pending or paused IO request starts (in progress)", (*Estate).startRequest),
		k(KindCompleteRequest, "matrixoe", []string{"request"}, nil,
			"an unfinished IO request completes", (*Estate).completeRequest),
		k(KindAllocateIP, "matrixoe", []string{"ip", "service"}, nil,
			"IO allocates a free address of its pool to a service: in use live, allocated in its database", (*Estate).allocateIP),
		k(KindSetRecoveryGroup, "matrixoe", []string{"recoveryGroup", "set"}, []string{"servers", "replicationGroups", "disabled"},
			"RM's configuration gains a recovery group or replaces one of that name (its set may change); the RM export reflects it", (*Estate).setRecoveryGroup),
		k(KindDeleteRecoveryGroup, "matrixoe", []string{"recoveryGroup"}, nil,
			"a recovery group is deleted from RM's configuration and the export", (*Estate).deleteRecoveryGroup),
		k(KindDropRMExport, "matrixoe", nil, nil,
			"the operator will provide no RM configuration export", (*Estate).dropRMExport),

		k(KindPresentVolume, "spm", []string{"volume", "initiator"}, []string{"host", "lun"},
			"SPM presents a catalog volume to an initiator (host \"\": \"host-<initiator>\")", (*Estate).presentVolume),
		k(KindUnpresentVolume, "spm", []string{"volume", "initiator"}, nil,
			"SPM removes a volume's presentation to an initiator", (*Estate).unpresentVolume),
		k(KindImportVolume, "spm", []string{"array", "volume"}, []string{"wwn", "name", "size"},
			"SPM imports a volume under a new catalog ID and signs it: the array's volume of that WWN with its presentations, or a new one (WWN 0: the next free, size 0: 64 GiB)", (*Estate).importVolume),
		k(KindDeleteVolume, "spm", []string{"volume"}, nil,
			"a catalog volume is deleted from its array and the catalog; storage pool entries listing it lose it", (*Estate).deleteVolume),
		k(KindResizeVolume, "spm", []string{"volume", "size"}, nil,
			"a volume is resized on its array; SPM records the size", (*Estate).resizeVolume),
		k(KindCorruptSignature, "spm", []string{"volume"}, nil,
			"a volume's signature is damaged on its 3PAR or EVA array", (*Estate).corruptSignature),
		k(KindRewriteSignature, "spm", []string{"volume"}, []string{"catalog", "signatureVersion"},
			"another SPM (catalog) or a newer one (signatureVersion) rewrites a volume's signature; this catalog is not told", (*Estate).rewriteSignature),
		k(KindUnbindVolume, "spm", []string{"volume"}, nil,
			"SPM unbinds a volume from its storage service (catalog and signature)", (*Estate).unbindVolume),
		k(KindBindVolume, "spm", []string{"volume", "storageService"}, nil,
			"SPM binds a volume to another storage service, active (catalog and signature)", (*Estate).bindVolume),
		k(KindSetActivation, "spm", []string{"volume", "activation"}, nil,
			"a bound volume's activation level changes (catalog and signature)", (*Estate).setActivation),
		k(KindEvictArray, "spm", []string{"array"}, nil,
			"an array is removed and evicted from SPM with its volumes; storage pool entries lose them", (*Estate).evictArray),

		k(KindMarkServicesFile, "operator", []string{"services"}, nil,
			"the operator marks the named services deleted in InfrastructureServices.txt (written first from the Matrix OE database when mxsync has not written it)", (*Estate).markServicesFile),
	}
}

// Kinds lists every activity kind with its fields, in the order of the
// constants.
func Kinds() []KindInfo {
	t := kindTable()
	out := make([]KindInfo, len(t))
	for i, s := range t {
		out[i] = s.KindInfo
	}
	return out
}

func specOf(k Kind) (kindSpec, bool) {
	for _, s := range kindTable() {
		if s.Kind == k {
			return s, true
		}
	}
	return kindSpec{}, false
}

// ErrInvalidActivity is wrapped by errors about an activity that cannot be
// valid for any estate: an unknown kind, a missing or foreign field.
var ErrInvalidActivity = errors.New("resynctest: invalid activity")

// ErrRefused is wrapped by errors about an activity the estate's state
// forbids (a profile that does not exist, a bay in use): as the products
// would refuse it. Nothing changed.
var ErrRefused = errors.New("resynctest: activity refused")

// Validate reports an unknown kind, a field the kind needs that is empty and
// a field it does not take that is set, every one at once.
func (a Activity) Validate() error {
	spec, ok := specOf(a.Kind)
	if !ok {
		return fmt.Errorf("%w: kind %s is not one of Kinds()", ErrInvalidActivity, strictjson.QuoteShort(string(a.Kind)))
	}
	allowed := map[string]bool{"kind": true}
	for _, f := range spec.Required {
		allowed[f] = true
	}
	for _, f := range spec.Optional {
		allowed[f] = true
	}
	var problems []string
	v := reflect.ValueOf(a)
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		zero := v.Field(i).IsZero()
		switch {
		case slices.Contains(spec.Required, name) && zero:
			problems = append(problems, fmt.Sprintf("%s: missing (%s needs it)", name, a.Kind))
		case !allowed[name] && !zero:
			problems = append(problems, fmt.Sprintf("%s: %s does not take it", name, a.Kind))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidActivity, strings.Join(problems, "; "))
	}
	return nil
}

// ActivityError is the failure of one activity of a history.
type ActivityError struct {
	Index    int      // position in the history
	Activity Activity // the activity
	Err      error    // why; wraps ErrInvalidActivity or ErrRefused, or a fake's error
}

// Error renders `resynctest: activity 3 {"kind":…}: <Err>`.
func (e *ActivityError) Error() string {
	return fmt.Sprintf("resynctest: activity %d %s: %v", e.Index, e.Activity, e.Err)
}

// Unwrap returns Err.
func (e *ActivityError) Unwrap() error { return e.Err }

// Do plays one activity. It is all or nothing: a refused activity (an
// error wrapping ErrRefused or ErrInvalidActivity) changed nothing.
func (e *Estate) Do(a Activity) error {
	if e == nil {
		return errors.New("resynctest: nil estate")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	spec, _ := specOf(a.Kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	return spec.apply(e, a)
}

// Play plays a history in order and stops at the first activity that fails,
// with an *ActivityError naming it (the activities before it stay played),
// or when ctx ends.
func (e *Estate) Play(ctx context.Context, history []Activity) error {
	if ctx == nil {
		return errors.New("resynctest: play: nil context")
	}
	for i, a := range history {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.Do(a); err != nil {
			return &ActivityError{Index: i, Activity: a, Err: err}
		}
	}
	return nil
}

// refused builds an error wrapping ErrRefused.
func refused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// DecodeHistory reads a history written by json.Marshal of []Activity (or
// HistoryJSON), strictly: every bad activity is reported at once, by its
// index ("[3].bay: …"). On error no activity is returned.
func DecodeHistory(b []byte) ([]Activity, error) {
	var raw []activityJSON
	if err := strictjson.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("resynctest: history: %w", err)
	}
	var errs []error
	out := make([]Activity, len(raw))
	for i, x := range raw {
		if err := Activity(x).Validate(); err != nil {
			errs = append(errs, fmt.Errorf("[%d]: %w", i, err))
		}
		out[i] = Activity(x)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("resynctest: history: %w", err)
	}
	return out, nil
}

// HistoryJSON renders a history as a JSON array, one activity per line, to
// print, save and read back with DecodeHistory.
func HistoryJSON(h []Activity) string {
	var b strings.Builder
	b.WriteString("[")
	for i, a := range h {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		b.WriteString(a.String())
	}
	if len(h) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]")
	return b.String()
}

// Replay is the message a failing random-history test prints: the seed and
// the history as JSON, ready to paste into DecodeHistory and Play on an
// estate built with the same model and seed.
func Replay(seed uint64, h []Activity) string {
	return fmt.Sprintf("seed %d; history (resynctest.DecodeHistory, then Play on the same model):\n%s", seed, HistoryJSON(h))
}
