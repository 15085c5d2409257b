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
	"sort"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/report"
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
	// Count is the number of rounds (10 when 0).
	Count int
	// Benchtime is passed on as -test.benchtime ("" keeps the testing package's default).
	Benchtime string
	// Timeout bounds one benchmark process; 0 means no bound.
	Timeout time.Duration
	// Budget bounds the whole run: no round starts that would end past it. 0 means no bound.
	Budget time.Duration
	// Seed fixes the shuffled order of the rounds; 0 draws a new one.
	Seed uint64
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
	// Warnings are problems that did not stop the run.
	Warnings []string
}

// Keys written into the raw results. The side key is what compare reads the side from.
const (
	SideKey   = "benchgate-side"
	CommitKey = "benchgate-commit"
)

// sideTree is one side's source tree.
type sideTree struct {
	name      string
	rev       report.Revision
	moduleDir string
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
	env := ChildEnv(opts.Env)
	progress := opts.Progress
	if progress == nil {
		progress = silent{}
	}
	benchRE, err := topLevel(opts.Bench)
	if err != nil {
		return nil, err
	}

	r, err := openRepo(ctx, env, opts.Dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "benchgate-")
	if err != nil {
		return nil, err
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
	goVersion, goos, goarch := goEnv(ctx, env, sides[Head].moduleDir)
	res.Run.Machine = sysinfo.Fingerprint(ctx, goVersion)
	res.Run.Base, res.Run.Head = sides[Base].rev, sides[Head].rev
	res.Run.Count, res.Run.Benchtime, res.Run.Bench = opts.Count, opts.Benchtime, opts.Bench

	// Select the packages with matching benchmarks on either side, and build them on each side
	// where they exist.
	jobs, err := selectPackages(ctx, env, sides, opts.Packages, benchRE)
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("no benchmarks match --bench %q in %s on either side", opts.Bench, strings.Join(opts.Packages, " "))
	}
	buildStart := time.Now()
	progress.Building(len(jobs))
	bins, failed := build(ctx, env, tmp, sides, jobs)
	res.Run.BuildSeconds = time.Since(buildStart).Seconds()
	if err := ctx.Err(); err != nil {
		return nil, err // the builds that failed were stopped, not broken
	}
	for _, f := range failed {
		if f.side == Head {
			return nil, &BuildError{Package: f.pkg, Output: f.output}
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("package %s does not build on base, so its benchmarks on head are reported new:\n%s", f.pkg, firstLines(f.output, 10)))
	}

	for _, s := range sides {
		fmt.Fprintf(&s.out, "Unit %s better=lower\n%s: %s\n%s: %s\n", report.PeakRSSUnit, SideKey, s.name, CommitKey, s.rev.SHA)
	}
	sched := &schedule{opts: opts, env: env, sides: sides, goos: goos, goarch: goarch, progress: progress, res: res}
	sched.run(ctx, bins, start)

	res.Run.Machine.LoadAfter = sysinfo.Load(ctx)
	if w := sysinfo.Busy(res.Run.Machine); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	if other := res.Run.Machine.OtherCPU; other > competingCores {
		res.Warnings = append(res.Warnings, fmt.Sprintf("other work used up to %.2f cores while the benchmarks ran (%d of %d rounds above %.2f); it competed with them, so their numbers are noisier than usual", other, sched.disturbed, res.Run.Rounds, competingCores))
	}
	res.Base, res.Head = sides[Base].out.Bytes(), sides[Head].out.Bytes()
	res.Run.WallSeconds = time.Since(start).Seconds()
	if res.Run.Rounds == 0 {
		return nil, errors.Join(fmt.Errorf("no round completed"), ctx.Err())
	}
	return res, nil
}

// The sides.
const (
	Base = "base"
	Head = "head"
)

func withDefaults(o Options) Options {
	if len(o.Packages) == 0 {
		o.Packages = []string{"./..."}
	}
	if o.Bench == "" {
		o.Bench = "."
	}
	if o.Count <= 0 {
		o.Count = 10
	}
	for o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	return o
}

