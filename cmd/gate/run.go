package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/formats"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/shard"
	"github.com/benchgate/benchgate/internal/trend"
)

type runFlags struct {
	compareFlags
	base, head, bench, benchtime string
	history, measure             string
	interleave                   string
	count, maxCount, countJobs   int
	timedIterations, noProfile   bool
	retained                     bool
	timeout, budget              time.Duration
	seed                         uint64
	shard                        string
	harnessFlags
}

// harnessFlags are the flags that measure another harness than go test, alike in gate run and
// gate baseline record.
type harnessFlags struct {
	command, build, results, formatIn string
}

func (f *harnessFlags) registerHarness(fl *pflag.FlagSet) {
	fl.StringVar(&f.command, "command", "", "measure this benchmark `command` of another harness instead of go test (criterion, Google Benchmark, pytest-benchmark, hyperfine; gate run's help says how)")
	fl.StringVar(&f.build, "build", "", "with --command, build each side once with this `command` before the rounds")
	fl.StringVar(&f.results, "results", "", "with --command, read the results from this `path` (a file, or criterion's target/criterion) instead of standard output")
	fl.StringVar(&f.formatIn, "format-in", "auto", "with --command, the `format` of its results: "+formatNames()+" (auto detects it)")
}

// harnessFlagNames are the names registerHarness gives its flags.
var harnessFlagNames = []string{"command", "build", "results", "format-in"}

func newRun(env environment) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] [packages]",
		Short: "Run the benchmarks on a base and a head revision and compare them",
		Long: `Run measures the benchmarks of the Go module in the current directory on two revisions and
compares them like "gate compare".

Each revision that is a commit is checked out in a temporary git worktree; the head defaults
to the working tree as it is, uncommitted changes included, so "did my change make it
slower?" works before committing. Each package's test binary is built once per side. Then, in
--count rounds, every benchmark function runs once per side in processes of its own, its base
and head back to back in random order (a pair), the functions in a new shuffled order each
round, so that drift in the machine's speed falls on both samples of a pair alike; the verdict
is a paired test of the pairs. From the second round on, both sides run a benchmark at the
iteration count its base chose in the first. Benchmarks still undecided after --count rounds
get extra rounds, up to --max-count pairs. The seed of the order is printed and stored in the
report; --seed replays it. --interleave package runs each package's binary once per side and
round instead, all its benchmarks in one process.

--command measures another harness than go test (criterion, Google Benchmark,
pytest-benchmark, hyperfine): the command runs with sh -c in each side's directory, built
once per side by --build, and its output (standard output, or the file or directory
--results names) is read in --format-in's format, or the one detected. Where the command holds
{bench}, each benchmark runs in pairs of its own, {bench} replaced by the harness's argument
that selects it (a criterion or Google Benchmark filter, pytest's -k); otherwise the whole
command is one pair per round.

Packages default to ./..., and only packages with benchmarks matching --bench on either side
are built. A package that fails to build on head stops the run (exit 2); one that fails on
base has its head benchmarks reported new. A benchmark that panics, fails or outlives
--timeout marks its package failed on that side, and the run goes on. When --budget runs
out, no new round starts, and what was measured is compared.

Benchmarks are untrusted code. They get no environment variable that looks like a credential
(GITHUB_TOKEN, ACTIONS_*, *_TOKEN, *_SECRET, *_KEY, *_PASSWORD), and on Linux gate keeps its
own out of their reach: it executes itself again without them in its environment (which
/proc/<pid>/environ shows) and makes itself non-dumpable, so a process of its user can read
neither; in a GitHub Actions job it also sets no_new_privs (no sudo for what it starts). When
gate is root, benchmarks and --command run as the user benchgate (else nobody), which owns
their checkouts and nothing else of gate's. What gate cannot guard: the processes that started
it, which a benchmark of the same user can read (start gate with exec), and files its user can
read. docs/action.md's threat model says what holds where.

Exit status: 0 when the gate passes, 1 when a comparison is a regression or a package's
benchmarks fail on head only, 2 for bad usage or config, a head that does not build, or
nothing measured.`,
		Example: `  gate run                              # merge-base with the default branch vs. the working tree
  gate run --base HEAD~1 ./bench/...    # the previous commit vs. the working tree
  gate run --base main --head feature --count 20 --benchtime 200ms --out results/
  gate run --build 'cargo bench --no-run' --command 'cargo bench -- --noplot {bench}' --results target/criterion`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f, env, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.base, "base", "", "base `revision` (default: the merge-base of HEAD with origin/HEAD, main or master; else HEAD~1)")
	fl.StringVar(&f.head, "head", "", "head `revision` (default: the working tree, uncommitted changes included)")
	fl.StringVar(&f.bench, "bench", ".", "run only benchmarks matching `regexp`, as go test -bench")
	fl.IntVar(&f.count, "count", 0, "`rounds`: pairs of samples every benchmark gets (default 10; 5 with --measure instructions)")
	fl.IntVar(&f.maxCount, "max-count", 0, "the most `pairs` a benchmark still undecided after --count rounds gets in extra rounds (default 3 × --count)")
	fl.StringVar(&f.interleave, "interleave", report.InterleaveBenchmark, "the `schedule`: benchmark (each benchmark's base and head in processes of their own, back to back) or package (each package's binary runs all its benchmarks)")
	fl.BoolVar(&f.timedIterations, "timed-iterations", false, "keep -benchtime's timing in every run, instead of running both sides at the iteration count the first round found")
	fl.StringVar(&f.benchtime, "benchtime", "", "run each benchmark for `d` (a duration, or Nx iterations), as go test -benchtime (default 1s)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "kill a benchmark process (and all it started) after `d`; 0 for no limit")
	fl.DurationVar(&f.budget, "budget", 0, "start no round that would end the run past `d`; 0 for no limit")
	fl.Uint64Var(&f.seed, "seed", 0, "`seed` for the shuffled order of the rounds (default: a new one)")
	fl.BoolVar(&f.noProfile, "no-profile", false, "do not profile the regressions after the rounds (by default the five largest run once more on each side with a CPU or memory profile, and the report says where their time or allocations went)")
	fl.BoolVar(&f.retained, "retained", false, "after the rounds, measure retained-B/op: each benchmark runs 6 more pairs at N and 2N operations with every allocation recorded, and the live heap that grew between them, per operation, is compared like any unit (what the change makes the program keep)")
	f.registerHarness(fl)
	fl.StringVar(&f.measure, "measure", "", "the `instrument`: time (the run's own time and memory), instructions (instructions per op counted under Valgrind: near-deterministic on a noisy machine) or both (default: the config's measure, else time)")
	fl.StringVar(&f.shard, "shard", "", "measure only shard `K/N` of the selected benchmark functions, split the same way on every runner (balanced by the costs recorded in --history when given); needs --out, and gate merge judges the shards together")
	fl.IntVar(&f.countJobs, "count-jobs", 0, "with --measure instructions or both, count `n` benchmarks at a time (default: one per logical CPU; counts do not depend on what runs beside them)")
	fl.StringVar(&f.history, "history", "", "put each comparison beside its recorded history on this data `branch` of origin (see gate baseline record), and apply the config's noise-multiple")
	f.register(fl, "write base.txt, head.txt, report.json and report.md to `dir`")
	return cmd
}

