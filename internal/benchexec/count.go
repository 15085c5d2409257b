package benchexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/cachegrind"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
)

// The instructions instrument counts what a benchmark executes instead of timing it: each
// sample of a benchmark is two runs of its binary under Valgrind's cachegrind, a short one of
// countShort iterations and a long one of countShort+3N (-test.benchtime=Nx), and the
// difference over 3N is the count per operation, so that the process's start-up, the testing
// package's b.N=1 warm-up and everything else that does not grow with the iterations cancel.
// Counts do not depend on what else the machine runs: two runs of the same binary differ by a
// fraction of a percent.
//
// Why a short run and a long one rather than N and 2N, which earlier versions ran: the same
// operations in all (3N) then all go into the difference instead of a third of them, and both
// what varies from operation to operation and the background's noise are divided by 3N instead
// of N. On the detection fixture, eight identical counts of each kind spread 2–4 times less at
// the same cost (the random-work kind 10.6% → 2.7%, allocation 1.9% → 0.5%, map 0.56% → 0.32%;
// go run ./bench/detect -count-spread 10ms -trials 8).
//
// The runs use one processor (-test.cpu 1): Valgrind runs a process's threads one at a time,
// and with more than one P the Go scheduler's idle Ps spin in those turns, which made two
// identical runs differ by a factor of 25 in total instructions (measured). A b.RunParallel
// benchmark's count is then the work of its goroutines run one after another: what the code
// executes, not how it scales. GODEBUG=cpu.rdtscp=off lets the runtime start (Valgrind 3.19
// cannot decode RDTSCP, which the runtime's cputicks uses; the fallback is RDTSC), and
// asyncpreemptoff=1 keeps the runtime's timer-driven preemption signals, whose number depends
// on Valgrind's speed, out of the count. gcstoptheworld=1 makes each garbage collection mark
// with the world stopped: a concurrent collection's cost to the benchmark (write barriers,
// allocating black, assists) depends on how long its mark phase lasts, which the pacer sets by
// the clock, and cachegrind's per-function counts of identical runs of an allocating benchmark
// differed by up to 32% in those functions alone; stopped, the same runs differ by 0.6%, and a
// cycle's marking and sweeping are still counted. None of the three changes the benchmark's
// own code.

// countTarget is the native run time an iteration count is chosen for: the difference between
// the two runs then holds twenty to fifty million instructions, against what is left of the
// background between identical runs (the page allocator and the scavenger, whose work follows
// the clock), a spread of 0.1–0.6% (measured on the detection fixture's kinds). Under Valgrind
// such a run takes about a second.
const countTarget = 10 * time.Millisecond

// countShort is the short run's iterations. Two, not one: a b.N benchmark runs b.N=1 first and
// then the N asked for, a b.Loop benchmark runs only the N asked for, so from two iterations up
// the long run does exactly 3N more operations than the short one in both styles (from one, a
// b.Loop benchmark would do one fewer, and a change of style would move a slow benchmark's count).
const countShort = 2

// countLong is the long run's iterations for a benchmark whose N is n.
func countLong(n int) int { return countShort + 3*n }

// countedOps is the operations the long run does past the short one, which a count divides by.
func countedOps(n int) int { return countLong(n) - countShort }

// Simulated caches, the same on every machine so that est-cycles/op compares across runners
// and over a history: 32 KiB 8-way L1 caches and an 8 MiB 16-way last level, 64-byte lines.
var cacheGeometry = []string{"--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"}

// CountGODEBUG is what the counted runs add to GODEBUG.
const CountGODEBUG = "cpu.rdtscp=off,asyncpreemptoff=1,gcstoptheworld=1"

// FindValgrind is the valgrind the instructions instrument runs, or an error that says how to
// get one.
func FindValgrind() (string, error) {
	switch runtime.GOOS {
	case "linux":
	default:
		return "", fmt.Errorf("--measure instructions counts under Valgrind, which runs Go binaries on Linux only; on %s use --measure time", runtime.GOOS)
	}
	path, err := exec.LookPath("valgrind")
	if err != nil {
		return "", errors.New("--measure instructions counts under Valgrind, and valgrind is not on PATH: install it (apt-get install valgrind, dnf install valgrind) or use --measure time")
	}
	return path, nil
}

// counting is the instructions instrument's state in a schedule.
type counting struct {
	valgrind string
	dir      string // where cachegrind writes, the benchmarks' user's when there is one
	// iters is each benchmark's N, chosen once from its base's time per operation (calibrate).
	iters map[benchKey]int
	// names are each function's benchmarks, by full name without the GOMAXPROCS suffix.
	names map[report.Func][]string
	// counts are each benchmark's instructions per operation so far, by side; widened, the
	// benchmarks whose N was widened.
	counts  map[benchKey]map[report.Side][]float64
	widened map[benchKey]bool
	fixed   bool // the user fixed N (a -benchtime of Nx): it is not widened
}

