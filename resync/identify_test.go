package resync

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceID is identify as one sequential json.Encoder over the pieces:
// the definition the chunked, parallel encoding must keep.
func referenceID(t *testing.T, p *Plan) string {
	t.Helper()
	cp := *p
	cp.ID = ""
	cp.Prior = Prior{Services: p.Prior.Services}
	cp.Phases = nil
	h := sha256.New()
	bw := bufio.NewWriter(h)
	enc := json.NewEncoder(bw)
	require.NoError(t, enc.Encode((*planJSON)(&cp)))
	for _, ph := range p.Phases {
		findings := ph.Findings
		ph.Findings = nil
		require.NoError(t, enc.Encode(ph))
		for _, f := range findings {
			require.NoError(t, enc.Encode(f))
		}
	}
	require.NoError(t, bw.Flush())
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// The plan's ID, and its JSON document, are the same whether its findings
// fill no chunk, part of one, exactly one, or several windows of chunks.
func TestIdentifyIsSequentialEncoding(t *testing.T) {
	finding := func(i int) Finding {
		return Finding{Phase: PhaseID{SectionStorage, 1}, Code: "spm.volume-manual", Severity: SeverityWarning,
			Subject: fmt.Sprintf("volume vol-%06d", i), Message: fmt.Sprintf("step <%d> & more", i), Manual: "check it"}
	}
	for _, n := range []int{0, 1, findingsPerChunk - 1, findingsPerChunk, findingsPerChunk + 1, 40*findingsPerChunk + 7} {
		t.Run(fmt.Sprint(n, " findings"), func(t *testing.T) {
			p := &Plan{Schema: PlanSchema, SDKVersion: SDKVersion, Inputs: map[string]string{InputServices: "sha256:00"}}
			for i, id := range Phases() {
				pp := PhasePlan{PhaseID: id, Title: id.Title(), Findings: []Finding{}}
				if i == 3 {
					for j := range n {
						pp.Findings = append(pp.Findings, finding(j))
					}
				}
				if i == 4 {
					pp.Findings = append(pp.Findings, finding(-1))
				}
				if i == 3 || i == 5 {
					// Predicted changes that append their own JSON (spm's)
					// and that do not (vcem's), with odd strings.
					pp.Predicted, pp.PredictedBy = predicted(n), "SPM Internal Recovery"
				}
				p.Phases = append(p.Phases, pp)
			}
			got, err := p.identify()
			require.NoError(t, err)
			id := referenceID(t, p)
			assert.Equal(t, id, got)

			// The document built from the same chunks is encoding/json's.
			doc, err := p.AppendJSON(nil)
			require.NoError(t, err)
			cp := *p
			cp.ID = id
			want, err := json.Marshal((*planJSON)(&cp))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(doc))
		})
	}
}

// predicted is n+2 changes of both kinds of encoding, odd strings included.
func predicted(n int) Changes {
	cs := Changes{vcem.DeleteProfile{ProfileID: `p<"1">` + "\u2028"}, spm.SetPresentations{VolumeID: "v&\xff",
		Presentations: []spm.Presentation{{VolumeID: "v&\xff", Initiator: 0x5001, Host: `h"`, LUN: -1}}}}
	for i := range n {
		cs = append(cs, spm.SetSignatureState{VolumeID: fmt.Sprintf("vol-<%d>", i), State: "Valid"})
	}
	return cs
}

// A nil predicted change is an error, from the ID and the document alike.
func TestIdentifyRefusesANilPredictedChange(t *testing.T) {
	p := &Plan{Schema: PlanSchema, Phases: []PhasePlan{{PhaseID: PhaseID{SectionStorage, 1}, Findings: []Finding{},
		Predicted: Changes{spm.Quarantine{VolumeID: "v1"}, nil}}}}
	_, err := p.identify()
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "storage 1: predicted: ")
	assert.ErrorContains(t, err, "changes[1]: nil change")
	_, err = p.AppendJSON(nil)
	assert.ErrorIs(t, err, ErrInvalid)
}

// foreignChange is a change of no section with an AppendJSON of its own:
// only spm's changes are taken as they append themselves.
type foreignChange struct{}

func (foreignChange) Kind() string   { return "x.Foreign" }
func (foreignChange) Target() string { return "x" }
func (foreignChange) String() string { return "foreign" }
func (foreignChange) MarshalJSON() ([]byte, error) {
	return []byte(`{ "kind" : "x.Foreign", "n": "<" }`), nil
}
func (foreignChange) AppendJSON(b []byte) ([]byte, error) { return append(b, "not json"...), nil }

func TestAppendChangesTrustsOnlySPMsEncoders(t *testing.T) {
	got, err := appendChanges(nil, Changes{foreignChange{}, spm.Quarantine{VolumeID: "v<1>"}})
	require.NoError(t, err)
	want, err := json.Marshal([]json.RawMessage{[]byte(`{ "kind" : "x.Foreign", "n": "<" }`), []byte(`{"kind":"spm.Quarantine","volumeId":"v\u003c1\u003e"}`)})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "the foreign change's MarshalJSON, compacted and escaped")
}
