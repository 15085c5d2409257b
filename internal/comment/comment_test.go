package comment_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/synth"
	"github.com/benchgate/benchgate/internal/trend"
)

// TestRender renders every report in testdata as text and markdown and compares the result with
// the golden files beside it (-update rewrites them).
func TestRender(t *testing.T) {
	reports, err := filepath.Glob("testdata/*.json")
	if err != nil || len(reports) == 0 {
		t.Fatalf("no reports in testdata: %v", err)
	}
	for _, path := range reports {
		r, err := report.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(path, ".json")
		for ext, render := range map[string]func(*bytes.Buffer, *report.Report) error{
			".txt": func(b *bytes.Buffer, r *report.Report) error { return comment.Text(b, r) },
			".md":  func(b *bytes.Buffer, r *report.Report) error { return comment.Markdown(b, r) },
		} {
			t.Run(filepath.Base(base)+ext, func(t *testing.T) {
				var got bytes.Buffer
				if err := render(&got, r); err != nil {
					t.Fatal(err)
				}
				if bytes.ContainsRune(got.Bytes(), '−') {
					t.Error("a U+2212 minus sign beside the '-' benchstat writes")
				}
				golden.Check(t, base+ext, got.Bytes())
			})
		}
	}
}

// TestMarkdownIsInert checks the hostile report's markdown for anything that would render as
// HTML, a link, a mention or a broken table.
func TestMarkdownIsInert(t *testing.T) {
	r, err := report.ReadFile("testdata/hostile.json")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := comment.Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<img", "<script", " @org", "@everyone", "\nname"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown contains %q", bad)
		}
	}
	// A link needs an unescaped "](".
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(md) {
		t.Error("markdown contains a link")
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) < 5 {
			t.Errorf("table row lost its cells: %q", line)
		}
	}
}

// TestMarkdownEscapesSHAs renders a run whose base SHA is markup: the report's base SHA is not
// checked against the event the way its head's is, so it is as untrusted as a name.
func TestMarkdownEscapesSHAs(t *testing.T) {
	r := &report.Report{Run: &report.Run{
		Base: report.Revision{Ref: "main", SHA: "@everyone <b>"},
		Head: report.Revision{SHA: "<img src=x/>"},
	}}
	for _, repoURL := range []string{"", "https://github.com/o/r"} {
		var b bytes.Buffer
		if err := comment.MarkdownWith(&b, r, comment.Options{RepoURL: repoURL}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"@everyone", "<b>", "<img"} {
			if strings.Contains(b.String(), bad) {
				t.Errorf("RepoURL %q: markdown contains %q:\n%s", repoURL, bad, b.String())
			}
		}
	}
}

