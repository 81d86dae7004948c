package spm

import (
	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/jsonappend"
)

// The catalog's and the live side's hand-written encoders: the bytes
// json.Marshal writes for their fields (maps in key order, nil maps and
// slices as null, omitempty fields left out), appended to one buffer
// without reflection. A plan carries both as its prior state, and a Large
// estate's hold tens of thousands of volumes.

// AppendJSON appends json.Marshal's form of the snapshot to b (null for a
// nil s): the same bytes, for an encoder of a larger document (a plan)
// that writes into one buffer. The error is always nil today; it is there
// so that a field that can fail to encode needs no change of signature.
func (s *Snapshot) AppendJSON(b []byte) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"catalogId":`...)
	b = jsonappend.String(b, s.CatalogID)
	b = append(b, `,"arrays":`...)
	b = jsonappend.Map(b, s.Arrays, appendArray)
	b = append(b, `,"volumes":`...)
	b = jsonappend.Map(b, s.Volumes, appendVolume)
	b = append(b, `,"presentations":`...)
	b = jsonappend.Slice(b, s.Presentations, appendPresentation)
	b = append(b, `,"services":`...)
	b = jsonappend.Map(b, s.Services, func(b []byte, v *Service) []byte {
		b = append(b, `{"id":`...)
		b = jsonappend.String(b, v.ID)
		b = append(b, `,"name":`...)
		b = jsonappend.String(b, v.Name)
		if v.TemplateID != "" {
			b = append(b, `,"templateId":`...)
			b = jsonappend.String(b, v.TemplateID)
		}
		b = append(b, `,"conformant":`...)
		b = jsonappend.Bool(b, v.Conformant)
		return append(b, '}')
	})
	b = append(b, `,"templates":`...)
	b = jsonappend.Map(b, s.Templates, func(b []byte, v *Template) []byte {
		b = append(b, `{"id":`...)
		b = jsonappend.String(b, v.ID)
		b = append(b, `,"name":`...)
		b = jsonappend.String(b, v.Name)
		if v.ParentID != "" {
			b = append(b, `,"parentId":`...)
			b = jsonappend.String(b, v.ParentID)
		}
		return append(b, '}')
	})
	return append(b, '}'), nil
}

func appendArray(b []byte, a *Array) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, a.ID)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, a.Name)
	b = append(b, `,"type":`...)
	b = jsonappend.String(b, string(a.Type))
	if a.Quarantined {
		b = append(b, `,"quarantined":true`...)
	}
	return append(b, '}')
}

func appendVolume(b []byte, v *Volume) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, v.ID)
	b = append(b, `,"arrayId":`...)
	b = jsonappend.String(b, v.ArrayID)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, v.Name)
	b = append(b, `,"wwn":`...)
	b = appendWWN(b, v.WWN)
	b = append(b, `,"sizeBytes":`...)
	b = jsonappend.Uint(b, v.SizeBytes)
	if v.Quarantined {
		b = append(b, `,"quarantined":true`...)
	}
	if v.Signature != "" {
		b = append(b, `,"signature":`...)
		b = jsonappend.String(b, string(v.Signature))
	}
	if v.OwningCatalog != "" {
		b = append(b, `,"owningCatalog":`...)
		b = jsonappend.String(b, v.OwningCatalog)
	}
	if v.ServiceID != "" {
		b = append(b, `,"serviceId":`...)
		b = jsonappend.String(b, v.ServiceID)
	}
	if v.Offline {
		b = append(b, `,"offline":true`...)
	}
	if v.Activation != "" {
		b = append(b, `,"activation":`...)
		b = jsonappend.String(b, v.Activation)
	}
	return append(b, '}')
}

// appendWWN appends a WWN as json.Marshal writes it: its text, quoted (the
// text never needs escaping).
func appendWWN(b []byte, w addrpool.WWN) []byte {
	b = append(b, '"')
	b, _ = w.AppendText(b) // a WWN always has a text
	return append(b, '"')
}

// AppendJSON appends json.Marshal's form of the live side to b (null for
// a nil l): the same bytes, for an encoder of a larger document (a plan)
// that writes into one buffer. The error is always nil today, as for
// [Snapshot.AppendJSON].
func (l *Live) AppendJSON(b []byte) ([]byte, error) {
	if l == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"arrays":`...)
	b = jsonappend.Map(b, l.Arrays, appendLiveArray)
	return append(b, '}'), nil
}

func appendLiveArray(b []byte, a *LiveArray) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, a.ID)
	b = append(b, `,"type":`...)
	b = jsonappend.String(b, string(a.Type))
	b = append(b, `,"volumes":`...)
	b = jsonappend.Slice(b, a.Volumes, appendLiveVolume)
	b = append(b, `,"presentations":`...)
	b = jsonappend.Slice(b, a.Presentations, func(b []byte, p *LivePresentation) []byte {
		b = append(b, `{"volumeWwn":`...)
		b = appendWWN(b, p.VolumeWWN)
		return appendInitiatorHostLUN(b, p.Initiator, p.Host, p.LUN)
	})
	return append(b, '}')
}

