package resynctest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mxsync-go/mxsync/internal/faultrule"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// Faults is the one fault-rule set an estate hands to every fake of every
// section: the type vcemtest, spmtest and matrixoetest share, so a rule
// reaches any port by its operation ("vcem.ReadDomain", "spm.Apply",
// "matrixoe.Snapshot", … — the Op constants of the three fake packages) and
// target. See vcemtest.Fault for a rule's fields.
type Faults = faultrule.Set

// Fault is one rule of a Faults set (see vcemtest.Fault).
type Fault = faultrule.Rule

// NewFaults returns an empty rule set whose probabilities draw from a
// generator seeded with seed, so a run can be replayed.
func NewFaults(seed uint64) *Faults { return faultrule.NewSet(seed) }

// Estate is a whole CMS and its estate in memory: the databases a CMS
// restore puts back (VCEM's, SPM's catalog and its RecoveryMode, Matrix OE's)
// and the hardware that keeps its state (VC domains, arrays, VMs, the live
// IO), every part one of the SDK's fakes, wired as the products are wired:
//
//   - VCEM: the CMS's VCEM database is a vcemtest.Store (the restored store
//     of Env); the VC domains a vcemtest.Live, whose live VCEM pools the
//     estate keeps a mirror of that database (VCEM allocates from its
//     database); the VCEM manager a vcemtest.Manager whose finished resyncs
//     write vcem.PredictResync's changes for the domain into the database, as
//     VCEM's resync updates it.
//   - SPM: the catalog (spmtest.Catalog), the arrays (spmtest.Arrays), the
//     RecoveryMode value of ApplicationConfig.xml (spmtest.RecoveryMode),
//     the Windows services (spmtest.Services: the Insight Management
//     services of resync.DefaultServicePolicy and SPM's own, all running),
//     the SPM UI over HTTPS (spmtest.UI) and an spm.Readiness pinned to its
//     certificate. Starting SPM while RecoveryMode is InternalRecovery plays
//     Internal Recovery on the catalog and switches the UI to Manual
//     Recovery Mode.
//   - Matrix OE: the databases (matrixoetest.Store), the live side — VM power,
//     IPs in use, live services, the RM export — (matrixoetest.Live), and
//     InfrastructureServices.txt (matrixoetest.ServicesFile).
//
// An Estate is a plain value: nothing is registered anywhere, and any number
// can live side by side. It is safe for concurrent use: activities, Backup,
// Restore and Save are serialised by the estate, and every port is a fake
// that is safe for concurrent use itself, so an engine may run on Env while
// another goroutine inspects the estate. Close it when done (it stops the
// SPM UI's TLS server).
type Estate struct {
	mu     sync.Mutex
	faults *Faults

	vcemStore *vcemtest.Store
	vcemLive  *vcemtest.Live
	manager   *vcemtest.Manager
	logins    map[string]Login  // VC Manager logins by domain ID
	managers  map[string]string // VC Manager addresses by domain ID
	// vcemSynced is how many SDK changes the VCEM store had applied when the
	// live VCEM pools were last mirrored from it; -1 forces a mirror.
	vcemSynced int

	catalog   *spmtest.Catalog
	arrays    *spmtest.Arrays
	mode      *spmtest.RecoveryMode
	services  *spmtest.Services
	ui        *spmtest.UI
	uiLogin   *Login
	readiness *spm.Readiness

	moeStore     *matrixoetest.Store
	moeLive      *matrixoetest.Live
	servicesFile *matrixoetest.ServicesFile

	closeOnce sync.Once
}

// Login is a fake login kept in clear in a saved estate — a domain's VC
// Manager login, the SPM UI's — so that an estate loaded from a file
// accepts what the one saved accepted. It is test data: never put a real
// password in an estate. Only the estate format writes the password; every
// fmt verb, slog and json.Marshal of a Login redact it.
type Login struct {
	Username string
	Password string
}

// String redacts the password.
func (l Login) String() string { return "user=" + l.Username + " password=[REDACTED]" }

// GoString redacts the password in %#v output.
func (l Login) GoString() string { return "resynctest.Login{" + l.String() + "}" }

// Format prints String for every verb.
func (l Login) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, l.String()) }

// LogValue redacts the password in slog output.
func (l Login) LogValue() slog.Value { return slog.StringValue(l.String()) }

// MarshalJSON writes the user name and a redacted password (the estate
// format writes logins itself).
func (l Login) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"username": l.Username, "password": "[REDACTED]"})
}

// Option configures New and the presets.
type Option func(*options)

type options struct {
	faults      *Faults
	jobLatency  time.Duration
	uiReadyPoll time.Duration
}

// WithFaults makes every fake of the estate consult f (instead of a set of
// the estate's own, seeded with the model's seed): one rule set reaches
// every port of every section.
func WithFaults(f *Faults) Option { return func(o *options) { o.faults = f } }

// WithJobLatency makes VCEM resync jobs finish d after they are requested
// (default 0; see vcemtest.WithJobLatency).
func WithJobLatency(d time.Duration) Option { return func(o *options) { o.jobLatency = d } }

