package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
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
}

// setup is what every strategy measures: the fixture repository and its two commits, with each
// checked out once for the strategies that run go test in a directory.
type setup struct {
	repo, base, head string
	baseDir, headDir string
	count            int
	benchtime        string
	env              []string
}

func name(benchmark string) string {
	if i := strings.LastIndex(benchmark, "-"); i > 0 {
		return benchmark[:i]
	}
	return benchmark
}

// fromReport reads a report's sec/op verdicts.
func fromReport(rep *report.Report) alerts {
	a := alerts{slower: map[string]bool{}, changed: map[string]bool{}}
	for _, c := range rep.Comparisons {
		if c.Unit != "sec/op" {
			continue
		}
		n := name(c.Benchmark)
		a.slower[n] = c.Verdict == report.Regression
		a.changed[n] = c.Verdict == report.Regression || c.Verdict == report.Improvement
	}
	return a
}

// benchgate is gate run with its defaults: both revisions built once, interleaved rounds,
// Benjamini–Hochberg, 5% thresholds.
func (s setup) benchgate(seed uint64) (alerts, error) {
	start := time.Now()
	res, err := benchexec.Run(context.Background(), benchexec.Options{
		Dir: s.repo, Base: s.base, Head: s.head, Count: s.count, Benchtime: s.benchtime, Seed: seed, Env: s.env,
	})
	if err != nil {
		return alerts{}, err
	}
	results, err := compare.Read([]compare.Input{
		{Name: "base.txt", R: bytes.NewReader(res.Base), Side: compare.Base},
		{Name: "head.txt", R: bytes.NewReader(res.Head), Side: compare.Head},
	})
	if err != nil {
		return alerts{}, err
	}
	a := fromReport(results.Compare(config.Default()))
	a.wall = time.Since(start)
	return a, nil
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
	cfg.FalseAlarmControl = config.NoControl
	cfg.Thresholds = []config.Threshold{{MaxPercent: 0}}
	rep, err := compare.Compare([]compare.Input{
		{Name: "old.txt", R: bytes.NewReader(old), Side: compare.Base},
		{Name: "new.txt", R: bytes.NewReader(new), Side: compare.Head},
	}, cfg)
	if err != nil {
		return alerts{}, err
	}
	a := fromReport(rep)
	a.wall = time.Since(start)
	return a, nil
}

// singleRun is what a threshold-on-the-last-value check does: one run per side, and an alert when
// head/base passes a ratio. It returns the ratio per benchmark, for each threshold to judge.
func (s setup) singleRun() (map[string]float64, time.Duration, error) {
	start := time.Now()
	old, err := s.goTest(s.baseDir, 1)
	if err != nil {
		return nil, 0, err
	}
	new, err := s.goTest(s.headDir, 1)
	if err != nil {
		return nil, 0, err
	}
	rep, err := compare.Compare([]compare.Input{
		{Name: "old.txt", R: bytes.NewReader(old), Side: compare.Base},
		{Name: "new.txt", R: bytes.NewReader(new), Side: compare.Head},
	}, config.Default())
	if err != nil {
		return nil, 0, err
	}
	ratios := map[string]float64{}
	for _, c := range rep.Comparisons {
		if c.Unit == "sec/op" && c.Base != nil && c.Head != nil && c.Base.Center > 0 {
			ratios[name(c.Benchmark)] = c.Head.Center / c.Base.Center
		}
	}
	return ratios, time.Since(start), nil
}

// byRatio judges single-run ratios at a threshold.
func byRatio(ratios map[string]float64, threshold float64, wall time.Duration) alerts {
	a := alerts{slower: map[string]bool{}, changed: map[string]bool{}, wall: wall}
	for n, r := range ratios {
		a.slower[n] = r > threshold
		a.changed[n] = r > threshold || r < 1/threshold
	}
	return a
}
