package resynctest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// analysis is every section's findings on an estate, analysed with the
// domain packages directly, each phase on the state the earlier ones leave
// (the predicted chain the engine builds), as the restored CMS sees it.
type analysis struct {
	vcem []vcem.Finding
	spm  []spm.Finding
	moe  []matrixoe.Finding
}

// codes returns each code found, with its count.
func (a analysis) codes() map[string]int {
	out := map[string]int{}
	for _, f := range a.vcem {
		out[string(f.Code)]++
	}
	for _, f := range a.spm {
		out[string(f.Code)]++
	}
	for _, f := range a.moe {
		out[string(f.Code)]++
	}
	return out
}

func (a analysis) codeSet() []string {
	var out []string
	for c := range a.codes() {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// analyze runs every analysis on e. creds are the domains read with their
// VC Manager credentials; restoredCatalog, when not nil, is the SPM catalog
// as restored from backup (lsmanalyzer's "restored"; else the catalog now).
func analyze(t testing.TB, e *Estate, creds []string, restoredCatalog *spm.Snapshot) analysis {
	t.Helper()
	ctx := context.Background()
	var out analysis

	vs, err := e.vcemStore.Snapshot(ctx)
	require.NoError(t, err)
	var cd map[string]vcem.CredentialedDomain
	if len(creds) > 0 {
		cd = e.Credentials(creds...)
	}
	lds, err := vcem.GatherLive(ctx, e.vcemLive, vs, cd)
	require.NoError(t, err)
	f1, err := vcem.AnalyzePhase1(vs, lds)
	require.NoError(t, err)
	p1 := vs.Clone()
	require.NoError(t, vcem.ApplyAll(p1, vcem.ChangesOf(f1)...))
	f2, err := vcem.AnalyzePhase2(p1)
	require.NoError(t, err)
	resync, err := vcem.PredictResync(p1, lds)
	require.NoError(t, err)
	p2 := p1.Clone()
	require.NoError(t, vcem.ApplyAll(p2, resync...))
	out.vcem = append(f1, f2...)

	cat, err := e.catalog.Snapshot(ctx)
	require.NoError(t, err)
	arrays, err := e.arrays.Live(ctx)
	require.NoError(t, err)
	fs, err := spm.Analyze(cat, arrays)
	require.NoError(t, err)
	out.spm = fs
	ir, err := spm.PredictInternalRecovery(cat, arrays, spm.DefaultSignatureRules())
	require.NoError(t, err)
	current := cat.Clone()
	require.NoError(t, spm.ApplyAll(current, ir...))
	for _, c := range spm.ChangesOf(fs) {
		if _, remove := c.(spm.RemoveVolume); remove {
			require.NoError(t, spm.Apply(current, c))
		}
	}
	if restoredCatalog == nil {
		restoredCatalog = cat
	}

	ms, err := e.moeStore.Snapshot(ctx)
	require.NoError(t, err)
	power, err := e.moeLive.VMPowerStates(ctx)
	require.NoError(t, err)
	ips, err := e.moeLive.IPAllocations(ctx)
	require.NoError(t, err)
	step := func(fs []matrixoe.Finding, err error) {
		t.Helper()
		require.NoError(t, err)
		out.moe = append(out.moe, fs...)
		require.NoError(t, matrixoe.ApplyAll(ms, matrixoe.ChangesOf(fs)...))
	}
	step(matrixoe.AnalyzeLSRefresh(ms, p2, power))
	lsm, err := matrixoe.AnalyzeLSMAnalyzer(ms, restoredCatalog, current)
	step(lsm, err)
	step(matrixoe.AnalyzeIORequests(ms))
	file := e.servicesFile.Data()
	content := file.Content
	if !file.Written {
		content, err = matrixoe.FormatServicesFile(ms)
		require.NoError(t, err)
	}
	marks, err := matrixoe.ParseServicesFile(content, ms)
	require.NoError(t, err)
	step(matrixoe.AnalyzeIOServices(ms, marks, power))
	step(matrixoe.AnalyzeIOIPs(ms, ips))
	export, err := e.moeLive.RMExport(ctx)
	if err != nil {
		require.ErrorIs(t, err, matrixoe.ErrNoExport)
		export = nil
	}
	step(matrixoe.AnalyzeRM(ms, export))

	checkSeverities(t, out)
	return out
}

// checkSeverities asserts the severity rule and each package's catalogue
// on every finding: what the findings of an estate must hold.
func checkSeverities(t testing.TB, a analysis) {
	t.Helper()
	infos := map[string]string{}
	for _, c := range vcem.Codes() {
		infos[string(c.Code)] = string(c.Severity)
	}
	for _, c := range spm.Codes() {
		infos[string(c.Code)] = string(c.Severity)
	}
	for _, c := range matrixoe.Codes() {
		infos[string(c.Code)] = string(c.Severity)
	}
	check := func(code, severity string, actionable bool, manual string) {
		want, ok := infos[code]
		if !assert.True(t, ok, "code %s is in no package's Codes()", code) {
			return
		}
		assert.Equal(t, want, severity, "%s: severity", code)
		switch severity {
		case "info":
			assert.False(t, actionable, "%s: info with something to do", code)
		case "warning":
			assert.True(t, actionable, "%s: warning with nothing to do", code)
		case "error":
			assert.NotEmpty(t, manual, "%s: error without a manual step", code)
		}
	}
	for _, f := range a.vcem {
		check(string(f.Code), string(f.Severity), f.Actionable(), f.Manual)
	}
	for _, f := range a.spm {
		check(string(f.Code), string(f.Severity), f.Actionable(), f.Manual)
	}
	for _, f := range a.moe {
		check(string(f.Code), string(f.Severity), f.Actionable(), f.Manual)
	}
}
