package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
)

// codecFigures are the -codecs figures: the JSON forms of the restored
// estate (resynctest's format) and of the analysis's plan.
type codecFigures struct {
	EstateBytes         int     `json:"estate_bytes"`
	EstateEncodeSeconds float64 `json:"estate_encode_seconds"`
	EstateDecodeSeconds float64 `json:"estate_decode_seconds"`
	// EstateDecodeAllocBytes is the heap allocated by the decode, against
	// EstateInMemoryBytes, the live heap the decoded estate keeps.
	EstateDecodeAllocBytes uint64 `json:"estate_decode_alloc_bytes"`
	EstateInMemoryBytes    uint64 `json:"estate_in_memory_bytes"`
	PlanBytes              int    `json:"plan_bytes"`
	// PlanEncodeSeconds is Plan.AppendJSON (what Plan.Save, the journal
	// and the CLI write); PlanMarshalSeconds plain json.Marshal, which
	// re-validates the whole output.
	PlanEncodeSeconds    float64 `json:"plan_encode_seconds"`
	PlanMarshalSeconds   float64 `json:"plan_marshal_seconds"`
	PlanDecodeSeconds    float64 `json:"plan_decode_seconds"`
	PlanDecodeAllocBytes uint64  `json:"plan_decode_alloc_bytes"`
	PlanInMemoryBytes    uint64  `json:"plan_in_memory_bytes"`
}

func measureCodecs(e *resynctest.Estate, plan *resync.Plan, log io.Writer) (*codecFigures, error) {
	f := &codecFigures{}
	// The estate is saved as a user saves it, to a file (Save streams
	// through a bounded buffer; a bytes.Buffer growing to the document's
	// size would time the buffer's growth), and decoded from its bytes
	// read back, as Load has them.
	file, err := os.CreateTemp("", "mxsync-scale-estate-*.json")
	if err != nil {
		return nil, fmt.Errorf("save estate: %w", err)
	}
	defer os.Remove(file.Name())
	t := time.Now()
	err = e.Save(file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("save estate: %w", err)
	}
	f.EstateEncodeSeconds = time.Since(t).Seconds()
	doc, err := os.ReadFile(file.Name())
	if err != nil {
		return nil, fmt.Errorf("read the saved estate: %w", err)
	}
	f.EstateBytes = len(doc)
	f.EstateDecodeSeconds, f.EstateDecodeAllocBytes, f.EstateInMemoryBytes, err = timeDecode(doc, func() (any, error) {
		d, err := resynctest.Decode(doc)
		if err == nil {
			d.Close() // its fakes' goroutines and servers; the state stays
		}
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("load estate: %w", err)
	}
	fmt.Fprintf(log, "estate JSON: %d MiB; encode %.2fs, decode %.2fs\n", f.EstateBytes>>20, f.EstateEncodeSeconds, f.EstateDecodeSeconds)
	doc = nil

	t = time.Now()
	raw, err := plan.AppendJSON(nil)
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	f.PlanEncodeSeconds = time.Since(t).Seconds()
	f.PlanBytes = len(raw)
	if f.PlanMarshalSeconds, err = timeMarshal(plan, raw); err != nil {
		return nil, err
	}
	f.PlanDecodeSeconds, f.PlanDecodeAllocBytes, f.PlanInMemoryBytes, err = timeDecode(raw, func() (any, error) {
		return resync.DecodePlan(raw)
	})
	if err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	fmt.Fprintf(log, "plan JSON: %d MiB; encode %.2fs (json.Marshal %.2fs), decode %.2fs\n", f.PlanBytes>>20, f.PlanEncodeSeconds, f.PlanMarshalSeconds, f.PlanDecodeSeconds)
	// The estate and the plan stay live until here: one found dead by the
	// collector during a decode would be counted against what it keeps.
	runtime.KeepAlive(e)
	runtime.KeepAlive(plan)
	return f, nil
}

// timeMarshal times json.Marshal of the plan and checks that it writes
// what AppendJSON wrote (raw). Its output is dropped when it returns, so
// that it is not in the heap the decode is measured against.
func timeMarshal(plan *resync.Plan, raw []byte) (float64, error) {
	t := time.Now()
	marshalled, err := json.Marshal(plan)
	if err != nil {
		return 0, fmt.Errorf("encode plan: %w", err)
	}
	secs := time.Since(t).Seconds()
	if !bytes.Equal(raw, marshalled) {
		return 0, fmt.Errorf("encode plan: json.Marshal and Plan.AppendJSON disagree")
	}
	return secs, nil
}

// timeDecode times decode (of input) and measures what it allocated and
// what of that the result keeps: the growth of the live heap from before
// the decode to after it, with the result held, each measured after a
// collection. input is held alive throughout, so that the figure does not
// depend on when the collector finds it dead.
func timeDecode(input []byte, decode func() (any, error)) (secs float64, alloc, kept uint64, err error) {
	// Twice: what sync.Pools hold (encoding/json keeps the buffer of its
	// last Marshal, 181 MB after the plan's) survives one collection.
	runtime.GC()
	runtime.GC()
	var before, after, with runtime.MemStats
	runtime.ReadMemStats(&before)
	t := time.Now()
	v, err := decode()
	secs = time.Since(t).Seconds()
	if err != nil {
		return 0, 0, 0, err
	}
	runtime.ReadMemStats(&after)
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(v)
	runtime.KeepAlive(input)
	if with.HeapAlloc > before.HeapAlloc {
		kept = with.HeapAlloc - before.HeapAlloc
	}
	return secs, after.TotalAlloc - before.TotalAlloc, kept, nil
}
