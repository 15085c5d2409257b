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
	"cmp"
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
				seg := newSegment(xs[lo:hi])
				if tau, q := seg.bestSplit(seg.rank, opts.MinSegment); tau >= 0 {
					if p := seg.permutationP(q, opts, rng); p <= opts.Alpha {
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

// segment is a stretch of a series made ready for bestSplit. Every order of its points (the
// series' own and each permutation's) has the same values, so they are sorted once: an order is
// then a list of ranks, and a point's distance to all the others is known by its rank.
type segment struct {
	sorted []float64 // the values, ascending
	rank   []int     // rank[i] is the rank of point i's value in sorted, in the series' order
	dist   []float64 // dist[r] = Σ_j |sorted[r] − sorted[j]|
	total  float64   // the sum of distances over all pairs
	// Fenwick trees over ranks, of the count and the sum of the points left of the split.
	count []int
	sum   []float64
}

func newSegment(xs []float64) *segment {
	n := len(xs)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	s := &segment{sorted: make([]float64, n), rank: make([]int, n), dist: make([]float64, n), count: make([]int, n+1), sum: make([]float64, n+1)}
	// Distances do not change when every value is taken from the least: that keeps integers
	// integers, and makes a constant segment exactly zero, so that exact ties stay exact.
	all := 0.0
	for r, i := range order {
		s.sorted[r], s.rank[i] = xs[i]-xs[order[0]], r
		all += s.sorted[r]
	}
	below := 0.0 // the sum of the values of ranks below r
	for r, v := range s.sorted {
		lower := v*float64(r) - below // the distances to the points below
		s.dist[r] = lower + (all - below - v) - v*float64(n-1-r)
		s.total += lower
		below += v
	}
	return s
}

// bestSplit returns the split of the points in the order ranks that maximizes the energy
// statistic Q̂ (with exponent 1), leaving at least min points on each side, or -1 when there are
// too few points.
func (s *segment) bestSplit(ranks []int, min int) (int, float64) {
	n := len(ranks)
	if n < 2*min {
		return -1, 0
	}
	// The three sums of distances (within the left side, within the right, across) are updated
	// as the split moves right. The point that moves is at distance l from the left side, which
	// the Fenwick trees give in O(log n), and so at dist − l from the rest of the right side: all
	// splits together cost O(n log n).
	clear(s.count)
	clear(s.sum)
	left, right, cross, leftSum := 0.0, s.total, 0.0, 0.0
	best, bestQ := -1, math.Inf(-1)
	for t := 1; t < n; t++ {
		// Move point t−1 from the right side to the left side.
		k, rk := t-1, ranks[t-1]
		x := s.sorted[rk]
		c, below := 0, 0.0 // the count and the sum of the left side's points ranked below x
		for i := rk; i > 0; i &= i - 1 {
			c += s.count[i]
			below += s.sum[i]
		}
		l := x*float64(c) - below + (leftSum - below) - x*float64(k-c)
		rest := s.dist[rk] - l
		left += l
		cross += rest - l
		right -= rest
		for i := rk + 1; i <= n; i += i & -i {
			s.count[i]++
			s.sum[i] += x
		}
		leftSum += x
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

// permutationP is the share of random orders of the segment whose best split is at least as
// strong as q.
//
// It stops computing splits as soon as enough orders were at least as strong for p to exceed
// opts.Alpha whatever the rest would give: the split is then rejected, and the p returned, a
// lower bound, is not used. The remaining orders are still drawn, so that the tests after this
// one see the same random numbers as without the shortcut; a split that is accepted is always
// tested with all the permutations.
func (s *segment) permutationP(q float64, opts Options, rng *rand.Rand) float64 {
	perm := slices.Clone(s.rank)
	swap := func(i, j int) { perm[i], perm[j] = perm[j], perm[i] }
	n := float64(opts.Permutations + 1)
	atLeast := 0
	for i := range opts.Permutations {
		rng.Shuffle(len(perm), swap)
		if _, pq := s.bestSplit(perm, opts.MinSegment); pq >= q {
			atLeast++
			if p := float64(atLeast+1) / n; p > opts.Alpha {
				for range opts.Permutations - i - 1 {
					rng.Shuffle(len(perm), swap)
				}
				return p
			}
		}
	}
	return float64(atLeast+1) / n
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
