package resync

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/spm"
)

// appendFinding writes json.Marshal's bytes for every shape of finding.
func TestAppendFindingIsMarshal(t *testing.T) {
	base := Finding{Phase: PhaseID{SectionStorage, 1}, Code: "spm.volume-quarantined", Severity: SeverityWarning,
		Subject: "volume vol1", Message: "quarantine it"}
	with := func(edit func(f *Finding)) Finding { f := base; edit(&f); return f }
	tests := []struct {
		name string
		f    Finding
	}{
		{"zero", Finding{}},
		{"plain", base},
		{"blocking with a manual step", with(func(f *Finding) { f.Blocking, f.Manual = true, "ask the SAN team" })},
		{"HTML and line separators in strings", with(func(f *Finding) { f.Message = "<a> & b\u2028c\u2029 \"q\" \\ \n\t\x01" })},
		{"invalid UTF-8", with(func(f *Finding) { f.Subject = "bad \xff\xfe byte" })},
		{"changes", with(func(f *Finding) {
			f.Changes = Changes{spm.Quarantine{VolumeID: "vol<1>"}, StopService{Name: "a & b"}}
		})},
		{"compact detail", with(func(f *Finding) { f.Detail = json.RawMessage(`{"code":"x","n":[1,2]}`) })},
		{"detail with white space", with(func(f *Finding) { f.Detail = json.RawMessage("{ \"a\" : [1, 2],\n\"b\":\"x y\" }") })},
		{"detail with HTML characters", with(func(f *Finding) { f.Detail = json.RawMessage(`{"a":"<b>&"}`) })},
		{"detail with a line separator", with(func(f *Finding) { f.Detail = json.RawMessage("{\"a\":\"x\u2028y\"}") })},
		{"empty detail is left out", with(func(f *Finding) { f.Detail = json.RawMessage{} })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.f)
			require.NoError(t, err)
			got, err := appendFinding(nil, &tc.f)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}
