// Package comment renders a report for people: a benchstat-like text table for terminals, and
// markdown for pull-request comments and job summaries.
//
// It reads nothing but the report, so what it shows can always be regenerated from the JSON,
// and it treats every string in the report as untrusted: in markdown, names are escaped and
// @mentions are broken, so that a benchmark named "<img onerror=...>" or "@org/team" shows as
// text and pings nobody.
package comment

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
)

// Cells are the printable parts of one comparison, formatted as benchstat formats them, except
// that an exact change is shown as exact.
type Cells struct {
	Base, BaseRange string // "1.718µ", "1%"
	Head, HeadRange string
	Delta           string // "+6.12%", "~", "?" or "" when a side is missing
	Stat            string // "p=0.000 n=10", "n=1", "n=7+10"; "exact: 28 → 106, n=30"
	// Paired is the paired comparison the verdict was made on, "" when there is none or the
	// change is exact: "+5.1% [4.6%, 5.7%] p=0.002 n=10".
	Paired string
	// Exact is an exact change's two values, "28 → 106"; "" for any other comparison.
	Exact string
}

// Format returns the printable cells of c. Centers of one comparison share a scale, so they
// can be read against each other.
func Format(c *report.Comparison, alpha float64) Cells {
	var centers []float64
	for _, s := range []*report.Summary{c.Base, c.Head} {
		if s != nil {
			centers = append(centers, s.Center)
		}
	}
	scaler := benchunit.CommonScale(centers, benchunit.ClassOf(c.Unit))
	var out Cells
	if c.Base != nil {
		out.Base, out.BaseRange = scaler.Format(c.Base.Center), PctRange(c.Base)
	}
	if c.Head != nil {
		out.Head, out.HeadRange = scaler.Format(c.Head.Center), PctRange(c.Head)
	}
	if c.Base == nil || c.Head == nil {
		return out
	}
	out.Delta = Delta(c, alpha)
	if base, head, ok := exactValues(c, scaler); ok {
		out.Exact = base + " → " + head
		out.Stat = "exact: " + out.Exact + ", " + sizes(c)
		return out
	}
	out.Stat = Stat(c)
	out.Paired = Paired(c)
	return out
}

// exactValues returns the two values of an exact change: each side's samples, at least two, are
// all one value, and the two differ (allocs/op of code that allocates the same every time). An
// interval or a p-value would only restate how many samples there are, so the change is told by
// its values, whole numbers in full.
func exactValues(c *report.Comparison, scaler benchunit.Scaler) (base, head string, ok bool) {
	constant := func(s *report.Summary) bool { return s.N() >= 2 && s.Values[0] == s.Values[s.N()-1] }
	if !constant(c.Base) || !constant(c.Head) || c.Base.Values[0] == c.Head.Values[0] {
		return "", "", false
	}
	value := func(v float64) string {
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return scaler.Format(v)
	}
	return value(c.Base.Values[0]), value(c.Head.Values[0]), true
}

// Paired formats a comparison's paired result: its center, its interval, the test's p-value and
// the number of pairs; "" when the comparison has none.
func Paired(c *report.Comparison) string {
	pr := c.Paired
	if pr == nil {
		return ""
	}
	s := signedPercent(pr.DeltaPercent)
	if pr.LowPercent != nil && pr.HighPercent != nil {
		s += fmt.Sprintf(" [%s, %s]", signedPercent(*pr.LowPercent), signedPercent(*pr.HighPercent))
	}
	return s + fmt.Sprintf(" p=%.3f n=%d", pr.P, pr.N)
}

// signedPercent formats a change in percent to a tenth, signed, and one that rounds to zero as
// "0.0%", neither "+0.0%" nor "-0.0%".
func signedPercent(v float64) string {
	s := fmt.Sprintf("%+.1f", v)
	if s == "+0.0" || s == "-0.0" {
		s = "0.0"
	}
	return s + "%"
}

// PctRange is the half-width of a summary's confidence interval in percent of its center, as
// benchstat prints it after "±": "∞" when the interval is unbounded, "?" when it crosses zero.
func PctRange(s *report.Summary) string {
	if s.Low == nil || s.High == nil {
		return "∞"
	}
	sign := func(x float64) int {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}
	if sign(s.Center) != sign(*s.Low) || sign(s.Center) != sign(*s.High) {
		return "?"
	}
	if s.Center == 0 {
		return "0%"
	}
	v := math.Max(*s.High/s.Center-1, 1-*s.Low/s.Center)
	return fmt.Sprintf("%.0f%%", 100*v)
}

// Delta is the change from base to head as benchstat formats it, judged on the adjusted p-value:
// "~" when it is not significant at alpha (at the paired comparison's level, where there is
// one), "?" when the base is zero, otherwise a signed percentage.
func Delta(c *report.Comparison, alpha float64) string {
	if c.Paired != nil {
		alpha = c.Paired.Alpha
	}
	switch {
	case c.PAdjusted == nil || *c.PAdjusted > alpha:
		return "~"
	case c.DeltaPercent == nil:
		return "?"
	case *c.DeltaPercent == 0:
		return "0.00%"
	}
	return fmt.Sprintf("%+.2f%%", *c.DeltaPercent)
}

