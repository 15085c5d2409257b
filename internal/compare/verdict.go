package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// Extra is what verdicts depend on besides the results and the config.
type Extra struct {
	// Run is how gate run measured the results: its failures, its looks. Nil for results
	// read from files.
	Run *report.Run
	// History, when set, puts each comparison beside its recorded default-branch history.
	History *History
	// Warnings come before the results' own in the report: the run's and the history's.
	Warnings []string
}

// History is a recorded default-branch history to put the comparisons beside.
type History struct {
	Source report.HistorySource
	// Of returns a comparison's history, or nil where there is none.
	Of func(*report.Comparison) *report.History
}

// pairDiff is one pair's log(head/base).
type pairDiff struct {
	pair int
	d    float64
}

// look is one moment at which the verdicts were looked at: after round, at level alpha.
type look struct {
	round int
	alpha float64
}

// looks returns the looks of a run, with the alpha each one spends. Results without a run's
// looks are looked at once, at full alpha, after all their pairs.
//
// Peeking at a test after more samples and stopping when it is significant inflates its false
// alarms, so alpha is spent over the looks the run planned (report.PlannedLooks): half at the
// first, the rest evenly over the others. A false alarm at any look then has probability at most
// the sum, alpha, whenever the run stops (by the union bound); a run cut short by its budget
// leaves the alpha of the looks it did not take unspent.
func looks(run *report.Run, alpha float64) []look {
	if run == nil || len(run.Looks) == 0 {
		return []look{{round: math.MaxInt, alpha: alpha}}
	}
	planned := len(report.PlannedLooks(run.Count, run.MaxCount))
	out := make([]look, len(run.Looks))
	for i, r := range run.Looks {
		out[i] = look{round: r, alpha: alpha}
		if planned > 1 {
			out[i].alpha = alpha / 2
			if i > 0 {
				out[i].alpha = alpha / 2 / float64(planned-1)
			}
		}
	}
	return out
}

// state is what a look makes of one comparison.
type state struct {
	test      trimmedT
	n         int // pairs
	p         float64
	look      int // index into looks
	hasPaired bool
}

// settle gives every comparison its verdict, in one pass over everything verdicts depend on: the
// statistics, the thresholds (the config's, raised by the history's spread), the looks and the
// failures of the run. It returns the benchmark functions that are still undecided at the last
// look, the ones more pairs would help.
//
// With Benjamini–Hochberg, each look's family is every test of the report that can vary (exact
// units are not tests, their p-value is 0 by construction, and neither are comparisons where
// every value on both sides is the same): the adjusted p-value of the test ranked i (ascending)
// among m is min over j ≥ i of p_j·m/j, and a test is significant when it is at most the look's
// alpha. That keeps the expected share of false alarms among the flagged comparisons at alpha,
// however many benchmarks there are.
func settle(cmps []report.Comparison, diffs [][]pairDiff, funcs []report.Func, cfg *config.Config, x Extra) []report.Func {
	ls := looks(x.Run, cfg.Alpha)
	final := x.Run == nil || len(x.Run.Looks) == 0 || x.Run.Looks[len(x.Run.Looks)-1] >= x.Run.MaxCount
	for i := range cmps {
		thresholdFor(&cmps[i], x.History, cfg)
	}

	// The look each comparison is judged at: the first at or after its last pair.
	states := make([]state, len(cmps))
	for i := range cmps {
		if d := diffs[i]; d != nil && !allEqual(&cmps[i]) {
			last := d[len(d)-1].pair
			k := sort.Search(len(ls), func(k int) bool { return ls[k].round >= last })
			states[i] = state{look: min(k, len(ls)-1), hasPaired: true}
		}
	}
	for k, l := range ls {
		var family []*state
		for i := range cmps {
			c, s := &cmps[i], &states[i]
			if c.P == nil || c.Assumption != report.AssumeNothing || allEqual(c) {
				continue
			}
			if !s.hasPaired {
				s.p = *c.P
				family = append(family, s)
				continue
			}
			if s.look < k {
				family = append(family, s) // judged at an earlier look: its p-value stands
				continue
			}
			d := upTo(diffs[i], l.round)
			if len(d) == 0 {
				continue
			}
			s.test = trimmedTest(d, cfg.Confidence)
			s.n, s.p = len(d), s.test.p
			family = append(family, s)
		}
		adjusted := adjust(family, cfg.FalseAlarmControl)
		for i := range cmps {
			if s := &states[i]; s.look == k || !s.hasPaired {
				if q, ok := adjusted[s]; ok {
					p := q
					cmps[i].PAdjusted = &p
				}
			}
		}
		for i := range cmps {
			if states[i].hasPaired && states[i].look == k {
				cmps[i].Paired = pairedSummary(&states[i], k, l.alpha, cfg.Confidence)
			}
		}
	}

	var undecided []report.Func
	seen := map[report.Func]bool{}
	for i := range cmps {
		c := &cmps[i]
		if c.PAdjusted == nil && c.P != nil {
			p := *c.P
			c.PAdjusted = &p
		}
		alpha := cfg.Alpha
		if c.Paired != nil {
			alpha = c.Paired.Alpha
		}
		decided := judge(c, cfg, alpha)
		if c.Paired != nil && !decided && !final && states[i].look == len(ls)-1 && !seen[funcs[i]] && withinReach(&states[i], c.ThresholdPercent, x.Run) {
			seen[funcs[i]] = true
			undecided = append(undecided, funcs[i])
		}
	}
	if x.Run != nil {
		applyRun(cmps, x.Run)
	}
	return undecided
}

