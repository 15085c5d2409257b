package benchexec

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
	"github.com/benchgate/benchgate/internal/sysinfo"
)

// schedule runs the rounds.
type schedule struct {
	opts         Options
	env          []string
	user         *sandbox.User // runs the benchmarks, where gate is root
	count        *counting     // the instructions instrument's, when it counts
	sides        map[report.Side]*sideTree
	goos, goarch string
	progress     Progress
	res          *Result
	subBench     string               // the -bench expression's sub-benchmark part ("/..." or "")
	mine         map[report.Func]bool // a shard's functions; nil: all selected
	tmp          string               // gate's own temporary directory
	retainedOps  map[benchKey]int     // each benchmark's N in the retained-B/op measurement

	funcs  []report.Func                          // every selected benchmark function, sorted
	binsOf map[report.Func]map[report.Side]binary // a function's binary on each side that has it
	pkgBin map[string]map[report.Side]binary      // a package's binary on each side

	usage         map[sidePackage][]usage
	failed        map[failKey]bool
	iterations    map[report.Func]int
	nsPerOp       map[report.Func]float64       // an operation of the function's base, its sub-benchmarks summed
	nsPerBench    map[benchKey]float64          // an operation of each benchmark's base, by its full name
	pairTime      map[report.Func]time.Duration // a function's processes' wall time, summed
	pairRuns      map[report.Func]int
	pending       []pendingOutput
	roundRSS      map[sidePackage]uint64 // the round's largest peak RSS
	processesTime time.Duration
	benchTime     float64       // seconds in the benchmarks' timed loops
	roundCPU      time.Duration // CPU time of the round's processes
	disturbed     int           // rounds in which other work used more than competingCores
	// Other work's CPU seconds, and the rounds' wall seconds, summed over all rounds.
	otherSum, wallSum float64
	longRound         bool // a round lasted minCPUWindow or longer
	roundTimes        []time.Duration
}

// minCPUWindow is the shortest span whose CPU accounting is trusted: the kernel's counters tick
// every 10 ms, so a 30 ms round could seem to have had half a core of company.
const minCPUWindow = time.Second

// competingCores is how much CPU, in cores on average over a round, other work may use before
// the run is warned about: a little is the system's own housekeeping.
const competingCores = 0.25

// sidePackage is a package's binary on a side: what resource usage is kept by.
type sidePackage struct {
	side report.Side
	pkg  string
}

// compare orders by side, then package.
func (a sidePackage) compare(b sidePackage) int {
	return cmp.Or(cmp.Compare(a.side, b.side), cmp.Compare(a.pkg, b.pkg))
}

// failKey is what failed: a side's benchmark function (the benchmark schedule), or a side's
// package binary (the package schedule, Name "").
type failKey struct {
	side report.Side
	fn   report.Func
}

// job is one process of a round: a side's binary running one benchmark function (the benchmark
// schedule), or all its selected functions or the named ones (the package schedule).
type job struct {
	bin   binary
	funcs []report.Func // nil: all that match the -bench expression
}

