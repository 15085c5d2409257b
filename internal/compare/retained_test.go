package compare_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// retainedRaw writes gate run's raw results of one side: benchmark Leak's retained-B/op in pair
// i is values[i], beside 60 benchmarks' unchanged times, so that the false-alarm control has a
// family to divide α among.
func retainedRaw(values []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Unit %s better=lower\n", report.RetainedUnit)
	for i, v := range values {
		fmt.Fprintf(&b, "pkg: example.com/p\nbenchgate-pair: %d\nBenchmarkLeak 2000 %g %s\n", i+1, v, report.RetainedUnit)
		for j := range 60 {
			fmt.Fprintf(&b, "BenchmarkOther%d 1000 %d ns/op\n", j, 1000+(7*i+3*j)%11)
		}
	}
	return b.String()
}

// TestRetainedVerdicts holds retained-B/op to its rule: keeping something where base kept
// nothing is a regression whatever the threshold and the false-alarm control (five samples a
// side, by ranks alone, do not survive the correction for sixty other comparisons), and keeping
// nothing where base kept something an improvement; otherwise the usual rules apply.
func TestRetainedVerdicts(t *testing.T) {
	for _, tt := range []struct {
		name       string
		base, head []float64
		want       report.Verdict
		reason     string
	}{
		{name: "keeps 94 B/op where base kept nothing", base: []float64{0, 0, 0, 0, 0}, head: []float64{94.1, 94.1, 94.2, 94.1, 94.1}, want: report.Regression, reason: "keeps 94.10 B/op after it ends, where base keeps nothing"},
		{name: "keeps nothing on either side", base: []float64{0, 0, 0, 0, 0}, head: []float64{0, 0, 0, 0, 0}, want: report.Unchanged},
		{name: "keeps the same", base: []float64{94, 94, 94, 94, 94}, head: []float64{94, 94, 94, 94, 94}, want: report.Unchanged},
		{name: "keeps twice as much", base: []float64{94, 94, 94.1, 94, 94}, head: []float64{188, 188.2, 188, 188, 188.1}, want: report.Regression},
		{name: "one run of five kept something", base: []float64{0, 0, 0, 0, 0}, head: []float64{0, 0, 1.5, 0, 0}, want: report.Unchanged},
		{name: "stopped keeping", base: []float64{64, 64, 64, 64, 64}, head: []float64{0, 0, 0, 0, 0}, want: report.Improvement, reason: "keeps nothing after it ends, where base keeps 64.00 B/op"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := readPaired(t, retainedRaw(tt.base), retainedRaw(tt.head)).Compare(config.Default(), compare.Extra{})
			c := comparisonIn(t, rep, report.RetainedUnit)
			if c.Verdict != tt.want || !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("%s (%s), want %s with a reason containing %q", c.Verdict, c.Reason, tt.want, tt.reason)
			}
		})
	}
}

// comparisonIn is the report's comparison in unit; the test fails without one.
func comparisonIn(t *testing.T, rep *report.Report, unit string) *report.Comparison {
	t.Helper()
	for i := range rep.Comparisons {
		if rep.Comparisons[i].Unit == unit {
			return &rep.Comparisons[i]
		}
	}
	t.Fatalf("no %s comparison in %+v", unit, rep.Comparisons)
	return nil
}
