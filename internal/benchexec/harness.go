package benchexec

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/formats"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
)

// Harness is a benchmark command of another harness than go test (criterion, Google Benchmark,
// pytest-benchmark, hyperfine), measured in pairs as Go benchmarks are: each side built once,
// then round after round the command runs on base and head back to back, in a shuffled order,
// and its output is read into the Go benchmark format by the formats package.
type Harness struct {
	// Command runs with sh -c in the side's directory (Options.Dir's place in the side's tree).
	// Where it holds BenchPlaceholder, each benchmark runs in pairs of its own: the placeholder
	// becomes the harness's argument that selects one benchmark (formats.Filter), quoted for the
	// shell, and, to list the benchmarks first, an empty argument, which selects them all in
	// each harness that can select. Without it, the whole command is one pair per round.
	Command string
	// Build runs once per side, in the same place, before the rounds ("cargo bench --no-run");
	// "" for none.
	Build string
	// Results is the file or directory the command writes its results to, relative to the side's
	// directory unless absolute (a CARGO_TARGET_DIR the sides share); "" reads its standard
	// output. Only what a run wrote or rewrote is read, so
	// results an earlier run left behind never count again.
	Results string
	// Format is the output's format; "" detects it from the content.
	Format formats.Format
}

// BenchPlaceholder marks where a Harness command takes the argument that selects one benchmark.
const BenchPlaceholder = "{bench}"

// harnessProcess names a harness's processes in failures and resource usage, where Go benchmarks
// name their package.
const harnessProcess = "command"

// harnessRun is the rounds of a Harness.
type harnessRun struct {
	opts     Options
	h        *Harness
	env      []string
	user     *sandbox.User // runs the commands, where gate is root
	sides    map[report.Side]*sideTree
	res      *Result
	progress Progress
	tmp      string

	units      []string // the benchmarks that run in pairs of their own, by full name; [""] for the whole command
	usage      map[report.Side][]usage
	failed     map[failKey]bool
	roundRSS   map[report.Side]uint64
	pending    []pendingOutput
	unitTime   map[string]time.Duration // a unit's pairs' wall time, summed
	unitPairs  map[string]int
	roundTimes []time.Duration
}