func (s *schedule) run(ctx context.Context, bins []binary, start time.Time) {
	s.usage, s.failed = map[sidePackage][]usage{}, map[failKey]bool{}
	s.iterations, s.pairTime, s.pairRuns = map[report.Func]int{}, map[report.Func]time.Duration{}, map[report.Func]int{}
	s.nsPerOp, s.nsPerBench = map[report.Func]float64{}, map[benchKey]float64{}
	s.retainedOps = map[benchKey]int{}
	run := &s.res.Run
	run.Seed, run.Interleave, run.MaxCount = s.opts.Seed, s.opts.Interleave, s.opts.MaxCount
	run.FixedIterations = s.calibrates()
	s.list(ctx, bins)

	perRound := len(bins)
	if s.opts.Interleave == report.InterleaveBenchmark {
		perRound = 0
		for _, f := range s.funcs {
			perRound += len(s.binsOf[f])
		}
	}
	s.progress.Start(s.opts.Count, perRound, s.opts.Seed)
	roundsStart := time.Now()
	stopped := false
	for round := 1; round <= s.opts.Count && !stopped; round++ {
		stopped = !s.round(ctx, round, nil, start)
	}
	run.Looks = []int{run.Rounds}
	planned := report.PlannedLooks(s.opts.Count, s.opts.MaxCount)
	for look := 1; look < len(planned) && !stopped && s.opts.Undecided != nil && run.Rounds > 0; look++ {
		undecided := s.undecided()
		if len(undecided) == 0 {
			break
		}
		run.Extra = append(run.Extra, undecided)
		if s.count != nil {
			s.count.widen(undecided)
		}
		s.progress.Extra(run.Rounds+1, planned[look], len(undecided))
		for round := run.Rounds + 1; round <= planned[look] && !stopped; round++ {
			stopped = !s.round(ctx, round, undecided, start)
		}
		if run.Rounds > run.Looks[len(run.Looks)-1] {
			run.Looks = append(run.Looks, run.Rounds)
		}
	}
	if !s.longRound && s.wallSum >= minCPUWindow.Seconds() {
		// Short rounds: judge them together.
		run.Machine.OtherCPU = s.otherSum / s.wallSum
		if run.Machine.OtherCPU > competingCores {
			s.disturbed = run.Rounds
		}
	}
	run.RoundsSeconds = time.Since(roundsStart).Seconds()
	run.ProcessesSeconds = s.processesTime.Seconds()
	run.BenchmarkSeconds = s.benchTime
	s.progress.Done()
	if !stopped {
		s.retain(ctx, start)
		s.profile(ctx, start)
	}
	s.summarizeUsage()
}

// calibrates tells whether runs after the first use a fixed iteration count.
func (s *schedule) calibrates() bool {
	return s.opts.Interleave == report.InterleaveBenchmark && !s.opts.TimedIterations && !strings.HasSuffix(s.opts.Benchtime, "x")
}

// list asks every binary for its benchmark functions (which also measures how long a binary
// takes to start), and keeps those the -bench expression selects.
func (s *schedule) list(ctx context.Context, bins []binary) {
	re, _ := topLevel(s.opts.Bench) // Run compiled it already
	s.binsOf, s.pkgBin = map[report.Func]map[report.Side]binary{}, map[string]map[report.Side]binary{}
	var startups []float64
	for _, b := range bins {
		if s.pkgBin[b.pkg.ImportPath] == nil {
			s.pkgBin[b.pkg.ImportPath] = map[report.Side]binary{}
		}
		s.pkgBin[b.pkg.ImportPath][b.side] = b
		o := runBinary(ctx, s.env, s.user, b.pkg.Dir, b.path, []string{"-test.list=^Benchmark"}, s.opts.Timeout)
		if o.failure != "" {
			// The binary fails before any benchmark runs; the rounds record the failure.
			continue
		}
		startups = append(startups, o.usage.wall.Seconds())
		for _, name := range strings.Fields(string(o.stdout)) {
			if !isBenchmark(name) || !re.MatchString(name) {
				continue
			}
			f := report.Func{Package: b.pkg.ImportPath, Name: strings.TrimPrefix(name, "Benchmark")}
			if s.mine != nil && !s.mine[f] {
				continue
			}
			if s.binsOf[f] == nil {
				s.binsOf[f] = map[report.Side]binary{}
				s.funcs = append(s.funcs, f)
			}
			s.binsOf[f][b.side] = b
		}
	}
	sort.Slice(s.funcs, func(i, j int) bool {
		a, b := s.funcs[i], s.funcs[j]
		return a.Package < b.Package || a.Package == b.Package && a.Name < b.Name
	})
	if len(startups) > 0 {
		s.res.Run.StartupSeconds = median(startups)
	}
}

// undecided asks which benchmark functions are still undecided, given the results so far.
func (s *schedule) undecided() []report.Func {
	run := s.res.Run
	run.Failures = slices.Clone(run.Failures)
	var out []report.Func
	for _, f := range s.opts.Undecided(&run, s.sides[report.Base].out.Bytes(), s.sides[report.Head].out.Bytes()) {
		if _, ok := s.binsOf[f]; ok && !s.failedFunc(f) {
			out = append(out, f)
		}
	}
	return out
}

