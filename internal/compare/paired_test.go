package compare_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// pairedRaw writes gate run's raw results of one side: for each pair from..to, one result of
// each benchmark at its value.
func pairedRaw(b *strings.Builder, from, to int, names []string, value func(name string, pair int) float64) {
	for pair := from; pair <= to; pair++ {
		fmt.Fprintf(b, "pkg: example.com/p\nbenchgate-pair: %d\n", pair)
		for _, n := range names {
			fmt.Fprintf(b, "Benchmark%s-2\t1000\t%.3f ns/op\n", n, value(n, pair))
		}
	}
}

func readPaired(t *testing.T, base, head string) *compare.Results {
	t.Helper()
	res, err := compare.ReadRun([]byte(base), []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPairedDrift gives base and head the same drift, pair by pair, as a noisy machine does
// (whole processes 0.8–1.6× as slow), and head a true +5%: the paired verdict sees the change
// that the unpaired test of the same samples cannot tell from the drift.
func TestPairedDrift(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		rng := rand.New(rand.NewPCG(seed, 9))
		drift := map[int]float64{}
		for p := 1; p <= 12; p++ {
			drift[p] = 0.8 + 0.8*rng.Float64()
		}
		noise := func() float64 { return 1 + 0.004*rng.NormFloat64() }
		var base, head strings.Builder
		pairedRaw(&base, 1, 12, []string{"A"}, func(_ string, p int) float64 { return 1000 * drift[p] * noise() })
		pairedRaw(&head, 1, 12, []string{"A"}, func(_ string, p int) float64 { return 1050 * drift[p] * noise() })
		cfg := config.Default()
		cfg.Thresholds = append(cfg.Thresholds, config.Threshold{Unit: "sec/op", MaxPercent: 2})
		rep, _ := readPaired(t, base.String(), head.String()).Compare(cfg, compare.Extra{})
		c := rep.Comparisons[0]
		if c.Verdict != report.Regression || c.Paired == nil || math.Abs(c.Paired.DeltaPercent-5) > 1 {
			t.Errorf("seed %d: %s, paired %+v; want a regression of about +5%%", seed, c.Verdict, c.Paired)
		}
		if *c.P < 0.05 {
			t.Logf("seed %d: the unpaired test saw it too (p=%.3f)", seed, *c.P)
		}
		unpaired, err := compare.Compare([]compare.Input{
			{Name: "b", R: strings.NewReader(stripPairs(base.String())), Side: report.Base},
			{Name: "h", R: strings.NewReader(stripPairs(head.String())), Side: report.Head},
		}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if u := unpaired.Comparisons[0]; u.Verdict == report.Regression || u.Paired != nil {
			t.Errorf("seed %d: unpaired %s (p=%.3f, paired %v): the drift should hide the change from it", seed, u.Verdict, *u.P, u.Paired)
		}
	}
}

func stripPairs(raw string) string {
	var out []string
	for _, l := range strings.Split(raw, "\n") {
		if !strings.HasPrefix(l, report.PairKey+":") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestLooksKeepFalseAlarms runs the looks of adaptive runs on unchanged benchmarks under the
// harshest settings: no false-alarm control, and every benchmark not yet significant gets more
// pairs, up to three looks (the worst rule for peeking: stop as soon as it looks changed).
// Peeking three times at α = 0.05 would call far more than 5% of them changed; spending α over
// the looks keeps it at most 5%.
func TestLooksKeepFalseAlarms(t *testing.T) {
	cfg := config.Default()
	cfg.FalseAlarmControl = report.NoControl
	cfg.Thresholds = []config.Threshold{{MaxPercent: 0}}
	const benchmarks, runs, count, maxCount = 100, 20, 10, 30
	names := make([]string, benchmarks)
	for i := range names {
		names[i] = fmt.Sprintf("B%03d", i)
	}
	flagged, total, peekedFlagged := 0, 0, 0
	for run := range uint64(runs) {
		rng := rand.New(rand.NewPCG(run, 77))
		value := func(string, int) float64 { return 1000 * math.Exp(0.03*rng.NormFloat64()) }
		var base, head strings.Builder
		pairedRaw(&base, 1, count, names, value)
		pairedRaw(&head, 1, count, names, value)
		r := &report.Run{Count: count, MaxCount: maxCount, Looks: []int{count}, Interleave: report.InterleaveBenchmark}
		peeked := map[string]bool{}
		for _, round := range report.PlannedLooks(count, maxCount)[1:] {
			rep, _ := readPaired(t, base.String(), head.String()).Compare(cfg, compare.Extra{Run: r})
			var more []string
			for _, c := range rep.Comparisons {
				if c.Paired != nil && c.Paired.P <= cfg.Alpha {
					peeked[c.Benchmark] = true // what α at every look would have called
				}
				if c.Paired != nil && c.Paired.P > c.Paired.Alpha {
					more = append(more, strings.TrimSuffix(c.Benchmark, "-2"))
				}
			}
			if len(more) == 0 {
				break
			}
			last := r.Looks[len(r.Looks)-1]
			pairedRaw(&base, last+1, round, more, value)
			pairedRaw(&head, last+1, round, more, value)
			r.Looks = append(r.Looks, round)
		}
		rep, _ := readPaired(t, base.String(), head.String()).Compare(cfg, compare.Extra{Run: r})
		if len(r.Looks) != 3 {
			t.Fatalf("run %d: looks %v, want three", run, r.Looks)
		}
		for _, c := range rep.Comparisons {
			total++
			if c.Verdict == report.Regression || c.Verdict == report.Improvement {
				flagged++
			}
		}
		peekedFlagged += len(peeked)
	}
	rate, peekedRate := float64(flagged)/float64(total), float64(peekedFlagged)/float64(total)
	t.Logf("%d of %d unchanged comparisons flagged (%.2f%%); α at every look would have flagged %.2f%%", flagged, total, 100*rate, 100*peekedRate)
	if rate > cfg.Alpha {
		t.Errorf("%.2f%% of unchanged comparisons flagged, want at most %.0f%%", 100*rate, 100*cfg.Alpha)
	}
	if peekedRate <= cfg.Alpha {
		t.Errorf("peeking at α every look flagged only %.2f%%: the test does not stress what it should", 100*peekedRate)
	}
}

// TestWithinReach asks for more pairs only where they can decide: a steady benchmark whose
// interval straddles its threshold gets them, one so noisy that even the run's maximum of pairs
// could not tell a change of its threshold's size does not.
func TestWithinReach(t *testing.T) {
	cfg := config.Default()
	cfg.Thresholds = append(cfg.Thresholds, config.Threshold{Unit: "sec/op", MaxPercent: 3})
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		rng := rand.New(rand.NewPCG(seed, 3))
		spread := map[string]float64{"Steady": 0.01, "Wild": 0.25}
		value := func(scale float64) func(string, int) float64 {
			return func(n string, _ int) float64 { return 1000 * scale * math.Exp(spread[n]*rng.NormFloat64()) }
		}
		var base, head strings.Builder
		pairedRaw(&base, 1, 10, []string{"Steady", "Wild"}, value(1))
		pairedRaw(&head, 1, 10, []string{"Steady", "Wild"}, value(1.03))
		r := &report.Run{Count: 10, MaxCount: 30, Looks: []int{10}, Interleave: report.InterleaveBenchmark}
		rep, undecided := readPaired(t, base.String(), head.String()).Compare(cfg, compare.Extra{Run: r})
		got := map[string]bool{}
		for _, f := range undecided {
			got[f.Name] = true
		}
		for _, c := range rep.Comparisons {
			p := c.Paired
			straddles := *p.LowPercent < 3 && *p.HighPercent > 3
			switch name := strings.TrimSuffix(c.Benchmark, "-2"); {
			case name == "Wild" && got[name]:
				t.Errorf("seed %d: Wild (interval %+.1f%% to %+.1f%%) asked for more pairs; 30 could not narrow it below 3%%", seed, *p.LowPercent, *p.HighPercent)
			case name == "Steady" && straddles && !got[name]:
				t.Errorf("seed %d: Steady (interval %+.1f%% to %+.1f%%) straddles its threshold but got no more pairs", seed, *p.LowPercent, *p.HighPercent)
			case name == "Steady" && !straddles:
				t.Logf("seed %d: Steady decided at once (interval %+.1f%% to %+.1f%%)", seed, *p.LowPercent, *p.HighPercent)
			}
		}
	}
}

// TestDetectable says when a benchmark is too noisy for its pairs to show a change as large as
// its threshold.
func TestDetectable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	value := func(string, int) float64 { return 1000 * math.Exp(0.2*rng.NormFloat64()) }
	var base, head strings.Builder
	pairedRaw(&base, 1, 10, []string{"Noisy"}, value)
	pairedRaw(&head, 1, 10, []string{"Noisy"}, value)
	rep, _ := readPaired(t, base.String(), head.String()).Compare(config.Default(), compare.Extra{})
	c := rep.Comparisons[0]
	if c.Verdict != report.Unchanged || c.Paired.DetectablePercent == nil || *c.Paired.DetectablePercent <= 5 ||
		!strings.Contains(c.Reason, "10 pairs could only catch changes above") {
		t.Errorf("%s, detectable %v, reason %q", c.Verdict, c.Paired.DetectablePercent, c.Reason)
	}
}

// TestComparedTwice compares the same paired results twice, as the action does with and without
// the history: the second comparison must pair the same values as the first.
func TestComparedTwice(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	value := func(string, int) float64 { return 1000 * math.Exp(0.03*rng.NormFloat64()) }
	var base, head strings.Builder
	pairedRaw(&base, 1, 12, []string{"A", "B"}, value)
	pairedRaw(&head, 1, 12, []string{"A", "B"}, value)
	res := readPaired(t, base.String(), head.String())
	first, _ := res.Compare(config.Default(), compare.Extra{})
	second, _ := res.Compare(config.Default(), compare.Extra{})
	for i := range first.Comparisons {
		a, b := first.Comparisons[i].Paired, second.Comparisons[i].Paired
		if a.P != b.P || a.DeltaPercent != b.DeltaPercent {
			t.Errorf("%s: first %+v, then %+v", first.Comparisons[i].Benchmark, a, b)
		}
	}
}
