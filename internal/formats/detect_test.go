package formats_test

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/formats"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDetect(t *testing.T) {
	t.Parallel()
	goOut := readFile(t, "../compare/testdata/golden/cpu-suffixes/old.txt")
	bencher := readFile(t, "testdata/bencher/cargo-bench.txt")
	tests := []struct {
		name string
		data []byte
		want formats.Format
		err  string // substring, when detection fails
	}{
		{"go test output", goOut, formats.Go, ""},
		{"go header only", []byte("goos: linux\ngoarch: amd64\n"), formats.Go, ""},
		{"bencher", bencher, formats.Bencher, ""},
		{"bencher with go lines", append(bytes.Clone(bencher), "BenchmarkX 1 2 ns/op\n"...), formats.Go, ""},
		{"gbench", readFile(t, "testdata/gbench/gbench.json"), formats.GoogleBenchmark, ""},
		{"pytest", readFile(t, "testdata/pytest/data.json"), formats.Pytest, ""},
		{"pytest saved", readFile(t, "testdata/pytest/saved.json"), formats.Pytest, ""},
		{"hyperfine", readFile(t, "testdata/hyperfine/hyperfine.json"), formats.Hyperfine, ""},
		{"criterion sample.json", readFile(t, "testdata/criterion/out/sort-8/new/sample.json"), "", "out.json: a criterion sample.json; give gate its directory"},
		{"other JSON", []byte(`{"benchmarks": []}`), "", `out.json: JSON with none of the keys gate knows; expected Google Benchmark's ("benchmarks" and "context")`},
		{"hyperfine-like without times", []byte(`{"results": [{"name": "x"}]}`), "", "out.json: JSON with none of the keys gate knows"},
		{"JSON array", []byte(` [1, 2]`), "", "out.json: not a benchmark output gate knows"},
		{"truncated JSON", []byte("{\n  \"context\": {"), "", "out.json:2:15: the JSON ends early (truncated?); expected the JSON of Google Benchmark, pytest-benchmark or hyperfine"},
		{"text", []byte("hello\nworld\n"), "", `out.json: not a benchmark output gate knows; expected go test -bench output (lines starting "Benchmark")`},
		{"empty", nil, "", "out.json: not a benchmark output gate knows"},
	}
	for _, tt := range tests {
		got, err := formats.Detect("out.json", tt.data)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: Detect = %q, %v; want an error containing %q", tt.name, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: Detect = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// TestReadDetectsDirectories: a directory is criterion output, at its top or any level below.
func TestReadDetectsDirectories(t *testing.T) {
	t.Parallel()
	for dir, n := range map[string]int{"testdata/criterion/out": 4, "testdata/criterion/out/sum": 2, "testdata/criterion/out/sort-8": 1} {
		c, err := formats.Read(dir, "")
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		samples, _ := readBack(t, c.Results)
		if c.Format != formats.Criterion || len(samples) != n {
			t.Errorf("%s: %s with %d benchmarks, want criterion with %d", dir, c.Format, len(samples), n)
		}
	}
}

// TestNewStream: Go output streams through untouched, from a reader that is never read whole;
// every other format is converted; text that is nothing gate knows is left to the Go reader,
// which says what it expected.
func TestNewStream(t *testing.T) {
	t.Parallel()
	goOut := readFile(t, "../compare/testdata/golden/cpu-suffixes/old.txt")
	for _, tt := range []struct {
		name string
		data []byte
		f    formats.Format
		want formats.Format
	}{
		{"go", goOut, "", formats.Go},
		{"go given", goOut, formats.Go, formats.Go},
		{"nothing known", []byte("PASS\nok  \texample.com/x\t0.1s\n"), "", formats.Go},
		{"bencher", readFile(t, "testdata/bencher/cargo-bench.txt"), "", formats.Bencher},
		{"gbench", readFile(t, "testdata/gbench/gbench.json"), "", formats.GoogleBenchmark},
		{"hyperfine given", readFile(t, "testdata/hyperfine/hyperfine.json"), formats.Hyperfine, formats.Hyperfine},
	} {
		s, err := formats.NewStream("in", bytes.NewReader(tt.data), tt.f)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got, err := io.ReadAll(s.R)
		if err != nil {
			t.Fatal(err)
		}
		if s.Format != tt.want {
			t.Errorf("%s: format %q, want %q", tt.name, s.Format, tt.want)
		}
		if converted := !bytes.Equal(got, tt.data); converted != (tt.want != formats.Go) {
			t.Errorf("%s: converted %v, want %v", tt.name, converted, tt.want != formats.Go)
		}
	}
	_, err := formats.NewStream("in.json", strings.NewReader(`{"results": [{"command": "x", "times": [1, -1]}]}`), "")
	if err == nil || !strings.Contains(err.Error(), "in.json: results[0].times: run 1: expected a time of at least 0, got -1") {
		t.Errorf("a bad hyperfine stream: %v", err)
	}
}

// TestFilter checks each harness's selector, and that the criterion and gbench expressions
// (Go's regexp reads both syntaxes the same way here) select exactly the harness names that
// convert to the name asked for.
func TestFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f        formats.Format
		name     string
		want     string
		ok       bool
		match    []string // harness names the expression must select
		notMatch []string
	}{
		{formats.Criterion, "sort_8", `^sort[-_[:space:]]8$`, true, []string{"sort-8", "sort_8", "sort 8"}, []string{"sort-80", "xsort-8", "sort8"}},
		{formats.Criterion, "fib_15", `^fib[-_[:space:]]15$`, true, []string{"fib 15", "fib_15", "fib-15"}, []string{"fib-15x", "fib  15"}},
		{formats.Criterion, "sum/bytes/64", `^sum/bytes/64$`, true, []string{"sum/bytes/64"}, []string{"sum/bytes/640", "xsum/bytes/64"}},
		{formats.Criterion, "a.b(c)*", `^a\.b\(c\)\*$`, true, []string{"a.b(c)*"}, []string{"aXb(c)"}},
		{formats.Bencher, "parse json", `^parse[_[:space:]]json$`, true, []string{"parse json", "parse_json"}, nil},
		{formats.GoogleBenchmark, "BM_Shift/_8", `^BM[_[:space:]]Shift/[-_[:space:]]8$`, true, []string{"BM_Shift/-8"}, []string{"BM_Shift/8", "BM_Shift/-80"}},
		{formats.GoogleBenchmark, "BM_Sum/64", `^BM[_[:space:]]Sum/64$`, true, []string{"BM_Sum/64"}, []string{"BM_Sum/64_mean"}},
		{formats.Pytest, "test_sort[size-8]", "test_sort[size-8]", true, nil, nil},
		{formats.Pytest, "test_sort[size_64]", "test_sort", true, nil, nil},
		{formats.Pytest, "tests/test_a.py::test_fib", "test_fib", true, nil, nil},
		{formats.Pytest, "test_fib", "test_fib", true, nil, nil},
		{formats.Go, "Sort/n=10-2", `^BenchmarkSort$/^n=10$`, true, nil, nil},
		{formats.Go, "BenchmarkJoin-8", `^BenchmarkJoin$`, true, nil, nil},
		{formats.Hyperfine, "nap_10", "", false, nil, nil},
		{formats.Criterion, "", "", false, nil, nil},
	}
	for _, tt := range tests {
		got, ok := formats.Filter(tt.f, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Filter(%s, %q) = %q, %v; want %q, %v", tt.f, tt.name, got, ok, tt.want, tt.ok)
			continue
		}
		if len(tt.match)+len(tt.notMatch) == 0 {
			continue
		}
		re := regexp.MustCompile(got)
		for _, m := range tt.match {
			if !re.MatchString(m) {
				t.Errorf("Filter(%s, %q) = %q does not select %q", tt.f, tt.name, got, m)
			}
		}
		for _, m := range tt.notMatch {
			if re.MatchString(m) {
				t.Errorf("Filter(%s, %q) = %q selects %q", tt.f, tt.name, got, m)
			}
		}
	}
}

