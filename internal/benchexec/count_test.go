package benchexec

import (
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

// TestWiden checks which benchmarks' extra rounds count more operations: those still undecided
// whose counts spread past wideSpread on either side, once, and never an N the user fixed.
func TestWiden(t *testing.T) {
	f := report.Func{Package: "example.com/p", Name: "Work"}
	key := benchKey{f.Package, "Work"}
	for _, tt := range []struct {
		name       string
		base, head []float64
		undecided  bool
		fixed      bool
		widened    bool // already
		want       int
	}{
		{name: "tight counts", base: []float64{1000, 1005, 1003}, head: []float64{1010, 1012, 1011}, undecided: true, want: 100},
		{name: "head spreads 6%", base: []float64{1000, 1005, 1003}, head: []float64{1000, 1060, 1030}, undecided: true, want: 400},
		{name: "base spreads 3%", base: []float64{1000, 1030}, head: []float64{1000, 1001}, undecided: true, want: 400},
		{name: "decided", base: []float64{1000, 1060}, head: []float64{1000, 1060}, want: 100},
		{name: "one count a side", base: []float64{1000}, head: []float64{1100}, undecided: true, want: 100},
		{name: "fixed by the user", base: []float64{1000, 1060}, head: []float64{1000, 1060}, undecided: true, fixed: true, want: 100},
		{name: "widened before", base: []float64{1000, 1060}, head: []float64{1000, 1060}, undecided: true, widened: true, want: 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &counting{
				iters: map[benchKey]int{key: 100}, names: map[report.Func][]string{f: {"Work"}},
				counts:  map[benchKey]map[report.Side][]float64{key: {report.Base: tt.base, report.Head: tt.head}},
				widened: map[benchKey]bool{key: tt.widened}, fixed: tt.fixed,
			}
			var undecided []report.Func
			if tt.undecided {
				undecided = []report.Func{f}
			}
			c.widen(undecided)
			if got := c.iters[key]; got != tt.want {
				t.Errorf("N %d, want %d", got, tt.want)
			}
			c.widen(undecided) // a second look widens no further
			if got := c.iters[key]; got != tt.want {
				t.Errorf("after a second look, N %d, want %d", got, tt.want)
			}
		})
	}
}
