package comment

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

const (
	fuzzRepoURL = "https://github.com/o/r"
	fuzzRestURL = "https://github.com/o/r/actions/runs/1"
)

// FuzzMarkdownInert renders a report whose names, units, configuration, revisions, warnings and
// failure messages are the fuzzer's, as a pull request's code can choose them all: gate comment
// posts what it renders from an untrusted report under the repository's token. Whatever the
// strings, the comment must mention nobody (every @ is followed by the zero-width space escape
// puts there), hold no HTML but the renderer's own tags, link nowhere but to the commits and the
// run the options name, keep every table row to its header's number of cells, and stay within
// the comment limit. flags picks paired rows (1), a history (2), a run (4) and links (8); copies
// repeats the comparisons, so that the comment must be cut to fit.
//
// The seeds are the strings of the hostile report the golden tests render.
func FuzzMarkdownInert(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "hostile.json"))
	if err != nil {
		f.Fatal(err)
	}
	hostile, err := report.Read(bytes.NewReader(data), "hostile.json")
	if err != nil {
		f.Fatal(err)
	}
	for i, c := range hostile.Comparisons {
		w := hostile.Warnings[i%len(hostile.Warnings)]
		f.Add(c.Benchmark, c.Unit, c.Config["pkg"], w, hostile.Comparisons[(i+1)%len(hostile.Comparisons)].Benchmark, uint8(i), uint8(i*i))
	}
	// Comments too long for the limit, in each shape of table.
	long := strings.Repeat(hostile.Comparisons[0].Benchmark, 20)
	for _, flags := range []uint8{8, 1, 2, 7} {
		f.Add(long, "sec/op", "example.com/m", hostile.Warnings[1], "main", flags, uint8(255))
	}

	f.Fuzz(func(t *testing.T, name, unit, pkg, text, rev string, flags, copies uint8) {
		r := fuzzReport(name, unit, pkg, text, rev, flags, int(copies))
		if r.Validate() != nil {
			return // gate comment refuses it before rendering
		}
		opts := Options{MaxBytes: CommentLimit}
		if flags&8 != 0 {
			opts.RepoURL, opts.RestURL = fuzzRepoURL, fuzzRestURL
		}
		var b bytes.Buffer
		if err := MarkdownWith(&b, r, opts); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		if len(md) > CommentLimit {
			t.Errorf("comment is %d bytes, limit %d", len(md), CommentLimit)
		}
		for i, r := range md {
			if r == '@' && !strings.HasPrefix(md[i+1:], "\u200b") {
				t.Errorf("an active @: %q", around(md, i))
			}
		}
		own := strings.NewReplacer("<details>", "", "</details>", "", "<summary>", "", "</summary>", "", "<br>", "")
		if i := strings.Index(own.Replace(md), "<"); i >= 0 {
			t.Errorf("HTML that the renderer did not write: %q", around(own.Replace(md), i))
		}
		links := strings.NewReplacer("]("+fuzzRepoURL+"/commit/", "", "]("+fuzzRestURL+")", "")
		if rest := links.Replace(unescaped(md)); strings.Contains(rest, "](") {
			t.Errorf("a link that the renderer did not write: %q", around(rest, strings.Index(rest, "](")))
		}
		if rest := strings.ReplaceAll(md, fuzzRepoURL, ""); strings.Contains(rest, "://") {
			t.Errorf("an address that would be linked: %q", around(rest, strings.Index(rest, "://")))
		}
		header := -1
		for line := range strings.Lines(md) {
			if !strings.HasPrefix(line, "|") {
				header = -1
				continue
			}
			n := strings.Count(unescaped(line), "|") - 1
			if header < 0 {
				header = n
			} else if n != header {
				t.Errorf("a row of %d cells in a table of %d: %q", n, header, line)
			}
		}
	})
}

// unescaped is s with every backslash escape removed, escaped character and all.
func unescaped(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func around(s string, i int) string { return s[max(0, i-60):min(len(s), i+60)] }

// fuzzReport is a report of copies+1 regressions, an improvement and an unchanged comparison
// whose every string comes from the arguments.
func fuzzReport(name, unit, pkg, text, rev string, flags uint8, copies int) *report.Report {
	v := func(x float64) *float64 { return &x }
	sum := func(c float64) *report.Summary {
		return &report.Summary{Center: c, Low: v(c * 0.98), High: v(c * 1.02), Confidence: 0.95, Values: []float64{c * 0.98, c, c, c * 1.02}}
	}
	cmp := func(verdict report.Verdict, head float64) report.Comparison {
		c := report.Comparison{
			Config: map[string]string{"goos": "linux", "pkg": pkg, unit: rev}, Benchmark: name, Unit: unit,
			Better: "lower", Assumption: "nothing", Base: sum(100), Head: sum(head), DeltaPercent: v(head - 100),
			P: v(0.001), PAdjusted: v(0.002), ThresholdPercent: 5, Verdict: verdict, Reason: text, Warnings: []string{text},
		}
		if flags&1 != 0 {
			c.Paired = &report.Paired{Test: report.PairedTest, N: 4, DeltaPercent: head - 100, LowPercent: v(-1), HighPercent: v(1),
				Confidence: 0.95, P: 0.001, Look: 1, Alpha: 0.05, DetectablePercent: v(2)}
		}
		if flags&2 != 0 {
			c.History = &report.History{Values: []float64{99, 100, 101}, SpreadPercent: v(1.5), SpreadBasis: "parent", SpreadN: 3}
		}
		return c
	}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "benchgate", Version: rev},
		Inputs:        []report.Input{{Path: name, Side: "base"}, {Path: pkg, Side: "head"}},
		Settings: report.Settings{Alpha: 0.05, Confidence: 0.95, FalseAlarmControl: "benjamini-hochberg", ConfigFile: rev,
			Thresholds: []report.ThresholdRule{{MaxPercent: 5}, {Unit: unit, Benchmark: name, Package: pkg, MaxPercent: 1}}},
		Geomeans: []report.Geomean{{Config: map[string]string{"pkg": pkg}, Unit: unit, Base: v(100), Head: v(110), DeltaPercent: v(10), Warnings: []string{text}}},
		Warnings: []string{text, name},
	}
	for i := range copies + 1 {
		r.Comparisons = append(r.Comparisons, cmp(report.Regression, 110+float64(i)))
	}
	r.Comparisons = append(r.Comparisons, cmp(report.Improvement, 80), cmp(report.Unchanged, 100))
	if flags&2 != 0 {
		r.History = &report.HistorySource{Branch: rev, Commits: 3, Newest: rev}
	}
	if flags&4 != 0 {
		r.Run = &report.Run{
			Base:       report.Revision{Ref: rev, SHA: rev},
			Head:       report.Revision{Ref: name, SHA: pkg, Dirty: flags&16 != 0},
			Machine:    report.Machine{CPUModel: text, OS: unit, Arch: pkg, GoVersion: rev},
			Count:      4,
			Rounds:     4,
			Bench:      name,
			Benchtime:  unit,
			Interleave: report.InterleaveBenchmark,
			MaxCount:   8,
			Looks:      []int{4},
			Extra:      [][]report.Func{{{Package: pkg, Name: name}}},
			Processes:  []report.Process{{Package: pkg, Side: "base", Runs: 4}},
			Failures:   []report.Failure{{Package: pkg, Side: "head", Benchmark: name, Round: 1, Message: text, Output: text}},
		}
	}
	r.Tally()
	return r
}
