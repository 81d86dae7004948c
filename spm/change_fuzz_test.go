package spm_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// FuzzDecodeApplyChange: any bytes either fail to decode (wrapping
// ErrInvalid or ErrUnknownChange) or give a change whose JSON form decodes
// to the same change; applied to the valid sample catalog, it either fails
// with exactly one sentinel and changes nothing, or succeeds and leaves the
// catalog valid.
func FuzzDecodeApplyChange(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"spm.Quarantine","volumeId":"vol3"}`,
		`{"kind":"spm.MarkServiceNonConformant","serviceId":"svc-s2"}`,
		`{"kind":"spm.SetSignatureState","volumeId":"volxp","state":"Valid"}`,
		`{"kind":"spm.SetSignatureState","volumeId":"vol3","state":"Service Mismatch"}`,
		`{"kind":"spm.RemoveVolume","volumeId":"vol7"}`,
		`{"kind":"spm.SetPresentations","volumeId":"vol7","presentations":[{"volumeId":"vol7","initiator":"50:01:43:80:00:00:00:07","host":"h","lun":3}]}`,
		`{"kind":"spm.SetPresentations","volumeId":"vol5","presentations":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := spm.DecodeChange(data)
		if err != nil {
			if !errors.Is(err, spm.ErrInvalid) && !errors.Is(err, spm.ErrUnknownChange) {
				t.Fatalf("decode error wraps neither ErrInvalid nor ErrUnknownChange: %v", err)
			}
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal %#v: %v", c, err)
		}
		back, err := spm.DecodeChange(b)
		if err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		if c.String() != back.String() || c.Kind() != back.Kind() || c.Target() != back.Target() {
			t.Fatalf("round trip changed %v into %v", c, back)
		}
		s := spmtest.Sample()
		before, _ := s.Fingerprint()
		if err := spm.Apply(s, c); err != nil {
			n := 0
			for _, sentinel := range []error{spm.ErrNotFound, spm.ErrConflict, spm.ErrInvalid, spm.ErrUnknownChange} {
				if errors.Is(err, sentinel) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("apply error wraps %d sentinels, want exactly 1: %v", n, err)
			}
			if after, _ := s.Fingerprint(); after != before || !spmtest.Sample().Equal(s) {
				t.Fatalf("failed %v changed the catalog: %v", c, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("%v left an invalid catalog: %v", c, err)
		}
	})
}
