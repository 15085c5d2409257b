package benchexec

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/profdiff"
	"github.com/benchgate/benchgate/internal/report"
)

// What a benchmark keeps: after the rounds, each selected benchmark runs at N and at 2N
// operations with every allocation recorded (-test.memprofilerate=1), and the testing package
// writes its heap profile after a full collection (-test.memprofile). The profile's in-use bytes
// are the live heap as of the last completed collection; the 2N run's less the N run's, over N,
// is what each operation left alive: set-up, package-level data and the runtime's own heap are in
// both runs and cancel. Between identical runs of a benchmark that keeps nothing, the in-use
// bytes moved by up to 6.7 KiB (measured: the runtime's own objects, and package initializers'
// data a collection had not yet published), so a difference under retainedFloor reads as
// nothing, and retained-B/op resolves retainedFloor / N: 3.3 bytes an operation at the most
// operations it runs, 5,000.

// retainedPairs is how many pairs of retained-B/op samples each benchmark gets: the counts are
// near-deterministic: five a side are the fewest Mann–Whitney decides on at α = 0.05, and six the fewest
// a 95% confidence interval needs.
const retainedPairs = 6

// retainedFloor is the smallest growth of the live heap between the N and 2N runs that counts:
// above twice the largest that identical runs showed.
const retainedFloor = 16 << 10

// maxRetainedOps bounds N: recording every allocation costs a microsecond or two each, and at
// 5,000 operations the resolution is 3.3 bytes an operation already.
const maxRetainedOps = 5_000

// maxRetainedRun bounds the runs of one benchmark in one sample (N and 2N operations): a
// benchmark slower than a third of it an operation is not measured, since even at N = 1 its
// samples would cost more than the rounds' and resolve only 16 KiB an operation.
const maxRetainedRun = time.Second

// retain measures each selected benchmark's retained-B/op in retainedPairs pairs, each pair's
// two sides back to back in a shuffled order, and adds the samples to the sides' results. A
// benchmark that cannot be measured so is left out with a warning; it does not fail. No pair
// starts that the budget has no room for.
func (s *schedule) retain(ctx context.Context, start time.Time) {
	if !s.opts.Retained || s.res.Run.Rounds == 0 {
		return
	}
	began := time.Now()
	defer func() { s.res.Run.RetainedSeconds = time.Since(began).Seconds() }()
	names := map[report.Func][]string{} // each function's benchmarks; their N is in s.retainedOps
	var slow []string
	estimate := 0.0 // seconds a pair of every measured benchmark takes
	for _, f := range s.funcs {
		if s.failedFunc(f) || len(s.binsOf[f]) < 2 {
			continue
		}
		benches, err := s.timedBenchmarks(f), error(nil)
		if len(benches) == 0 {
			benches, err = s.calibrate(ctx, f, true)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no retained-B/op for %s.%s: %v", f.Package, f.Name, err))
			}
			continue
		}
		cost := 0.0
		for _, b := range benches {
			n := min(b.ops, maxRetainedOps)
			cost += 2 * (3*float64(n)*b.nsPerOp/1e9 + 2*s.res.Run.StartupSeconds)
			s.retainedOps[benchKey{f.Package, b.name}] = n
			if 3*float64(n)*b.nsPerOp > float64(maxRetainedRun) {
				slow = append(slow, f.Package+"."+f.Name)
				cost = -1
				break
			}
		}
		if cost >= 0 {
			for _, b := range benches {
				names[f] = append(names[f], b.name)
			}
			estimate += cost
		}
	}
	if len(slow) > 0 {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("retained-B/op is not measured for %d benchmark functions slower than %v an operation (%s): at N = 1 their samples would cost more than they tell", len(slow), (maxRetainedRun/3).Round(time.Millisecond), strings.Join(slow[:min(3, len(slow))], ", ")))
	}
	for pair := 1; pair <= retainedPairs && len(names) > 0; pair++ {
		if ctx.Err() != nil {
			break
		}
		if s.opts.Budget > 0 && time.Since(start)+time.Duration(estimate*float64(time.Second)) > s.opts.Budget {
			s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget ended the retained-B/op measurement after %d of its %d pairs", s.opts.Budget, pair-1, retainedPairs))
			break
		}
		pairStart := time.Now()
		rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(1000+pair)))
		funcs := slices.Collect(maps.Keys(names))
		slices.SortFunc(funcs, func(a, b report.Func) int {
			return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.Name, b.Name))
		})
		rng.Shuffle(len(funcs), func(i, j int) { funcs[i], funcs[j] = funcs[j], funcs[i] })
		for _, f := range funcs {
			sides := []report.Side{report.Base, report.Head}
			if rng.IntN(2) == 1 {
				sides[0], sides[1] = sides[1], sides[0]
			}
			var out [2]bytes.Buffer
			var err error
			for i, side := range sides {
				b := s.binsOf[f][side]
				for _, name := range names[f] {
					n := s.retainedOps[benchKey{f.Package, name}]
					var v float64
					if v, err = s.retained(ctx, b, name, n); err != nil {
						break
					}
					fmt.Fprintf(&out[i], "Benchmark%s %d %s %s\n", name, 2*n, strconv.FormatFloat(v, 'f', -1, 64), report.RetainedUnit)
				}
				if err != nil {
					break
				}
			}
			if err != nil {
				delete(names, f)
				if ctx.Err() == nil {
					s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no retained-B/op for %s.%s: %v", f.Package, f.Name, err))
				}
				continue
			}
			// A pair joins the results only whole, so both sides keep the same samples.
			for i, side := range sides {
				b := s.binsOf[f][side]
				s.sides[side].out.WriteString(s.header(b.pkg.ImportPath, pair) + out[i].String() + "\n")
			}
		}
		estimate = time.Since(pairStart).Seconds()
	}
}

