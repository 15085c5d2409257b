// Command detect measures what a benchmark gate exists for: how often it catches slowdowns of a
// known size, how often it cries wolf on unchanged benchmarks, and how long it takes, on a quiet
// machine and on one where another process competes for the CPU in bursts.
//
//	go run ./bench/detect -out results/          # the full experiment, about 18 minutes on 2 cores (24 with -timed)
//	go run ./bench/detect -aa -out results/      # A/A runs: the same code on both sides
//	go run ./bench/detect -true-effects          # the injected slowdowns' true sizes in time
//	go run ./bench/detect -quick -out results/   # a smoke test, about a minute
//	go run ./bench/detect -counted -out results/ # with the instructions instrument beside (needs valgrind)
//	go run ./bench/detect -aa -counted -out results/ # A/A runs of the instructions instrument
//	go run ./bench/detect -shards 3 -benchmarks 60 -trials 1 -out results/ # one job against 3 shards, merged
//	go run ./bench/detect -count-spread 10ms     # how far counts of identical runs spread, and why
//
// It generates a Go module of N benchmarks whose noise resembles real ones (a CPU-bound chain,
// allocation, map and slice work, and a deliberately noisy kind), commits it, and commits a head
// revision that makes a third of them 2%, 5%, 10% or 20% slower. Then, trial after trial and in
// each noise condition, it runs each strategy on the two commits:
//
//   - sequential: go test -bench -count N on base, then on head, judged like benchstat (any
//     significant change at α = 0.05), as a "run it twice and diff" check does. It runs first in
//     each trial, and 1.25× its wall time is the pair strategies' budget;
//   - benchgate: gate run's engine and verdicts at its defaults: each benchmark's base and head run
//     back to back (a pair), the first round's iteration count kept for both sides, the paired
//     trimmed t-test, Benjamini–Hochberg, extra pairs for the undecided, within the budget;
//   - benchgate, timed iterations (with -timed): the same, with -benchtime's timing in every run;
//   - before pairs: package-level rounds judged on benchstat's unpaired numbers, as benchgate
//     did before;
//   - benchgate, counted (with -counted): --measure instructions, each sample the benchmark's
//     instructions per operation under Valgrind, -count-rounds rounds, judged in instructions/op
//     and est-cycles/op at their 1% thresholds, with no budget: its wall time is what it costs.
//
// The benchgate strategies judge with a threshold of -threshold percent (3 by default), so that a
// 5% slowdown is past it; the sequential anchor with none.
//
// The noisy condition starts a competing process that burns a core in random bursts (0.2–2 s
// on, 0.5–3 s off), so that the machine's speed drifts as it does on a shared runner.
//
// It writes results.md (the tables), results.json (every trial's alerts), detection.svg
// (detection rate against effect size, per strategy and condition) and reports/ (each benchgate
// trial's report) into -out.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

func main() {
	quick := flag.Bool("quick", false, "a smoke test: 24 benchmarks, 1 trial, 8 rounds of 10ms, quiet only")
	aa := flag.Bool("aa", false, "A/A runs: the same code on both sides, benchgate at its defaults, -trials runs per condition")
	trueEffects := flag.Bool("true-effects", false, "measure the injected slowdowns' true sizes with long paired runs")
	out := flag.String("out", "detect-results", "`dir` to write results.md, results.json and detection.svg to")
	n := flag.Int("benchmarks", 72, "benchmarks in the generated module (a third slowed)")
	trials := flag.Int("trials", 3, "trials per strategy and condition")
	count := flag.Int("count", 10, "rounds (samples per benchmark and side) for benchgate and sequential")
	benchtime := flag.String("benchtime", "20ms", "-benchtime of every run, the same for every strategy")
	threshold := flag.Float64("threshold", 3, "the benchgate strategies' sec/op threshold, in percent")
	conditions := flag.String("conditions", "quiet,noisy", "noise `conditions` to run, comma-separated: quiet, noisy")
	timed := flag.Bool("timed", false, "also run benchgate with timed iterations (-benchtime's timing in every run), to see what the calibrated count buys")
	counted := flag.Bool("counted", false, "also run benchgate counting instructions under Valgrind (--measure instructions); with -aa, count instead of time")
	countRounds := flag.Int("count-rounds", 5, "rounds of the counted strategy (gate run's default with --measure instructions)")
	shards := flag.Int("shards", 0, "measure the fixture as one job and as `n` shards run one after another and merged (gate run --shard, gate merge), -trials times, quiet, and stop")
	countSpread := flag.Duration("count-spread", 0, "measure how far counts of identical runs spread, with N for this native `time` (needs valgrind), -trials repetitions, and stop")
	burn := flag.Uint64("burn", 0, "internal: be the competing process, with this seed")
	flag.Parse()
	if *burn != 0 {
		burnCPU(*burn)
		return
	}
	if *quick {
		*n, *trials, *count, *benchtime, *conditions = 24, 1, 8, "10ms", "quiet"
	}
	e := experiment{out: *out, n: *n, trials: *trials, count: *count, benchtime: *benchtime, threshold: *threshold, conditions: strings.Split(*conditions, ","), timed: *timed, counted: *counted, countRounds: *countRounds}
	var err error
	switch {
	case *shards > 0:
		err = e.shards(*shards)
	case *countSpread > 0:
		err = e.countSpread(*countSpread)
	case *trueEffects:
		err = e.trueEffects()
	case *aa:
		err = e.aa()
	default:
		err = e.detection()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "detect:", err)
		os.Exit(1)
	}
}

