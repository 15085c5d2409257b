package trend

import (
	"math"
	"strings"

	"golang.org/x/perf/benchunit"
)

// sparks are the eight heights of a sparkline, lowest first.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values, oldest first, as one line of text, a rune per value from ▁ (the
// lowest) to █ (the highest), so that a history too short for change points can still be read
// at a glance in a terminal. The scale spans at least 10% of the values' middle, as the pull
// request comment's History column does, so that a level series stays a level line instead of
// blowing noise of a fraction of a percent up to full height; equal values sit in the middle. A
// value that is not finite is drawn as a space and left out of the scale. "" for no values.
func Sparkline(values []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if mid := (lo + hi) / 2; hi-lo < 0.1*math.Abs(mid) {
		lo, hi = mid-0.05*math.Abs(mid), mid+0.05*math.Abs(mid)
	}
	var b strings.Builder
	for _, v := range values {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			b.WriteRune(' ')
		case hi > lo:
			b.WriteRune(sparks[int(math.Round((v-lo)/(hi-lo)*float64(len(sparks)-1)))])
		default:
			b.WriteRune(sparks[len(sparks)/2])
		}
	}
	return b.String()
}

// Outline is one series as gate trend's output gives it: its medians by commit, without the
// machinery of detection. It lets a history too short for change points still be shown.
type Outline struct {
	Config    map[string]string `json:"config,omitempty"`
	Benchmark string            `json:"benchmark"`
	Unit      string            `json:"unit"`
	// Index is the commit of Values[0], counted from 0 in the history as a step's index is; the
	// series has a value for each commit from there on, until it ends or the history does.
	Index int `json:"index"`
	// Values are the benchmark's medians, one per commit, in the unit's base scale (seconds for
	// sec/op), as a step's before and after are.
	Values []float64 `json:"values"`
}

// Outlines are the series as Steps gives them, in the same order.
func Outlines(series []*Series) []Outline {
	out := make([]Outline, len(series))
	for i, s := range series {
		out[i] = Outline{Config: s.Config, Benchmark: s.Benchmark, Unit: s.Unit, Index: s.First, Values: s.Values}
	}
	return out
}

// Title names the series as the terminal shows it: "pkg.Benchmark unit".
func (o Outline) Title() string { return title(o.Config, o.Benchmark, o.Unit) }

// Levels are the series' first and last medians in the unit's humane scale ("100.0n",
// "1.500Ki"), as the comparison tables print values; both share one scale, so that they read
// against each other. Empty for a series without values.
func (o Outline) Levels() (first, last string) {
	if len(o.Values) == 0 {
		return "", ""
	}
	a, z := o.Values[0], o.Values[len(o.Values)-1]
	scale := benchunit.CommonScale([]float64{a, z}, benchunit.ClassOf(o.Unit))
	return scale.Format(a), scale.Format(z)
}
