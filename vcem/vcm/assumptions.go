package vcm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// This file is the one place that holds what the adapter assumes about the
// VC Manager CLI. Each entry says whether it is FOUND (seen in a cited
// source), INFERRED (deduced, not seen verbatim) or unverified (a guess the
// reference marks NOT FOUND). Sources are those of
// shared/reference/vc-cli.md: [VCCLI-UG p76], [kanopya], [netl2api],
// [cs-vc], [ericsson-vc], [hpe-robo], [VCCLI210 p79]. A caller with a device
// capture that disagrees passes its own [Dialect] through [WithDialect].

// Dialect is the VC Manager CLI as the adapter speaks it: the commands it
// runs, the messages it recognises and the script2 columns it reads. Column
// names are matched case-insensitively; a column a table lacks is an error
// only where a field says it is required. A Dialect is only read: Parse and
// a Client may use one from many goroutines, as long as nobody changes it
// (the maps and slices of DefaultDialect's result are the caller's own).
type Dialect struct {
	// Commands, one SSH exec each. -output=script2 is FOUND [VCCLI-UG p76];
	// `show profile * -output=script2` is FOUND [kanopya]; the other
	// commands are FOUND in detailed form [netl2api] and INFERRED to take
	// the same option.
	ShowDomain       string
	ShowEnclosures   string
	ShowInterconnect string
	ShowServers      string
	ShowProfiles     string

	// ErrorPrefix starts a line that reports a failed command; the rest is
	// the device's text. FOUND [netl2api] (error_mark "ERROR: ").
	ErrorPrefix string
	// SuccessPrefix starts a line confirming a change; such lines are not
	// data. FOUND [ericsson-vc], [netl2api].
	SuccessPrefix string
	// PromptPrefix starts an interactive prompt or echo line, skipped should
	// one appear in exec output. FOUND [oxidized], [netl2api] ("->").
	PromptPrefix string
	// RedirectPrefix is what a standby module prints instead of running the
	// command; the IP address after it is the active VC Manager. FOUND
	// [cs-vc], [ericsson-vc], [hpe-robo].
	RedirectPrefix string
	// UnreachableTexts mean the VC Manager behind the SSH endpoint does not
	// answer; a command printing one wraps [vcem.ErrDomainInaccessible].
	// FOUND [hpe-robo].
	UnreachableTexts []string
	// NoneExistPrefix and NoneExistSuffix frame a message such as "No
	// networks exist" that stands for an empty table. FOUND for networks and
	// firmware [ericsson-vc]; INFERRED for profiles, servers, enclosures and
	// interconnects.
	NoneExistPrefix, NoneExistSuffix string
	// EmptyValues are read as "": FOUND [netl2api], [ericsson-vc], [cs-vc].
	EmptyValues []string
	// StderrIsError makes any text on standard error a failure, as HPE's
	// own exec-mode harness treats it. FOUND [hpe-robo].
	StderrIsError bool

	// Domain: the `show domain` column holding the domain name. The key is
	// FOUND in detailed form [netl2api RE_SH_DOMAIN]; as a script2 header
	// INFERRED. Required.
	DomainName string
	// EnclosureID is the `show enclosure *` column with the enclosure ID
	// ("enc0"). FOUND key [netl2api]; script2 header INFERRED. Required.
	EnclosureID string
	// Interconnect columns of `show interconnect *`: ID ("enc0:1", the
	// enclosure and bay), Type and Serial. All INFERRED (netl2api reads the
	// command but the reference lists no keys); ID and Type are required, a
	// row with an empty Type is an empty bay and skipped.
	InterconnectID, InterconnectType, InterconnectSerial string
	// Server columns of `show server *`: ID ("enc0:1") and the profile it
	// holds. FOUND keys [ericsson-vc], [cs-vc], [netl2api]; script2 headers
	// INFERRED. Both required.
	ServerID, ServerProfile string

	// Profile sub-tables of `show profile * -output=script2`. Profiles are
	// blocks between dash lines and their sub-tables are separated by blank
	// lines, FOUND [kanopya]; which sub-table is which is told by its
	// header: see [ConnColumns.Match].
	Profile  ProfileColumns
	Ethernet ConnColumns
	ISCSI    ConnColumns
	FCoE     ConnColumns
	FC       ConnColumns

	// AddressTypes maps an address-type label to the SDK's type, compared
	// case-insensitively. NOT FOUND how VC labels a connection's address
	// origin (reference §1.4); the labels are INFERRED from the
	// MacType/WwnType/AddressType grammar of `set domain` and `add
	// enet-connection`, "VCEM-Defined" is unverified. VC-assigned
	// addresses of a domain under VCEM come from VCEM's pools (INFERRED).
	AddressTypes map[string]vcem.AddressType
	// DefaultAddressType is the type of a connection whose table has no
	// address-type column, or whose cell is empty. Unverified: a domain in a
	// VC Domain Group gets its addresses from VCEM's pools.
	DefaultAddressType vcem.AddressType

	// ParseMAC and ParseWWN read addresses. MACs print upper-case with
	// dashes, FOUND [kanopya], [VCCLI210 p79]; the WWN print format is NOT
	// FOUND (INFERRED colon-separated, 50:06:0B:…): addrpool.ParseWWN
	// accepts colons, dashes or bare hex.
	ParseMAC func(string) (addrpool.MAC, error)
	ParseWWN func(string) (addrpool.WWN, error)
}

