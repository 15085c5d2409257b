// Package benchexec measures a Go module's benchmarks on two revisions, base and head, the way
// a noisy machine allows them to be compared fairly: each revision is checked out in a worktree
// of its own, each package's test binary is built once per side, and then the binaries run one
// at a time in rounds, every round in a freshly shuffled order (randomized multiple interleaved
// trials), so that drift in the machine's speed falls on both sides alike.
//
// Its output is raw benchmark results in the Go benchmark format, one stream per side, labelled
// with benchgate-side and benchgate-commit keys, plus how the run went: the machine, the
// revisions, the schedule, the resources each process used and the failures. Comparing the
// results is the compare package's job.
package benchexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/procenv"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
	"github.com/benchgate/benchgate/internal/shard"
	"github.com/benchgate/benchgate/internal/sysinfo"
)

// Options say what to measure and how.
type Options struct {
	// Dir is a directory of the module to measure, inside a git working tree.
	Dir string
	// Base and Head are the revisions. An empty Base is the merge-base of HEAD with the default
	// branch; an empty Head is the working tree as it is, uncommitted changes included.
	Base, Head string
	// MergeBase measures the merge-base of Base and Head as the base, as a pull request's check
	// must: the base branch's tip may have moved on with changes the pull request does not have.
	MergeBase bool
	// Packages are the package patterns ("./..." when empty).
	Packages []string
	// Bench is the -bench regular expression ("." when empty).
	Bench string
	// Count is the number of rounds every benchmark gets (DefaultCount when 0).
	Count int
	// MaxCount is the most rounds a benchmark that Undecided names may get (3 × Count when 0,
	// Count when less).
	MaxCount int
	// Undecided, when set, is asked after the Count rounds and after each look
	// (report.PlannedLooks) which benchmark functions are still undecided, given the run so far
	// and the results of each side; those get the next look's extra rounds.
	Undecided func(run *report.Run, base, head []byte) []report.Func
	// Explain, when set, is asked after the rounds which benchmark functions regressed, the
	// largest regression first, given the run and the results of each side; up to MaxProfiled of
	// them (5 when 0) run once more on each side with a CPU or a memory profile written to
	// ProfileDir (see Result.Profiles), as far as the budget allows.
	Explain     func(run *report.Run, base, head []byte) []ProfileRequest
	ProfileDir  string
	MaxProfiled int
	// Interleave is the schedule: report.InterleaveBenchmark (the default) runs each benchmark
	// function in processes of its own, its base and head back to back in random order, a pair;
	// report.InterleavePackage runs each package's binary once per side and round, all its
	// benchmarks in one process, which costs fewer process starts for suites of many tiny
	// benchmarks, but puts seconds between the two sides of a benchmark.
	Interleave string
	// TimedIterations keeps -test.benchtime's timing in every run. Otherwise, in the benchmark
	// schedule, a benchmark with one result runs from the second round on the iteration count its
	// base side chose in the first (-test.benchtime=Nx), the same on both sides: no time goes into
	// finding the count again, and both sides do the same work.
	TimedIterations bool
	// Benchtime is passed on as -test.benchtime ("" keeps the testing package's default).
	Benchtime string
	// Timeout bounds one benchmark process; 0 means no bound.
	Timeout time.Duration
	// Budget bounds the whole run: no round starts that would end past it. 0 means no bound.
	Budget time.Duration
	// Seed fixes the shuffled order of the rounds; 0 draws a new one.
	Seed uint64
	// Harness, when set, measures a benchmark command of another harness instead of the Go
	// benchmarks (Packages, Bench, Benchtime, Interleave and Explain do not apply).
	Harness *Harness
	// Measure is the instrument: report.MeasureTime (the default) times the benchmarks,
	// report.MeasureInstructions counts their instructions under Valgrind instead (see
	// count.go), report.MeasureBoth does both in every pair. Counting needs the benchmark
	// schedule and Go benchmarks.
	Measure report.Instrument
	// Retained measures, after the rounds, what each benchmark keeps alive per operation
	// (retained-B/op; see retained.go), for Go benchmarks.
	Retained bool
	// Shard, when set, measures only this shard's part of the selected benchmark functions, split
	// as internal/shard does the same on every runner; ShardCosts are the functions' recorded
	// costs the split balances (nil: equal costs), and ShardCostsFrom names where they were
	// recorded, for the report.
	Shard          *shard.Spec
	ShardCosts     map[report.Func]float64
	ShardCostsFrom string
	// CountJobs is how many counting runs go on at once; 0 means one per logical CPU. Counts
	// do not depend on what runs beside them, so they need no machine of their own.
	CountJobs int
	// Env is the environment to start processes with (credentials are removed from it).
	Env []string
	// Progress hears about each step; nil for silence.
	Progress Progress
}

