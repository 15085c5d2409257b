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
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// ignoredKeys are file configuration keys that must not split results into separate tables:
// the side label, and the CPU, which differs when two machines are compared (that gets a
// warning of its own instead of silently comparing nothing).
const ignoredKeys = SideKey + ",cpu"

// Tool is written into every report.
var Tool = report.Tool{Name: "benchgate", Version: "devel"}

// collector reads inputs and groups their values into tables of cells, as benchstat does.
type collector struct {
	cfg      *config.Config
	reader   *benchfmt.Reader
	tableBy  *benchproc.Projection
	rowBy    *benchproc.Projection
	colBy    *benchproc.Projection
	unitF    *benchproc.Field
	tables   map[benchproc.Key]*table
	warnings []string
	dropped  int // warnings past report.MaxWarnings
	inputs   []report.Input
	results  map[string]int      // per side
	cpus     map[string][]seenAt // side → each cpu, where first seen

	unitPos map[string]string // unit → first position
}

// seenAt is a value and the position of the first result that had it.
type seenAt struct{ value, pos string }

func (c *collector) sawCPU(side, cpu, pos string) {
	for _, s := range c.cpus[side] {
		if s.value == cpu {
			return
		}
	}
	c.cpus[side] = append(c.cpus[side], seenAt{cpu, pos})
}

type table struct {
	rows  map[benchproc.Key]struct{}
	cells map[cellKey][]float64
}

type cellKey struct{ row, col benchproc.Key }

func newCollector(cfg *config.Config) *collector {
	var p benchproc.ProjectionParser
	filter, err := benchproc.NewFilter("*")
	must(err)
	tableBy, unitF, err := p.ParseWithUnit(".config", filter)
	must(err)
	rowBy, err := p.Parse(".fullname", filter)
	must(err)
	colBy, err := p.Parse(sideField+"@("+Base+" "+Head+")", filter)
	must(err)
	_, err = p.Parse(ignoredKeys, filter)
	must(err)
	return &collector{
		cfg: cfg, tableBy: tableBy, rowBy: rowBy, colBy: colBy, unitF: unitF,
		tables:  map[benchproc.Key]*table{},
		results: map[string]int{},
		cpus:    map[string][]seenAt{},
		unitPos: map[string]string{},
	}
}

// must panics on an error in a projection this package wrote itself.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

func (c *collector) warn(msg string) {
	if len(c.warnings) < report.MaxWarnings-1 {
		c.warnings = append(c.warnings, msg)
	} else {
		c.dropped++
	}
}

// read adds every result of in. Syntax errors are warnings, as in benchstat: one bad line must
// not throw away a whole run.
func (c *collector) read(in Input) error {
	guard := newLineGuard(in.R, in.Name)
	if c.reader == nil {
		c.reader = benchfmt.NewReader(guard, in.Name)
	} else {
		c.reader.Reset(guard, in.Name) // unit metadata carries across files
	}
	info := report.Input{Path: in.Name, Side: in.Side}
	for c.reader.Scan() {
		switch rec := c.reader.Result().(type) {
		case *benchfmt.SyntaxError:
			c.warn(rec.Error())
		case *benchfmt.Result:
			if c.add(rec, in.Side) {
				info.Results++
			}
		}
	}
	for _, w := range guard.long {
		c.warn(w)
	}
	if err := c.reader.Err(); err != nil {
		return err
	}
	c.inputs = append(c.inputs, info)
	return nil
}

func (c *collector) add(res *benchfmt.Result, fileSide string) bool {
	file, line := res.Pos()
	pos := fmt.Sprintf("%s:%d", file, line)
	side := fileSide
	if s := res.GetConfig(SideKey); s != "" {
		side = s
	}
	if side != Base && side != Head {
		if side == "" {
			c.warn(fmt.Sprintf("%s: Benchmark%s has no %s key, and its side cannot be told from its file (give exactly two files, OLD NEW); result skipped", pos, res.Name.Full(), SideKey))
		} else {
			c.warn(fmt.Sprintf("%s: %s is %q; expected base or head; result skipped", pos, SideKey, side))
		}
		return false
	}
	checkValues(res, c.warn)
	if len(res.Values) == 0 {
		return false
	}
	res.SetConfig(sideField, side)
	c.results[side]++
	if cpu := res.GetConfig("cpu"); cpu != "" {
		c.sawCPU(side, cpu, pos)
	}

	row, col := c.rowBy.Project(res), c.colBy.Project(res)
	for i, tk := range c.tableBy.ProjectValues(res) {
		t := c.tables[tk]
		if t == nil {
			t = &table{rows: map[benchproc.Key]struct{}{}, cells: map[cellKey][]float64{}}
			c.tables[tk] = t
		}
		t.rows[row] = struct{}{}
		k := cellKey{row, col}
		t.cells[k] = append(t.cells[k], res.Values[i].Value)
		unit := res.Values[i].Unit
		if _, ok := c.unitPos[unit]; !ok {
			c.unitPos[unit] = pos
		}
	}
	return true
}

