package main

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func near(got, want float64) bool { return math.Abs(got-want) < 1e-9 }

func TestSdPct(t *testing.T) {
	// The logs are 0 and 1, whose sd is √½.
	if got, want := sdPct([]float64{1, math.E}), 100*math.Sqrt(0.5); !near(got, want) {
		t.Errorf("sdPct = %v, want %v", got, want)
	}
	if got := sdPct([]float64{5}); got != 0 {
		t.Errorf("sdPct of one value = %v, want 0", got)
	}
}

func TestComponents(t *testing.T) {
	// Each group has variance 1; the means 2 and 5 have variance 4.5, of which 1/3 is the
	// within-process variance of a mean of three.
	within, perProcess := components([][]float64{{1, 2, 3}, {4, 5, 6}})
	if !near(within, 1) || !near(perProcess, 4.5-1.0/3) {
		t.Errorf("components = %v, %v, want 1, %v", within, perProcess, 4.5-1.0/3)
	}
	// Equal means leave less than nothing for the processes: floored at 0.
	within, perProcess = components([][]float64{{1, 3}, {2, 2}})
	if !near(within, 1) || perProcess != 0 {
		t.Errorf("components = %v, %v, want 1, 0", within, perProcess)
	}
}

func TestMeanSD(t *testing.T) {
	if got, want := meanSD(4, 1, 2, 2), math.Sqrt(1.0/2+4.0/4); !near(got, want) {
		t.Errorf("meanSD = %v, want %v", got, want)
	}
}

func TestLagDiffs(t *testing.T) {
	xs := []float64{0, 1, 3, 6}
	if got := lagDiffs(xs, 1); !slices.Equal(got, []float64{1, 2, 3}) {
		t.Errorf("lag 1: %v", got)
	}
	if got := lagDiffs(xs, 3); !slices.Equal(got, []float64{6}) {
		t.Errorf("lag 3: %v", got)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("odd: %v", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("even: %v", got)
	}
}

func TestDiff(t *testing.T) {
	d := newDiff([][2]float64{{100, 110}, {100, 110}, {200, 220}})
	if want := 100 * math.Log(1.1); !near(d.Mean, want) || !near(d.SD, 0) || d.N != 3 {
		t.Errorf("newDiff = %+v, want mean %v, sd 0, 3 pairs", d, want)
	}
	if !d.significant() {
		t.Error("a constant 10% difference is not significant")
	}
	if (diff{Mean: 1, SD: 4, N: 16}).significant() {
		t.Error("a mean of one standard error is significant")
	}
}

func TestParse(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: example.com/noise
BenchmarkCPU-2   	    6299	      3184 ns/op
BenchmarkCPU-2   	    6300	      3190.5 ns/op
PASS
`
	ns, iters, err := parse(strings.NewReader(out))
	if err != nil || !slices.Equal(ns, []float64{3184, 3190.5}) || iters != 6300 {
		t.Errorf("parse = %v, %v, %v", ns, iters, err)
	}
}

func TestSelectKinds(t *testing.T) {
	got, err := selectKinds([]string{"sort", "cpu"})
	if err != nil || len(got) != 2 || got[0].bench != "BenchmarkCPU" || got[1].bench != "BenchmarkSort" {
		t.Errorf("selectKinds = %v, %v", got, err)
	}
	if _, err := selectKinds([]string{"cpu", "gpu"}); err == nil {
		t.Error("an unknown kind is accepted")
	}
}