// withinReach tells whether the pairs an undecided comparison can still get, up to the run's
// maximum, could decide it: whether its interval, narrowed as the square root of the pairs, would
// be narrower than its threshold, or than its distance past the threshold. A benchmark whose
// noise lets no affordable number of pairs tell a change of the threshold's size is left at its
// verdict (its reason says what it could have caught), and the budget goes to the ones that can
// still be told.
func withinReach(s *state, thresholdPercent float64, run *report.Run) bool {
	if !s.test.complete {
		return true
	}
	last := run.Looks[len(run.Looks)-1]
	most := s.n + max(run.MaxCount-last, 0)
	half := (s.test.hi - s.test.lo) / 2 * math.Sqrt(float64(s.n)/float64(most))
	thr := math.Log1p(thresholdPercent / 100)
	return half < max(thr, math.Abs(s.test.center)-thr)
}

// upTo returns the pairs of rounds up to round.
func upTo(d []pairDiff, round int) []float64 {
	out := make([]float64, 0, len(d))
	for _, p := range d {
		if p.pair > round {
			break
		}
		out = append(out, p.d)
	}
	return out
}

// adjust returns each test's p-value after the false-alarm control.
func adjust(family []*state, control report.FalseAlarmControl) map[*state]float64 {
	out := make(map[*state]float64, len(family))
	for _, s := range family {
		out[s] = s.p
	}
	if control != report.BenjaminiHochberg || len(family) < 2 {
		return out
	}
	sorted := slices.Clone(family)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].p < sorted[j].p })
	m := float64(len(sorted))
	running := 1.0
	for i := len(sorted) - 1; i >= 0; i-- {
		running = math.Min(running, sorted[i].p*m/float64(i+1))
		out[sorted[i]] = running
	}
	return out
}

// z80 is how many standard errors a change must be for a test at α = 0.05 (two-sided, 1.96) to
// catch it four times in five (another 0.84), in the normal approximation.
const z80 = 1.96 + 0.84

// pairedSummary turns a look's test into the report's paired comparison.
func pairedSummary(s *state, look int, alpha float64, confidence float64) *report.Paired {
	pct := func(x float64) float64 { return 100 * math.Expm1(x) }
	p := &report.Paired{Test: report.PairedTest, N: s.n, DeltaPercent: pct(s.test.center), P: s.test.p, Look: look + 1, Alpha: alpha}
	if s.test.complete {
		lo, hi := pct(s.test.lo), pct(s.test.hi)
		p.LowPercent, p.HighPercent, p.Confidence = &lo, &hi, confidence
		d := pct(z80 * s.test.se)
		p.DetectablePercent = &d
	}
	return p
}

// thresholdFor sets a comparison's threshold from the config, and its history.
func thresholdFor(c *report.Comparison, h *History, cfg *config.Config) {
	c.ThresholdPercent = cfg.ThresholdFor(c.Config["pkg"], c.Benchmark, c.Unit)
	if h != nil {
		c.History = h.Of(c)
	}
}

