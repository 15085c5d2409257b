// Package compare turns raw benchmark results into a report: for every benchmark, unit and
// configuration it summarizes the base and head samples, compares them, and gives the
// comparison a verdict.
//
// The statistics are benchstat's, computed with the same packages (benchfmt, benchproc,
// benchmath) and the same grouping (tables by file configuration and unit, rows by full
// benchmark name), so every center, interval, delta, p-value and geomean equals what the
// benchstat command prints for the same inputs. On top of that it adds what a gate needs and
// benchstat leaves to the reader: a false-alarm control across the whole set of comparisons
// (Benjamini–Hochberg), the direction of each unit, thresholds, and one verdict per comparison.
package compare

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// Tool is written into every report.
var Tool = report.Tool{Name: "benchgate", Version: "devel"}

// Compare reads the inputs and compares base against head under cfg. Both sides must have
// results.
func Compare(inputs []Input, cfg *config.Config) (*report.Report, error) {
	res, err := Read(inputs)
	if err != nil {
		return nil, err
	}
	if err := res.Missing(); err != nil {
		return nil, err
	}
	rep, _ := res.Compare(cfg, Extra{})
	return rep, nil
}

// Compare compares base against head under cfg and gives every comparison its verdict, taking
// into account how the results were measured and their history (x). It also returns the
// benchmark functions whose verdicts are still undecided at the run's last look (see settle):
// those that more pairs would help.
func (c *Results) Compare(cfg *config.Config, x Extra) (*report.Report, []report.Func) {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          Tool,
		CreatedAt:     time.Now().UTC().Truncate(time.Second),
		Inputs:        c.inputs,
		Settings:      settings(cfg),
		Run:           x.Run,
	}
	if x.History != nil {
		rep.History = &x.History.Source
	}
	var diffs [][]pairDiff
	var funcs []report.Func
	rep.Comparisons, rep.Geomeans, diffs, funcs = c.compare(cfg)
	undecided := settle(rep.Comparisons, diffs, funcs, cfg, x)
	warnings := slices.Clone(x.Warnings)
	warnings = append(warnings, c.warnings...)
	directionless := map[string]bool{}
	for i := range rep.Comparisons {
		cmp := &rep.Comparisons[i]
		if cmp.Better == report.NoDirection && !directionless[cmp.Unit] {
			directionless[cmp.Unit] = true
			warnings = append(warnings, fmt.Sprintf("%s: unit %s has no known direction, so its changes are never regressions or improvements; declare it in the input with a line `Unit %s better=lower` (or higher), or in the config under units", c.unitPos[cmp.Unit], cmp.Unit, cmp.Unit))
		}
	}
	rep.Warnings = capWarnings(warnings, c.dropped)
	markDerived(rep)
	markTimeWithoutWork(rep)
	rep.Tally()
	return rep, undecided
}

// markDerived marks the units the testing package computes from another unit of the same
// benchmark: B/s is the bytes given to b.SetBytes over sec/op, so a benchmark that has both
// changed once, not twice. (A benchmark that reports B/s without sec/op, from its own metric,
// keeps it as a unit of its own.)
func markDerived(rep *report.Report) {
	for _, f := range rep.Findings() {
		if !slices.ContainsFunc(f.Comparisons, func(c *report.Comparison) bool { return c.Unit == "sec/op" }) {
			continue
		}
		for _, c := range f.Comparisons {
			if c.Unit == "B/s" {
				c.DerivedFrom = "sec/op"
			}
		}
	}
}

// capWarnings keeps the warnings within report.MaxWarnings, the last of them saying how many
// more there were (dropped of them already left out while reading).
func capWarnings(ws []string, dropped int) []string {
	if len(ws) < report.MaxWarnings && dropped == 0 {
		return ws
	}
	if len(ws) >= report.MaxWarnings {
		dropped += len(ws) - (report.MaxWarnings - 1)
		ws = ws[:report.MaxWarnings-1]
	}
	return append(ws, fmt.Sprintf("%d more warnings not shown", dropped))
}

