package compare

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
)

// Input is one stream of benchmark results in the Go benchmark format.
type Input struct {
	// Name identifies the input in messages, usually its path.
	Name string
	R    io.Reader
	// Side is report.Base or report.Head when every result of the input is that side unless it
	// says otherwise with a report.SideKey key, or "" when each result must carry the key.
	Side report.Side
}

// ignoredKeys are file configuration keys that must not split results into separate tables:
// the side, commit and pair labels, which differ between the sides or the rounds by design, and
// the CPU, which differs when two machines are compared (that gets a warning of its own instead
// of silently comparing nothing).
const ignoredKeys = report.SideKey + "," + report.CommitKey + "," + report.PairKey + ",cpu"

// ignored is ignoredKeys as a list, split once rather than for every result.
var ignored = strings.Split(ignoredKeys, ",")

// Results are benchmark results read from inputs and grouped into tables of cells, as benchstat
// groups them, ready to be compared. Compare may be called more than once (with different
// configs), but not concurrently.
type Results struct {
	reader  *benchfmt.Reader
	tableBy *benchproc.Projection
	unitF   *benchproc.Field
	tables  map[benchproc.Key]*table
	// rows numbers the benchmarks' full names in the order they first appear, which is
	// benchstat's order of rows (its projection of .fullname); names holds them by number.
	rows     map[string]int
	names    []rowName
	last     lastConfig
	warnings []string
	dropped  int // warnings past report.MaxWarnings
	inputs   []report.Input
	results  map[report.Side]int
	cpus     map[report.Side][]seenAt // each side's cpus, where first seen

	unitPos map[string]string // unit → first position
}

// seenAt is a value and the position of the first result that had it.
type seenAt struct{ value, pos string }

func (c *Results) sawCPU(side report.Side, cpu []byte, pos func() string) {
	for _, s := range c.cpus[side] {
		if s.value == string(cpu) {
			return
		}
	}
	c.cpus[side] = append(c.cpus[side], seenAt{string(cpu), pos()})
}

// rowName is a row's benchmark: its full name, and the name of its function.
type rowName struct{ full, base string }

// lastConfig is what follows from the configuration of the last result read. That changes only
// at a configuration line, so most results need none of it worked out again.
type lastConfig struct {
	config []benchfmt.Config // a copy
	why    string            // unreportableConfig's answer
	tables map[string]*table // by unit
}

// of tells whether res has the configuration l was worked out for.
func (l *lastConfig) of(res *benchfmt.Result) bool {
	return slices.EqualFunc(l.config, res.Config, func(a, b benchfmt.Config) bool {
		return a.Key == b.Key && a.File == b.File && bytes.Equal(a.Value, b.Value)
	})
}

// table is one configuration and unit: a cell per benchmark, as benchstat's table has a row.
type table struct {
	rows  map[int]int // row number → index into cells
	cells []cell
}

// cell is one benchmark's samples in one table, each side's in the order they were read. One
// lookup finds both sides, and values are kept bare, not as benchfmt results: a run of 5,000
// benchmarks is 300,000 of them.
type cell struct {
	row   int
	sides [2]samples // base, head
}

// samples are one side's values of a cell.
type samples struct {
	values []float64
	// pairs holds, beside each value, the pair it belongs to (0 for none); nil when none has
	// one, as in every file not written by gate run.
	pairs []int
}

// sideIndex is the index of a side in cell.sides.
func sideIndex(s report.Side) int {
	if s == report.Head {
		return 1
	}
	return 0
}

func newResults() *Results {
	var p benchproc.ProjectionParser
	filter, err := benchproc.NewFilter("*")
	must(err)
	tableBy, unitF, err := p.ParseWithUnit(".config", filter)
	must(err)
	_, err = p.Parse(ignoredKeys, filter)
	must(err)
	return &Results{
		tableBy: tableBy, unitF: unitF,
		tables:  map[benchproc.Key]*table{},
		rows:    map[string]int{},
		last:    lastConfig{tables: map[string]*table{}},
		results: map[report.Side]int{},
		cpus:    map[report.Side][]seenAt{},
		unitPos: map[string]string{},
	}
}