// failedFunc tells whether a benchmark function failed on either side: it is not run again.
func (s *schedule) failedFunc(f report.Func) bool {
	if s.opts.Interleave == report.InterleavePackage {
		f.Name = ""
	}
	return s.failed[failKey{report.Base, f}] || s.failed[failKey{report.Head, f}]
}

// jobs lays out a round's processes in their shuffled order: all selected benchmarks (only nil),
// or only the given functions.
func (s *schedule) jobs(rng *rand.Rand, only []report.Func) []job {
	var out []job
	if s.opts.Interleave == report.InterleaveBenchmark {
		funcs := slices.Clone(s.funcs)
		if only != nil {
			funcs = slices.Clone(only)
		}
		rng.Shuffle(len(funcs), func(i, j int) { funcs[i], funcs[j] = funcs[j], funcs[i] })
		for _, f := range funcs {
			if s.failedFunc(f) {
				continue
			}
			sides := []report.Side{report.Base, report.Head}
			if rng.IntN(2) == 1 {
				sides[0], sides[1] = sides[1], sides[0]
			}
			for _, side := range sides {
				if b, ok := s.binsOf[f][side]; ok {
					out = append(out, job{bin: b, funcs: []report.Func{f}})
				}
			}
		}
		return out
	}
	byPkg := map[string][]report.Func{}
	for _, f := range only {
		byPkg[f.Package] = append(byPkg[f.Package], f)
	}
	pkgs := make([]string, 0, len(s.pkgBin))
	for p := range s.pkgBin {
		if only == nil || byPkg[p] != nil {
			pkgs = append(pkgs, p)
		}
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		for _, side := range []report.Side{report.Base, report.Head} {
			if b, ok := s.pkgBin[p][side]; ok && !s.failed[failKey{side, report.Func{Package: p}}] {
				out = append(out, job{bin: b, funcs: byPkg[p]})
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// round runs one round of the given functions (nil: all), and tells whether the run may go on.
func (s *schedule) round(ctx context.Context, round int, only []report.Func, start time.Time) bool {
	run := &s.res.Run
	if ctx.Err() != nil {
		s.interrupted(only)
		return false
	}
	if next := s.estimate(only); s.opts.Budget > 0 && next > 0 && time.Since(start)+next > s.opts.Budget {
		if only == nil {
			s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget allowed %d of %d rounds: another would take about %v more; benchmarks with too few samples are inconclusive", s.opts.Budget, round-1, s.opts.Count, next.Round(time.Second)))
		} else {
			s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget ended the extra rounds after round %d: %d benchmarks were still undecided", s.opts.Budget, round-1, len(only)))
		}
		return false
	}
	rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(round)))
	jobs := s.jobs(rng, only)
	roundStart := time.Now()
	busyBefore, busyOK := sysinfo.BusyCPU(ctx)
	s.roundCPU = 0
	s.roundRSS = map[sidePackage]uint64{}
	// Timed runs first, so that a pair's two timed runs stay back to back; then, when the run
	// counts, the jobs counted.
	if s.opts.Measure.Times() {
		for _, j := range jobs {
			if ctx.Err() != nil {
				break
			}
			s.runOne(ctx, j, round)
			s.progress.Ran(round, j.bin.pkg.ImportPath, j.bin.side)
		}
	}
	if s.count != nil && ctx.Err() == nil {
		s.countRound(ctx, jobs, round)
	}
	if ctx.Err() != nil {
		// A round cut short is not counted: its results stay out, so both sides keep the same
		// number of samples.
		s.pending = s.pending[:0]
		s.interrupted(only)
		return false
	}
	took := time.Since(roundStart)
	s.roundTimes = append(s.roundTimes, took)
	if busyAfter, ok := sysinfo.BusyCPU(ctx); ok && busyOK {
		other := max(0, busyAfter-busyBefore-s.roundCPU.Seconds())
		s.otherSum += other
		s.wallSum += took.Seconds()
		if took >= minCPUWindow {
			s.longRound = true
			run.Machine.OtherCPU = max(run.Machine.OtherCPU, other/took.Seconds())
			if other/took.Seconds() > competingCores {
				s.disturbed++
			}
		}
	}
	run.Rounds = round
	s.commitRound(round, only == nil)
	s.progress.RoundDone(round, took)
	return true
}

func (s *schedule) interrupted(only []report.Func) {
	if only == nil {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("interrupted after %d of %d rounds; what they measured is compared", s.res.Run.Rounds, s.opts.Count))
	} else {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("interrupted in the extra rounds, after round %d; what they measured is compared", s.res.Run.Rounds))
	}
}

