// Package trend finds where a benchmark's history changed level: the commits at which a series
// of measurements, in commit order, steps up or down for good.
//
// It uses E-Divisive means (Matteson and James, "A Nonparametric Approach for Multiple Change
// Point Analysis of Multivariate Data", 2014), the method MongoDB's performance CI and Apache
// Otava (formerly Hunter) use for benchmark histories: the split of a segment that maximizes the
// energy distance between its two sides is a candidate, a permutation test decides whether it is
// significant, and each side is searched again. It assumes no distribution, so noisy and skewed
// benchmark data, and outliers, do not fool it the way a mean-and-standard-deviation test is
// fooled.
package trend

import (
	"math"
	"math/rand/v2"
	"slices"
)

// ChangePoint is a step in a series.
type ChangePoint struct {
	// Index is the first point of the new level.
	Index int
	// Before and After are the medians of the points between the neighbouring change points (or
	// the series' ends) on either side.
	Before, After float64
	// P is the permutation test's p-value of the split.
	P float64
}

// Change is the step's size as a fraction: After/Before − 1.
func (c ChangePoint) Change() float64 { return c.After/c.Before - 1 }

// Options tune the search.
type Options struct {
	// Alpha is the p-value a split must not exceed (default 0.01: a history is tested many
	// times, so a false step must be rare).
	Alpha float64
	// Permutations per test (default 199, so that p can reach 0.005).
	Permutations int
	// MinSegment is the fewest points a level may have (default 5).
	MinSegment int
	// Seed makes the permutations, and so the result, reproducible.
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Alpha == 0 {
		o.Alpha = 0.01
	}
	if o.Permutations == 0 {
		o.Permutations = 199
	}
	if o.MinSegment == 0 {
		o.MinSegment = 5
	}
	return o
}

// ChangePoints returns the significant change points of xs, in order.
func ChangePoints(xs []float64, opts Options) []ChangePoint {
	opts = opts.withDefaults()
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	type cut struct {
		at int
		p  float64
	}
	type test struct {
		at   int // -1: no significant split
		p, q float64
	}
	tested := map[[2]int]test{} // by segment, so a segment is tested once
	var cuts []cut
	// Divisive: test the segments between the cuts found so far, and keep the most significant
	// new cut, until no segment has one.
	for {
		var best *test
		for i := 0; i <= len(cuts); i++ {
			lo, hi := 0, len(xs)
			if i > 0 {
				lo = cuts[i-1].at
			}
			if i < len(cuts) {
				hi = cuts[i].at
			}
			t, ok := tested[[2]int{lo, hi}]
			if !ok {
				t = test{at: -1}
				if tau, q := bestSplit(xs[lo:hi], opts.MinSegment); tau >= 0 {
					if p := permutationP(xs[lo:hi], q, opts, rng); p <= opts.Alpha {
						t = test{at: lo + tau, p: p, q: q}
					}
				}
				tested[[2]int{lo, hi}] = t
			}
			if t.at >= 0 && (best == nil || t.p < best.p || t.p == best.p && t.q > best.q) {
				best = &t
			}
		}
		if best == nil {
			break
		}
		cuts = append(cuts, cut{best.at, best.p})
		slices.SortFunc(cuts, func(a, b cut) int { return a.at - b.at })
	}
	out := make([]ChangePoint, len(cuts))
	for i, c := range cuts {
		lo, hi := 0, len(xs)
		if i > 0 {
			lo = cuts[i-1].at
		}
		if i+1 < len(cuts) {
			hi = cuts[i+1].at
		}
		out[i] = ChangePoint{Index: c.at, Before: median(xs[lo:c.at]), After: median(xs[c.at:hi]), P: c.p}
	}
	return out
}

// bestSplit returns the split of xs that maximizes the energy statistic Q̂ (with exponent 1),
// leaving at least min points on each side, or -1 when xs is too short.
func bestSplit(xs []float64, min int) (int, float64) {
	n := len(xs)
	if n < 2*min {
		return -1, 0
	}
	// The three sums of distances (within the left side, within the right, across) are updated
	// as the split moves right, so all splits together cost O(n²).
	d := func(i, j int) float64 { return math.Abs(xs[i] - xs[j]) }
	left, right, cross := 0.0, 0.0, 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			right += d(i, j)
		}
	}
	best, bestQ := -1, math.Inf(-1)
	for t := 1; t < n; t++ {
		// Move point t−1 from the right side to the left side.
		k := t - 1
		for i := 0; i < k; i++ {
			left += d(i, k)
			cross -= d(i, k)
		}
		for j := t; j < n; j++ {
			right -= d(k, j)
			cross += d(k, j)
		}
		if t < min || n-t < min {
			continue
		}
		m, r := float64(t), float64(n-t)
		e := 2*cross/(m*r) - left/(m*(m-1)/2) - right/(r*(r-1)/2)
		if q := m * r / (m + r) * e; q > bestQ {
			best, bestQ = t, q
		}
	}
	return best, bestQ
}

// permutationP is the share of random orders of xs whose best split is at least as strong as q.
func permutationP(xs []float64, q float64, opts Options, rng *rand.Rand) float64 {
	perm := slices.Clone(xs)
	atLeast := 0
	for range opts.Permutations {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		if _, pq := bestSplit(perm, opts.MinSegment); pq >= q {
			atLeast++
		}
	}
	return float64(atLeast+1) / float64(opts.Permutations+1)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