// must panics on an error in a projection this package wrote itself.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

func (c *Results) warn(msg string) {
	// Warnings quote the input, which may be of any length and not UTF-8: keep each to what a
	// report may hold (invalid bytes would grow threefold in its JSON).
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	if len(msg) > report.MaxTextLen {
		msg = strings.ToValidUTF8(msg[:report.MaxTextLen-len("…")], "") + "…"
	}
	if len(c.warnings) < report.MaxWarnings-1 {
		c.warnings = append(c.warnings, msg)
	} else {
		c.dropped++
	}
}

// read adds every result of in. Syntax errors are warnings, as in benchstat: one bad line must
// not throw away a whole run.
func (c *Results) read(in Input) error {
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

func (c *Results) add(res *benchfmt.Result, fileSide report.Side) bool {
	pos := func() string { // only for messages: most results never need it
		file, line := res.Pos()
		return fmt.Sprintf("%s:%d", file, line)
	}
	side := fileSide
	if s := configValue(res, report.SideKey); len(s) > 0 {
		side = report.Side(s)
	}
	if side != report.Base && side != report.Head {
		if side == "" {
			c.warn(fmt.Sprintf("%s: Benchmark%s has no %s key, and its side cannot be told from its file (give exactly two files, OLD NEW); result skipped", pos(), res.Name.Full(), report.SideKey))
		} else {
			c.warn(fmt.Sprintf("%s: %s is %q; expected base or head; result skipped", pos(), report.SideKey, side))
		}
		return false
	}
	if !c.last.of(res) {
		c.last = lastConfig{
			config: slices.Clone(res.Config),
			why:    unreportableConfig(res.Config),
			tables: map[string]*table{},
		}
		for i := range c.last.config {
			c.last.config[i].Value = bytes.Clone(c.last.config[i].Value)
		}
	}
	why := c.last.why
	if name := res.Name.Full(); len(name) == 0 || !fits(name) {
		why = fmt.Sprintf("the benchmark's name is empty, longer than %d bytes or not UTF-8", report.MaxNameLen)
	}
	if why != "" {
		c.warn(fmt.Sprintf("%s: %s; result skipped", pos(), why))
		return false
	}
	checkValues(res, c.warn)
	if len(res.Values) == 0 {
		return false
	}
	pair := 0
	if v := configValue(res, report.PairKey); len(v) > 0 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			c.warn(fmt.Sprintf("%s: %s is %q; expected a whole number from 1; result compared without its pair", pos(), report.PairKey, v))
		} else {
			pair = n
		}
	}
	c.results[side]++
	if cpu := configValue(res, "cpu"); len(cpu) > 0 {
		c.sawCPU(side, cpu, pos)
	}

	row, ok := c.rows[string(res.Name.Full())]
	if !ok {
		row = len(c.names)
		c.names = append(c.names, rowName{string(res.Name.Full()), string(res.Name.Base())})
		c.rows[c.names[row].full] = row
	}
	var tableKeys []benchproc.Key // projected only for a configuration or unit not met before
	for i, v := range res.Values {
		t := c.last.tables[v.Unit]
		if t == nil {
			if tableKeys == nil {
				tableKeys = c.tableBy.ProjectValues(res)
			}
			if t = c.tables[tableKeys[i]]; t == nil {
				t = &table{rows: map[int]int{}}
				c.tables[tableKeys[i]] = t
				// A unit's first value always starts a table.
				if c.unitPos[v.Unit] == "" {
					c.unitPos[v.Unit] = pos()
				}
			}
			c.last.tables[v.Unit] = t
		}
		k, ok := t.rows[row]
		if !ok {
			k = len(t.cells)
			t.rows[row] = k
			t.cells = append(t.cells, cell{row: row})
		}
		s := &t.cells[k].sides[sideIndex(side)]
		if len(s.values) == report.MaxValues {
			// More samples than a report may hold: the first ones are compared, and the report
			// stays readable.
			c.warn(fmt.Sprintf("%s: Benchmark%s has more than %d results in %s on this side; the rest are skipped", pos(), res.Name.Full(), report.MaxValues, res.Values[i].Unit))
			continue
		}
		if s.values == nil {
			s.values = make([]float64, 0, 10) // the usual -count
		}
		if pair != 0 && s.pairs == nil {
			s.pairs = make([]int, len(s.values), cap(s.values))
		}
		if s.pairs != nil {
			s.pairs = append(s.pairs, pair)
		}
		s.values = append(s.values, res.Values[i].Value)
	}
	return true
}

