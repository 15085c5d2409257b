package benchexec

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
)

// ProfileRequest asks for profiles of a benchmark function that regressed: a CPU profile for a
// regression in time, a memory profile (every allocation sampled) for one in B/op or allocs/op.
type ProfileRequest struct {
	Func report.Func
	// Benchmark, when it names a sub-benchmark of Func (as the output names it, "Sub/n=10-8"),
	// is the only one that runs; otherwise all of Func's that the -bench expression selects do.
	Benchmark   string
	CPU, Memory bool
	// Instructions asks for per-function instruction counts, for a regression in
	// instructions/op or est-cycles/op of a run that counts.
	Instructions bool
	// Retained asks for heap profiles after N and 2N operations, for a regression in
	// retained-B/op.
	Retained bool
}

// Profile is one profile of a benchmark function on each side, taken after the rounds.
type Profile struct {
	Func report.Func
	// Benchmark is the sub-benchmark that ran, "" for the whole function.
	Benchmark string
	// Kind is "cpu" or "memory".
	Kind string
	// Base and Head are the profiles' paths, in Options.ProfileDir. For InstructionsProfile they
	// are cachegrind's outputs of the long run, and BaseShort and HeadShort of the short one:
	// the difference is the count of Ops operations; for RetainedProfile, heap profiles after
	// 2×Ops and Ops operations.
	Base, Head           string
	BaseShort, HeadShort string
	// Ops is the number of operations each side ran (-test.benchtime=Nx, the same on both), or
	// for the two-run kinds, the operations between its short and long runs.
	Ops int
}

// The profiles' kinds.
const (
	CPUProfile          = "cpu"
	MemoryProfile       = "memory"
	InstructionsProfile = "instructions"
	RetainedProfile     = "retained"
)

// cpuProfileTime is how long a CPU profile runs on each side: at the runtime's 100 samples a
// second, about 100 samples of the benchmark.
const cpuProfileTime = time.Second

// memoryProfileTime is how long a memory profile runs at the base's speed: sampling every
// allocation slows allocation-heavy code down many times.
const memoryProfileTime = 200 * time.Millisecond

// maxMemoryProfileOps bounds a memory profile's operations: recording every allocation costs a
// microsecond or two each, so 200 ms of a 20 ns allocation took 20 seconds a side (measured);
// a hundred thousand operations show where the bytes go as well.
const maxMemoryProfileOps = 100_000

// maxProfiled is how many functions are profiled when Options.MaxProfiled is 0.
const maxProfiled = 5

// profile runs the requested profiles, each side once per kind, after the rounds: it does not
// disturb them. What the budget has no room for is skipped with a warning.
func (s *schedule) profile(ctx context.Context, start time.Time) {
	if s.opts.Explain == nil || s.opts.ProfileDir == "" || s.res.Run.Rounds == 0 {
		return
	}
	run := s.res.Run
	reqs := s.opts.Explain(&run, s.sides[report.Base].out.Bytes(), s.sides[report.Head].out.Bytes())
	limit := s.opts.MaxProfiled
	if limit == 0 {
		limit = maxProfiled
	}
	if len(reqs) > limit {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("%d benchmark functions regressed; the %d largest regressions were profiled", len(reqs), limit))
		reqs = reqs[:limit]
	}
	if len(reqs) == 0 {
		return
	}
	if err := os.MkdirAll(s.opts.ProfileDir, 0o755); err != nil {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no profiles: %v", err))
		return
	}
	for i, req := range reqs {
		bins := s.binsOf[req.Func]
		base, okB := bins[report.Base]
		head, okH := bins[report.Head]
		ns := s.nsPerOp[req.Func]
		if sub := subBenchmark(req); sub != "" {
			ns = s.nsPerBench[benchKey{req.Func.Package, sub}]
		}
		if !okB || !okH || s.failedFunc(req.Func) {
			continue
		}
		if req.Instructions && s.count != nil {
			if s.opts.Budget > 0 && time.Since(start)+3*cpuProfileTime > s.opts.Budget {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget left no room for profiling %d of the %d regressed benchmark functions", s.opts.Budget, len(reqs)-i, len(reqs)))
				return
			}
			s.profileInstructions(ctx, req, base, head)
		}
		for _, kind := range []string{CPUProfile, MemoryProfile} {
			if kind == CPUProfile && !req.CPU || kind == MemoryProfile && !req.Memory || ns <= 0 {
				continue
			}
			d := cpuProfileTime
			if kind == MemoryProfile {
				d = memoryProfileTime
			}
			ops := max(1, int(math.Ceil(float64(d)/ns)))
			if kind == MemoryProfile {
				ops = min(ops, maxMemoryProfileOps)
			}
			// Each side runs about d, and the head that regressed a little longer.
			if s.opts.Budget > 0 && time.Since(start)+3*d > s.opts.Budget {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget left no room for profiling %d of the %d regressed benchmark functions", s.opts.Budget, len(reqs)-i, len(reqs)))
				return
			}
			p := Profile{Func: req.Func, Benchmark: subBenchmark(req), Kind: kind, Ops: ops}
			ok := true
			for _, side := range []struct {
				bin  binary
				path *string
			}{{base, &p.Base}, {head, &p.Head}} {
				*side.path = filepath.Join(s.opts.ProfileDir, profileName(req.Func, side.bin.side, kind))
				args := []string{"-test.bench=" + s.profileBench(req), fmt.Sprintf("-test.benchtime=%dx", ops)}
				if err := s.runProfile(ctx, side.bin, args, kind, *side.path); err != nil {
					s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no %s profile of %s.%s: %v", kind, req.Func.Package, req.Func.Name, err))
					ok = false
					break
				}
			}
			if ok {
				s.res.Profiles = append(s.res.Profiles, p)
			}
		}
		if req.Retained {
			if s.opts.Budget > 0 && time.Since(start) > s.opts.Budget {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget left no room for profiling %d of the %d regressed benchmark functions", s.opts.Budget, len(reqs)-i, len(reqs)))
				return
			}
			s.profileRetained(ctx, req, base, head)
		}
	}
}

