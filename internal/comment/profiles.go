package comment

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
)

// What each kind of profile diff measures, as a sentence says it.
var profileWhat = map[string]string{
	report.ProfileCPU:          "CPU time",
	report.ProfileAllocSpace:   "allocated bytes",
	report.ProfileAllocObjects: "allocated objects",
	report.ProfileInstructions: "instructions",
	report.ProfileInuseSpace:   "retained bytes",
}

// profileAmount formats a change per operation in a profile kind's unit, with its sign.
func profileAmount(kind string, v float64) string {
	sign := "+"
	if v < 0 {
		sign, v = "−", -v
	}
	switch kind {
	case report.ProfileCPU:
		return sign + benchunit.Scale(v/1e9, benchunit.Decimal) + "s"
	case report.ProfileAllocSpace, report.ProfileInuseSpace:
		return sign + benchunit.Scale(v, benchunit.Binary) + "B"
	}
	return sign + benchunit.Scale(v, benchunit.Decimal)
}

func share(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// profileSummary is one line on a profile diff: the function, what changed by how much per
// operation, and where most of it went; esc makes the names safe for where it is written.
func profileSummary(p report.ProfileDiff, esc func(string) string) string {
	name := p.Function
	if p.Benchmark != "" {
		name = p.Benchmark
	}
	line := fmt.Sprintf("%s: %s %s/op", esc(report.PackageName(p.Package)+"."+name), profileWhat[p.Kind], profileAmount(p.Kind, p.Change))
	var where []string
	for _, fn := range p.Functions[:min(3, len(p.Functions))] {
		if fn.Flat > 0 {
			where = append(where, fmt.Sprintf("%s in %s", share(fn.FlatShare), esc(fn.Name)))
		}
	}
	if len(where) > 0 {
		line += ": " + strings.Join(where, ", ")
	}
	return line
}

// profilesMarkdown is the section that explains the regressions: for each profile diff, folded
// away, the functions that added the most, then how to open the profiles.
func profilesMarkdown(r *report.Report) string {
	if len(r.Profiles) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("**Where the regressions went** (one more run of each side with a profile, after the rounds)\n\n")
	for _, p := range r.Profiles {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", profileSummary(p, escape))
		b.WriteString("| Function | Flat | Share | Cumulative | Share |\n| :-- | --: | --: | --: | --: |\n")
		for _, fn := range p.Functions {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", escape(fn.Name), profileAmount(p.Kind, fn.Flat), share(fn.FlatShare), profileAmount(p.Kind, fn.Cum), share(fn.CumShare))
		}
		open := "go tool pprof -diff_base"
		switch p.Kind {
		case report.ProfileInstructions:
			open = "cg_diff" // cachegrind's outputs of the long runs
		case report.ProfileInuseSpace:
			open = "go tool pprof -sample_index=inuse_space -diff_base" // the heaps after twice the operations
		}
		fmt.Fprintf(&b, "\nPer operation, over %d operations a side; base %s, head %s. In the results directory: `%s profiles/%s profiles/%s`\n\n</details>\n",
			p.Ops, strings.TrimPrefix(profileAmount(p.Kind, p.Base), "+"), strings.TrimPrefix(profileAmount(p.Kind, p.Head), "+"), open, fileName(p.BaseFile), fileName(p.HeadFile))
	}
	return b.String() + "\n"
}

// fileName keeps a profile's file name to the characters benchgate writes in one, so that it
// cannot end the code span it is shown in.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

// profilesText is the terminal's lines on the profile diffs.
func profilesText(r *report.Report) string {
	if len(r.Profiles) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Where the regressions went (flat share of the change per operation):\n")
	for _, p := range r.Profiles {
		fmt.Fprintf(&b, "  %s\n", profileSummary(p, printable))
	}
	return b.String()
}
