package compare

import (
	"math"
	"slices"
	"testing"
)

// TestSignedRank checks the test against values worked out by hand from its definition, among
// them the classic example of Hollander & Wolfe (n = 9, V = 40, two-sided p = 20/512).
func TestSignedRank(t *testing.T) {
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	hw := make([]float64, len(x))
	for i := range x {
		hw[i] = x[i] - y[i]
	}
	allUp := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name string
		d    []float64
		p    float64
		conf float64 // 0: no interval
		k    int     // the interval's order statistic among the Walsh averages
	}{
		{"Hollander & Wolfe", hw, 20.0 / 512, 1 - 2*10.0/512, 6},
		{"ten of one sign", allUp, 2.0 / 1024, 1 - 2*25.0/1024, 9},
		{"five cannot reach 5%", allUp[:5], 2.0 / 32, 0, 0},
		{"zeros carry no sign", []float64{0, 0, 1, 2, 3, 4, 5, 6}, 2.0 / 64, 0, 0},
		{"symmetric", []float64{-3, -2, -1, 1, 2, 3}, 1, 1 - 2*1.0/64, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRankTest(tt.d, 0.95)
			if math.Abs(r.p-tt.p) > 1e-12 {
				t.Errorf("p = %v, want %v", r.p, tt.p)
			}
			walsh := walshAverages(tt.d)
			if c := median(walsh); r.center != c {
				t.Errorf("center %v, want the median of the Walsh averages %v", r.center, c)
			}
			if tt.k == 0 {
				return
			}
			if math.Abs(r.conf-tt.conf) > 1e-12 {
				t.Errorf("confidence %v, want %v", r.conf, tt.conf)
			}
			if lo, hi := walsh[tt.k-1], walsh[len(walsh)-tt.k]; r.lo != lo || r.hi != hi {
				t.Errorf("interval [%v, %v], want [%v, %v]", r.lo, r.hi, lo, hi)
			}
		})
	}
}

// TestSignedRankNormal checks that past exactLimit the normal approximation agrees with the
// exact distribution where both apply.
func TestSignedRankNormal(t *testing.T) {
	d := make([]float64, exactLimit+1)
	for i := range d {
		d[i] = float64(i%7) - 2.7 + 0.01*float64(i)
	}
	approx := signedRankTest(d, 0.95)
	ranks := doubledRanks(d)
	total, wPlus := 0, 0
	for i, x := range d {
		total += ranks[i]
		if x > 0 {
			wPlus += ranks[i]
		}
	}
	dist := permutationDist(ranks, total)
	lower, upper := 0.0, 0.0
	for w, p := range dist {
		if w <= wPlus {
			lower += p
		}
		if w >= wPlus {
			upper += p
		}
	}
	exact := math.Min(1, 2*math.Min(lower, upper))
	if math.Abs(approx.p-exact) > 1e-3 {
		t.Errorf("normal approximation %v, exact %v", approx.p, exact)
	}
}

func walshAverages(d []float64) []float64 {
	var w []float64
	for i := range d {
		for j := i; j < len(d); j++ {
			w = append(w, (d[i]+d[j])/2)
		}
	}
	slices.Sort(w)
	return w
}
