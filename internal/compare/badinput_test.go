package compare_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

const header = "goos: linux\ngoarch: amd64\npkg: example.com/m\ncpu: Test CPU\n"

// results writes n result lines of benchmark name with values spread around center.
func results(name string, n int, center float64, unit string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Benchmark%s\t1000\t%.1f %s\n", name, center*(1+0.01*float64(i%3)), unit)
	}
	return b.String()
}

func find(t *testing.T, r *report.Report, name, unit string) *report.Comparison {
	t.Helper()
	for i := range r.Comparisons {
		if c := &r.Comparisons[i]; c.Benchmark == name && c.Unit == unit {
			return c
		}
	}
	t.Fatalf("no comparison for %s in %s", name, unit)
	return nil
}

func TestBadInput(t *testing.T) {
	good := header + results("Foo", 10, 100, "ns/op")
	long := strings.Repeat("x", 1<<20)
	tests := []struct {
		name     string
		old, new string
		// err is a substring of the error, when nothing can be compared.
		err string
		// warnings are substrings that must each appear in some warning.
		warnings []string
		// check looks at the report further.
		check func(t *testing.T, r *report.Report)
	}{
		{
			name:     "malformed line",
			old:      good,
			new:      header + results("Foo", 5, 100, "ns/op") + "BenchmarkFoo\t1000\tabc ns/op\n" + results("Foo", 5, 100, "ns/op"),
			warnings: []string{"new.txt:10: parsing measurement"},
			check: func(t *testing.T, r *report.Report) {
				if n := find(t, r, "Foo", "sec/op").Head.N(); n != 10 {
					t.Errorf("head has %d samples, want the 10 good lines", n)
				}
			},
		},
		{
			name:     "1 MB line",
			old:      good,
			new:      header + results("Foo", 5, 100, "ns/op") + "Benchmark" + long + " 1 2 ns/op\n" + results("Foo", 5, 100, "ns/op"),
			warnings: []string{fmt.Sprintf("new.txt:10: line is %d bytes long", len(long)+len("Benchmark 1 2 ns/op\n"))},
			check: func(t *testing.T, r *report.Report) {
				if n := find(t, r, "Foo", "sec/op").Head.N(); n != 10 {
					t.Errorf("head has %d samples; the lines after the long one were lost", n)
				}
			},
		},
		{
			name:     "1 MB line without a final newline",
			old:      good,
			new:      header + results("Foo", 10, 100, "ns/op") + long,
			warnings: []string{"new.txt:15: line is 1048576 bytes long"},
		},
		{
			name: "longest line benchfmt can read",
			old:  good,
			new: header + results("Foo", 9, 100, "ns/op") +
				"BenchmarkFoo\t1000\t100.0 ns/op" + strings.Repeat(" ", 65535-len("BenchmarkFoo\t1000\t100.0 ns/op\n")) + "\n",
			check: func(t *testing.T, r *report.Report) {
				if n := find(t, r, "Foo", "sec/op").Head.N(); n != 10 {
					t.Errorf("head has %d samples, want 10: a line within the limit was dropped", n)
				}
				if len(r.Warnings) > 0 {
					t.Errorf("warnings %q for a line within the limit", r.Warnings)
				}
			},
		},
		{name: "empty file", old: good, new: "", err: "new.txt: no benchmark results for head"},
		{name: "no benchmarks", old: "PASS\nok  \texample.com/m\t0.01s\n", new: good, err: "old.txt: no benchmark results for base"},
		{
			name:     "mismatched cpu",
			old:      good,
			new:      strings.Replace(good, "cpu: Test CPU", "cpu: Other CPU", 1),
			warnings: []string{`new.txt:5: head ran on cpu "Other CPU" but base ran on cpu "Test CPU" (old.txt:5)`},
			check: func(t *testing.T, r *report.Report) {
				if c := find(t, r, "Foo", "sec/op"); c.Base == nil || c.Head == nil {
					t.Error("results of different cpus were not compared")
				}
			},
		},
		{
			name:     "unknown unit",
			old:      header + results("Foo", 10, 100, "widgets/op"),
			new:      header + results("Foo", 10, 200, "widgets/op"),
			warnings: []string{"old.txt:5: unit widgets/op has no known direction"},
			check: func(t *testing.T, r *report.Report) {
				c := find(t, r, "Foo", "widgets/op")
				if c.Verdict != report.Inconclusive || !strings.Contains(c.Reason, "no known direction") {
					t.Errorf("verdict %s (%s), want inconclusive for lack of a direction", c.Verdict, c.Reason)
				}
				if r.Verdict != report.Pass {
					t.Error("a unit of unknown direction failed the gate")
				}
			},
		},
		{
			name: "NaN and Inf",
			old:  good,
			new: header + results("Foo", 8, 100, "ns/op") +
				"BenchmarkFoo\t1000\tNaN ns/op\t16 B/op\n" + "BenchmarkFoo\t1000\t+Inf ns/op\t16 B/op\n",
			warnings: []string{"new.txt:13: BenchmarkFoo: NaN ns/op is not a finite number", "new.txt:14: BenchmarkFoo: +Inf ns/op"},
			check: func(t *testing.T, r *report.Report) {
				if n := find(t, r, "Foo", "sec/op").Head.N(); n != 8 {
					t.Errorf("head has %d finite samples, want 8", n)
				}
				if n := find(t, r, "Foo", "B/op").Head.N(); n != 2 {
					t.Errorf("the B/op values beside the NaNs were lost: %d, want 2", n)
				}
			},
		},
		{
			name: "side key of another value",
			old:  good,
			new:  header + "benchgate-side: left\n" + results("Foo", 10, 100, "ns/op"),
			err:  `new.txt: no benchmark results for head (expected lines like "BenchmarkName  1000  123 ns/op"); 10 problems in the input, the first: new.txt:6: benchgate-side is "left"; expected base or head`,
		},
		{
			name: "name, configuration or unit a report cannot hold",
			old:  good,
			new: header + results("Foo", 10, 100, "ns/op") + "Benchmark 1 2 ns/op\n" +
				"Benchmark" + strings.Repeat("y", 3000) + " 1 2 ns/op\n" + "BenchmarkFoo 1 2 ns/op 3 " + strings.Repeat("u", 3000) + "\n" +
				"note: \xff\n" + results("Foo", 1, 100, "ns/op"),
			warnings: []string{
				"new.txt:15: the benchmark's name is empty",
				"new.txt:16: the benchmark's name is empty, longer than 2048 bytes or not UTF-8; result skipped",
				"new.txt:17: BenchmarkFoo: a unit is longer than 2048 bytes",
				`new.txt:19: configuration key "note" or its value is longer than 2048 bytes or not UTF-8`,
			},
			check: func(t *testing.T, r *report.Report) {
				if n := find(t, r, "Foo", "sec/op").Head.N(); n != 11 {
					t.Errorf("head has %d samples, want the 11 that a report can hold", n)
				}
			},
		},
		{
			name:     "configuration differs between sides",
			old:      header + "note: fast path\n" + results("Foo", 10, 100, "ns/op"),
			new:      good,
			warnings: []string{`base and head differ in configuration (note: "fast path" on base, unset on head)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings []string
			r, err := compare.Compare([]compare.Input{
				{Name: "old.txt", R: strings.NewReader(tt.old), Side: report.Base},
				{Name: "new.txt", R: strings.NewReader(tt.new), Side: report.Head},
			}, config.Default())
			switch {
			case tt.err != "" && err == nil:
				t.Fatalf("no error, want %q", tt.err)
			case tt.err != "" && !strings.Contains(err.Error(), tt.err):
				t.Fatalf("error %q, want %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			}
			if tt.err != "" {
				return
			}
			warnings = r.Warnings
			for _, want := range tt.warnings {
				found := false
				for _, w := range warnings {
					found = found || strings.Contains(w, want)
				}
				if !found {
					t.Errorf("no warning with %q in %q", want, warnings)
				}
			}
			if err := r.Validate(); err != nil {
				t.Errorf("the report of bad input does not validate: %v", err)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}
