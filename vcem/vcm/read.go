package vcm

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// outputs are the parsed answers of one domain read, one per command.
type outputs struct {
	domain, enclosures, interconnects, servers, profiles *Output
}

// build turns one domain's outputs into a LiveDomain: ID, Manager and
// GroupID come from the caller (the directory), the rest from the device.
func (d *Dialect) build(dom vcem.Domain, o outputs) (vcem.LiveDomain, error) {
	name, err := d.domainName(o.domain)
	if err != nil {
		return vcem.LiveDomain{}, err
	}
	if name != "" {
		dom.Name = name
	}
	if dom.Enclosures, err = d.enclosureIDs(o.enclosures); err != nil {
		return vcem.LiveDomain{}, err
	}
	if dom.Modules, err = d.modules(o.interconnects); err != nil {
		return vcem.LiveDomain{}, err
	}
	bays, err := d.serverBays(o.servers)
	if err != nil {
		return vcem.LiveDomain{}, err
	}
	profiles, err := d.profiles(o.profiles, dom.ID)
	if err != nil {
		return vcem.LiveDomain{}, err
	}
	if err := assignBays(dom.ID, profiles, bays); err != nil {
		return vcem.LiveDomain{}, err
	}
	slices.SortStableFunc(profiles, func(a, b vcem.Profile) int { return strings.Compare(a.Name, b.Name) })
	ld := vcem.LiveDomain{Domain: dom, Profiles: profiles, Reachable: true}
	if err := checkLive(ld); err != nil {
		return vcem.LiveDomain{}, err
	}
	return ld, nil
}

// eachRow calls fn for every row of every table of o, after checking that
// each table has the required columns. An output without tables (nothing,
// or "No … exist") has no rows.
func eachRow(o *Output, required []string, fn func(t *Table, r Row) error) error {
	for _, t := range o.Tables() {
		if err := t.Require(required...); err != nil {
			return err
		}
		for _, r := range t.Rows {
			if err := fn(t, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *Dialect) domainName(o *Output) (string, error) {
	var names []string
	err := eachRow(o, []string{d.DomainName}, func(t *Table, r Row) error {
		names = append(names, t.Value(r, d.DomainName))
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", &ParseError{Command: o.Command, Msg: fmt.Sprintf("want one domain row with column %q, got %d", d.DomainName, len(names))}
	}
	return names[0], nil
}

func (d *Dialect) enclosureIDs(o *Output) ([]string, error) {
	var ids []string
	seen := map[string]int{}
	err := eachRow(o, []string{d.EnclosureID}, func(t *Table, r Row) error {
		id := t.Value(r, d.EnclosureID)
		if id == "" {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.EnclosureID), Msg: "empty enclosure ID"}
		}
		if l, dup := seen[id]; dup {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.EnclosureID), Value: id, Msg: fmt.Sprintf("enclosure listed twice (first at line %d)", l)}
		}
		seen[id] = r.Line
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// splitBayID reads "enc0:1" as enclosure "enc0", bay 1.
func splitBayID(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "", 0, false
	}
	bay, err := strconv.Atoi(s[i+1:])
	if err != nil || bay < 1 {
		return "", 0, false
	}
	return s[:i], bay, true
}

func (d *Dialect) modules(o *Output) ([]vcem.Module, error) {
	var mods []vcem.Module
	seen := map[string]int{}
	err := eachRow(o, []string{d.InterconnectID, d.InterconnectType}, func(t *Table, r Row) error {
		id, typ := t.Value(r, d.InterconnectID), t.Value(r, d.InterconnectType)
		if typ == "" {
			return nil // an empty bay
		}
		enc, bay, ok := splitBayID(id)
		if !ok {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.InterconnectID), Value: id, Msg: "want <enclosure>:<bay>"}
		}
		if l, dup := seen[id]; dup {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.InterconnectID), Value: id, Msg: fmt.Sprintf("bay listed twice (first at line %d)", l)}
		}
		seen[id] = r.Line
		mods = append(mods, vcem.Module{Enclosure: enc, Bay: bay, Type: typ, Serial: t.Value(r, d.InterconnectSerial)})
		return nil
	})
	return mods, err
}

// serverBays maps profile names to the server bay ("enc0:1") holding them.
func (d *Dialect) serverBays(o *Output) (map[string]string, error) {
	bays := map[string]string{}
	err := eachRow(o, []string{d.ServerID, d.ServerProfile}, func(t *Table, r Row) error {
		id, prof := t.Value(r, d.ServerID), t.Value(r, d.ServerProfile)
		if prof == "" {
			return nil
		}
		if _, _, ok := splitBayID(id); !ok {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.ServerID), Value: id, Msg: "want <enclosure>:<bay>"}
		}
		if other, dup := bays[prof]; dup {
			return &ParseError{Command: o.Command, Line: r.Line, Column: strconv.Quote(d.ServerProfile), Value: prof,
				Msg: fmt.Sprintf("profile is on servers %s and %s", other, id)}
		}
		bays[prof] = id
		return nil
	})
	return bays, err
}

