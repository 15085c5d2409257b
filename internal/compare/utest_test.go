package compare

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/perf/benchmath"
)

// TestUTestsAsBenchmath checks that the remembered U tests give exactly benchmath's comparison,
// on samples of every size up to 12 a side drawn from few distinct values (so that many are
// tied within and across the sides) and from many (so that few are), and past 64 values, where
// nothing is remembered.
func TestUTestsAsBenchmath(t *testing.T) {
	th := &benchmath.Thresholds{CompareAlpha: 0.05}
	rng := rand.New(rand.NewPCG(1, 2))
	tests := uTests{}
	draw := func(n, distinct int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(distinct))
		}
		slices.Sort(v)
		return v
	}
	hits := 0
	for round := range 4000 {
		n1, n2 := 1+rng.IntN(12), 1+rng.IntN(12)
		if round%100 == 0 {
			n1, n2 = 30+rng.IntN(20), 30+rng.IntN(20)
		}
		distinct := []int{2, 5, 1000}[round%3]
		s1 := benchmath.NewSample(draw(n1, distinct), th)
		s2 := benchmath.NewSample(draw(n2, distinct), th)
		before := len(tests)
		got := tests.compare(benchmath.AssumeNothing, s1, s2)
		if len(tests) == before && n1+n2 <= 64 {
			hits++
		}
		want := benchmath.AssumeNothing.Compare(s1, s2)
		if got.P != want.P || got.N1 != want.N1 || got.N2 != want.N2 || got.Alpha != want.Alpha || fmt.Sprint(got.Warnings) != fmt.Sprint(want.Warnings) {
			t.Fatalf("%v vs %v: remembered %+v, benchmath %+v", s1.Values, s2.Values, got, want)
		}
	}
	if hits < 500 { // 614 with this seed
		t.Errorf("%d of 4,000 comparisons found remembered; the memo does not work", hits)
	}
}