// TestMarkdownCutRowKeepsColumns cuts the regressions of a paired report and of a report with a
// history to fit: the row that says how many more there are has as many cells as the header.
func TestMarkdownCutRowKeepsColumns(t *testing.T) {
	for _, shape := range []string{"paired", "history"} {
		r, err := report.ReadFile("testdata/hostile.json")
		if err != nil {
			t.Fatal(err)
		}
		for i := range r.Comparisons {
			if shape == "paired" {
				r.Comparisons[i].Paired = &report.Paired{Test: report.PairedTest, N: 10, P: 0.001, Look: 1, Alpha: 0.05}
			} else {
				r.Comparisons[i].History = &report.History{Values: []float64{1, 2}}
				r.History = &report.HistorySource{Branch: "benchgate-data", Commits: 2}
			}
		}
		var b bytes.Buffer
		if err := comment.MarkdownWith(&b, r, comment.Options{MaxBytes: 1000}); err != nil {
			t.Fatal(err)
		}
		cells := func(line string) int { return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1 }
		lines := strings.Split(b.String(), "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "| … and ") })
		if i < 0 || cells(lines[i]) != cells(lines[2]) {
			t.Errorf("%s: no cut row of the header's %d cells:\n%s", shape, cells(lines[2]), b.String())
		}
	}
}

// TestHeadline counts benchmarks, not comparisons: a benchmark counts once, under the most
// important verdict among its units.
func TestHeadline(t *testing.T) {
	cmp := func(bench, unit string, v report.Verdict) report.Comparison {
		return report.Comparison{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: bench, Unit: unit, Verdict: v}
	}
	for _, tc := range []struct {
		name string
		cmps []report.Comparison
		want string
	}{
		{"one each", []report.Comparison{
			cmp("A", "sec/op", report.Regression), cmp("B", "sec/op", report.Regression), cmp("C", "sec/op", report.Improvement),
			cmp("D", "sec/op", report.New), cmp("E", "sec/op", report.Unchanged), cmp("F", "sec/op", report.WithinThreshold),
		}, "FAIL: 2 regressions past threshold, 1 improvement, 1 new benchmark, 1 within threshold, 1 unchanged"},
		{"time and throughput of one benchmark", []report.Comparison{
			cmp("A", "sec/op", report.Regression), cmp("B", "sec/op", report.Unchanged),
			cmp("A", "B/s", report.Regression), cmp("B", "B/s", report.Unchanged),
		}, "FAIL: 1 regression past threshold, 1 unchanged"},
		{"slower but allocating less", []report.Comparison{
			cmp("A", "sec/op", report.Regression), cmp("A", "allocs/op", report.Improvement), cmp("B", "allocs/op", report.Improvement),
		}, "FAIL: 1 regression past threshold, 1 improvement"},
		{"same name in another package", []report.Comparison{
			cmp("A", "sec/op", report.Regression),
			{Config: map[string]string{"pkg": "example.com/n"}, Benchmark: "A", Unit: "sec/op", Verdict: report.Regression},
		}, "FAIL: 2 regressions past threshold"},
		{"unchanged", []report.Comparison{cmp("A", "sec/op", report.Unchanged), cmp("A", "B/op", report.WithinThreshold)}, "PASS: 1 within threshold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Comparisons: tc.cmps}
			r.Tally()
			if got := comment.Headline(r); got != tc.want {
				t.Errorf("headline\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestMarkdownBounded renders a report far too large for a comment: the body stays within the
// bound, the full table is folded away with a pointer, and the rows kept are the largest
// regressions.
func TestMarkdownBounded(t *testing.T) {
	spec := synth.Spec{Benchmarks: 6000, Runs: 6, Slowed: 3000, Slowdown: 1.5, MinCV: 0.01, MaxCV: 0.02, Seed: 3}
	var base, head bytes.Buffer
	if err := synth.Write(spec, &base, &head); err != nil {
		t.Fatal(err)
	}
	r, err := compare.Compare([]compare.Input{{Name: "b", R: &base, Side: report.Base}, {Name: "h", R: &head, Side: report.Head}}, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("warning %d", i))
	}
	var b bytes.Buffer
	if err := comment.MarkdownWith(&b, r, comment.Options{MaxBytes: comment.CommentLimit, RestURL: "https://github.com/o/r/actions/runs/1"}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if len(md) > comment.CommentLimit {
		t.Errorf("%d bytes, limit %d", len(md), comment.CommentLimit)
	}
	for _, want := range []string{"They are too many for a comment: see [the job summary](https://github.com/o/r/actions/runs/1)", "more, in [the job summary]", "### ❌ "} {
		if !strings.Contains(md, want) {
			t.Errorf("bounded markdown lacks %q", want)
		}
	}
	// The first row is the largest change among the regressions.
	var largest float64
	for _, c := range r.Comparisons {
		if c.Verdict == report.Regression && *c.DeltaPercent > largest {
			largest = *c.DeltaPercent
		}
	}
	if want := fmt.Sprintf("**+%.2f%%**", largest); !strings.Contains(strings.SplitN(md, "\n", 5)[4], want) {
		t.Errorf("first row is not the largest regression %s:\n%s", want, strings.SplitN(md, "\n", 6)[4])
	}
	var full bytes.Buffer
	if err := comment.MarkdownWith(&full, r, comment.Options{MaxBytes: comment.SummaryLimit}); err != nil {
		t.Fatal(err)
	}
	if full.Len() > comment.SummaryLimit || full.Len() <= len(md) {
		t.Errorf("summary %d bytes: want more than the comment's %d, at most %d", full.Len(), len(md), comment.SummaryLimit)
	}
}

// TestRenderPaired renders a gate run's report whose samples came in pairs, with extra rounds for
// the undecided: the paired results stand beside benchstat's numbers, and the footer says what
// the pairs could detect (golden files paired.md and paired.txt).
func TestRenderPaired(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 3))
	effect := map[string]float64{"Steady": 1, "Slower": 1.08, "Noisy": 1}
	var base, head strings.Builder
	for pair := 1; pair <= 15; pair++ {
		drift := 0.9 + 0.3*rng.Float64() // the machine's speed, the same for both sides of a pair
		for _, side := range []*strings.Builder{&base, &head} {
			fmt.Fprintf(side, "pkg: example.com/p\nbenchgate-pair: %d\n", pair)
			for _, name := range []string{"Steady", "Slower", "Noisy"} {
				if pair > 10 && name != "Noisy" {
					continue // the extra rounds ran the undecided only
				}
				v := 1000 * drift * math.Exp(0.005*rng.NormFloat64())
				if name == "Noisy" {
					v *= math.Exp(0.15 * rng.NormFloat64())
				}
				if side == &head {
					v *= effect[name]
				}
				fmt.Fprintf(side, "Benchmark%s-2\t1000\t%.1f ns/op\n", name, v)
			}
		}
	}
	results, err := compare.ReadRun([]byte(base.String()), []byte(head.String()))
	if err != nil {
		t.Fatal(err)
	}
	run := &report.Run{
		Base: report.Revision{Ref: "merge-base of origin/main and the head", SHA: "1111111111111111111111111111111111111111"},
		Head: report.Revision{SHA: "2222222222222222222222222222222222222222"},
		Seed: 7, Count: 10, Rounds: 15, Bench: ".", Interleave: report.InterleaveBenchmark, MaxCount: 30,
		Looks: []int{10, 15}, Extra: [][]report.Func{{{Package: "example.com/p", Name: "Noisy"}}}, FixedIterations: true,
		WallSeconds: 40, BuildSeconds: 2, RoundsSeconds: 37, ProcessesSeconds: 36, StartupSeconds: 0.004, BenchmarkSeconds: 30,
	}
	r, _ := results.Compare(config.Default(), compare.Extra{Run: run})
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for ext, render := range map[string]func(*bytes.Buffer, *report.Report) error{
		".txt": func(b *bytes.Buffer, r *report.Report) error { return comment.Text(b, r) },
		".md":  func(b *bytes.Buffer, r *report.Report) error { return comment.Markdown(b, r) },
	} {
		var got bytes.Buffer
		if err := render(&got, r); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "testdata/paired"+ext, got.Bytes())
	}
}

func TestStepsAcknowledged(t *testing.T) {
	var b bytes.Buffer
	err := comment.Steps(&b, trend.Steps{Commits: 20, Steps: []trend.Step{{
		Config: map[string]string{"pkg": "example.com/m"}, Benchmark: "A-8", Unit: "sec/op", Index: 12, File: "abc123 faster hash", ChangePercent: 28.1, P: 0.005, Worse: true,
		Acknowledged: &report.Acceptance{By: "alice", Source: report.AcceptDescription, Reason: "a safer hash"},
	}}})
	want := "m.A-8 sec/op: +28.1% (WORSE, acknowledged by alice: a safer hash) at abc123 faster hash (commit 13 of 20), p=0.005\n"
	if err != nil || b.String() != want {
		t.Errorf("got %q, %v\nwant %q", b.String(), err, want)
	}
}

// TestRenderingBoundedAndInert covers what the fuzzers' runs did not reach: a footer of long
// failures is cut to fit a comment, a revision's control characters do not reach the terminal,
// and a bare www. address does not become a link.
func TestRenderingBoundedAndInert(t *testing.T) {
	r := &report.Report{SchemaVersion: report.SchemaVersion, Tool: report.Tool{Name: "gate"}, Settings: report.Settings{Alpha: 0.05, Confidence: 0.95, FalseAlarmControl: report.BenjaminiHochberg},
		Run:      &report.Run{Base: report.Revision{SHA: "\x1b[31mred"}, Head: report.Revision{SHA: "abc"}},
		Warnings: []string{"see www.example.com"}}
	for i := range 20 {
		r.Run.Failures = append(r.Run.Failures, report.Failure{Package: fmt.Sprintf("p%d", i), Side: report.Head, Round: 1, Message: strings.Repeat("&", 8000)})
	}
	r.Tally()
	var md, text bytes.Buffer
	if err := comment.MarkdownWith(&md, r, comment.Options{MaxBytes: comment.CommentLimit}); err != nil {
		t.Fatal(err)
	}
	if md.Len() > comment.CommentLimit || !strings.Contains(md.String(), "the rest is cut to fit") {
		t.Errorf("markdown of %d bytes, limit %d", md.Len(), comment.CommentLimit)
	}
	if err := comment.Text(&text, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "\x1b") {
		t.Errorf("an escape sequence reaches the terminal:\n%q", text.String())
	}
	r.Run.Failures = nil
	r.Tally()
	md.Reset()
	if err := comment.Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "www.example") || !strings.Contains(md.String(), "www\u200b.example") {
		t.Errorf("the www. address is not made inert:\n%.300s", md.String())
	}
}

// TestSetBytes renders real go test output (testdata/setbytes, made by its module/gen.sh) of a
// package at a major version path whose benchmarks report throughput with b.SetBytes and never
// allocate, with one benchmark made slower: the comment, the job summary and the terminal table
// count that one regression once, name the package by its name, and collapse the all-zero units.
func TestSetBytes(t *testing.T) {
	var inputs []compare.Input
	for _, side := range []report.Side{report.Base, report.Head} {
		f, err := os.Open(filepath.Join("testdata/setbytes", string(side)+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		inputs = append(inputs, compare.Input{Name: string(side) + ".txt", R: f, Side: side})
	}
	r, err := compare.Compare(inputs, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got := r.BenchmarkCounts[report.Regression]; got != 1 {
		t.Errorf("benchmark_counts.regression = %d, want 1 (Sum64/16B in sec/op and B/s)", got)
	}
	for name, render := range map[string]func(*bytes.Buffer) error{
		"comment.md": func(b *bytes.Buffer) error {
			return comment.MarkdownWith(b, r, comment.Options{MaxBytes: comment.CommentLimit, RepoURL: "https://github.com/o/r"})
		},
		"summary.md": func(b *bytes.Buffer) error {
			return comment.MarkdownWith(b, r, comment.Options{MaxBytes: comment.SummaryLimit})
		},
		"terminal.txt": func(b *bytes.Buffer) error { return comment.Text(b, r) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := render(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, want := range []string{"1 regression past threshold", "0 on both sides for all 6 benchmarks"} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in\n%s", want, out)
				}
			}
			if strings.Contains(out, "regressions past threshold") || strings.Contains(out, "v2.") {
				t.Errorf("counts a unit as a benchmark, or names the package v2:\n%s", out)
			}
			if name != "terminal.txt" && !strings.Contains(out, "xxsum.Sum64/16B-2") {
				t.Errorf("the regression is not named xxsum.Sum64/16B-2:\n%s", out)
			}
			golden.Check(t, filepath.Join("testdata/setbytes", name), b.Bytes())
		})
	}
}

// TestProfileRows renders one profile diff of each shape: a CPU profile's rows within twice
// their sampling error are marked and left out of the summary, kinds that record every event
// are never marked, a change that float rounding leaves of equal sides is zero, and a negative
// change has the '-' the rest of the output has.
func TestProfileRows(t *testing.T) {
	const period = 1e7 / 1000 // a 10 ms sample over 1000 operations, in ns per operation
	fn := func(name string, base, head int64) report.ProfileFunction {
		flat := float64(head-base) * period
		return report.ProfileFunction{Name: name, Flat: flat, Cum: flat, FlatShare: flat / (60 * period), CumShare: flat / (60 * period),
			BaseSamples: base, HeadSamples: head, FlatError: math.Sqrt(float64(base+head)) * period}
	}
	cpu := func(fns ...report.ProfileFunction) report.ProfileDiff {
		return report.ProfileDiff{Package: "example.com/m", Function: "Encode", Kind: report.ProfileCPU, Unit: "nanoseconds", Ops: 1000,
			BaseFile: "b.pprof", HeadFile: "h.pprof", Base: 100 * period, Head: 160 * period, Change: 60 * period, Functions: fns}
	}
	for _, tc := range []struct {
		name    string
		diff    report.ProfileDiff
		summary string   // the terminal's line
		rows    []string // markdown rows that must be there
	}{
		{"past and within the sampling error", cpu(fn("m.encode", 40, 100), fn("runtime.futex", 10, 16), fn("m.grow", 9, 3)),
			"m.Encode: CPU time +600.0µs/op: 100% in m.encode",
			[]string{"| m.encode | +600.0µs | 100% | +600.0µs | 100% | 40 → 100 |", "| runtime.futex | +60.00µs | ~ | +60.00µs | 10% | 10 → 16 |", "| m.grow | -60.00µs | ~ | -60.00µs | -10% | 9 → 3 |"}},
		{"nothing past the sampling error", cpu(fn("runtime.futex", 10, 16), fn("m.grow", 9, 3)),
			"m.Encode: CPU time +600.0µs/op: no function's own change is past the profiles' sampling error",
			[]string{"| runtime.futex | +60.00µs | ~ | +60.00µs | 10% | 10 → 16 |"}},
		{"a cumulative change rounding left of equal sides", func() report.ProfileDiff {
			f := fn("m.encode", 40, 100)
			f.Cum, f.CumShare = -1e-13, -1e-18
			return cpu(f)
		}(), "m.Encode: CPU time +600.0µs/op: 100% in m.encode", []string{"| m.encode | +600.0µs | 100% | 0s | 0% | 40 → 100 |"}},
		{"every allocation recorded", report.ProfileDiff{Package: "example.com/m", Function: "Encode", Kind: report.ProfileAllocObjects, Unit: "count", Ops: 1000,
			BaseFile: "b.pprof", HeadFile: "h.pprof", Base: 8, Head: 32, Change: 24,
			Functions: []report.ProfileFunction{{Name: "m.encode", Flat: 25, Cum: 25, FlatShare: 25.0 / 24, CumShare: 25.0 / 24}, {Name: "m.grow", Flat: -1, Cum: -1, FlatShare: -1.0 / 24, CumShare: -1.0 / 24}}},
			"m.Encode: allocated objects +24.00/op: 104% in m.encode",
			[]string{"| Function | Flat | Share | Cumulative | Share |\n", "| m.encode | +25.00 | 104% | +25.00 | 104% |", "| m.grow | -1.000 | -4% | -1.000 | -4% |"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Profiles: []report.ProfileDiff{tc.diff}}
			var md, text bytes.Buffer
			if err := comment.Markdown(&md, r); err != nil {
				t.Fatal(err)
			}
			if err := comment.Text(&text, r); err != nil {
				t.Fatal(err)
			}
			if want := "  " + tc.summary + "\n"; !strings.Contains(text.String(), want) {
				t.Errorf("terminal lacks %q:\n%s", want, text.String())
			}
			for _, row := range tc.rows {
				if !strings.Contains(md.String(), row) {
					t.Errorf("markdown lacks %q:\n%s", row, md.String())
				}
			}
			if marked := strings.Contains(md.String(), "| ~ |"); marked != strings.Contains(md.String(), "~: within the sampling error") {
				t.Errorf("rows marked %v, but the legend says otherwise:\n%s", marked, md.String())
			}
		})
	}
}

// TestExactChange formats comparisons whose sides each hold one value throughout: a change
// between two such values is exact, with no interval or p-value; anything else is formatted as
// benchstat formats it.
func TestExactChange(t *testing.T) {
	summary := func(values ...float64) *report.Summary {
		return &report.Summary{Center: values[len(values)/2], Low: &values[0], High: &values[len(values)-1], Confidence: 0.95, Values: values}
	}
	same := func(v float64, n int) *report.Summary {
		values := make([]float64, n)
		for i := range values {
			values[i] = v
		}
		return summary(values...)
	}
	ptr := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name                 string
		unit                 string
		base, head           *report.Summary
		paired               *report.Paired
		p                    float64
		wantStat, wantPaired string
		wantExact            bool
	}{
		{"allocations, paired", "allocs/op", same(28, 30), same(106, 30),
			&report.Paired{Test: report.PairedTest, N: 30, DeltaPercent: 278.57, LowPercent: ptr(278.57), HighPercent: ptr(278.57), P: 1e-9, Alpha: 0.05},
			1e-4, "exact: 28 → 106, n=30", "", true},
		{"bytes of unequal sample sizes", "B/op", same(4096, 7), same(8192, 10), nil, 1e-4, "exact: 4096 → 8192, n=7+10", "", true},
		{"a constant fraction", "sec/op", same(1.5e-6, 6), same(2.25e-6, 6), nil, 1e-4, "exact: 1.500µ → 2.250µ, n=6", "", true},
		{"the same value on both sides", "allocs/op", same(6, 10), same(6, 10), nil, 1, "p=1.000 n=10", "", false},
		{"one sample a side", "allocs/op", same(1, 1), same(2, 1), nil, 1, "p=1.000 n=1", "", false},
		{"varying samples, paired", "allocs/op", summary(1, 1, 2), summary(3, 3, 3),
			&report.Paired{Test: report.PairedTest, N: 3, DeltaPercent: 200, LowPercent: ptr(-0.04), HighPercent: ptr(300), P: 0.2, Alpha: 0.05},
			0.1, "p=0.100 n=3", "+200.0% [0.0%, +300.0%] p=0.200 n=3", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &report.Comparison{Benchmark: "A", Unit: tc.unit, Better: report.Lower, Assumption: report.AssumeNothing, Base: tc.base, Head: tc.head, P: &tc.p, PAdjusted: &tc.p, Paired: tc.paired}
			cells := comment.Format(c, 0.05)
			if cells.Stat != tc.wantStat || cells.Paired != tc.wantPaired || (cells.Exact != "") != tc.wantExact {
				t.Errorf("stat %q, paired %q, exact %q; want %q, %q, exact %v", cells.Stat, cells.Paired, cells.Exact, tc.wantStat, tc.wantPaired, tc.wantExact)
			}
			if strings.Contains(cells.Stat+cells.Paired, "[") && tc.wantExact {
				t.Errorf("an exact change with an interval: %+v", cells)
			}
		})
	}
}

