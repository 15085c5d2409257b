// Command detect measures what a benchmark gate exists for: how often it catches slowdowns of a
// known size, how often it cries wolf on unchanged benchmarks, and how long it takes.
//
//	go run ./bench/detect -out results/          # the full experiment, about 15 minutes on 2 cores
//	go run ./bench/detect -quick -out results/   # a smoke test, about a minute
//
// It generates a Go module of N benchmarks whose noise resembles real ones (a CPU-bound chain,
// allocation, map and slice work, and a deliberately noisy kind), commits it, and commits a head
// revision that makes a third of them 2%, 5%, 10% or 20% slower. Then, trial after trial, it runs
// each strategy on the two commits:
//
//   - benchgate: gate run with default settings (interleaved rounds, Benjamini–Hochberg, 5%
//     thresholds);
//   - sequential: go test -bench -count N on base, then on head, judged like benchstat (any
//     significant change at α = 0.05), as a "run it twice and diff" check does;
//   - single run: one go test -bench per side, alerting when head/base passes 1.1×, 1.5× or 2×, as
//     a threshold-on-the-last-value check does.
//
// It writes results.md (the table), results.json (every trial's alerts) and detection.svg
// (detection rate against effect size, per strategy) into -out.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "a smoke test: 24 benchmarks, 1 trial, 6 rounds of 10ms")
	out := flag.String("out", "detect-results", "`dir` to write results.md, results.json and detection.svg to")
	n := flag.Int("benchmarks", 72, "benchmarks in the generated module (a third slowed)")
	trials := flag.Int("trials", 4, "trials per strategy")
	count := flag.Int("count", 10, "rounds (samples per benchmark and side) for benchgate and sequential")
	benchtime := flag.String("benchtime", "20ms", "-benchtime of every run, the same for every strategy")
	flag.Parse()
	if *quick {
		*n, *trials, *count, *benchtime = 24, 1, 6, "10ms"
	}
	if err := run(*out, *n, *trials, *count, *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "detect:", err)
		os.Exit(1)
	}
}

// strategy names, in the order of the table.
var strategies = []string{"benchgate (interleaved, defaults)", "sequential + benchstat", "single run, 1.1×", "single run, 1.5×", "single run, 2×"}

// trial is one strategy's alerts in one trial.
type trial struct {
	Strategy string          `json:"strategy"`
	Trial    int             `json:"trial"`
	Seconds  float64         `json:"seconds"`
	Slower   map[string]bool `json:"slower"`
	Changed  map[string]bool `json:"changed"`
}

func run(out string, n, trials, count int, benchtime string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "detect-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bs := plan(n)
	s := setup{repo: filepath.Join(work, "repo"), count: count, benchtime: benchtime, env: os.Environ()}
	if err := os.MkdirAll(s.repo, 0o755); err != nil {
		return err
	}
	if s.base, s.head, err = makeRepo(s.repo, bs); err != nil {
		return err
	}
	s.baseDir, s.headDir = filepath.Join(work, "base"), filepath.Join(work, "head")
	for dir, rev := range map[string]string{s.baseDir: s.base, s.headDir: s.head} {
		if _, err := git(s.repo, "worktree", "add", "-q", "--detach", dir, rev); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%d benchmarks (%d slowed), %d trials, -count %d, -benchtime %s\n", n, countSlowed(bs), trials, count, benchtime)

	var results []trial
	add := func(name string, t int, a alerts) {
		results = append(results, trial{Strategy: name, Trial: t, Seconds: a.wall.Seconds(), Slower: a.slower, Changed: a.changed})
		fmt.Fprintf(os.Stderr, "trial %d: %-34s %6.1fs\n", t, name, a.wall.Seconds())
	}
	for t := 1; t <= trials; t++ {
		// Strategies take turns within a trial, so that drift in the machine's speed falls on
		// all of them.
		a, err := s.benchgate(uint64(t))
		if err != nil {
			return err
		}
		add(strategies[0], t, a)
		if a, err = s.sequential(); err != nil {
			return err
		}
		add(strategies[1], t, a)
		ratios, wall, err := s.singleRun()
		if err != nil {
			return err
		}
		for i, threshold := range []float64{1.1, 1.5, 2} {
			add(strategies[2+i], t, byRatio(ratios, threshold, wall))
		}
	}
	table := summarize(bs, results, trials)
	data, err := json.MarshalIndent(map[string]any{"benchmarks": n, "trials": trials, "count": count, "benchtime": benchtime, "results": results}, "", "  ")
	if err != nil {
		return err
	}
	md := markdown(table, n, countSlowed(bs), trials, count, benchtime)
	fmt.Print(md)
	return errors.Join(
		os.WriteFile(filepath.Join(out, "results.json"), data, 0o644),
		os.WriteFile(filepath.Join(out, "results.md"), []byte(md), 0o644),
		plotDetection(table, filepath.Join(out, "detection.svg")),
	)
}

func countSlowed(bs []benchmark) int {
	k := 0
	for _, b := range bs {
		if b.effect > 0 {
			k++
		}
	}
	return k
}

// row is one strategy's rates.
type row struct {
	strategy   string
	detection  map[float64]float64 // effect → share of slowed benchmarks called slower
	falseAlarm float64             // share of unchanged benchmarks called changed
	seconds    float64             // mean wall time of a trial
}

func summarize(bs []benchmark, results []trial, trials int) []row {
	var rows []row
	for _, name := range strategies {
		r := row{strategy: name, detection: map[float64]float64{}}
		hits, totals := map[float64]int{}, map[float64]int{}
		alarms, unchanged := 0, 0
		for _, res := range results {
			if res.Strategy != name {
				continue
			}
			r.seconds += res.Seconds / float64(trials)
			for _, b := range bs {
				if b.effect > 0 {
					totals[b.effect]++
					if res.Slower[b.name] {
						hits[b.effect]++
					}
				} else {
					unchanged++
					if res.Changed[b.name] {
						alarms++
					}
				}
			}
		}
		for _, e := range Effects {
			r.detection[e] = float64(hits[e]) / float64(max(totals[e], 1))
		}
		r.falseAlarm = float64(alarms) / float64(max(unchanged, 1))
		rows = append(rows, r)
	}
	return rows
}

func markdown(rows []row, n, slowed, trials, count int, benchtime string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d benchmarks (%d slowed, %d per effect size; %d unchanged), %d trials per strategy, -count %d, -benchtime %s, run %s\n\n",
		n, slowed, slowed/len(Effects), n-slowed, trials, count, benchtime, time.Now().UTC().Format("2006-01-02"))
	b.WriteString("| strategy | caught at 2% | 5% | 10% | 20% | false alarms | wall time per trial |\n| :-- | --: | --: | --: | --: | --: | --: |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.strategy)
		for _, e := range Effects {
			fmt.Fprintf(&b, " %.0f%% |", 100*r.detection[e])
		}
		fmt.Fprintf(&b, " %.1f%% | %.0f s |\n", 100*r.falseAlarm, r.seconds)
	}
	return b.String()
}
