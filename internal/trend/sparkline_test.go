package trend

import (
	"math"
	"testing"
)

func TestSparkline(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		values []float64
		want   string
	}{
		{"none", nil, ""},
		{"one value sits in the middle", []float64{100}, "▅"},
		{"zeros sit in the middle", []float64{0, 0, 0}, "▅▅▅"},
		{"a ramp takes every height", []float64{1, 2, 3, 4, 5, 6, 7, 8}, "▁▂▃▄▅▆▇█"},
		{"a step goes from bottom to top", []float64{100, 100, 130, 130}, "▁▁██"},
		{"noise under 10% stays near the middle", []float64{100, 100.5, 99.8}, "▄▅▄"},
		{"a value that is not a number is a gap", []float64{1, nan, 2}, "▁ █"},
		{"infinity is a gap too", []float64{math.Inf(1), 5}, " ▅"},
		{"only gaps", []float64{nan, nan}, "  "},
	} {
		if got := Sparkline(tc.values); got != tc.want {
			t.Errorf("%s: Sparkline(%v) = %q, want %q", tc.name, tc.values, got, tc.want)
		}
	}
}

func TestOutlineLevels(t *testing.T) {
	for _, tc := range []struct {
		unit                string
		values              []float64
		wantFirst, wantLast string
	}{
		{"sec/op", []float64{100e-9, 110e-9, 130e-9}, "100.0n", "130.0n"},
		{"sec/op", []float64{900e-9, 1.2e-6}, "900.0n", "1200.0n"},
		{"B/op", []float64{1536, 2048}, "1.500Ki", "2.000Ki"},
		{"allocs/op", []float64{3}, "3.000", "3.000"},
		{"allocs/op", nil, "", ""},
	} {
		first, last := Outline{Unit: tc.unit, Values: tc.values}.Levels()
		if first != tc.wantFirst || last != tc.wantLast {
			t.Errorf("%s %v: levels %q, %q, want %q, %q", tc.unit, tc.values, first, last, tc.wantFirst, tc.wantLast)
		}
	}
}

// TestFindStepsOutlines gives FindSteps four commits, too few for steps: it finds none and still
// outlines every series, B's from the commit it first appears in.
func TestFindStepsOutlines(t *testing.T) {
	history := []Commit{
		{Name: "c0", Results: results(100, 0)},
		{Name: "c1", Results: results(100, 50)},
		{Name: "c2", Results: results(130, 50)},
		{Name: "c3", Results: results(130, 60)},
	}
	steps, _, err := FindSteps(history)
	if err != nil {
		t.Fatal(err)
	}
	if steps.Commits != 4 || steps.MinCommits != MinCommits || len(steps.Steps) != 0 || len(steps.Series) != 2 {
		t.Fatalf("steps: %+v", steps)
	}
	a, b := steps.Series[0], steps.Series[1]
	if a.Title() != "m.A-8 sec/op" || a.Index != 0 || Sparkline(a.Values) != "▁▁██" {
		t.Errorf("A: %s from %d, %v", a.Title(), a.Index, a.Values)
	}
	if first, last := b.Levels(); b.Title() != "m.B-8 sec/op" || b.Index != 1 || len(b.Values) != 3 || first != "50.00n" || last != "60.00n" {
		t.Errorf("B: %s from %d, %v, levels %s to %s", b.Title(), b.Index, b.Values, first, last)
	}
}