// experiment is one invocation's settings.
type experiment struct {
	out              string
	n, trials, count int
	benchtime        string
	threshold        float64
	conditions       []string
	timed, counted   bool
	countRounds      int
}

// strategy names, in the order of the table.
const (
	sequentialName = "sequential go test -count N ×2 + benchstat"
	pairsName      = "benchgate: pairs, paired test, extra rounds"
	timedName      = "benchgate: pairs, timed iterations"
	beforeName     = "before: package rounds, unpaired"
	countedName    = "benchgate: instructions/op under Valgrind"
)

var strategies = []string{countedName, pairsName, timedName, beforeName, sequentialName}

// slugs name the benchgate strategies' report files.
var slugs = map[string]string{pairsName: "pairs", timedName: "timed", beforeName: "before", countedName: "counted"}

// trial is one strategy's alerts in one trial.
type trial struct {
	Condition string          `json:"condition"`
	Strategy  string          `json:"strategy"`
	Trial     int             `json:"trial"`
	Seconds   float64         `json:"seconds"`
	Slower    map[string]bool `json:"slower"`
	Changed   map[string]bool `json:"changed"`
	Pairs     []int           `json:"pairs,omitempty"`
	// Detectable is, per benchmark, the smallest change its pairs could catch, in percent.
	Detectable map[string]float64 `json:"detectable,omitempty"`
}

// prepare generates the fixture with the given benchmarks in a temporary directory and checks
// out both commits; cleanup removes it all.
func (e experiment) prepare(bs []benchmark) (s setup, cleanup func(), err error) {
	work, err := os.MkdirTemp("", "detect-")
	if err != nil {
		return s, nil, err
	}
	cleanup = func() { os.RemoveAll(work) }
	s = setup{repo: filepath.Join(work, "repo"), count: e.count, benchtime: e.benchtime, env: os.Environ(), cfg: config.Default()}
	s.cfg.Thresholds = append(s.cfg.Thresholds, config.Threshold{Unit: "sec/op", MaxPercent: e.threshold})
	if err := os.MkdirAll(s.repo, 0o755); err != nil {
		cleanup()
		return s, nil, err
	}
	if s.base, s.head, err = makeRepo(s.repo, bs); err != nil {
		cleanup()
		return s, nil, err
	}
	s.baseDir, s.headDir = filepath.Join(work, "base"), filepath.Join(work, "head")
	for dir, rev := range map[string]string{s.baseDir: s.base, s.headDir: s.head} {
		if _, err := git(s.repo, "worktree", "add", "-q", "--detach", dir, rev); err != nil {
			cleanup()
			return s, nil, err
		}
	}
	return s, cleanup, nil
}