// WithReadinessPoll sets how often the estate's spm.Readiness polls the SPM
// UI (default 5 ms: the fake UI answers at once).
func WithReadinessPoll(d time.Duration) Option { return func(o *options) { o.uiReadyPoll = d } }

func collect(seed uint64, opts []Option) options {
	o := options{uiReadyPoll: 5 * time.Millisecond}
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	if o.faults == nil {
		o.faults = NewFaults(seed)
	}
	if o.uiReadyPoll <= 0 {
		o.uiReadyPoll = 5 * time.Millisecond
	}
	return o
}

// build wires the fakes from an estate's data, which it hands over to
// them (st must not be used afterwards, and its parts must share nothing:
// decoding and generating make them so). A copy of a Large estate's data
// would double the memory of building or loading it.
func build(st *state, o options) (*Estate, error) {
	if err := st.check(); err != nil {
		return nil, err
	}
	e := &Estate{faults: o.faults, vcemSynced: -1, logins: map[string]Login{}, managers: map[string]string{}}
	vf, sf, mf := vcemtest.WithFaults(o.faults), spmtest.WithFaults(o.faults), matrixoetest.WithFaults(o.faults)
	va, sa, ma := vcemtest.Adopt(), spmtest.Adopt(), matrixoetest.Adopt()
	var err error
	// The three databases are validated by their stores' constructors,
	// each on its own goroutine (a Large estate's take a third of a
	// second one after the other); their errors are reported in the order
	// the stores are wired.
	var vcemErr, catalogErr, moeErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		e.vcemStore, vcemErr = vcemtest.StoreFromData(vcemtest.StoreData{Snapshot: st.vcemDB, Applied: st.vcemApplied}, vf, va)
	})
	wg.Go(func() {
		e.catalog, catalogErr = spmtest.NewCatalogFromData(spmtest.CatalogData{Snapshot: st.catalog, Applied: st.spmApplied}, sf, sa)
	})
	wg.Go(func() {
		e.moeStore, moeErr = matrixoetest.NewStoreFromData(matrixoetest.StoreData{Snapshot: st.moeDB, Applied: st.moeApplied}, mf, ma)
	})
	// The live pools start as the database's: a copy of them, as the store
	// keeps the database's own.
	live := vcemtest.LiveData{Domains: st.domains, MACs: st.vcemDB.MACs.Clone(), WWNs: st.vcemDB.WWNs.Clone()}
	wg.Wait()
	if vcemErr != nil {
		return nil, fmt.Errorf("resynctest: VCEM database: %w", vcemErr)
	}
	if e.vcemLive, err = vcemtest.LiveFromData(live, vf, va); err != nil {
		return nil, fmt.Errorf("resynctest: VC domains: %w", err)
	}
	for _, d := range st.domains {
		e.managers[d.Domain.ID] = d.Domain.Manager
		if d.Login != nil {
			e.logins[d.Domain.ID] = Login{Username: d.Login.Username, Password: d.Login.Password}
		}
	}
	if err := e.syncVCEM(); err != nil {
		return nil, err
	}
	if e.manager, err = vcemtest.ManagerFromData(st.manager, vf, vcemtest.WithResyncHook(e.resyncHook), vcemtest.WithJobLatency(o.jobLatency)); err != nil {
		return nil, fmt.Errorf("resynctest: VCEM manager: %w", err)
	}

	if catalogErr != nil {
		return nil, fmt.Errorf("resynctest: SPM catalog: %w", catalogErr)
	}
	if e.arrays, err = spmtest.NewArraysFromData(spmtest.ArraysData{Live: st.arrays}, sf, sa); err != nil {
		return nil, fmt.Errorf("resynctest: arrays: %w", err)
	}
	if e.mode, err = spmtest.NewRecoveryModeFromData(st.mode, sf); err != nil {
		return nil, fmt.Errorf("resynctest: RecoveryMode: %w", err)
	}
	if e.ui, err = spmtest.NewUIFromData(spmtest.UIData{ReadyAfter: st.ui.ReadyAfter, Polls: st.ui.Polls, Manual: st.ui.Manual}, sf); err != nil {
		return nil, fmt.Errorf("resynctest: SPM UI: %w", err)
	}
	ropts := []spm.ReadinessOption{spm.WithPinSHA256(e.ui.Pin()), spm.WithPollInterval(o.uiReadyPoll, 4*o.uiReadyPoll)}
	if l := st.ui.Login; l != nil {
		login := *l
		e.uiLogin = &login
		e.ui.RequireBasicAuth(login.Username, login.Password)
		ropts = append(ropts, spm.WithBasicAuth(login.Username, login.Password))
	}
	if e.readiness, err = spm.NewReadiness(e.ui.URL(), ropts...); err != nil {
		e.ui.Close()
		return nil, fmt.Errorf("resynctest: SPM readiness: %w", err)
	}
	ir := spmtest.WithInternalRecovery(spmtest.InternalRecovery{Mode: e.mode, Catalog: e.catalog, Arrays: e.arrays, UI: e.ui})
	if e.services, err = spmtest.NewServicesFromData(st.services, sf, ir); err != nil {
		e.ui.Close()
		return nil, fmt.Errorf("resynctest: Windows services: %w", err)
	}

	if moeErr != nil {
		e.ui.Close()
		return nil, fmt.Errorf("resynctest: Matrix OE databases: %w", moeErr)
	}
	if e.moeLive, err = matrixoetest.NewLiveFromData(st.moeLive, mf); err != nil {
		e.ui.Close()
		return nil, fmt.Errorf("resynctest: Matrix OE live side: %w", err)
	}
	if e.servicesFile, err = matrixoetest.NewServicesFileFromData(st.servicesFile, mf); err != nil {
		e.ui.Close()
		return nil, fmt.Errorf("resynctest: %s: %w", matrixoe.ServicesFileName, err)
	}
	return e, nil
}

