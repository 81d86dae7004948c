// Command scale measures the SDK on the Large preset (250 VC domains × 256
// profiles, ≈ 512k live addresses, storage and logical servers in
// proportion): it builds the estate, plays the restore drill's history
// around a backup, restores, and times the whole resync.Analyze against a
// bare sort of the same live addresses. Its last line is one JSON object
// with the figures, for scripts and for BENCHMARKS.md.
//
//	go run ./examples/scale                 # analysis: addresses, analyze_seconds, peak_rss_bytes, sort_seconds, ratio
//	go run ./examples/scale -execute        # also VCEM phase 2 at concurrency 1 and 16 (10 ms per manager call) and the whole execute
//	go run ./examples/scale -codecs         # also the estate and plan JSON encode and decode
//
// peak_rss_bytes is the process's peak resident set (VmHWM on Linux, the
// peak working set on Windows, ru_maxrss elsewhere), read right after the
// analyses: the estate itself (live side, restored databases and the
// backup) is part of it, as it is part of any program that analyses one.
// analyze_peak_live_heap_bytes and analyze_peak_heap_bytes tell that part
// from the analyses' own: the largest live heap a collection found during
// the analyses, and the largest heap garbage included, beside
// heap_before_analyze_bytes, the estate's live heap. Each analysis is
// measured alone: the previous one's plan is dropped before it starts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/mxsync-go/mxsync/resync"
	"github.com/mxsync-go/mxsync/resync/resynctest"
	"github.com/mxsync-go/mxsync/vcem"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags ask for.
type config struct {
	seed       uint64
	runs       int
	execute    bool
	codecs     bool
	latency    time.Duration
	concurrent int
	cpuProfile string
	memProfile string
	sections   string
	model      resynctest.Model
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := config{model: resynctest.LargeModel()}
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the estate")
	fs.IntVar(&c.runs, "runs", 3, "analyses to time (analyze_seconds is their median)")
	fs.BoolVar(&c.execute, "execute", false, "also time VCEM phase 2 at concurrency 1 and -concurrency, and the whole execute")
	fs.BoolVar(&c.codecs, "codecs", false, "also time the estate's and the plan's JSON encode and decode")
	fs.DurationVar(&c.latency, "latency", 10*time.Millisecond, "simulated latency of each VCEM manager call (-execute)")
	fs.IntVar(&c.concurrent, "concurrency", 16, "VCEM phase 2 concurrency compared with 1 (-execute)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the analyses (and with -execute, of the executes too) to `file` (go tool pprof -top)")
	fs.StringVar(&c.sections, "sections", "", "analyse only these sections (`list`, e.g. vcem; default all)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile to `file` and one taken just before the analyses to file.before; the analyses' own allocations are go tool pprof -sample_index=alloc_space -diff_base file.before file")
	fs.IntVar(&c.model.Domains, "domains", c.model.Domains, "VC domains (the Large preset's by default)")
	fs.IntVar(&c.model.Profiles, "profiles", c.model.Profiles, "profiles per domain")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	switch {
	case c.runs < 1:
		fmt.Fprintf(stderr, "scale: -runs %d: want at least 1\n", c.runs)
		return 1
	case c.concurrent < 1:
		fmt.Fprintf(stderr, "scale: -concurrency %d: want at least 1\n", c.concurrent)
		return 1
	case c.latency < 0:
		fmt.Fprintf(stderr, "scale: -latency %s: want zero or more\n", c.latency)
		return 1
	}
	if c.sections != "" {
		if _, err := resync.ParseSections(c.sections); err != nil {
			fmt.Fprintf(stderr, "scale: -sections: %v\n", err)
			return 1
		}
	}
	fig, err := measure(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "scale: "+strings.ReplaceAll(err.Error(), "\n", "; "))
		return 1
	}
	b, err := json.Marshal(fig)
	if err != nil {
		fmt.Fprintln(stderr, "scale:", err)
		return 1
	}
	fmt.Fprintln(stdout, string(b))
	return 0
}