func settings(cfg *config.Config) report.Settings {
	s := report.Settings{
		Alpha:             cfg.Alpha,
		Confidence:        cfg.Confidence,
		FalseAlarmControl: cfg.FalseAlarmControl,
		Accept:            &cfg.Accept,
		ConfigFile:        cfg.File,
		NoiseMultiple:     cfg.NoiseMultiple,
	}
	for _, t := range cfg.Thresholds {
		r := report.ThresholdRule{Unit: t.Unit, MaxPercent: t.MaxPercent}
		if t.Benchmark != nil {
			r.Benchmark = t.Benchmark.String()
		}
		if t.Package != nil {
			r.Package = t.Package.String()
		}
		s.Thresholds = append(s.Thresholds, r)
	}
	return s
}

// compare summarizes and compares every row of every table, in benchstat's order, and computes
// each table's geomean row. Beside each comparison it returns its pairs' differences (nil when
// its samples are not in pairs) and its benchmark function.
func (c *Results) compare(cfg *config.Config) ([]report.Comparison, []report.Geomean, [][]pairDiff, []report.Func) {
	keys := make([]benchproc.Key, 0, len(c.tables))
	for k := range c.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	units := c.reader.Units()
	thresholds := &benchmath.Thresholds{CompareAlpha: cfg.Alpha}

	type job struct {
		out        *report.Comparison
		cell       *cell
		assumption benchmath.Assumption
		diffs      *[]pairDiff
	}
	n := 0
	for _, t := range c.tables {
		n += len(t.cells)
	}
	cmps := make([]report.Comparison, 0, n)
	jobs := make([]job, 0, n)
	funcs := make([]report.Func, 0, n)
	var geoms []report.Geomean
	var spans [][2]int // the comparisons of each geomean row
	for _, tk := range keys {
		t := c.tables[tk]
		unit := tk.Get(c.unitF)
		cfgMap := configMap(tk)
		assumption := units.GetAssumption(unit)
		better := better(units, cfg, unit)
		first := len(cmps)
		rows := make([]int, len(t.cells))
		for i, cl := range t.cells {
			rows[i] = cl.row
		}
		slices.Sort(rows)
		for _, row := range rows {
			name := c.names[row]
			c := report.Comparison{
				Config:     cfgMap,
				Benchmark:  name.full,
				Unit:       unit,
				Better:     better,
				Assumption: assumptionName(assumption),
			}
			if i := report.InstrumentOf(unit); i != report.MeasureTime {
				c.Instrument = i // absent: timed, as in every report before instruments
			}
			cmps = append(cmps, c)
			cl := &t.cells[t.rows[row]]
			jobs = append(jobs, job{cell: cl, assumption: assumption})
			// The benchmark of the schedule: a table's rows share its configuration's package.
			funcs = append(funcs, report.Func{Package: cfgMap["pkg"], Name: name.base})
		}
		if len(rows) > 1 {
			geoms = append(geoms, report.Geomean{Config: cfgMap, Unit: unit})
			spans = append(spans, [2]int{first, len(cmps)})
		}
	}
	diffs := make([][]pairDiff, len(jobs))
	for i := range jobs {
		jobs[i].out = &cmps[i]
		jobs[i].diffs = &diffs[i]
	}

	// The statistics are CPU-bound and independent: spread them over the cores, as benchstat does.
	var wg sync.WaitGroup
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			tests := uTests{}
			for i := range next {
				j := jobs[i]
				b, h := j.cell.sides[0], j.cell.sides[1]
				base, head := b.values, h.values
				if j.assumption != benchmath.AssumeExact {
					if *j.diffs = pairDiffs(base, head, b.pairs, h.pairs); *j.diffs != nil {
						// The summaries sort their values in place, which would part the
						// values from their pairs the next time the results are compared.
						base, head = slices.Clone(base), slices.Clone(head)
					}
				}
				summarize(j.out, base, head, j.assumption, cfg.Confidence, thresholds, tests)
			}
		})
	}
	wg.Wait()

	for i, span := range spans {
		geoms[i] = geomean(geoms[i], cmps[span[0]:span[1]])
	}
	return cmps, geoms, diffs, funcs
}

