package spm_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/spm/spmtest"
)

// FuzzParsePin: ParsePin never panics, accepts only 32-byte pins, and reads
// back the plain hex of what it accepted.
func FuzzParsePin(f *testing.F) {
	for _, s := range []string{
		"9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"9f 86 d0 81 88 4c 7d 65 9a 2f ea a0 c5 5a d0 15 a3 bf 4f 1b 2b 0b 82 2c d1 5d 6c 15 b0 f0 0a 08",
		"9f86", "", "zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pin, err := spm.ParsePin(s)
		if err != nil {
			return
		}
		if len(pin) != 32 {
			t.Fatalf("ParsePin(%q) = %d bytes", s, len(pin))
		}
		again, err := spm.ParsePin(hex.EncodeToString(pin))
		if err != nil || !bytes.Equal(pin, again) {
			t.Fatalf("round trip of %q: %x %v", s, again, err)
		}
	})
}

// FuzzSnapshotJSON: the strict catalog decoder never panics, and a catalog
// it accepts encodes to JSON that decodes and encodes to the same bytes.
func FuzzSnapshotJSON(f *testing.F) {
	b, err := json.Marshal(spmtest.Sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"catalogId":"c","arrays":{},"volumes":{},"presentations":[],"services":{},"templates":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) { jsonRoundTrip[spm.Snapshot](t, b) })
}

// FuzzLiveJSON: the strict decoder of what the arrays hold never panics,
// and what it accepts round-trips.
func FuzzLiveJSON(f *testing.F) {
	live, err := spmtest.LiveFromSnapshot(spmtest.Sample())
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(live)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"arrays":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) { jsonRoundTrip[spm.Live](t, b) })
}

// jsonRoundTrip decodes b as a T; when it decodes, what Marshal writes
// must decode and encode to the same bytes again.
func jsonRoundTrip[T any](t *testing.T, b []byte) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return
	}
	again, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	var back T
	if err := json.Unmarshal(again, &back); err != nil {
		t.Fatalf("what Marshal wrote does not decode: %v\n%s", err, again)
	}
	twice, err := json.Marshal(&back)
	if err != nil || !bytes.Equal(again, twice) {
		t.Fatalf("round trip changed the value: %v\n%s\n%s", err, again, twice)
	}
}
