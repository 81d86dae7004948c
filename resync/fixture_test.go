package resync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// miniEstate is the smallest whole Env the engine tests need, wired from
// the packages' fakes by hand (resynctest.Estate does this for real
// estates): one domain with three profiles, SPM's sample catalog, one
// logical server per profile.
type miniEstate struct {
	env      *resync.Env
	vstore   *vcemtest.Store
	vlive    *vcemtest.Live
	vmgr     *vcemtest.Manager
	catalog  *spmtest.Catalog
	arrays   *spmtest.Arrays
	services *spmtest.Services
	mode     *spmtest.RecoveryMode
	mstore   *matrixoetest.Store
	mlive    *matrixoetest.Live
}

func newMiniEstate(t testing.TB) *miniEstate {
	t.Helper()
	vs, err := vcemtest.NewBuilder(
		addrpool.MustRange(addrpool.MAC(0x00215A9B0000), addrpool.MAC(0x00215A9B00FF)),
		addrpool.MustRange(addrpool.WWN(0x5001438002A30000), addrpool.WWN(0x5001438002A300FF)),
	).
		Group("g1", "Production").
		Domain(vcem.Domain{ID: "d1", Name: "Rack1", GroupID: "g1", Manager: "10.0.0.1"}).
		Profile("d1", vcemtest.ProfileSpec{Name: "web", Bay: "enc1:1", Ethernet: 1, FC: 1}).
		Profile("d1", vcemtest.ProfileSpec{Name: "db", Bay: "enc1:2", Ethernet: 1, FC: 1}).
		Profile("d1", vcemtest.ProfileSpec{Name: "app", Bay: "enc1:3", Ethernet: 1}).
		Build()
	require.NoError(t, err)
	e := &miniEstate{}
	e.vstore, err = vcemtest.NewStore(vs)
	require.NoError(t, err)
	e.vlive, err = vcemtest.NewLive(vs)
	require.NoError(t, err)
	e.vmgr = vcemtest.NewManager(vcemtest.WithResyncHook(func(ctx context.Context, domainID string) error {
		// VCEM's resync updates its database, as vcem.PredictResync says.
		snap, err := e.vstore.Snapshot(ctx)
		if err != nil {
			return err
		}
		ld, err := e.vlive.ReadDomain(ctx, domainID)
		if err != nil {
			return err
		}
		cs, err := vcem.PredictResync(snap, []vcem.LiveDomain{ld})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := e.vstore.Apply(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, e.vmgr.AddDomain("d1", false))

	cat := spmtest.Sample()
	e.catalog, err = spmtest.NewCatalog(cat)
	require.NoError(t, err)
	live, err := spmtest.LiveFromSnapshot(cat)
	require.NoError(t, err)
	e.arrays, err = spmtest.NewArrays(live)
	require.NoError(t, err)
	e.mode = spmtest.NewRecoveryMode("Normal")
	names := spm.DefaultServiceNames()
	e.services, err = spmtest.NewPhase1Services(names, spmtest.WithInternalRecovery(spmtest.InternalRecovery{
		Mode: e.mode, Catalog: e.catalog, Arrays: e.arrays}))
	require.NoError(t, err)
	for _, p := range resync.DefaultServicePolicy() {
		if p.Name == names.SPM {
			continue
		}
		require.NoError(t, e.services.Define(p.Name, spm.ServiceRunning))
	}

	ms := matrixoe.NewSnapshot()
	for _, name := range []string{"web", "db", "app"} {
		ls := matrixoe.LogicalServer{ID: "LS-" + name, Name: name, Kind: matrixoe.LSPhysicalVC, Activated: true,
			ProfileID: vcemtest.ProfileID("d1", name), Managed: true}
		ms.LogicalServers[ls.ID] = ls
	}
	ms.Services["S1"] = matrixoe.Service{ID: "S1", Name: "shop", LogicalServerIDs: []string{"LS-web", "LS-db"}}
	require.NoError(t, ms.Validate())
	e.mstore, err = matrixoetest.NewStore(ms)
	require.NoError(t, err)
	e.mlive = matrixoetest.NewLive()

	e.env = &resync.Env{
		Services: e.services,
		VCEM:     &resync.VCEMPorts{Store: e.vstore, Live: e.vlive, Manager: e.vmgr},
		Storage:  &resync.StoragePorts{Catalog: e.catalog, Arrays: e.arrays, RecoveryMode: e.mode},
		MatrixOE: &resync.MatrixOEPorts{Store: e.mstore, Live: e.mlive},
	}
	return e
}