// checkout resolves both revisions and checks out each one that is a commit in a worktree; the
// working tree is used where it is.
func checkout(ctx context.Context, r *repo, opts Options, tmp string, cleanups *[]func() error) (map[string]*sideTree, error) {
	sides := map[string]*sideTree{}
	for _, side := range []string{Base, Head} {
		rev := map[string]string{Base: opts.Base, Head: opts.Head}[side]
		t := &sideTree{name: side}
		switch {
		case side == Head && rev == "":
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
		case side == Base && rev == "":
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
			if side == Base && opts.MergeBase {
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
		wt, err := r.addWorktree(ctx, tmp, side, t.rev.SHA)
		*cleanups = append(*cleanups, wt.remove) // also when adding failed half way
		if err != nil {
			return nil, err
		}
		t.moduleDir = filepath.Join(wt.dir, r.sub)
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
func selectPackages(ctx context.Context, env []string, sides map[string]*sideTree, patterns []string, re interface{ MatchString(string) bool }) ([]binary, error) {
	listed := map[string][]pkg{}
	wanted := map[string]bool{}
	for _, side := range []string{Base, Head} {
		pkgs, err := listPackages(ctx, env, sides[side].moduleDir, patterns)
		if err != nil && side == Head {
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
	for _, side := range []string{Base, Head} {
		for _, p := range listed[side] {
			if wanted[p.ImportPath] {
				jobs = append(jobs, binary{side: side, pkg: p})
			}
		}
	}
	return jobs, nil
}

// schedule runs the rounds.
type schedule struct {
	opts          Options
	env           []string
	sides         map[string]*sideTree
	goos, goarch  string
	progress      Progress
	res           *Result
	usage         map[string][]usage // by side + package
	failed        map[string]bool
	pending       []pendingOutput
	processesTime time.Duration
	roundCPU      time.Duration // CPU time of the round's processes
	disturbed     int           // rounds in which other work used more than competingCores
	// Other work's CPU seconds, and the rounds' wall seconds, summed over all rounds.
	otherSum, wallSum float64
	longRound         bool // a round lasted minCPUWindow or longer
}

// minCPUWindow is the shortest span whose CPU accounting is trusted: the kernel's counters tick
// every 10 ms, so a 30 ms round could seem to have had half a core of company.
const minCPUWindow = time.Second

// competingCores is how much CPU, in cores on average over a round, other work may use before
// the run is warned about: a little is the system's own housekeeping.
const competingCores = 0.25

func (s *schedule) run(ctx context.Context, bins []binary, start time.Time) {
	s.usage, s.failed = map[string][]usage{}, map[string]bool{}
	args := []string{"-test.run=^$", "-test.bench=" + s.opts.Bench, "-test.benchmem", "-test.count=1"}
	if s.opts.Benchtime != "" {
		args = append(args, "-test.benchtime="+s.opts.Benchtime)
	}
	s.res.Run.Seed = s.opts.Seed
	s.progress.Start(s.opts.Count, len(bins), s.opts.Seed)
	roundsStart := time.Now()
	var roundTimes []time.Duration
	for round := 1; round <= s.opts.Count; round++ {
		if ctx.Err() != nil {
			s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("interrupted after %d of %d rounds; what they measured is compared", s.res.Run.Rounds, s.opts.Count))
			break
		}
		if s.opts.Budget > 0 && len(roundTimes) > 0 {
			next := meanDuration(roundTimes)
			if time.Since(start)+next > s.opts.Budget {
				s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("the %v budget (--budget) allowed %d of %d rounds: another would take about %v more; benchmarks with too few samples are inconclusive", s.opts.Budget, round-1, s.opts.Count, next.Round(time.Second)))
				break
			}
		}
		order := slices.Clone(bins)
		rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(round)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		roundStart := time.Now()
		busyBefore, busyOK := sysinfo.BusyCPU(ctx)
		s.roundCPU = 0
		for _, b := range order {
			if ctx.Err() != nil {
				break
			}
			if s.failed[b.side+" "+b.pkg.ImportPath] {
				continue
			}
			s.runOne(ctx, b, args, round)
			s.progress.Ran(round, b.pkg.ImportPath, b.side)
		}
		if ctx.Err() != nil {
			// A round cut short is not counted: its results stay out, so both sides keep
			// the same number of samples.
			continue
		}
		took := time.Since(roundStart)
		roundTimes = append(roundTimes, took)
		if busyAfter, ok := sysinfo.BusyCPU(ctx); ok && busyOK {
			other := max(0, busyAfter-busyBefore-s.roundCPU.Seconds())
			s.otherSum += other
			s.wallSum += took.Seconds()
			if took >= minCPUWindow {
				s.longRound = true
				s.res.Run.Machine.OtherCPU = max(s.res.Run.Machine.OtherCPU, other/took.Seconds())
				if other/took.Seconds() > competingCores {
					s.disturbed++
				}
			}
		}
		s.res.Run.Rounds = round
		s.commitRound()
		s.progress.RoundDone(round, time.Since(roundStart))
	}
	if !s.longRound && s.wallSum >= minCPUWindow.Seconds() {
		// Short rounds: judge them together.
		s.res.Run.Machine.OtherCPU = s.otherSum / s.wallSum
		if s.res.Run.Machine.OtherCPU > competingCores {
			s.disturbed = s.res.Run.Rounds
		}
	}
	s.res.Run.RoundsSeconds = time.Since(roundsStart).Seconds()
	s.res.Run.ProcessesSeconds = s.processesTime.Seconds()
	s.progress.Done()
	s.summarizeUsage()
}

// pendingOutput is one process's output in the round in progress. Outputs join their side's
// results only when the round completes, so that a cancelled round leaves both sides with the
// same number of samples.
type pendingOutput struct {
	side *sideTree
	text string
}

func (s *schedule) runOne(ctx context.Context, b binary, args []string, round int) {
	o := runBinary(ctx, s.env, b.pkg.Dir, b.path, args, s.opts.Timeout)
	if o.failure == "cancelled" {
		return
	}
	s.processesTime += o.usage.wall
	s.roundCPU += o.usage.cpu
	side := s.sides[b.side]
	key := b.side + " " + b.pkg.ImportPath
	if o.dropped > 0 {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf("package %s on %s printed more than %d MiB in round %d; the %d bytes past that were dropped", b.pkg.ImportPath, b.side, maxOutput>>20, round, o.dropped))
	}
	if o.failure != "" {
		s.failed[key] = true
		s.res.Run.Failures = append(s.res.Run.Failures, report.Failure{
			Package: b.pkg.ImportPath, Side: b.side, Round: round,
			Benchmark: failingBenchmark(append(o.stdout, o.tail...)), Message: o.failure, Output: o.tail,
		})
		return
	}
	s.usage[key] = append(s.usage[key], o.usage)
	header := fmt.Sprintf("goos: %s\ngoarch: %s\npkg: %s\n", s.goos, s.goarch, b.pkg.ImportPath)
	s.pending = append(s.pending, pendingOutput{side: side, text: header + string(o.stdout) + "\n" + header +
		fmt.Sprintf("Benchmark%s 1 %d %s\n", report.ProcessBenchmark, o.usage.peakRSS, report.PeakRSSUnit)})
}

func (s *schedule) commitRound() {
	for _, p := range s.pending {
		p.side.out.WriteString(p.text)
	}
	s.pending = s.pending[:0]
}

func meanDuration(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// summarizeUsage turns each process's runs into medians, in package then side order.
func (s *schedule) summarizeUsage() {
	for key, us := range s.usage {
		side, pkg, _ := strings.Cut(key, " ")
		walls, cpus, rss := make([]float64, len(us)), make([]float64, len(us)), make([]float64, len(us))
		for i, u := range us {
			walls[i], cpus[i], rss[i] = u.wall.Seconds(), u.cpu.Seconds(), float64(u.peakRSS)
		}
		s.res.Run.Processes = append(s.res.Run.Processes, report.Process{
			Package: pkg, Side: side, Runs: len(us),
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