// Result is what a run measured.
type Result struct {
	// Base and Head are the raw results of each side in the Go benchmark format.
	Base, Head []byte
	Run        report.Run
	// Profiles are the profiles taken of the functions Explain named.
	Profiles []Profile
	// Warnings are problems that did not stop the run.
	Warnings []string
}

// sideTree is one side's source tree.
type sideTree struct {
	name      report.Side
	rev       report.Revision
	moduleDir string
	worktree  string       // the revision's checkout; "" for the working tree, used where it is
	out       bytes.Buffer // raw results
}

// BuildError is returned when head does not build: there is nothing to measure a change on.
type BuildError struct {
	Package string
	Output  string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("head does not build: package %s:\n%s", e.Package, e.Output)
}

// Run measures the benchmarks of opts.Dir on both revisions. Temporary worktrees and binaries are
// removed before it returns, also when ctx is cancelled. It returns an error only when nothing
// can be measured; a run cut short by the budget or a cancellation after the first round still
// returns what it measured.
func Run(ctx context.Context, opts Options) (res *Result, err error) {
	start := time.Now()
	opts = withDefaults(opts)
	env := procenv.Child(opts.Env)
	progress := opts.Progress
	if progress == nil {
		progress = silent{}
	}
	benchRE, err := topLevel(opts.Bench)
	if err != nil {
		return nil, err
	}
	if opts.Interleave != report.InterleaveBenchmark && opts.Interleave != report.InterleavePackage {
		return nil, fmt.Errorf("interleave %q: expected %s or %s", opts.Interleave, report.InterleaveBenchmark, report.InterleavePackage)
	}

	if opts.CountJobs < 0 {
		return nil, fmt.Errorf("--count-jobs %d: expected at least 1, or 0 for one per logical CPU", opts.CountJobs)
	}
	if opts.Measure.Counts() {
		switch {
		case opts.Harness != nil:
			return nil, fmt.Errorf("--measure %s counts Go benchmarks only: --command harnesses are timed (--measure time)", opts.Measure)
		case opts.Interleave != report.InterleaveBenchmark:
			return nil, fmt.Errorf("--measure %s counts each benchmark in processes of its own: it needs --interleave %s", opts.Measure, report.InterleaveBenchmark)
		}
		if _, err := FindValgrind(); err != nil {
			return nil, err
		}
	}

	r, err := openRepo(ctx, env, opts.Dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "benchgate-")
	if err != nil {
		return nil, err
	}
	// Where gate is root, the benchmarks run as a user of their own (see internal/sandbox).
	user, err := sandbox.New(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("preparing the unprivileged user that runs the benchmarks: %w", err)
	}
	var cleanups []func() error
	defer func() {
		var errs []error
		for i := len(cleanups) - 1; i >= 0; i-- {
			errs = append(errs, cleanups[i]())
		}
		errs = append(errs, os.RemoveAll(tmp))
		if cerr := errors.Join(errs...); cerr != nil {
			if res != nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("cleaning up: %v", cerr))
			} else {
				err = errors.Join(err, fmt.Errorf("cleaning up: %w", cerr))
			}
		}
	}()

	sides, err := checkout(ctx, r, opts, tmp, &cleanups)
	if err != nil {
		return nil, err
	}
	res = &Result{}
	if user != nil {
		if dirs := sandbox.Unreachable(filepath.SplitList(getenv(env, "PATH"))); len(dirs) > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the benchmarks run as %v, who cannot reach %s on PATH: a command found there as root is not found, or another version of it further on; install the tools where every user reaches them", user, strings.Join(dirs, ", ")))
		}
	}
	if opts.Harness != nil {
		res.Run.Machine = sysinfo.Fingerprint(ctx, "")
		res.Run.Base, res.Run.Head = sides[report.Base].rev, sides[report.Head].rev
		res.Run.Count = opts.Count
		for _, s := range sides {
			fmt.Fprintf(&s.out, "Unit %s better=lower\n%s: %s\n%s: %s\n", report.PeakRSSUnit, report.SideKey, s.name, report.CommitKey, s.rev.SHA)
		}
		if err := own(user, sides); err != nil {
			return nil, err
		}
		if err := runHarness(ctx, opts, env, user, sides, res, progress, tmp, start); err != nil {
			return nil, err
		}
		return finish(ctx, res, sides, start, 0)
	}
	goVersion, goos, goarch := goEnv(ctx, env, sides[report.Head].moduleDir)
	res.Run.Machine = sysinfo.Fingerprint(ctx, goVersion)
	for _, t := range sides {
		t.rev.Build = sideBuild(ctx, env, t.moduleDir)
	}
	res.Run.Base, res.Run.Head = sides[report.Base].rev, sides[report.Head].rev
	if d := buildDifference(res.Run.Base.Build, res.Run.Head.Build); d != "" {
		res.Warnings = append(res.Warnings, d)
	}
	res.Run.Count, res.Run.Benchtime, res.Run.Bench = opts.Count, opts.Benchtime, opts.Bench

	// Select the packages with matching benchmarks on either side, and build them on each side
	// where they exist.
	jobs, err := selectPackages(ctx, env, sides, opts.Packages, benchRE)
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("no benchmarks match the bench expression %q in %s on either side", opts.Bench, strings.Join(opts.Packages, " "))
	}
	var mine map[report.Func]bool
	if opts.Shard != nil {
		var funcs []report.Func
		for _, b := range jobs {
			for _, name := range b.pkg.benchmarks {
				if benchRE.MatchString(name) {
					funcs = append(funcs, report.Func{Package: b.pkg.ImportPath, Name: strings.TrimPrefix(name, "Benchmark")})
				}
			}
		}
		var part []report.Func
		res.Run.Shard, part = splitFor(opts, funcs)
		mine = map[report.Func]bool{}
		pkgs := map[string]bool{} // a shard builds only the packages of its functions
		for _, f := range part {
			mine[f], pkgs[f.Package] = true, true
		}
		jobs = slices.DeleteFunc(jobs, func(b binary) bool { return !pkgs[b.pkg.ImportPath] })
	}
	buildStart := time.Now()
	progress.Building(len(jobs))
	bins, failed := build(ctx, env, tmp, sides, jobs)
	res.Run.BuildSeconds = time.Since(buildStart).Seconds()
	if err := ctx.Err(); err != nil {
		return nil, err // the builds that failed were stopped, not broken
	}
	for _, f := range failed {
		if f.side == report.Head {
			return nil, &BuildError{Package: f.pkg, Output: f.output}
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("package %s does not build on base, so its benchmarks on head are reported new:\n%s", f.pkg, firstLines(f.output, 10)))
	}

	for _, s := range sides {
		fmt.Fprintf(&s.out, "Unit %s better=lower\n%s: %s\n%s: %s\n", report.PeakRSSUnit, report.SideKey, s.name, report.CommitKey, s.rev.SHA)
		if opts.Measure.Counts() {
			fmt.Fprintf(&s.out, "Unit %s better=lower\nUnit %s better=lower\n", report.InstructionsUnit, report.EstCyclesUnit)
		}
		if opts.Retained {
			fmt.Fprintf(&s.out, "Unit %s better=lower\n", report.RetainedUnit)
		}
	}
	if err := own(user, sides); err != nil {
		return nil, err
	}
	var count *counting
	if opts.Measure.Counts() {
		if count, err = newCounting(user, tmp); err != nil {
			return nil, err
		}
	}
	res.Run.Measure = opts.Measure
	sched := &schedule{opts: opts, env: env, user: user, count: count, sides: sides, goos: goos, goarch: goarch, progress: progress, res: res, subBench: subBenchmarks(opts.Bench), mine: mine, tmp: tmp}
	sched.run(ctx, bins, start)
	return finish(ctx, res, sides, start, sched.disturbed)
}

