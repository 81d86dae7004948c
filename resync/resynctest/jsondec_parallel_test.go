package resynctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// tinyDoc is a small estate's document as a generic JSON value.
func tinyDoc(t *testing.T) map[string]any {
	t.Helper()
	e, err := New(Model{Seed: 1, Groups: 1, Domains: 1, Profiles: 2, Ethernet: 1, FC: 1, Arrays: 1,
		AvailableVolumes: 1, VMServers: 1, ServiceSize: 1, RequestsPerService: 1, FreeIPs: 1, RecoveryGroups: 1})
	require.NoError(t, err)
	defer e.Close()
	var b bytes.Buffer
	require.NoError(t, e.Save(&b))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	return doc
}

func section(doc map[string]any, path ...string) map[string]any {
	m := doc
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

// The sections decoded side by side (spawn) report their problems as one
// decoder would: in document order, each at its path and line, and no
// more than strictjson.MaxProblems, the rest counted.
func TestDecodeSectionsSideBySideReportInOrder(t *testing.T) {
	tests := []struct {
		name      string
		perPlace  int
		wantShown int
		wantMore  int
	}{
		{"one problem in each section", 1, 4, 0},
		{"more problems than are shown", 8, strictjson.MaxProblems, 4*8 - strictjson.MaxProblems},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tinyDoc(t)
			places := [][]string{{"vcem", "database"}, {"vcem", "live"}, {"spm", "catalog"}, {"matrixoe", "database"}}
			for _, p := range places {
				for i := range tc.perPlace {
					section(doc, p...)[fmt.Sprintf("zz%d", i)] = 1
				}
			}
			raw, err := json.MarshalIndent(doc, "", " ")
			require.NoError(t, err)
			_, err = Decode(raw)
			require.Error(t, err)
			var se *strictjson.Error
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Len(t, se.Problems, tc.wantShown)
			assert.Equal(t, tc.wantMore, se.More)
			for i, p := range se.Problems {
				assert.Contains(t, p.Msg, "unknown field")
				if i > 0 {
					assert.Greater(t, p.Offset, se.Problems[i-1].Offset, "document order")
				}
				line := bytes.Count(raw[:p.Offset], []byte("\n")) + 1
				assert.Equal(t, line, p.Line, "problem %d (%s) at its line", i, p.Path)
			}
			if tc.perPlace == 1 {
				// json.MarshalIndent writes the keys sorted: matrixoe, then spm, then vcem.
				var paths []string
				for _, p := range se.Problems {
					paths = append(paths, p.Path)
				}
				assert.Equal(t, []string{"matrixoe.database.zz0", "spm.catalog.zz0", "vcem.database.zz0", "vcem.live.zz0"}, paths)
			}
		})
	}
}
