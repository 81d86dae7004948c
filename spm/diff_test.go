package spm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

func TestDiff(t *testing.T) {
	assert.Nil(t, spm.Diff(spmtest.Sample(), spmtest.Sample()))

	from := spmtest.Sample()
	to, err := spm.ApplyAll(from, []spm.Change{
		spm.Quarantine{VolumeID: "vol3"},
		spm.RemoveVolume{VolumeID: "vol7"},
		spm.MarkServiceNonConformant{ServiceID: "svc-s2"},
	})
	require.NoError(t, err)
	to.Templates["t-new"] = spm.Template{ID: "t-new", Name: "New"}
	to.CatalogID = "other"

	var got []string
	for _, d := range spm.Diff(from, to) {
		got = append(got, d.Kind+" "+d.ID+" "+d.Change)
	}
	assert.Equal(t, []string{
		"catalog catalogId changed",
		"volume vol3 changed",
		"volume vol7 removed",
		"presentation vol7/50:01:43:80:00:00:00:07 removed",
		"presentation vol7/50:01:43:80:00:00:00:08 removed",
		"service svc-s2 changed",
		"template t-new added",
	}, got)
	back := spm.Diff(to, from)
	assert.Len(t, back, len(got))
	assert.Equal(t, "added", back[2].Change)
	assert.Contains(t, spm.Diff(from, to)[1].String(), "Quarantined:true")
}
