package main

import (
	"fmt"
	"math"
	"strings"
)

// report is everything one invocation measured.
type report struct {
	Date       string    `json:"date"`
	GoVersion  string    `json:"go_version"`
	GOOS       string    `json:"goos"`
	GOARCH     string    `json:"goarch"`
	CPUs       int       `json:"cpus"`
	RunMS      float64   `json:"run_ms"`
	Processes  int       `json:"processes"`
	Lag        int       `json:"lag"`
	StartupMS  []float64 `json:"startup_ms"`
	BuildS     []float64 `json:"build_s"` // A, B
	PinSkipped string    `json:"pin_skipped,omitempty"`
	Seconds    float64   `json:"seconds"` // the whole measurement
	Results    []result  `json:"results"`
}

func (rep *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Benchmark noise, %s, %s/%s, %d CPUs, %s: runs of %.0f ms at a fixed iteration count; %d processes per sequence; sds of log(ns/op) in %%.\n\n",
		rep.Date, rep.GOOS, rep.GOARCH, rep.CPUs, rep.GoVersion, rep.RunMS, rep.Processes)
	fmt.Fprintf(&b, "| kind | ns/op | within-process sd %% | between-process sd %% | per-process sd %% (ANOVA) | A2 vs A mean diff %% | B vs A (layout) mean diff %% ± sd | adjacent-pair diff sd %% | lag-%d pair diff sd %% | pinned between-process sd %% |\n", rep.Lag)
	b.WriteString("| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: |\n")
	for _, r := range rep.Results {
		pinned := "–"
		if r.Pinned != nil {
			pinned = fmt.Sprintf("%.2f", *r.Pinned)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %.2f | %+.2f | %+.2f ± %.2f | %.2f | %.2f | %s |\n",
			r.Kind, r.NsPerOp, r.Within, r.Between, r.PerProcess, r.Identical.Mean, r.Layout.Mean, r.Layout.SD, r.Adjacent, r.Lagged, pinned)
	}
	fmt.Fprintf(&b, "\nProcess start-up %.1f ms (median of %d that run nothing); per-run overhead %.1f ms (wall less timed benchmark, median); build %.1f s (A) and %.1f s (B); whole measurement %.0f s.\n\n",
		median(rep.StartupMS), len(rep.StartupMS), rep.medianOf(func(r result) float64 { return r.OverheadMS }), rep.BuildS[0], rep.BuildS[1], rep.Seconds)
	for _, line := range rep.interpret() {
		fmt.Fprintf(&b, "- %s\n", line)
	}
	return b.String()
}

// medianOf is the median of f over the benchmarks.
func (rep *report) medianOf(f func(result) float64) float64 {
	xs := make([]float64, len(rep.Results))
	for i, r := range rep.Results {
		xs[i] = f(r)
	}
	return median(xs)
}

// interpret says what the numbers show, from their medians over the benchmarks.
func (rep *report) interpret() []string {
	return []string{rep.components(), rep.schedules(), rep.drift(), rep.identical(), rep.layout(), rep.pinning()}
}

func (rep *report) components() string {
	within := func(r result) float64 { return r.Within }
	perProcess := func(r result) float64 { return r.PerProcess }
	w, p, n := rep.medianOf(within), rep.medianOf(perProcess), len(rep.Results)
	switch {
	case rep.clearlyBelow(within, perProcess, 1.5):
		return fmt.Sprintf("Per-process noise is %.1f× within-process noise (median %.2f%% vs %.2f%%, larger for %d of %d benchmarks): repetitions inside one process do not average it away; more processes do.", p/w, p, w, rep.lower(within, perProcess), n)
	case rep.clearlyBelow(perProcess, within, 1.5):
		return fmt.Sprintf("Per-process noise is small next to within-process noise (median %.2f%% vs %.2f%%, smaller for %d of %d benchmarks): repetitions inside one process average nearly as well as more processes.", p, w, rep.lower(perProcess, within), n)
	default:
		return fmt.Sprintf("Per-process and within-process noise are comparable (median %.2f%% vs %.2f%%, per-process smaller for %d of %d benchmarks): both more processes and more repetitions help.", p, w, rep.lower(perProcess, within), n)
	}
}

// schedules compares ways to spend 20 runs, by the sd of their mean and their cost.
func (rep *report) schedules() string {
	w := rep.medianOf(func(r result) float64 { return r.Within * r.Within })
	p := rep.medianOf(func(r result) float64 { return r.PerProcess * r.PerProcess })
	overhead := rep.medianOf(func(r result) float64 { return r.OverheadMS })
	var parts []string
	for _, s := range [][2]int{{20, 1}, {5, 4}, {1, 20}} {
		cost := (float64(s[0])*overhead + 20*rep.RunMS) / 1000
		parts = append(parts, fmt.Sprintf("%d×%d: %.2f%% in %.2f s", s[0], s[1], meanSD(w, p, s[0], s[1]), cost))
	}
	return fmt.Sprintf("Twenty runs as processes × repetitions, sd of their mean and time taken: %s.", strings.Join(parts, "; "))
}