// Compare reads the inputs and compares base against head under cfg. It fails only when
// nothing can be compared: an input cannot be read, or a side has no results at all.
// Everything else that is wrong with the input is a warning in the report.
func Compare(inputs []Input, cfg *config.Config) (*report.Report, error) {
	c := newCollector(cfg)
	for _, in := range inputs {
		if err := c.read(in); err != nil {
			return nil, err
		}
	}
	for _, side := range []string{Base, Head} {
		if c.results[side] == 0 {
			return nil, c.noResults(side)
		}
	}
	c.checkCPUs()
	c.checkConfigs()

	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          Tool,
		CreatedAt:     time.Now().UTC().Truncate(time.Second),
		Inputs:        c.inputs,
		Settings:      settings(cfg),
	}
	rep.Comparisons, rep.Geomeans = c.compare()
	adjust(rep.Comparisons, cfg)
	directionless := map[string]bool{}
	for i := range rep.Comparisons {
		cmp := &rep.Comparisons[i]
		judge(cmp, cfg)
		if cmp.Better == "unknown" && !directionless[cmp.Unit] {
			directionless[cmp.Unit] = true
			c.warn(fmt.Sprintf("%s: unit %s has no known direction, so its changes are never regressions or improvements; declare it in the input with a line `Unit %s better=lower` (or higher), or in the config under units", c.unitPos[cmp.Unit], cmp.Unit, cmp.Unit))
		}
	}
	if c.dropped > 0 {
		c.warnings = append(c.warnings, fmt.Sprintf("%d more warnings not shown", c.dropped))
	}
	rep.Warnings = c.warnings
	rep.Tally()
	return rep, nil
}

// noResults explains why a side has nothing, naming the inputs it was looked for in and the
// first problems met in them.
func (c *collector) noResults(side string) error {
	var names []string
	for _, in := range c.inputs {
		if in.Side == side || in.Side == "" {
			names = append(names, in.Path)
		}
	}
	var msg string
	switch {
	case len(names) == 1:
		msg = fmt.Sprintf("%s: no benchmark results for %s (expected lines like \"BenchmarkName  1000  123 ns/op\")", names[0], side)
	case len(names) > 1:
		msg = fmt.Sprintf("no benchmark results labelled %s: %s in %v", SideKey, side, names)
	default:
		msg = "no benchmark results for " + side
	}
	if n := len(c.warnings); n > 0 {
		msg += fmt.Sprintf("; %d problems in the input, the first: %s", n, strings.Join(c.warnings[:min(n, 3)], "; "))
	}
	return errors.New(msg)
}

// checkConfigs warns when results of one side and of the other ran under configurations that
// differ only in some keys: they land in different tables and are never compared, which is
// otherwise easy to miss.
func (c *collector) checkConfigs() {
	keys := make([]benchproc.Key, 0, len(c.tables))
	for k := range c.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	var baseOnly, headOnly []benchproc.Key
	for _, k := range keys {
		sides := map[string]bool{}
		for ck := range c.tables[k].cells {
			sides[ck.col.StringValues()] = true
		}
		switch {
		case !sides[Head]:
			baseOnly = append(baseOnly, k)
		case !sides[Base]:
			headOnly = append(headOnly, k)
		}
	}
	said := map[string]bool{}
	for _, b := range baseOnly {
		for _, h := range headOnly {
			if b.Get(c.unitF) != h.Get(c.unitF) {
				continue
			}
			bc, hc := configMap(b), configMap(h)
			var diffs []string
			for _, k := range slices.Sorted(maps.Keys(union(bc, hc))) {
				if bc[k] != hc[k] {
					diffs = append(diffs, fmt.Sprintf("%s: %s on base, %s on head", k, quoteOrUnset(bc[k]), quoteOrUnset(hc[k])))
				}
			}
			d := strings.Join(diffs, "; ")
			if !said[d] {
				said[d] = true
				c.warn(fmt.Sprintf("base and head differ in configuration (%s), so the benchmarks that ran under each are not compared with each other", d))
			}
		}
	}
}

func union(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func quoteOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", s)
}

// checkCPUs warns when base and head ran on different CPUs: their times are not comparable.
func (c *collector) checkCPUs() {
	if len(c.cpus[Base]) == 0 {
		return
	}
	base := c.cpus[Base][0]
	for _, head := range c.cpus[Head] {
		if slices.ContainsFunc(c.cpus[Base], func(s seenAt) bool { return s.value == head.value }) {
			continue
		}
		c.warn(fmt.Sprintf("%s: head ran on cpu %q but base ran on cpu %q (%s); times from different machines are not comparable, compared anyway", head.pos, head.value, base.value, base.pos))
	}
}

func settings(cfg *config.Config) report.Settings {
	s := report.Settings{
		Alpha:             cfg.Alpha,
		Confidence:        cfg.Confidence,
		FalseAlarmControl: cfg.FalseAlarmControl,
		ConfigFile:        cfg.File,
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
func (c *collector) compare() ([]report.Comparison, []report.Geomean) {
	keys := make([]benchproc.Key, 0, len(c.tables))
	for k := range c.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	baseCol, headCol := c.sideKeys()
	units := c.reader.Units()
	thresholds := &benchmath.Thresholds{CompareAlpha: c.cfg.Alpha}

	type job struct {
		out        *report.Comparison
		base, head []float64
		assumption benchmath.Assumption
	}
	var cmps []report.Comparison
	var jobs []job
	var geoms []report.Geomean
	var spans [][2]int // the comparisons of each geomean row
	for _, tk := range keys {
		t := c.tables[tk]
		unit := tk.Get(c.unitF)
		cfgMap := configMap(tk)
		assumption := units.GetAssumption(unit)
		better := c.better(units, unit)
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
				ThresholdPercent: c.cfg.ThresholdFor(cfgMap["pkg"], name, unit),
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
				summarize(j.out, j.base, j.head, j.assumption, c.cfg.Confidence, thresholds)
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
func (c *collector) sideKeys() (base, head benchproc.Key) {
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
func (c *collector) better(units benchfmt.UnitMetadataMap, unit string) string {
	b := units.GetBetter(unit)
	if units.Get(unit, "better") == nil {
		if cb, ok := c.cfg.Better[unit]; ok {
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