// raiseForNoise raises a significant change's threshold, with the settings' noise multiple k
// above 0, to k × the run-to-run spread of its history (to a tenth of a percent) where that is
// larger, because the default branch moves that much from run to run with no change at all. A
// comparison whose history is too short to tell a spread is left to its threshold.
func raiseForNoise(c *report.Comparison, k float64) {
	if c.History == nil || k <= 0 || c.History.SpreadPercent == nil {
		return
	}
	spread := *c.History.SpreadPercent
	noise := math.Round(10*k*spread) / 10 // to a tenth of a percent, as people read it
	if noise <= c.ThresholdPercent {
		return
	}
	c.Reason = fmt.Sprintf("threshold %v%%, not %v%%: %v × the run-to-run spread of this benchmark's history (±%.1f%%), since the default branch moves that much with no change", noise, c.ThresholdPercent, k, spread)
	c.ThresholdPercent = noise
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

// minPairs is the fewest pairs the trimmed t-test is run on: with fewer than 5, trimming leaves
// too few values to estimate a spread from.
const minPairs = 5

// judge gives a comparison its verdict at the significance level alpha, and tells whether more
// pairs could not change its kind: a change is decided when its interval lies on one side of
// its threshold, no change when its interval lies within the threshold both ways. A regression
// must be statistically significant after the false-alarm control, in the unit's worse
// direction, and larger than its threshold.
func judge(c *report.Comparison, cfg *config.Config, alpha float64) (decided bool) {
	switch {
	case c.Base == nil:
		c.Verdict = report.New
		return true
	case c.Head == nil:
		c.Verdict = report.Removed
		return true
	case keepsFromNothing(c.Base, c.Head, c.Unit):
		// A leak where there was none is a regression whatever the threshold, and whatever
		// the false-alarm control makes of five samples a side: a benchmark either keeps
		// nothing (retained-B/op reads 0 below its floor) or it keeps something in every run.
		c.Verdict = report.Regression
		c.Reason = fmt.Sprintf("keeps %s B/op after it ends, where base keeps nothing", count(c.Head.Center))
		return true
	case keepsFromNothing(c.Head, c.Base, c.Unit):
		c.Verdict = report.Improvement
		c.Reason = fmt.Sprintf("keeps nothing after it ends, where base keeps %s B/op", count(c.Base.Center))
		return true
	}
	if c.Assumption == report.AssumeNothing {
		if pr := c.Paired; pr != nil && pr.N < minPairs {
			c.Verdict = report.Inconclusive
			c.Reason = fmt.Sprintf("%d pairs cannot show a difference; need at least %d", pr.N, minPairs)
			return false
		}
		if n1, n2 := c.Base.N(), c.Head.N(); c.Paired == nil && minP(n1, n2) > alpha {
			c.Verdict = report.Inconclusive
			c.Reason = fmt.Sprintf("%d+%d samples cannot show a difference at α=%v; need at least %d on each side", n1, n2, alpha, minSamples(alpha))
			// The reason says what benchstat's warning says.
			c.Warnings = slices.DeleteFunc(c.Warnings, func(w string) bool {
				return strings.HasPrefix(w, "need >= ") && strings.Contains(w, "to detect a difference")
			})
			return false
		}
	}
	delta, lo, hi := c.DeltaPercent, (*float64)(nil), (*float64)(nil)
	significant := c.Base.Center != c.Head.Center && *c.PAdjusted <= alpha
	if pr := c.Paired; pr != nil {
		delta, lo, hi = &pr.DeltaPercent, pr.LowPercent, pr.HighPercent
		significant = *c.PAdjusted <= alpha && pr.DeltaPercent != 0
	}
	if significant && c.Instrument == report.MeasureInstructions && c.P != nil && *c.P > alpha {
		// Counts are near-deterministic, and the paired test's interval shrinks with a spread
		// that is mostly the runtime's background: a change the samples' own spread contains is
		// no change, however small that test's p-value. Mann–Whitney asks exactly whether the
		// two sides' ranks separate them; unlike the ranges' overlap, it does not grow stricter
		// as extra rounds add extremes.
		significant = false
		c.Reason = fmt.Sprintf("within the measured spread (p=%.3f by ranks): base %s to %s, head %s to %s", *c.P, count(c.Base.Values[0]), count(c.Base.Values[c.Base.N()-1]), count(c.Head.Values[0]), count(c.Head.Values[c.Head.N()-1]))
	}
	if significant {
		raiseForNoise(c, cfg.NoiseMultiple)
	}
	thr := c.ThresholdPercent
	within := lo != nil && hi != nil && *lo >= -thr && *hi <= thr
	if !significant {
		c.Verdict = report.Unchanged
		if pr := c.Paired; pr != nil && pr.DetectablePercent != nil && *pr.DetectablePercent > thr && c.Reason == "" {
			c.Reason = fmt.Sprintf("not significant, but %d pairs could only catch changes above %.1f%%, more than the %s threshold", pr.N, *pr.DetectablePercent, trimPercent(thr))
		}
		return c.Paired == nil || within
	}
	// A change from zero is larger than any threshold.
	size := math.Inf(1)
	if delta != nil {
		size = math.Abs(*delta)
	}
	if size <= thr {
		c.Verdict = report.WithinThreshold
		return c.Paired == nil || within
	}
	worse := c.Head.Center > c.Base.Center
	if c.Paired != nil {
		worse = *delta > 0
	}
	switch c.Better {
	case report.Higher:
		worse = !worse
	case report.NoDirection:
		c.Verdict = report.Inconclusive
		c.Reason = fmt.Sprintf("unit %s has no known direction, so this change cannot be called better or worse", c.Unit)
		return true
	}
	if worse {
		c.Verdict = report.Regression
	} else {
		c.Verdict = report.Improvement
	}
	past := lo != nil && hi != nil && (*lo > thr || *hi < -thr)
	return c.Paired == nil || past
}

// keepsFromNothing tells whether, in retained-B/op, before keeps nothing in any sample and
// after keeps something in every one.
func keepsFromNothing(before, after *report.Summary, unit string) bool {
	return unit == report.RetainedUnit && before.N() > 0 && after.N() > 0 &&
		!slices.ContainsFunc(before.Values, func(v float64) bool { return v != 0 }) &&
		!slices.ContainsFunc(after.Values, func(v float64) bool { return v <= 0 })
}

// count formats a count per operation for a reason: whole, or with two decimals below 100.
func count(v float64) string {
	if math.Abs(v) < 100 {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// trimPercent formats a threshold without needless decimals: "5%", "0.5%".
func trimPercent(pct float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", pct), "0"), ".") + "%"
}
