package vcm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

func mac(t testing.TB, s string) addrpool.MAC {
	m, err := addrpool.ParseMAC(s)
	require.NoError(t, err)
	return m
}

func wwn(t testing.TB, s string) addrpool.WWN {
	w, err := addrpool.ParseWWN(s)
	require.NoError(t, err)
	return w
}

// domainFor is the directory entry of a fake server, its host key pinned.
func domainFor(f *fakeVCM, id string) DomainConfig {
	return DomainConfig{
		ID: id, Address: f.addr(), GroupID: "g1",
		Credentials: vcem.NewCredentials(f.user, f.password),
		HostKeys:    []string{f.fingerprint()},
	}
}

func newClient(t *testing.T, domains []DomainConfig, opts ...Option) *Client {
	t.Helper()
	c, err := New(domains, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func rack1Want(t testing.TB, id, manager string) vcem.LiveDomain {
	pool := vcem.AddressVCEMPool
	return vcem.LiveDomain{
		Reachable: true,
		Domain: vcem.Domain{
			ID: id, Name: "Rack1_VCDomain", Manager: manager, GroupID: "g1",
			Enclosures: []string{"enc0", "enc1"},
			Modules: []vcem.Module{
				{Enclosure: "enc0", Bay: 1, Type: "VC-ENET", Serial: "3C4A5B6C01"},
				{Enclosure: "enc0", Bay: 2, Type: "VC-ENET", Serial: "3C4A5B6C02"},
				{Enclosure: "enc0", Bay: 3, Type: "VC-FC", Serial: "3C4A5B6C03"},
				{Enclosure: "enc1", Bay: 1, Type: "FlexFabric", Serial: "3C4A5B6D01"},
			},
		},
		Profiles: []vcem.Profile{
			{
				Name: "app", DomainID: id, Bay: "enc1:1", SerialNumber: "VCX0000003",
				Ethernet: []vcem.EthernetConnection{{Port: 1, Network: "prod", MAC: mac(t, "02-00-00-00-AB-01"), AddressType: vcem.AddressUserDefined}},
				FCoE: []vcem.FCoEConnection{{Port: 1, Fabric: "FCOE_A", MAC: mac(t, "00-17-A4-77-00-08"),
					PortWWN: wwn(t, "50:06:0B:00:00:C2:62:04"), NodeWWN: wwn(t, "50:06:0B:00:00:C2:62:05"), AddressType: pool}},
			},
			{
				Name: "db", DomainID: id, Bay: "enc0:2", SerialNumber: "VCX0000002",
				Ethernet: []vcem.EthernetConnection{{Port: 1, Network: "prod", MAC: mac(t, "00-17-A4-77-00-04"), AddressType: pool}},
				ISCSI:    []vcem.ISCSIConnection{{Port: 1, Network: "iscsi_a", MAC: mac(t, "00-17-A4-77-00-06"), AddressType: pool}},
			},
			{
				Name: "spare", DomainID: id, SerialNumber: "VCX0000004",
				Ethernet: []vcem.EthernetConnection{{Port: 2, Network: "prod", MAC: mac(t, "00-17-A4-77-00-0A"), AddressType: pool}},
			},
			{
				Name: "web", DomainID: id, Bay: "enc0:1", SerialNumber: "VCX0000001",
				Ethernet: []vcem.EthernetConnection{
					{Port: 1, Network: "prod;vlan10", MAC: mac(t, "00-17-A4-77-00-00"), AddressType: pool},
					{Port: 2, Network: "backup", MAC: mac(t, "00-17-A4-77-00-02"), AddressType: pool},
				},
				FC: []vcem.FCConnection{
					{Port: 1, Fabric: "SAN_A", PortWWN: wwn(t, "50:06:0B:00:00:C2:62:00"), NodeWWN: wwn(t, "50:06:0B:00:00:C2:62:01"), AddressType: pool},
					{Port: 2, Fabric: "SAN_B", PortWWN: wwn(t, "50:06:0B:00:00:C2:62:02"), NodeWWN: wwn(t, "50:06:0B:00:00:C2:62:03"), AddressType: pool},
				},
			},
		},
	}
}

func TestClientReadDomainRack1(t *testing.T) {
	f := startFake(t, scenario(t, "rack1"))
	c := newClient(t, []DomainConfig{domainFor(f, "d1")})
	ld, err := c.ReadDomain(context.Background(), "d1")
	require.NoError(t, err)
	assert.Equal(t, rack1Want(t, "d1", f.addr()), ld)

	// The second read reuses the connection: one login, every command twice.
	_, err = c.ReadDomain(context.Background(), "d1")
	require.NoError(t, err)
	logins, _, _, _ := f.stats()
	assert.Equal(t, 1, logins, "one SSH connection per domain, reused")
	assert.Equal(t, 2, f.execCount(DefaultDialect().ShowProfiles))
	assert.Equal(t, 10, f.totalExecs(), "five commands per read, one exec each")
}

func TestClientListDomains(t *testing.T) {
	f := startFake(t, scenario(t, "lab"))
	a, b := domainFor(f, "b"), domainFor(f, "a")
	b.Address, b.Name = "127.0.0.1:1", "Lab A"
	c := newClient(t, []DomainConfig{a, b})
	refs, err := c.ListDomains(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []vcem.DomainRef{
		{ID: "a", Name: "Lab A", Manager: "127.0.0.1:1", GroupID: "g1"},
		{ID: "b", Manager: f.addr(), GroupID: "g1"},
	}, refs)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.ListDomains(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestClientDeviceAnswers(t *testing.T) {
	d := DefaultDialect()
	for _, tc := range []struct {
		name, cmd, file string
		check           func(t *testing.T, err error)
	}{
		{"ERROR line", d.ShowProfiles, "privilege.txt", func(t *testing.T, err error) {
			var dev *DeviceError
			require.ErrorAs(t, err, &dev)
			assert.Equal(t, []string{"Operation not allowed: the user does not have the required privilege"}, dev.Texts)
			assert.Equal(t, d.ShowProfiles, dev.Command)
			assert.NotEmpty(t, dev.Address)
			assert.NotErrorIs(t, err, vcem.ErrDomainInaccessible)
		}},
		{"two ERROR lines", d.ShowServers, "two-errors.txt", func(t *testing.T, err error) {
			var dev *DeviceError
			require.ErrorAs(t, err, &dev)
			assert.Len(t, dev.Texts, 2)
			assert.ErrorContains(t, err, "Invalid parameter: enc9 | second problem")
		}},
		{"VC Manager unreachable", d.ShowDomain, "unreachable.txt", func(t *testing.T, err error) {
			assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
		}},
		{"missing columns", d.ShowServers, "server-missing-columns.txt", func(t *testing.T, err error) {
			var mc *MissingColumnsError
			require.ErrorAs(t, err, &mc)
			assert.Equal(t, []string{"Server ID", "Server Profile"}, mc.Columns)
			assert.ErrorContains(t, err, `missing column(s) "Server ID", "Server Profile"`)
		}},
		{"bad row", d.ShowServers, "server-bad-row.txt", func(t *testing.T, err error) {
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 2, pe.Line)
			assert.ErrorContains(t, err, "row has 4 fields, the header at line 1 has 2")
		}},
		{"unterminated quote", d.ShowProfiles, "profile-unterminated.txt", func(t *testing.T, err error) {
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 2, pe.Line)
			assert.Equal(t, "#1", pe.Column)
		}},
		{"no profiles", d.ShowProfiles, "profile-none.txt", func(t *testing.T, err error) {
			// The servers still name profiles: the reads disagree.
			assert.ErrorIs(t, err, vcem.ErrInvalidLive)
			assert.ErrorContains(t, err, `server enc1:1 holds profile "app"`)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, withFile(t, scenario(t, "rack1"), tc.cmd, tc.file))
			c := newClient(t, []DomainConfig{domainFor(f, "d1")})
			ld, err := c.ReadDomain(context.Background(), "d1")
			require.Error(t, err)
			assert.Zero(t, ld)
			assert.ErrorContains(t, err, `domain "d1"`)
			tc.check(t, err)
		})
	}
}

func TestClientEmptyDomain(t *testing.T) {
	answers := scenario(t, "lab")
	d := DefaultDialect()
	answers[d.ShowProfiles] = &answer{stdout: []byte("No profiles exist\r\n")}
	answers[d.ShowServers] = &answer{stdout: []byte("Server ID;Server Profile\r\nenc0:1;<Unassigned>\r\n")}
	f := startFake(t, answers)
	c := newClient(t, []DomainConfig{domainFor(f, "d1")})
	ld, err := c.ReadDomain(context.Background(), "d1")
	require.NoError(t, err)
	assert.Empty(t, ld.Profiles)
	assert.Equal(t, "Lab", ld.Domain.Name)
}

func TestClientStandbyRedirect(t *testing.T) {
	primary := startFake(t, scenario(t, "lab"))
	redirect := func(file string) map[string]*answer {
		b, err := os.ReadFile(filepath.Join("testdata", "errors", file))
		require.NoError(t, err)
		m := map[string]*answer{}
		for _, cmd := range []string{DefaultDialect().ShowDomain} {
			m[cmd] = &answer{stdout: b}
		}
		return m
	}
	standby := startFake(t, redirect("redirect.txt"))   // says: use 192.0.2.10
	standby2 := startFake(t, redirect("redirect2.txt")) // says: use 192.0.2.11
	// The primary and the second standby share the primary's host key pin
	// set: a domain's pins cover both of its modules.
	pins := []string{primary.fingerprint(), standby.fingerprint(), standby2.fingerprint()}

	t.Run("followed once", func(t *testing.T) {
		dial := mapDialer(map[string]string{"vcm-b.test:22": standby.addr(), "192.0.2.10:22": primary.addr()})
		c := newClient(t, []DomainConfig{{ID: "d1", Address: "vcm-b.test", Credentials: vcem.NewCredentials("Administrator", "vc-Secr3t!"), HostKeys: pins}},
			WithDialer(dial))
		ld, err := c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err)
		assert.Equal(t, "Lab", ld.Domain.Name)
		assert.Equal(t, "vcm-b.test", ld.Domain.Manager, "Manager stays the configured address")
		assert.Equal(t, 1, standby.execCount(DefaultDialect().ShowDomain))
		assert.Equal(t, 5, primary.totalExecs(), "every command ran on the active module")
	})
	t.Run("second redirect refused", func(t *testing.T) {
		dial := mapDialer(map[string]string{"vcm-b.test:22": standby.addr(), "192.0.2.10:22": standby2.addr(), "192.0.2.11:22": primary.addr()})
		c := newClient(t, []DomainConfig{{ID: "d1", Address: "vcm-b.test", Credentials: vcem.NewCredentials("Administrator", "vc-Secr3t!"), HostKeys: pins}},
			WithDialer(dial))
		before := primary.totalExecs()
		_, err := c.ReadDomain(context.Background(), "d1")
		var red *RedirectError
		require.ErrorAs(t, err, &red)
		assert.Equal(t, []string{"vcm-b.test:22", "192.0.2.10:22"}, red.Via)
		assert.Equal(t, "192.0.2.11", red.To)
		assert.ErrorContains(t, err, "vcm-b.test:22 -> 192.0.2.10:22, then to 192.0.2.11")
		assert.Equal(t, before, primary.totalExecs(), "the third address is never tried")
	})
	t.Run("login banner", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("testdata", "errors", "redirect.txt"))
		require.NoError(t, err)
		bannerOnly := startFake(t, map[string]*answer{}, func(f *fakeVCM) { f.banner = string(b) })
		dial := mapDialer(map[string]string{"vcm-c.test:22": bannerOnly.addr(), "192.0.2.10:22": primary.addr()})
		c := newClient(t, []DomainConfig{{ID: "d1", Address: "vcm-c.test", Credentials: vcem.NewCredentials("Administrator", "vc-Secr3t!"),
			HostKeys: []string{bannerOnly.fingerprint(), primary.fingerprint()}}}, WithDialer(dial))
		_, err = c.ReadDomain(context.Background(), "d1")
		require.NoError(t, err)
		assert.Zero(t, bannerOnly.totalExecs())
	})
}

