package spm_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestLiveValidate(t *testing.T) {
	l := liveOf(t, spmtest.Sample())
	require.NoError(t, l.Validate())
	la := l.Arrays[spmtest.Array3PAR]
	la.Volumes = append(la.Volumes, la.Volumes[0])
	la.Presentations = append(la.Presentations, la.Presentations[0], spm.LivePresentation{VolumeWWN: 77, Initiator: 1, LUN: -2})
	la.Type = "MSA"
	l.Arrays[spmtest.Array3PAR] = la
	err := l.Validate()
	var ve *spm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, spm.ErrInvalidSnapshot)
	assert.Len(t, ve.Problems, 5)
	assert.Contains(t, err.Error(), `unknown type "MSA"`)
	assert.Contains(t, err.Error(), "listed twice")
	assert.Contains(t, err.Error(), "presented twice")
	assert.Contains(t, err.Error(), "does not hold")
	assert.Contains(t, err.Error(), "negative LUN")
}

// assertLiveAgree checks that FingerprintLive equality and an empty
// DiffLive (both ways) give the same answer, want.
func assertLiveAgree(t *testing.T, a, b *spm.Live, want bool) {
	t.Helper()
	fa, err := spm.FingerprintLive(a)
	require.NoError(t, err)
	fb, err := spm.FingerprintLive(b)
	require.NoError(t, err)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, fa)
	assert.Equal(t, want, fa == fb, "fingerprints")
	assert.Equal(t, want, len(spm.DiffLive(a, b)) == 0, "DiffLive(a, b): %v", spm.DiffLive(a, b))
	assert.Equal(t, want, len(spm.DiffLive(b, a)) == 0, "DiffLive(b, a)")
}

func TestLiveNilAndEmptyAreTheSameContent(t *testing.T) {
	l := liveOf(t, spmtest.Sample())
	reordered := l.Clone()
	for id, a := range reordered.Arrays {
		slices.Reverse(a.Volumes)
		slices.Reverse(a.Presentations)
		reordered.Arrays[id] = a
	}
	emptied := &spm.Live{Arrays: map[string]spm.LiveArray{"A": {ID: "A", Type: spm.ArrayXP, Volumes: []spm.LiveVolume{}}}}
	tests := []struct {
		name string
		a, b *spm.Live
		want bool
	}{
		{"nil vs empty", nil, &spm.Live{}, true},
		{"nil arrays vs empty map", &spm.Live{}, &spm.Live{Arrays: map[string]spm.LiveArray{}}, true},
		{"read in another order", l, reordered, true},
		{"nil vs empty volume list", emptied, &spm.Live{Arrays: map[string]spm.LiveArray{"A": {ID: "A", Type: spm.ArrayXP}}}, true},
		{"an array more", nil, emptied, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertLiveAgree(t, tt.a, tt.b, tt.want) })
	}
}

func TestFingerprintLiveAndDiffLiveAgreeOnRandomLives(t *testing.T) {
	same, different := 0, 0
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 9))
		a := randomLive(r)
		b, want := randomLiveEdit(r, a)
		assertLiveAgree(t, a, b, want)
		if want {
			same++
		} else {
			different++
		}
		assert.True(t, slices.IsSortedFunc(spm.DiffLive(a, b), compareDifferences), "seed %d", seed)
	}
	assert.Greater(t, same, 40)
	assert.Greater(t, different, 150)
}

// Every field the arrays report is part of the live content.
func TestEveryLiveFieldIsContent(t *testing.T) {
	base := liveOf(t, spmtest.Sample())
	edit := func(f func(a *spm.LiveArray)) *spm.Live {
		l := base.Clone()
		a := l.Arrays[spmtest.Array3PAR]
		a.Volumes, a.Presentations = slices.Clone(a.Volumes), slices.Clone(a.Presentations)
		f(&a)
		l.Arrays[spmtest.Array3PAR] = a
		return l
	}
	for _, name := range []string{"ID", "Type"} {
		t.Run("array."+name, func(t *testing.T) {
			assertLiveAgree(t, base, edit(func(a *spm.LiveArray) { bump(reflect.ValueOf(a).Elem().FieldByName(name)) }), false)
		})
	}
	vt := reflect.TypeFor[spm.LiveVolume]()
	for i := range vt.NumField() {
		t.Run("volume."+vt.Field(i).Name, func(t *testing.T) {
			assertLiveAgree(t, base, edit(func(a *spm.LiveArray) {
				a.Volumes[0] = editRecord(a.Volumes[0], func(v reflect.Value) { bump(v.Field(i)) })
			}), false)
		})
	}
	st := reflect.TypeFor[spm.Signature]()
	for i := range st.NumField() {
		t.Run("volume.signature."+st.Field(i).Name, func(t *testing.T) {
			assertLiveAgree(t, base, edit(func(a *spm.LiveArray) {
				a.Volumes[0].Signature = editRecord(a.Volumes[0].Signature, func(v reflect.Value) { bump(v.Field(i)) })
			}), false)
		})
	}
	pt := reflect.TypeFor[spm.LivePresentation]()
	for i := range pt.NumField() {
		t.Run("presentation."+pt.Field(i).Name, func(t *testing.T) {
			assertLiveAgree(t, base, edit(func(a *spm.LiveArray) {
				a.Presentations[0] = editRecord(a.Presentations[0], func(v reflect.Value) { bump(v.Field(i)) })
			}), false)
		})
	}
}

