package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/config"
)

// trueEffects measures how much slower head really makes each slowed benchmark, in time: long
// runs (-benchtime 300ms, 8 pairs each) of the slowed benchmarks alone, the paired estimate of
// each, and per nominal size the median and range over the benchmarks of that size.
func (e experiment) trueEffects() error {
	bs := plan(e.n)
	s, cleanup, err := e.prepare(bs)
	if err != nil {
		return err
	}
	defer cleanup()
	var names []string
	effect, kindOf := map[string]float64{}, map[string]string{}
	for _, b := range bs {
		if b.effect > 0 {
			names = append(names, b.name)
			effect[b.name], kindOf[b.name] = b.effect, b.kind
		}
	}
	s.count, s.benchtime = 8, "300ms"
	s.bench = "^Benchmark(" + strings.Join(names, "|") + ")$"
	rep, _, err := s.benchgate(1, gateOptions{interleave: "benchmark"}, config.Default())
	if err != nil {
		return err
	}
	measured := map[float64][]float64{}
	byKind := map[float64]map[string][]string{}
	for _, c := range rep.Comparisons {
		if c.Unit == "sec/op" && c.Paired != nil {
			n := name(c.Benchmark)
			eff := effect[n]
			measured[eff] = append(measured[eff], c.Paired.DeltaPercent)
			if byKind[eff] == nil {
				byKind[eff] = map[string][]string{}
			}
			byKind[eff][kindOf[n]] = append(byKind[eff][kindOf[n]], fmt.Sprintf("%+.1f%%", c.Paired.DeltaPercent))
		}
	}
	var md strings.Builder
	fmt.Fprintf(&md, "True sizes of the injected slowdowns in time: %d slowed benchmarks, 8 pairs of -benchtime 300ms each, quiet machine\n\n| nominal | benchmarks | measured, median | min | max | %s |\n| --: | --: | --: | --: | --: |%s\n",
		len(names), strings.Join(kinds, " | "), strings.Repeat(" --: |", len(kinds)))
	for _, eff := range Effects {
		xs := measured[eff]
		if len(xs) == 0 {
			continue
		}
		slices.Sort(xs)
		fmt.Fprintf(&md, "| +%.0f%% | %d | %+.1f%% | %+.1f%% | %+.1f%% |", 100*eff, len(xs), medianOf(xs), xs[0], xs[len(xs)-1])
		for _, k := range kinds {
			cell := strings.Join(byKind[eff][k], ", ")
			if cell == "" {
				cell = "–"
			}
			fmt.Fprintf(&md, " %s |", cell)
		}
		md.WriteString("\n")
	}
	fmt.Print(md.String())
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.out, "true-effects.md"), []byte(md.String()), 0o644)
}
