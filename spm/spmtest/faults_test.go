package spmtest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/faultrule"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestFaultRules(t *testing.T) {
	ctx := context.Background()
	custom := errors.New("array offline")
	tests := []struct {
		name  string
		rule  spmtest.Fault
		calls []string // targets checked, op OpStart
		fails []bool
		is    error
	}{
		{"matches op and target", spmtest.Fault{Op: spmtest.OpStart, Target: "a", Err: spmtest.ErrInjected}, []string{"a", "b", "a"}, []bool{true, false, true}, spmtest.ErrInjected},
		{"empty target matches all", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected}, []string{"a", "b"}, []bool{true, true}, spmtest.ErrInjected},
		{"count limits", spmtest.Fault{Op: spmtest.OpStart, Err: spmtest.ErrInjected, Count: 2}, []string{"a", "a", "a"}, []bool{true, true, false}, spmtest.ErrInjected},
		{"custom error", spmtest.Fault{Op: spmtest.OpStart, Err: custom, Count: 1}, []string{"x", "x"}, []bool{true, false}, custom},
		{"other op never fires", spmtest.Fault{Op: spmtest.OpStop, Err: spmtest.ErrInjected}, []string{"a"}, []bool{false}, nil},
		{"delay only", spmtest.Fault{Op: spmtest.OpStart, Delay: time.Microsecond}, []string{"a"}, []bool{false}, nil},
		// Since the shared engine, a rule without Err only delays: there is
		// no default error (it used to be ErrInjected).
		{"no Err means no failure", spmtest.Fault{Op: spmtest.OpStart}, []string{"a"}, []bool{false}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := spmtest.NewFaults(7)
			require.NoError(t, f.Add(tt.rule))
			for i, target := range tt.calls {
				err := f.Check(ctx, spmtest.OpStart, target)
				if tt.fails[i] {
					require.Error(t, err, "call %d", i)
					assert.ErrorIs(t, err, tt.is)
					hits := f.Hits()
					require.NotEmpty(t, hits)
					assert.Equal(t, target, hits[len(hits)-1].Target, "the hit names the target")
				} else {
					assert.NoError(t, err, "call %d", i)
				}
			}
		})
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []bool {
		f := spmtest.NewFaults(seed)
		require.NoError(t, f.Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.ErrInjected, Probability: 0.5}))
		var out []bool
		for range 64 {
			out = append(out, f.Check(context.Background(), spmtest.OpUIGet, "/") != nil)
		}
		return out
	}
	a, b := run(42), run(42)
	assert.Equal(t, a, b, "same seed, same faults")
	fired := 0
	for _, x := range a {
		if x {
			fired++
		}
	}
	assert.Greater(t, fired, 10)
	assert.Less(t, fired, 54)
	assert.NotEqual(t, a, run(43))
}

func TestFaultDelayHonoursContext(t *testing.T) {
	f := spmtest.NewFaults(1)
	require.NoError(t, f.Add(spmtest.Fault{Op: spmtest.OpLive, Delay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, f.Check(ctx, spmtest.OpLive), context.Canceled)
}

func TestFaultRuleValidation(t *testing.T) {
	f := spmtest.NewFaults(1)
	assert.Error(t, f.Add(spmtest.Fault{Probability: 1.5}))
	assert.Error(t, f.Add(spmtest.Fault{Count: -1}))
	require.NoError(t, f.Add(spmtest.Fault{Op: "x"}))
	f.Clear()
	assert.NoError(t, f.Check(context.Background(), "x", ""))
}

// The UI turns a rule's error into an HTTP status; a rule without Err only
// holds the answer back.
func TestUIFaults(t *testing.T) {
	tests := []struct {
		name     string
		rule     *spmtest.Fault
		status   int
		bodyHas  string
		hitCount int
	}{
		{"no rule", nil, http.StatusOK, "Internal Recovery", 0},
		{"HTTPError sets the status", &spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: 429}}, http.StatusTooManyRequests, "injected fault", 1},
		{"any other error answers 503", &spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.ErrInjected}, http.StatusServiceUnavailable, "injected fault", 1},
		{"delay-only rule serves the page", &spmtest.Fault{Op: spmtest.OpUIGet, Delay: time.Millisecond}, http.StatusOK, "Internal Recovery", 1},
		{"rule on another path", &spmtest.Fault{Op: spmtest.OpUIGet, Target: "/other", Err: spmtest.ErrInjected}, http.StatusOK, "Internal Recovery", 0},
		{"rule on the path", &spmtest.Fault{Op: spmtest.OpUIGet, Target: "/", Err: spmtest.HTTPError{Status: 500}}, http.StatusInternalServerError, "injected fault", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ui := spmtest.NewUI(0)
			defer ui.Close()
			if tt.rule != nil {
				require.NoError(t, ui.Faults().Add(*tt.rule))
			}
			pool := x509.NewCertPool()
			require.True(t, pool.AppendCertsFromPEM(ui.CAPEM()))
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
			defer client.CloseIdleConnections()
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, ui.URL(), nil)
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Contains(t, string(body), tt.bodyHas)
			assert.Len(t, ui.Faults().Hits(), tt.hitCount)
		})
	}
}

