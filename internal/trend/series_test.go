package trend

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// results is one commit's results: benchmarks A and B of example.com/m at the given ns/op, five
// samples each around it (±0.2%).
func results(a, b float64) []byte {
	var s strings.Builder
	s.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/m\n")
	for k := range 5 {
		f := 1 + 0.001*float64(k-2)
		if a > 0 {
			fmt.Fprintf(&s, "BenchmarkA-8 1000 %.3f ns/op\n", a*f)
		}
		if b > 0 {
			fmt.Fprintf(&s, "BenchmarkB-8 1000 %.3f ns/op\n", b*f)
		}
	}
	return []byte(s.String())
}

// TestBuild reads a history of five commits: B is missing from the third, so its series starts
// again after the gap; the last two commits were measured against their parents.
func TestBuild(t *testing.T) {
	history := []Commit{
		{Name: "c0", Results: results(100, 200)},
		{Name: "c1", Results: results(101, 202)},
		{Name: "c2", Results: results(102, 0)},
		{Name: "c3", Results: results(110, 210), ParentResults: results(100, 200)},
		{Name: "c4", Results: results(99, 205), ParentResults: results(110, 210)},
	}
	series, err := Build(history)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 2 {
		t.Fatalf("%d series, want A and B", len(series))
	}
	a, b := series[0], series[1]
	if a.Title() != "m.A-8 sec/op" || a.First != 0 || len(a.Values) != 5 || math.Abs(a.Values[3]-110e-9) > 1e-15 {
		t.Errorf("A: %s from %d, values %v", a.Title(), a.First, a.Values)
	}
	if b.First != 3 || len(b.Values) != 2 {
		t.Errorf("B after its gap: from %d, values %v", b.First, b.Values)
	}
	if !math.IsNaN(a.Deltas[0]) || math.Abs(a.Deltas[3]-10) > 1e-9 || math.Abs(a.Deltas[4]-(99.0/110-1)*100) > 1e-9 {
		t.Errorf("A's deltas %v, want NaN for the commits without a parent measurement, then +10%% and -10%%", a.Deltas)
	}
	if KeyOf(a.Config, a.Benchmark, a.Unit) == KeyOf(b.Config, b.Benchmark, b.Unit) {
		t.Error("A and B share a key")
	}

	// A results file labelled as a base side (gate run's base.txt) is one commit's results too.
	labelled := append([]byte("benchgate-side: base\n"), results(100, 0)...)
	if s, err := Build([]Commit{{Name: "base.txt", Results: labelled}}); err != nil || len(s) != 1 || len(s[0].Values) != 1 {
		t.Errorf("base-labelled results: %+v, %v", s, err)
	}
}

func TestSpread(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name   string
		values []float64
		deltas []float64
		basis  string
		want   float64 // percent
		ok     bool
	}{{
		// 1.4826 × MAD of the changes against the parent: median 0, deviations 1, 1, 2, 2, 0.
		name:   "changes against the parent",
		values: []float64{100, 101, 99, 102, 98, 100},
		deltas: []float64{nan, 1, -1, 2, -2, 0},
		basis:  "parent", want: 1.4826, ok: true,
	}, {
		// Too few changes: the medians since the last change point decide, relative to their
		// median 150: deviations 0, 1, 1, 2, 2, 0, 1, 1, 2, 2% → MAD 1%.
		name:   "medians since the last step",
		values: append(series(1, 20, -1, 0, 0.001, 0), 150, 151.5, 148.5, 153, 147, 150, 151.5, 148.5, 153, 147),
		deltas: append(make([]float64, 0), nan, 5, nan),
		basis:  "commits", want: 1.4826, ok: true,
	}, {
		name:   "too short",
		values: []float64{100, 101, 99, 102},
		deltas: []float64{nan, nan, nan, nan},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Series{Values: c.values, Deltas: c.deltas}
			if len(s.Deltas) < len(s.Values) {
				s.Deltas = append(make([]float64, len(s.Values)-len(s.Deltas)), s.Deltas...)
				for i := range len(s.Values) - len(c.deltas) {
					s.Deltas[i] = nan
				}
			}
			pct, basis, n, ok := s.Spread()
			if ok != c.ok || basis != c.basis || c.ok && math.Abs(pct-c.want) > 0.01 {
				t.Errorf("spread %.4f%% over %d %q (ok %v), want %.4f%% %q (ok %v)", pct, n, basis, ok, c.want, c.basis, c.ok)
			}
			h := s.History()
			if h == nil {
				t.Fatal("no history")
			}
			if len(h.Values) != min(len(c.values), Recent) || (h.SpreadPercent != nil) != c.ok {
				t.Errorf("history: %d values, spread %v", len(h.Values), h.SpreadPercent)
			}
		})
	}
}

func TestHistoryOfZeros(t *testing.T) {
	s := &Series{Values: make([]float64, 8), Deltas: make([]float64, 8)}
	if h := s.History(); h != nil {
		t.Errorf("history of zeros: %+v, want none", h)
	}
}