// randomLive returns a small random live side, valid or not, with nil and
// empty collections mixed; one in ten is nil.
func randomLive(r *rand.Rand) *spm.Live {
	if r.IntN(10) == 0 {
		return nil
	}
	l := &spm.Live{}
	if r.IntN(4) == 0 {
		return l
	}
	l.Arrays = map[string]spm.LiveArray{}
	for range r.IntN(3) {
		id := []string{"a1", "a2"}[r.IntN(2)]
		a := spm.LiveArray{ID: id, Type: spm.ArrayType([]string{"3PAR", "XP"}[r.IntN(2)])}
		for range r.IntN(4) {
			a.Volumes = append(a.Volumes, spm.LiveVolume{WWN: addrpool.WWN(r.IntN(3)), Name: []string{"", "v"}[r.IntN(2)], SizeBytes: uint64(r.IntN(2)),
				Signature: spm.Signature{Present: r.IntN(2) == 0, Version: r.IntN(2), OwningCatalog: []string{"", "c"}[r.IntN(2)]}})
		}
		for range r.IntN(4) {
			a.Presentations = append(a.Presentations, spm.LivePresentation{VolumeWWN: addrpool.WWN(r.IntN(3)), Initiator: addrpool.WWN(r.IntN(2)), Host: "h", LUN: r.IntN(2)})
		}
		if a.Volumes == nil && r.IntN(2) == 0 {
			a.Volumes = []spm.LiveVolume{}
		}
		l.Arrays[id] = a
	}
	return l
}

// randomLiveEdit returns a copy of l with one random edit, and whether the
// content stays the same.
func randomLiveEdit(r *rand.Rand, l *spm.Live) (*spm.Live, bool) {
	c := l.Clone()
	if c == nil {
		return &spm.Live{Arrays: map[string]spm.LiveArray{}}, true
	}
	ids := sortedKeys(c.Arrays)
	if len(ids) == 0 {
		c.Arrays = map[string]spm.LiveArray{"new": {ID: "new"}}
		return c, false
	}
	id := ids[r.IntN(len(ids))]
	a := c.Arrays[id]
	a.Volumes, a.Presentations = slices.Clone(a.Volumes), slices.Clone(a.Presentations)
	same := false
	switch r.IntN(6) {
	case 0:
		slices.Reverse(a.Volumes)
		slices.Reverse(a.Presentations)
		same = true
	case 1:
		if len(a.Volumes) > 0 {
			a.Volumes[0].SizeBytes++
		} else {
			a.Volumes = append(a.Volumes, spm.LiveVolume{})
		}
	case 2:
		if len(a.Volumes) > 0 {
			a.Volumes = append(a.Volumes, a.Volumes[0])
		} else {
			a.Type += "x"
		}
	case 3:
		if len(a.Presentations) > 0 {
			a.Presentations = a.Presentations[1:]
		} else {
			a.Presentations = append(a.Presentations, spm.LivePresentation{LUN: 7})
		}
	case 4:
		delete(c.Arrays, id)
		return c, false
	case 5:
		a.ID += "x"
	}
	c.Arrays[id] = a
	return c, same
}

func TestNilLive(t *testing.T) {
	var l *spm.Live
	assert.ErrorIs(t, l.Validate(), spm.ErrInvalidSnapshot)
	assert.Nil(t, l.Clone())
	_, ok := l.Volume("A", 1)
	assert.False(t, ok)
}
