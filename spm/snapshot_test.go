package spm_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	assert.Equal(t, spmtest.Sample().Fingerprint(), s.Fingerprint())
}

func TestFingerprint(t *testing.T) {
	a := spmtest.Sample()
	b := spmtest.Sample()
	slices.Reverse(b.Presentations)
	assert.Equal(t, a.Fingerprint(), b.Fingerprint(), "presentation order does not matter")
	assert.True(t, a.Equal(b))
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, a.Fingerprint())

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
			assert.NotEqual(t, a.Fingerprint(), c.Fingerprint())
		})
	}
}

func TestSnapshotJSONRoundTrip(t *testing.T) {
	s := spmtest.Sample()
	require.NoError(t, spm.Apply(s, spm.SetSignatureState{VolumeID: "vol3", State: spm.SignatureCorrupt}))
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back spm.Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, &back)
	assert.Equal(t, s.Fingerprint(), back.Fingerprint())
	assert.NoError(t, back.Validate())

	live := spmtest.LiveFromSnapshot(s)
	lb, err := json.Marshal(live)
	require.NoError(t, err)
	var liveBack spm.Live
	require.NoError(t, json.Unmarshal(lb, &liveBack))
	assert.Equal(t, live, &liveBack)
}

func TestLiveValidate(t *testing.T) {
	l := spmtest.LiveFromSnapshot(spmtest.Sample())
	require.NoError(t, l.Validate())
	la := l.Arrays[spmtest.Array3PAR]
	la.Volumes = append(la.Volumes, la.Volumes[0])
	la.Presentations = append(la.Presentations, la.Presentations[0], spm.LivePresentation{VolumeWWN: 77, Initiator: 1, LUN: -2})
	la.Type = "MSA"
	l.Arrays[spmtest.Array3PAR] = la
	err := l.Validate()
	var ve *spm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 5)
	assert.Contains(t, err.Error(), `unknown type "MSA"`)
	assert.Contains(t, err.Error(), "listed twice")
	assert.Contains(t, err.Error(), "presented twice")
	assert.Contains(t, err.Error(), "does not hold")
	assert.Contains(t, err.Error(), "negative LUN")
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