// figures is the last line's JSON object. Times are wall-clock seconds.
type figures struct {
	Domains   int `json:"domains"`
	Profiles  int `json:"profiles"`
	Addresses int `json:"addresses"`
	Findings  int `json:"findings"`
	Changes   int `json:"changes"`
	// Sections are the sections analysed when -sections chose some.
	Sections string `json:"sections,omitempty"`

	BuildSeconds   float64   `json:"build_seconds"`
	AnalyzeSeconds float64   `json:"analyze_seconds"`
	AnalyzeRuns    []float64 `json:"analyze_runs"`
	PeakRSSBytes   uint64    `json:"peak_rss_bytes"`
	// PeakRSSBeforeAnalyzeBytes is the peak RSS once the estate is built,
	// its history played and the CMS restored: what the simulated estate
	// alone costs; HeapBeforeAnalyzeBytes is its live heap.
	PeakRSSBeforeAnalyzeBytes uint64 `json:"peak_rss_before_analyze_bytes"`
	HeapBeforeAnalyzeBytes    uint64 `json:"heap_before_analyze_bytes"`
	// AnalyzePeakRSSBytes is the peak RSS during the analyses alone (the
	// estate resident, the peak reset before them; Linux only).
	AnalyzePeakRSSBytes uint64 `json:"analyze_peak_rss_bytes,omitempty"`
	// AnalyzePeakLiveHeapBytes is the largest live heap a collection found
	// during the analyses (the estate's included: HeapBeforeAnalyzeBytes);
	// AnalyzePeakHeapBytes the largest heap in objects, garbage not yet
	// swept included: what the collector's pacing let it grow to.
	AnalyzePeakLiveHeapBytes uint64  `json:"analyze_peak_live_heap_bytes,omitempty"`
	AnalyzePeakHeapBytes     uint64  `json:"analyze_peak_heap_bytes,omitempty"`
	SortSeconds              float64 `json:"sort_seconds"`
	Ratio                    float64 `json:"ratio"`
	// AnalyzeAllocBytes is what one analysis allocates (heap, cumulative).
	AnalyzeAllocBytes uint64 `json:"analyze_alloc_bytes"`

	*executeFigures
	*codecFigures

	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPUs       int    `json:"cpus"`
	GoVersion  string `json:"go_version"`
	SDKVersion string `json:"sdk_version"`
}