// String describes the estate by its size, without any login.
func (e *Estate) String() string {
	if e == nil {
		return "resynctest.Estate(nil)"
	}
	e.mu.Lock()
	domains := len(e.managers)
	e.mu.Unlock()
	return fmt.Sprintf("resynctest.Estate{%d VC domains, SPM UI %s}", domains, e.ui.URL())
}

// GoString is String: %#v prints no login either.
func (e *Estate) GoString() string { return e.String() }

// Format prints String for every verb, so that no fmt verb reaches the
// fake logins the estate holds.
func (e *Estate) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }

// LogValue logs String.
func (e *Estate) LogValue() slog.Value { return slog.StringValue(e.String()) }

// Close stops the SPM UI's TLS server. It is safe to call more than once;
// the estate's other parts need no closing.
func (e *Estate) Close() {
	e.closeOnce.Do(func() {
		if e.ui != nil {
			e.ui.Close()
		}
	})
}

// Faults returns the rule set every fake of the estate consults.
func (e *Estate) Faults() *Faults { return e.faults }

// Env returns the ports of every section, as the engine runs on them on a
// CMS: a tool under test sees exactly what it would see there. The ports
// are the estate's fakes themselves, so what the engine writes through them
// is the estate's state, and the same ports keep serving across Backup and
// Restore. Each call returns a new Env holding the same ports.
func (e *Estate) Env() *resync.Env {
	return &resync.Env{
		Services: e.services,
		VCEM:     &resync.VCEMPorts{Store: e.vcemStore, Live: e.vcemLive, Manager: e.manager},
		Storage: &resync.StoragePorts{
			Catalog: e.catalog, Arrays: e.arrays, RecoveryMode: e.mode, Readiness: e.readiness,
			Names: spm.DefaultServiceNames(),
		},
		MatrixOE: &resync.MatrixOEPorts{Store: e.moeStore, Live: e.moeLive, Export: e.moeLive, ServicesFile: e.servicesFile},
	}
}

// Fakes are the estate's parts, for inspection and for scripting beyond the
// activities (a fault rule on one fake, a domain made unreachable).
// Changing them directly can break what the estate keeps consistent (the
// live VCEM's pools mirror the VCEM database); prefer activities.
type Fakes struct {
	VCEMStore    *vcemtest.Store       // the CMS's VCEM database
	VCEMLive     *vcemtest.Live        // the VC domains
	VCEMManager  *vcemtest.Manager     // VCEM's maintenance and resync
	Catalog      *spmtest.Catalog      // the SPM catalog
	Arrays       *spmtest.Arrays       // the storage arrays
	RecoveryMode *spmtest.RecoveryMode // RecoveryMode in ApplicationConfig.xml
	Services     *spmtest.Services     // the CMS's Windows services
	UI           *spmtest.UI           // the SPM UI (https)
	MatrixOE     *matrixoetest.Store   // the Matrix OE databases
	MatrixOELive *matrixoetest.Live    // VMs, IPs in use, live services, the RM export
	ServicesFile *matrixoetest.ServicesFile
}

// Fakes returns the estate's parts.
func (e *Estate) Fakes() Fakes {
	return Fakes{
		VCEMStore: e.vcemStore, VCEMLive: e.vcemLive, VCEMManager: e.manager,
		Catalog: e.catalog, Arrays: e.arrays, RecoveryMode: e.mode, Services: e.services, UI: e.ui,
		MatrixOE: e.moeStore, MatrixOELive: e.moeLive, ServicesFile: e.servicesFile,
	}
}

// Credentials returns the VC Manager credentials of the given domains (all
// of them when none is named), as an operator supplies them for domains VCEM
// cannot reach (vcem.GatherLive, resync.Answers.Domains). Unknown domains
// and domains without a login are left out.
func (e *Estate) Credentials(domainIDs ...string) map[string]vcem.CredentialedDomain {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(domainIDs) == 0 {
		for id := range e.logins {
			domainIDs = append(domainIDs, id)
		}
	}
	out := map[string]vcem.CredentialedDomain{}
	for _, id := range domainIDs {
		l, ok := e.logins[id]
		if !ok {
			continue
		}
		out[id] = vcem.CredentialedDomain{
			Target:      vcem.DomainTarget{ID: id, Manager: e.managers[id]},
			Credentials: vcem.NewCredentials(l.Username, l.Password),
		}
	}
	return out
}
