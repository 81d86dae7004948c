package spm_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *spm.Snapshot)
		want   []string
	}{
		{"presentation of unknown volume", func(s *spm.Snapshot) {
			s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: "ghost", Initiator: 1})
		}, []string{`presentation 5: of unknown volume "ghost"`}},
		{"volume on unknown array", func(s *spm.Snapshot) {
			v := s.Volumes["vol3"]
			v.ArrayID = "msa-9"
			s.Volumes["vol3"] = v
		}, []string{`volume "vol3": on unknown array "msa-9"`}},
		{"binding to unknown service", func(s *spm.Snapshot) {
			v := s.Volumes["vol5"]
			v.ServiceID = "svc-gone"
			s.Volumes["vol5"] = v
		}, []string{`volume "vol5": bound to unknown service "svc-gone"`}},
		{"duplicate presentation", func(s *spm.Snapshot) {
			s.Presentations = append(s.Presentations, s.Presentations[0])
		}, []string{`presentation 5: volume "vol3" presented to initiator 50:01:43:80:00:00:00:03 again (first at 0)`}},
		{"duplicate WWN on one array", func(s *spm.Snapshot) {
			v := s.Volumes["vol7"]
			v.WWN = s.Volumes["vol3"].WWN
			s.Volumes["vol7"] = v
		}, []string{`volume "vol7": WWN 60:00:2A:C0:00:00:00:03 on array "3par-1" already belongs to volume "vol3"`}},
		{"key differs from ID", func(s *spm.Snapshot) {
			s.Arrays["other"] = s.Arrays[spmtest.ArrayEVA]
		}, []string{`array "other": ID field is "eva-1"`}},
		{"unknown array type", func(s *spm.Snapshot) {
			a := s.Arrays[spmtest.ArrayEVA]
			a.Type = "MSA"
			s.Arrays[spmtest.ArrayEVA] = a
		}, []string{`array "eva-1": unknown type "MSA"`}},
		{"unknown signature state", func(s *spm.Snapshot) {
			v := s.Volumes["vol3"]
			v.Signature = "Fine"
			s.Volumes["vol3"] = v
		}, []string{`volume "vol3": unknown signature state "Fine"`}},
		{"Valid on XP", func(s *spm.Snapshot) {
			v := s.Volumes["volxp"]
			v.Signature = spm.SignatureValid
			s.Volumes["volxp"] = v
		}, []string{`volume "volxp": signature state "Valid" on XP array "xp-1", which cannot hold signatures`}},
		{"negative LUN", func(s *spm.Snapshot) { s.Presentations[1].LUN = -1 }, []string{`presentation 1: volume "vol5" has negative LUN -1`}},
		{"service of unknown template", func(s *spm.Snapshot) {
			sv := s.Services["svc-s2"]
			sv.TemplateID = "t-none"
			s.Services["svc-s2"] = sv
		}, []string{`service "svc-s2": unknown template "t-none"`}},
		{"template cycle", func(s *spm.Snapshot) {
			tm := s.Templates["t-matrix"]
			tm.ParentID = "t-gold"
			s.Templates["t-matrix"] = tm
		}, []string{`template "t-gold": parent chain loops back to itself`, `template "t-matrix": parent chain loops back to itself`}},
		{"several at once", func(s *spm.Snapshot) {
			s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: "ghost"})
			v := s.Volumes["vol3"]
			v.ArrayID = "msa-9"
			s.Volumes["vol3"] = v
		}, []string{`volume "vol3": on unknown array "msa-9"`, `presentation 5: of unknown volume "ghost"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spmtest.Sample()
			tt.mutate(s)
			err := s.Validate()
			var ve *spm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, spm.ErrInvalidSnapshot)
			assert.Equal(t, tt.want, ve.Problems)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	assert.NoError(t, spmtest.Sample().Validate())
	assert.NoError(t, spm.NewSnapshot("x").Validate())
	assert.NoError(t, (&spm.Snapshot{}).Validate(), "nil maps are an empty catalog")
}

func TestSnapshotCloneIsIndependent(t *testing.T) {
	s := spmtest.Sample()
	c := s.Clone()
	require.NoError(t, spm.Apply(c, spm.RemoveVolume{VolumeID: "vol3"}))
	require.NoError(t, spm.Apply(c, spm.MarkServiceNonConformant{ServiceID: "svc-ls5"}))
	c.Presentations[0].LUN = 99
	assert.Contains(t, s.Volumes, "vol3")
	assert.True(t, s.Services["svc-ls5"].Conformant)
	assert.Len(t, s.Presentations, 5)
	assert.Equal(t, fingerprint(t, spmtest.Sample()), fingerprint(t, s))
}

// A Fingerprinter fingerprints a sequence of versions of one snapshot as
// Fingerprint does, whether a version keeps the IDs and presentations,
// changes a record, rekeys, adds or removes one, or changes a
// presentation in place (the chain applies changes to one snapshot).
func TestFingerprinterIsFingerprint(t *testing.T) {
	var f spm.Fingerprinter
	s := spmtest.Sample()
	steps := []struct {
		name string
		edit func(s *spm.Snapshot)
	}{
		{"first", func(*spm.Snapshot) {}},
		{"again, unchanged", func(*spm.Snapshot) {}},
		{"a volume quarantined", func(s *spm.Snapshot) { require.NoError(t, spm.Apply(s, spm.Quarantine{VolumeID: "vol5"})) }},
		{"a LUN changed in place", func(s *spm.Snapshot) { s.Presentations[2].LUN++ }},
		{"presentations reordered", func(s *spm.Snapshot) { slices.Reverse(s.Presentations) }},
		{"a presentation dropped", func(s *spm.Snapshot) { s.Presentations = s.Presentations[1:] }},
		{"a volume removed", func(s *spm.Snapshot) { require.NoError(t, spm.Apply(s, spm.RemoveVolume{VolumeID: "vol3"})) }},
		{"a service rekeyed", func(s *spm.Snapshot) {
			for id, v := range s.Services {
				delete(s.Services, id)
				s.Services[id+"x"] = v
				break
			}
		}},
		{"a template added", func(s *spm.Snapshot) { s.Templates["t-new"] = spm.Template{ID: "t-new", Name: "new"} }},
		{"everything emptied", func(s *spm.Snapshot) { *s = spm.Snapshot{} }},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.edit(s)
			got, err := f.Fingerprint(s)
			require.NoError(t, err)
			assert.Equal(t, fingerprint(t, s), got)
		})
	}
	got, err := (*spm.Fingerprinter)(nil).Fingerprint(spmtest.Sample())
	require.NoError(t, err)
	assert.Equal(t, fingerprint(t, spmtest.Sample()), got, "a nil Fingerprinter")
}

func TestFingerprint(t *testing.T) {
	a := spmtest.Sample()
	b := spmtest.Sample()
	slices.Reverse(b.Presentations)
	assert.Equal(t, fingerprint(t, a), fingerprint(t, b), "presentation order does not matter")
	assert.True(t, a.Equal(b))
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, fingerprint(t, a))

	tests := []struct {
		name string
		mod  func(s *spm.Snapshot)
	}{
		{"catalog ID", func(s *spm.Snapshot) { s.CatalogID = "other" }},
		{"quarantine", func(s *spm.Snapshot) { require.NoError(t, spm.Apply(s, spm.Quarantine{VolumeID: "vol5"})) }},
		{"LUN", func(s *spm.Snapshot) { s.Presentations[2].LUN++ }},
		{"template parent", func(s *spm.Snapshot) {
			tm := s.Templates["t-gold"]
			tm.ParentID = ""
			s.Templates["t-gold"] = tm
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := spmtest.Sample()
			tt.mod(c)
			assert.NotEqual(t, fingerprint(t, a), fingerprint(t, c))
		})
	}
}

func TestSignatureStatesAndTypes(t *testing.T) {
	states := spm.SignatureStates()
	assert.Len(t, states, 9)
	for _, s := range states {
		assert.True(t, s.Valid(), s)
		_, ok := spm.SignatureCode(s)
		assert.True(t, ok, s)
	}
	assert.True(t, spm.SignatureState("").Valid())
	assert.False(t, spm.SignatureState("valid").Valid(), "states are case-sensitive")
	assert.True(t, spm.Array3PAR.SupportsSignatures())
	assert.True(t, spm.ArrayEVA.SupportsSignatures())
	assert.False(t, spm.ArrayXP.SupportsSignatures())
	assert.False(t, spm.ArrayType("MSA").Valid())
}

// Every record kind refuses an empty ID, templates included.
func TestValidateEmptyIDs(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *spm.Snapshot)
		want  string
	}{
		{"array", func(s *spm.Snapshot) { s.Arrays[""] = spm.Array{Type: spm.ArrayEVA} }, "array with empty ID"},
		{"volume", func(s *spm.Snapshot) { s.Volumes[""] = spm.Volume{ArrayID: spmtest.ArrayEVA, WWN: 99} }, "volume with empty ID"},
		{"service", func(s *spm.Snapshot) { s.Services[""] = spm.Service{} }, "service with empty ID"},
		{"template", func(s *spm.Snapshot) { s.Templates[""] = spm.Template{Name: "nameless"} }, "template with empty ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spmtest.Sample()
			require.NoError(t, s.Validate())
			tt.build(s)
			err := s.Validate()
			var ve *spm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, ve.Problems, tt.want)
		})
	}
}

// Nil and empty collections are the same content: Equal, Fingerprint and
// Diff must agree, or a plan computed on one form is refused on the other.
func TestNilAndEmptyAreTheSameContent(t *testing.T) {
	var decoded spm.Snapshot
	require.NoError(t, json.Unmarshal([]byte(`{"catalogId":"c","arrays":null,"volumes":{},"presentations":null,"services":null,"templates":{}}`), &decoded))
	noPres := spmtest.Sample()
	noPres.Presentations = nil
	emptyPres := noPres.Clone()
	emptyPres.Presentations = []spm.Presentation{}

	tests := []struct {
		name string
		a, b *spm.Snapshot
	}{
		{"NewSnapshot vs literal", spm.NewSnapshot("c"), &spm.Snapshot{CatalogID: "c"}},
		{"NewSnapshot vs JSON with null and empty members", spm.NewSnapshot("c"), &decoded},
		{"nil vs empty presentations", noPres, emptyPres},
		{"nil snapshot vs empty one", nil, &spm.Snapshot{}},
		{"nil snapshot vs NewSnapshot(\"\")", nil, spm.NewSnapshot("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertAgree(t, tt.a, tt.b, true)
		})
	}
	t.Run("a real difference still shows", func(t *testing.T) {
		assertAgree(t, spm.NewSnapshot("c"), spm.NewSnapshot("d"), false)
		assertAgree(t, nil, spm.NewSnapshot("d"), false)
	})
}

// assertAgree checks that Equal (both ways), Fingerprint equality and an
// empty Diff (both ways) give the same answer, want.
func assertAgree(t *testing.T, a, b *spm.Snapshot, want bool) {
	t.Helper()
	assert.Equal(t, want, a.Equal(b), "a.Equal(b)")
	assert.Equal(t, want, b.Equal(a), "b.Equal(a)")
	assert.Equal(t, want, fingerprint(t, a) == fingerprint(t, b), "fingerprints")
	assert.Equal(t, want, len(spm.Diff(a, b)) == 0, "Diff(a, b): %v", spm.Diff(a, b))
	assert.Equal(t, want, len(spm.Diff(b, a)) == 0, "Diff(b, a)")
}

// Equal, Fingerprint and Diff agree on random snapshots, valid or not, and
// on random edits of them, including edits that change nothing (reordered
// presentations, nil for empty).
func TestEqualFingerprintDiffAgreeOnRandomSnapshots(t *testing.T) {
	equalPairs, differentPairs := 0, 0
	for seed := uint64(1); seed <= 400; seed++ {
		r := rand.New(rand.NewPCG(seed, 5))
		a := randomSnapshot(r)
		b, same := randomEdit(r, a)
		assertAgree(t, a, b, same)
		if same {
			equalPairs++
		} else {
			differentPairs++
		}
		d := spm.Diff(a, b)
		assert.True(t, slices.IsSortedFunc(d, compareDifferences), "seed %d: Diff is sorted: %v", seed, d)
	}
	assert.Greater(t, equalPairs, 50)
	assert.Greater(t, differentPairs, 200)
}

// Every field of every record is part of the content: changing any one of
// them changes Equal, Fingerprint and Diff alike. (A field added to a
// record but not to the canonical encoding fails here.)
func TestEveryFieldIsContent(t *testing.T) {
	base := spmtest.Sample()
	edits := map[string]func(s *spm.Snapshot, f func(reflect.Value)){
		"array": func(s *spm.Snapshot, f func(reflect.Value)) {
			s.Arrays[spmtest.ArrayEVA] = editRecord(s.Arrays[spmtest.ArrayEVA], f)
		},
		"volume": func(s *spm.Snapshot, f func(reflect.Value)) { s.Volumes["vol5"] = editRecord(s.Volumes["vol5"], f) },
		"presentation": func(s *spm.Snapshot, f func(reflect.Value)) {
			s.Presentations[1] = editRecord(s.Presentations[1], f)
		},
		"service": func(s *spm.Snapshot, f func(reflect.Value)) {
			s.Services["svc-s2"] = editRecord(s.Services["svc-s2"], f)
		},
		"template": func(s *spm.Snapshot, f func(reflect.Value)) {
			s.Templates["t-gold"] = editRecord(s.Templates["t-gold"], f)
		},
	}
	types := map[string]reflect.Type{
		"array": reflect.TypeFor[spm.Array](), "volume": reflect.TypeFor[spm.Volume](), "presentation": reflect.TypeFor[spm.Presentation](),
		"service": reflect.TypeFor[spm.Service](), "template": reflect.TypeFor[spm.Template](),
	}
	for record, edit := range edits {
		for i := range types[record].NumField() {
			name := types[record].Field(i).Name
			t.Run(record+"."+name, func(t *testing.T) {
				s := base.Clone()
				edit(s, func(v reflect.Value) { bump(v.Field(i)) })
				assertAgree(t, base, s, false)
			})
		}
	}
	t.Run("catalog ID", func(t *testing.T) {
		s := base.Clone()
		s.CatalogID += "x"
		assertAgree(t, base, s, false)
	})
}

// Removing the last presented volume leaves an empty (non-nil) slice; the
// result must equal a catalog that never had presentations.
func TestRemoveLastPresentedVolumeEqualsFreshCatalog(t *testing.T) {
	s := spm.NewSnapshot("c")
	s.Arrays["A"] = spm.Array{ID: "A", Type: spm.Array3PAR}
	s.Volumes["V"] = spm.Volume{ID: "V", ArrayID: "A", Name: "SPM_1", WWN: 1}
	s.Presentations = []spm.Presentation{{VolumeID: "V", Initiator: 2, Host: "h", LUN: 1}}
	require.NoError(t, s.Validate())

	got := applied(t, s, []spm.Change{spm.RemoveVolume{VolumeID: "V"}}...)
	fresh := spm.NewSnapshot("c")
	fresh.Arrays["A"] = s.Arrays["A"]
	assert.True(t, got.Equal(fresh), "diff: %v", spm.Diff(got, fresh))
}

// Every problem is listed, each bounded: a huge ID cannot make a huge error.
func TestValidateErrorsAreBounded(t *testing.T) {
	s := spmtest.Sample()
	huge := strings.Repeat("x", 1<<20)
	s.Arrays[huge] = spm.Array{ID: huge + "y", Type: "MSA"}
	for i := range 30 {
		s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: fmt.Sprint("ghost", i)})
	}
	err := s.Validate()
	var ve *spm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 32, "every problem at once")
	assert.Less(t, len(err.Error()), 4096)
	assert.Contains(t, err.Error(), "… and 12 more")
	assert.Contains(t, ve.Problems[0], "(1048576 bytes)")
}

func TestNilSnapshot(t *testing.T) {
	var s *spm.Snapshot
	err := s.Validate()
	assert.ErrorIs(t, err, spm.ErrInvalidSnapshot)
	assert.ErrorContains(t, err, "nil snapshot")
	assert.Nil(t, s.Clone())
	assert.True(t, s.Equal(nil))
	assert.Equal(t, fingerprint(t, &spm.Snapshot{}), fingerprint(t, s))
}

// sortedPresentations agrees with a plain sort on sorted lists, sorted
// lists with an unsorted tail, and shuffled ones; SortPresentations sorts
// in place without changing the fingerprint.
func TestSortedPresentations(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	mk := func(n int) []spm.Presentation {
		ps := make([]spm.Presentation, n)
		for i := range ps {
			ps[i] = spm.Presentation{VolumeID: fmt.Sprintf("vol%03d", rng.IntN(50)), Initiator: addrpool.WWN(rng.IntN(8)), Host: "h", LUN: rng.IntN(4)}
		}
		return ps
	}
	for _, n := range []int{0, 1, 2, 10, 200} {
		for _, tail := range []int{0, 1, 5, n} {
			t.Run(fmt.Sprintf("%d presentations, %d unsorted at the end", n, tail), func(t *testing.T) {
				s := &spm.Snapshot{Presentations: mk(n)}
				s.SortPresentations()
				if tail > 0 && tail <= n {
					copy(s.Presentations[n-tail:], mk(tail))
				}
				want := fingerprint(t, &spm.Snapshot{Presentations: slices.Clone(s.Presentations)})
				c := s.Clone()
				c.SortPresentations()
				assert.True(t, slices.IsSortedFunc(c.Presentations, func(a, b spm.Presentation) int {
					return cmp.Or(cmp.Compare(a.VolumeID, b.VolumeID), cmp.Compare(a.Initiator, b.Initiator), cmp.Compare(a.Host, b.Host), cmp.Compare(a.LUN, b.LUN))
				}))
				assert.Equal(t, want, fingerprint(t, c))
				assert.True(t, s.Equal(c))
			})
		}
	}
}
