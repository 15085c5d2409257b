package compare_test

import (
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// TestHistory compares A at 100 against head at the given center, with a history whose
// spread is 4%, under noise multiples of 0 (off) and 3 (a change must pass 12%).
func TestHistory(t *testing.T) {
	spread4 := 4.0
	tests := []struct {
		name      string
		head      float64
		k         float64
		history   *report.History
		want      report.Verdict
		threshold float64
	}{
		{"off: the threshold alone decides", 110, 0, &report.History{Values: []float64{1}, SpreadPercent: &spread4}, report.Regression, 5},
		{"within 3 × the spread", 110, 3, &report.History{Values: []float64{1}, SpreadPercent: &spread4}, report.WithinThreshold, 12},
		{"past 3 × the spread", 120, 3, &report.History{Values: []float64{1}, SpreadPercent: &spread4}, report.Regression, 12},
		{"an improvement within it", 90, 3, &report.History{Values: []float64{1}, SpreadPercent: &spread4}, report.WithinThreshold, 12},
		{"no spread known", 110, 3, &report.History{Values: []float64{1}}, report.Regression, 5},
		{"no history", 110, 3, nil, report.Regression, 5},
		{"unchanged stays so", 100, 3, &report.History{Values: []float64{1}, SpreadPercent: &spread4}, report.Unchanged, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.NoiseMultiple = tt.k
			res, err := compare.Read([]compare.Input{
				{Name: "old.txt", R: strings.NewReader(spread("A", 10, 100, "ns/op")), Side: report.Base},
				{Name: "new.txt", R: strings.NewReader(spread("A", 10, tt.head, "ns/op")), Side: report.Head},
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := res.Compare(cfg, compare.Extra{History: &compare.History{
				Source: report.HistorySource{Branch: "benchgate-data", Commits: 1, Newest: "abc"},
				Of:     func(*report.Comparison) *report.History { return tt.history },
			}})
			c := rep.Comparisons[0]
			if c.Verdict != tt.want || c.ThresholdPercent != tt.threshold || c.History != tt.history {
				t.Errorf("%s with threshold %v (history %v), want %s with %v", c.Verdict, c.ThresholdPercent, c.History, tt.want, tt.threshold)
			}
			if raised := tt.threshold != 5; raised != strings.Contains(c.Reason, "3 × the run-to-run spread of this benchmark's history (±4.0%)") {
				t.Errorf("reason %q", c.Reason)
			}
			if wantGate := map[bool]report.GateVerdict{true: report.Fail, false: report.Pass}[tt.want == report.Regression]; rep.Verdict != wantGate || rep.History.Branch != "benchgate-data" {
				t.Errorf("gate %s, want %s; source %+v", rep.Verdict, wantGate, rep.History)
			}
			if err := rep.Validate(); err != nil {
				t.Errorf("the report does not validate: %v", err)
			}
		})
	}
}