func TestNewRejects(t *testing.T) {
	creds := vcem.NewCredentials("admin", "pw")
	pin := ssh.FingerprintSHA256(newHostKey(t).PublicKey())
	ok := DomainConfig{ID: "d1", Address: "vcm1", Credentials: creds, HostKeys: []string{pin}}
	with := func(f func(*DomainConfig)) DomainConfig { d := ok; f(&d); return d }
	for _, tc := range []struct {
		name    string
		domains []DomainConfig
		opts    []Option
		want    string
	}{
		{"no host-key policy", nil, nil, "no host-key policy"},
		{"domain not covered", []DomainConfig{with(func(d *DomainConfig) { d.HostKeys = nil })}, []Option{WithHostKey("other", pin)}, `domain "d1" (vcm1:22): no host-key policy covers it`},
		{"empty ID", []DomainConfig{with(func(d *DomainConfig) { d.ID = "" })}, nil, "domains[0]: empty domain ID"},
		{"duplicate ID", []DomainConfig{ok, with(func(d *DomainConfig) { d.Address = "vcm2" })}, nil, `domains[1]: domain ID "d1" is listed twice`},
		{"empty address", []DomainConfig{with(func(d *DomainConfig) { d.Address = " " })}, nil, `domain "d1": empty VC Manager address`},
		{"shared address", []DomainConfig{ok, with(func(d *DomainConfig) { d.ID = "d2"; d.Address = "vcm1:22" })}, nil, `has the VC Manager address vcm1:22 of domain "d1"`},
		{"no user", []DomainConfig{with(func(d *DomainConfig) { d.Credentials = vcem.NewCredentials("", "pw") })}, nil, "no user name"},
		{"no secret", []DomainConfig{with(func(d *DomainConfig) { d.Credentials = vcem.NewCredentials("admin", "") })}, nil, "neither a password nor a key"},
		{"bad pin", []DomainConfig{with(func(d *DomainConfig) { d.HostKeys = []string{"MD5:aa:bb"} })}, nil, "want SHA256:<base64>"},
		{"short pin", []DomainConfig{with(func(d *DomainConfig) { d.HostKeys = []string{"SHA256:abcd"} })}, nil, "not 32 bytes"},
		{"insecure with pins", []DomainConfig{ok}, []Option{WithInsecureIgnoreHostKey()}, "cannot be combined"},
		{"missing known_hosts", nil, []Option{WithKnownHosts(filepath.Join(t.TempDir(), "none"))}, "known_hosts"},
		{"bad option", []DomainConfig{ok}, []Option{WithMaxConns(0)}, "max connections 0"},
		{"bad dialect", []DomainConfig{ok}, []Option{WithDialect(Dialect{})}, "dialect: empty field(s)"},
		{"bad address type", []DomainConfig{ok}, []Option{WithDialect(func() Dialect { d := DefaultDialect(); d.DefaultAddressType = "vc"; return d }())}, `DefaultAddressType "vc"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.domains, tc.opts...)
			assert.Nil(t, c)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestClientCredentials(t *testing.T) {
	f := startFake(t, scenario(t, "lab"))
	const secret = "Wr0ng-Pa55word-XYZZY"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, nil, WithHostKey(f.addr(), f.fingerprint()), WithLogger(logger))
	target := vcem.DomainTarget{ID: "new1", Manager: f.addr()}

	t.Run("rejected", func(t *testing.T) {
		_, err := c.ReadDomainWithCredentials(context.Background(), target, vcem.NewCredentials(f.user, secret))
		require.ErrorIs(t, err, vcem.ErrCredentialsRejected)
		assert.NotErrorIs(t, err, vcem.ErrDomainInaccessible)
		wrapped := fmt.Errorf("gather: %w", err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			for _, e := range []error{err, wrapped} {
				s := fmt.Sprintf(verb, e)
				assert.NotContains(t, s, secret, verb)
				assert.NotContains(t, s, fmt.Sprintf("%x", secret), verb)
			}
		}
	})
	t.Run("accepted", func(t *testing.T) {
		ld, err := c.ReadDomainWithCredentials(context.Background(), target, vcem.NewCredentials(f.user, f.password))
		require.NoError(t, err)
		assert.True(t, ld.ViaCredentials)
		assert.True(t, ld.Reachable)
		assert.Equal(t, "new1", ld.Domain.ID)
		require.Len(t, ld.Profiles, 1)
		assert.Equal(t, "new1", ld.Profiles[0].DomainID)
		assert.Equal(t, 0, c.pool.openCount(), "a read with credentials closes its connection")
	})
	t.Run("bad target", func(t *testing.T) {
		_, err := c.ReadDomainWithCredentials(context.Background(), vcem.DomainTarget{ID: "x"}, vcem.NewCredentials(f.user, f.password))
		assert.ErrorContains(t, err, "target needs an ID and a VC Manager address")
	})
	t.Run("no policy for target", func(t *testing.T) {
		_, err := c.ReadDomainWithCredentials(context.Background(), vcem.DomainTarget{ID: "x", Manager: "elsewhere.test"}, vcem.NewCredentials(f.user, f.password))
		var hk *HostKeyError
		assert.ErrorAs(t, err, &hk)
	})
	t.Run("configured credentials rejected", func(t *testing.T) {
		d := domainFor(f, "d1")
		d.Credentials = vcem.NewCredentials(f.user, secret)
		c2 := newClient(t, []DomainConfig{d}, WithLogger(logger))
		_, err := c2.ReadDomain(context.Background(), "d1")
		assert.ErrorIs(t, err, vcem.ErrCredentialsRejected)
		assert.ErrorIs(t, err, vcem.ErrDomainInaccessible, "GatherLive then asks for credentials")
		assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
	})
	t.Run("client never prints a password", func(t *testing.T) {
		d := domainFor(f, "d1")
		d.Credentials = vcem.NewCredentials(f.user, secret)
		c2 := newClient(t, []DomainConfig{d})
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			assert.NotContains(t, fmt.Sprintf(verb, c2), secret, verb)
			assert.NotContains(t, fmt.Sprintf(verb, *c2.domains["d1"]), secret, verb)
		}
	})
	assert.NotEmpty(t, logs.String(), "debug logging is on")
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), f.password)
}

func TestClientKeyAuth(t *testing.T) {
	key := newHostKey(t) // any ed25519 signer will do as a user key
	f := startFake(t, scenario(t, "lab"), func(f *fakeVCM) { f.authKey = key.PublicKey() })
	d := domainFor(f, "d1")
	d.Credentials = vcem.NewCredentials(f.user, "")
	d.Signers = []ssh.Signer{key}
	c := newClient(t, []DomainConfig{d})
	_, err := c.ReadDomain(context.Background(), "d1")
	require.NoError(t, err)
	_, tries, _, _ := f.stats()
	assert.Zero(t, tries, "no password was tried")
}

func TestClientUnknownAndUnreachable(t *testing.T) {
	f := startFake(t, scenario(t, "lab"))
	d := domainFor(f, "d1")
	gone := domainFor(f, "gone")
	gone.Address = "vcm-gone.test"
	c := newClient(t, []DomainConfig{d, gone}, WithDialer(mapDialer(nil)))

	_, err := c.ReadDomain(context.Background(), "nope")
	assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
	assert.ErrorIs(t, err, vcem.ErrUnknownDomain)

	_, err = c.ReadDomain(context.Background(), "gone")
	assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
	assert.ErrorContains(t, err, "vcm-gone.test:22")
}

func TestClientPoolAndParallelReads(t *testing.T) {
	gauge := &connGauge{}
	var servers []*fakeVCM
	var domains []DomainConfig
	var ids []string
	for i := range 4 {
		answers := scenario(t, "lab")
		for _, a := range answers {
			a.delay = 20 * time.Millisecond
		}
		f := startFake(t, answers, func(f *fakeVCM) {
			f.sharedMx = gauge
			if i > 0 {
				f.inflight, f.maxIn = servers[0].inflight, servers[0].maxIn
			}
		})
		servers = append(servers, f)
		id := fmt.Sprintf("d%d", i)
		domains = append(domains, domainFor(f, id))
		ids = append(ids, id)
	}

	t.Run("bounded connections", func(t *testing.T) {
		sockets := &connGauge{} // client side: sockets open at once
		c := newClient(t, domains, WithMaxConns(2), WithConcurrency(4), WithDialer(countingDialer(sockets)))
		lds, err := c.ReadDomains(context.Background(), ids...)
		require.NoError(t, err)
		for i, ld := range lds {
			assert.Equal(t, ids[i], ld.Domain.ID)
		}
		_, peak, total := sockets.get()
		assert.Equal(t, 2, peak, "never more than WithMaxConns connections open, and both used")
		assert.Equal(t, 4, total, "four domains, one connection each")
		assert.Equal(t, 2, c.pool.openCount(), "idle connections stay open for reuse")
		require.NoError(t, c.Close())
		assert.Eventually(t, func() bool { open, _, _ := gauge.get(); return open == 0 }, 5*time.Second, 10*time.Millisecond, "Close releases them")
		_, err = c.ReadDomain(context.Background(), "d0")
		assert.ErrorIs(t, err, errClosed)
	})
	t.Run("bounded parallel reads", func(t *testing.T) {
		servers[0].maxIn.Store(0)
		c := newClient(t, domains, WithConcurrency(2))
		_, err := c.ReadDomains(context.Background(), ids...)
		require.NoError(t, err)
		got := servers[0].maxIn.Load()
		assert.LessOrEqual(t, got, int32(2), "at most WithConcurrency commands at once")
		assert.GreaterOrEqual(t, got, int32(2), "domains are read in parallel")
	})
	t.Run("errors name their domain", func(t *testing.T) {
		c := newClient(t, domains)
		lds, err := c.ReadDomains(context.Background(), "d1", "zz")
		assert.ErrorContains(t, err, `domain "zz" is not in the directory`)
		assert.Equal(t, "d1", lds[0].Domain.ID)
		assert.Zero(t, lds[1])
	})
}

func TestClientInvalidLive(t *testing.T) {
	answers := scenario(t, "lab")
	answers[DefaultDialect().ShowProfiles] = &answer{stdout: []byte(strings.Join([]string{
		"Name;Serial Number", "lab1;VCX1", "", "Port;WWPN;WWNN", "1;50:06:0B:00:00:C2:62:00;50:06:0B:00:00:C2:62:09", ""}, "\r\n"))}
	f := startFake(t, answers)
	c := newClient(t, []DomainConfig{domainFor(f, "d1")})
	_, err := c.ReadDomain(context.Background(), "d1")
	require.ErrorIs(t, err, vcem.ErrInvalidLive)
	assert.ErrorContains(t, err, `domain "d1"`)
	assert.ErrorContains(t, err, `profile "lab1" field fc[0].nodeWWN`)
}

// A device that speaks only a cipher x/crypto does not offer by
// default is inaccessible until WithAlgorithms offers it.
func TestClientAlgorithms(t *testing.T) {
	f := startFake(t, scenario(t, "lab"), func(f *fakeVCM) { f.ciphers = []string{"aes128-cbc"} })
	c := newClient(t, []DomainConfig{domainFor(f, "d1")})
	_, err := c.ReadDomain(context.Background(), "d1")
	assert.ErrorIs(t, err, vcem.ErrDomainInaccessible)
	assert.ErrorContains(t, err, "no common algorithm")

	c2 := newClient(t, []DomainConfig{domainFor(f, "d1")}, WithAlgorithms(ssh.Algorithms{Ciphers: []string{"aes128-ctr", "aes128-cbc"}}))
	_, err = c2.ReadDomain(context.Background(), "d1")
	assert.NoError(t, err)
}
