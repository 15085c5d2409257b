package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// adjust sets PAdjusted on every comparison that has a p-value.
//
// With Benjamini–Hochberg, the family is every Mann–Whitney test in the run: the adjusted
// p-value of the test ranked i (ascending) among m is min over j ≥ i of p_j·m/j. Declaring
// significant the tests whose adjusted p-value is at most alpha keeps the expected share of
// false alarms among the flagged comparisons at alpha, however many benchmarks there are.
// Exact units are not tests (their p-value is 0 by construction) and stay out of the family, and
// so do comparisons where every value on both sides is the same: no test can be run there.
func adjust(cmps []report.Comparison, cfg *config.Config) {
	var family []*report.Comparison
	for i := range cmps {
		c := &cmps[i]
		if c.P == nil {
			continue
		}
		p := *c.P
		c.PAdjusted = &p
		if c.Assumption == "nothing" && !allEqual(c) {
			family = append(family, c)
		}
	}
	if cfg.FalseAlarmControl != config.BenjaminiHochberg || len(family) < 2 {
		return
	}
	sort.SliceStable(family, func(i, j int) bool { return *family[i].P < *family[j].P })
	m := float64(len(family))
	running := 1.0
	for i := len(family) - 1; i >= 0; i-- {
		q := math.Min(running, *family[i].P*m/float64(i+1))
		running = q
		*family[i].PAdjusted = q
	}
}

// allEqual reports whether both sides of c hold one and the same value throughout.
func allEqual(c *report.Comparison) bool {
	b, h := c.Base.Values, c.Head.Values
	return b[0] == b[len(b)-1] && h[0] == h[len(h)-1] && b[0] == h[0]
}

// minP is the smallest two-sided p-value a Mann–Whitney U test can give for samples of n1 and n2
// values (complete separation, no ties): 2 / C(n1+n2, n1).
func minP(n1, n2 int) float64 {
	logC, _ := math.Lgamma(float64(n1 + n2 + 1))
	l1, _ := math.Lgamma(float64(n1 + 1))
	l2, _ := math.Lgamma(float64(n2 + 1))
	return math.Min(1, 2/math.Exp(logC-l1-l2))
}

// minSamples is the sample size per side a Mann–Whitney test needs to be able to reach alpha.
func minSamples(alpha float64) int {
	n := 1
	for minP(n, n) > alpha && n < 1000 {
		n++
	}
	return n
}

// judge gives a comparison its verdict. A regression must be statistically significant after the
// false-alarm control, in the unit's worse direction, and larger than its threshold.
func judge(c *report.Comparison, cfg *config.Config) {
	switch {
	case c.Base == nil:
		c.Verdict = report.New
		return
	case c.Head == nil:
		c.Verdict = report.Removed
		return
	}
	n1, n2 := c.Base.N(), c.Head.N()
	if c.Assumption == "nothing" && minP(n1, n2) > cfg.Alpha {
		c.Verdict = report.Inconclusive
		c.Reason = fmt.Sprintf("%d+%d samples cannot show a difference at α=%v; need at least %d on each side", n1, n2, cfg.Alpha, minSamples(cfg.Alpha))
		// The reason says what benchstat's warning says.
		c.Warnings = slices.DeleteFunc(c.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "need >= ") && strings.Contains(w, "to detect a difference")
		})
		return
	}
	old, new := c.Base.Center, c.Head.Center
	significant := old != new && *c.PAdjusted <= cfg.Alpha
	if !significant {
		c.Verdict = report.Unchanged
		return
	}
	// A change from zero is larger than any threshold.
	size := math.Inf(1)
	if c.DeltaPercent != nil {
		size = math.Abs(*c.DeltaPercent)
	}
	if size <= c.ThresholdPercent {
		c.Verdict = report.WithinThreshold
		return
	}
	worse := new > old
	switch c.Better {
	case "higher":
		worse = !worse
	case "unknown":
		c.Verdict = report.Inconclusive
		c.Reason = fmt.Sprintf("unit %s has no known direction, so this change cannot be called better or worse", c.Unit)
		return
	}
	if worse {
		c.Verdict = report.Regression
	} else {
		c.Verdict = report.Improvement
	}
}
