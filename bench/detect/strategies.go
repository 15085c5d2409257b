package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// alerts is what one strategy said in one trial: per benchmark (without its -GOMAXPROCS suffix),
// whether it called it slower, and whether it called it changed either way.
type alerts struct {
	slower, changed map[string]bool
	wall            time.Duration
	pairs           []int              // the pairs each benchmark got, where the strategy pairs samples
	detectable      map[string]float64 // the smallest change each benchmark's pairs could catch, in percent
}

// setup is what every strategy measures: the fixture repository and its two commits, with each
// checked out once for the strategies that run go test in a directory.
type setup struct {
	repo, base, head string
	baseDir, headDir string
	count            int
	benchtime        string
	bench            string // the benchmarks benchgate runs ("" for all)
	env              []string
	cfg              *config.Config // benchgate's verdicts
}

func name(benchmark string) string {
	if i := strings.LastIndex(benchmark, "-"); i > 0 {
		return benchmark[:i]
	}
	return benchmark
}

// timeUnits and countUnits are the units a strategy's verdicts are read in: a benchmark is
// called slower when one of them is a regression, changed when one moved either way.
var (
	timeUnits  = []string{"sec/op"}
	countUnits = []string{report.InstructionsUnit, report.EstCyclesUnit}
)

// fromReport reads a report's verdicts in units.
func fromReport(rep *report.Report, units []string) alerts {
	a := alerts{slower: map[string]bool{}, changed: map[string]bool{}, detectable: map[string]float64{}}
	for _, c := range rep.Comparisons {
		if !slices.Contains(units, c.Unit) || c.Benchmark == report.ProcessBenchmark {
			continue
		}
		n := name(c.Benchmark)
		a.slower[n] = a.slower[n] || c.Verdict == report.Regression
		a.changed[n] = a.changed[n] || c.Verdict == report.Regression || c.Verdict == report.Improvement
		if c.Paired != nil && c.Unit == units[0] {
			a.pairs = append(a.pairs, c.Paired.N)
			if d := c.Paired.DetectablePercent; d != nil {
				a.detectable[n] = *d
			}
		}
	}
	return a
}

// gateOptions are the benchgate strategies' ways to measure.
type gateOptions struct {
	interleave string
	timed      bool // -benchtime's timing in every run, not a calibrated count
	adaptive   bool // extra rounds for the undecided
	unpaired   bool // judge on benchstat's unpaired numbers, as before pairs
	budget     time.Duration
	measure    report.Instrument
	count      int // rounds, when not the experiment's -count
}

// pairKey matches the pair labels of gate run's raw results.
var pairKey = regexp.MustCompile(`(?m)^` + report.PairKey + `: \d+\n`)

// benchgate runs gate run's engine and judges the results under cfg as gate run does.
func (s setup) benchgate(seed uint64, o gateOptions, cfg *config.Config) (*report.Report, *benchexec.Result, error) {
	count := s.count
	if o.count > 0 {
		count = o.count
	}
	opts := benchexec.Options{
		Dir: s.repo, Base: s.base, Head: s.head, Count: count, Benchtime: s.benchtime, Bench: s.bench, Seed: seed, Env: s.env,
		Interleave: o.interleave, TimedIterations: o.timed, Budget: o.budget, MaxCount: count, Measure: o.measure,
	}
	if o.adaptive {
		opts.MaxCount = 0 // the default
		opts.Undecided = compare.Undecided(cfg, nil)
	}
	res, err := benchexec.Run(context.Background(), opts)
	if err != nil {
		return nil, nil, err
	}
	base, head := res.Base, res.Head
	if o.unpaired {
		base, head = pairKey.ReplaceAll(base, nil), pairKey.ReplaceAll(head, nil)
	}
	results, err := compare.ReadRun(base, head)
	if err != nil {
		return nil, nil, err
	}
	rep, _ := results.Compare(cfg, compare.Extra{Run: &res.Run})
	return rep, res, nil
}

// goTest runs go test -bench on one side and returns its output.
func (s setup) goTest(dir string, count int) ([]byte, error) {
	args := []string{"test", "-run", "^$", "-bench", ".", "-count", strconv.Itoa(count), "./..."}
	if s.benchtime != "" {
		args = append(args, "-benchtime", s.benchtime)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	err := cmd.Run()
	return out.Bytes(), err
}

// sequential is what "run it twice and diff" does: go test -count N on base, then on head, then
// benchstat's judgement, a significant change at α = 0.05 of any size, each benchmark on its own.
func (s setup) sequential() (alerts, error) {
	start := time.Now()
	old, err := s.goTest(s.baseDir, s.count)
	if err != nil {
		return alerts{}, err
	}
	new, err := s.goTest(s.headDir, s.count)
	if err != nil {
		return alerts{}, err
	}
	cfg := config.Default()
	cfg.FalseAlarmControl = report.NoControl
	cfg.Thresholds = []config.Threshold{{MaxPercent: 0}}
	rep, err := compare.Compare([]compare.Input{
		{Name: "old.txt", R: bytes.NewReader(old), Side: report.Base},
		{Name: "new.txt", R: bytes.NewReader(new), Side: report.Head},
	}, cfg)
	if err != nil {
		return alerts{}, err
	}
	a := fromReport(rep, timeUnits)
	a.wall = time.Since(start)
	return a, nil
}