func TestUIFaultRefusesNonFailureStatus(t *testing.T) {
	ui := spmtest.NewUI(0)
	defer ui.Close()
	err := ui.Faults().Add(spmtest.Fault{Op: spmtest.OpUIGet, Err: spmtest.HTTPError{Status: 200}})
	assert.ErrorContains(t, err, "HTTP status 200 is not a 4xx or 5xx failure")
}

// go doc of Fault shows every field of the shared rule, one line each:
// checked against the rule type itself, so the comment cannot drift.
func TestFaultDocListsEveryRuleField(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/mxsync-go/mxsync/spm/spmtest")
	require.NoError(t, err)
	var text string
	for _, ty := range p.Types {
		if ty.Name == "Fault" {
			text = ty.Doc
		}
	}
	require.NotEmpty(t, text, "Fault has a doc comment")
	rule := reflect.TypeFor[faultrule.Rule]()
	require.Greater(t, rule.NumField(), 6)
	for i := range rule.NumField() {
		name := rule.Field(i).Name
		assert.Regexp(t, `(?m)^  - `+name+`: \S`, text, "the doc lists field %s on a line of its own", name)
	}
}

// One rule set handed to every fake constructor drives them all; without
// WithFaults each fake has its own; WithFaults(nil) means none.
func TestWithFaultsOnEveryFake(t *testing.T) {
	ctx := context.Background()
	shared := spmtest.NewFaults(1)
	with := spmtest.WithFaults(shared)
	cat, err := spmtest.NewCatalog(spmtest.Sample(), with)
	require.NoError(t, err)
	arrays, err := spmtest.NewArrays(nil, with)
	require.NoError(t, err)
	svcs := spmtest.NewServices(with)
	phase1, err := spmtest.NewPhase1Services(spm.DefaultServiceNames(), with)
	require.NoError(t, err)
	mode := spmtest.NewRecoveryMode("x", with)
	ui := spmtest.NewUI(0, with)
	defer ui.Close()
	catFromData, err := spmtest.NewCatalogFromData(cat.Data(), with)
	require.NoError(t, err)
	arraysFromData, err := spmtest.NewArraysFromData(arrays.Data(), with)
	require.NoError(t, err)
	svcsFromData, err := spmtest.NewServicesFromData(phase1.Data(), with)
	require.NoError(t, err)
	modeFromData, err := spmtest.NewRecoveryModeFromData(mode.Data(), with)
	require.NoError(t, err)
	uiFromData, err := spmtest.NewUIFromData(ui.Data(), with)
	require.NoError(t, err)
	defer uiFromData.Close()
	for _, f := range []*spmtest.Faults{cat.Faults(), arrays.Faults(), svcs.Faults(), phase1.Faults(), mode.Faults(), ui.Faults(),
		catFromData.Faults(), arraysFromData.Faults(), svcsFromData.Faults(), modeFromData.Faults(), uiFromData.Faults()} {
		assert.Same(t, shared, f)
	}
	require.NoError(t, shared.Add(spmtest.Fault{Op: spmtest.OpLive, Err: spmtest.ErrInjected, Count: 1}))
	_, err = arraysFromData.Live(ctx)
	assert.ErrorIs(t, err, spmtest.ErrInjected)

	a, b := spmtest.NewRecoveryMode("x"), spmtest.NewRecoveryMode("x")
	require.NotNil(t, a.Faults())
	assert.NotSame(t, a.Faults(), b.Faults(), "each fake has its own set by default")
	none := spmtest.NewRecoveryMode("x", spmtest.WithFaults(nil))
	assert.Nil(t, none.Faults())
	_, err = none.RecoveryMode(ctx)
	assert.NoError(t, err)
}