// assignBays sets each profile's bay from `show server *` (FOUND keys),
// checked against the profile's own server column when it has one.
func assignBays(domainID string, profiles []vcem.Profile, bays map[string]string) error {
	known := make(map[string]bool, len(profiles))
	for i := range profiles {
		p := &profiles[i]
		known[p.Name] = true
		b, onServer := bays[p.Name]
		switch {
		case !onServer:
		case p.Bay != "" && p.Bay != b:
			return fmt.Errorf("vcm: domain %q: %w: profile %q field bay: show profile says %q, show server says %q",
				domainID, vcem.ErrInvalidLive, p.Name, p.Bay, b)
		default:
			p.Bay = b
		}
	}
	for _, name := range slices.Sorted(maps.Keys(bays)) {
		if !known[name] {
			return fmt.Errorf("vcm: domain %q: %w: server %s holds profile %q, which show profile does not list (changed between the reads?)",
				domainID, vcem.ErrInvalidLive, bays[name], name)
		}
	}
	return nil
}

type tableKind int

const (
	kindUnknown tableKind = iota
	kindProfile
	kindEthernet
	kindISCSI
	kindFCoE
	kindFC
)

var kindNames = [...]string{"unknown", "profile", "ethernet", "iscsi", "fcoe", "fc"}

func (k tableKind) String() string { return kindNames[k] }

// classify tells a profile sub-table's kind by its header: the kind whose
// Match columns are all present, the most specific one when several are.
func (d *Dialect) classify(t *Table) (tableKind, error) {
	matches := [...][]string{
		kindProfile:  d.Profile.Match,
		kindEthernet: d.Ethernet.Match,
		kindISCSI:    d.ISCSI.Match,
		kindFCoE:     d.FCoE.Match,
		kindFC:       d.FC.Match,
	}
	best, bestN, tie := kindUnknown, 0, kindUnknown
	for k := kindProfile; k <= kindFC; k++ {
		m := matches[k]
		if !t.HasAll(m) {
			continue
		}
		switch {
		case len(m) > bestN:
			best, bestN, tie = k, len(m), kindUnknown
		case len(m) == bestN:
			tie = k
		}
	}
	if tie != kindUnknown {
		return kindUnknown, &ParseError{Command: t.Command, Line: t.Line, Value: strings.Join(t.Header, ";"),
			Msg: fmt.Sprintf("sub-table header matches both %s and %s", best, tie)}
	}
	return best, nil
}

func (d *Dialect) conn(k tableKind) *ConnColumns {
	switch k {
	case kindEthernet:
		return &d.Ethernet
	case kindISCSI:
		return &d.ISCSI
	case kindFCoE:
		return &d.FCoE
	case kindFC:
		return &d.FC
	}
	return nil
}

// profiles reads `show profile *`: one block per profile, its own row in the
// sub-table matching [ProfileColumns.Match], connections in the others.
// Sub-tables of no known kind are ignored.
func (d *Dialect) profiles(o *Output, domainID string) ([]vcem.Profile, error) {
	var out []vcem.Profile
	for _, b := range o.Blocks {
		var p *vcem.Profile
		var conns []*Table
		var kinds []tableKind
		for _, t := range b.Tables {
			k, err := d.classify(t)
			if err != nil {
				return nil, err
			}
			switch k {
			case kindUnknown:
			case kindProfile:
				if p != nil {
					return nil, &ParseError{Command: o.Command, Line: t.Line, Msg: fmt.Sprintf("second profile row table in the block starting at line %d", b.Line)}
				}
				var err error
				if p, err = d.profileRow(t, domainID); err != nil {
					return nil, err
				}
			default:
				conns, kinds = append(conns, t), append(kinds, k)
			}
		}
		if p == nil {
			if len(conns) > 0 {
				return nil, &ParseError{Command: o.Command, Line: b.Line, Msg: fmt.Sprintf("block has connection tables but no profile row (a table with columns %s)", quoteList(d.Profile.Match))}
			}
			continue
		}
		for i, t := range conns {
			if err := d.connections(p, kinds[i], t); err != nil {
				return nil, err
			}
		}
		out = append(out, *p)
	}
	return out, nil
}

func (d *Dialect) profileRow(t *Table, domainID string) (*vcem.Profile, error) {
	if err := t.Require(d.Profile.Name); err != nil {
		return nil, err
	}
	if len(t.Rows) != 1 {
		return nil, &ParseError{Command: t.Command, Line: t.Line, Msg: fmt.Sprintf("profile row table has %d rows, want 1", len(t.Rows))}
	}
	r := t.Rows[0]
	p := &vcem.Profile{
		Name:         t.Value(r, d.Profile.Name),
		DomainID:     domainID,
		SerialNumber: t.Value(r, d.Profile.Serial),
		Bay:          t.Value(r, d.Profile.Server),
	}
	if p.Name == "" {
		return nil, &ParseError{Command: t.Command, Line: r.Line, Column: strconv.Quote(d.Profile.Name), Msg: "empty profile name"}
	}
	if p.Bay != "" {
		if _, _, ok := splitBayID(p.Bay); !ok {
			return nil, &ParseError{Command: t.Command, Line: r.Line, Column: strconv.Quote(d.Profile.Server), Value: p.Bay, Msg: "want <enclosure>:<bay>"}
		}
	}
	return p, nil
}

