package spm_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// estate returns the sample catalog and live arrays that match it exactly.
func estate(t *testing.T) (*spm.Snapshot, *spmtest.Arrays) {
	t.Helper()
	s := spmtest.Sample()
	require.NoError(t, s.Validate())
	a, err := spmtest.NewArrays(liveOf(t, s))
	require.NoError(t, err)
	return s, a
}

// analyze runs spm.Analyze on s and what a holds now, and checks the
// findings against the contract's rules (checkFindings).
func analyze(t *testing.T, s *spm.Snapshot, a *spmtest.Arrays) []spm.Finding {
	t.Helper()
	live, err := a.Live(context.Background())
	require.NoError(t, err)
	fs, err := spm.Analyze(s, live)
	require.NoError(t, err)
	checkFindings(t, fs)
	return fs
}

func withCode(fs []spm.Finding, code spm.Code) []spm.Finding {
	var out []spm.Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func forVolume(fs []spm.Finding, vol string) []spm.Finding {
	var out []spm.Finding
	for _, f := range fs {
		if f.Subject.VolumeID == vol {
			out = append(out, f)
		}
	}
	return out
}

func allChanges(fs []spm.Finding) []spm.Change {
	var out []spm.Change
	for _, f := range fs {
		out = append(out, f.Changes...)
	}
	return out
}

// applied returns a copy of s with cs applied by spm.ApplyAll, which must
// succeed.
func applied(t *testing.T, s *spm.Snapshot, cs ...spm.Change) *spm.Snapshot {
	t.Helper()
	out := s.Clone()
	require.NoError(t, spm.ApplyAll(out, cs...))
	return out
}

// fingerprint returns s.Fingerprint(), which must succeed.
func fingerprint(t testing.TB, s *spm.Snapshot) string {
	t.Helper()
	fp, err := s.Fingerprint()
	require.NoError(t, err)
	return fp
}

// applySentinels are the sentinels of which every Apply error wraps
// exactly one.
var applySentinels = []error{spm.ErrNotFound, spm.ErrConflict, spm.ErrInvalid, spm.ErrUnknownChange}

// assertOneSentinel checks that err wraps want and no other Apply sentinel.
func assertOneSentinel(t *testing.T, err error, want error) {
	t.Helper()
	for _, s := range applySentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
	}
}

// scramble scripts random post-backup activity on the sample's arrays with a
// seeded source: deleted volumes, unpresented, re-presented and moved
// presentations, new presentations, changed signatures, imported volumes and
// a lost array. Every step keeps the live side valid (the fake refuses
// otherwise, and such a step is skipped).
func scramble(t *testing.T, s *spm.Snapshot, seed uint64) *spm.Live {
	t.Helper()
	arrays, err := spmtest.NewArrays(liveOf(t, s))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(seed, 7))
	vols := sortedVolumes(s)
	for step := 0; step < 8; step++ {
		v := vols[r.IntN(len(vols))]
		init := spmtest.SampleWWN("initiator", 1+r.IntN(10))
		switch r.IntN(8) {
		case 0:
			_ = arrays.DeleteVolume(v.ArrayID, v.WWN)
		case 1:
			_ = arrays.Unpresent(v.ArrayID, v.WWN, init)
		case 2:
			_ = arrays.Present(v.ArrayID, spm.LivePresentation{VolumeWWN: v.WWN, Initiator: init, Host: fmt.Sprintf("LSM_H%d", r.IntN(3)), LUN: r.IntN(4)})
		case 3: // same initiator, another LUN
			for _, p := range s.Presentations {
				if p.VolumeID == v.ID && arrays.Unpresent(v.ArrayID, v.WWN, p.Initiator) == nil {
					_ = arrays.Present(v.ArrayID, spm.LivePresentation{VolumeWWN: v.WWN, Initiator: p.Initiator, Host: p.Host, LUN: p.LUN + 1})
					break
				}
			}
		case 4:
			_ = arrays.UpdateVolume(v.ArrayID, v.WWN, func(lv *spm.LiveVolume) {
				switch r.IntN(6) {
				case 0:
					lv.Signature = spm.Signature{}
				case 1:
					lv.Signature.Corrupt = true
				case 2:
					lv.Signature.Version = 9
				case 3:
					lv.Signature.OwningCatalog = "other"
				case 4:
					lv.Signature.ServiceID = ""
				case 5:
					lv.Signature.Activation = "inactive"
				}
				if r.IntN(2) == 0 {
					lv.SizeBytes++
				}
			})
		case 5:
			_ = arrays.ImportVolume(v.ArrayID, spm.LiveVolume{WWN: spmtest.SampleWWN("volume", 100+step), Name: "New",
				Signature: spm.Signature{Present: true, Version: 1, OwningCatalog: s.CatalogID}})
		case 6:
			if r.IntN(4) == 0 {
				_ = arrays.RemoveArray(v.ArrayID)
			}
		case 7: // nothing happened to this one
		}
	}
	live, err := arrays.Live(t.Context())
	require.NoError(t, err)
	return live
}

