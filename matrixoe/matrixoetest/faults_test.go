package matrixoetest

import (
	"context"
	"errors"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultRules(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		fault Fault
		calls []matrixoe.Change // one Apply per change
		fails []bool
	}{
		{"by op, forever", Fault{Op: OpApply, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled}}, []bool{true, true}},
		{"by kind", Fault{Op: OpApply, Target: matrixoe.KindTerminateRequest, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled}}, []bool{false, true}},
		{"by target", Fault{Op: OpApply, Target: "logical server VM1", Err: boom},
			[]matrixoe.Change{matrixoe.SetPowerState{LogicalServerID: "VM1", Power: matrixoe.PowerOff}, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{true, false}},
		{"count 1", Fault{Op: OpApply, Err: boom, Count: 1},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}, matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{true, false}},
		{"other op does not fire", Fault{Op: OpSnapshot, Err: boom},
			[]matrixoe.Change{matrixoe.SetLSDeactivated{LogicalServerID: "LS1"}}, []bool{false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := NewStore(restored(t))
			require.NoError(t, err)
			require.NoError(t, st.AddFault(tc.fault))
			for i, c := range tc.calls {
				err := st.Apply(context.Background(), c)
				if tc.fails[i] {
					assert.ErrorIs(t, err, boom, "call %d", i)
				} else {
					assert.NoError(t, err, "call %d", i)
				}
			}
		})
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []bool {
		l := NewLive(WithSeed(seed))
		require.NoError(t, l.AddFault(Fault{Op: OpIPAllocations, Err: errors.New("flaky"), Probability: 0.5}))
		var out []bool
		for range 64 {
			_, err := l.IPAllocations(context.Background())
			out = append(out, err != nil)
		}
		return out
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.Contains(t, a, true)
	assert.Contains(t, a, false)
	assert.NotEqual(t, a, run(8))
}