// connections appends the rows of a connection table to p. A row without
// its address (an unassigned profile's factory-default connection has none
// to show) holds nothing to compare and is left out.
func (d *Dialect) connections(p *vcem.Profile, k tableKind, t *Table) error {
	c := d.conn(k)
	required := []string{c.Port}
	if k == kindEthernet || k == kindISCSI || k == kindFCoE {
		required = append(required, c.MAC)
	}
	if k == kindFC || k == kindFCoE {
		required = append(required, c.PortWWN)
	}
	if err := t.Require(required...); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rd := rowReader{d: d, t: t, r: r}
		port := rd.port(c.Port)
		typ := rd.addressType(c.AddressType)
		network := t.Value(r, c.Network)
		var mac addrpool.MAC
		var pw, nw addrpool.WWN
		hasMAC, hasWWN := false, false
		if c.MAC != "" && k != kindFC {
			mac, hasMAC = rd.mac(c.MAC)
		}
		if k == kindFC || k == kindFCoE {
			pw, nw, hasWWN = rd.wwns(c.PortWWN, c.NodeWWN)
		}
		if k == kindFCoE && hasMAC != hasWWN {
			rd.fail(c.MAC+"/"+c.PortWWN, "", "FCoE connection has a MAC or a port WWN but not both")
		}
		if rd.err != nil {
			return rd.err
		}
		switch k {
		case kindEthernet:
			if hasMAC {
				p.Ethernet = append(p.Ethernet, vcem.EthernetConnection{Port: port, Network: network, MAC: mac, AddressType: typ})
			}
		case kindISCSI:
			if hasMAC {
				p.ISCSI = append(p.ISCSI, vcem.ISCSIConnection{Port: port, Network: network, MAC: mac, AddressType: typ})
			}
		case kindFC:
			if hasWWN {
				p.FC = append(p.FC, vcem.FCConnection{Port: port, Fabric: network, PortWWN: pw, NodeWWN: nw, AddressType: typ})
			}
		case kindFCoE:
			if hasMAC {
				p.FCoE = append(p.FCoE, vcem.FCoEConnection{Port: port, Fabric: network, MAC: mac, PortWWN: pw, NodeWWN: nw, AddressType: typ})
			}
		}
	}
	return nil
}

// rowReader reads typed values of one row, keeping the first error.
type rowReader struct {
	d   *Dialect
	t   *Table
	r   Row
	err error
}

func (rd *rowReader) fail(col, val, msg string) {
	if rd.err == nil {
		rd.err = &ParseError{Command: rd.t.Command, Line: rd.r.Line, Column: strconv.Quote(col), Value: val, Msg: msg}
	}
}

func (rd *rowReader) port(col string) int {
	v := rd.t.Value(rd.r, col)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		rd.fail(col, v, "want a port number >= 1")
	}
	return n
}

func (rd *rowReader) addressType(col string) vcem.AddressType {
	v := rd.t.Value(rd.r, col)
	if v == "" {
		return rd.d.DefaultAddressType
	}
	for label, typ := range rd.d.AddressTypes {
		if strings.EqualFold(label, v) {
			return typ
		}
	}
	rd.fail(col, v, "unknown address type label")
	return ""
}

func (rd *rowReader) mac(col string) (addrpool.MAC, bool) {
	v := rd.t.Value(rd.r, col)
	if v == "" {
		return 0, false
	}
	m, err := rd.d.ParseMAC(v)
	if err != nil {
		rd.fail(col, v, "bad MAC address: "+err.Error())
		return 0, false
	}
	return m, true
}

func (rd *rowReader) wwns(portCol, nodeCol string) (addrpool.WWN, addrpool.WWN, bool) {
	v := rd.t.Value(rd.r, portCol)
	if v == "" {
		return 0, 0, false
	}
	pw, err := rd.d.ParseWWN(v)
	if err != nil {
		rd.fail(portCol, v, "bad WWN: "+err.Error())
		return 0, 0, false
	}
	if nv := rd.t.Value(rd.r, nodeCol); nv != "" {
		nw, err := rd.d.ParseWWN(nv)
		if err != nil {
			rd.fail(nodeCol, nv, "bad WWN: "+err.Error())
			return 0, 0, false
		}
		return pw, nw, true
	}
	nw, err := vcem.NodeWWNFor(pw)
	if err != nil {
		rd.fail(portCol, v, err.Error())
		return 0, 0, false
	}
	return pw, nw, true
}
