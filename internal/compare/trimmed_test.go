package compare

import (
	"math"
	"testing"
)

// TestTrimmedT checks Yuen's test against values worked out from its definition.
func TestTrimmedT(t *testing.T) {
	// Ten differences, one trimmed from each end: kept 1..9, mean 37/8; winsorized
	// [1 1 2 3 4 5 6 7 9 9], mean 4.7, sum of squares 82.1; se = √(82.1 / (8·7)).
	d := []float64{9, 0, 1, 2, 3, 4, 5, 6, 7, 100}
	r := trimmedTest(d, 0.95)
	if r.center != 37.0/8 {
		t.Errorf("center %v, want 37/8", r.center)
	}
	if want := math.Sqrt(82.1 / 56); math.Abs(r.se-want) > 1e-12 {
		t.Errorf("se %v, want %v", r.se, want)
	}
	// t = 4.625/se ≈ 3.82 with 7 degrees of freedom: two-sided p ≈ 0.0066.
	if math.Abs(r.p-0.0066) > 0.0003 {
		t.Errorf("p %v, want about 0.0066", r.p)
	}
	// The outlier 100 does not move the center: trimming is the point.
	d[9] = 1e6
	if r2 := trimmedTest(d, 0.95); r2.center != r.center || r2.se != r.se {
		t.Errorf("an outlier moved the test: %+v vs %+v", r2, r)
	}
	if z := trimmedTest([]float64{0.1, 0.1, 0.1}, 0.95); z.p > 1e-9 || math.Abs(z.center-0.1) > 1e-12 {
		t.Errorf("identical differences: %+v, want p 0", z)
	}
	if z := trimmedTest([]float64{0, 0, 0}, 0.95); z.p != 1 {
		t.Errorf("no change: %+v, want p 1", z)
	}
}
