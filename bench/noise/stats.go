package main

import (
	"math"
	"slices"
)

// logs returns the natural logarithms of xs, on which every spread here is computed: a
// difference of logs is a relative difference, and 100 × an sd of logs is an sd in percent.
func logs(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Log(x)
	}
	return out
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// variance is the sample variance (divided by n−1); 0 for fewer than two values.
func variance(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}

func sd(xs []float64) float64 { return math.Sqrt(variance(xs)) }

// sdPct is the sd of log(xs) in percent.
func sdPct(xs []float64) float64 { return 100 * sd(logs(xs)) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// lagDiffs returns xs[i+lag] − xs[i] for every i that has a partner.
func lagDiffs(xs []float64, lag int) []float64 {
	var out []float64
	for i := 0; i+lag < len(xs); i++ {
		out = append(out, xs[i+lag]-xs[i])
	}
	return out
}

// pairDiffsPct returns 100 × (log y − log x) of every pair (x, y).
func pairDiffsPct(pairs [][2]float64) []float64 {
	out := make([]float64, len(pairs))
	for i, p := range pairs {
		out[i] = 100 * (math.Log(p[1]) - math.Log(p[0]))
	}
	return out
}

// components splits the variance of values grouped by process (a one-way ANOVA with equal group
// sizes) into the within-process variance, the pooled variance inside the groups, and the
// per-process variance, that of the group means less the part the within-process variance
// explains (within/k for k values per group), floored at 0.
func components(groups [][]float64) (within, perProcess float64) {
	means := make([]float64, len(groups))
	for i, g := range groups {
		within += variance(g) / float64(len(groups))
		means[i] = mean(g)
	}
	perProcess = max(variance(means)-within/float64(len(groups[0])), 0)
	return within, perProcess
}

// meanSD is the sd of the mean of reps values from each of procs processes, given the two
// variance components.
func meanSD(within, perProcess float64, procs, reps int) float64 {
	return math.Sqrt(perProcess/float64(procs) + within/float64(procs*reps))
}