// pairDiffs returns the log(head/base) of each pair that has results on both sides, in the order
// of the pairs, each side summarized by its median where a pair holds several runs of it. It
// returns nil when the samples are not all in pairs, when no pair has both sides, or when a pair
// has a zero on one side only (no ratio tells that change).
func pairDiffs(base, head []float64, basePairs, headPairs []int) []pairDiff {
	group := func(values []float64, pairs []int) map[int][]float64 {
		if pairs == nil {
			return nil
		}
		m := map[int][]float64{}
		for i, v := range values {
			if pairs[i] == 0 {
				return nil
			}
			m[pairs[i]] = append(m[pairs[i]], v)
		}
		return m
	}
	b, h := group(base, basePairs), group(head, headPairs)
	if b == nil || h == nil {
		return nil
	}
	var out []pairDiff
	for pair, bv := range b {
		hv, ok := h[pair]
		if !ok {
			continue
		}
		slices.Sort(bv)
		slices.Sort(hv)
		x, y := median(bv), median(hv)
		switch {
		case x == y:
			out = append(out, pairDiff{pair, 0})
		case x > 0 && y > 0:
			out = append(out, pairDiff{pair, math.Log(y / x)})
		default:
			return nil
		}
	}
	slices.SortFunc(out, func(a, b pairDiff) int { return a.pair - b.pair })
	return out
}

// better gives a unit's direction: the input's unit metadata first, then the config, then the
// built-in defaults for the testing package's units.
func better(units benchfmt.UnitMetadataMap, cfg *config.Config, unit string) report.Better {
	b := units.GetBetter(unit)
	if units.Get(unit, "better") == nil {
		if cb, ok := cfg.Better[unit]; ok {
			b = cb
		}
	}
	switch b {
	case -1:
		return report.Lower
	case 1:
		return report.Higher
	}
	return report.NoDirection
}

func assumptionName(a benchmath.Assumption) report.Assumption {
	if a == benchmath.AssumeExact {
		return report.AssumeExact
	}
	return report.AssumeNothing
}

// configMap returns a table key's configuration without the unit.
func configMap(tk benchproc.Key) map[string]string {
	m := map[string]string{}
	for _, f := range tk.Projection().FlattenedFields() {
		if f.Name == ".unit" {
			continue
		}
		if v := tk.Get(f); v != "" {
			m[f.Name] = v
		}
	}
	return m
}

// summarize fills in the summaries and the comparison of one benchmark in one unit.
func summarize(out *report.Comparison, base, head []float64, a benchmath.Assumption, confidence float64, th *benchmath.Thresholds, tests uTests) {
	summary := func(side report.Side, values []float64) (*benchmath.Sample, *report.Summary) {
		if len(values) == 0 {
			return nil, nil
		}
		sample := benchmath.NewSample(values, th)
		sum := a.Summary(sample, confidence)
		for _, w := range append(sample.Warnings, sum.Warnings...) {
			out.Warnings = append(out.Warnings, string(side)+": "+w.Error())
		}
		// The summary and its bounds in one allocation: a large suite has 30,000 summaries.
		b := &struct {
			report.Summary
			lo, hi float64
		}{report.Summary{Center: sum.Center, Confidence: sum.Confidence, Values: sample.Values}, sum.Lo, sum.Hi}
		if !math.IsInf(b.lo, 0) {
			b.Low = &b.lo
		}
		if !math.IsInf(b.hi, 0) {
			b.High = &b.hi
		}
		return sample, &b.Summary
	}
	bs, bsum := summary(report.Base, base)
	hs, hsum := summary(report.Head, head)
	out.Base, out.Head = bsum, hsum
	if bs == nil || hs == nil {
		return
	}
	cmp := tests.compare(a, bs, hs)
	p := cmp.P
	out.P = &p
	for _, w := range cmp.Warnings {
		out.Warnings = append(out.Warnings, w.Error())
	}
	old, new := bsum.Center, hsum.Center
	switch {
	case old == new:
		d := 0.0
		out.DeltaPercent = &d
	case old != 0:
		d := ((new / old) - 1.0) * 100.0 // benchstat's arithmetic, to the last bit
		// A ratio past float64's range is no percentage (and JSON cannot hold it): left out,
		// as for a zero base.
		if !math.IsInf(d, 0) && !math.IsNaN(d) {
			out.DeltaPercent = &d
		}
	}
}