// TestFilterRoundTrip: every benchmark of the real criterion and gbench outputs is selected by
// the filter of its converted name, and by no other benchmark's.
func TestFilterRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		f     formats.Format
		path  string
		names []string // as the harness shows them
	}{
		{formats.Criterion, "testdata/criterion/out", []string{"fib 15", "sort-8", "sum/bytes/64", "sum/bytes/1024"}},
		{formats.GoogleBenchmark, "testdata/gbench/gbench.json", []string{"BM_Sum/64", "BM_Sum/1024", "BM_Shift/-8", "BM_Fill"}},
	} {
		c, err := formats.Read(tt.path, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		samples, _ := readBack(t, c.Results)
		if len(samples) != len(tt.names) {
			t.Fatalf("%s: %d benchmarks, want %d", tt.path, len(samples), len(tt.names))
		}
		for converted := range samples {
			filter, ok := formats.Filter(tt.f, converted)
			if !ok {
				t.Fatalf("no filter for %q", converted)
			}
			re := regexp.MustCompile(filter)
			selected := 0
			for _, h := range tt.names {
				if re.MatchString(h) {
					selected++
				}
			}
			if selected != 1 {
				t.Errorf("%s: the filter %q of %q selects %d of %q, want 1", tt.path, filter, converted, selected, tt.names)
			}
		}
	}
}
