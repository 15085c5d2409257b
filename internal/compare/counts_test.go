package compare_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// countedRaw writes gate run's raw results of one side for benchmark A counted under Valgrind:
// pair i's instructions/op is values[i].
func countedRaw(values []float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Unit %s better=lower\n", report.InstructionsUnit)
	for i, v := range values {
		fmt.Fprintf(&b, "pkg: example.com/p\nbenchgate-pair: %d\nBenchmarkA 2000 %.2f instructions/op\n", i+1, v)
	}
	return b.String()
}

// TestCountVerdicts holds counts to their rules: a change must be significant in the paired
// test, past the 1% threshold, and outside the samples' own spread (their ranks must separate
// the sides); extra rounds' extremes do not take a clear change back.
func TestCountVerdicts(t *testing.T) {
	tests := []struct {
		name       string
		base, head []float64
		want       report.Verdict
		reason     string // a substring of the reason, when one is wanted
	}{
		{
			name: "+2%, five pairs apart",
			base: []float64{21000, 21010, 21020, 21030, 21040},
			head: []float64{21420, 21430, 21440, 21450, 21460},
			want: report.Regression,
		},
		{
			name: "the same code",
			base: []float64{21000, 21031, 21012, 21045, 21020},
			head: []float64{21022, 21005, 21040, 21013, 21037},
			want: report.Unchanged,
		},
		{
			// Every head is 1.5% above its own base, so the paired test is sure, but the samples
			// spread by 8%: their ranks do not tell the sides apart.
			name:   "a steady paired change within the spread",
			base:   []float64{20000, 20400, 20800, 21200, 21600},
			head:   []float64{20300, 20706, 21112, 21518, 21924},
			want:   report.Unchanged,
			reason: "within the measured spread",
		},
		{
			// Fifteen pairs after extra rounds, one base outlier within the head's range: the
			// ranges overlap, the ranks still separate the sides.
			name: "+2% over fifteen pairs with one outlier",
			base: []float64{416000, 418000, 418500, 418500, 418900, 419400, 419900, 420200, 420700, 420800, 420900, 421200, 421400, 422500, 423300},
			head: []float64{423100, 425700, 425800, 426400, 427400, 427800, 428000, 428200, 428700, 429200, 429600, 430000, 430400, 430800, 432200},
			want: report.Regression,
		},
		{
			name: "+0.5%, apart but within the threshold",
			base: []float64{21000, 21010, 21020, 21030, 21040},
			head: []float64{21105, 21115, 21125, 21135, 21145},
			want: report.WithinThreshold,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := readPaired(t, countedRaw(tt.base), countedRaw(tt.head)).Compare(config.Default(), compare.Extra{})
			c := comparisonIn(t, rep, report.InstructionsUnit)
			if c.Instrument != report.MeasureInstructions {
				t.Errorf("instrument %q, want %q", c.Instrument, report.MeasureInstructions)
			}
			if c.Verdict != tt.want || !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("%s (%s; p=%.3f, paired %+v), want %s with a reason containing %q", c.Verdict, c.Reason, *c.P, c.Paired, tt.want, tt.reason)
			}
		})
	}
}