// wideSpread is the spread of a benchmark's counts on a side (highest minus lowest, over the
// lowest) past which its extra rounds count widenBy times as many operations. What is left of
// the runtime's background moves a count by 0.1–1.5%; a count that moves more is mostly the
// benchmark's own work varying from operation to operation (random inputs, random choices), and
// the mean of N such operations varies as 1/√N: four times the operations halve the spread, at
// four times the cost, paid only by such benchmarks and only when they are still undecided.
const (
	wideSpread = 0.02
	widenBy    = 4
)

// widen gives each benchmark of the undecided functions whose counts spread past wideSpread
// widenBy times its N, once: both sides' next pairs count the new N, so each pair stays a
// comparison of equals, and the samples of both Ns estimate the same count per operation.
func (c *counting) widen(undecided []report.Func) {
	if c.fixed {
		return
	}
	for _, f := range undecided {
		for _, name := range c.names[f] {
			key := benchKey{f.Package, name}
			if c.widened[key] {
				continue
			}
			for _, xs := range c.counts[key] {
				if spread(xs) > wideSpread {
					c.iters[key] *= widenBy
					c.widened[key] = true
					break
				}
			}
		}
	}
}

// spread is (highest − lowest) / lowest of positive numbers; 0 for fewer than two.
func spread(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	if lo <= 0 {
		return 0
	}
	return (hi - lo) / lo
}

// newCounting prepares the instrument: valgrind, and a directory the benchmarks' user may
// write its counts to.
func newCounting(user *sandbox.User, tmp string) (*counting, error) {
	vg, err := FindValgrind()
	if err != nil {
		return nil, err
	}
	c := &counting{valgrind: vg, iters: map[benchKey]int{}, names: map[report.Func][]string{},
		counts: map[benchKey]map[report.Side][]float64{}, widened: map[benchKey]bool{}}
	if user != nil {
		c.dir, err = user.Dir("counts")
	} else {
		c.dir = filepath.Join(tmp, "counts")
		err = os.Mkdir(c.dir, 0o700)
	}
	return c, err
}

