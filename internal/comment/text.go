package comment

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/benchgate/benchgate/internal/report"
)

// Text writes the report for a terminal: one benchstat-like table per configuration and unit,
// with a verdict column, a history column where comparisons have a recorded history, and
// footnotes for warnings, then the headline.
func Text(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriter(w)
	var prev map[string]string
	sources := derivedSources(r)
	for i, g := range collapseZeros(groups(pointers(r.Comparisons), r.Geomeans)) {
		if i > 0 {
			bw.WriteString("\n")
		}
		// Like benchstat, print the configuration keys that changed since the last table.
		for _, k := range configKeys(g.config) {
			if prev == nil || prev[k] != g.config[k] {
				fmt.Fprintf(bw, "%s: %s\n", printable(k), printable(g.config[k]))
			}
		}
		prev = g.config
		if g.zeroUnits != nil {
			fmt.Fprintln(bw, printable(g.zeroLine()))
			continue
		}
		textTable(bw, g, r.Settings.Alpha, sources)
	}
	if len(r.Comparisons) > 0 {
		bw.WriteString("\n")
	}
	if run := r.Run; run != nil {
		for _, l := range plain.runLines(run) {
			fmt.Fprintln(bw, l)
		}
		if l := detectable(r); l != "" {
			fmt.Fprintln(bw, l)
		}
		if rows := processRows(run); len(rows) > 0 {
			bw.WriteString("\n")
			rows = append([][]string{{"process (median per run)", "side", "runs", "wall", "cpu", "peak RSS"}}, rows...)
			alignColumns(bw, rows, []string{"", "  ", "  ", "  ", "  ", "  "}, []bool{false, false, true, true, true, true})
		}
		for _, f := range run.Failures {
			fmt.Fprintf(bw, "FAILED: %s on %s in round %d: %s\n", printable(f.Package), f.Side, f.Round, printable(f.Message))
		}
		bw.WriteString("\n")
	}
	if r.History != nil {
		fmt.Fprintln(bw, printable(strings.TrimSuffix(historyLegend(r, plain), "\n")))
	}
	bw.WriteString(profilesText(r))
	fmt.Fprintln(bw, Headline(r))
	return bw.Flush()
}

// The columns of a text table, and the margin printed before each.
var textColumns = []struct {
	margin string
	right  bool
}{
	{"", false},   // benchmark
	{"  ", true},  // base center
	{" ± ", true}, // base range
	{"   ", true}, // head center
	{" ± ", true}, // head range
	{"  ", true},  // delta
	{" ", false},  // (p=… n=…)
	{" ", false},  // footnote marks
	{"  ", false}, // verdict
	{"  ", false}, // history
}

func textTable(w *bufio.Writer, g group, alpha float64, sources map[*report.Comparison]*report.Comparison) {
	header := []string{g.unit, "base", "", "head", "", "vs base", "", "", "", ""}
	for _, c := range g.cmps {
		if c.History != nil {
			header[len(header)-1] = "history"
		}
	}
	rows := [][]string{header}
	var notes footnotes
	for _, c := range g.cmps {
		cells := Format(c, alpha)
		stat := ""
		if cells.Stat != "" {
			stat = "(" + cells.Stat + ")"
		}
		if cells.Paired != "" {
			stat += " paired " + cells.Paired
		}
		var msgs []string
		msgs = append(msgs, c.Warnings...)
		if c.Reason != "" {
			msgs = append(msgs, c.Reason)
		}
		rows = append(rows, []string{c.Benchmark, cells.Base, cells.BaseRange, cells.Head, cells.HeadRange, cells.Delta, stat, notes.mark(msgs), verdictText(c, sources[c]), historyCell(c)})
	}
	if gm := g.geomean; gm != nil {
		base, head, delta := GeomeanCells(gm)
		rows = append(rows, []string{"geomean", base, "", head, "", delta, "", notes.mark(gm.Warnings), ""})
	}
	align(w, rows)
	notes.write(w)
}

// verdictText is a comparison's verdict as its table row says it; source is the comparison of
// the unit c is derived from, nil when there is none.
func verdictText(c, source *report.Comparison) string {
	if source != nil && source.Verdict == c.Verdict && (c.Verdict == report.Regression || c.Verdict == report.Improvement) {
		// The same finding as its source unit's, which the source's row counts.
		return fmt.Sprintf("(%s's %s)", source.Unit, c.Verdict)
	}
	switch c.Verdict {
	case report.Regression, report.Improvement:
		return fmt.Sprintf("%s (>%s)", c.Verdict, Threshold(c.ThresholdPercent))
	case report.WithinThreshold:
		return fmt.Sprintf("within threshold (≤%s)", Threshold(c.ThresholdPercent))
	case report.Unchanged:
		return ""
	}
	return string(c.Verdict)
}

// align writes rows in the comparison table's columns.
func align(w *bufio.Writer, rows [][]string) {
	margins, right := make([]string, len(textColumns)), make([]bool, len(textColumns))
	for i, c := range textColumns {
		margins[i], right[i] = c.margin, c.right
	}
	alignColumns(w, rows, margins, right)
}

// alignColumns writes rows as columns: each padded to its widest cell, right- or left-aligned,
// with its margin before it where the row has a cell there, and no trailing space.
func alignColumns(w *bufio.Writer, rows [][]string, margins []string, right []bool) {
	widths := make([]int, len(margins))
	for _, row := range rows {
		for j, cell := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(cell))
		}
	}
	var line strings.Builder
	for _, row := range rows {
		line.Reset()
		for j, cell := range row {
			margin := margins[j]
			if cell == "" {
				margin = strings.Repeat(" ", utf8.RuneCountInString(margin))
			}
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell))
			line.WriteString(margin)
			if right[j] {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell + pad)
			}
		}
		w.WriteString(printable(strings.TrimRight(line.String(), " ")))
		w.WriteString("\n")
	}
}

// printable replaces control characters, which a report from elsewhere could use to break lines
// or send escape sequences to the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// footnotes numbers distinct messages in the order they are first marked.
type footnotes struct {
	msgs  []string
	index map[string]int
}

func (f *footnotes) mark(msgs []string) string {
	var marks []string
	for _, m := range msgs {
		if f.index == nil {
			f.index = map[string]int{}
		}
		i, ok := f.index[m]
		if !ok {
			f.msgs = append(f.msgs, m)
			i = len(f.msgs)
			f.index[m] = i
		}
		marks = append(marks, superscript(i))
	}
	return strings.Join(marks, " ")
}

func (f *footnotes) write(w *bufio.Writer) {
	for i, m := range f.msgs {
		fmt.Fprintf(w, "%s %s\n", superscript(i+1), printable(m))
	}
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var out []rune
	for _, d := range fmt.Sprint(n) {
		out = append(out, []rune(digits)[d-'0'])
	}
	return string(out)
}
