package compare

import (
	"math"
	"slices"

	"github.com/aclements/go-moremath/stats"
)

// trimmedT is Yuen's trimmed t-test of a set of paired differences against zero: the 10%
// trimmed mean, its standard error from the winsorized variance, and Student's t with h−1
// degrees of freedom, h the values left after trimming.
//
// It is the paired test because the noise of a benchmark on a shared machine comes in stretches
// of seconds and in whole processes: the difference of two runs back to back cancels the
// stretch, and trimming a tenth from each end keeps one slow process from dominating as it
// dominates a plain mean. Unlike a rank test its p-value is not bounded below by the number of
// pairs (the signed-rank test's smallest p-value at 10 pairs, 0.002, cannot pass
// Benjamini–Hochberg over a hundred tests, which the detection experiment showed: it caught
// none of the 20% slowdowns at its first look).
type trimmedT struct {
	n        int     // differences
	center   float64 // the trimmed mean
	lo, hi   float64 // its confidence interval; ±Inf when there are too few differences
	se       float64
	p        float64 // two-sided
	complete bool    // the interval is bounded
}

// trim is the share of the differences cut from each end: a tenth, one of 10 pairs at each end.
// A fifth leaves so few values at 10 pairs that the test calls more than its α (5.8% where 5%
// was spent, in TestLooksKeepFalseAlarms); a tenth keeps to it (4.4%).
const trim = 0.1

func trimmedTest(d []float64, confidence float64) trimmedT {
	r := trimmedT{n: len(d), lo: math.Inf(-1), hi: math.Inf(1), p: 1}
	if len(d) == 0 {
		return r
	}
	s := slices.Clone(d)
	slices.Sort(s)
	n := len(s)
	g := int(math.Floor(trim * float64(n)))
	h := n - 2*g
	kept := s[g : n-g]
	for _, x := range kept {
		r.center += x
	}
	r.center /= float64(h)
	if h < 2 {
		return r
	}
	// The winsorized sample: the g smallest set to the next, the g largest to the one before.
	var mean, ss float64
	w := make([]float64, n)
	for i := range s {
		w[i] = min(max(s[i], s[g]), s[n-g-1])
		mean += w[i]
	}
	mean /= float64(n)
	for _, x := range w {
		ss += (x - mean) * (x - mean)
	}
	r.se = math.Sqrt(ss / float64(h*(h-1))) // Tukey and McLaughlin's standard error
	dist := stats.TDist{V: float64(h - 1)}
	q := stats.InvCDF(dist)(1 - (1-confidence)/2)
	r.lo, r.hi, r.complete = r.center-q*r.se, r.center+q*r.se, true
	switch {
	case r.se > 0:
		r.p = 2 * dist.CDF(-math.Abs(r.center)/r.se)
	case r.center != 0:
		r.p = 0 // every pair moved alike
	}
	return r
}