// splitFor splits the selected functions as opts.Shard says, and returns what the report records
// of it and this shard's part.
func splitFor(opts Options, funcs []report.Func) (*report.Shard, []report.Func) {
	plan := shard.Split(funcs, opts.ShardCosts, opts.Shard.Count)
	part := plan.Parts[opts.Shard.Index-1]
	rs := &report.Shard{
		Index: opts.Shard.Index, Count: opts.Shard.Count, Method: plan.Method,
		Functions: slices.Clone(part), Load: plan.Loads[opts.Shard.Index-1],
	}
	for _, p := range plan.Parts {
		rs.Selected += len(p)
	}
	if opts.ShardCosts != nil {
		rs.CostsFrom = opts.ShardCostsFrom
	}
	return rs, part
}

// getenv is the value of key in env, "" when it is not set.
func getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// own gives the sides' checkouts to the user that runs the benchmarks, so that what writes
// beside its sources (a harness's build, a benchmark's output) works as it would for gate's own
// user. The working tree is the user's own, and is never given away.
func own(user *sandbox.User, sides map[report.Side]*sideTree) error {
	for _, s := range sides {
		if s.worktree == "" {
			continue
		}
		if err := user.Own(s.worktree); err != nil {
			return fmt.Errorf("giving the %s checkout to %v: %w", s.name, user, err)
		}
	}
	return nil
}