func runRun(cmd *cobra.Command, f runFlags, env environment, packages []string) error {
	render, err := renderer(f.format)
	if err != nil {
		return err
	}
	if f.count < 1 && cmd.Flags().Changed("count") {
		return usageError{fmt.Errorf("--count %d: expected at least 1", f.count)}
	}
	if f.maxCount < 0 {
		return usageError{fmt.Errorf("--max-count %d: expected at least 1, or 0 for 3 × --count", f.maxCount)}
	}
	if f.countJobs < 0 {
		return usageError{fmt.Errorf("--count-jobs %d: expected at least 1, or 0 for one per logical CPU", f.countJobs)}
	}
	if f.interleave != report.InterleaveBenchmark && f.interleave != report.InterleavePackage {
		return usageError{fmt.Errorf("--interleave %q: expected benchmark or package", f.interleave)}
	}
	var spec *shard.Spec
	if f.shard != "" {
		s, err := shard.Parse(f.shard)
		if err != nil {
			return usageError{fmt.Errorf("--%w", err)}
		}
		if f.out == "" {
			return usageError{errors.New("--shard needs --out DIR: gate merge reads the shards' directories")}
		}
		spec = &s
	}
	harness, err := f.harness(cmd, packages, "bench", "benchtime", "interleave", "timed-iterations", "retained")
	if err != nil {
		return err
	}
	cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
	if err != nil {
		return err
	}
	measure := cfg.Measure
	if f.measure != "" {
		if measure, err = report.ParseInstrument(f.measure); err != nil {
			return usageError{fmt.Errorf("--%w", err)}
		}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := cmd.ErrOrStderr()
	// The history is read first: a data branch that is not there should not cost a whole run.
	var history *gate.History
	if f.history != "" {
		if history, err = gate.ReadHistory(ctx, baseline.Open(".", "origin", f.history, env), trend.Recent); err != nil {
			return fmt.Errorf("--history: %w", err)
		}
		if len(history.Records) == 0 {
			return usageError{fmt.Errorf("--history: origin has no records on a branch %s (gate baseline record writes them)", f.history)}
		}
	}
	var costs map[report.Func]float64
	costsFrom := ""
	if spec != nil && history != nil {
		costs, costsFrom = history.ShardCosts()
	}
	// The profiles are kept in --out's profiles/; without --out they live as long as the run.
	profileDir := ""
	switch {
	case f.noProfile, harness != nil: // profiles are go test's
	case f.out != "":
		profileDir = filepath.Join(f.out, "profiles")
	default:
		if profileDir, err = os.MkdirTemp("", "benchgate-profiles-"); err != nil {
			return err
		}
		defer os.RemoveAll(profileDir)
	}
	m, err := gate.Measure(ctx, gate.MeasureOptions{
		Run: benchexec.Options{
			Dir: ".", Base: f.base, Head: f.head, Packages: packages, Bench: f.bench,
			Count: f.count, MaxCount: f.maxCount, Interleave: f.interleave, TimedIterations: f.timedIterations,
			Benchtime: f.benchtime, Timeout: f.timeout, Budget: f.budget, Seed: f.seed, CountJobs: f.countJobs,
			Harness: harness, Measure: measure, Env: env, Progress: progressFor(stderr),
			Shard: spec, ShardCosts: costs, ShardCostsFrom: costsFrom, Retained: f.retained,
		},
		Config: cfg, History: history, ProfileDir: profileDir,
	})
	if err != nil {
		return err
	}
	rep := m.Report
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "gate: warning: %s\n", w)
	}
	for _, fail := range rep.Run.Failures {
		fmt.Fprintf(stderr, "gate: %s failed on %s in round %d: %s\n%s\n", fail.Package, fail.Side, fail.Round, fail.Message, fail.Output)
	}
	run := rep.Run
	if run.Command != "" {
		fmt.Fprintf(stderr, "gate: built in %.1fs; %d rounds in %.1fs, of which the command %.1fs (gate's overhead %.1f%%); seed %d\n",
			run.BuildSeconds, run.Rounds, run.RoundsSeconds, run.ProcessesSeconds, overhead(run), run.Seed)
	} else {
		fmt.Fprintf(stderr, "gate: built in %.1fs; %d rounds in %.1fs, of which benchmark processes %.1fs (gate's overhead %.1f%%) and the benchmarks' timed loops %.1fs (%.0f%%; a process starts in %.0fms); seed %d\n",
			run.BuildSeconds, run.Rounds, run.RoundsSeconds, run.ProcessesSeconds, overhead(run), run.BenchmarkSeconds, 100*run.BenchmarkSeconds/max(run.RoundsSeconds, 1e-9), 1000*run.StartupSeconds, run.Seed)
	}
	if f.out != "" {
		if err := m.WriteDir(f.out); err != nil {
			return err
		}
	}
	if err := render(cmd.OutOrStdout(), rep); err != nil {
		return err
	}
	if len(rep.Profiles) > 0 {
		if p := rep.Profiles[0]; f.out != "" {
			fmt.Fprintf(stderr, "gate: the profiles are in %s: go tool pprof -diff_base %s %s\n", profileDir,
				filepath.Join(profileDir, p.BaseFile), filepath.Join(profileDir, p.HeadFile))
		} else {
			fmt.Fprintln(stderr, "gate: give --out DIR to keep the profiles, for go tool pprof -diff_base")
		}
	}
	if sh := rep.Run.Shard; sh != nil {
		// A shard's verdict is its part's alone, and its false-alarm control too: gate merge
		// judges the whole set, and only its verdict is the check's.
		fmt.Fprintf(stderr, "gate: shard %d/%d measured %d of %d benchmark functions (split by %s) into %s; gate merge judges the shards together\n", sh.Index, sh.Count, len(sh.Functions), sh.Selected, sh.Method, f.out)
		return nil
	}
	if rep.Verdict == report.Fail {
		return gate.ErrFailed
	}
	return nil
}

