package spm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestDiff(t *testing.T) {
	assert.Empty(t, spm.Diff(spmtest.Sample(), spmtest.Sample()))

	from := spmtest.Sample()
	to := applied(t, from,
		spm.Quarantine{VolumeID: "vol3"},
		spm.RemoveVolume{VolumeID: "vol7"},
		spm.MarkServiceNonConformant{ServiceID: "svc-s2"},
	)
	to.Templates["t-new"] = spm.Template{ID: "t-new", Name: "New"}
	to.CatalogID = "other"

	var got []string
	for _, d := range spm.Diff(from, to) {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		`catalog "spm-cms1" changed: catalogId "spm-cms1" -> "other"`,
		`volume "vol3" changed: quarantined false -> true`,
		`volume "vol7" removed: id "vol7", arrayId "3par-1", name "Volume7", wwn 60:00:2A:C0:00:00:00:07, sizeBytes 7516192768, owningCatalog "spm-cms1", serviceId "svc-s2", activation "active"`,
		`presentation "vol7/50:01:43:80:00:00:00:07" removed: volumeId "vol7", initiator 50:01:43:80:00:00:00:07, host "LSM_S2", lun 2`,
		`presentation "vol7/50:01:43:80:00:00:00:08" removed: volumeId "vol7", initiator 50:01:43:80:00:00:00:08, host "LSM_S2", lun 2`,
		`service "svc-s2" changed: conformant true -> false`,
		`template "t-new" added: id "t-new", name "New"`,
	}, got)

	back := spm.Diff(to, from)
	require.Len(t, back, len(got))
	assert.Equal(t, spm.DiffAdded, back[2].Op)
	assert.Equal(t, spm.DiffRemoved, back[6].Op)
	assert.Equal(t, spm.Difference{Record: spm.RecordVolume, ID: "vol3", Op: spm.DiffChanged, Detail: "quarantined true -> false"}, back[1])

	b, err := json.Marshal(back[1])
	require.NoError(t, err)
	assert.JSONEq(t, `{"record":"volume","id":"vol3","op":"changed","detail":"quarantined true -> false"}`, string(b))
}

// Presentations are a multiset per (volume, initiator): a pair presented
// twice differs from one presented once, and the detail is bounded.
func TestDiffPresentationsAreAMultiset(t *testing.T) {
	a := spmtest.Sample()
	b := a.Clone()
	b.Presentations = append(b.Presentations, b.Presentations[0])
	ds := spm.Diff(a, b)
	require.Len(t, ds, 1)
	assert.Equal(t, spm.RecordPresentation, ds[0].Record)
	assert.Equal(t, "vol3/"+spmtest.SampleWWN("initiator", 3).String(), ds[0].ID)
	assert.Equal(t, spm.DiffChanged, ds[0].Op)
	assert.Contains(t, ds[0].Detail, "1 entries -> 2 entries")
	assert.False(t, a.Equal(b))
}

func TestDiffDetailIsBounded(t *testing.T) {
	a := spmtest.Sample()
	b := a.Clone()
	v := b.Volumes["vol3"]
	v.Name = strings.Repeat("n", 1<<20)
	b.Volumes["vol3"] = v
	ds := spm.Diff(a, b)
	require.Len(t, ds, 1)
	assert.Less(t, len(ds[0].Detail), 300)
	assert.Less(t, len(ds[0].String()), 400)
}

func TestDiffLive(t *testing.T) {
	s := spmtest.Sample()
	from := liveOf(t, s)
	arrays, err := spmtest.NewArrays(from)
	require.NoError(t, err)
	vol3 := spmtest.SampleWWN("volume", 3)
	require.NoError(t, arrays.Unpresent(spmtest.Array3PAR, vol3, spmtest.SampleWWN("initiator", 3)))
	require.NoError(t, arrays.SetSignature(spmtest.Array3PAR, vol3, spm.Signature{Present: true, Version: 2, OwningCatalog: "spm-cms1"}))
	require.NoError(t, arrays.RemoveArray(spmtest.ArrayXP))
	to, err := arrays.Live(t.Context())
	require.NoError(t, err)

	var got []string
	for _, d := range spm.DiffLive(from, to) {
		got = append(got, d.Record+" "+d.ID+" "+string(d.Op)+": "+d.Detail)
	}
	assert.Equal(t, []string{
		`array xp-1 removed: id "xp-1", type "XP"`,
		`volume 3par-1/60:00:2A:C0:00:00:00:03 changed: signature.version 1 -> 2; signature.serviceId "svc-ls3" -> ""; signature.activation "active" -> ""`,
		`volume xp-1/60:00:2A:C0:00:00:00:09 removed: wwn 60:00:2A:C0:00:00:00:09, name "XPVol1", sizeBytes 9663676416, signature.present false`,
		`presentation 3par-1/60:00:2A:C0:00:00:00:03/50:01:43:80:00:00:00:03 removed: volumeWwn 60:00:2A:C0:00:00:00:03, initiator 50:01:43:80:00:00:00:03, host "LSM_LS3", lun 1`,
		`presentation xp-1/60:00:2A:C0:00:00:00:09/50:01:43:80:00:00:00:09 removed: volumeWwn 60:00:2A:C0:00:00:00:09, initiator 50:01:43:80:00:00:00:09, host "LSM_XP1", lun 0`,
	}, got)
	assert.Empty(t, spm.DiffLive(from, from.Clone()))
	assert.Empty(t, spm.DiffLive(nil, &spm.Live{}))
}