// TestOneRowPerBenchmark renders the regressions and improvements of benchmarks with several
// changed units: each benchmark has one row that names it once and holds its units, the
// regressed units first; a derived unit stays beside its source's change.
func TestOneRowPerBenchmark(t *testing.T) {
	varying := func(center float64) *report.Summary {
		return &report.Summary{Center: center, Confidence: 0.95, Values: []float64{0.99 * center, center, 1.01 * center}}
	}
	cmp := func(bench, unit string, base, head float64, v report.Verdict) report.Comparison {
		d, p := (head/base-1)*100, 0.001
		return report.Comparison{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: bench, Unit: unit, Better: report.Lower,
			Assumption: report.AssumeNothing, Base: varying(base), Head: varying(head), DeltaPercent: &d, P: &p, PAdjusted: &p, ThresholdPercent: 5, Verdict: v}
	}
	throughput := cmp("Encode", "B/s", 200, 100, report.Regression)
	throughput.Better, throughput.DerivedFrom = report.Higher, "sec/op"
	for _, tc := range []struct {
		name string
		cmps []report.Comparison
		want []string // the notable rows, in order, from their first cell to their change
	}{
		{"three units regressed", []report.Comparison{
			cmp("Encode", "sec/op", 100, 112.6, report.Regression), cmp("Encode", "B/op", 1000, 3000, report.Regression), cmp("Encode", "allocs/op", 28.2, 106.3, report.Regression),
		}, []string{"| m.Encode | allocs/op<br>B/op<br>sec/op | "}},
		{"slower and allocating less, beside another benchmark", []report.Comparison{
			cmp("Encode", "allocs/op", 10, 5, report.Improvement), cmp("Encode", "sec/op", 100, 120, report.Regression), cmp("Decode", "sec/op", 100, 160, report.Regression),
		}, []string{"| m.Decode | sec/op | ", "| m.Encode | sec/op<br>allocs/op | "}},
		{"a derived unit", []report.Comparison{cmp("Encode", "sec/op", 100, 200, report.Regression), throughput},
			[]string{"| m.Encode | sec/op | "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Settings: report.Settings{Alpha: 0.05}, Comparisons: tc.cmps}
			r.Tally()
			var b bytes.Buffer
			if err := comment.Markdown(&b, r); err != nil {
				t.Fatal(err)
			}
			table, _, _ := strings.Cut(b.String(), "<details>")
			var rows []string
			for _, line := range strings.Split(table, "\n") {
				if strings.HasPrefix(line, "| m.") {
					rows = append(rows, line)
				}
			}
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d:\n%s", len(rows), len(tc.want), table)
			}
			for i, want := range tc.want {
				if !strings.HasPrefix(rows[i], want) {
					t.Errorf("row %d:\n%s\nwant it to begin %q", i, rows[i], want)
				}
			}
			if tc.name == "a derived unit" && !strings.Contains(rows[0], "🔴 **+100.00%** · B/s -50.00%") {
				t.Errorf("the derived unit is not beside its source's change:\n%s", rows[0])
			}
		})
	}
}