// Stat is the p-value and sample sizes, as benchstat prints them in parentheses. A p-value of
// exactly 0 (exact units) is left out.
func Stat(c *report.Comparison) string {
	var s string
	if c.P != nil && *c.P != 0 {
		s = fmt.Sprintf("p=%0.3f ", *c.P)
	}
	return s + sizes(c)
}

// sizes is the sample sizes as benchstat prints them: "n=10", or "n=7+10" when they differ.
func sizes(c *report.Comparison) string {
	n1, n2 := c.Base.N(), c.Head.N()
	if n1 == n2 {
		return fmt.Sprintf("n=%d", n1)
	}
	return fmt.Sprintf("n=%d+%d", n1, n2)
}

// GeomeanCells formats a geomean row: the two centers and the change.
func GeomeanCells(g *report.Geomean) (base, head, delta string) {
	class := benchunit.ClassOf(g.Unit)
	if g.Base != nil {
		base = benchunit.Scale(*g.Base, class)
	}
	if g.Head != nil {
		head = benchunit.Scale(*g.Head, class)
	}
	delta = "?"
	if g.DeltaPercent != nil {
		delta = fmt.Sprintf("%+.2f%%", *g.DeltaPercent)
	}
	return base, head, delta
}

// Threshold formats a threshold percentage without needless decimals: "5%", "0.5%".
func Threshold(pct float64) string {
	return fmt.Sprintf("%s%%", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", pct), "0"), "."))
}

// Headline is the one-line verdict for a terminal: the gate's outcome, then the tally.
func Headline(r *report.Report) string {
	if r.Verdict == report.Fail {
		return "FAIL: " + Tally(r, ", ")
	}
	return "PASS: " + Tally(r, ", ")
}

// Tally says how many benchmarks got each verdict, most important first, joined by sep: a
// benchmark counts once however many of its units changed (see report.Finding).
func Tally(r *report.Report, sep string) string {
	var parts []string
	for _, v := range report.Verdicts {
		n := r.BenchmarkCounts[v]
		if n == 0 {
			continue
		}
		part := countOf(n, v)
		if v == report.Regression {
			if a := accepted(r); a == n {
				part += ", accepted"
			} else if a > 0 {
				part += fmt.Sprintf(" (%d accepted)", a)
			}
		}
		parts = append(parts, part)
	}
	if r.Run != nil {
		parts = append(parts, failureCounts(r.Run.Failures)...)
	}
	if len(parts) == 0 {
		parts = []string{"no comparisons"}
	}
	return strings.Join(parts, sep)
}

// accepted counts the regressed benchmarks whose every regression someone accepted.
func accepted(r *report.Report) int {
	n := 0
	for _, f := range r.Findings() {
		if f.Verdict == report.Regression && f.Accepted() {
			n++
		}
	}
	return n
}

// failureCounts counts the packages that failed on head only, on base only, and on both.
func failureCounts(failures []report.Failure) []string {
	sides := map[string]map[report.Side]bool{}
	for _, f := range failures {
		if sides[f.Package] == nil {
			sides[f.Package] = map[report.Side]bool{}
		}
		sides[f.Package][f.Side] = true
	}
	counts := map[string]int{}
	for _, s := range sides {
		switch {
		case s[report.Base] && s[report.Head]:
			counts["base and head"]++
		case s[report.Head]:
			counts["head only"]++
		default:
			counts["base only"]++
		}
	}
	var out []string
	for _, where := range []string{"head only", "base only", "base and head"} {
		if n := counts[where]; n > 0 {
			word := "packages"
			if n == 1 {
				word = "package"
			}
			out = append(out, fmt.Sprintf("%d %s failing on %s", n, word, where))
		}
	}
	return out
}

func countOf(n int, v report.Verdict) string {
	plural := func(word string) string {
		if n == 1 {
			return word
		}
		return word + "s"
	}
	switch v {
	case report.Regression:
		return fmt.Sprintf("%d %s past threshold", n, plural("regression"))
	case report.Improvement:
		return fmt.Sprintf("%d %s", n, plural("improvement"))
	case report.New, report.Removed, report.Failed:
		return fmt.Sprintf("%d %s %s", n, v, plural("benchmark"))
	}
	return fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(v), "-", " "))
}

// group is the comparisons of one configuration and unit, with their geomean row; or, when
// zeroUnits is set, the units of one configuration that are zero on both sides for every
// benchmark, collapsed into one line.
type group struct {
	config    map[string]string
	unit      string
	cmps      []*report.Comparison
	geomean   *report.Geomean
	zeroUnits []string
	zeroN     int // how many benchmarks each of zeroUnits has, 0 when they differ
}