func measure(ctx context.Context, c config, log io.Writer) (*figures, error) {
	fig := &figures{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		GoVersion: runtime.Version(), SDKVersion: resync.SDKVersion}
	start := time.Now()
	c.model.Seed = c.seed
	e, err := resynctest.New(c.model)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	fig.BuildSeconds = time.Since(start).Seconds()
	fig.Domains, fig.Profiles = c.model.Domains, c.model.Domains*c.model.Profiles
	fmt.Fprintf(log, "built the estate (%d domains × %d profiles) in %.2fs\n", c.model.Domains, c.model.Profiles, fig.BuildSeconds)

	d, err := resynctest.DrillHistory(e)
	if err != nil {
		return nil, err
	}
	if err := e.Play(ctx, d.Setup); err != nil {
		return nil, err
	}
	backup, err := e.Backup()
	if err != nil {
		return nil, err
	}
	if err := e.Play(ctx, d.History); err != nil {
		return nil, err
	}
	if err := e.Restore(backup); err != nil {
		return nil, err
	}
	backup = nil // the estate's stores hold the restored state now
	env := e.Env()
	if err := resync.WriteServicesFile(ctx, env); err != nil {
		return nil, err
	}
	creds := e.Credentials(d.Credentials...)
	opts := []resync.Option{resync.WithCredentials(creds)}
	analyzeOpts := opts
	if c.sections != "" {
		secs, err := resync.ParseSections(c.sections)
		if err != nil {
			return nil, err
		}
		fig.Sections = c.sections
		analyzeOpts = append(slices.Clip(opts), resync.WithSections(secs...))
	}
	addrs, err := liveAddresses(ctx, env, creds)
	if err != nil {
		return nil, err
	}
	fig.Addresses = len(addrs)
	fmt.Fprintf(log, "drill history played around a backup, CMS restored: %d live addresses\n", len(addrs))

	if hwm, err := peakRSS(); err == nil {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		fig.PeakRSSBeforeAnalyzeBytes, fig.HeapBeforeAnalyzeBytes = hwm, ms.HeapAlloc
		fmt.Fprintf(log, "before the analyses: peak RSS %d MiB, live heap %d MiB\n", hwm>>20, ms.HeapAlloc>>20)
	}
	// The analyses' own peak: the memory the estate's building freed goes
	// back to the OS and the peak starts again from what is resident.
	debug.FreeOSMemory()
	reset := resetPeakRSS() == nil
	if c.memProfile != "" {
		if err := writeHeapProfile(c.memProfile + ".before"); err != nil {
			return nil, err
		}
	}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
	}
	var plan *resync.Plan
	heap := watchHeap(time.Millisecond)
	for i := range c.runs {
		// Each analysis is measured alone: the last one's plan is kept
		// only once the loop is done.
		plan = nil
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		t := time.Now()
		plan, err = resync.Analyze(ctx, env, analyzeOpts...)
		if err != nil {
			return nil, err
		}
		s := time.Since(t).Seconds()
		runtime.ReadMemStats(&after)
		fig.AnalyzeRuns = append(fig.AnalyzeRuns, s)
		fig.AnalyzeAllocBytes = after.TotalAlloc - before.TotalAlloc
		fmt.Fprintf(log, "analysis %d: %.3fs, %d MiB allocated\n", i+1, s, fig.AnalyzeAllocBytes>>20)
	}
	fig.AnalyzePeakLiveHeapBytes, fig.AnalyzePeakHeapBytes = heap.Stop()
	if c.cpuProfile != "" && !c.execute {
		pprof.StopCPUProfile()
	}
	if c.memProfile != "" {
		if err := writeHeapProfile(c.memProfile); err != nil {
			return nil, err
		}
	}
	fig.PeakRSSBytes, err = peakRSS()
	if err != nil {
		return nil, fmt.Errorf("peak RSS: %w", err)
	}
	if reset {
		fig.AnalyzePeakRSSBytes = fig.PeakRSSBytes
		fig.PeakRSSBytes = max(fig.PeakRSSBytes, fig.PeakRSSBeforeAnalyzeBytes)
	}
	fig.AnalyzeSeconds = median(fig.AnalyzeRuns)
	sum := plan.Summary().Total
	fig.Findings, fig.Changes = sum.Findings, sum.Changes

	fig.SortSeconds = timeSort(addrs, c.seed)
	if fig.SortSeconds > 0 {
		fig.Ratio = fig.AnalyzeSeconds / fig.SortSeconds
	}
	fmt.Fprintf(log, "analysis median %.3fs; slices.Sort of the %d addresses %.3fs; ratio %.1f; peak RSS %d MiB (during the analyses %d MiB; heap %d MiB, of it live at most %d MiB)\n",
		fig.AnalyzeSeconds, len(addrs), fig.SortSeconds, fig.Ratio, fig.PeakRSSBytes>>20, fig.AnalyzePeakRSSBytes>>20,
		fig.AnalyzePeakHeapBytes>>20, fig.AnalyzePeakLiveHeapBytes>>20)

	if c.codecs {
		cf, err := measureCodecs(e, plan, log)
		if err != nil {
			return nil, err
		}
		fig.codecFigures = cf
	}
	if c.execute {
		ef, err := measureExecute(ctx, c, e, d, opts, log)
		if err != nil {
			return nil, err
		}
		fig.executeFigures = ef
		if c.cpuProfile != "" {
			pprof.StopCPUProfile()
		}
	}
	return fig, nil
}

func writeHeapProfile(path string) error {
	runtime.GC() // the allocs profile is as of the last collection
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// liveAddresses reads every live address the analysis reads (each MAC and
// WWN of every profile of every reachable domain), as uint64.
func liveAddresses(ctx context.Context, env *resync.Env, creds map[string]vcem.CredentialedDomain) ([]uint64, error) {
	restored, err := env.VCEM.Store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	live, err := vcem.GatherLive(ctx, env.VCEM.Live, restored, creds)
	if err != nil {
		return nil, err
	}
	var out []uint64
	add := func(v uint64) {
		if v != 0 {
			out = append(out, v)
		}
	}
	for _, ld := range live {
		for _, p := range ld.Profiles {
			for _, c := range p.Ethernet {
				add(uint64(c.MAC))
			}
			for _, c := range p.ISCSI {
				add(uint64(c.MAC))
			}
			for _, c := range p.FCoE {
				add(uint64(c.MAC))
				add(uint64(c.PortWWN))
				add(uint64(c.NodeWWN))
			}
			for _, c := range p.FC {
				add(uint64(c.PortWWN))
				add(uint64(c.NodeWWN))
			}
		}
	}
	return out, nil
}

// timeSort times a bare slices.Sort of a shuffled copy of addrs: the floor
// any analysis that must order the addresses cannot go below.
func timeSort(addrs []uint64, seed uint64) float64 {
	cp := slices.Clone(addrs)
	rand.New(rand.NewPCG(seed, 0x5ca1e)).Shuffle(len(cp), func(i, j int) { cp[i], cp[j] = cp[j], cp[i] })
	t := time.Now()
	slices.Sort(cp)
	return time.Since(t).Seconds()
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
