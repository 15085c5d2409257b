package comment

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// Size limits of GitHub's markdown surfaces, in bytes (a byte bound is also a bound on
// characters).
const (
	// CommentLimit keeps a PR comment under GitHub's 65,536-character limit, with room for the
	// hidden marker line.
	CommentLimit = 65_000
	// SummaryLimit keeps a job summary under GitHub's 1 MiB limit per step.
	SummaryLimit = 1<<20 - 1024
)

// Options shape the markdown.
type Options struct {
	// MaxBytes bounds the body; 0 means no bound. Past it the full table is folded away, then the
	// warnings, then the least important rows of the notable table are cut, each with a pointer
	// to where the rest is.
	MaxBytes int
	// RepoURL ("https://github.com/owner/name") links the revisions' commits; "" leaves them plain.
	RepoURL string
	// RestURL is where the parts left out can be read (the job summary); "" says "the job summary".
	RestURL string
}

// Markdown writes the report for GitHub without a size bound.
func Markdown(w io.Writer, r *report.Report) error {
	return MarkdownWith(w, r, Options{})
}

// MarkdownWith writes the report for GitHub: the headline, the regressions and improvements,
// worst first, then every comparison folded away, then how the run measured, the settings and
// the warnings.
func MarkdownWith(w io.Writer, r *report.Report, opts Options) error {
	// A report's SHAs are as untrusted as its names: only the head's is checked against the event.
	st := style{esc: escape, sha: func(sha string) string { return escape(report.ShortSHA(sha)) }}
	if opts.RepoURL != "" {
		st.sha = func(sha string) string {
			return fmt.Sprintf("[%s](%s/commit/%s)", escape(report.ShortSHA(sha)), opts.RepoURL, escapeURLPart(sha))
		}
	}
	rest := "the job summary"
	if opts.RestURL != "" {
		rest = fmt.Sprintf("[the job summary](%s)", opts.RestURL)
	}
	p := parts{
		head:     headline(r),
		header:   notableHeader(r),
		accepted: acceptedLines(r),
		notable:  notableRows(r),
		profiles: profilesMarkdown(r),
		details:  details(r),
		footer:   footer(r, st),
		warnings: warningLines(r),
		total:    len(r.Comparisons),
		rest:     rest,
	}
	body := p.join(len(p.notable), true, true, len(p.warnings))
	if opts.MaxBytes > 0 && len(body) > opts.MaxBytes {
		body = p.fit(opts.MaxBytes)
	}
	if opts.MaxBytes > 0 && len(body) > opts.MaxBytes {
		body = cut(body, opts.MaxBytes, rest) // what fit cannot leave out, such as many long failures
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(body)
	return bw.Flush()
}

// parts are the sections of a markdown body, kept apart so that a bounded body can leave some out.
type parts struct {
	head     string
	header   string   // the notable table's header, and what it needs explained below it
	accepted string   // who accepted which regression, and why
	notable  []string // table rows, most important first
	profiles string
	details  string
	footer   string
	warnings []string
	total    int
	rest     string
}

// notableHeader is the header of the regressions and improvements table; with a recorded
// history, it has a History column.
func notableHeader(r *report.Report) string {
	head, align := "| Benchmark | Unit | Base | Head | Change | p | n | Threshold |", "| :-- | :-- | --: | --: | --: | --: | --: | --: |"
	if paired(r) {
		head, align = "| Benchmark | Unit | Base | Head | Change | Paired change | Threshold |", "| :-- | :-- | --: | --: | --: | --: | --: |"
	}
	if r.History != nil {
		head, align = head+" History |", align+" :-- |"
	}
	return head + "\n" + align + "\n"
}

// paired tells whether a report's notable rows show paired results: when any comparison has one.
func paired(r *report.Report) bool {
	return slices.ContainsFunc(r.Comparisons, func(c report.Comparison) bool { return c.Paired != nil })
}

// historyLegend explains the history column, escaped for markdown or plain.
func historyLegend(r *report.Report, st style) string {
	return fmt.Sprintf("History: the benchmark's medians on the last %d recorded commits of %s (the newest %s), oldest first, then → this change applied to the newest; ± is its run-to-run spread there.\n",
		r.History.Commits, st.esc(r.History.Branch), st.esc(report.ShortSHA(r.History.Newest)))
}

// join assembles the body with the first rows notable rows, the profiles or a pointer to them,
// the details or a pointer to them, and the first warns warnings.
func (p parts) join(rows int, withProfiles, withDetails bool, warns int) string {
	var b strings.Builder
	b.WriteString(p.head)
	if len(p.notable) > 0 {
		b.WriteString(p.header)
		for _, row := range p.notable[:rows] {
			b.WriteString(row)
		}
		if left := len(p.notable) - rows; left > 0 {
			// As many cells as the header has: it has more with a history, fewer with pairs.
			header, _, _ := strings.Cut(p.header, "\n")
			fmt.Fprintf(&b, "| … and %d more, in %s |%s\n", left, p.rest, strings.Repeat(" |", strings.Count(header, "|")-2))
		}
		b.WriteString("\n")
		b.WriteString(p.accepted)
	}
	if withProfiles {
		b.WriteString(p.profiles)
	} else if p.profiles != "" {
		fmt.Fprintf(&b, "Where the regressions went, by function: see %s.\n\n", p.rest)
	}
	if withDetails {
		b.WriteString(p.details)
	} else {
		fmt.Fprintf(&b, "<details><summary>All %d comparisons</summary>\n\nThey are too many for a comment: see %s.\n\n</details>\n", p.total, p.rest)
	}
	b.WriteString(p.footer)
	if len(p.warnings) > 0 {
		b.WriteString("\n**Warnings**\n\n")
		for _, w := range p.warnings[:warns] {
			b.WriteString(w)
		}
		if left := len(p.warnings) - warns; left > 0 {
			fmt.Fprintf(&b, "- … and %d more, in %s\n", left, p.rest)
		}
	}
	return b.String()
}

// fit returns the fullest body within max bytes: the details go first, then warnings beyond ten,
// then the profiles, then notable rows from the least important.
func (p parts) fit(max int) string {
	warns := min(len(p.warnings), 10)
	if body := p.join(len(p.notable), true, false, warns); len(body) <= max {
		return body
	}
	if body := p.join(len(p.notable), false, false, warns); len(body) <= max {
		return body
	}
	// The rows are the point of the comment: find the most that fit.
	lo, hi := 0, len(p.notable)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(p.join(mid, false, false, 0)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return p.join(lo, false, false, 0)
}

func headline(r *report.Report) string {
	icon := "✅"
	if r.Verdict == report.Fail {
		icon = "❌"
	}
	return fmt.Sprintf("### %s %s\n\n", icon, escape(Tally(r, " · ")))
}

// acceptedLines say who accepted which regression, where and why, under the notable table.
func acceptedLines(r *report.Report) string {
	var b strings.Builder
	for _, c := range r.Comparisons {
		if a := c.Accepted; a != nil && c.Verdict == report.Regression {
			fmt.Fprintf(&b, "- 🟡 %s %s: accepted by %s %s", escape(qualified(&c)), escape(c.Unit), escape(a.By), acceptedWhere[a.Source])
			if a.Reason != "" {
				fmt.Fprintf(&b, ": %s", escape(a.Reason))
			}
			b.WriteString("\n")
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "Accepted regressions do not fail the check:\n\n" + b.String() + "\n"
}

var acceptedWhere = map[string]string{report.AcceptDescription: "in the pull request's description", report.AcceptCommit: "in the head commit's message", report.AcceptLabel: "with a label"}

// notableRows are the regressions and improvements, one row per benchmark: the regressed
// benchmarks first, then the improved, each the largest change first, and in a benchmark's row
// its changed units one under another, the regressions first. A derived unit (B/s from
// b.SetBytes) is told beside its source unit's change, not on a line of its own.
func notableRows(r *report.Report) []string {
	notable := func(c *report.Comparison) bool {
		return c.Verdict == report.Regression || c.Verdict == report.Improvement
	}
	type finding struct {
		regressed bool
		size      float64
		rows      []*report.Comparison
		derived   map[string][]*report.Comparison // by source unit
	}
	var fs []finding
	for _, f := range r.Findings() {
		var n finding
		shown := map[string]bool{}
		for _, c := range f.Comparisons {
			if notable(c) && c.DerivedFrom == "" {
				shown[c.Unit] = true
			}
		}
		for _, c := range f.Comparisons {
			if !notable(c) {
				continue
			}
			n.regressed = n.regressed || c.Verdict == report.Regression
			n.size = max(n.size, deltaSize(c))
			if shown[c.DerivedFrom] {
				if n.derived == nil {
					n.derived = map[string][]*report.Comparison{}
				}
				n.derived[c.DerivedFrom] = append(n.derived[c.DerivedFrom], c)
				continue
			}
			n.rows = append(n.rows, c)
		}
		if len(n.rows) > 0 {
			sort.SliceStable(n.rows, func(i, j int) bool {
				if a, b := n.rows[i].Verdict == report.Regression, n.rows[j].Verdict == report.Regression; a != b {
					return a
				}
				return deltaSize(n.rows[i]) > deltaSize(n.rows[j])
			})
			fs = append(fs, n)
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].regressed != fs[j].regressed {
			return fs[i].regressed
		}
		return fs[i].size > fs[j].size
	})
	alpha := r.Settings.Alpha
	withPairs := paired(r)
	var rows []string
	for _, f := range fs {
		// One row per benchmark: each column holds its units' cells one under another.
		var units, bases, heads, changes, stats, thresholds, histories []string
		for _, c := range f.rows {
			cells := Format(c, alpha)
			mark := "🔴"
			switch {
			case c.Verdict == report.Improvement:
				mark = "🟢"
			case c.Accepted != nil:
				mark = "🟡"
			}
			p, n := "", ""
			if c.P != nil && *c.P != 0 {
				p = fmt.Sprintf("%.3f", *c.P)
			}
			if cells.Exact != "" {
				p = "exact"
			}
			_, n, _ = strings.Cut(cells.Stat, "n=")
			stat := p + " | " + n
			if withPairs {
				stat = escape(cells.Paired)
				if cells.Exact != "" {
					stat = escape("exact: " + cells.Exact)
				}
			}
			change := mark + " **" + escape(cells.Delta) + "**"
			for _, d := range f.derived[c.Unit] {
				change += " · " + escape(d.Unit+" "+Format(d, alpha).Delta)
			}
			units = append(units, escape(c.Unit))
			bases = append(bases, escape(withRange(cells.Base, cells.BaseRange)))
			heads = append(heads, escape(withRange(cells.Head, cells.HeadRange)))
			changes = append(changes, change)
			stats = append(stats, stat)
			thresholds = append(thresholds, escape(Threshold(c.ThresholdPercent)))
			histories = append(histories, escape(historyCell(c)))
		}
		if !withPairs {
			// The p and n columns, each its units' cells stacked.
			ps, ns := make([]string, len(stats)), make([]string, len(stats))
			for i, st := range stats {
				ps[i], ns[i], _ = strings.Cut(st, " | ")
			}
			stats = []string{stacked(ps) + " | " + stacked(ns)}
		}
		row := fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |",
			escape(qualified(f.rows[0])), stacked(units), stacked(bases), stacked(heads), stacked(changes), stacked(stats), stacked(thresholds))
		if r.History != nil {
			row += " " + stacked(histories) + " |"
		}
		rows = append(rows, row+"\n")
	}
	return rows
}

// stacked puts a benchmark's cells of one column one under another in its table cell; cells all
// empty make an empty cell.
func stacked(cells []string) string {
	if !slices.ContainsFunc(cells, func(c string) bool { return c != "" }) {
		return ""
	}
	return strings.Join(cells, "<br>")
}

// deltaSize is how large a comparison's change is, for ranking: a change from zero is larger
// than any other.
func deltaSize(c *report.Comparison) float64 {
	if c.DeltaPercent == nil {
		return math.Inf(1)
	}
	return math.Abs(*c.DeltaPercent)
}

// historyCell is a comparison's history: its sparkline and its run-to-run spread.
func historyCell(c *report.Comparison) string {
	cell := Trend(c)
	if s := Spread(c); s != "" {
		cell += " history: " + s
	}
	return cell
}

// details is every comparison, table by table, folded away.
func details(r *report.Report) string {
	var b strings.Builder
	alpha := r.Settings.Alpha
	fmt.Fprintf(&b, "<details><summary>All %d comparisons</summary>\n\n", len(r.Comparisons))
	sources := derivedSources(r)
	for _, g := range collapseZeros(groups(pointers(r.Comparisons), r.Geomeans)) {
		var cfg []string
		for _, k := range configKeys(g.config) {
			cfg = append(cfg, escape(k+": "+g.config[k]))
		}
		if len(cfg) > 0 {
			fmt.Fprintf(&b, "%s\n\n", strings.Join(cfg, " · "))
		}
		if g.zeroUnits != nil {
			fmt.Fprintf(&b, "%s\n\n", escape(g.zeroLine()))
			continue
		}
		withHistory := slices.ContainsFunc(g.cmps, func(c *report.Comparison) bool { return c.History != nil })
		header, more := "| %s | Base | Head | vs base | Verdict |\n| :-- | --: | --: | :-- | :-- |\n", ""
		if withHistory {
			header, more = "| %s | Base | Head | vs base | Verdict | History |\n| :-- | --: | --: | :-- | :-- | :-- |\n", " |"
		}
		fmt.Fprintf(&b, header, escape(g.unit))
		for _, c := range g.cmps {
			cells := Format(c, alpha)
			change := cells.Delta
			if cells.Stat != "" {
				change += " (" + cells.Stat + ")"
			}
			if cells.Paired != "" {
				change += "; paired " + cells.Paired
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |", escape(c.Benchmark),
				escape(withRange(cells.Base, cells.BaseRange)), escape(withRange(cells.Head, cells.HeadRange)),
				escape(change), escape(verdictText(c, sources[c])))
			if withHistory {
				fmt.Fprintf(&b, " %s |", escape(historyCell(c)))
			}
			b.WriteString("\n")
		}
		if gm := g.geomean; gm != nil {
			base, head, delta := GeomeanCells(gm)
			fmt.Fprintf(&b, "| geomean | %s | %s | %s | |%s\n", escape(base), escape(head), escape(delta), more)
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n")
	return b.String()
}

// footer is how the run measured (for gate run), and the settings.
func footer(r *report.Report, st style) string {
	var b strings.Builder
	b.WriteString("\n")
	if run := r.Run; run != nil {
		for _, f := range run.Failures {
			fmt.Fprintf(&b, "**Failed:** %s on %s in round %d: %s\n\n", escape(f.Package), f.Side, f.Round, escape(f.Message))
		}
		for _, l := range st.runLines(run) {
			fmt.Fprintf(&b, "%s<br>\n", l)
		}
		if l := detectable(r); l != "" {
			fmt.Fprintf(&b, "%s<br>\n", escape(l))
		}
	}
	fmt.Fprintf(&b, "%s\n", escape(settings(r)))
	if r.History != nil {
		b.WriteString("\n" + historyLegend(r, st))
	}
	if run := r.Run; run != nil && len(run.Processes) > 0 {
		b.WriteString("\n<details><summary>Benchmark processes</summary>\n\n| Package | Side | Runs | Wall | CPU | Peak RSS |\n| :-- | :-- | --: | --: | --: | --: |\n")
		for _, row := range processRows(run) {
			for i := range row {
				row[i] = escape(row[i])
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

func warningLines(r *report.Report) []string {
	out := make([]string, len(r.Warnings))
	for i, w := range r.Warnings {
		out[i] = "- " + escape(w) + "\n"
	}
	return out
}

// qualified is the benchmark name with its package's name, which tells apart benchmarks of the
// same name in different packages.
func qualified(c *report.Comparison) string {
	pkg := c.Config["pkg"]
	if pkg == "" {
		return c.Benchmark
	}
	return report.PackageName(pkg) + "." + c.Benchmark
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

// cut shortens a body to at most max bytes at a line's end, closes the <details> it leaves open,
// and says where the rest is.
func cut(body string, max int, rest string) string {
	note := fmt.Sprintf("\n… the rest is cut to fit: see %s.\n", rest)
	room := max - len(note) - len("</details>\n")*strings.Count(body, "<details>")
	if room <= 0 {
		return note[1:]
	}
	body = body[:room]
	if i := strings.LastIndexByte(body, '\n'); i >= 0 {
		body = body[:i+1]
	}
	for range strings.Count(body, "<details>") - strings.Count(body, "</details>") {
		body += "</details>\n"
	}
	return body + note
}

// escape makes an untrusted string inert in GitHub markdown: HTML is shown as text, markdown
// punctuation is escaped, line breaks cannot end a table row, @mentions ping nobody, and bare
// addresses do not become links.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
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
		case ':':
			b.WriteRune(r)
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteString("\u200b") // "http:/​/" is not autolinked
			}
		case '.':
			if strings.HasSuffix(strings.ToLower(s[:i]), "www") {
				b.WriteString("\u200b") // "www​.example.com" is not autolinked
			}
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteRune('\uFFFD')
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// escapeURLPart keeps only the characters a commit SHA has, so that a link cannot be bent.
func escapeURLPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' {
			return r
		}
		return -1
	}, s)
}