func (e experiment) detection() error {
	if err := os.MkdirAll(filepath.Join(e.out, "reports"), 0o755); err != nil {
		return err
	}
	bs := plan(e.n)
	s, cleanup, err := e.prepare(bs)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(os.Stderr, "%d benchmarks (%d slowed), %d trials, -count %d, -benchtime %s, conditions %v\n", e.n, countSlowed(bs), e.trials, e.count, e.benchtime, e.conditions)

	var results []trial
	add := func(cond, name string, t int, a alerts) {
		results = append(results, trial{Condition: cond, Strategy: name, Trial: t, Seconds: a.wall.Seconds(), Slower: a.slower, Changed: a.changed, Pairs: a.pairs, Detectable: a.detectable})
		fmt.Fprintf(os.Stderr, "%s trial %d: %-44s %6.1fs\n", cond, t, name, a.wall.Seconds())
	}
	for _, cond := range e.conditions {
		stop, err := startNoise(cond)
		if err != nil {
			return err
		}
		for t := 1; t <= e.trials; t++ {
			// The anchor first: its wall time is the others' budget. The others take turns, so
			// that drift in the machine's speed falls on all of them.
			a, err := s.sequential()
			if err != nil {
				stop()
				return err
			}
			add(cond, sequentialName, t, a)
			// The acceptance's bound: within 1.25× the anchor's wall time.
			budget := a.wall * 5 / 4
			gates := map[string]gateOptions{
				pairsName:  {interleave: "benchmark", adaptive: true, budget: budget},
				timedName:  {interleave: "benchmark", adaptive: true, timed: true, budget: budget},
				beforeName: {interleave: "package", unpaired: true},
				// Counting costs what it costs: no budget, and its wall time is the table's.
				countedName: {interleave: "benchmark", adaptive: true, measure: report.MeasureInstructions, count: e.countRounds},
			}
			order := []string{pairsName, beforeName}
			if e.timed {
				order = append(order, timedName)
			}
			if e.counted {
				order = append(order, countedName)
			}
			for range (t - 1) % len(order) {
				order = append(order[1:], order[0])
			}
			for _, name := range order {
				start := time.Now()
				rep, _, err := s.benchgate(uint64(t), gates[name], s.cfg)
				if err != nil {
					stop()
					return err
				}
				units := timeUnits
				if gates[name].measure.Counts() {
					units = countUnits
				}
				a := fromReport(rep, units)
				a.wall = time.Since(start)
				add(cond, name, t, a)
				// Every verdict's numbers, to see why a slowdown was missed.
				if err := report.WriteFile(filepath.Join(e.out, "reports", fmt.Sprintf("%s-%s-%d.json", cond, slugs[name], t)), rep); err != nil {
					stop()
					return err
				}
			}
		}
		stop()
	}
	var md strings.Builder
	fmt.Fprintf(&md, "%d benchmarks (%d slowed, %d per effect size; %d unchanged), %d trials per strategy and condition, -count %d, -benchtime %s, benchgate's sec/op threshold %v%%, run %s\n",
		e.n, countSlowed(bs), countSlowed(bs)/len(Effects), e.n-countSlowed(bs), e.trials, e.count, e.benchtime, e.threshold, time.Now().UTC().Format("2006-01-02"))
	tables := map[string][]row{}
	for _, cond := range e.conditions {
		rows := summarize(bs, results, cond)
		tables[cond] = rows
		md.WriteString("\n" + markdown(cond, rows))
		md.WriteString("\n" + byKind(bs, results, cond, pairsName))
		if e.counted {
			md.WriteString("\n" + byKind(bs, results, cond, countedName))
		}
	}
	data, err := json.MarshalIndent(map[string]any{"benchmarks": e.n, "trials": e.trials, "count": e.count, "benchtime": e.benchtime, "threshold": e.threshold, "results": results}, "", "  ")
	if err != nil {
		return err
	}
	fmt.Print(md.String())
	return errors.Join(
		os.WriteFile(filepath.Join(e.out, "results.json"), data, 0o644),
		os.WriteFile(filepath.Join(e.out, "results.md"), []byte(md.String()), 0o644),
		plotDetection(tables, filepath.Join(e.out, "detection.svg")),
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

// row is one strategy's rates in one condition.
type row struct {
	strategy           string
	detection          map[float64]float64 // effect → share of slowed benchmarks called slower
	alarms, unchanged  int                 // unchanged benchmarks called changed, of all
	seconds            float64             // mean wall time of a trial
	pairsMed, pairsMax int
}

// score counts one strategy's calls over trials: the slowed benchmarks it caught per effect size,
// and the unchanged ones it called changed.
type score struct {
	hits, totals      map[float64]int
	alarms, unchanged int
}

func newScore() score { return score{hits: map[float64]int{}, totals: map[float64]int{}} }

// add counts one trial's calls on the benchmarks bs.
func (s *score) add(bs []benchmark, res trial) {
	for _, b := range bs {
		if b.effect > 0 {
			s.totals[b.effect]++
			if res.Slower[b.name] {
				s.hits[b.effect]++
			}
		} else {
			s.unchanged++
			if res.Changed[b.name] {
				s.alarms++
			}
		}
	}
}

func summarize(bs []benchmark, results []trial, cond string) []row {
	var rows []row
	for _, name := range strategies {
		r := row{strategy: name, detection: map[float64]float64{}}
		sc := newScore()
		var pairs []float64
		trials := 0
		for _, res := range results {
			if res.Strategy != name || res.Condition != cond {
				continue
			}
			trials++
			r.seconds += res.Seconds
			for _, p := range res.Pairs {
				pairs = append(pairs, float64(p))
				r.pairsMax = max(r.pairsMax, p)
			}
			sc.add(bs, res)
		}
		if trials == 0 {
			continue
		}
		r.seconds /= float64(trials)
		if len(pairs) > 0 {
			r.pairsMed = int(medianOf(pairs))
		}
		r.alarms, r.unchanged = sc.alarms, sc.unchanged
		for _, e := range Effects {
			r.detection[e] = float64(sc.hits[e]) / float64(max(sc.totals[e], 1))
		}
		rows = append(rows, r)
	}
	return rows
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func markdown(cond string, rows []row) string {
	var b strings.Builder
	anchor := 0.0
	for _, r := range rows {
		if r.strategy == sequentialName {
			anchor = r.seconds
		}
	}
	fmt.Fprintf(&b, "%s:\n\n| strategy | caught at 2%% | 5%% | 10%% | 20%% | false alarms | wall per trial | × anchor | pairs (median, max) |\n| :-- | --: | --: | --: | --: | --: | --: | --: | --: |\n", cond)
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.strategy)
		for _, e := range Effects {
			fmt.Fprintf(&b, " %.0f%% |", 100*r.detection[e])
		}
		pairs := "–"
		if r.pairsMax > 0 {
			pairs = fmt.Sprintf("%d, %d", r.pairsMed, r.pairsMax)
		}
		fmt.Fprintf(&b, " %d/%d (%.1f%%) | %.0f s | %.2f | %s |\n", r.alarms, r.unchanged, 100*float64(r.alarms)/float64(max(r.unchanged, 1)), r.seconds, r.seconds/max(anchor, 1e-9), pairs)
	}
	return b.String()
}

// byKind is one strategy's detection per kind of benchmark in one condition, with the median
// smallest change its pairs could catch: where the machine's noise lets a gate see 5%, and where
// it does not.
func byKind(bs []benchmark, results []trial, cond, strategy string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s, by kind:\n\n| kind | caught at 2%% | 5%% | 10%% | 20%% | false alarms | detectable change (median) |\n| :-- | --: | --: | --: | --: | --: | --: |\n", cond, strategy)
	for _, kind := range kinds {
		of := slices.DeleteFunc(slices.Clone(bs), func(bm benchmark) bool { return bm.kind != kind })
		sc := newScore()
		var detectable []float64
		for _, res := range results {
			if res.Strategy != strategy || res.Condition != cond {
				continue
			}
			sc.add(of, res)
			for _, bm := range of {
				if d, ok := res.Detectable[bm.name]; ok {
					detectable = append(detectable, d)
				}
			}
		}
		if sc.unchanged+len(sc.totals) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s |", kind)
		for _, e := range Effects {
			if sc.totals[e] == 0 {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %d/%d |", sc.hits[e], sc.totals[e])
		}
		med := "–"
		if len(detectable) > 0 {
			med = fmt.Sprintf("%.1f%%", medianOf(detectable))
		}
		fmt.Fprintf(&b, " %d/%d | %s |\n", sc.alarms, sc.unchanged, med)
	}
	return b.String()
}
