package trend

import (
	"math"
	"math/rand/v2"
	"testing"
)

// series is n points around 100 with log-normal noise of the given CV, times (1+step) from index
// at onwards (no step when at < 0), and a share of outliers 20% high.
func series(seed uint64, n, at int, step, cv, outliers float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	for i := range xs {
		v := 100 * math.Exp(rng.NormFloat64()*cv)
		if at >= 0 && i >= at {
			v *= 1 + step
		}
		if rng.Float64() < outliers {
			v *= 1.2 // an outlier: a noisy neighbour during one run
		}
		xs[i] = v
	}
	return xs
}

// TestStep finds a +12% step at commit 40 of 60 under 3% noise exactly, on several seeds.
func TestStep(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		cps := ChangePoints(series(seed, 60, 40, 0.12, 0.03, 0), Options{Seed: seed})
		if len(cps) != 1 || cps[0].Index != 40 {
			t.Errorf("seed %d: change points %+v, want one at 40", seed, cps)
			continue
		}
		if c := cps[0].Change(); c < 0.08 || c > 0.16 || cps[0].P > 0.01 {
			t.Errorf("seed %d: change %+.1f%%, p %.3f; want about +12%%, p ≤ 0.01", seed, 100*c, cps[0].P)
		}
	}
}

// TestFlat reports no change point in flat noisy histories.
func TestFlat(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		if cps := ChangePoints(series(seed, 60, -1, 0, 0.03, 0.03), Options{Seed: seed}); len(cps) != 0 {
			t.Errorf("seed %d: change points %+v in a flat history", seed, cps)
		}
	}
}

// TestStepWithOutliers: a 20% outlier next to a 12% step looks like the new level, so the step may
// be placed a commit or two early, but it is found, once.
func TestStepWithOutliers(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		cps := ChangePoints(series(seed, 60, 40, 0.12, 0.03, 0.05), Options{Seed: seed})
		if len(cps) != 1 || cps[0].Index < 38 || cps[0].Index > 42 {
			t.Errorf("seed %d: change points %+v, want one at 40 ± 2", seed, cps)
		}
	}
}

// TestSteps finds two steps, one up and one down.
func TestSteps(t *testing.T) {
	xs := series(3, 90, 30, 0.15, 0.02, 0)
	for i := 60; i < 90; i++ {
		xs[i] /= 1.3
	}
	cps := ChangePoints(xs, Options{Seed: 3})
	if len(cps) != 2 || cps[0].Index != 30 || cps[1].Index != 60 || cps[0].Change() < 0 || cps[1].Change() > 0 {
		t.Errorf("change points %+v, want a step up at 30 and down at 60", cps)
	}
}

// TestBestSplit checks the O(n log n) split search against the energy statistic computed from
// every pair, on continuous, integer (with ties) and constant series.
func TestBestSplit(t *testing.T) {
	pairs := func(xs []float64, min int) (int, float64) {
		best, bestQ := -1, math.Inf(-1)
		for s := min; s <= len(xs)-min; s++ {
			var left, right, cross float64
			for i := range xs {
				for j := i + 1; j < len(xs); j++ {
					d := math.Abs(xs[i] - xs[j])
					switch {
					case j < s:
						left += d
					case i >= s:
						right += d
					default:
						cross += d
					}
				}
			}
			m, r := float64(s), float64(len(xs)-s)
			e := 2*cross/(m*r) - left/(m*(m-1)/2) - right/(r*(r-1)/2)
			if q := m * r / (m + r) * e; q > bestQ {
				best, bestQ = s, q
			}
		}
		return best, bestQ
	}
	rounded := series(5, 120, 70, 0.1, 0.05, 0.05)
	for i := range rounded {
		rounded[i] = math.Round(rounded[i] / 5)
	}
	for name, xs := range map[string][]float64{
		"step":     series(4, 150, 90, -0.1, 0.03, 0.02),
		"flat":     series(4, 150, -1, 0, 0.03, 0.02),
		"integers": rounded,
		"constant": make([]float64, 40),
	} {
		seg := newSegment(xs)
		at, q := seg.bestSplit(seg.rank, 5)
		wantAt, wantQ := pairs(xs, 5)
		if at != wantAt || math.Abs(q-wantQ) > 1e-9*math.Max(1, math.Abs(wantQ)) {
			t.Errorf("%s: best split %d (Q %g), from all pairs %d (Q %g)", name, at, q, wantAt, wantQ)
		}
	}
}

// TestStopEarly: a rejected split stops being tested early, but draws as many permutations as a
// full test, so the tests after it are the same.
func TestStopEarly(t *testing.T) {
	xs := series(2, 200, -1, 0, 0.03, 0)
	seg := newSegment(xs)
	_, q := seg.bestSplit(seg.rank, 5)
	opts := Options{}.withDefaults()
	a, b := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	if p := seg.permutationP(q, opts, a); p <= opts.Alpha {
		t.Fatalf("p %g on a flat series", p)
	}
	perm := make([]int, len(xs))
	for range opts.Permutations {
		b.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	}
	if a.Uint64() != b.Uint64() {
		t.Error("stopping early changed the random numbers left for the next tests")
	}
}

func TestShort(t *testing.T) {
	if cps := ChangePoints([]float64{1, 2, 3}, Options{}); len(cps) != 0 {
		t.Errorf("change points %+v in 3 points", cps)
	}
}
