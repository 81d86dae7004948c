package vcm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/vcem"
)

// outputsOf parses one text per command (lines joined with \n).
func outputsOf(t *testing.T, d Dialect, domain, enclosures, interconnects, servers, profiles []string) outputs {
	t.Helper()
	parse := func(cmd string, lines []string) *Output {
		o, err := d.Parse(cmd, []byte(strings.Join(lines, "\n")))
		require.NoError(t, err)
		return o
	}
	return outputs{
		domain:        parse(d.ShowDomain, domain),
		enclosures:    parse(d.ShowEnclosures, enclosures),
		interconnects: parse(d.ShowInterconnect, interconnects),
		servers:       parse(d.ShowServers, servers),
		profiles:      parse(d.ShowProfiles, profiles),
	}
}

var (
	okDomain  = []string{"Domain Name", "Rack"}
	okEncl    = []string{"ID", "enc0"}
	okModules = []string{"ID;Type;Serial Number", "enc0:1;VC-ENET;S1"}
	okServers = []string{"Server ID;Server Profile", "enc0:1;web"}
	okProfile = []string{"Name;Serial Number", "web;VCX1", "", "Port;Network Name;PXE;MAC Address", "1;net;Enabled;00-17-A4-77-00-00"}
)

func TestBuild(t *testing.T) {
	d := DefaultDialect()
	type in struct{ domain, encl, mods, servers, profiles []string }
	base := in{okDomain, okEncl, okModules, okServers, okProfile}
	for _, tc := range []struct {
		name  string
		edit  func(*in)
		check func(t *testing.T, ld vcem.LiveDomain, err error)
	}{
		{"ok", func(*in) {}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			require.NoError(t, err)
			assert.Equal(t, "Rack", ld.Domain.Name)
			assert.Equal(t, []vcem.Module{{Enclosure: "enc0", Bay: 1, Type: "VC-ENET", Serial: "S1"}}, ld.Domain.Modules)
			require.Len(t, ld.Profiles, 1)
			assert.Equal(t, "enc0:1", ld.Profiles[0].Bay)
		}},
		{"no domain row", func(i *in) { i.domain = []string{"Domain Name"} }, wantErr("want one domain row")},
		{"domain column missing", func(i *in) { i.domain = []string{"Name", "x"} }, wantErr(`missing column(s) "Domain Name"`)},
		{"enclosure twice", func(i *in) { i.encl = []string{"ID", "enc0", "enc0"} }, wantErr(`line 3: column "ID": enclosure listed twice (first at line 2): "enc0"`)},
		{"empty enclosure", func(i *in) { i.encl = []string{"ID", "<Unassigned>"} }, wantErr("empty enclosure ID")},
		{"module ID malformed", func(i *in) { i.mods = []string{"ID;Type", "bay1;VC-FC"} }, wantErr(`column "ID": want <enclosure>:<bay>: "bay1"`)},
		{"module bay twice", func(i *in) { i.mods = []string{"ID;Type", "enc0:1;VC-FC", "enc0:1;VC-ENET"} }, wantErr("bay listed twice")},
		{"profile on two servers", func(i *in) { i.servers = []string{"Server ID;Server Profile", "enc0:1;web", "enc0:2;web"} }, wantErr("profile is on servers enc0:1 and enc0:2")},
		{"server ID malformed", func(i *in) { i.servers = []string{"Server ID;Server Profile", "1;web"} }, wantErr(`column "Server ID": want <enclosure>:<bay>`)},
		{"server holds unknown profile", func(i *in) { i.servers = []string{"Server ID;Server Profile", "enc0:1;web", "enc0:2;ghost"} }, func(t *testing.T, _ vcem.LiveDomain, err error) {
			assert.ErrorIs(t, err, vcem.ErrInvalidLive)
			assert.ErrorContains(t, err, `server enc0:2 holds profile "ghost"`)
		}},
		{"bays disagree", func(i *in) {
			i.profiles = []string{"Name;Serial Number;Device Bay", "web;VCX1;enc0:2"}
		}, func(t *testing.T, _ vcem.LiveDomain, err error) {
			assert.ErrorIs(t, err, vcem.ErrInvalidLive)
			assert.ErrorContains(t, err, `profile "web" field bay: show profile says "enc0:2", show server says "enc0:1"`)
		}},
		{"bay from the profile row only", func(i *in) {
			i.servers = []string{"Server ID;Server Profile"}
			i.profiles = []string{"Name;Serial Number;Device Bay", "web;VCX1;enc0:7"}
		}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			require.NoError(t, err)
			assert.Equal(t, "enc0:7", ld.Profiles[0].Bay)
		}},
		{"header matches two kinds", func(i *in) {
			d := []string{"Name;Serial Number", "web;VCX1", "", "Port;WWPN;Network Name;MAC Address", "1;50:06:0B:00:00:C2:62:00;n;00-17-A4-77-00-00"}
			i.profiles = d
		}, wantErr("sub-table header matches both iscsi and fcoe")},
		{"two profile rows", func(i *in) { i.profiles = []string{"Name;Serial Number", "a;1", "b;2"} }, wantErr("profile row table has 2 rows, want 1")},
		{"two profile row tables", func(i *in) { i.profiles = []string{"Name;Serial Number", "a;1", "", "Name;Serial Number", "b;2"} }, wantErr("second profile row table")},
		{"connections without profile row", func(i *in) {
			i.profiles = []string{"Port;Network Name;PXE;MAC Address", "1;n;Enabled;00-17-A4-77-00-00"}
		}, wantErr("block has connection tables but no profile row")},
		{"connection table lacks a column", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;Network Name;PXE;MAC Address", "1;n;Enabled;00-17-A4-77-00-00", "", "Port;WWPN;Network Name", "1;50:06:0B:00:00:C2:62:00;n"}
		}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			// Port+WWPN is FC; WWNN and the others are optional: fine.
			require.NoError(t, err)
			assert.Len(t, ld.Profiles[0].FC, 1)
		}},
		{"port not a number", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;Network Name;PXE;MAC Address", "one;n;Enabled;00-17-A4-77-00-00"}
		}, wantErr(`line 5: column "Port": want a port number >= 1: "one"`)},
		{"bad MAC", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;Network Name;PXE;MAC Address", "1;n;Enabled;00-17-A4-77-00"}
		}, wantErr(`column "MAC Address": bad MAC address`)},
		{"bad WWN", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;WWPN", "1;50:06:0B"}
		}, wantErr(`column "WWPN": bad WWN`)},
		{"unknown address type label", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;Network Name;PXE;MAC Address;Address Type", "1;n;Enabled;00-17-A4-77-00-00;Borrowed"}
		}, wantErr(`column "Address Type": unknown address type label: "Borrowed"`)},
		{"FCoE without its WWN", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;WWPN;MAC Address", "1;-- --;00-17-A4-77-00-00"}
		}, wantErr("FCoE connection has a MAC or a port WWN but not both")},
		{"FCoE without addresses is left out", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;WWPN;MAC Address", "1;-- --;-- --"}
		}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			require.NoError(t, err)
			assert.Empty(t, ld.Profiles[0].FCoE)
		}},
		{"factory-default WWN pair kept as printed", func(i *in) {
			i.profiles = []string{"Name;Serial Number", "web;1", "", "Port;WWPN;WWNN;Address Type", "1;21:00:00:1B:32:00:00:01;20:00:00:1B:32:00:00:01;Factory-Default"}
		}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			require.NoError(t, err)
			c := ld.Profiles[0].FC[0]
			assert.Equal(t, vcem.AddressFactoryDefault, c.AddressType)
			assert.Equal(t, "20:00:00:1B:32:00:00:01", c.NodeWWN.String())
		}},
		{"unknown sub-table ignored", func(i *in) {
			i.profiles = append(slicesClone(okProfile), "", "Connection;Mapping", "1;LOM:1-a")
		}, func(t *testing.T, ld vcem.LiveDomain, err error) {
			require.NoError(t, err)
			assert.Len(t, ld.Profiles[0].Ethernet, 1)
		}},
		{"duplicate profile names", func(i *in) {
			i.servers = []string{"Server ID;Server Profile"}
			i.profiles = []string{"Name;Serial Number", "web;1", "----", "Name;Serial Number", "web;2"}
		}, func(t *testing.T, _ vcem.LiveDomain, err error) {
			assert.ErrorIs(t, err, vcem.ErrInvalidLive)
			assert.ErrorContains(t, err, `profile "web" field name: appears twice`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := base
			tc.edit(&i)
			o := outputsOf(t, d, i.domain, i.encl, i.mods, i.servers, i.profiles)
			ld, err := d.build(vcem.Domain{ID: "d1", Manager: "vcm1"}, o)
			tc.check(t, ld, err)
		})
	}
}

func wantErr(s string) func(t *testing.T, ld vcem.LiveDomain, err error) {
	return func(t *testing.T, ld vcem.LiveDomain, err error) {
		assert.ErrorContains(t, err, s)
		assert.Zero(t, ld, "no partial data with an error")
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
