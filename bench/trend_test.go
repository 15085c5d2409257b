package bench

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/benchgate/benchgate/internal/trend"
)

// history is n points around 100 with 3% log-normal noise, seeded, times the steps' factors from
// their indexes on: a benchmark's measurements in commit order.
func history(n int, steps map[int]float64) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, n)
	level := 100.0
	for i := range xs {
		if f, ok := steps[i]; ok {
			level *= f
		}
		xs[i] = level * math.Exp(rng.NormFloat64()*0.03)
	}
	return xs
}

// BenchmarkChangePoints searches a 1,000-commit history with two steps (+12% at 400, −8% at
// 700) for change points, as gate trend does for every series. It covers both of the search's
// paths: the two significant splits each cost a full permutation test, and the flat segments
// left between them are rejected after a few permutations, as flat histories are. (One series, not
// a flat one beside it: each benchmark costs the suite a -benchtime per run and side.)
func BenchmarkChangePoints(b *testing.B) {
	xs := history(1000, map[int]float64{400: 1.12, 700: 0.92})
	near := func(i, at int) bool { return i >= at-5 && i <= at+5 }
	for b.Loop() {
		if cps := trend.ChangePoints(xs, trend.Options{Seed: 1}); len(cps) != 2 || !near(cps[0].Index, 400) || !near(cps[1].Index, 700) {
			b.Fatalf("change points %+v, want steps at about 400 and 700", cps)
		}
	}
}
