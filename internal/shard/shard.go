// Package shard splits a run's benchmark functions into N disjoint parts, the same on every
// runner, so that a GitHub Actions matrix can measure a suite too large for one runner: each
// shard pairs base and head on its own machine, and gate merge judges the union.
//
// A split is a function of the selected benchmark functions (the same on every runner, since
// they come from the two commits' sources) and, when a history is given, of the costs recorded
// in it: nothing a runner measures for itself goes into it, so every shard computes the same
// split without talking to the others.
package shard

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/report"
)

// Spec is one shard: the Index-th (from 1) of Count.
type Spec struct{ Index, Count int }

// Parse reads "K/N", as --shard and the action's shard input give it.
func Parse(s string) (Spec, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	index, err1 := strconv.Atoi(k)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || count > report.MaxShards || index < 1 || index > count {
		return Spec{}, fmt.Errorf("shard %q: expected K/N with 1 ≤ K ≤ N ≤ %d, as 2/4", s, report.MaxShards)
	}
	return Spec{Index: index, Count: count}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Methods of splitting: whole packages to a shard, or functions one by one.
const (
	ByPackage  = "packages"
	ByFunction = "functions"
)

// buildShare is what building a package's test binaries costs a shard, as a share of a
// function's median cost. A shard builds only the packages it measures, so a package kept whole
// is built once; a package split over k shards, k times. At gate's defaults a package's two
// binaries build in a few seconds and a function's ten pairs take twenty or more (ten rounds of
// two one-second runs), so a build is a fraction of a function.
const buildShare = 0.25

// Plan is a split: the functions of each shard, in order, by the method that balanced them
// better, and each shard's expected cost.
type Plan struct {
	Method string
	Parts  [][]report.Func
	Loads  []float64
}

// Split splits funcs into n parts of about equal cost. costs are the functions' expected costs
// (any unit, the same for all); a function without one costs the median of those known, and with
// no costs at all every function costs the same. Two plans are made: whole packages, each to the
// least loaded shard, largest first; and functions one by one the same way, each shard then also
// paying for building every package it touches. The cheaper plan, by its most loaded shard,
// wins; a tie keeps packages whole. The result depends only on the arguments.
func Split(funcs []report.Func, costs map[report.Func]float64, n int) Plan {
	funcs = slices.Clone(funcs)
	slices.SortFunc(funcs, compareFunc)
	funcs = slices.Compact(funcs)
	cost := func(f report.Func) float64 { return 1 }
	if med := median(known(funcs, costs)); med > 0 {
		cost = func(f report.Func) float64 {
			if c, ok := costs[f]; ok && c > 0 {
				return c
			}
			return med
		}
	}
	all := make([]float64, len(funcs))
	for i, f := range funcs {
		all[i] = cost(f)
	}
	build := buildShare * median(all)

	// Whole packages.
	var pkgs [][]report.Func
	for i, f := range funcs {
		if i == 0 || f.Package != funcs[i-1].Package {
			pkgs = append(pkgs, nil)
		}
		pkgs[len(pkgs)-1] = append(pkgs[len(pkgs)-1], f)
	}
	byPkg := assign(pkgs, n, func(g []report.Func) float64 {
		sum := build
		for _, f := range g {
			sum += cost(f)
		}
		return sum
	})
	// Functions one by one.
	single := make([][]report.Func, len(funcs))
	for i, f := range funcs {
		single[i] = []report.Func{f}
	}
	byFunc := assign(single, n, func(g []report.Func) float64 { return cost(g[0]) })
	for i, part := range byFunc.Parts {
		seen := map[string]bool{}
		for _, f := range part {
			if !seen[f.Package] {
				seen[f.Package] = true
				byFunc.Loads[i] += build
			}
		}
	}
	byPkg.Method, byFunc.Method = ByPackage, ByFunction
	if slices.Max(byFunc.Loads) < slices.Max(byPkg.Loads) {
		return byFunc
	}
	return byPkg
}

// assign gives each group, the costliest first (ties in the groups' order), to the shard with
// the least cost so far (ties to the lowest index): the longest-processing-time rule, within
// 4/3 of the best possible makespan. Each part's functions come out sorted.
func assign(groups [][]report.Func, n int, cost func([]report.Func) float64) Plan {
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cost(groups[b]), cost(groups[a])) })
	p := Plan{Parts: make([][]report.Func, n), Loads: make([]float64, n)}
	for _, g := range order {
		least := 0
		for i := range p.Loads {
			if p.Loads[i] < p.Loads[least] {
				least = i
			}
		}
		p.Parts[least] = append(p.Parts[least], groups[g]...)
		p.Loads[least] += cost(groups[g])
	}
	for _, part := range p.Parts {
		slices.SortFunc(part, compareFunc)
	}
	return p
}

func compareFunc(a, b report.Func) int {
	return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.Name, b.Name))
}

func known(funcs []report.Func, costs map[report.Func]float64) []float64 {
	var out []float64
	for _, f := range funcs {
		if c, ok := costs[f]; ok && c > 0 {
			out = append(out, c)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// Costs are the benchmark functions' costs in a recorded run's raw results: for each function,
// the time its benchmarks' loops took (iterations × sec/op, summed), or, in a run that only
// counted, the instructions they executed (iterations × instructions/op), a cost in other units
// but in proportion. The result is nil when the results hold neither.
func Costs(results []byte) map[report.Func]float64 {
	byUnit := map[string]map[report.Func]float64{}
	r := benchfmt.NewReader(bytes.NewReader(results), "recorded results")
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok || res.Iters <= 0 {
			continue
		}
		f := report.Func{Package: string(res.GetConfig("pkg")), Name: string(res.Name.Base())}
		for _, unit := range []string{"sec/op", report.InstructionsUnit} {
			if v, ok := res.Value(unit); ok && v > 0 {
				if byUnit[unit] == nil {
					byUnit[unit] = map[report.Func]float64{}
				}
				byUnit[unit][f] += float64(res.Iters) * v
			}
		}
	}
	if c := byUnit["sec/op"]; c != nil {
		return c
	}
	return byUnit[report.InstructionsUnit]
}
