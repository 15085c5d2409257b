package main

import (
	"math"
	"time"
)

// withinCount is the repetitions of each within-process process.
const withinCount = 20

// plan is how many processes each measurement takes.
type plan struct {
	processes    int           // the sequence of one-run processes, unpinned and pinned
	lag          int           // the distance in the sequence compared with adjacent processes
	within       int           // processes of withinCount repetitions
	groups, reps int           // the ANOVA's processes × repetitions
	pairs        int           // pairs per comparison of binaries
	empty        int           // processes that run nothing, timed for start-up
	runTime      time.Duration // what one run is calibrated to last
}

// samples are one benchmark's raw measurements, in ns/op unless named otherwise.
type samples struct {
	Within     [][]float64  `json:"within"`      // per process
	Sequence   []float64    `json:"sequence"`    // one per process
	StartS     []float64    `json:"start_s"`     // when each process of the sequence started
	OverheadMS []float64    `json:"overhead_ms"` // each's wall time less the timed benchmark
	ANOVA      [][]float64  `json:"anova"`       // per process
	Identical  [][2]float64 `json:"a_a2"`        // (A, A2) per pair
	Layout     [][2]float64 `json:"a_b"`         // (A, B) per pair
	Pinned     []float64    `json:"pinned,omitempty"`
}

// collect takes every measurement of bench, n iterations per run.
func (l *lab) collect(bench string, n int, p plan) (s samples, err error) {
	a := l.bins.a
	within, err := l.repeat(a, bench, n, p.within, withinCount, false)
	if err != nil {
		return s, err
	}
	seq, err := l.repeat(a, bench, n, p.processes, 1, false)
	if err != nil {
		return s, err
	}
	anova, err := l.repeat(a, bench, n, p.groups, p.reps, false)
	if err != nil {
		return s, err
	}
	if s.Identical, err = l.pairs(a, l.bins.a2, bench, n, p.pairs); err != nil {
		return s, err
	}
	if s.Layout, err = l.pairs(a, l.bins.b, bench, n, p.pairs); err != nil {
		return s, err
	}
	if l.pin {
		pinned, err := l.repeat(a, bench, n, p.processes, 1, true)
		if err != nil {
			return s, err
		}
		s.Pinned = firsts(pinned)
	}
	for _, x := range within {
		s.Within = append(s.Within, x.ns)
	}
	for _, x := range anova {
		s.ANOVA = append(s.ANOVA, x.ns)
	}
	s.Sequence = firsts(seq)
	for _, x := range seq {
		s.StartS = append(s.StartS, x.start.Sub(seq[0].start).Seconds())
		s.OverheadMS = append(s.OverheadMS, float64(x.wall)/1e6-x.ns[0]*float64(x.iters)/1e6)
	}
	return s, nil
}

// firsts returns each process's first ns/op.
func firsts(ss []sample) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = s.ns[0]
	}
	return out
}

// diff is the mean and sd of 100 × (log y − log x) over n pairs (x, y).
type diff struct {
	Mean float64 `json:"mean_pct"`
	SD   float64 `json:"sd_pct"`
	N    int     `json:"pairs"`
}

func newDiff(pairs [][2]float64) diff {
	d := pairDiffsPct(pairs)
	return diff{mean(d), sd(d), len(d)}
}

// significant reports whether the mean is more than two standard errors from 0.
func (d diff) significant() bool { return math.Abs(d.Mean) > 2*d.SD/math.Sqrt(float64(d.N)) }

// result is what one benchmark's samples show; spreads are sds of log(ns/op), in percent.
type result struct {
	Kind        string   `json:"kind"`
	Iterations  int      `json:"iterations"`            // per run
	NsPerOp     float64  `json:"ns_per_op"`             // median over the sequence
	Within      float64  `json:"within_sd_pct"`         // median over the within processes
	Between     float64  `json:"between_sd_pct"`        // across the sequence
	PerProcess  float64  `json:"per_process_sd_pct"`    // the ANOVA's per-process component
	WithinANOVA float64  `json:"anova_within_sd_pct"`   // the ANOVA's within-process component
	Identical   diff     `json:"a2_vs_a"`               // A2 − A
	Layout      diff     `json:"b_vs_a"`                // B − A
	Adjacent    float64  `json:"adjacent_diff_sd_pct"`  // of differences of adjacent processes
	Lagged      float64  `json:"lagged_diff_sd_pct"`    // of differences of processes lag apart
	LagSeconds  float64  `json:"lag_seconds"`           // median time between those
	Pinned      *float64 `json:"pinned_between_sd_pct"` // across the pinned sequence, if run
	OverheadMS  float64  `json:"overhead_ms"`           // median per run of the sequence
	Samples     samples  `json:"samples"`
}

// analyze computes what s shows.
func analyze(kind string, n int, s samples, lag int) result {
	r := result{Kind: kind, Iterations: n, Samples: s, NsPerOp: median(s.Sequence), Between: sdPct(s.Sequence),
		Identical: newDiff(s.Identical), Layout: newDiff(s.Layout), OverheadMS: median(s.OverheadMS), LagSeconds: median(lagDiffs(s.StartS, lag))}
	var within []float64
	for _, w := range s.Within {
		within = append(within, sdPct(w))
	}
	r.Within = median(within)
	groups := make([][]float64, len(s.ANOVA))
	for i, g := range s.ANOVA {
		groups[i] = logs(g)
	}
	w, p := components(groups)
	r.WithinANOVA, r.PerProcess = 100*math.Sqrt(w), 100*math.Sqrt(p)
	l := logs(s.Sequence)
	r.Adjacent, r.Lagged = 100*sd(lagDiffs(l, 1)), 100*sd(lagDiffs(l, lag))
	if s.Pinned != nil {
		v := sdPct(s.Pinned)
		r.Pinned = &v
	}
	return r
}
