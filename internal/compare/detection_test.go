package compare_test

import (
	"bytes"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/synth"
)

// TestDetectionQuality checks what a gate exists for, with the default settings: among 4,500
// unchanged benchmarks and 500 made 15% slower (10 samples per side, log-normal noise with a 2–5%
// coefficient of variation, 2% outliers), at most 1% of the unchanged ones are flagged and at
// least 95% of the slowed ones are caught.
func TestDetectionQuality(t *testing.T) {
	const total, slowed = 5000, 500
	for _, seed := range []uint64{1, 2, 3} {
		spec := synth.Spec{
			Benchmarks: total, Runs: 10, Slowed: slowed, Slowdown: 1.15,
			MinCV: 0.02, MaxCV: 0.05, OutlierRate: 0.02, Seed: seed,
		}
		var base, head bytes.Buffer
		if err := synth.Write(spec, &base, &head); err != nil {
			t.Fatal(err)
		}
		rep, err := compare.Compare([]compare.Input{
			{Name: "base.txt", R: &base, Side: report.Base},
			{Name: "head.txt", R: &head, Side: report.Head},
		}, config.Default())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Comparisons) != total {
			t.Fatalf("seed %d: %d comparisons, want %d", seed, len(rep.Comparisons), total)
		}
		caught, falseAlarms := 0, 0
		for i, c := range rep.Comparisons {
			if c.Benchmark != synth.Name(i) {
				t.Fatalf("comparison %d is %s, want %s", i, c.Benchmark, synth.Name(i))
			}
			flagged := c.Verdict == report.Regression || c.Verdict == report.Improvement
			switch {
			case i < slowed && c.Verdict == report.Regression:
				caught++
			case i >= slowed && flagged:
				falseAlarms++
			}
		}
		t.Logf("seed %d: caught %d of %d slowed, %d false alarms among %d unchanged", seed, caught, slowed, falseAlarms, total-slowed)
		if caught < slowed*95/100 {
			t.Errorf("seed %d: caught %d of %d slowed benchmarks, want at least 95%%", seed, caught, slowed)
		}
		if falseAlarms > (total-slowed)/100 {
			t.Errorf("seed %d: %d false alarms among %d unchanged benchmarks, want at most 1%%", seed, falseAlarms, total-slowed)
		}
		if rep.Verdict != report.Fail {
			t.Errorf("seed %d: gate verdict %s, want fail", seed, rep.Verdict)
		}
	}
}