// harness is the harness --command asks for, nil without it. The command's flags of go test
// (goTestOnly) do not apply to it, and the ones of a harness need --command: each is refused
// where it would be ignored.
func (f harnessFlags) harness(cmd *cobra.Command, packages []string, goTestOnly ...string) (*benchexec.Harness, error) {
	changed := cmd.Flags().Changed
	if f.command == "" {
		for _, name := range harnessFlagNames[1:] {
			if changed(name) {
				return nil, usageError{fmt.Errorf("--%s applies to --command only", name)}
			}
		}
		return nil, nil
	}
	if len(packages) > 0 {
		return nil, usageError{fmt.Errorf("packages %s: a --command measures what it runs; give no packages", strings.Join(packages, " "))}
	}
	for _, name := range goTestOnly {
		if changed(name) {
			return nil, usageError{fmt.Errorf("--%s applies to go test's benchmarks, not to --command (which selects with {bench})", name)}
		}
	}
	format, err := formats.ParseFormat(f.formatIn)
	if err != nil {
		return nil, usageError{fmt.Errorf("--format-in: %w", err)}
	}
	return &benchexec.Harness{Command: f.command, Build: f.build, Results: f.results, Format: format}, nil
}

// formatNames lists the --format-in values.
func formatNames() string {
	names := []string{"auto"}
	for _, f := range formats.Formats {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

func overhead(run *report.Run) float64 {
	if run.RoundsSeconds == 0 {
		return 0
	}
	return 100 * (run.RoundsSeconds - run.ProcessesSeconds) / run.RoundsSeconds
}

// progressFor draws a progress bar on a terminal and writes a line per round elsewhere (CI logs).
func progressFor(w io.Writer) benchexec.Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return benchexec.BarProgress(w)
	}
	return benchexec.LineProgress(w)
}