// uTests remembers the comparisons of samples by all that a Mann–Whitney U test's result
// depends on: the two sample sizes, the rank sum of the first sample and which ranks are tied. A
// suite repeats those (5,000 benchmarks at 10 runs a side have a few hundred), and working out
// the U distribution anew for each comparison was most of the statistics' time.
type uTests map[uKey]benchmath.Comparison

// uKey is what a U test's result depends on, for at most 64 values in all.
type uKey struct {
	n1, n2 int
	r1x2   int    // twice the first sample's rank sum, tied values ranked at their mean
	ties   uint64 // bit r set: the value of rank r+1 equals the one before
}

// compare is a.Compare(s1, s2).
func (m uTests) compare(a benchmath.Assumption, s1, s2 *benchmath.Sample) benchmath.Comparison {
	if a != benchmath.AssumeNothing {
		return a.Compare(s1, s2)
	}
	k, ok := ranks(s1.Values, s2.Values)
	if !ok {
		return a.Compare(s1, s2)
	}
	cmp, ok := m[k]
	if !ok {
		cmp = a.Compare(s1, s2)
		m[k] = cmp
	}
	return cmp
}

// ranks returns the uKey of two sorted samples, or false when they hold more than 64 values.
func ranks(x1, x2 []float64) (uKey, bool) {
	n := len(x1) + len(x2)
	if n > 64 {
		return uKey{}, false
	}
	k := uKey{n1: len(x1), n2: len(x2)}
	i, j := 0, 0
	first, inX1 := 1, 0 // the first rank of the current run of equal values, and how many are x1's
	for rank := 1; rank <= n; rank++ {
		var v float64
		if j == len(x2) || i < len(x1) && x1[i] < x2[j] {
			v, i = x1[i], i+1
			inX1++
		} else {
			v, j = x2[j], j+1
		}
		if (i < len(x1) && x1[i] == v) || (j < len(x2) && x2[j] == v) {
			k.ties |= 1 << rank // the next value is tied with this one
			continue
		}
		k.r1x2 += (first + rank) * inX1
		first, inX1 = rank+1, 0
	}
	return k, true
}

// geomean computes benchstat's summary row from a table's comparisons: the geomean of each
// side's centers, and the geomean of the head/base ratios of the benchmarks on both sides.
func geomean(g report.Geomean, cmps []report.Comparison) report.Geomean {
	var bases, heads, ratios []float64
	nBase, badRatio := 0, false
	for _, c := range cmps {
		if c.Base != nil {
			nBase++
			bases = append(bases, c.Base.Center)
		}
		if c.Head == nil {
			continue
		}
		heads = append(heads, c.Head.Center)
		if c.Base == nil {
			continue
		}
		a, b := c.Head.Center, c.Base.Center
		switch {
		case a == b:
			ratios = append(ratios, 1) // 0/0 counts as no change
		case b == 0:
			badRatio = true
			ratios = append(ratios, 0)
		default:
			ratios = append(ratios, a/b)
		}
	}
	if nBase != len(ratios) || len(heads) != len(ratios) {
		g.Warnings = append(g.Warnings, "benchmark set differs from baseline; geomeans may not be comparable")
	}
	finite := func(x float64) *float64 {
		if math.IsNaN(x) {
			return nil
		}
		return &x
	}
	g.Base = finite(stats.GeoMean(bases))
	g.Head = finite(stats.GeoMean(heads))
	if g.Base == nil || g.Head == nil {
		g.Warnings = append(g.Warnings, "summaries must be >0 to compute geomean")
	}
	if !badRatio {
		if r := finite(stats.GeoMean(ratios)); r != nil {
			d := (*r - 1) * 100
			g.DeltaPercent = &d
		} else {
			g.Warnings = append(g.Warnings, "ratios must be >0 to compute geomean")
		}
	}
	return g
}

// median is the middle of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
