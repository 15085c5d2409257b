package comment

import (
	"fmt"
	"math"
	"slices"
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

// profileAmount formats a change per operation in p's unit, with its sign: the '-' benchstat
// writes, and none on a zero, which is also what float rounding leaves of two equal sides (a
// billionth of the profile's larger total).
func profileAmount(p report.ProfileDiff, v float64) string {
	zero := math.Abs(v) <= 1e-9*max(math.Abs(p.Base), math.Abs(p.Head))
	unit, class := "", benchunit.Decimal
	switch p.Kind {
	case report.ProfileCPU:
		unit, v = "s", v/1e9
	case report.ProfileAllocSpace, report.ProfileInuseSpace:
		unit, class = "B", benchunit.Binary
	}
	if zero {
		return "0" + unit
	}
	sign := "+"
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + benchunit.Scale(v, class) + unit
}

// share formats a fraction as a whole percentage; one that rounds to zero is "0%", not "-0%".
func share(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "–"
	}
	pct := fmt.Sprintf("%.0f", 100*f)
	if pct == "-0" {
		pct = "0"
	}
	return pct + "%"
}

// samplingErrors is how many standard errors of its profiles' sampling a function's flat change
// must exceed to be told from no change. A CPU profile catches a function a roughly Poisson
// number of times, so from one profile a side most small rows are noise; at 2, a function that
// did not change still passes about one time in twenty.
const samplingErrors = 2

// withinSamplingError tells whether fn's flat change is too small for its profiles' sampling to
// tell from none. The kinds that record every event (allocations, which benchgate profiles at
// MemProfileRate 1, and instruction counts) have no sampling error, and neither do the functions
// of reports from before it was recorded: none of them is ever within it.
func withinSamplingError(fn report.ProfileFunction) bool {
	return fn.FlatError > 0 && math.Abs(fn.Flat) < samplingErrors*fn.FlatError
}

// sampled tells whether p's functions carry their sampling errors: a CPU profile's do.
func sampled(p report.ProfileDiff) bool {
	return slices.ContainsFunc(p.Functions, func(fn report.ProfileFunction) bool { return fn.FlatError > 0 })
}

// profileSummary is one line on a profile diff: the function, what changed by how much per
// operation, and where most of it went, naming only functions past their sampling error; esc
// makes the names safe for where it is written.
func profileSummary(p report.ProfileDiff, esc func(string) string) string {
	name := p.Function
	if p.Benchmark != "" {
		name = p.Benchmark
	}
	line := fmt.Sprintf("%s: %s %s/op", esc(report.PackageName(p.Package)+"."+name), profileWhat[p.Kind], profileAmount(p, p.Change))
	var where []string
	for _, fn := range p.Functions {
		if fn.Flat > 0 && !withinSamplingError(fn) && len(where) < 3 {
			where = append(where, fmt.Sprintf("%s in %s", share(fn.FlatShare), esc(fn.Name)))
		}
	}
	switch {
	case len(where) > 0:
		line += ": " + strings.Join(where, ", ")
	case sampled(p):
		line += ": no function's own change is past the profiles' sampling error"
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
		withSamples := sampled(p)
		if withSamples {
			b.WriteString("| Function | Flat | Share | Cumulative | Share | Samples |\n| :-- | --: | --: | --: | --: | --: |\n")
		} else {
			b.WriteString("| Function | Flat | Share | Cumulative | Share |\n| :-- | --: | --: | --: | --: |\n")
		}
		within := 0
		for _, fn := range p.Functions {
			flatShare := share(fn.FlatShare)
			if withinSamplingError(fn) {
				flatShare = "~"
				within++
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |", escape(fn.Name), profileAmount(p, fn.Flat), flatShare, profileAmount(p, fn.Cum), share(fn.CumShare))
			if withSamples {
				fmt.Fprintf(&b, " %d → %d |", fn.BaseSamples, fn.HeadSamples)
			}
			b.WriteString("\n")
		}
		if withSamples {
			b.WriteString("\nSamples: the profile's samples in the function itself, base → head.")
			if within > 0 {
				fmt.Fprintf(&b, " ~: within the sampling error, a flat change under %d standard errors (√(base + head) samples), which one profile a side cannot tell from no change.", samplingErrors)
			}
			b.WriteString("\n")
		}
		open := "go tool pprof -diff_base"
		switch p.Kind {
		case report.ProfileInstructions:
			open = "cg_diff" // cachegrind's outputs of the long runs
		case report.ProfileInuseSpace:
			open = "go tool pprof -sample_index=inuse_space -diff_base" // the heaps after twice the operations
		}
		fmt.Fprintf(&b, "\nPer operation, over %d operations a side; base %s, head %s. In the results directory: `%s profiles/%s profiles/%s`\n\n</details>\n",
			p.Ops, strings.TrimPrefix(profileAmount(p, p.Base), "+"), strings.TrimPrefix(profileAmount(p, p.Head), "+"), open, fileName(p.BaseFile), fileName(p.HeadFile))
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