// countRound counts the round's jobs, CountJobs of them at a time: a count does not depend on
// what else the machine runs, so unlike timed runs counted runs share it, and a run that counts
// takes a core's worth of the whole instead of one core's share of the time. The iteration
// counts are chosen first, one at a time, since that is a native, timed run. The jobs' outputs
// join the round in the jobs' order, whatever order they finish in.
func (s *schedule) countRound(ctx context.Context, jobs []job, round int) {
	var todo []job
	for _, j := range jobs {
		b, f := j.bin, j.funcs[0]
		if ctx.Err() != nil {
			return
		}
		if s.failed[failKey{b.side, f}] {
			continue
		}
		if _, err := s.countNames(ctx, f); err != nil {
			s.countFailed(b, f, round, err.Error(), "")
			continue
		}
		todo = append(todo, j)
	}
	outcomes := make([]countOutcome, len(todo))
	slots := make(chan int, s.countJobs())
	for i := range cap(slots) {
		slots <- i
	}
	var wg sync.WaitGroup
	var mu sync.Mutex // the progress
	for i, j := range todo {
		slot := <-slots
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcomes[i] = s.countJob(ctx, j, fmt.Sprint(slot))
			slots <- slot
			if !s.opts.Measure.Times() {
				mu.Lock()
				s.progress.Ran(round, j.bin.pkg.ImportPath, j.bin.side)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, j := range todo {
		o := outcomes[i]
		s.processesTime += o.usage.wall
		s.roundCPU += o.usage.cpu
		// A pair's share of the round's wall time, for the budget's estimate of extra rounds:
		// its counts' wall time over the counts running at once.
		f := j.funcs[0]
		s.pairTime[f] += o.usage.wall / time.Duration(cap(slots))
		if !s.opts.Measure.Times() && (j.bin.side == report.Base || s.binsOf[f][report.Base].path == "") {
			s.pairRuns[f]++
		}
		switch {
		case o.failure == "cancelled":
		case o.failure != "":
			s.countFailed(j.bin, f, round, o.failure, o.tail)
		default:
			s.pending = append(s.pending, pendingOutput{side: s.sides[j.bin.side], text: s.header(j.bin.pkg.ImportPath, round) + "cpu: counted under Valgrind\n" + o.lines + "\n"})
			for name, n := range o.perOp {
				key := benchKey{f.Package, name}
				if s.count.counts[key] == nil {
					s.count.counts[key] = map[report.Side][]float64{}
				}
				s.count.counts[key][j.bin.side] = append(s.count.counts[key][j.bin.side], n)
			}
		}
	}
}

// countJobs is how many counts run at once: CountJobs, else one per logical CPU.
func (s *schedule) countJobs() int {
	if s.opts.CountJobs > 0 {
		return s.opts.CountJobs
	}
	return max(1, runtime.NumCPU())
}

// countOutcome is what counting one job gave: its result lines, or a failure with the output's
// tail; and the processes' usage, summed.
type countOutcome struct {
	lines, failure, tail string
	perOp                map[string]float64 // instructions per operation, by benchmark
	usage                usage
}

// countJob counts each benchmark of job j's function on its side: a result line per benchmark
// with instructions/op and est-cycles/op, and, when the run is not also timed, B/op and
// allocs/op of the long run. slot names cachegrind's files, apart from the other jobs' running
// beside it.
func (s *schedule) countJob(ctx context.Context, j job, slot string) countOutcome {
	o := countOutcome{perOp: map[string]float64{}}
	var lines strings.Builder
	f := j.funcs[0]
	for _, name := range s.count.names[f] {
		n := s.count.iters[benchKey{f.Package, name}]
		line, perOp, used, failure, tail := s.countBenchmark(ctx, j.bin, name, n, slot)
		o.perOp[name] = perOp
		o.usage.wall += used.wall
		o.usage.cpu += used.cpu
		if failure != "" {
			o.failure, o.tail = failure, tail
			return o
		}
		lines.WriteString(line)
	}
	o.lines = lines.String()
	return o
}

func (s *schedule) countFailed(b binary, f report.Func, round int, msg, tail string) {
	s.failed[failKey{b.side, f}] = true
	s.res.Run.Failures = append(s.res.Run.Failures, report.Failure{
		Package: b.pkg.ImportPath, Side: b.side, Round: round, Benchmark: f.Name,
		Message: "counting instructions: " + msg, Output: tail,
	})
}

// countNames are the benchmarks of function f that the run selects, each with its N chosen at
// the first call: the N of a -benchtime of Nx, else the N calibrate chose.
func (s *schedule) countNames(ctx context.Context, f report.Func) ([]string, error) {
	if names, ok := s.count.names[f]; ok {
		return names, nil
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(s.opts.Benchtime, "x"))
	fixed := n > 0 && strings.HasSuffix(s.opts.Benchtime, "x")
	benches, err := s.calibrate(ctx, f, !fixed)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, b := range benches {
		ops := b.ops
		if fixed {
			ops = n
		}
		s.count.iters[benchKey{f.Package, b.name}] = ops
		names = append(names, b.name)
	}
	s.count.names[f], s.count.fixed = names, fixed
	return names, nil
}

// calibrated is a benchmark as calibrate found it: its full name without the GOMAXPROCS suffix,
// its time per operation on one processor, and the N of operations that take countTarget.
type calibrated struct {
	name    string
	nsPerOp float64
	ops     int
}

// opsFor is the N of operations of nsPerOp each that take countTarget natively; 1 when the
// time is unknown.
func opsFor(nsPerOp float64) int {
	if nsPerOp <= 0 {
		return 1
	}
	return max(1, int(math.Min(math.Ceil(float64(countTarget)/nsPerOp), 1e9)))
}

// calibrate lists the benchmarks of function f that the run selects, from a run of its base (or
// head, for a new function) on one processor; timed, it runs them for countTarget and says how
// many operations take that long, else once, for their names only.
func (s *schedule) calibrate(ctx context.Context, f report.Func, timed bool) ([]calibrated, error) {
	b, ok := s.binsOf[f][report.Base]
	if !ok {
		b = s.binsOf[f][report.Head]
	}
	benchtime := countTarget.String()
	if !timed {
		benchtime = "1x"
	}
	args := []string{"-test.run=^$", "-test.count=1", "-test.cpu=1", "-test.benchtime=" + benchtime,
		"-test.bench=^" + regexp.QuoteMeta("Benchmark"+f.Name) + "$" + s.subBench}
	o := runBinary(ctx, s.env, s.user, b.pkg.Dir, b.path, args, s.opts.Timeout)
	if o.failure != "" {
		return nil, fmt.Errorf("choosing the iteration count: %s", o.failure)
	}
	var out []calibrated
	for _, r := range timedResults(o.stdout) {
		out = append(out, calibrated{name: report.WithoutProcs(r.name), nsPerOp: r.nsPerOp, ops: opsFor(r.nsPerOp)})
	}
	if len(out) == 0 {
		return nil, errors.New("the benchmark printed no result to choose an iteration count from")
	}
	return out, nil
}

// benchExpr is the -test.bench expression that selects exactly the benchmark with full name
// name (no GOMAXPROCS suffix): each part anchored.
func benchExpr(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		if i == 0 {
			p = "Benchmark" + p
		}
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// countRuns counts benchmark name on binary b under cachegrind at countShort and countLong(n)
// iterations and returns both counts, the long run's output, or a failure with the output's
// tail; and the two processes' usage. slot tells its cachegrind files from those of runs beside
// it. keep, when set, is a path prefix the raw outputs are copied to (keep+".short.out" and
// keep+".long.out"), for cg_annotate and cg_diff.
func (s *schedule) countRuns(ctx context.Context, b binary, name string, n int, slot, keep string) (counts [2]*cachegrind.Out, stdout []byte, used usage, failure, tail string) {
	for i, iters := range []int{countShort, countLong(n)} {
		file := fmt.Sprintf("cachegrind.%s.%d.out", slot, i)
		args := append(CountArgs(filepath.Join(s.count.dir, file), b.path, name, iters), "-test.benchmem")
		o := runBinary(ctx, withGODEBUG(s.env, CountGODEBUG), s.user, b.pkg.Dir, s.count.valgrind, args, s.opts.Timeout)
		used.wall += o.usage.wall
		used.cpu += o.usage.cpu
		if o.failure != "" {
			return counts, nil, used, o.failure, o.tail
		}
		data, err := sandbox.ReadFile(s.count.dir, file) // untrusted output
		if err != nil {
			return counts, nil, used, fmt.Sprintf("reading cachegrind's output: %v", err), o.tail
		}
		if counts[i], err = cachegrind.Parse(data); err != nil {
			return counts, nil, used, fmt.Sprintf("cachegrind's output: %v", err), o.tail
		}
		if keep != "" {
			if err := os.WriteFile(keep+[]string{".short.out", ".long.out"}[i], data, 0o644); err != nil {
				return counts, nil, used, err.Error(), ""
			}
		}
		stdout = o.stdout
	}
	return counts, stdout, used, "", ""
}

// CountArgs are valgrind's arguments to count benchmark name (its full name, without
// "Benchmark" or the GOMAXPROCS suffix) of test binary bin at iters iterations, on one
// processor, writing cachegrind's counts to out. The environment needs CountGODEBUG.
func CountArgs(out, bin, name string, iters int) []string {
	args := append([]string{"--tool=cachegrind", "--cache-sim=yes", "--cachegrind-out-file=" + out}, cacheGeometry...)
	args = append(args, bin, "-test.run=^$", "-test.count=1")
	return append(args, oneCPU(name, iters)...)
}

// countBenchmark counts one benchmark on binary b with N n and returns its result line and
// instructions per operation, or a failure with the output's tail; and the processes'
// usage.
func (s *schedule) countBenchmark(ctx context.Context, b binary, name string, n int, slot string) (line string, perOp float64, used usage, failure, tail string) {
	counts, stdout, used, failure, tail := s.countRuns(ctx, b, name, n, slot, "")
	if failure != "" {
		return "", 0, used, failure, tail
	}
	per := cachegrind.Diff(counts[0], counts[1], countedOps(n))
	if per.Instructions <= 0 {
		return "", 0, used, fmt.Sprintf("the count did not grow from %d to %d iterations (%.0f to %.0f instructions): the benchmark's work does not scale with b.N", countShort, countLong(n), counts[0].Totals["Ir"], counts[1].Totals["Ir"]), ""
	}
	line = fmt.Sprintf("Benchmark%s %d %s %s %s %s", name, countLong(n), strconv.FormatFloat(per.Instructions, 'f', 2, 64), report.InstructionsUnit, strconv.FormatFloat(per.EstCycles, 'f', 2, 64), report.EstCyclesUnit)
	if !s.opts.Measure.Times() {
		// The run's own memory numbers, from the long run: they do not depend on its speed.
		r := benchfmt.NewReader(bytes.NewReader(stdout), "")
		for r.Scan() {
			if res, ok := r.Result().(*benchfmt.Result); ok {
				for _, unit := range []string{"B/op", "allocs/op"} {
					if v, ok := res.Value(unit); ok {
						line += fmt.Sprintf(" %s %s", strconv.FormatFloat(v, 'f', -1, 64), unit)
					}
				}
				break
			}
		}
	}
	return line + "\n", per.Instructions, used, "", ""
}

// withGODEBUG is env with settings added to GODEBUG (after the user's own, which they
// override).
func withGODEBUG(env []string, settings string) []string {
	out := make([]string, 0, len(env)+1)
	value := settings
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			if v != "" {
				value = v + "," + settings
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GODEBUG="+value)
}