// derivedSources maps each comparison of a derived unit to the comparison of the unit it is
// derived from.
func derivedSources(r *report.Report) map[*report.Comparison]*report.Comparison {
	out := map[*report.Comparison]*report.Comparison{}
	for _, f := range r.Findings() {
		for _, c := range f.Comparisons {
			if c.DerivedFrom == "" {
				continue
			}
			if i := slices.IndexFunc(f.Comparisons, func(s *report.Comparison) bool { return s.Unit == c.DerivedFrom }); i >= 0 {
				out[c] = f.Comparisons[i]
			}
		}
	}
	return out
}

// collapseZeros replaces the tables of a configuration whose unit is zero on both sides for
// every benchmark (B/op and allocs/op of a package that never allocates: rows of 0 ± 0%) with
// one group that names them all, where the first of them was.
func collapseZeros(gs []group) []group {
	var out []group
	at := map[int]int{} // index in gs of the first group of a configuration → its collapsed group in out
	for i, g := range gs {
		if !allZero(g.cmps) {
			out = append(out, g)
			continue
		}
		first := i
		for j := range i {
			if sameConfig(gs[j].config, g.config) {
				first = j
				break
			}
		}
		k, ok := at[first]
		if !ok {
			k = len(out)
			at[first] = k
			out = append(out, group{config: g.config, zeroN: len(g.cmps)})
		}
		z := &out[k]
		z.zeroUnits = append(z.zeroUnits, g.unit)
		if z.zeroN != len(g.cmps) {
			z.zeroN = 0
		}
	}
	return out
}

// allZero tells whether every comparison measured zero on both sides in every sample.
func allZero(cmps []*report.Comparison) bool {
	zero := func(s *report.Summary) bool {
		return s != nil && !slices.ContainsFunc(s.Values, func(v float64) bool { return v != 0 })
	}
	for _, c := range cmps {
		if !zero(c.Base) || !zero(c.Head) {
			return false
		}
	}
	return len(cmps) > 0
}

// zeroLine says which units a collapsed group stands for.
func (g group) zeroLine() string {
	all := "every benchmark"
	if g.zeroN > 1 {
		all = fmt.Sprintf("all %d benchmarks", g.zeroN)
	}
	return fmt.Sprintf("%s: 0 on both sides for %s", strings.Join(g.zeroUnits, ", "), all)
}

// groups splits the comparisons into runs of one configuration and unit, in report order.
func groups(cmps []*report.Comparison, geomeans []report.Geomean) []group {
	var out []group
	for _, c := range cmps {
		if n := len(out); n > 0 && out[n-1].unit == c.Unit && sameConfig(out[n-1].config, c.Config) {
			out[n-1].cmps = append(out[n-1].cmps, c)
			continue
		}
		out = append(out, group{config: c.Config, unit: c.Unit, cmps: []*report.Comparison{c}})
	}
	for i := range out {
		for j := range geomeans {
			g := &geomeans[j]
			if g.Unit == out[i].unit && sameConfig(g.Config, out[i].config) {
				out[i].geomean = g
				break
			}
		}
	}
	return out
}

func sameConfig(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// configKeys orders a configuration's keys as go test prints them, then the rest by name.
func configKeys(cfg map[string]string) []string {
	known := []string{"goos", "goarch", "pkg", "cpu"}
	var keys []string
	for _, k := range known {
		if _, ok := cfg[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range cfg {
		if !slices.Contains(known, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

func pointers(cmps []report.Comparison) []*report.Comparison {
	out := make([]*report.Comparison, len(cmps))
	for i := range cmps {
		out[i] = &cmps[i]
	}
	return out
}

// Trend draws a comparison's recorded history as a sparkline: the default branch's medians,
// oldest first, then "→" and this comparison's change applied to the newest of them, all on one
// scale. The change is applied rather than head's own value drawn because base and head were
// measured on another machine than the history, and only their ratio carries over. The scale
// spans at least 10% of the values' middle, so that a level line stays level rather than
// blowing noise of a fraction of a percent up to full height. "" when the comparison has no
// history.
func Trend(c *report.Comparison) string {
	h := c.History
	if h == nil || len(h.Values) == 0 {
		return ""
	}
	values := slices.Clone(h.Values)
	if c.DeltaPercent == nil {
		return trend.Sparkline(values)
	}
	line := []rune(trend.Sparkline(append(values, h.Values[len(h.Values)-1]*(1+*c.DeltaPercent/100))))
	return string(line[:len(h.Values)]) + " → " + string(line[len(h.Values):])
}

// Spread is a comparison's run-to-run spread in its history, "±2.1%"; "" when unknown.
func Spread(c *report.Comparison) string {
	if c.History == nil || c.History.SpreadPercent == nil {
		return ""
	}
	if v := *c.History.SpreadPercent; v < 10 {
		return fmt.Sprintf("±%.1f%%", v)
	}
	return fmt.Sprintf("±%.0f%%", *c.History.SpreadPercent)
}
