package formats_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/formats"
)

// TestBadInput: malformed, truncated or oversized output is an error (never a panic, never
// results made up from half a file) that names the file, the line or JSON path, and what was
// expected.
func TestBadInput(t *testing.T) {
	t.Parallel()
	gbench := readFile(t, "testdata/gbench/gbench.json")
	pytest := readFile(t, "testdata/pytest/data.json")
	hyperfine := readFile(t, "testdata/hyperfine/hyperfine.json")
	bencher := readFile(t, "testdata/bencher/cargo-bench.txt")
	long := strings.Repeat("x", formats.MaxNameLen+1)
	tests := []struct {
		name string
		file string
		data []byte
		f    formats.Format
		err  string // the error contains it
	}{
		{"gbench truncated", "g.json", gbench[:len(gbench)/2], "", "g.json:"},
		{"gbench truncated says so", "g.json", gbench[:len(gbench)/2], formats.GoogleBenchmark, "the JSON ends early (truncated?); expected Google Benchmark's JSON output"},
		{"gbench invalid JSON", "g.json", []byte("{\"context\": {},\n \"benchmarks\": [}"), formats.GoogleBenchmark, "g.json:2:17: invalid JSON: invalid character '}' looking for beginning of value; expected Google Benchmark's JSON output"},
		{"gbench no benchmarks", "g.json", []byte(`{"context": {}}`), formats.GoogleBenchmark, "g.json: benchmarks: missing; expected an array of benchmark runs"},
		{"gbench benchmarks not an array", "g.json", []byte(`{"context": {}, "benchmarks": {}}`), "", "g.json: benchmarks: expected an array, got an object"},
		{"gbench entry not an object", "g.json", []byte(`{"context": {}, "benchmarks": [3]}`), "", "g.json: benchmarks[0]: expected an object, got a number"},
		{"gbench no real_time", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "BM", "iterations": 5, "time_unit": "ns"}]}`), "", "g.json: benchmarks[0].real_time: missing; expected the time per iteration"},
		{"gbench NaN time", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "BM", "iterations": 5, "real_time": NaN, "time_unit": "ns"}]}`), "", "g.json: benchmarks[0].real_time: expected a number, got NaN or an infinity"},
		{"gbench time unit", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "BM", "iterations": 5, "real_time": 1, "time_unit": "fortnight"}]}`), "", `g.json: benchmarks[0].time_unit: expected ns, us, ms or s, got "fortnight"`},
		{"gbench iterations", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "BM", "iterations": 0.5, "real_time": 1, "time_unit": "ns"}]}`), "", "g.json: benchmarks[0].iterations: expected a whole number from 1, got 0.5"},
		{"gbench name type", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": 7}]}`), "", "g.json: benchmarks[0].name: expected a string, got 7"},
		{"gbench nothing ran", "g.json", []byte(`{"context": {}, "benchmarks": []}`), "", `g.json: no benchmark results in this gbench output; expected "benchmarks" entries with run_type "iteration"`},
		{"gbench all failed", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "BM", "error_occurred": true, "error_message": "boom"}]}`), "", "g.json: no benchmark results in this gbench output"},
		{"gbench name too long", "g.json", []byte(`{"context": {}, "benchmarks": [{"name": "` + long + `", "iterations": 1, "real_time": 1, "time_unit": "ns"}]}`), "", "g.json: benchmark \"xxx"},
		{"pytest truncated", "p.json", pytest[:len(pytest)-10], "", "p.json:"},
		{"pytest no stats", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "test_a"}]}`), "", "p.json: benchmarks[0].stats: missing; expected the benchmark's statistics"},
		{"pytest data of strings", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "test_a", "stats": {"iterations": 1, "data": [0.1, "slow"]}}]}`), "", "p.json: benchmarks[0].stats.data[1]: expected a finite number, got a string"},
		{"pytest no iterations", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "test_a", "stats": {"data": [0.1]}}]}`), "", "p.json: benchmarks[0].stats.iterations: expected a whole number from 1"},
		{"pytest neither data nor median", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "test_a", "stats": {"iterations": 1, "mean": 0.1}}]}`), "", "p.json: benchmarks[0].stats.median: missing; expected the median time (or data, with --benchmark-save-data)"},
		{"pytest negative", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "test_a", "stats": {"iterations": 1, "data": [0.1, -2]}}]}`), "", "p.json: benchmarks[0].stats.data: value 1: expected a time of at least 0, got -2"},
		{"pytest no name", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"stats": {}}]}`), "", "p.json: benchmarks[0].name: missing; expected the test's name"},
		{"pytest empty name", "p.json", []byte(`{"machine_info": {}, "benchmarks": [{"name": "", "stats": {"iterations": 1, "data": [1]}}]}`), "", "p.json: a benchmark has an empty name; expected a name"},
		{"hyperfine truncated", "h.json", hyperfine[:200], "", "h.json:"},
		{"hyperfine no command", "h.json", []byte(`{"results": [{"times": [1]}]}`), formats.Hyperfine, "h.json: results[0].command: missing; expected the command or its --command-name"},
		{"hyperfine memory per run", "h.json", []byte(`{"results": [{"command": "x", "times": [1, 2], "memory_usage_byte": [5]}]}`), "", "h.json: results[0].memory_usage_byte: 1 values; expected one per run, 2"},
		{"hyperfine exit codes per run", "h.json", []byte(`{"results": [{"command": "x", "times": [1, 2], "exit_codes": [0]}]}`), "", "h.json: results[0].exit_codes: 1 values; expected one per run, 2"},
		{"hyperfine every run failed", "h.json", []byte(`{"results": [{"command": "x", "times": [1, 2], "exit_codes": [1, null]}]}`), "", `h.json: no benchmark results in this hyperfine output; expected "results" with "command" and "times"`},
		{"hyperfine times of objects", "h.json", []byte(`{"results": [{"command": "x", "times": [{}]}]}`), "", "h.json: results[0].times[0]: expected a finite number, got an object"},
		{"bencher malformed", "b.txt", []byte("test a ... bench:          12 ns/iter (+/- 4)\ntest b ... bench:   lots ns/iter (+/- 4)\n"), "", `b.txt:2: a bencher line that does not read; expected "test NAME ... bench: N ns/iter (+/- M)", got "test b ... bench:   lots ns/iter (+/- 4)"`},
		{"bencher truncated in a line", "b.txt", append(bytes.Clone(bencher), "test fib 15 ... "...), "", "b.txt:29: the output ends inside a benchmark's line (truncated?)"},
		{"bencher nothing", "b.txt", []byte("running 0 tests\n\ntest result: ok. 0 passed\n"), formats.Bencher, `b.txt: no benchmark results in this bencher output; expected lines "test NAME ... bench: N ns/iter (+/- M)"`},
		{"criterion in memory", "c.json", []byte("{}"), formats.Criterion, "c.json: criterion output is a directory (target/criterion); read it with its path"},
		{"unknown format", "x", []byte("{}"), "xml", `x: unknown format "xml": expected go, criterion`},
		{"too large", "big.txt", make([]byte, formats.MaxInputBytes+1), formats.Bencher, "big.txt: 67108865 bytes, more than 67108864; expected a harness output of at most that size"},
	}
	for _, tt := range tests {
		c, err := formats.Convert(tt.file, tt.data, tt.f)
		if err == nil {
			t.Errorf("%s: converted with no error:\n%.300s", tt.name, c.Results)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.file+":") || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %q, want one naming %s and containing %q", tt.name, err, tt.file, tt.err)
		}
	}
}

// TestTooMuchOutput: a small output whose samples repeat a long name many times is refused, not
// inflated without bound.
func TestTooMuchOutput(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("n", formats.MaxNameLen-10)
	rounds := strings.Repeat("1,", formats.MaxResultBytes/formats.MaxNameLen+1) + "1"
	data := `{"machine_info": {}, "benchmarks": [{"name": "` + name + `", "stats": {"iterations": 1, "data": [` + rounds + `]}}]}`
	_, err := formats.Convert("p.json", []byte(data), "")
	if err == nil || !strings.Contains(err.Error(), "p.json: the converted results would be more than 67108864 bytes") {
		t.Errorf("error %v, want one about the size of the results", err)
	}
}

// TestBadCriterion: a criterion directory that is empty, interrupted or damaged.
func TestBadCriterion(t *testing.T) {
	t.Parallel()
	sample := readFile(t, "testdata/criterion/out/sort-8/new/sample.json")
	meta := readFile(t, "testdata/criterion/out/sort-8/new/benchmark.json")
	tests := []struct {
		name  string
		files map[string][]byte // under the directory
		err   string            // after the directory's path
	}{
		{"empty", map[string][]byte{"report/index.html": nil}, ": no benchmark results in this criterion output; expected <benchmark>/new/sample.json files under it"},
		{"only a baseline", map[string][]byte{"sort-8/base/sample.json": sample, "sort-8/base/benchmark.json": meta}, ": no benchmark results"},
		{"no benchmark.json", map[string][]byte{"sort-8/new/sample.json": sample}, filepath.FromSlash("/sort-8/new/benchmark.json") + ": missing; expected criterion's benchmark.json beside new/sample.json (criterion writes it last: was the run interrupted?)"},
		{"truncated sample", map[string][]byte{"sort-8/new/sample.json": sample[:40], "sort-8/new/benchmark.json": meta}, filepath.FromSlash("/sort-8/new/sample.json") + ":1:41: the JSON ends early (truncated?); expected criterion's sample.json"},
		{"samples of unequal length", map[string][]byte{"s/new/sample.json": []byte(`{"iters": [1, 2], "times": [5]}`), "s/new/benchmark.json": meta}, filepath.FromSlash("/s/new/sample.json") + ": times: 1 values; expected one per sample, as many as iters (2)"},
		{"no samples", map[string][]byte{"s/new/sample.json": []byte(`{"iters": [], "times": []}`), "s/new/benchmark.json": meta}, filepath.FromSlash("/s/new/sample.json") + ": times: empty; expected the benchmark's samples"},
		{"fractional iterations", map[string][]byte{"s/new/sample.json": []byte(`{"iters": [1.5], "times": [5]}`), "s/new/benchmark.json": meta}, filepath.FromSlash("/s/new/sample.json") + ": iters: value 0: expected a whole number from 1, got 1.5"},
		{"no id", map[string][]byte{"s/new/sample.json": sample, "s/new/benchmark.json": []byte(`{"group_id": "s"}`)}, filepath.FromSlash("/s/new/benchmark.json") + ": full_id: missing; expected the benchmark's id"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		for name, data := range tt.files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := formats.Read(dir, "")
		if err == nil || !strings.HasPrefix(err.Error(), dir) || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %v, want %s%s", tt.name, err, dir, tt.err)
		}
	}
	for _, tt := range []struct {
		path string
		f    formats.Format
		err  string
	}{
		{"testdata/criterion/out", formats.GoogleBenchmark, "testdata/criterion/out: a directory; expected a file of gbench output (only criterion output is a directory)"},
		{"testdata/gbench/gbench.json", formats.Criterion, "testdata/gbench/gbench.json: a file; expected criterion's output directory"},
		{"testdata/nothing-here", "", "testdata/nothing-here: no such file or directory"},
	} {
		if _, err := formats.Read(tt.path, tt.f); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Read(%s, %q): %v, want %q", tt.path, tt.f, err, tt.err)
		}
	}
}

// TestDuplicateNames: two benchmarks one name would merge into one benchmark's samples: pytest's
// tests of one name in two modules keep their node IDs, criterion's ids its titles.
func TestDuplicateNames(t *testing.T) {
	t.Parallel()
	data := `{"machine_info": {}, "benchmarks": [
		{"name": "test_a", "fullname": "x.py::test_a", "stats": {"iterations": 1, "data": [1, 2]}},
		{"name": "test_a", "fullname": "y.py::test_a", "stats": {"iterations": 1, "data": [3]}},
		{"name": "test_b", "fullname": "y.py::test_b", "stats": {"iterations": 1, "data": [4]}}]}`
	c, err := formats.Convert("p.json", []byte(data), "")
	if err != nil {
		t.Fatal(err)
	}
	samples, _ := readBack(t, c.Results)
	if samples["x.py::test_a"]["sec/op"] != 2 || samples["y.py::test_a"]["sec/op"] != 1 || samples["test_b"]["sec/op"] != 1 {
		t.Errorf("pytest: %v", samples)
	}

	dir := t.TempDir()
	sample := []byte(`{"sampling_mode": "Flat", "iters": [10], "times": [100]}`)
	for sub, title := range map[string]string{"a": "dup", "a_2": "dup #2"} {
		p := filepath.Join(dir, sub, "new")
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		meta := `{"group_id": "dup", "full_id": "dup", "title": "` + title + `", "throughput": {"Elements": 5}}`
		if err := os.WriteFile(filepath.Join(p, "sample.json"), sample, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "benchmark.json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err = formats.Read(dir, formats.Criterion)
	if err != nil {
		t.Fatal(err)
	}
	samples, _ = readBack(t, c.Results)
	if samples["dup"]["sec/op"] != 1 || samples["dup_#2"]["sec/op"] != 1 || samples["dup"]["elements/s"] != 0 {
		t.Errorf("criterion: %v", samples)
	}
}

// TestWarnings: problems that leave the rest of an output good are warnings naming the file.
func TestWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
		want string
	}{
		{"gbench failed run", `{"context": {}, "benchmarks": [{"name": "BM_a", "error_occurred": true, "error_message": "boom"}, {"name": "BM_b", "iterations": 1, "real_time": 1, "time_unit": "ns"}]}`, `w.json: 1 benchmark runs failed and are skipped (error_occurred), the first "BM_a" (boom)`},
		{"gbench infinite counter", `{"context": {}, "benchmarks": [{"name": "BM_b", "iterations": 1, "real_time": 1, "time_unit": "ns", "bytes_per_second": Infinity}]}`, "w.json: benchmarks[0].bytes_per_second: not a finite number; that value is skipped"},
		{"gbench cpu scaling", `{"context": {"cpu_scaling_enabled": true}, "benchmarks": [{"name": "BM_b", "iterations": 1, "real_time": 1, "time_unit": "ns"}]}`, "w.json: CPU frequency scaling was enabled"},
		{"hyperfine failed runs", `{"results": [{"command": "x", "times": [1, 2, 3], "exit_codes": [0, 2, null]}]}`, "w.json: 2 runs exited with a status other than 0 (hyperfine --ignore-failure) and are skipped"},
		{"hyperfine no times", `{"results": [{"command": "x", "mean": 1.1, "median": 1}]}`, `w.json: 1 commands ("x" first) have no "times", only summary statistics`},
		{"hyperfine same command twice", `{"results": [{"command": "x", "times": [1]}, {"command": "x", "times": [2]}]}`, `w.json: results[1]: command "x" is also results[0]: their runs are samples of one benchmark`},
	}
	for _, tt := range tests {
		c, err := formats.Convert("w.json", []byte(tt.data), "")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		readBack(t, c.Results)
		if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], tt.want) {
			t.Errorf("%s: warnings %q, want one containing %q", tt.name, c.Warnings, tt.want)
		}
	}
}
