package resynctest

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkLargeBuild measures Large(1): generating the model's state and
// wiring every fake (CI's benchmark smoke step builds it). The "heap-MB"
// metric is the estate's in-memory size.
func BenchmarkLargeBuild(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		e, err := Large(1)
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
	b.StopTimer()
	before := heapInUse()
	e, err := Large(1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(heapInUse()-before)/(1<<20), "heap-MB")
	e.Close()
}

// BenchmarkLargeJSON measures saving the Large estate (to io.Discard:
// the encoder streams through a bounded buffer) and decoding it (the
// document's bytes in memory, as Load has them; "decode" is the strict
// decoding alone, "load" adds validating and wiring the fakes).
func BenchmarkLargeJSON(b *testing.B) {
	e, err := Large(1)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var doc bytes.Buffer
	if err := e.Save(&doc); err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			if err := e.Save(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			if _, err := decodeState(doc.Bytes()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			x, err := Decode(doc.Bytes())
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			x.Close()
			b.StartTimer()
		}
	})
}
