package comment

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// Markdown writes the report for GitHub: the headline, the regressions and improvements that
// decide it, then every comparison folded away, then the warnings.
func Markdown(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriter(w)
	icon := "✅"
	if r.Verdict == report.Fail {
		icon = "❌"
	}
	fmt.Fprintf(bw, "### %s %s\n\n", icon, escape(Tally(r, " · ")))

	var notable []*report.Comparison
	for _, c := range pointers(r.Comparisons) {
		if c.Verdict == report.Regression || c.Verdict == report.Improvement {
			notable = append(notable, c)
		}
	}
	alpha := r.Settings.Alpha
	if len(notable) > 0 {
		bw.WriteString("| Benchmark | Unit | Base | Head | Change | p | n | Threshold |\n")
		bw.WriteString("| :-- | :-- | --: | --: | --: | --: | --: | --: |\n")
		for _, c := range notable {
			cells := Format(c, alpha)
			mark := "🔴"
			if c.Verdict == report.Improvement {
				mark = "🟢"
			}
			p := ""
			if c.P != nil && *c.P != 0 {
				p = fmt.Sprintf("%.3f", *c.P)
			}
			_, n, _ := strings.Cut(cells.Stat, "n=")
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s **%s** | %s | %s | %s |\n",
				escape(qualified(c)), escape(c.Unit), escape(withRange(cells.Base, cells.BaseRange)),
				escape(withRange(cells.Head, cells.HeadRange)), mark, escape(cells.Delta), p, n,
				escape(Threshold(c.ThresholdPercent)))
		}
		bw.WriteString("\n")
	}

	fmt.Fprintf(bw, "<details><summary>All %d comparisons</summary>\n\n", len(r.Comparisons))
	for _, g := range groups(pointers(r.Comparisons), r.Geomeans) {
		var cfg []string
		for _, k := range configKeys(g.config) {
			cfg = append(cfg, escape(k+": "+g.config[k]))
		}
		if len(cfg) > 0 {
			fmt.Fprintf(bw, "%s\n\n", strings.Join(cfg, " · "))
		}
		fmt.Fprintf(bw, "| %s | Base | Head | vs base | Verdict |\n| :-- | --: | --: | :-- | :-- |\n", escape(g.unit))
		for _, c := range g.cmps {
			cells := Format(c, alpha)
			change := cells.Delta
			if cells.Stat != "" {
				change += " (" + cells.Stat + ")"
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n", escape(c.Benchmark),
				escape(withRange(cells.Base, cells.BaseRange)), escape(withRange(cells.Head, cells.HeadRange)),
				escape(change), escape(verdictText(c)))
		}
		if gm := g.geomean; gm != nil {
			base, head, delta := GeomeanCells(gm)
			fmt.Fprintf(bw, "| geomean | %s | %s | %s | |\n", escape(base), escape(head), escape(delta))
		}
		bw.WriteString("\n")
	}
	bw.WriteString("</details>\n")

	if run := r.Run; run != nil {
		bw.WriteString("\n")
		for _, f := range run.Failures {
			fmt.Fprintf(bw, "**Failed:** %s on %s in round %d: %s\n\n", escape(f.Package), f.Side, f.Round, escape(f.Message))
		}
		for _, l := range runLines(run) {
			fmt.Fprintf(bw, "%s<br>\n", escape(l))
		}
		bw.WriteString("\n<details><summary>Benchmark processes</summary>\n\n| Package | Side | Runs | Wall | CPU | Peak RSS |\n| :-- | :-- | --: | --: | --: | --: |\n")
		for _, row := range processRows(run) {
			for i := range row {
				row[i] = escape(row[i])
			}
			fmt.Fprintf(bw, "| %s |\n", strings.Join(row, " | "))
		}
		bw.WriteString("\n</details>\n")
	}
	if len(r.Warnings) > 0 {
		bw.WriteString("\n**Warnings**\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(bw, "- %s\n", escape(w))
		}
	}
	return bw.Flush()
}

// qualified is the benchmark name with its package's last element, which tells apart benchmarks
// of the same name in different packages.
func qualified(c *report.Comparison) string {
	pkg := c.Config["pkg"]
	if pkg == "" {
		return c.Benchmark
	}
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + c.Benchmark
}

func withRange(center, rng string) string {
	if center == "" {
		return "—"
	}
	if rng == "" {
		return center
	}
	return center + " ± " + rng
}

// escape makes an untrusted string inert in GitHub markdown: HTML is shown as text, markdown
// punctuation is escaped, line breaks cannot end a table row, and @mentions ping nobody.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteString("@\u200b") // a zero-width space after @ breaks the mention
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
