package main

import (
	"runtime/metrics"
	"time"
)

// heapWatch samples the heap while the analyses run, for two peaks: the
// live heap as of each collection's mark (what the process held at its
// fullest, garbage apart) and the bytes in heap objects (live and not yet
// swept garbage: what the collector's pacing let the heap grow to).
type heapWatch struct {
	stop, done chan struct{}
	samples    []metrics.Sample
	peakLive   uint64
	peakHeap   uint64
}

// watchHeap starts sampling every period until Stop.
func watchHeap(period time.Duration) *heapWatch {
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{}),
		samples: []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}}
	w.read()
	go func() {
		defer close(w.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				w.read()
				return
			case <-t.C:
				w.read()
			}
		}
	}()
	return w
}

func (w *heapWatch) read() {
	metrics.Read(w.samples)
	for i, p := range []*uint64{&w.peakLive, &w.peakHeap} {
		if s := w.samples[i].Value; s.Kind() == metrics.KindUint64 {
			*p = max(*p, s.Uint64())
		}
	}
}

// Stop ends the sampling and returns the peaks (zero where the runtime
// does not report the metric).
func (w *heapWatch) Stop() (live, heap uint64) {
	close(w.stop)
	<-w.done
	return w.peakLive, w.peakHeap
}
