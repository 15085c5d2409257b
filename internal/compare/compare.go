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
	return res.Compare(cfg), nil
}

// Compare compares base against head under cfg and gives every comparison its verdict.
func (c *Results) Compare(cfg *config.Config) *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          Tool,
		CreatedAt:     time.Now().UTC().Truncate(time.Second),
		Inputs:        c.inputs,
		Settings:      settings(cfg),
	}
	rep.Comparisons, rep.Geomeans = c.compare(cfg)
	adjust(rep.Comparisons, cfg)
	warnings := slices.Clone(c.warnings)
	directionless := map[string]bool{}
	for i := range rep.Comparisons {
		cmp := &rep.Comparisons[i]
		judge(cmp, cfg)
		if cmp.Better == "unknown" && !directionless[cmp.Unit] {
			directionless[cmp.Unit] = true
			warnings = append(warnings, fmt.Sprintf("%s: unit %s has no known direction, so its changes are never regressions or improvements; declare it in the input with a line `Unit %s better=lower` (or higher), or in the config under units", c.unitPos[cmp.Unit], cmp.Unit, cmp.Unit))
		}
	}
	if c.dropped > 0 {
		warnings = append(warnings, fmt.Sprintf("%d more warnings not shown", c.dropped))
	}
	rep.Warnings = warnings[:min(len(warnings), report.MaxWarnings)]
	rep.Tally()
	return rep
}

func settings(cfg *config.Config) report.Settings {
	s := report.Settings{
		Alpha:             cfg.Alpha,
		Confidence:        cfg.Confidence,
		FalseAlarmControl: cfg.FalseAlarmControl,
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
// each table's geomean row.
func (c *Results) compare(cfg *config.Config) ([]report.Comparison, []report.Geomean) {
	keys := make([]benchproc.Key, 0, len(c.tables))
	for k := range c.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	baseCol, headCol := c.sideKeys()
	units := c.reader.Units()
	thresholds := &benchmath.Thresholds{CompareAlpha: cfg.Alpha}

	type job struct {
		out        *report.Comparison
		base, head []float64
		assumption benchmath.Assumption
	}
	n := 0
	for _, t := range c.tables {
		n += len(t.rows)
	}
	cmps := make([]report.Comparison, 0, n)
	jobs := make([]job, 0, n)
	var geoms []report.Geomean
	var spans [][2]int // the comparisons of each geomean row
	for _, tk := range keys {
		t := c.tables[tk]
		unit := tk.Get(c.unitF)
		cfgMap := configMap(tk)
		assumption := units.GetAssumption(unit)
		better := better(units, cfg, unit)
		first := len(cmps)
		rows := make([]benchproc.Key, 0, len(t.rows))
		for r := range t.rows {
			rows = append(rows, r)
		}
		benchproc.SortKeys(rows)
		for _, row := range rows {
			name := row.StringValues()
			cmps = append(cmps, report.Comparison{
				Config:           cfgMap,
				Benchmark:        name,
				Unit:             unit,
				Better:           better,
				Assumption:       assumptionName(assumption),
				ThresholdPercent: cfg.ThresholdFor(cfgMap["pkg"], name, unit),
			})
			jobs = append(jobs, job{base: t.cells[cellKey{row, baseCol}], head: t.cells[cellKey{row, headCol}], assumption: assumption})
		}
		if len(rows) > 1 {
			geoms = append(geoms, report.Geomean{Config: cfgMap, Unit: unit})
			spans = append(spans, [2]int{first, len(cmps)})
		}
	}
	for i := range jobs {
		jobs[i].out = &cmps[i]
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
			for i := range next {
				j := jobs[i]
				summarize(j.out, j.base, j.head, j.assumption, cfg.Confidence, thresholds)
			}
		})
	}
	wg.Wait()

	for i, span := range spans {
		geoms[i] = geomean(geoms[i], cmps[span[0]:span[1]])
	}
	return cmps, geoms
}

// sideKeys returns the column keys of the base and head sides. Both sides have results (Compare
// checked), so both keys exist.
func (c *Results) sideKeys() (base, head benchproc.Key) {
	for _, t := range c.tables {
		for k := range t.cells {
			switch k.col.StringValues() {
			case Base:
				base = k.col
			case Head:
				head = k.col
			}
			if !base.IsZero() && !head.IsZero() {
				return base, head
			}
		}
	}
	return base, head
}

// better gives a unit's direction: the input's unit metadata first, then the config, then the
// built-in defaults for the testing package's units.
func better(units benchfmt.UnitMetadataMap, cfg *config.Config, unit string) string {
	b := units.GetBetter(unit)
	if units.Get(unit, "better") == nil {
		if cb, ok := cfg.Better[unit]; ok {
			b = cb
		}
	}
	switch b {
	case -1:
		return "lower"
	case 1:
		return "higher"
	}
	return "unknown"
}

func assumptionName(a benchmath.Assumption) string {
	if a == benchmath.AssumeExact {
		return "exact"
	}
	return "nothing"
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
func summarize(out *report.Comparison, base, head []float64, a benchmath.Assumption, confidence float64, th *benchmath.Thresholds) {
	summary := func(side string, values []float64) (*benchmath.Sample, *report.Summary) {
		if len(values) == 0 {
			return nil, nil
		}
		sample := benchmath.NewSample(values, th)
		sum := a.Summary(sample, confidence)
		for _, w := range append(sample.Warnings, sum.Warnings...) {
			out.Warnings = append(out.Warnings, side+": "+w.Error())
		}
		rs := &report.Summary{Center: sum.Center, Confidence: sum.Confidence, Values: sample.Values}
		if !math.IsInf(sum.Lo, 0) {
			rs.Low = &sum.Lo
		}
		if !math.IsInf(sum.Hi, 0) {
			rs.High = &sum.Hi
		}
		return sample, rs
	}
	bs, bsum := summary(Base, base)
	hs, hsum := summary(Head, head)
	out.Base, out.Head = bsum, hsum
	if bs == nil || hs == nil {
		return
	}
	cmp := a.Compare(bs, hs)
	out.P = &cmp.P
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
		out.DeltaPercent = &d
	}
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