func sortedVolumes(s *spm.Snapshot) []spm.Volume {
	var out []spm.Volume
	for _, id := range []string{"spm1", "vol3", "vol5", "vol7", "volxp"} {
		out = append(out, s.Volumes[id])
	}
	return out
}

// randomChange returns a change on s's records (or a missing one), valid
// or not, of any kind: for property tests of Apply and ApplyAll.
func randomChange(r *rand.Rand, s *spm.Snapshot) spm.Change {
	vols := append(sortedKeys(s.Volumes), "ghost")
	vol := vols[r.IntN(len(vols))]
	switch r.IntN(6) {
	case 0:
		return spm.Quarantine{VolumeID: vol}
	case 1:
		svcs := append(sortedKeys(s.Services), "ghost")
		return spm.MarkServiceNonConformant{ServiceID: svcs[r.IntN(len(svcs))]}
	case 2:
		states := append(spm.SignatureStates(), "", "Shiny")
		return spm.SetSignatureState{VolumeID: vol, State: states[r.IntN(len(states))]}
	case 3:
		return spm.RemoveVolume{VolumeID: vol}
	case 4:
		var ps []spm.Presentation
		for range r.IntN(3) {
			owner := vol
			if r.IntN(8) == 0 {
				owner = "other"
			}
			ps = append(ps, spm.Presentation{VolumeID: owner, Initiator: spmtest.SampleWWN("initiator", 1+r.IntN(9)), Host: "h", LUN: r.IntN(3) - r.IntN(2)})
		}
		return spm.SetPresentations{VolumeID: vol, Presentations: ps}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// liveOf returns the live side that matches s exactly.
func liveOf(t testing.TB, s *spm.Snapshot) *spm.Live {
	t.Helper()
	l, err := spmtest.LiveFromSnapshot(s)
	require.NoError(t, err)
	return l
}

// randomSnapshot returns a small random snapshot, valid or not (keys that
// differ from IDs, duplicate presentations), with nil and empty collections
// mixed; one in ten is nil. Its IDs come from small pools, so two random
// snapshots often share records.
func randomSnapshot(r *rand.Rand) *spm.Snapshot {
	if r.IntN(10) == 0 {
		return nil
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	s := &spm.Snapshot{CatalogID: pick("", "c1", "c2")}
	if r.IntN(3) > 0 {
		s.Arrays = map[string]spm.Array{}
		for range r.IntN(3) {
			id := pick("a1", "a2", "a3")
			s.Arrays[id] = spm.Array{ID: pick(id, id, "other"), Name: pick("", "n"), Type: spm.ArrayType(pick("3PAR", "EVA", "XP", "MSA")), Quarantined: r.IntN(2) == 0}
		}
	}
	if r.IntN(3) > 0 {
		s.Volumes = map[string]spm.Volume{}
		for range r.IntN(4) {
			id := pick("v1", "v2", "v3", "v4")
			s.Volumes[id] = spm.Volume{ID: id, ArrayID: pick("a1", "a2"), Name: pick("x", "SPM_1"), WWN: addrpool.WWN(r.IntN(4)),
				SizeBytes: uint64(r.IntN(3)), Quarantined: r.IntN(2) == 0, Signature: spm.SignatureState(pick("", "Valid")),
				OwningCatalog: pick("", "c1"), ServiceID: pick("", "s1"), Offline: r.IntN(4) == 0, Activation: pick("", "active")}
		}
	}
	for range r.IntN(5) {
		s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: pick("v1", "v2", "v3"), Initiator: addrpool.WWN(r.IntN(3)), Host: pick("h", "g"), LUN: r.IntN(3) - 1})
	}
	if r.IntN(3) > 0 {
		s.Services = map[string]spm.Service{}
		for range r.IntN(3) {
			id := pick("s1", "s2")
			s.Services[id] = spm.Service{ID: id, Name: pick("", "svc"), TemplateID: pick("", "t1"), Conformant: r.IntN(2) == 0}
		}
	}
	if r.IntN(3) > 0 {
		s.Templates = map[string]spm.Template{}
		for range r.IntN(3) {
			id := pick("t1", "t2")
			s.Templates[id] = spm.Template{ID: id, Name: pick("", "tpl"), ParentID: pick("", "t1", "t2")}
		}
	}
	return s
}

// randomEdit returns a copy of a with one random edit, and whether the edit
// keeps the content the same (reordered presentations, nil for empty, nil
// for an empty snapshot) or changes it.
func randomEdit(r *rand.Rand, a *spm.Snapshot) (*spm.Snapshot, bool) {
	b := a.Clone()
	if b == nil {
		if r.IntN(2) == 0 {
			return &spm.Snapshot{}, true
		}
		b = &spm.Snapshot{}
	}
	switch r.IntN(9) {
	case 0: // same content
		slices.Reverse(b.Presentations)
		if len(b.Volumes) == 0 {
			b.Volumes = nil
		}
		if len(b.Templates) == 0 {
			b.Templates = map[string]spm.Template{}
		}
		return b, true
	case 1:
		if len(b.Volumes) > 0 {
			k := sortedKeys(b.Volumes)[r.IntN(len(b.Volumes))]
			f := r.IntN(reflect.TypeFor[spm.Volume]().NumField())
			b.Volumes[k] = editRecord(b.Volumes[k], func(v reflect.Value) { bump(v.Field(f)) })
			return b, false
		}
	case 2:
		if len(b.Presentations) > 0 {
			i, f := r.IntN(len(b.Presentations)), r.IntN(4)
			b.Presentations[i] = editRecord(b.Presentations[i], func(v reflect.Value) { bump(v.Field(f)) })
			return b, false
		}
	case 3:
		if len(b.Presentations) > 0 { // a duplicate is a difference too
			b.Presentations = append(b.Presentations, b.Presentations[r.IntN(len(b.Presentations))])
			return b, false
		}
	case 4:
		if len(b.Presentations) > 0 {
			b.Presentations = slices.Delete(b.Presentations, 0, 1)
			return b, false
		}
	case 5:
		if len(b.Arrays) > 0 {
			delete(b.Arrays, sortedKeys(b.Arrays)[0])
			return b, false
		}
	case 6:
		if b.Services == nil {
			b.Services = map[string]spm.Service{}
		}
		b.Services["s-new"] = spm.Service{ID: "s-new"}
		return b, false
	case 7:
		if len(b.Templates) > 0 {
			k := sortedKeys(b.Templates)[0]
			b.Templates[k] = editRecord(b.Templates[k], func(v reflect.Value) { bump(v.Field(r.IntN(3))) })
			return b, false
		}
	}
	b.CatalogID += "+"
	return b, false
}

// editRecord applies f to a copy of rec, seen through reflection.
func editRecord[T any](rec T, f func(reflect.Value)) T {
	f(reflect.ValueOf(&rec).Elem())
	return rec
}

// bump changes a field to another value of its kind.
func bump(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Struct:
		for i := range v.NumField() {
			bump(v.Field(i))
		}
	default:
		panic("bump: unhandled kind " + v.Kind().String())
	}
}

