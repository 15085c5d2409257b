package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// aa runs benchgate at its defaults (config and schedule, extra rounds on; counting instructions
// with -counted) on two commits of the same code, -trials times per condition, and counts the
// comparisons it calls a regression or an improvement: every one is a false alarm.
func (e experiment) aa() error {
	bs := plan(e.n)
	for i := range bs {
		bs[i].effect = 0
	}
	s, cleanup, err := e.prepare(bs)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := config.Default()
	o, count, what := gateOptions{interleave: "benchmark", adaptive: true}, e.count, "5% sec/op threshold, -benchtime "+e.benchtime
	if e.counted {
		o.measure, o.count, count, what = report.MeasureInstructions, e.countRounds, e.countRounds, "--measure instructions, 1% thresholds in instructions/op and est-cycles/op"
	}
	var md strings.Builder
	fmt.Fprintf(&md, "A/A: %d benchmarks, the same code on both sides, benchgate's defaults (count %d, extra rounds up to %d pairs, %s)\n\n", e.n, count, 3*count, what)
	md.WriteString("| condition | run | comparisons | of them in counts | regressions | improvements | pairs (median, max) | wall |\n| :-- | --: | --: | --: | --: | --: | --: | --: |\n")
	if err := os.MkdirAll(filepath.Join(e.out, "reports"), 0o755); err != nil {
		return err
	}
	for _, cond := range e.conditions {
		stop, err := startNoise(cond)
		if err != nil {
			return err
		}
		total, counted, alarms := 0, 0, 0
		for t := 1; t <= e.trials; t++ {
			rep, res, err := s.benchgate(uint64(t), o, cfg)
			if err != nil {
				stop()
				return err
			}
			var pairs []float64
			maxPairs, inCounts := 0, 0
			for _, c := range rep.Comparisons {
				if c.Instrument == report.MeasureInstructions {
					inCounts++
				}
				if c.Paired != nil {
					pairs = append(pairs, float64(c.Paired.N))
					maxPairs = max(maxPairs, c.Paired.N)
				}
			}
			if err := report.WriteFile(filepath.Join(e.out, "reports", fmt.Sprintf("aa-%s-%d.json", cond, t)), rep); err != nil {
				stop()
				return err
			}
			total += len(rep.Comparisons)
			counted += inCounts
			alarms += rep.Counts[report.Regression] + rep.Counts[report.Improvement]
			line := fmt.Sprintf("| %s | %d | %d | %d | %d | %d | %.0f, %d | %.0f s |\n", cond, t, len(rep.Comparisons), inCounts, rep.Counts[report.Regression], rep.Counts[report.Improvement], medianOf(pairs), maxPairs, res.Run.WallSeconds)
			fmt.Fprint(os.Stderr, line)
			md.WriteString(line)
		}
		stop()
		fmt.Fprintf(&md, "| %s | all | %d | %d | %d (%.2f%%) | | | |\n", cond, total, counted, alarms, 100*float64(alarms)/float64(max(total, 1)))
	}
	fmt.Print(md.String())
	return os.WriteFile(filepath.Join(e.out, "aa.md"), []byte(md.String()), 0o644)
}
