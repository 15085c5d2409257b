package formats_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/formats"
	"github.com/benchgate/benchgate/internal/golden"
)

// readBack reads converted results the way gate compare does, and checks what every conversion
// promises: no line benchfmt cannot read, names without a GOMAXPROCS suffix, finite values. It
// returns the samples per benchmark name and unit.
func readBack(t *testing.T, results []byte) (samples map[string]map[string]int, units benchfmt.UnitMetadataMap) {
	t.Helper()
	r := benchfmt.NewReader(bytes.NewReader(results), "converted")
	samples = map[string]map[string]int{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("benchfmt cannot read a converted line: %v", rec)
		case *benchfmt.Result:
			name := rec.Name.String()
			if _, parts := rec.Name.Parts(); len(parts) > 0 && parts[len(parts)-1][0] == '-' {
				t.Errorf("Benchmark%s: the name ends in what benchfmt reads as GOMAXPROCS", name)
			}
			if samples[name] == nil {
				samples[name] = map[string]int{}
			}
			for _, v := range rec.Values {
				if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
					t.Errorf("Benchmark%s: %v %s is not finite", name, v.Value, v.Unit)
				}
				samples[name][v.Unit]++
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return samples, r.Units()
}

// hyperfineWithMemory is the real hyperfine output with each run's peak memory added, as
// hyperfine 1.16 and later write it (the version that made the fixture has no memory).
func hyperfineWithMemory(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/hyperfine/hyperfine.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for i, r := range doc["results"] {
		var mem []int
		for j := range r["times"].([]any) {
			mem = append(mem, 3<<20+i<<20+j*4096)
		}
		r["memory_usage_byte"] = mem
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConvert converts each captured real output (see each testdata/<harness>/gen.sh) and
// compares the result with its golden file in testdata/golden; -update rewrites them. The
// golden files are Go benchmark format: gate compare reads them as they are.
func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string // read with formats.Read, detecting the format
		data     []byte // or converted from memory, as path
		format   formats.Format
		samples  map[string]map[string]int // for some benchmarks: samples per unit
		better   map[string]int            // declared unit directions
		warnings []string                  // substrings, one per warning, in order
	}{
		{
			name: "criterion", path: "testdata/criterion/out", format: formats.Criterion,
			samples: map[string]map[string]int{
				"fib_15":         {"sec/op": 10},
				"sort_8":         {"sec/op": 10},
				"sum/bytes/64":   {"sec/op": 10, "B/s": 10},
				"sum/bytes/1024": {"sec/op": 10, "B/s": 10},
			},
		},
		{
			name: "bencher", path: "testdata/bencher/cargo-bench.txt", format: formats.Bencher,
			samples: map[string]map[string]int{"fib_15": {"sec/op": 2}, "sort_8": {"sec/op": 2}, "sum/bytes/1024": {"sec/op": 2}},
		},
		{
			name: "gbench", path: "testdata/gbench/gbench.json", format: formats.GoogleBenchmark,
			samples: map[string]map[string]int{
				"BM_Sum/64":   {"sec/op": 3, "cpu-sec/op": 3, "B/s": 3, "items/s": 3},
				"BM_Shift/_8": {"sec/op": 3, "cpu-sec/op": 3},
				"BM_Fill":     {"sec/op": 3, "cpu-sec/op": 3, "nodes": 3, "fills_rate": 3},
			},
			better:   map[string]int{"cpu-sec/op": -1, "items/s": 1, "B/s": 1, "nodes": 0, "fills_rate": 0},
			warnings: []string{"testdata/gbench/gbench.json: the Google Benchmark library was built as debug"},
		},
		{
			name: "gbench-aggregates-only", path: "testdata/gbench/aggregates-only.json", format: formats.GoogleBenchmark,
			samples: map[string]map[string]int{"BM_Sum/64": {"sec/op": 1}, "BM_Fill": {"sec/op": 1, "nodes": 1}},
			warnings: []string{
				"built as debug",
				"aggregates-only.json: 4 benchmarks (\"BM_Sum/64\" first) have only aggregates, as with --benchmark_report_aggregates_only: each one's median is a single sample",
			},
		},
		{
			name: "pytest", path: "testdata/pytest/data.json", format: formats.Pytest,
			samples: map[string]map[string]int{"test_fib": {"sec/op": 5}, "test_sort[size-8]": {"sec/op": 5}, "test_sort[size_64]": {"sec/op": 5}, "test_join": {"sec/op": 5}},
		},
		{
			name: "pytest-saved", path: "testdata/pytest/saved.json", format: formats.Pytest,
			samples:  map[string]map[string]int{"test_fib": {"sec/op": 1}, "test_join": {"sec/op": 1}},
			warnings: []string{"saved.json: 4 benchmarks (\"test_fib\" first) have only summary statistics, as a run stored without --benchmark-save-data has"},
		},
		{
			name: "hyperfine", path: "testdata/hyperfine/hyperfine.json", format: formats.Hyperfine,
			samples: map[string]map[string]int{"nap_10": {"sec/op": 5}, "sleep_0.02": {"sec/op": 5}},
		},
		{
			name: "hyperfine-memory", path: "memory.json", data: hyperfineWithMemory(t), format: formats.Hyperfine,
			samples: map[string]map[string]int{"nap_10": {"sec/op": 5, "peak-RSS-B": 5}},
			better:  map[string]int{"peak-RSS-B": -1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c *formats.Converted
			var err error
			if tt.data != nil {
				c, err = formats.Convert(tt.path, tt.data, "")
			} else {
				c, err = formats.Read(tt.path, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tt.format {
				t.Errorf("detected %q, want %q", c.Format, tt.format)
			}
			if !bytes.HasPrefix(c.Results, []byte("harness: "+string(tt.format)+"\n")) {
				t.Errorf("results do not start with the harness line:\n%.200s", c.Results)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".txt"), c.Results)
			samples, units := readBack(t, c.Results)
			for name, want := range tt.samples {
				for unit, n := range want {
					if got := samples[name][unit]; got != n {
						t.Errorf("Benchmark%s has %d samples in %s, want %d (all: %v)", name, got, unit, n, samples)
					}
				}
			}
			for unit, want := range tt.better {
				if got := units.GetBetter(unit); got != want {
					t.Errorf("unit %s: better %d, want %d", unit, got, want)
				}
			}
			if len(c.Warnings) != len(tt.warnings) {
				t.Errorf("warnings %q, want %d like %q", c.Warnings, len(tt.warnings), tt.warnings)
			}
			for i, want := range tt.warnings {
				if i < len(c.Warnings) && !strings.Contains(c.Warnings[i], want) {
					t.Errorf("warning %d is %q, want it to contain %q", i, c.Warnings[i], want)
				}
			}
		})
	}
}

// TestGoPassThrough: Go output comes back byte for byte, with no harness line, so converted and
// native Go files mix as before.
func TestGoPassThrough(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../compare/testdata/golden/cpu-suffixes/old.txt")
	if err != nil {
		t.Fatal(err)
	}
	c, err := formats.Convert("old.txt", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != formats.Go || !bytes.Equal(c.Results, data) || len(c.Warnings) > 0 {
		t.Errorf("Go output came back as %q with warnings %q, changed: %v", c.Format, c.Warnings, !bytes.Equal(c.Results, data))
	}
}

// TestNames: the two changes a name undergoes (see the package doc), shown on bencher lines.
func TestNames(t *testing.T) {
	t.Parallel()
	for harness, want := range map[string]string{
		"plain":          "plain",
		"fib 15":         "fib_15",
		"a\tb\u00a0c":    "a_b_c",
		"sort-8":         "sort_8",
		"-8":             "_8",
		"grp/sort-8":     "grp/sort_8",
		"sort-8/n":       "sort-8/n",
		"x -8":           "x__8",
		"sort-":          "sort-",
		"v1.2-rc3":       "v1.2-rc3",
		"group/fn/1-2-3": "group/fn/1-2_3",
	} {
		line := "test " + harness + " ... bench:          12 ns/iter (+/- 4)\n"
		c, err := formats.Convert("bench.txt", []byte(line), formats.Bencher)
		if err != nil {
			t.Errorf("%q: %v", harness, err)
			continue
		}
		samples, _ := readBack(t, c.Results)
		if samples[want]["sec/op"] != 1 {
			t.Errorf("%q converted to %v, want %q", harness, samples, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "auto"} {
		if f, err := formats.ParseFormat(s); f != "" || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v; want detection", s, f, err)
		}
	}
	for _, f := range formats.Formats {
		if got, err := formats.ParseFormat(string(f)); got != f || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	_, err := formats.ParseFormat("pytest")
	if err == nil || !strings.Contains(err.Error(), `unknown format "pytest": expected auto, go, criterion, bencher, gbench, pytest-benchmark or hyperfine`) {
		t.Errorf("ParseFormat(pytest): %v", err)
	}
}
