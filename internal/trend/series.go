package trend

import (
	"bytes"
	"fmt"
	"math"
	"slices"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// Commit is one recorded commit of a history: its results and, when it was measured against its
// first parent in the same rounds, the parent's results.
type Commit struct {
	Name          string
	Results       []byte
	ParentResults []byte
	// Accepted are the commit's regressions that were accepted in its pull request.
	Accepted []report.AcceptedChange
}

// Series is one benchmark's history in one unit, in commit order.
type Series struct {
	Config    map[string]string
	Benchmark string
	Unit      string
	// Better is the unit's direction.
	Better report.Better
	// First is the index of the commit of Values[0]; the series has a value for every commit
	// from there on (a commit without one ends it, and a new series starts after the gap).
	First int
	// Values are the benchmark's medians, one per commit.
	Values []float64
	// Deltas are the same-machine changes, in percent, of each commit against its parent; NaN
	// where the commit was not measured against its parent.
	Deltas []float64
	// Changes are the series' change points, once Detect has looked for them.
	Changes []ChangePoint
}

// Key identifies a benchmark and unit across commits and reports. Config is the benchmark's
// configuration printed with its keys in order, so that equal configurations give equal keys.
type Key struct{ Config, Benchmark, Unit string }

// KeyOf is the key of a benchmark and unit under a configuration.
func KeyOf(cfg map[string]string, benchmark, unit string) Key {
	return Key{fmt.Sprint(cfg), benchmark, unit}
}

// Title names the series as the terminal shows it: "pkg.Benchmark unit".
func (s *Series) Title() string { return title(s.Config, s.Benchmark, s.Unit) }

// title is "pkg.Benchmark unit", with the last element of the package's path.
func title(cfg map[string]string, benchmark, unit string) string {
	if pkg := cfg["pkg"]; pkg != "" {
		benchmark = report.PackageName(pkg) + "." + benchmark
	}
	return benchmark + " " + unit
}

// Build reads each commit's results, oldest first, and returns one series per benchmark and
// unit, in the order they first appear. A benchmark that goes missing and comes back starts a
// new series, and the newest is kept: a level is only comparable across commits without a gap.
func Build(commits []Commit) ([]*Series, error) {
	all := map[Key]*Series{}
	var order []Key
	for i, c := range commits {
		inputs := []compare.Input{{Name: c.Name, R: bytes.NewReader(c.Results), Side: report.Head}}
		if len(c.ParentResults) > 0 {
			inputs = append(inputs, compare.Input{Name: c.Name + " (parent)", R: bytes.NewReader(c.ParentResults), Side: report.Base})
		}
		res, err := compare.Read(inputs)
		if err != nil {
			return nil, err
		}
		rep, _ := res.Compare(config.Default(), compare.Extra{})
		for _, cmp := range rep.Comparisons {
			sum := cmp.Head
			if len(c.ParentResults) == 0 && sum == nil {
				sum = cmp.Base // results labelled as a base side (gate run's base.txt)
			}
			if sum == nil {
				continue // only on the parent
			}
			key := KeyOf(cmp.Config, cmp.Benchmark, cmp.Unit)
			s := all[key]
			if s == nil || s.First+len(s.Values) != i {
				if s == nil {
					order = append(order, key)
				}
				s = &Series{Config: cmp.Config, Benchmark: cmp.Benchmark, Unit: cmp.Unit, Better: cmp.Better, First: i}
				all[key] = s
			}
			delta := math.NaN()
			if cmp.DeltaPercent != nil {
				delta = *cmp.DeltaPercent
			}
			s.Values = append(s.Values, sum.Center)
			s.Deltas = append(s.Deltas, delta)
		}
	}
	out := make([]*Series, len(order))
	for i, key := range order {
		out[i] = all[key]
	}
	return out, nil
}

// Detect finds the series' change points.
func (s *Series) Detect(opts Options) {
	s.Changes = ChangePoints(s.Values, opts)
}

// The window of recent commits the spread and a comparison's history are taken from, and the
// fewest values a spread is taken over.
const (
	Recent    = 30
	minSpread = 5
)

// Spread is a series' run-to-run spread, in percent: 1.4826 × the median absolute deviation, a
// standard deviation that outliers (and the odd real change) do not inflate.
//
// It is taken over the same-machine changes of the recent commits against their parents when at
// least minSpread were measured so: that is the noise of exactly what a pull request's check
// measures, base against head in interleaved rounds. Otherwise it is taken over the recent
// medians since their last change point, relative to their median: that includes the
// differences between machines, so it is larger. ok is false when there are too few values.
func (s *Series) Spread() (pct float64, basis string, n int, ok bool) {
	var deltas []float64
	for _, d := range s.Deltas[max(0, len(s.Deltas)-Recent):] {
		if !math.IsNaN(d) {
			deltas = append(deltas, d)
		}
	}
	if len(deltas) >= minSpread {
		return robustSD(deltas), "parent", len(deltas), true
	}
	level := s.Values[max(0, len(s.Values)-Recent):]
	if cps := ChangePoints(level, Options{Seed: 1}); len(cps) > 0 {
		level = level[cps[len(cps)-1].Index:]
	}
	m := median(level)
	if len(level) < minSpread || m == 0 {
		return 0, "", 0, false
	}
	rel := make([]float64, len(level))
	for i, v := range level {
		rel[i] = 100 * (v/m - 1)
	}
	return robustSD(rel), "commits", len(rel), true
}

// History is the series' recent history as a report carries it; nil when it is zero throughout
// (B/op of a benchmark that never allocates), which is nothing to show.
func (s *Series) History() *report.History {
	recent := s.Values[max(0, len(s.Values)-Recent):]
	if !slices.ContainsFunc(recent, func(v float64) bool { return v != 0 }) {
		return nil
	}
	h := &report.History{Values: slices.Clone(recent)}
	if pct, basis, n, ok := s.Spread(); ok {
		h.SpreadPercent, h.SpreadBasis, h.SpreadN = &pct, basis, n
	}
	return h
}

// robustSD is 1.4826 × the median absolute deviation of xs from their median: the standard
// deviation, for normal data.
func robustSD(xs []float64) float64 {
	m := median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	return 1.4826 * median(dev)
}
