package vcem

import (
	"maps"
	"slices"
	"strconv"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/internal/jsonappend"
)

// The snapshot's hand-written encoder: the bytes json.Marshal writes for
// the snapshot's fields (maps in key order, omitempty fields left out),
// appended to one buffer without reflection. A Large estate's snapshot
// has a quarter of a million connections.

// AppendJSON appends MarshalJSON's form of the snapshot to b: the same
// bytes, for an encoder of a larger document (a plan) that writes into
// one buffer.
func (s *Snapshot) AppendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"groups":`...)
	b = appendMap(b, s.Groups, func(b []byte, g DomainGroup) []byte {
		b = append(b, `{"id":`...)
		b = jsonappend.String(b, g.ID)
		b = append(b, `,"name":`...)
		b = jsonappend.String(b, g.Name)
		return append(b, '}')
	})
	b = append(b, `,"domains":`...)
	b = appendMap(b, s.Domains, appendDomain)
	b = append(b, `,"profiles":`...)
	b = appendMapErr(b, s.Profiles, &err, appendProfile)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"macs":`...)
	if b, err = appendPool(b, s.MACs); err != nil {
		return nil, err
	}
	b = append(b, `,"wwns":`...)
	if b, err = appendPool(b, s.WWNs); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func appendPool[A addrpool.Address](b []byte, p *addrpool.Pool[A]) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	return p.AppendJSON(b)
}

// appendMap appends m as an object in key order; a nil map as {} (the
// snapshot's maps are filled before encoding).
func appendMap[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonappend.Key(b, k)
		b = value(b, m[k])
	}
	return append(b, '}')
}

// appendMapErr is appendMap for values whose encoding can fail; the first
// error is kept in *err.
func appendMapErr[V any](b []byte, m map[string]V, err *error, value func([]byte, *V) ([]byte, error)) []byte {
	return appendMap(b, m, func(b []byte, v V) []byte {
		if *err != nil {
			return b
		}
		b, *err = value(b, &v)
		return b
	})
}

func appendDomain(b []byte, d Domain) []byte {
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, d.ID)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, d.Name)
	b = append(b, `,"manager":`...)
	b = jsonappend.String(b, d.Manager)
	if d.GroupID != "" {
		b = append(b, `,"groupId":`...)
		b = jsonappend.String(b, d.GroupID)
	}
	if len(d.Enclosures) > 0 {
		b = append(b, `,"enclosures":`...)
		b = jsonappend.Strings(b, d.Enclosures)
	}
	if len(d.Modules) > 0 {
		b = append(b, `,"modules":[`...)
		for i, m := range d.Modules {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"enclosure":`...)
			b = jsonappend.String(b, m.Enclosure)
			b = append(b, `,"bay":`...)
			b = jsonappend.Int(b, int64(m.Bay))
			b = append(b, `,"type":`...)
			b = jsonappend.String(b, m.Type)
			if m.Serial != "" {
				b = append(b, `,"serial":`...)
				b = jsonappend.String(b, m.Serial)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendProfile(b []byte, p *Profile) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = jsonappend.String(b, p.ID)
	b = append(b, `,"name":`...)
	b = jsonappend.String(b, p.Name)
	b = append(b, `,"domainId":`...)
	b = jsonappend.String(b, p.DomainID)
	if p.Bay != "" {
		b = append(b, `,"bay":`...)
		b = jsonappend.String(b, p.Bay)
	}
	if p.SerialNumber != "" {
		b = append(b, `,"serialNumber":`...)
		b = jsonappend.String(b, p.SerialNumber)
	}
	if len(p.Ethernet) > 0 {
		b = append(b, `,"ethernet":[`...)
		for i, c := range p.Ethernet {
			if b, err = appendMACConn(b, i, c.Port, c.Network, c.MAC, c.AddressType); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if len(p.ISCSI) > 0 {
		b = append(b, `,"iscsi":[`...)
		for i, c := range p.ISCSI {
			if b, err = appendMACConn(b, i, c.Port, c.Network, c.MAC, c.AddressType); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if len(p.FCoE) > 0 {
		b = append(b, `,"fcoe":[`...)
		for i, c := range p.FCoE {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPortFabric(b, c.Port, c.Fabric)
			b = append(b, `,"mac":"`...)
			if b, err = c.MAC.AppendText(b); err != nil {
				return nil, err
			}
			b = append(b, '"')
			b = appendWWNs(b, c.PortWWN, c.NodeWWN, c.AddressType)
		}
		b = append(b, ']')
	}
	if len(p.FC) > 0 {
		b = append(b, `,"fc":[`...)
		for i, c := range p.FC {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPortFabric(b, c.Port, c.Fabric)
			b = appendWWNs(b, c.PortWWN, c.NodeWWN, c.AddressType)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendMACConn appends an Ethernet or iSCSI connection (the i-th).
func appendMACConn(b []byte, i, port int, network string, mac addrpool.MAC, t AddressType) ([]byte, error) {
	if i > 0 {
		b = append(b, ',')
	}
	b = append(b, `{"port":`...)
	b = jsonappend.Int(b, int64(port))
	if network != "" {
		b = append(b, `,"network":`...)
		b = jsonappend.String(b, network)
	}
	b = append(b, `,"mac":"`...)
	b, err := mac.AppendText(b)
	if err != nil {
		return nil, err
	}
	b = append(b, `","addressType":`...)
	b = jsonappend.String(b, string(t))
	return append(b, '}'), nil
}

func appendPortFabric(b []byte, port int, fabric string) []byte {
	b = append(b, `{"port":`...)
	b = jsonappend.Int(b, int64(port))
	if fabric != "" {
		b = append(b, `,"fabric":`...)
		b = jsonappend.String(b, fabric)
	}
	return b
}

// appendWWNs appends a connection's WWN pair and address type, and closes it.
func appendWWNs(b []byte, port, node addrpool.WWN, t AddressType) []byte {
	b = append(b, `,"portWWN":"`...)
	b, _ = port.AppendText(b) // a WWN always has a text
	b = append(b, `","nodeWWN":"`...)
	b, _ = node.AppendText(b)
	b = append(b, `","addressType":`...)
	b = jsonappend.String(b, string(t))
	return append(b, '}')
}

// AppendLiveJSON appends json.Marshal's form of live domains to b, without
// reflection: a Large estate's live side is a quarter of a million
// connections, which a plan carries as its prior state.
func AppendLiveJSON(b []byte, live []LiveDomain) ([]byte, error) {
	if live == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	var err error
	for i := range live {
		if i > 0 {
			b = append(b, ',')
		}
		ld := &live[i]
		b = append(b, `{"domain":`...)
		b = appendDomain(b, ld.Domain)
		if len(ld.Profiles) > 0 {
			b = append(b, `,"profiles":[`...)
			for j := range ld.Profiles {
				if j > 0 {
					b = append(b, ',')
				}
				if b, err = appendProfile(b, &ld.Profiles[j]); err != nil {
					return nil, err
				}
			}
			b = append(b, ']')
		}
		b = append(b, `,"reachable":`...)
		b = strconv.AppendBool(b, ld.Reachable)
		if ld.ViaCredentials {
			b = append(b, `,"viaCredentials":true`...)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}