// ProfileColumns are the columns of a profile's own row.
type ProfileColumns struct {
	// Match: a sub-table whose header has all of these is the profile row.
	// "Serial Number" is FOUND [kanopya]; "Name" INFERRED.
	Match []string
	// Name (required) and Serial (optional) columns.
	Name, Serial string
	// Server is the column naming the server the profile is assigned to
	// ("enc0:1"), read when present and checked against `show server *`.
	// INFERRED from the detailed format's "Device Bay"/"Server" fields
	// [VC-UG p201].
	Server string
}

// ConnColumns are the columns of one connection sub-table. Empty names are
// columns the adapter does not read.
type ConnColumns struct {
	// Match: a sub-table whose header has all of these columns is of this
	// kind; when a header matches several kinds, the one with the most
	// Match columns wins, and a tie is an error.
	Match []string
	// Port number (required). FOUND in the detailed Ethernet table [cs-vc];
	// INFERRED for the others.
	Port string
	// Network or fabric name (optional).
	Network string
	// MAC column (Ethernet, iSCSI, FCoE). FOUND for Ethernet [kanopya].
	MAC string
	// PortWWN and NodeWWN (FC, FCoE). NOT FOUND: "WWPN" and "WWNN" are
	// guesses. A missing or empty node WWN is the port WWN + 1
	// ([vcem.NodeWWNFor]): FOUND for VC-assigned WWNs [VC-SETUP p89], and
	// the UI shows only the port WWN.
	PortWWN, NodeWWN string
	// AddressType column (optional). NOT FOUND; "Address Type" is a guess.
	AddressType string
}