// configValue returns the value of res's configuration key, or nil; unlike res.GetConfig, it does
// not copy it, which for every result adds up.
func configValue(res *benchfmt.Result, key string) []byte {
	if i, ok := res.ConfigIndex(key); ok {
		return res.Config[i].Value
	}
	return nil
}

// Read reads and groups the inputs. It fails only when an input cannot be read; everything that
// is wrong with what it holds is a warning. A side may be left with no results (see Missing).
func Read(inputs []Input) (*Results, error) {
	c := newResults()
	for _, in := range inputs {
		if err := c.read(in); err != nil {
			return nil, err
		}
	}
	c.checkCPUs()
	c.checkConfigs()
	return c, nil
}

// ReadRun reads gate run's raw results of each side (benchexec.Result's Base and Head).
func ReadRun(base, head []byte) (*Results, error) {
	return Read([]Input{
		{Name: "base.txt", R: bytes.NewReader(base), Side: report.Base},
		{Name: "head.txt", R: bytes.NewReader(head), Side: report.Head},
	})
}

// Undecided is what gate run asks at each look of a run (benchexec.Options.Undecided): the
// benchmark functions whose verdicts under cfg, beside the history h (nil for none), are still
// undecided, given the run so far. The looks judge as the final report does, so a benchmark
// whose history widens its threshold is not given rounds that only a narrower one needs.
func Undecided(cfg *config.Config, h *History) func(run *report.Run, base, head []byte) []report.Func {
	return func(run *report.Run, base, head []byte) []report.Func {
		res, err := ReadRun(base, head)
		if err != nil {
			return nil // the final read reports it
		}
		_, undecided := res.Compare(cfg, Extra{Run: run, History: h})
		return undecided
	}
}

// Missing returns an error naming the inputs when a side has no results at all: then nothing
// can be compared, which for files given by hand is almost always a mistake.
func (c *Results) Missing() error {
	for _, side := range []report.Side{report.Base, report.Head} {
		if c.results[side] == 0 {
			return c.noResults(side)
		}
	}
	return nil
}

// noResults explains why a side has nothing, naming the inputs it was looked for in and the
// first problems met in them.
func (c *Results) noResults(side report.Side) error {
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
		msg = fmt.Sprintf("no benchmark results labelled %s: %s in %v", report.SideKey, side, names)
	default:
		msg = fmt.Sprint("no benchmark results for ", side)
	}
	if n := len(c.warnings); n > 0 {
		msg += fmt.Sprintf("; %d problems in the input, the first: %s", n, strings.Join(c.warnings[:min(n, 3)], "; "))
	}
	return errors.New(msg)
}