// finish completes a run's result: the machine's load after it and what that says, the raw
// results of each side, the wall time. A run without a completed round measured nothing.
func finish(ctx context.Context, res *Result, sides map[report.Side]*sideTree, start time.Time, disturbed int) (*Result, error) {
	res.Run.Machine.LoadAfter = sysinfo.Load(ctx)
	if w := sysinfo.Busy(res.Run.Machine); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	if other := res.Run.Machine.OtherCPU; other > competingCores {
		res.Warnings = append(res.Warnings, fmt.Sprintf("other work used up to %.2f cores while the benchmarks ran (%d of %d rounds above %.2f); it competed with them, so their numbers are noisier than usual", other, disturbed, res.Run.Rounds, competingCores))
	}
	res.Base, res.Head = sides[report.Base].out.Bytes(), sides[report.Head].out.Bytes()
	res.Run.WallSeconds = time.Since(start).Seconds()
	if res.Run.Rounds == 0 {
		return nil, errors.Join(fmt.Errorf("no round completed"), ctx.Err())
	}
	return res, nil
}

// DefaultCount is the rounds a run gets when none are asked for: 10 where it times, 5 where it
// only counts. Five pairs are the fewest the paired test decides on, and five counts a side whose
// ranges do not overlap are already a p of 0.008; counts spread by a fraction of a percent, so
// more rounds narrow nothing that matters and cost Valgrind's 20–50-fold slowdown each.
func DefaultCount(m report.Instrument) int {
	if m == report.MeasureInstructions {
		return 5
	}
	return 10
}