// estimate is how long a round of the given functions will take, from the rounds so far; 0 when
// nothing is known yet.
func (s *schedule) estimate(only []report.Func) time.Duration {
	if only == nil || s.opts.Interleave == report.InterleavePackage {
		if len(s.roundTimes) == 0 {
			return 0
		}
		var sum time.Duration
		for _, d := range s.roundTimes[:min(len(s.roundTimes), s.opts.Count)] {
			sum += d
		}
		full := sum / time.Duration(min(len(s.roundTimes), s.opts.Count))
		if only == nil {
			return full
		}
		return full * time.Duration(len(only)) / time.Duration(max(1, len(s.funcs)))
	}
	var est time.Duration
	for _, f := range only {
		if n := s.pairRuns[f]; n > 0 {
			est += s.pairTime[f] / time.Duration(n)
		}
	}
	return est
}

// pendingOutput is one process's output in the round in progress. Outputs join their side's
// results only when the round completes, so that a cancelled round leaves both sides with the
// same number of samples.
type pendingOutput struct {
	side *sideTree
	text string
}

func (s *schedule) args(j job, round int) []string {
	args := []string{"-test.run=^$", "-test.benchmem", "-test.count=1"}
	benchtime := s.opts.Benchtime
	switch {
	case s.opts.Interleave == report.InterleaveBenchmark:
		f := j.funcs[0]
		args = append(args, "-test.bench=^"+regexp.QuoteMeta("Benchmark"+f.Name)+"$"+s.subBench)
		if n := s.iterations[f]; n > 0 && round > 1 {
			benchtime = fmt.Sprintf("%dx", n)
		}
	case j.funcs == nil:
		args = append(args, "-test.bench="+s.opts.Bench)
	default:
		names := make([]string, len(j.funcs))
		for i, f := range j.funcs {
			names[i] = regexp.QuoteMeta("Benchmark" + f.Name)
		}
		args = append(args, "-test.bench=^("+strings.Join(names, "|")+")$"+s.subBench)
	}
	if benchtime != "" {
		args = append(args, "-test.benchtime="+benchtime)
	}
	return args
}

func (s *schedule) runOne(ctx context.Context, j job, round int) {
	b := j.bin
	o := runBinary(ctx, s.env, s.user, b.pkg.Dir, b.path, s.args(j, round), s.opts.Timeout)
	if o.failure == "cancelled" {
		return
	}
	s.processesTime += o.usage.wall
	s.roundCPU += o.usage.cpu
	side := s.sides[b.side]
	key := sidePackage{b.side, b.pkg.ImportPath}
	if o.dropped > 0 {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("package %s on %s printed more than %d MiB in round %d; the %d bytes past that were dropped", b.pkg.ImportPath, b.side, maxOutput>>20, round, o.dropped))
	}
	byFunc := s.opts.Interleave == report.InterleaveBenchmark
	if byFunc {
		f := j.funcs[0]
		s.pairTime[f] += o.usage.wall
		if b.side == report.Base || s.binsOf[f][report.Base].path == "" {
			s.pairRuns[f]++
		}
	}
	if o.failure != "" {
		fail := report.Failure{
			Package: b.pkg.ImportPath, Side: b.side, Round: round,
			Benchmark: failingBenchmark(append(o.stdout, o.tail...)), Message: o.failure, Output: o.tail,
		}
		// The pair's other side still runs in this round, so that a failure on both sides is
		// told from one on a side alone; from the next round on, the function is left out.
		failed := failKey{side: b.side, fn: report.Func{Package: b.pkg.ImportPath}}
		if byFunc {
			fail.Benchmark = j.funcs[0].Name
			failed.fn = j.funcs[0]
		}
		s.failed[failed] = true
		s.res.Run.Failures = append(s.res.Run.Failures, fail)
		return
	}
	s.usage[key] = append(s.usage[key], o.usage)
	s.roundRSS[key] = max(s.roundRSS[key], o.usage.peakRSS)
	results := timedResults(o.stdout)
	perOp := map[report.Func]float64{}
	for _, r := range results {
		s.benchTime += float64(r.iters) * r.nsPerOp / 1e9
		perOp[report.Func{Package: b.pkg.ImportPath, Name: r.fn}] += r.nsPerOp
		if b.side == report.Base {
			s.nsPerBench[benchKey{b.pkg.ImportPath, r.name}] = r.nsPerOp
		}
	}
	if b.side == report.Base {
		maps.Copy(s.nsPerOp, perOp)
	}
	if byFunc && round == 1 && len(results) == 1 && s.calibrates() {
		if f := j.funcs[0]; b.side == report.Base || s.iterations[f] == 0 {
			s.iterations[f] = results[0].iters
		}
	}
	s.pending = append(s.pending, pendingOutput{side: side, text: s.header(b.pkg.ImportPath, round) + string(o.stdout) + "\n"})
}

