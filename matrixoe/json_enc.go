package matrixoe

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/jsonappend"
)

// The snapshot's and the live side's hand-written encoders: the bytes
// json.Marshal writes for their fields (maps in key order, IP keys by
// their text, nil maps and slices as null, omitempty fields left out),
// appended to one buffer without reflection, for a plan, which carries
// both as its prior state.

// AppendJSON appends json.Marshal's form of the snapshot to b (null for a
// nil s): the same bytes, for an encoder of a larger document (a plan)
// that writes into one buffer. The error is always nil today; it is there
// so that a field that can fail to encode needs no change of signature.
func (s *Snapshot) AppendJSON(b []byte) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"logicalServers":`...)
	b = jsonappend.Map(b, s.LogicalServers, appendLogicalServer)
	b = append(b, `,"storagePoolEntries":`...)
	b = jsonappend.Map(b, s.SPEs, appendSPE)
	b = append(b, `,"services":`...)
	b = jsonappend.Map(b, s.Services, func(b []byte, v *Service) []byte {
		b = append(b, `{"id":`...)
		b = jsonappend.String(b, v.ID)
		b = append(b, `,"name":`...)
		b = jsonappend.String(b, v.Name)
		b = appendStringsField(b, `,"logicalServerIds":`, v.LogicalServerIDs)
		return append(b, '}')
	})
	b = append(b, `,"requests":`...)
	b = jsonappend.Map(b, s.Requests, func(b []byte, v *Request) []byte {
		b = append(b, `{"id":`...)
		b = jsonappend.String(b, v.ID)
		b = appendStringField(b, `,"name":`, v.Name)
		b = appendStringField(b, `,"serviceId":`, v.ServiceID)
		b = append(b, `,"state":`...)
		b = jsonappend.String(b, string(v.State))
		return append(b, '}')
	})
	b = append(b, `,"ipAllocations":`...)
	b = appendAddrMap(b, s.IPs, func(b []byte, v *IPAllocation) []byte {
		b = append(b, `{"address":`...)
		b = appendAddr(b, v.Address)
		b = appendStringField(b, `,"network":`, v.Network)
		b = append(b, `,"allocated":`...)
		b = jsonappend.Bool(b, v.Allocated)
		b = appendStringField(b, `,"serviceId":`, v.ServiceID)
		b = appendStringField(b, `,"owner":`, v.Owner)
		return append(b, '}')
	})
	b = append(b, `,"recoveryGroups":`...)
	b = jsonappend.Map(b, s.RecoveryGroups, appendRecoveryGroup)
	return append(b, '}'), nil
}

func appendLogicalServer(b []byte, v *LogicalServer) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, v.ID)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, v.Name)
	b = append(b, `,"kind":`...)
	b = jsonappend.String(b, string(v.Kind))
	b = append(b, `,"activated":`...)
	b = jsonappend.Bool(b, v.Activated)
	b = appendStringField(b, `,"power":`, string(v.Power))
	b = appendStringField(b, `,"profileId":`, v.ProfileID)
	b = appendStringField(b, `,"vmId":`, v.VMID)
	b = appendStringsField(b, `,"speIds":`, v.SPEIDs)
	if v.Inoperable {
		b = append(b, `,"inoperable":true`...)
	}
	b = append(b, `,"managed":`...)
	b = jsonappend.Bool(b, v.Managed)
	return append(b, '}')
}

func appendSPE(b []byte, v *StoragePoolEntry) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, v.ID)
	b = appendStringField(b, `,"name":`, v.Name)
	b = append(b, `,"kind":`...)
	b = jsonappend.String(b, string(v.Kind))
	b = appendStringsField(b, `,"volumeIds":`, v.VolumeIDs)
	if len(v.WWPNs) > 0 {
		b = append(b, `,"wwpns":[`...)
		for i, w := range v.WWPNs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendWWN(b, w)
		}
		b = append(b, ']')
	}
	b = appendStringField(b, `,"logicalServerId":`, v.LogicalServerID)
	b = appendStringField(b, `,"serviceId":`, v.ServiceID)
	if v.Inoperable {
		b = append(b, `,"inoperable":true`...)
	}
	return append(b, '}')
}

func appendRecoveryGroup(b []byte, v *RecoveryGroup) []byte {
	b = append(b, `{"name":`...)
	b = jsonappend.String(b, v.Name)
	b = append(b, `,"set":`...)
	b = jsonappend.String(b, v.Set)
	b = appendStringsField(b, `,"protectedLogicalServers":`, v.ProtectedLS)
	b = appendStringsField(b, `,"replicationGroups":`, v.ReplicationGroups)
	b = append(b, `,"enabled":`...)
	b = jsonappend.Bool(b, v.Enabled)
	return append(b, '}')
}

// appendStringField appends an omitempty string field: key (with its
// leading comma and colon) and value, or nothing for "".
func appendStringField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return jsonappend.String(append(b, key...), v)
}

// appendStringsField appends an omitempty list of strings, or nothing for
// an empty one.
func appendStringsField(b []byte, key string, v []string) []byte {
	if len(v) == 0 {
		return b
	}
	return jsonappend.Strings(append(b, key...), v)
}

// appendWWN appends a WWN as json.Marshal writes it: its text, quoted (the
// text never needs escaping).
func appendWWN(b []byte, w addrpool.WWN) []byte {
	b = append(b, '"')
	b, _ = w.AppendText(b) // a WWN always has a text
	return append(b, '"')
}

// addrText is an address's MarshalText form: "" for the zero Addr.
func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// appendAddr appends an address as json.Marshal writes it: its
// MarshalText form as a string, escaped when its zone needs it.
func appendAddr(b []byte, a netip.Addr) []byte {
	b = append(b, '"')
	start := len(b)
	b, _ = a.AppendText(b) // never fails
	for _, c := range b[start:] {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return jsonappend.String(b[:start-1], string(b[start:]))
		}
	}
	return append(b, '"')
}

// appendAddrMap appends a map keyed by address as json.Marshal does: an
// object whose keys are the addresses' texts, in text order; nil as null.
func appendAddrMap[V any](b []byte, m map[netip.Addr]V, value func([]byte, *V) []byte) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	type entry struct {
		key  string
		addr netip.Addr
	}
	keys := make([]entry, 0, len(m))
	for a := range m {
		keys = append(keys, entry{addrText(a), a})
	}
	slices.SortFunc(keys, func(x, y entry) int { return cmp.Compare(x.key, y.key) })
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonappend.Key(b, k.key)
		v := m[k.addr]
		b = value(b, &v)
	}
	return append(b, '}')
}

// AppendJSON appends json.Marshal's form of the live state to b (null for
// a nil st): the same bytes, for an encoder of a larger document (a plan)
// that writes into one buffer. It fails as json.Marshal does, on an
// export time that RFC 3339 cannot write.
func (st *LiveState) AppendJSON(b []byte) ([]byte, error) {
	if st == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"vmPower":`...)
	b = jsonappend.Map(b, st.VMPower, func(b []byte, p *PowerState) []byte { return jsonappend.String(b, string(*p)) })
	b = append(b, `,"ips":`...)
	b = appendAddrMap(b, st.IPs, func(b []byte, owner *string) []byte { return jsonappend.String(b, *owner) })
	if x := st.Export; x != nil {
		b = append(b, `,"rmExport":{"format":`...)
		b = jsonappend.String(b, x.Format)
		b = append(b, `,"version":`...)
		b = jsonappend.Int(b, int64(x.Version))
		b = appendStringField(b, `,"site":`, x.Site)
		if !x.ExportedAt.IsZero() {
			t, err := x.ExportedAt.MarshalJSON() // what json.Marshal calls
			if err != nil {
				return nil, fmt.Errorf("matrixoe: encode live state: rmExport.exportedAt: %w", err)
			}
			b = append(b, `,"exportedAt":`...)
			b = append(b, t...)
		}
		b = append(b, `,"recoveryGroups":`...)
		b = jsonappend.Slice(b, x.RecoveryGroups, appendRecoveryGroup)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}