// lower counts the benchmarks whose a is below their b.
func (rep *report) lower(a, b func(result) float64) int {
	k := 0
	for _, r := range rep.Results {
		if a(r) < b(r) {
			k++
		}
	}
	return k
}

// clearlyBelow reports whether a is below b by factor in the medians over the benchmarks, and
// below it for at least two thirds of them.
func (rep *report) clearlyBelow(a, b func(result) float64, factor float64) bool {
	return factor*rep.medianOf(a) <= rep.medianOf(b) && 3*rep.lower(a, b) >= 2*len(rep.Results)
}

func (rep *report) drift() string {
	adjacent := func(r result) float64 { return r.Adjacent }
	lagged := func(r result) float64 { return r.Lagged }
	a, l, n := rep.medianOf(adjacent), rep.medianOf(lagged), len(rep.Results)
	secs := rep.medianOf(func(r result) float64 { return r.LagSeconds })
	switch {
	case rep.clearlyBelow(adjacent, lagged, 1.2):
		return fmt.Sprintf("Adjacent processes differ less than processes %d apart (%.1f s) for %d of %d benchmarks (median %.2f%% vs %.2f%%): the machine drifts, and pairing base and head back-to-back cancels the drift.", rep.Lag, secs, rep.lower(adjacent, lagged), n, a, l)
	case rep.clearlyBelow(lagged, adjacent, 1.2):
		return fmt.Sprintf("Adjacent processes differ more than processes %d apart (%.1f s) for %d of %d benchmarks (median %.2f%% vs %.2f%%): back-to-back processes disturb each other, and there is no drift to cancel.", rep.Lag, secs, rep.lower(lagged, adjacent), n, a, l)
	default:
		return fmt.Sprintf("Adjacent processes and processes %d apart (%.1f s) differ alike (median %.2f%% vs %.2f%%, adjacent smaller for %d of %d benchmarks): no consistent drift on this time scale, so back-to-back pairing neither helps nor hurts here.", rep.Lag, secs, a, l, rep.lower(adjacent, lagged), n)
	}
}

// shifted returns the kinds whose difference d is significant, the largest |mean| of all, and
// the largest two standard errors, the smallest shift that could have shown.
func (rep *report) shifted(d func(result) diff) (kinds []string, largest, resolution float64) {
	for _, r := range rep.Results {
		x := d(r)
		if x.significant() {
			kinds = append(kinds, r.Kind)
		}
		largest, resolution = max(largest, math.Abs(x.Mean)), max(resolution, 2*x.SD/math.Sqrt(float64(x.N)))
	}
	return kinds, largest, resolution
}

func (rep *report) identical() string {
	kinds, largest, resolution := rep.shifted(func(r result) diff { return r.Identical })
	if len(kinds) == 0 {
		return fmt.Sprintf("Identical binaries agree: A2 and A differ by at most %.2f%%, inside two standard errors (up to %.2f%%), so running two files adds no bias that this resolves.", largest, resolution)
	}
	return fmt.Sprintf("Identical binaries differ beyond noise for %s (up to %.2f%%): a floor under any threshold, since nothing changed.", strings.Join(kinds, ", "), largest)
}

func (rep *report) layout() string {
	kinds, largest, resolution := rep.shifted(func(r result) diff { return r.Layout })
	if len(kinds) == 0 {
		return fmt.Sprintf("Code layout moves no benchmark beyond noise: B vs A at most %.2f%%, while two standard errors reach %.2f%%, so smaller layout effects go unseen.", largest, resolution)
	}
	return fmt.Sprintf("Code layout alone moves %s (up to %.2f%%, same source): any change to head can shift unrelated benchmarks this much.", strings.Join(kinds, ", "), largest)
}

func (rep *report) pinning() string {
	if rep.PinSkipped != "" {
		return rep.PinSkipped + ": pinning not measured."
	}
	pinned := func(r result) float64 { return *r.Pinned }
	free := func(r result) float64 { return r.Between }
	p, f, n := rep.medianOf(pinned), rep.medianOf(free), len(rep.Results)
	switch {
	case rep.clearlyBelow(pinned, free, 1.25):
		return fmt.Sprintf("Pinning every process to CPU 0 lowers between-process noise for %d of %d benchmarks (median %.2f%% vs %.2f%% unpinned).", rep.lower(pinned, free), n, p, f)
	case rep.clearlyBelow(free, pinned, 1.25):
		return fmt.Sprintf("Pinning every process to CPU 0 raises between-process noise for %d of %d benchmarks (median %.2f%% vs %.2f%% unpinned).", rep.lower(free, pinned), n, p, f)
	default:
		return fmt.Sprintf("Pinning every process to CPU 0 has no consistent effect on between-process noise (lower for %d of %d benchmarks; median %.2f%% vs %.2f%% unpinned).", rep.lower(pinned, free), n, p, f)
	}
}