// DefaultDialect returns the adapter's best reading of the VC Manager CLI
// (see the field comments for what each entry rests on).
func DefaultDialect() Dialect {
	return Dialect{
		ShowDomain:       "show domain -output=script2",
		ShowEnclosures:   "show enclosure * -output=script2",
		ShowInterconnect: "show interconnect * -output=script2",
		ShowServers:      "show server * -output=script2",
		ShowProfiles:     "show profile * -output=script2",

		ErrorPrefix:      "ERROR:",
		SuccessPrefix:    "SUCCESS:",
		PromptPrefix:     "->",
		RedirectPrefix:   "Virtual Connect Manager not found at this IP address. Please use IP Address:",
		UnreachableTexts: []string{"Unable to communicate with the Virtual Connect Manager"},
		NoneExistPrefix:  "No ",
		NoneExistSuffix:  " exist",
		EmptyValues:      []string{"<Unassigned>", "-- --"},
		StderrIsError:    true,

		DomainName:         "Domain Name",
		EnclosureID:        "ID",
		InterconnectID:     "ID",
		InterconnectType:   "Type",
		InterconnectSerial: "Serial Number",
		ServerID:           "Server ID",
		ServerProfile:      "Server Profile",

		Profile: ProfileColumns{
			Match:  []string{"Name", "Serial Number"},
			Name:   "Name",
			Serial: "Serial Number",
			Server: "Device Bay",
		},
		Ethernet: ConnColumns{
			Match:       []string{"Port", "Network Name", "PXE", "MAC Address"},
			Port:        "Port",
			Network:     "Network Name",
			MAC:         "MAC Address",
			AddressType: "Address Type",
		},
		ISCSI: ConnColumns{
			Match:       []string{"Port", "Network Name", "MAC Address"},
			Port:        "Port",
			Network:     "Network Name",
			MAC:         "MAC Address",
			AddressType: "Address Type",
		},
		FCoE: ConnColumns{
			Match:       []string{"Port", "WWPN", "MAC Address"},
			Port:        "Port",
			Network:     "Fabric Name",
			MAC:         "MAC Address",
			PortWWN:     "WWPN",
			NodeWWN:     "WWNN",
			AddressType: "Address Type",
		},
		FC: ConnColumns{
			Match:       []string{"Port", "WWPN"},
			Port:        "Port",
			Network:     "Fabric Name",
			PortWWN:     "WWPN",
			NodeWWN:     "WWNN",
			AddressType: "Address Type",
		},

		AddressTypes: map[string]vcem.AddressType{
			"VC-Defined":      vcem.AddressVCEMPool,
			"VCEM-Defined":    vcem.AddressVCEMPool,
			"Factory-Default": vcem.AddressFactoryDefault,
			"User-Defined":    vcem.AddressUserDefined,
		},
		DefaultAddressType: vcem.AddressVCEMPool,

		ParseMAC: addrpool.ParseMAC,
		ParseWWN: addrpool.ParseWWN,
	}
}

// validate reports a dialect the adapter cannot work with: a command, a
// required column or a parser missing, or an address type outside vcem's.
func (d Dialect) validate() error {
	var missing []string
	for name, v := range map[string]string{
		"ShowDomain": d.ShowDomain, "ShowEnclosures": d.ShowEnclosures, "ShowInterconnect": d.ShowInterconnect,
		"ShowServers": d.ShowServers, "ShowProfiles": d.ShowProfiles,
		"DomainName": d.DomainName, "EnclosureID": d.EnclosureID, "InterconnectID": d.InterconnectID,
		"InterconnectType": d.InterconnectType, "ServerID": d.ServerID, "ServerProfile": d.ServerProfile,
		"Profile.Name":  d.Profile.Name,
		"Ethernet.Port": d.Ethernet.Port, "Ethernet.MAC": d.Ethernet.MAC,
		"ISCSI.Port": d.ISCSI.Port, "ISCSI.MAC": d.ISCSI.MAC,
		"FCoE.Port": d.FCoE.Port, "FCoE.MAC": d.FCoE.MAC, "FCoE.PortWWN": d.FCoE.PortWWN,
		"FC.Port": d.FC.Port, "FC.PortWWN": d.FC.PortWWN,
	} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	for name, m := range map[string][]string{
		"Profile.Match": d.Profile.Match, "Ethernet.Match": d.Ethernet.Match, "ISCSI.Match": d.ISCSI.Match,
		"FCoE.Match": d.FCoE.Match, "FC.Match": d.FC.Match,
	} {
		if len(m) == 0 {
			missing = append(missing, name)
		}
	}
	if d.ParseMAC == nil {
		missing = append(missing, "ParseMAC")
	}
	if d.ParseWWN == nil {
		missing = append(missing, "ParseWWN")
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("vcm: dialect: empty field(s) %s", strings.Join(missing, ", "))
	}
	if !d.DefaultAddressType.Valid() {
		return fmt.Errorf("vcm: dialect: DefaultAddressType %q is not a vcem address type", d.DefaultAddressType)
	}
	for label, t := range d.AddressTypes {
		if !t.Valid() {
			return fmt.Errorf("vcm: dialect: address type label %q maps to %q, not a vcem address type", label, t)
		}
	}
	return nil
}