// header is what precedes a process's output in its side's results: the configuration that
// benchfmt reads, with the pair the results belong to.
func (s *schedule) header(pkg string, round int) string {
	return fmt.Sprintf("goos: %s\ngoarch: %s\npkg: %s\n%s: %d\n", s.goos, s.goarch, pkg, report.PairKey, round)
}

// benchKey is a benchmark of a package by its full name.
type benchKey struct{ pkg, name string }

// timed is one benchmark result's name, function, iterations and time per op.
type timed struct {
	name    string // the full name, without "Benchmark"
	fn      string // the top-level function's name, without "Benchmark"
	iters   int
	nsPerOp float64
}

// timedResults reads the results in a process's output.
func timedResults(out []byte) []timed {
	var ts []timed
	r := benchfmt.NewReader(bytes.NewReader(out), "")
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		// A result a binary printed with a time that is no number ("NaN ns/op") times nothing.
		if v, ok := res.Value("sec/op"); ok && !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 {
			ts = append(ts, timed{name: res.Name.String(), fn: string(res.Name.Base()), iters: res.Iters, nsPerOp: v * 1e9})
		}
	}
	return ts
}

// commitRound adds the round's outputs to their sides, and, for a round of every benchmark, each
// package's largest peak RSS on each side as the [process] benchmark, where the platform
// measures it.
func (s *schedule) commitRound(round int, full bool) {
	for _, p := range s.pending {
		p.side.out.WriteString(p.text)
	}
	s.pending = s.pending[:0]
	if !full || !peakRSSMeasured {
		return
	}
	keys := slices.SortedFunc(maps.Keys(s.roundRSS), sidePackage.compare)
	for _, k := range keys {
		fmt.Fprintf(&s.sides[k.side].out, "%sBenchmark%s 1 %d %s\n", s.header(k.pkg, round), report.ProcessBenchmark, s.roundRSS[k], report.PeakRSSUnit)
	}
}

// summarizeUsage turns each process's runs into medians, in package then side order.
func (s *schedule) summarizeUsage() {
	for key, us := range s.usage {
		walls, cpus, rss := make([]float64, len(us)), make([]float64, len(us)), make([]float64, len(us))
		for i, u := range us {
			walls[i], cpus[i], rss[i] = u.wall.Seconds(), u.cpu.Seconds(), float64(u.peakRSS)
		}
		s.res.Run.Processes = append(s.res.Run.Processes, report.Process{
			Package: key.pkg, Side: key.side, Runs: len(us),
			WallSeconds: median(walls), CPUSeconds: median(cpus), PeakRSSBytes: uint64(median(rss)),
		})
	}
	sort.Slice(s.res.Run.Processes, func(i, j int) bool {
		a, b := s.res.Run.Processes[i], s.res.Run.Processes[j]
		return a.Package < b.Package || a.Package == b.Package && a.Side < b.Side
	})
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