var recordOrder = map[string]int{
	spm.RecordCatalog: 0, spm.RecordArray: 1, spm.RecordVolume: 2, spm.RecordPresentation: 3, spm.RecordService: 4, spm.RecordTemplate: 5,
}

// compareDifferences is the order Diff promises: record type, then ID.
func compareDifferences(a, b spm.Difference) int {
	return cmp.Or(cmp.Compare(recordOrder[a.Record], recordOrder[b.Record]), cmp.Compare(a.ID, b.ID))
}

// checkFindings asserts the contract's rules on findings a test produced:
// each code is in Codes() with the finding's severity, and the severity
// rule holds (info: nothing to do; warning: changes or a manual step;
// error: a manual step).
func checkFindings(t *testing.T, fs []spm.Finding) {
	t.Helper()
	infos := map[spm.Code]spm.CodeInfo{}
	for _, ci := range spm.Codes() {
		infos[ci.Code] = ci
	}
	for _, f := range fs {
		ci, ok := infos[f.Code]
		if !assert.True(t, ok, "code %s not in Codes()", f.Code) {
			continue
		}
		assert.Equal(t, ci.Severity, f.Severity, "%s: severity of Codes()", f)
		switch f.Severity {
		case spm.SeverityInfo:
			assert.False(t, f.Actionable(), "%s: info must need nothing", f)
		case spm.SeverityWarning:
			assert.True(t, f.Actionable(), "%s: a warning has changes or a manual step", f)
		case spm.SeverityError:
			assert.NotEmpty(t, f.Manual, "%s: an error has a manual step", f)
			assert.True(t, f.Blocking(), "%s", f)
		default:
			t.Errorf("%s: unknown severity", f)
		}
	}
}

// writeConfig puts content into <dir>/state/ApplicationConfig.xml and
// returns the path.
func writeConfig(t *testing.T, content []byte) string {
	t.Helper()
	dir := t.TempDir()
	p := spm.ConfigPath(dir)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, content, 0o644))
	return p
}

func fixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ApplicationConfig.xml"))
	require.NoError(t, err)
	require.True(t, bytes.Contains(b, []byte("\r\n")), "fixture must keep CRLF line endings")
	return b
}

// dirEntries lists the names in the folder of path.
func dirEntries(t *testing.T, path string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// assertFile checks the bytes of the file at path.
func assertFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
}

// phase1Fakes returns the services of storage phase 1, stopped, and a
// RecoveryMode store holding "Previous".
func phase1Fakes(t *testing.T) (*spmtest.Services, *spmtest.RecoveryMode) {
	t.Helper()
	sc, err := spmtest.NewPhase1Services(spm.DefaultServiceNames())
	require.NoError(t, err)
	return sc, spmtest.NewRecoveryMode("Previous")
}

// replaceInFile replaces the first old in the file at path with new, as
// someone editing it by hand, and returns the new content.
func replaceInFile(t *testing.T, path, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	out := strings.Replace(string(b), old, new, 1)
	require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
	return out
}