// runHarness builds and measures opts.Harness on both sides.
func runHarness(ctx context.Context, opts Options, env []string, user *sandbox.User, sides map[report.Side]*sideTree, res *Result, progress Progress, tmp string, start time.Time) error {
	h := *opts.Harness // its format, when detected, is filled in
	perBench := strings.Contains(h.Command, BenchPlaceholder)
	selects := func() error {
		if _, ok := formats.Filter(h.Format, "x"); h.Format != "" && !ok {
			return fmt.Errorf("command %q has %s, but %s cannot run one benchmark alone: leave %s out to run the whole command in pairs", h.Command, BenchPlaceholder, h.Format, BenchPlaceholder)
		}
		return nil
	}
	if perBench {
		if err := selects(); err != nil {
			return err
		}
	} else if opts.Shard != nil {
		return fmt.Errorf("--shard splits the benchmarks, and command %q runs them all at once: put %s where its harness takes the benchmark to run", h.Command, BenchPlaceholder)
	}
	hr := &harnessRun{
		opts: opts, h: &h, env: env, user: user, sides: sides, res: res, progress: progress, tmp: tmp,
		usage: map[report.Side][]usage{}, failed: map[failKey]bool{},
		unitTime: map[string]time.Duration{}, unitPairs: map[string]int{},
	}
	run := &res.Run
	run.Command, run.Harness = h.Command, string(h.Format)
	run.Seed, run.MaxCount = opts.Seed, opts.MaxCount
	run.Interleave = report.InterleavePackage
	if perBench {
		run.Interleave = report.InterleaveBenchmark
	}

	if h.Build != "" {
		buildStart := time.Now()
		progress.Building(len(sides))
		for _, side := range []report.Side{report.Base, report.Head} {
			o := runBinary(ctx, env, hr.user, sides[side].moduleDir, "sh", []string{"-c", h.Build}, opts.Timeout)
			if o.failure != "" {
				if side == report.Head {
					return &BuildError{Package: harnessProcess, Output: fmt.Sprintf("%s: %s\n%s", h.Build, o.failure, o.tail)}
				}
				return fmt.Errorf("base does not build: %s: %s\n%s", h.Build, o.failure, o.tail)
			}
		}
		run.BuildSeconds = time.Since(buildStart).Seconds()
	}

	hr.units = []string{""}
	if perBench {
		names, err := hr.list(ctx)
		if err != nil {
			return err
		}
		if err := selects(); err != nil { // the format the listing runs detected
			return err
		}
		hr.units = names
		if opts.Shard != nil {
			funcs := make([]report.Func, len(names))
			for i, name := range names {
				funcs[i] = report.Func{Package: harnessProcess, Name: name}
			}
			var part []report.Func
			run.Shard, part = splitFor(opts, funcs)
			hr.units = hr.units[:0]
			for _, f := range part {
				hr.units = append(hr.units, f.Name)
			}
		}
	}
	progress.Start(opts.Count, 2*len(hr.units), opts.Seed)
	roundsStart := time.Now()
	stopped := false
	for round := 1; round <= opts.Count && !stopped; round++ {
		stopped = !hr.round(ctx, round, hr.units, start)
	}
	run.Looks = []int{run.Rounds}
	planned := report.PlannedLooks(opts.Count, opts.MaxCount)
	for look := 1; look < len(planned) && !stopped && opts.Undecided != nil && run.Rounds > 0; look++ {
		undecided := opts.Undecided(run, sides[report.Base].out.Bytes(), sides[report.Head].out.Bytes())
		units := hr.unitsOf(undecided)
		if len(units) == 0 {
			break
		}
		run.Extra = append(run.Extra, undecided)
		progress.Extra(run.Rounds+1, planned[look], len(undecided))
		for round := run.Rounds + 1; round <= planned[look] && !stopped; round++ {
			stopped = !hr.round(ctx, round, units, start)
		}
		if run.Rounds > run.Looks[len(run.Looks)-1] {
			run.Looks = append(run.Looks, run.Rounds)
		}
	}
	run.RoundsSeconds = time.Since(roundsStart).Seconds()
	progress.Done()
	for _, side := range []report.Side{report.Base, report.Head} {
		us := hr.usage[side]
		if len(us) == 0 {
			continue
		}
		walls, cpus, rss := make([]float64, len(us)), make([]float64, len(us)), make([]float64, len(us))
		for i, u := range us {
			walls[i], cpus[i], rss[i] = u.wall.Seconds(), u.cpu.Seconds(), float64(u.peakRSS)
		}
		run.Processes = append(run.Processes, report.Process{
			Package: harnessProcess, Side: side, Runs: len(us),
			WallSeconds: median(walls), CPUSeconds: median(cpus), PeakRSSBytes: uint64(median(rss)),
		})
	}
	return nil
}

