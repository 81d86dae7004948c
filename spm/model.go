package spm

import "github.com/mxsync-go/mxsync/addrpool"

// ArrayType is the family of a storage array.
type ArrayType string

// Array families SPM manages. Management signatures exist only on 3PAR and
// EVA/P6000; XP/P9000 volumes always show SignatureNotPresent.
const (
	Array3PAR ArrayType = "3PAR"
	ArrayEVA  ArrayType = "EVA"
	ArrayXP   ArrayType = "XP"
)

// SupportsSignatures reports whether volumes of this family carry SPM
// management signatures (SPM 2.2 user guide p20).
func (t ArrayType) SupportsSignatures() bool { return t == Array3PAR || t == ArrayEVA }

// Valid reports whether t is one of the known array families.
func (t ArrayType) Valid() bool { return t == Array3PAR || t == ArrayEVA || t == ArrayXP }

// SignatureState is the Signature State SPM 2.2+ sets on each volume during
// Internal Recovery.
type SignatureState string

// The nine Signature States of SPM 2.2 (user guide p20). The empty value
// means SPM has not set one (before 2.2, or before Internal Recovery).
const (
	SignatureValid                    SignatureState = "Valid"
	SignatureUnsupportedVersion       SignatureState = "Unsupported Version"
	SignatureCorrupt                  SignatureState = "Corrupt"
	SignatureNotPresent               SignatureState = "Not present"
	SignatureNotPresentChanged        SignatureState = "Not present with changes since recovery"
	SignatureOwningCatalogMismatch    SignatureState = "Owning catalog mismatch"
	SignatureUnexpectedServiceBinding SignatureState = "Unexpected service binding"
	SignatureActivationLevelMismatch  SignatureState = "Service Activation Level Mismatch"
	SignatureServiceMismatch          SignatureState = "Service Mismatch"
)

// SignatureStates returns the nine Signature States in the order of the SPM
// 2.2 user guide's table.
func SignatureStates() []SignatureState {
	return []SignatureState{
		SignatureValid, SignatureUnsupportedVersion, SignatureCorrupt,
		SignatureNotPresent, SignatureNotPresentChanged, SignatureOwningCatalogMismatch,
		SignatureUnexpectedServiceBinding, SignatureActivationLevelMismatch, SignatureServiceMismatch,
	}
}

// Valid reports whether s is empty (not set yet) or one of the nine states.
func (s SignatureState) Valid() bool {
	if s == "" {
		return true
	}
	for _, k := range SignatureStates() {
		if s == k {
			return true
		}
	}
	return false
}

// Array is a storage array known to the catalog.
type Array struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Type        ArrayType `json:"type"`
	Quarantined bool      `json:"quarantined,omitempty"`
}

// Volume is a storage volume (LUN) known to the catalog.
type Volume struct {
	ID            string         `json:"id"`
	ArrayID       string         `json:"arrayId"`
	Name          string         `json:"name"`
	WWN           addrpool.WWN   `json:"wwn"`
	SizeBytes     uint64         `json:"sizeBytes"`
	Quarantined   bool           `json:"quarantined,omitempty"`
	Signature     SignatureState `json:"signature,omitempty"`
	OwningCatalog string         `json:"owningCatalog,omitempty"`
	ServiceID     string         `json:"serviceId,omitempty"` // storage service the volume is bound to
	// Offline records that the SPM UI shows the volume offline, when the
	// source of the snapshot knows it. The analysis does not read it: for
	// [Analyze] a volume is offline when its array no longer holds it
	// (a restored catalog predates the deletion, so it cannot say).
	Offline bool `json:"offline,omitempty"`
	// Activation is the activation level of the volume's service binding as
	// the catalog records it (free text, e.g. "active"); compared with the
	// array's signature to detect "Service Activation Level Mismatch".
	Activation string `json:"activation,omitempty"`
}

// Presentation is one volume presented (LUN-masked) to one initiator port.
type Presentation struct {
	VolumeID  string       `json:"volumeId"`
	Initiator addrpool.WWN `json:"initiator"` // host port WWN (WWPN)
	Host      string       `json:"host"`      // host or host group on the array, e.g. LSM_...
	LUN       int          `json:"lun"`
}

// Service is an SPM storage service: storage Matrix OE requested for a
// logical server, bound to volumes.
type Service struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	TemplateID string `json:"templateId,omitempty"`
	Conformant bool   `json:"conformant"`
}

// Template is a storage service template; templates form a tree.
type Template struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parentId,omitempty"`
}