func withDefaults(o Options) Options {
	if len(o.Packages) == 0 {
		o.Packages = []string{"./..."}
	}
	if o.Bench == "" {
		o.Bench = "."
	}
	if o.Count <= 0 {
		o.Count = DefaultCount(o.Measure)
	}
	if o.MaxCount == 0 {
		o.MaxCount = 3 * o.Count
	}
	o.MaxCount = max(o.MaxCount, o.Count)
	if o.Interleave == "" {
		o.Interleave = report.InterleaveBenchmark
	}
	for o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	return o
}

// checkout resolves both revisions and checks out each one that is a commit in a worktree; the
// working tree is used where it is.
func checkout(ctx context.Context, r *repo, opts Options, tmp string, cleanups *[]func() error) (map[report.Side]*sideTree, error) {
	sides := map[report.Side]*sideTree{}
	for _, side := range []report.Side{report.Base, report.Head} {
		rev := map[report.Side]string{report.Base: opts.Base, report.Head: opts.Head}[side]
		t := &sideTree{name: side}
		switch {
		case side == report.Head && rev == "":
			sha, err := r.resolve(ctx, "HEAD")
			if err != nil {
				return nil, err
			}
			dirty, err := r.dirty(ctx)
			if err != nil {
				return nil, err
			}
			t.rev = report.Revision{SHA: sha, Dirty: dirty}
			t.moduleDir = filepath.Join(r.root, r.sub)
			sides[side] = t
			continue
		case side == report.Base && rev == "":
			ref, sha, err := r.defaultBase(ctx)
			if err != nil {
				return nil, err
			}
			t.rev = report.Revision{Ref: ref, SHA: sha}
		default:
			sha, err := r.resolve(ctx, rev)
			if err != nil {
				return nil, err
			}
			t.rev = report.Revision{Ref: rev, SHA: sha}
			if side == report.Base && opts.MergeBase {
				headRev := opts.Head
				if headRev == "" {
					headRev = "HEAD"
				}
				headSHA, err := r.resolve(ctx, headRev)
				if err != nil {
					return nil, err
				}
				if t.rev.SHA, err = r.mergeBase(ctx, sha, headSHA); err != nil {
					return nil, err
				}
				t.rev.Ref = "merge-base of " + rev + " and the head"
			}
		}
		wt, err := r.addWorktree(ctx, tmp, string(side), t.rev.SHA)
		*cleanups = append(*cleanups, wt.remove) // also when adding failed half way
		if err != nil {
			return nil, err
		}
		t.moduleDir, t.worktree = filepath.Join(wt.dir, r.sub), wt.dir
		if _, err := os.Stat(t.moduleDir); err != nil {
			return nil, fmt.Errorf("%s (%s) has no directory %s", side, rev, r.sub)
		}
		sides[side] = t
	}
	return sides, nil
}

// goEnv returns the version, GOOS and GOARCH of the go command that builds the benchmarks.
func goEnv(ctx context.Context, env []string, dir string) (version, goos, goarch string) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) != 3 {
		return "", "", ""
	}
	return f[0], f[1], f[2]
}

// selectPackages lists the packages on each side and returns a build job for each package that
// has a matching benchmark on either side, on each side where it exists.
func selectPackages(ctx context.Context, env []string, sides map[report.Side]*sideTree, patterns []string, re interface{ MatchString(string) bool }) ([]binary, error) {
	listed := map[report.Side][]pkg{}
	wanted := map[string]bool{}
	for _, side := range []report.Side{report.Base, report.Head} {
		pkgs, err := listPackages(ctx, env, sides[side].moduleDir, patterns)
		if err != nil && side == report.Head {
			return nil, err
		}
		listed[side] = pkgs
		for _, p := range pkgs {
			for _, b := range p.benchmarks {
				if re.MatchString(b) {
					wanted[p.ImportPath] = true
				}
			}
		}
	}
	var jobs []binary
	for _, side := range []report.Side{report.Base, report.Head} {
		for _, p := range listed[side] {
			if wanted[p.ImportPath] {
				jobs = append(jobs, binary{side: side, pkg: p})
			}
		}
	}
	return jobs, nil
}