// list runs the command once on each side with every benchmark selected and returns the full
// names of the benchmarks either reported, sorted: the units of the per-benchmark pairs. (These
// runs also warm the machine up; their results are not kept.)
func (hr *harnessRun) list(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	for _, side := range []report.Side{report.Base, report.Head} {
		out, o := hr.runOnce(ctx, side, "")
		if o.failure != "" {
			return nil, fmt.Errorf("listing the benchmarks on %s: %s\n%s", side, o.failure, o.tail)
		}
		for _, name := range resultNames(out) {
			seen[name] = true
		}
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("command %q reported no benchmark results on either side", hr.h.Command)
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// unitsOf are the units of the benchmark functions fns: the benchmarks whose top-level name is
// one of theirs, or the whole command when it runs as one.
func (hr *harnessRun) unitsOf(fns []report.Func) []string {
	if len(fns) == 0 {
		return nil
	}
	if len(hr.units) == 1 && hr.units[0] == "" {
		return hr.units
	}
	var out []string
	for _, u := range hr.units {
		base := string(benchfmt.Name(u).Base())
		if slices.ContainsFunc(fns, func(f report.Func) bool { return f.Name == base }) {
			out = append(out, u)
		}
	}
	return out
}

// round runs every unit once on each side, base and head of a unit back to back, units and
// sides in an order drawn from the seed and the round. It returns false when the run must stop
// (budget or cancellation); a round cut short is not counted.
func (hr *harnessRun) round(ctx context.Context, round int, units []string, start time.Time) bool {
	run := &hr.res.Run
	if ctx.Err() != nil {
		hr.res.Warnings = append(hr.res.Warnings, fmt.Sprintf("interrupted after %d rounds; what they measured is compared", run.Rounds))
		return false
	}
	if next := hr.estimate(units); hr.opts.Budget > 0 && next > 0 && time.Since(start)+next > hr.opts.Budget {
		hr.res.Warnings = append(hr.res.Warnings, fmt.Sprintf("the %v budget allowed %d rounds: another would take about %v more; benchmarks with too few samples are inconclusive", hr.opts.Budget, round-1, next.Round(time.Second)))
		return false
	}
	rng := rand.New(rand.NewPCG(hr.opts.Seed, uint64(round)))
	order := slices.Clone(units)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	roundStart := time.Now()
	hr.roundRSS = map[report.Side]uint64{}
	for _, unit := range order {
		sides := []report.Side{report.Base, report.Head}
		if rng.IntN(2) == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		pairStart := time.Now()
		for _, side := range sides {
			if ctx.Err() != nil {
				break
			}
			key := failKey{side: side, fn: report.Func{Name: unit}}
			if hr.failed[key] {
				continue
			}
			hr.runPair(ctx, round, unit, side, key)
			hr.progress.Ran(round, harnessProcess, side)
		}
		hr.unitTime[unit] += time.Since(pairStart)
		hr.unitPairs[unit]++
	}
	if ctx.Err() != nil {
		hr.pending = hr.pending[:0]
		hr.res.Warnings = append(hr.res.Warnings, fmt.Sprintf("interrupted in round %d; the %d rounds before it are compared", round, run.Rounds))
		return false
	}
	took := time.Since(roundStart)
	hr.roundTimes = append(hr.roundTimes, took)
	for _, p := range hr.pending {
		p.side.out.WriteString(p.text)
	}
	hr.pending = hr.pending[:0]
	if peakRSSMeasured && len(units) == len(hr.units) {
		for _, side := range []report.Side{report.Base, report.Head} {
			if rss := hr.roundRSS[side]; rss > 0 {
				fmt.Fprintf(&hr.sides[side].out, "%s: %d\nBenchmark%s 1 %d %s\n", report.PairKey, round, report.ProcessBenchmark, rss, report.PeakRSSUnit)
			}
		}
	}
	run.Rounds = round
	hr.progress.RoundDone(round, took)
	return true
}

// estimate is how long a round of units will take, from the pairs so far; 0 when nothing is
// known yet.
func (hr *harnessRun) estimate(units []string) time.Duration {
	var sum time.Duration
	for _, u := range units {
		if n := hr.unitPairs[u]; n > 0 {
			sum += hr.unitTime[u] / time.Duration(n)
		}
	}
	return sum
}

// runPair runs one side of a unit's pair and keeps its results for the round's end.
func (hr *harnessRun) runPair(ctx context.Context, round int, unit string, side report.Side, key failKey) {
	out, o := hr.runOnce(ctx, side, unit)
	if o.failure == "cancelled" {
		return
	}
	hr.usage[side] = append(hr.usage[side], o.usage)
	hr.res.Run.ProcessesSeconds += o.usage.wall.Seconds()
	hr.roundRSS[side] = max(hr.roundRSS[side], o.usage.peakRSS)
	if o.failure != "" {
		hr.failed[key] = true
		hr.res.Run.Failures = append(hr.res.Run.Failures, report.Failure{
			Package: harnessProcess, Side: side, Round: round, Benchmark: unit, Message: o.failure, Output: o.tail,
		})
		return
	}
	hr.pending = append(hr.pending, pendingOutput{side: hr.sides[side], text: fmt.Sprintf("%s: %d\n", report.PairKey, round) + string(out) + "\n"})
}

// runOnce runs the command on side, selecting unit ("" for every benchmark), and returns its
// results in the Go benchmark format, only unit's when it names one. A run that wrote no
// results, or results that cannot be read, failed.
func (hr *harnessRun) runOnce(ctx context.Context, side report.Side, unit string) ([]byte, outcome) {
	dir := hr.sides[side].moduleDir
	command := hr.h.Command
	if strings.Contains(command, BenchPlaceholder) {
		arg := ""
		if unit != "" {
			arg, _ = formats.Filter(hr.h.Format, unit)
		}
		command = strings.ReplaceAll(command, BenchPlaceholder, shellQuote(arg))
	}
	var before map[string]time.Time
	results := hr.h.Results
	if results != "" && !filepath.IsAbs(results) {
		results = filepath.Join(dir, results)
	}
	if results != "" {
		before = modTimes(results)
	}
	o := runBinary(ctx, hr.env, hr.user, dir, "sh", []string{"-c", command}, hr.opts.Timeout)
	if o.failure != "" {
		return nil, o
	}
	var conv *formats.Converted
	var err error
	if hr.h.Results == "" {
		conv, err = formats.Convert("the standard output of "+command, o.stdout, hr.h.Format)
	} else {
		conv, err = hr.readWritten(results, before)
	}
	if err != nil {
		o.failure = err.Error()
		return nil, o
	}
	if hr.h.Format == "" {
		hr.h.Format = conv.Format // the first run's decides: per-benchmark filters need it
		hr.res.Run.Harness = string(conv.Format)
	}
	for _, w := range conv.Warnings {
		if !slices.Contains(hr.res.Warnings, w) {
			hr.res.Warnings = append(hr.res.Warnings, w)
		}
	}
	out := conv.Results
	if unit != "" {
		// A harness's filter may select more than the one benchmark (pytest's -k matches
		// substrings): only the pair's own benchmark counts.
		out = onlyBenchmark(out, unit)
	}
	if len(resultNames(out)) == 0 {
		o.failure = "no benchmark results"
		if unit != "" {
			o.failure = fmt.Sprintf("no results of benchmark %s", unit)
		}
	}
	return out, o
}

// readWritten reads the results at path that the run wrote or rewrote: before are the
// modification times of the files there before it.
func (hr *harnessRun) readWritten(path string, before map[string]time.Time) (*formats.Converted, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("the command wrote no results at %s: %v", hr.h.Results, err)
	}
	if !info.IsDir() {
		if t, ok := before[path]; ok && t.Equal(info.ModTime()) {
			return nil, fmt.Errorf("the command did not rewrite its results at %s", hr.h.Results)
		}
		// Read as untrusted output: no link out of its directory, only a regular file.
		data, err := sandbox.ReadFile(filepath.Dir(path), filepath.Base(path))
		if err != nil {
			return nil, fmt.Errorf("reading the command's results: %w", err)
		}
		copied := filepath.Join(hr.tmp, "results-"+filepath.Base(path))
		if err := os.WriteFile(copied, data, 0o600); err != nil {
			return nil, err
		}
		defer os.Remove(copied)
		conv, err := formats.Read(copied, hr.h.Format)
		if err != nil {
			return nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), copied, hr.h.Results))
		}
		return conv, nil
	}
	// A directory (criterion's target/criterion) keeps every benchmark ever run: copy what
	// changed to a directory of its own, and read that.
	fresh, err := os.MkdirTemp(hr.tmp, "results-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(fresh)
	n := 0
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if t, ok := before[p]; ok && t.Equal(info.ModTime()) {
			return nil
		}
		rel, _ := filepath.Rel(path, p)
		data, err := sandbox.ReadFile(path, rel) // untrusted output: no link out of the directory
		if err != nil {
			return err
		}
		n++
		dst := filepath.Join(fresh, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("the command wrote nothing new in %s", hr.h.Results)
	}
	conv, err := formats.Read(fresh, hr.h.Format)
	if err != nil {
		// Name the user's path, not the copy's.
		return nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), fresh, hr.h.Results))
	}
	return conv, nil
}

// modTimes are the modification times of the files at path (a file or a directory tree); empty
// when there is nothing there yet.
func modTimes(path string) map[string]time.Time {
	out := map[string]time.Time{}
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			out[p] = info.ModTime()
		}
		return nil
	})
	return out
}

// resultNames are the distinct full names of the results in Go benchmark format text, in order.
func resultNames(text []byte) []string {
	var names []string
	r := benchfmt.NewReader(bytes.NewReader(text), "")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			if name := string(res.Name.Full()); !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}

// onlyBenchmark keeps the results of the benchmark named name, with the configuration and unit
// lines before them.
func onlyBenchmark(text []byte, name string) []byte {
	var out bytes.Buffer
	w := benchfmt.NewWriter(&out)
	r := benchfmt.NewReader(bytes.NewReader(text), "")
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			if string(rec.Name.Full()) != name {
				continue
			}
			w.Write(rec)
		case *benchfmt.UnitMetadata:
			w.Write(rec)
		}
	}
	return out.Bytes()
}

// shellQuote quotes s as one word for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
