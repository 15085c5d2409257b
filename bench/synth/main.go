// Command synth writes a synthetic base and head run of Go benchmark results with known
// slowdowns, for measuring benchgate against benchstat on large inputs:
//
//	go run ./bench/synth -benchmarks 5000 -runs 10 -out /tmp/synth
//	gate compare --format json /tmp/synth/base.txt /tmp/synth/head.txt
//	benchstat /tmp/synth/base.txt /tmp/synth/head.txt
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/synth"
)

func main() {
	var s synth.Spec
	flag.IntVar(&s.Benchmarks, "benchmarks", 5000, "number of benchmarks")
	flag.IntVar(&s.Runs, "runs", 10, "samples per benchmark and side")
	flag.IntVar(&s.Slowed, "slowed", 500, "how many benchmarks head makes slower")
	flag.Float64Var(&s.Slowdown, "slowdown", 1.15, "factor the slowed benchmarks are slower by")
	flag.Float64Var(&s.MinCV, "min-cv", 0.02, "smallest coefficient of variation of a benchmark")
	flag.Float64Var(&s.MaxCV, "max-cv", 0.05, "largest coefficient of variation of a benchmark")
	flag.Float64Var(&s.OutlierRate, "outliers", 0.02, "share of samples that are outliers")
	memory := flag.Bool("benchmem", true, "add B/op and allocs/op, for 3 units per benchmark")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", ".", "directory to write base.txt and head.txt to")
	flag.Parse()
	s.Memory, s.Seed = *memory, *seed
	if err := write(s, *out); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func write(s synth.Spec, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base, err := os.Create(filepath.Join(dir, "base.txt"))
	if err != nil {
		return err
	}
	defer base.Close()
	head, err := os.Create(filepath.Join(dir, "head.txt"))
	if err != nil {
		return err
	}
	defer head.Close()
	if err := synth.Write(s, base, head); err != nil {
		return err
	}
	if err := base.Close(); err != nil {
		return err
	}
	return head.Close()
}