func TestFaultDelayHonoursContext(t *testing.T) {
	st, err := NewStore(restored(t))
	require.NoError(t, err)
	require.NoError(t, st.AddFault(Fault{Op: OpSnapshot, Delay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	_, err = st.Snapshot(ctx)
	require.ErrorIs(t, err, context.Canceled)

	st.ClearFaults()
	_, err = st.Snapshot(context.Background())
	assert.NoError(t, err)
}

// One rule set drives the fakes of three packages, as the simulated estate
// will: each rule reaches exactly the fake its namespaced Op names (the vcem
// and matrixoe stores both have a "Snapshot"), the hit log interleaves them
// all, and a rule added or cleared through one fake is seen by the others.
func TestOneFaultSetSharedAcrossPackages(t *testing.T) {
	ctx := context.Background()
	shared := NewFaults(11)
	// The same value has the type of every package's Faults.
	var vf *vcemtest.Faults = shared
	var sf *spmtest.Faults = shared

	mgr := vcemtest.NewManager(vcemtest.WithFaults(vf))
	require.NoError(t, mgr.AddDomain("d1", false))
	require.NoError(t, mgr.AddDomain("d2", false))
	vsnap, err := vcem.NewSnapshot(nil, nil, nil, nil)
	require.NoError(t, err)
	vstore, err := vcemtest.NewStore(vsnap, vcemtest.WithFaults(vf))
	require.NoError(t, err)
	cat, err := spmtest.NewCatalog(spmtest.Sample(), spmtest.WithFaults(sf))
	require.NoError(t, err)
	st, err := NewStore(restored(t), WithFaults(shared))
	require.NoError(t, err)
	live := NewLive(WithFaults(shared))

	errVCEM, errDB := errors.New("VCEM down"), errors.New("database locked")
	require.NoError(t, shared.Add(Fault{Op: vcemtest.OpStartMaintenance, Target: "d2", Err: errVCEM}))
	require.NoError(t, st.AddFault(Fault{Op: OpApply, Target: matrixoe.KindTerminateRequest, Err: errDB, Count: 1}))
	require.NoError(t, cat.Faults().Add(spmtest.Fault{Op: spmtest.OpApply, Target: spm.KindRemoveVolume, Err: spmtest.ErrInjected, Count: 1}))
	require.NoError(t, live.AddFault(Fault{Op: OpSnapshot, Err: errDB, Count: 1}))

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"vcem manager, other domain", func() error { return mgr.StartMaintenance(ctx, "d1") }, nil},
		{"vcem manager, faulty domain", func() error { return mgr.StartMaintenance(ctx, "d2") }, errVCEM},
		{"vcem store snapshot is not matrixoe's", func() error { _, err := vstore.Snapshot(ctx); return err }, nil},
		{"matrixoe store snapshot", func() error { _, err := st.Snapshot(ctx); return err }, errDB},
		{"matrixoe apply by kind", func() error {
			return st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled})
		}, errDB},
		{"spm apply by kind", func() error { return cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"}) }, spmtest.ErrInjected},
		{"counted rules are spent", func() error {
			return st.Apply(ctx, matrixoe.TerminateRequest{RequestID: "R1", From: matrixoe.RequestScheduled, To: matrixoe.RequestCancelled})
		}, nil},
		{"spm rule spent", func() error { return cat.Apply(ctx, spm.RemoveVolume{VolumeID: "vol3"}) }, nil},
	}
	for _, tt := range tests { // in order: the rule set is shared state
		err := tt.call()
		if tt.want == nil {
			assert.NoError(t, err, tt.name)
		} else {
			assert.ErrorIs(t, err, tt.want, tt.name)
		}
	}
	assert.Equal(t, []FaultHit{
		{Op: vcemtest.OpStartMaintenance, Target: "d2", Rule: 0},
		{Op: OpSnapshot, Rule: 3},
		{Op: OpApply, Target: matrixoe.KindTerminateRequest, Rule: 1},
		{Op: spmtest.OpApply, Target: spm.KindRemoveVolume, Rule: 2},
	}, shared.Hits(), "one log across the three packages")
	assert.Same(t, shared, st.Faults())
	assert.Same(t, shared, live.Faults())

	live.ClearFaults() // clears the shared set: the vcem manager sees it too
	assert.NoError(t, mgr.StartMaintenance(ctx, "d2"))
}

// Without WithFaults each fake has a rule set of its own; WithFaults(nil)
// means no faults at all.
func TestFakesOwnOrNoFaults(t *testing.T) {
	a, b := NewLive(), NewLive()
	require.NoError(t, a.AddFault(Fault{Op: OpRMExport, Err: errors.New("x")}))
	assert.NotSame(t, a.Faults(), b.Faults())
	_, err := b.RMExport(context.Background())
	assert.ErrorIs(t, err, matrixoe.ErrNoExport, "b is untouched by a's rule")

	none := NewLive(WithFaults(nil))
	assert.Nil(t, none.Faults())
	assert.ErrorContains(t, none.AddFault(Fault{Op: OpRMExport}), "nil Set")
	_, err = none.IPAllocations(context.Background())
	assert.NoError(t, err)
}

// go doc of Fault shows every field of the shared rule, one line each: the
// test reads faultrule.Rule's fields from its source and this package's doc
// of Fault, so the two cannot drift apart.
func TestFaultDocListsEveryRuleField(t *testing.T) {
	fset := token.NewFileSet()
	rule, err := parser.ParseFile(fset, filepath.Join("..", "..", "internal", "faultrule", "rule.go"), nil, 0)
	require.NoError(t, err)
	var fields []string
	ast.Inspect(rule, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Rule" {
			return true
		}
		for _, f := range ts.Type.(*ast.StructType).Fields.List {
			for _, name := range f.Names {
				fields = append(fields, name.Name)
			}
		}
		return false
	})
	require.NotEmpty(t, fields, "faultrule.Rule has fields")

	faults, err := parser.ParseFile(fset, "faults.go", nil, parser.ParseComments)
	require.NoError(t, err)
	pkg, err := doc.NewFromFiles(fset, []*ast.File{faults}, "github.com/mxsync-go/mxsync/matrixoe/matrixoetest")
	require.NoError(t, err)
	var faultDoc string
	for _, typ := range pkg.Types {
		if typ.Name == "Fault" {
			faultDoc = typ.Doc
		}
	}
	require.NotEmpty(t, faultDoc)
	lines := strings.Split(faultDoc, "\n")
	for _, want := range append(fields, "Skip") { // Skip: the fire-on-the-N-th-call count vcemtest's rework adds
		n := 0
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 1 && f[0] == want {
				n++
			}
		}
		assert.Equal(t, 1, n, "field %s has one line in the doc of Fault", want)
	}
}
