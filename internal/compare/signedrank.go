package compare

import (
	"math"
	"slices"
	"sort"

	"github.com/aclements/go-moremath/stats"
)

// signedRank is the Wilcoxon signed-rank test of a set of paired differences, with the
// Hodges–Lehmann estimate of their center and its distribution-free confidence interval.
//
// It is the paired test because the noise of a benchmark on a shared machine comes in stretches
// of seconds and in whole processes (a slow core, a frequency step, a neighbour's burst): the
// difference of two runs back to back cancels the stretch, and ranks keep one slow process
// from dominating the way it dominates a mean (a t-test) while using the sizes of the
// differences that a sign test throws away.
type signedRank struct {
	n         int     // differences, zeros included
	center    float64 // Hodges–Lehmann: the median of the Walsh averages
	lo, hi    float64 // the confidence interval of the center; ±Inf when n is too small
	conf      float64 // the interval's actual confidence
	p         float64 // two-sided
	smallestP float64 // the smallest p-value these differences can give
}

// exactLimit is the largest number of nonzero differences whose p-value is computed from the
// exact permutation distribution; past it the normal approximation is within 1e-3 of it.
const exactLimit = 200

// signedRankTest tests the differences d against a center of zero, with an interval at the
// given confidence.
func signedRankTest(d []float64, confidence float64) signedRank {
	r := signedRank{n: len(d), lo: math.Inf(-1), hi: math.Inf(1)}
	if len(d) == 0 {
		r.p = 1
		return r
	}
	r.center, r.lo, r.hi, r.conf = hodgesLehmann(d, confidence)

	// Zeros carry no sign: they are dropped (Wilcoxon's convention), and ties share their
	// mid-rank. Ranks are doubled so that mid-ranks stay integers.
	var nz []float64
	for _, x := range d {
		if x != 0 {
			nz = append(nz, x)
		}
	}
	m := len(nz)
	r.smallestP = math.Min(1, 2/math.Exp2(float64(m)))
	if m == 0 {
		r.p = 1
		return r
	}
	ranks := doubledRanks(nz)
	wPlus, total := 0, 0
	for i, x := range nz {
		total += ranks[i]
		if x > 0 {
			wPlus += ranks[i]
		}
	}
	if m <= exactLimit {
		dist := permutationDist(ranks, total)
		lower, upper := 0.0, 0.0
		for w, pr := range dist {
			if w <= wPlus {
				lower += pr
			}
			if w >= wPlus {
				upper += pr
			}
		}
		r.p = math.Min(1, 2*math.Min(lower, upper))
		return r
	}
	// Normal approximation with the tie correction, on doubled ranks.
	var sumSq float64
	for _, rk := range ranks {
		sumSq += float64(rk) * float64(rk)
	}
	mean := float64(total) / 2
	sd := math.Sqrt(sumSq / 4)
	z := (math.Abs(float64(wPlus)-mean) - 0.5) / sd
	r.p = math.Min(1, 2*stats.NormalDist{Mu: 0, Sigma: 1}.CDF(-math.Max(z, 0)))
	return r
}

// doubledRanks returns twice the mid-rank of each |x|.
func doubledRanks(xs []float64) []int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return math.Abs(xs[idx[a]]) < math.Abs(xs[idx[b]]) })
	ranks := make([]int, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && math.Abs(xs[idx[j+1]]) == math.Abs(xs[idx[i]]) {
			j++
		}
		// Ranks i+1 .. j+1 share their mean; doubled: i+j+2.
		for k := i; k <= j; k++ {
			ranks[idx[k]] = i + j + 2
		}
		i = j + 1
	}
	return ranks
}

// permutationDist is the distribution of the sum of the ranks that get a plus sign when each
// sign is a fair coin: index w holds P(W+ = w).
func permutationDist(ranks []int, total int) []float64 {
	dist := make([]float64, total+1)
	dist[0] = 1
	reach := 0
	for _, rk := range ranks {
		reach += rk
		for w := reach; w >= 0; w-- {
			with := 0.0
			if w >= rk {
				with = dist[w-rk]
			}
			dist[w] = (dist[w] + with) / 2
		}
	}
	return dist
}

// hodgesLehmann returns the median of the Walsh averages (d_i+d_j)/2, i ≤ j, and the interval
// between the k-th smallest and the k-th largest of them, k chosen from the signed-rank
// distribution so that the interval covers the center with at least the given confidence.
func hodgesLehmann(d []float64, confidence float64) (center, lo, hi, conf float64) {
	n := len(d)
	walsh := make([]float64, 0, n*(n+1)/2)
	for i := range d {
		for j := i; j < n; j++ {
			walsh = append(walsh, (d[i]+d[j])/2)
		}
	}
	slices.Sort(walsh)
	center = median(walsh)
	lo, hi = math.Inf(-1), math.Inf(1)
	if n > exactLimit {
		// The normal approximation of the critical value.
		z := stats.NormalDist{Mu: 0, Sigma: 1}.InvCDF(1 - (1-confidence)/2)
		mean, sd := float64(n*(n+1))/4, math.Sqrt(float64(n*(n+1)*(2*n+1))/24)
		k := int(math.Floor(mean - z*sd))
		if k >= 1 {
			lo, hi = walsh[k-1], walsh[len(walsh)-k]
		}
		return center, lo, hi, confidence
	}
	ranks := make([]int, n)
	for i := range ranks {
		ranks[i] = 2 * (i + 1)
	}
	dist := permutationDist(ranks, n*(n+1))
	// tail[k] = P(W+ ≤ k-1), W+ on plain ranks (index 2w of the doubled distribution).
	tail, k := 0.0, 0
	for w := 0; 2*w < len(dist); w++ {
		if tail+dist[2*w] > (1-confidence)/2 {
			break
		}
		tail += dist[2*w]
		k = w + 1
	}
	if k >= 1 {
		lo, hi = walsh[k-1], walsh[len(walsh)-k]
		conf = 1 - 2*tail
	}
	return center, lo, hi, conf
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