// timedBenchmarks are function f's benchmarks as the timed rounds measured them on base, with
// their time per operation, so that no run is needed to calibrate them; nil when the run did
// not time them.
func (s *schedule) timedBenchmarks(f report.Func) []calibrated {
	var out []calibrated
	for key, ns := range s.nsPerBench {
		if key.pkg != f.Package || string(benchfmt.Name(key.name).Base()) != f.Name || ns <= 0 {
			continue
		}
		out = append(out, calibrated{name: report.WithoutProcs(key.name), nsPerOp: ns, ops: opsFor(ns)})
	}
	slices.SortFunc(out, func(a, b calibrated) int { return cmp.Compare(a.name, b.name) })
	return out
}

// retained is what benchmark name on binary b keeps per operation, from its live heap after n
// and after 2n operations.
func (s *schedule) retained(ctx context.Context, b binary, name string, n int) (float64, error) {
	var inuse [2]float64
	for i, ops := range []int{n, 2 * n} {
		path := filepath.Join(s.tmp, fmt.Sprintf("retained.%d.pprof", i))
		if err := s.runProfile(ctx, b, oneCPU(name, ops), MemoryProfile, path); err != nil {
			return 0, err
		}
		p, err := profdiff.ReadFile(path)
		if err != nil {
			return 0, err
		}
		if inuse[i], err = profdiff.Total(p, profdiff.InuseSpace); err != nil {
			return 0, err
		}
		os.Remove(path)
	}
	if grown := inuse[1] - inuse[0]; grown >= retainedFloor {
		return grown / float64(n), nil
	}
	return 0, nil
}

// oneCPU are the arguments that run benchmark name (its full name without the GOMAXPROCS
// suffix) alone, ops times, on one processor: as counting and retained-B/op run it.
func oneCPU(name string, ops int) []string {
	return []string{"-test.cpu=1", "-test.bench=" + benchExpr(name), fmt.Sprintf("-test.benchtime=%dx", ops)}
}

// profileRetained keeps, for a function whose retained-B/op regressed, its heap profiles after
// N and 2N operations on each side in the profile directory: where, by allocation site, the
// kept bytes were allocated. Its benchmarks run together (the sub-benchmark alone when the
// request names one), at the largest N of the measurement.
func (s *schedule) profileRetained(ctx context.Context, req ProfileRequest, base, head binary) {
	n := 0
	for key, ops := range s.retainedOps {
		if key.pkg == req.Func.Package && (key.name == req.Func.Name || strings.HasPrefix(key.name, req.Func.Name+"/")) {
			n = max(n, ops)
		}
	}
	if n == 0 {
		return
	}
	p := Profile{Func: req.Func, Benchmark: subBenchmark(req), Kind: RetainedProfile, Ops: n}
	for _, side := range []struct {
		bin         binary
		long, short *string
	}{{base, &p.Base, &p.BaseShort}, {head, &p.Head, &p.HeadShort}} {
		name := strings.TrimSuffix(profileName(req.Func, side.bin.side, RetainedProfile), ".pprof")
		*side.short, *side.long = filepath.Join(s.opts.ProfileDir, name+".n.pprof"), filepath.Join(s.opts.ProfileDir, name+".2n.pprof")
		for i, ops := range []int{n, 2 * n} {
			args := []string{"-test.cpu=1", "-test.bench=" + s.profileBench(req), fmt.Sprintf("-test.benchtime=%dx", ops)}
			if err := s.runProfile(ctx, side.bin, args, MemoryProfile, []string{*side.short, *side.long}[i]); err != nil {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no retained heap profile of %s.%s: %v", req.Func.Package, req.Func.Name, err))
				return
			}
		}
	}
	s.res.Profiles = append(s.res.Profiles, p)
}