// checkConfigs warns when results of one side and of the other ran under configurations that
// differ only in some keys: they land in different tables and are never compared, which is
// otherwise easy to miss.
func (c *Results) checkConfigs() {
	keys := make([]benchproc.Key, 0, len(c.tables))
	for k := range c.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	var baseOnly, headOnly []benchproc.Key
	for _, k := range keys {
		var sides [2]bool
		for _, cl := range c.tables[k].cells {
			for i, s := range cl.sides {
				sides[i] = sides[i] || len(s.values) > 0
			}
		}
		switch {
		case !sides[1]:
			baseOnly = append(baseOnly, k)
		case !sides[0]:
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
func (c *Results) checkCPUs() {
	if len(c.cpus[report.Base]) == 0 {
		return
	}
	base := c.cpus[report.Base][0]
	for _, head := range c.cpus[report.Head] {
		if slices.ContainsFunc(c.cpus[report.Base], func(s seenAt) bool { return s.value == head.value }) {
			continue
		}
		c.warn(fmt.Sprintf("%s: head ran on cpu %q but base ran on cpu %q (%s); times from different machines are not comparable, compared anyway", head.pos, head.value, base.value, base.pos))
	}
}

// maxLine is the longest line benchfmt can read: its bufio.Scanner stops at 64 KiB and drops
// the rest of the file. Longer lines are skipped with a warning before benchfmt sees them.
const maxLine = bufio.MaxScanTokenSize - 1

// lineGuard passes its input through line by line, replacing each line longer than maxLine with
// an empty line, so benchfmt reads the rest of the file and line numbers stay right.
type lineGuard struct {
	r       *bufio.Reader
	name    string
	line    int
	pending []byte // the rest of the current line, not yet returned
	long    []string
}

func newLineGuard(r io.Reader, name string) *lineGuard {
	return &lineGuard{r: bufio.NewReaderSize(r, maxLine), name: name}
}

func (g *lineGuard) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		line, err := g.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			g.line++
			n := len(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = g.r.ReadSlice('\n')
				n += len(line)
			}
			g.long = append(g.long, fmt.Sprintf("%s:%d: line is %d bytes long, more than the %d a benchmark result line may have; skipped", g.name, g.line, n, maxLine))
			if err != nil && err != io.EOF {
				return 0, err
			}
			g.pending = []byte{'\n'}
			break
		}
		if len(line) > 0 {
			g.line++
			g.pending = line
			break
		}
		if err != nil {
			return 0, err
		}
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

// fits tells whether a name, unit, configuration key or value can go into a report (see
// report.Validate's limits): benchfmt reads them of any length and bytes, and a report that holds
// one is refused by every reader.
func fits(s []byte) bool { return len(s) <= report.MaxNameLen && utf8.Valid(s) }

// unreportableConfig says why a result's configuration cannot go into a report, or "" when it
// can.
func unreportableConfig(config []benchfmt.Config) string {
	keys := 0
	for _, cfg := range config {
		if !cfg.File || len(cfg.Value) == 0 || slices.Contains(ignored, cfg.Key) {
			continue
		}
		keys++
		if !fits([]byte(cfg.Key)) || !fits(cfg.Value) {
			return fmt.Sprintf("configuration key %.64q or its value is longer than %d bytes or not UTF-8", cfg.Key, report.MaxNameLen)
		}
	}
	if keys > report.MaxConfigKeys {
		return fmt.Sprintf("it has %d configuration keys, more than %d", keys, report.MaxConfigKeys)
	}
	return ""
}

// checkValues drops values that are not finite numbers from res, with a warning for each: a
// NaN would make every statistic of its benchmark NaN. It drops values whose unit a report
// cannot hold too.
func checkValues(res *benchfmt.Result, warn func(string)) {
	kept := res.Values[:0]
	for _, v := range res.Values {
		if len(v.Unit) > report.MaxNameLen || !utf8.ValidString(v.Unit) {
			file, line := res.Pos()
			warn(fmt.Sprintf("%s:%d: Benchmark%s: a unit is longer than %d bytes or not UTF-8; value skipped", file, line, res.Name.Full(), report.MaxNameLen))
			continue
		}
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			file, line := res.Pos()
			value, unit := v.Value, v.Unit
			if v.OrigUnit != "" { // show it as written, ns/op rather than sec/op
				value, unit = v.OrigValue, v.OrigUnit
			}
			warn(fmt.Sprintf("%s:%d: Benchmark%s: %v %s is not a finite number; value skipped", file, line, res.Name.Full(), value, unit))
			continue
		}
		kept = append(kept, v)
	}
	res.Values = kept
}