// profileInstructions counts the requested benchmark once more on each side, keeping
// cachegrind's outputs in the profile directory: where, by function, the instructions went.
func (s *schedule) profileInstructions(ctx context.Context, req ProfileRequest, base, head binary) {
	name := req.Func.Name
	if sub := subBenchmark(req); sub != "" {
		name = report.WithoutProcs(sub)
	}
	n := s.count.iters[benchKey{req.Func.Package, name}]
	for _, other := range s.count.names[req.Func] { // the whole function: each of its benchmarks runs n times
		n = max(n, s.count.iters[benchKey{req.Func.Package, other}])
	}
	if n == 0 {
		return
	}
	p := Profile{Func: req.Func, Benchmark: subBenchmark(req), Kind: InstructionsProfile, Ops: countedOps(n)}
	for _, side := range []struct {
		bin         binary
		long, short *string
	}{{base, &p.Base, &p.BaseShort}, {head, &p.Head, &p.HeadShort}} {
		keep := filepath.Join(s.opts.ProfileDir, strings.TrimSuffix(profileName(req.Func, side.bin.side, InstructionsProfile), ".pprof")+".cachegrind")
		if _, _, _, failure, _ := s.countRuns(ctx, side.bin, name, n, string(side.bin.side), keep); failure != "" {
			s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("no instruction profile of %s.%s: %s", req.Func.Package, req.Func.Name, failure))
			return
		}
		*side.short, *side.long = keep+".short.out", keep+".long.out"
	}
	s.res.Profiles = append(s.res.Profiles, p)
}

// subBenchmark is the sub-benchmark a request names, "" when it names none.
func subBenchmark(req ProfileRequest) string {
	if _, parts := benchfmt.Name(req.Benchmark).Parts(); len(parts) > 0 && strings.HasPrefix(string(parts[0]), "/") {
		return req.Benchmark
	}
	return ""
}

// profileBench is the -test.bench expression that runs what a request names: the sub-benchmark,
// each part of its name anchored, or else the function with the run's sub-benchmark part.
func (s *schedule) profileBench(req ProfileRequest) string {
	expr := "^" + regexp.QuoteMeta("Benchmark"+req.Func.Name) + "$"
	if subBenchmark(req) == "" {
		return expr + s.subBench
	}
	_, parts := benchfmt.Name(req.Benchmark).Parts()
	for _, p := range parts {
		if part, ok := strings.CutPrefix(string(p), "/"); ok {
			expr += "/^" + regexp.QuoteMeta(part) + "$"
		}
	}
	return expr
}

// runProfile runs a binary's benchmarks that run selects (its -test.bench, -test.benchtime and
// the like) with a profile of kind written to path; a memory profile records every allocation.
// Where the benchmarks run as a user of their own, the profile is written in that user's
// directory and copied to path as untrusted output (sandbox.ReadFile).
func (s *schedule) runProfile(ctx context.Context, b binary, run []string, kind, path string) error {
	written := path
	if s.user != nil {
		dir, err := s.user.Dir("profiles")
		if err != nil {
			return err
		}
		written = filepath.Join(dir, filepath.Base(path))
	}
	args := append([]string{"-test.run=^$", "-test.count=1"}, run...)
	if kind == CPUProfile {
		args = append(args, "-test.cpuprofile="+written)
	} else {
		args = append(args, "-test.memprofile="+written, "-test.memprofilerate=1")
	}
	o := runBinary(ctx, s.env, s.user, b.pkg.Dir, b.path, args, s.opts.Timeout)
	if o.failure != "" {
		return fmt.Errorf("%s on %s: %s", o.failure, b.side, strings.TrimSpace(o.tail))
	}
	if written == path {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("the %s side wrote no profile", b.side)
		}
		return nil
	}
	data, err := sandbox.ReadFile(filepath.Dir(written), filepath.Base(written))
	if err != nil {
		return fmt.Errorf("the %s side wrote no profile: %v", b.side, err)
	}
	return os.WriteFile(path, data, 0o644)
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// profileName is a profile's file name: package, function, side and kind.
func profileName(f report.Func, side report.Side, kind string) string {
	return unsafeFileChars.ReplaceAllString(fmt.Sprintf("%s.%s.%s.%s.pprof", f.Package, f.Name, side, kind), "_")
}
