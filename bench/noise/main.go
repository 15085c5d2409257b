// Command noise decomposes the run-to-run noise of Go benchmarks on the machine it runs on, so
// that a benchmark gate can choose its schedule: how many processes, how many repetitions inside
// each, and how far apart base and head samples may be.
//
//	go run ./bench/noise -out results/   # the full measurement, about 2 minutes on 2 cores
//	go run ./bench/noise -quick          # a smoke test, under a minute
//
// It generates a module of six benchmarks of different kinds, a few µs per operation each (a
// CPU-bound LCG chain, small allocations, map inserts, sorting, a strided walk over 4 MiB, and
// channel ping-pong between goroutines), and builds its test binary twice: A, and B from the same
// source plus an unused padding function, so the same code at other addresses. A2 is a copy of
// A. Each benchmark's iteration count is calibrated once, so that a run lasts about 20 ms, and is
// then fixed (-test.benchtime=Nx), so no ramp-up is timed. Every spread is computed on
// log(ns/op), so that it is relative, and is printed as 100 × its sd, in percent:
//
//   - within-process: the sd of 20 repetitions in one process, the median over 5 processes;
//   - between-process: the sd across a sequence of 80 processes of A, one run each, and the
//     per-process component alone, split from the within-process one by a one-way ANOVA of
//     20 processes × 5 repetitions;
//   - binaries: the mean difference of A2 from A, which is 0 unless the harness is biased, and of
//     B from A, which is the effect of code layout, over pairs of back-to-back processes run in
//     random order (40 pairs each);
//   - drift: the sd of the difference of adjacent processes in the sequence against that of
//     processes 10 apart: pairing base and head back-to-back helps exactly when the first is
//     smaller;
//   - pinning: the between-process sd again, over a sequence as long, with every process pinned
//     to CPU 0 by taskset, if that is on PATH (with -test.cpu kept at the number of CPUs, so
//     that GOMAXPROCS does not drop to 1).
//
// It also times the start-up of a process that runs nothing, the overhead of a run (its wall
// time less the timed benchmark) and the builds. It prints a markdown table and a few lines of
// interpretation; with -out it also writes them to results.md and every sample to results.json.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "a smoke test: 2 benchmarks, 12 processes per sequence and fewer of everything else")
	out := flag.String("out", "", "`dir` to write results.md and results.json to, besides printing the table")
	names := flag.String("benchmarks", "cpu,alloc,map,sort,memory,chan", "comma-separated kinds to measure")
	processes := flag.Int("processes", 80, "processes per sequence; the other measurements scale with it")
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick && !set["benchmarks"] {
		*names = "cpu,alloc"
	}
	if *quick && !set["processes"] {
		*processes = 12
	}
	p := newPlan(*processes, *quick)
	if err := run(strings.Split(*names, ","), p, *out); err != nil {
		fmt.Fprintln(os.Stderr, "noise:", err)
		os.Exit(1)
	}
}

// newPlan sizes the measurements around a sequence of processes.
func newPlan(processes int, quick bool) plan {
	p := plan{processes: max(processes, 4), within: 5, reps: 5, empty: 20, runTime: 20 * time.Millisecond}
	p.lag, p.pairs, p.groups = min(10, p.processes/4), p.processes/2, max(6, p.processes/4)
	if quick {
		p.within, p.empty = 2, 10
	}
	return p
}

func run(names []string, p plan, out string) error {
	benches, err := selectKinds(names)
	if err != nil {
		return err
	}
	begin := time.Now()
	work, err := os.MkdirTemp("", "noise-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bins, took, err := build(work)
	if err != nil {
		return err
	}
	l := &lab{bins: bins, cpu: runtime.NumCPU()}
	rep := &report{Date: time.Now().UTC().Format("2006-01-02"), GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPUs: l.cpu, RunMS: float64(p.runTime) / 1e6, Processes: p.processes, Lag: p.lag, BuildS: []float64{took[0].Seconds(), took[1].Seconds()}}
	rep.PinSkipped = pinCheck(bins.a)
	l.pin = rep.PinSkipped == ""
	if rep.StartupMS, err = l.startup(p.empty); err != nil {
		return err
	}
	for _, b := range benches {
		r, err := l.measure(b.kind, b.bench, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%-7s %6.0f ns/op  %5.0f s\n", b.kind, r.NsPerOp, time.Since(begin).Seconds())
		rep.Results = append(rep.Results, r)
	}
	rep.Seconds = time.Since(begin).Seconds()
	md := rep.markdown()
	fmt.Print(md)
	if out == "" {
		return nil
	}
	return write(out, md, rep)
}

// selectKinds returns the benchmarks of the named kinds, in the order of the table.
func selectKinds(names []string) ([]benchmark, error) {
	var out []benchmark
	for _, k := range kinds {
		if slices.Contains(names, k.kind) {
			out = append(out, k)
		}
	}
	if len(out) != len(names) {
		return nil, fmt.Errorf("-benchmarks %s: the kinds are cpu, alloc, map, sort, memory and chan", strings.Join(names, ","))
	}
	return out, nil
}

// measure calibrates bench's iteration count and takes and analyzes its measurements.
func (l *lab) measure(kind, bench string, p plan) (result, error) {
	n, err := l.calibrate(bench, p.runTime)
	if err != nil {
		return result{}, err
	}
	s, err := l.collect(bench, n, p)
	if err != nil {
		return result{}, err
	}
	return analyze(kind, n, s, p.lag), nil
}

func write(dir, md string, rep *report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return errors.Join(
		os.WriteFile(filepath.Join(dir, "results.md"), []byte(md), 0o644),
		os.WriteFile(filepath.Join(dir, "results.json"), data, 0o644),
	)
}