// appendInitiatorHostLUN ends a presentation, of the catalog or of an
// array: `,"initiator":…,"host":…,"lun":…}`.
func appendInitiatorHostLUN(b []byte, initiator addrpool.WWN, host string, lun int) []byte {
	b = append(b, `,"initiator":`...)
	b = appendWWN(b, initiator)
	b = append(b, `,"host":`...)
	b = jsonappend.String(b, host)
	b = append(b, `,"lun":`...)
	b = jsonappend.Int(b, int64(lun))
	return append(b, '}')
}

func appendLiveVolume(b []byte, v *LiveVolume) []byte {
	b = append(b, `{"wwn":`...)
	b = appendWWN(b, v.WWN)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, v.Name)
	b = append(b, `,"sizeBytes":`...)
	b = jsonappend.Uint(b, v.SizeBytes)
	sg := &v.Signature
	b = append(b, `,"signature":{"present":`...)
	b = jsonappend.Bool(b, sg.Present)
	if sg.Corrupt {
		b = append(b, `,"corrupt":true`...)
	}
	if sg.Version != 0 {
		b = append(b, `,"version":`...)
		b = jsonappend.Int(b, int64(sg.Version))
	}
	if sg.OwningCatalog != "" {
		b = append(b, `,"owningCatalog":`...)
		b = jsonappend.String(b, sg.OwningCatalog)
	}
	if sg.ServiceID != "" {
		b = append(b, `,"serviceId":`...)
		b = jsonappend.String(b, sg.ServiceID)
	}
	if sg.Activation != "" {
		b = append(b, `,"activation":`...)
		b = jsonappend.String(b, sg.Activation)
	}
	return append(b, "}}"...)
}

func appendPresentation(b []byte, p *Presentation) []byte {
	b = append(b, `{"volumeId":`...)
	b = jsonappend.String(b, p.VolumeID)
	return appendInitiatorHostLUN(b, p.Initiator, p.Host, p.LUN)
}

// The changes' JSON, written by hand: the bytes json.Marshal writes of
// the tagged form (as the package's codec did by reflection), because a
// plan predicts tens of thousands of them (Internal Recovery's) and its
// ID, its document and its journal encode each. The error is always nil.

// AppendJSON appends the change's tagged JSON form, as MarshalJSON writes it.
func (c Quarantine) AppendJSON(b []byte) ([]byte, error) {
	return appendVolumeChange(b, KindQuarantine, c.VolumeID), nil
}

// AppendJSON appends the change's tagged JSON form, as MarshalJSON writes it.
func (c MarkServiceNonConformant) AppendJSON(b []byte) ([]byte, error) {
	b = appendKind(b, KindMarkServiceNonConformant)
	b = append(b, `,"serviceId":`...)
	b = jsonappend.String(b, c.ServiceID)
	return append(b, '}'), nil
}

// AppendJSON appends the change's tagged JSON form, as MarshalJSON writes it.
func (c SetSignatureState) AppendJSON(b []byte) ([]byte, error) {
	b = appendKind(b, KindSetSignatureState)
	b = append(b, `,"volumeId":`...)
	b = jsonappend.String(b, c.VolumeID)
	b = append(b, `,"state":`...)
	b = jsonappend.String(b, string(c.State))
	return append(b, '}'), nil
}

// AppendJSON appends the change's tagged JSON form, as MarshalJSON writes it.
func (c RemoveVolume) AppendJSON(b []byte) ([]byte, error) {
	return appendVolumeChange(b, KindRemoveVolume, c.VolumeID), nil
}

// AppendJSON appends the change's tagged JSON form, as MarshalJSON writes it.
func (c SetPresentations) AppendJSON(b []byte) ([]byte, error) {
	b = appendKind(b, KindSetPresentations)
	b = append(b, `,"volumeId":`...)
	b = jsonappend.String(b, c.VolumeID)
	b = append(b, `,"presentations":`...)
	b = jsonappend.Slice(b, c.Presentations, appendPresentation)
	return append(b, '}'), nil
}

// appendKind opens a change's object with its kind.
func appendKind(b []byte, kind string) []byte {
	b = append(b, `{"kind":`...)
	return jsonappend.String(b, kind)
}

// appendVolumeChange is the form of a change that names a volume alone.
func appendVolumeChange(b []byte, kind, volumeID string) []byte {
	b = appendKind(b, kind)
	b = append(b, `,"volumeId":`...)
	b = jsonappend.String(b, volumeID)
	return append(b, '}')
}
