package gate

import (
	"reflect"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

// TestRegressionLines annotates each regressed benchmark once, however many of its units
// regressed, with its derived B/s beside the time it comes from, the largest change first.
func TestRegressionLines(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	// Times vary from run to run; allocations do not, and their change is exact.
	sum := func(unit string, v float64) *report.Summary {
		s := &report.Summary{Center: v}
		for i := range 10 {
			if unit == "allocs/op" {
				s.Values = append(s.Values, v)
			} else {
				s.Values = append(s.Values, v*(1+float64(i-5)/1000))
			}
		}
		return s
	}
	cmp := func(bench, unit string, base, head float64, v report.Verdict) report.Comparison {
		return report.Comparison{
			Config: map[string]string{"pkg": "example.com/xxhash/v2"}, Benchmark: bench, Unit: unit,
			Base: sum(unit, base), Head: sum(unit, head), DeltaPercent: pct((head/base - 1) * 100), P: pct(0.001), PAdjusted: pct(0.002), ThresholdPercent: 5, Verdict: v,
		}
	}
	rep := &report.Report{Settings: report.Settings{Alpha: 0.05}, Comparisons: []report.Comparison{
		cmp("Sum64/16B-2", "sec/op", 10e-9, 12e-9, report.Regression),
		cmp("Sum64/1KiB-2", "sec/op", 1e-6, 1.5e-6, report.Regression),
		cmp("Sum64/16B-2", "B/s", 1.6e9, 1.333e9, report.Regression),
		cmp("Sum64/1KiB-2", "B/op", 0, 0, report.Unchanged),
		cmp("Sum64/16B-2", "allocs/op", 1, 2, report.Regression),
	}}
	rep.Comparisons[2].DerivedFrom = "sec/op"
	rep.Tally()
	want := []string{
		"example.com/xxhash/v2.Sum64/16B-2: sec/op 10.00n → 12.00n, +20.00% (p=0.001 n=10), threshold 5%; B/s -16.69%; allocs/op 1.000 → 2.000, +100.00% (exact: 1 → 2, n=10), threshold 5%",
		"example.com/xxhash/v2.Sum64/1KiB-2: sec/op 1.000µ → 1.500µ, +50.00% (p=0.001 n=10), threshold 5%",
	}
	if got := regressionLines(rep); !reflect.DeepEqual(got, want) {
		t.Errorf("annotations\n%q\nwant\n%q", got, want)
	}
	if n := rep.BenchmarkCounts[report.Regression]; n != 2 {
		t.Errorf("benchmark_counts.regression = %d, want 2", n)
	}
}
