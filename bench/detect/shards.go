package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/shard"
)

// shards measures the fixture as one job and as n shards run one after another (each standing
// in for a runner of a matrix) and merged, in the same trial, quiet: the single job's wall time
// against the slowest shard's, and what each caught (the slowed benchmarks, by effect size) and
// called falsely. Both are benchgate at its defaults for pull requests (pairs, extra rounds).
func (e experiment) shards(n int) error {
	bs := plan(e.n)
	s, cleanup, err := e.prepare(bs)
	if err != nil {
		return err
	}
	defer cleanup()
	effect := map[string]float64{}
	for _, b := range bs {
		effect[b.name] = b.effect
	}
	var md strings.Builder
	fmt.Fprintf(&md, "%d benchmarks in %d packages (%d slowed), one job against %d shards run one after another, -count %d, -benchtime %s, sec/op threshold %g%%, run %s\n\n",
		e.n, (e.n+11)/12, len(Effects)*((e.n+11)/12), n, e.count, e.benchtime, e.threshold, time.Now().UTC().Format("2006-01-02"))
	md.WriteString("| trial | run | benchmark functions | wall | caught at 2% | 5% | 10% | 20% | false alarms |\n| --: | :-- | --: | --: | --: | --: | --: | --: | --: |\n")
	work, err := os.MkdirTemp("", "shards-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	for trial := 1; trial <= e.trials; trial++ {
		opts := func(sh *shard.Spec) benchexec.Options {
			return benchexec.Options{
				Dir: s.repo, Base: s.base, Head: s.head, Count: s.count, Benchtime: s.benchtime, Seed: uint64(trial), Env: s.env,
				Interleave: report.InterleaveBenchmark, Shard: sh,
			}
		}
		single, err := gate.Measure(context.Background(), gate.MeasureOptions{Run: opts(nil), Config: s.cfg})
		if err != nil {
			return err
		}
		shardRow(&md, trial, "one job", len(bs), single.Exec.Run.WallSeconds, single.Report, effect)
		var dirs []string
		slowest := 0.0
		for k := 1; k <= n; k++ {
			m, err := gate.Measure(context.Background(), gate.MeasureOptions{Run: opts(&shard.Spec{Index: k, Count: n}), Config: s.cfg})
			if err != nil {
				return err
			}
			dir := filepath.Join(work, fmt.Sprintf("trial%d-shard%d", trial, k))
			if err := m.WriteDir(dir); err != nil {
				return err
			}
			dirs = append(dirs, dir)
			wall := m.Exec.Run.WallSeconds
			slowest = max(slowest, wall)
			fmt.Fprintf(&md, "| %d | shard %d/%d (%s) | %d | %.0f s | | | | | |\n", trial, k, n, m.Report.Run.Shard.Method, len(m.Report.Run.Shard.Functions), wall)
		}
		merged, err := gate.Merge(gate.MergeOptions{Dirs: dirs, Config: s.cfg})
		if err != nil {
			return err
		}
		shardRow(&md, trial, fmt.Sprintf("merged (slowest shard: %.2f× the one job)", slowest/single.Exec.Run.WallSeconds), len(bs), slowest, merged.Report, effect)
		fmt.Fprint(os.Stderr, md.String())
	}
	fmt.Print(md.String())
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.out, "shards.md"), []byte(md.String()), 0o644)
}

// shardRow writes one run's line: what it caught of each effect size, and its false alarms.
func shardRow(md *strings.Builder, trial int, what string, funcs int, wall float64, rep *report.Report, effect map[string]float64) {
	a := fromReport(rep, timeUnits)
	caught, of := map[float64]int{}, map[float64]int{}
	alarms, unchanged := 0, 0
	for name, eff := range effect {
		if eff == 0 {
			unchanged++
			if a.changed[name] {
				alarms++
			}
			continue
		}
		of[eff]++
		if a.slower[name] {
			caught[eff]++
		}
	}
	fmt.Fprintf(md, "| %d | %s | %d | %.0f s |", trial, what, funcs, wall)
	for _, eff := range Effects {
		fmt.Fprintf(md, " %d/%d |", caught[eff], of[eff])
	}
	fmt.Fprintf(md, " %d/%d |\n", alarms, unchanged)
}
