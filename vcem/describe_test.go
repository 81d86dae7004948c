package vcem

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChangeTargetAndString(t *testing.T) {
	for _, tc := range []struct {
		c      Change
		target string
	}{
		{MarkExternalMAC{MAC: addrpool.MAC(0x0017A4770001)}, "MAC 00-17-A4-77-00-01"},
		{MarkExternalWWN{WWN: addrpool.WWN(0x5001438002A30000)}, "WWN 50:01:43:80:02:A3:00:00"},
		{DeleteProfile{ProfileID: "P1"}, "profile P1"},
		{SetProfileBay{ProfileID: "P2", Bay: "enc0:3"}, "profile P2"},
		{&DeleteProfile{ProfileID: "P3"}, "profile P3"},
	} {
		t.Run(tc.c.Kind(), func(t *testing.T) {
			assert.Equal(t, tc.target, tc.c.Target())
			assert.NotEmpty(t, tc.c.String())
		})
	}
}

func TestNilSnapshotAndQuotedIssueIDs(t *testing.T) {
	var s *Snapshot
	assert.Nil(t, s.Clone())
	assert.Nil(t, s.DomainProfiles("d1"))
	e := &ValidationIssue{Code: "id-mismatch", IDs: []string{"a", ""}, Field: "id", Message: "m"}
	assert.Contains(t, e.Error(), `"a", ""`, "an empty ID stays visible")
}

func TestDomainResultJSONKeepsErrors(t *testing.T) {
	r := DomainResult{DomainID: "d1", Outcome: OutcomeLeftInMaintenance,
		Err: errors.New("resync failed"), CleanupErr: errors.New("cancel refused")}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"domainId":"d1"`)
	assert.Contains(t, string(b), `"error":"resync failed"`)
	assert.Contains(t, string(b), `"cleanupError":"cancel refused"`)
	b, err = json.Marshal(DomainResult{DomainID: "d2", Outcome: OutcomeCompleted})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "error")
}
